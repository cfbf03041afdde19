"""``X`` in blocks of rows, and sums over the blocks computed by parallel threads.

Everything the solver needs from ``X`` (the objective and its gradient,
Hessian products, the preconditioner's column moments) is a sum over rows of
terms that depend on one row at a time. :class:`RowBlocks` splits the rows
into one contiguous chunk per thread; each thread walks its chunk a block of
rows at a time, computing both products with a block and the elementwise
loss between them, and the threads' partial sums are added at the end.

Why threads of our own rather than BLAS's: numpy computes the elementwise
loss on one core, and OpenBLAS wakes and synchronises its threads at every
call, which on blocks of a few MiB costs as much as the product. With a chunk
of rows per thread and BLAS held to one thread, each core reads its own rows,
computes their loss, and no call waits for another thread. numpy's and
scipy's products and numpy's loops over arrays release the GIL; blocks of
several MiB keep the Python between them, which holds it, negligible (the
measurements behind the block sizes are on the documentation's benchmarks
page).

A sparse ``X`` in CSR format is blocked the same way, by views of its rows
(sharing its arrays); a CSC matrix cannot be split by rows without a copy and
is one block in one thread.
"""

import functools
import operator
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import scipy
from scipy import sparse
from threadpoolctl import ThreadpoolController

# Rows per block: about DENSE_BLOCK_BYTES of a dense X, so that the rows
# X @ coef reads are still in cache when X.T @ residual reads them again, and
# the loss's dozen temporaries a block's rows long stay in cache too; about
# SPARSE_BLOCK_ELEMENTS stored values of a sparse X, whose products gain less
# from the cache than they lose to the Python between more blocks; at most
# MAX_BLOCK_ROWS rows.
DENSE_BLOCK_BYTES = 2**22
SPARSE_BLOCK_ELEMENTS = 2**22
MAX_BLOCK_ROWS = 2**16

# A block converted to another dtype goes through a buffer per chunk: at
# most this many elements (the fastest measured), and at most 1/16 of the
# chunk's, so that the buffers hold at most 1/8 of a float32 X.
CONVERTED_BLOCK_ELEMENTS = 2**21
CONVERTED_FRACTION_OF_CHUNK = 16

# Blocks whose terms make float64 temporaries of their own size (centering,
# a design with an intercept column) hold this many elements.
SCRATCH_BLOCK_ELEMENTS = 2**19

# The preconditioner estimates the Hessian's correlation part from at most
# this many rows per feature (and at least MIN_SAMPLED_ROWS): enough for a
# preconditioner, at a small fraction of the O(n p^2) cost of the full matrix.
ROWS_PER_FEATURE = 50
MIN_SAMPLED_ROWS = 20_000

# Threads are started only for at least this many rows per thread: what
# they add to a product BLAS already runs on every core is the elementwise
# loss of each row, which pays for a thread only over many rows.
MIN_ROWS_PER_THREAD = 2**16


def sampled_rows(n_samples, n_features):
    """Return evenly spaced rows, as a slice.

    At most ``max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * n_features)`` rows are taken.
    """
    max_rows = max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * n_features)
    return slice(None, None, -(-n_samples // max_rows))


def _row_slices(start, stop, rows_per_block):
    for first in range(start, stop, rows_per_block):
        yield slice(first, min(first + rows_per_block, stop))


def _compressed_view(format, data, indices, indptr, shape):
    """Return a CSR or CSC matrix on the given arrays, sharing them.

    They are set after construction, and its transpose shares them too:
    scipy's constructor (which ``transpose`` calls) copies arrays that are
    views into much larger ones (its ``prune``), which would copy every block
    of rows at every product with its transpose.
    """
    view = _VIEWS[format](shape, dtype=data.dtype)
    view.data, view.indices, view.indptr = data, indices, indptr
    return view


class _CSRView(sparse.csr_array):
    def transpose(self, axes=None, copy=False):
        if axes is not None or copy:
            return super().transpose(axes, copy)
        return _compressed_view(
            "csc", self.data, self.indices, self.indptr, self.shape[::-1]
        )


class _CSCView(sparse.csc_array):
    def transpose(self, axes=None, copy=False):
        if axes is not None or copy:
            return super().transpose(axes, copy)
        return _compressed_view(
            "csr", self.data, self.indices, self.indptr, self.shape[::-1]
        )


_VIEWS = {"csr": _CSRView, "csc": _CSCView}


def _csr_rows(X, rows):
    """Rows ``rows`` of a CSR matrix as a view sharing its arrays."""
    first, last = X.indptr[rows.start], X.indptr[rows.stop]
    return _compressed_view(
        "csr",
        X.data[first:last],
        X.indices[first:last],
        X.indptr[rows.start : rows.stop + 1] - first,
        (rows.stop - rows.start, X.shape[1]),
    )


def _stored_elements(X):
    return X.nnz if sparse.issparse(X) else X.size


class RowBlocks:
    """``X`` split into chunks of rows, each summed over a block at a time.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        float64 or float32; C or Fortran order, CSR or CSC. Never copied.
    executor : concurrent.futures.Executor, default=None
        Runs one chunk per task; None sums the chunks in the calling thread.
    n_chunks : int, default=1
        Contiguous chunks of rows (one for a CSC matrix).
    block_elements : int, default=None
        Elements of ``X`` per block read in place; by default
        ``DENSE_BLOCK_BYTES`` of a dense ``X``, ``SPARSE_BLOCK_ELEMENTS``
        stored values of a sparse one. Fewer for block terms that make
        temporaries of the block's size.
    """

    # The most work a Hessian summed with each gradient may add to a pass
    # (see _fit.DENSE_HESSIAN_ROW_COST), in units of one product term: about
    # half a pass's fixed cost on small data.
    dense_hessian_budget = 2**20

    def __init__(self, X, executor=None, n_chunks=1, block_elements=None):
        self.X = X
        self.block_elements = block_elements or (
            SPARSE_BLOCK_ELEMENTS
            if sparse.issparse(X)
            else DENSE_BLOCK_BYTES // X.dtype.itemsize
        )
        if sparse.issparse(X) and X.format != "csr":
            n_chunks = 1
        n_samples = X.shape[0]
        n_chunks = max(1, min(n_chunks, n_samples))
        bounds = [n_samples * chunk // n_chunks for chunk in range(n_chunks + 1)]
        self.chunks = [
            slice(start, stop)
            for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        self._executor = executor if n_chunks > 1 else None
        # One conversion buffer per chunk and dtype: a fresh array per block
        # would be paged in by the system every time.
        self._buffers = {}

    @property
    def shape(self):
        return self.X.shape

    @property
    def dtype(self):
        return self.X.dtype

    def _rows_per_block(self, dtype):
        """Return the number of rows per block.

        The rows hold about ``block_elements`` stored elements (at most
        ``MAX_BLOCK_ROWS`` rows), or, when converted to ``dtype``,
        ``CONVERTED_BLOCK_ELEMENTS`` and at most
        ``1 / CONVERTED_FRACTION_OF_CHUNK`` of a chunk.
        """
        n_samples = max(self.X.shape[0], 1)
        per_row = max(_stored_elements(self.X) / n_samples, 1.0)
        elements = self.block_elements
        if self.X.dtype != dtype:
            chunk_rows = max(chunk.stop - chunk.start for chunk in self.chunks)
            elements = min(
                CONVERTED_BLOCK_ELEMENTS,
                chunk_rows * per_row / CONVERTED_FRACTION_OF_CHUNK,
            )
        return max(1, min(int(elements / per_row), MAX_BLOCK_ROWS))

    def blocks(self, chunk, dtype):
        """Yield ``(rows, X[rows])`` over ``chunk``, converted to ``dtype``."""
        X = self.X
        if sparse.issparse(X) and X.format != "csr":
            yield chunk, _converted_sparse(X, dtype)
            return
        row_slices = _row_slices(chunk.start, chunk.stop, self._rows_per_block(dtype))
        if sparse.issparse(X):
            for rows in row_slices:
                yield rows, _converted_sparse(_csr_rows(X, rows), dtype)
        elif X.dtype == dtype:
            for rows in row_slices:
                yield rows, X[rows]
        else:
            buffer = self._buffer(chunk, dtype)
            for rows in row_slices:
                X_rows = buffer[: rows.stop - rows.start]
                np.copyto(X_rows, X[rows])
                yield rows, X_rows

    def _buffer(self, chunk, dtype):
        """Return the chunk's array for one block of rows, in ``X``'s memory order.

        Copying a block of a Fortran-ordered ``X`` into a C-ordered buffer
        would transpose it element by element, far slower than the products
        it serves.
        """
        key = (chunk.start, np.dtype(dtype))
        if key not in self._buffers:
            X = self.X
            order = "F" if X.flags.f_contiguous and not X.flags.c_contiguous else "C"
            rows = min(self._rows_per_block(dtype), chunk.stop - chunk.start)
            self._buffers[key] = np.empty((rows, X.shape[1]), dtype=dtype, order=order)
        return self._buffers[key]

    def _results(self, block_function, row_arrays, dtype):
        """Apply ``block_function`` to every block, in the order of the rows.

        Each block gives ``block_function(X[rows], *(a[rows] for a in
        row_arrays))``; each chunk runs in its own task.
        """
        dtype = self.X.dtype if dtype is None else np.dtype(dtype)

        def chunk_results(chunk):
            return [
                block_function(X_rows, *(values[rows] for values in row_arrays))
                for rows, X_rows in self.blocks(chunk, dtype)
            ]

        if self._executor is None:
            per_chunk = map(chunk_results, self.chunks)
        else:
            per_chunk = self._executor.map(chunk_results, self.chunks)
        return [result for results in per_chunk for result in results]

    def sum(self, block_terms, row_arrays=(), dtype=None):
        """Sum ``block_terms(X[rows], *(a[rows] for a in row_arrays))`` over the blocks.

        ``block_terms`` returns a tuple of numbers or arrays, summed term by
        term. ``X[rows]`` is in ``dtype`` (``X``'s own by default), through a
        buffer if ``X`` is converted.
        """
        return add_terms(self._results(block_terms, row_arrays, dtype))

    def map(self, row_values, row_arrays=(), dtype=None):
        """Apply ``row_values`` to all blocks and concatenate the results along rows.

        Each block gives ``row_values(X[rows], *(a[rows] for a in row_arrays))``.
        """
        return np.concatenate(self._results(row_values, row_arrays, dtype))

    def sum_rows(self, row_terms, row_arrays):
        """``row_terms(*row_arrays)``: sums over arrays of rows, without ``X``."""
        return row_terms(*row_arrays)

    def rows(self, values):
        """``values``, an array of rows, as the sums take it: as it is."""
        return values

    def sampled(self, rows, block_elements=None):
        """Return the blocks of ``X[rows]`` (``rows`` a slice: a view).

        They are summed in blocks of ``block_elements``, in as many chunks
        as these blocks, on the same executor: a sum over the sampled rows
        (a Gram matrix's) costs far more per row than a pass.
        """
        return RowBlocks(self.X[rows], self._executor, len(self.chunks), block_elements)


def add_terms(results):
    """Sum the blocks' tuples of terms, term by term.

    The sum is of the type of the first tuple: a named tuple stays one. A
    term may be a number, an array, a sparse array, or None in every block.
    """
    sums = (
        None if term[0] is None else functools.reduce(operator.add, term)
        for term in zip(*results, strict=True)
    )
    first = results[0]
    return first._make(sums) if hasattr(first, "_make") else tuple(sums)


def _converted_sparse(X, dtype):
    """Return ``X`` (CSR or CSC) with its stored values in ``dtype``.

    The result shares ``X``'s indices.
    """
    if X.dtype == dtype:
        return X
    return with_values(X, X.data.astype(dtype))


def with_values(X, data):
    """Return ``X`` (CSR or CSC) with the stored values ``data``, sharing indices."""
    return _compressed_view(X.format, data, X.indices, X.indptr, X.shape)


@functools.cache
def bundled_blas(package):
    """Select the BLAS libraries bundled in ``package``'s folder (a pip wheel's).

    Return them as a threadpoolctl selection; empty when it uses a shared one.
    """
    controller = ThreadpoolController()
    folder = Path(package.__file__).parent
    folders = (folder, folder.with_name(f"{folder.name}.libs"))
    return controller.select(
        filepath=[
            library.filepath
            for library in controller.lib_controllers
            if library.user_api == "blas"
            and any(Path(library.filepath).is_relative_to(f) for f in folders)
        ],
    )


@functools.cache
def _numpy_blas():
    """Return the BLAS numpy's products use: its own, or every one loaded."""
    own = bundled_blas(np)
    if own.lib_controllers:
        return own
    return ThreadpoolController().select(user_api="blas")


# The thread pools held to one thread by the calls to parallel_row_blocks
# running now, in any thread: {pool: [calls, the size to restore]}.
_HELD_POOLS = {}
_HELD_POOLS_LOCK = threading.Lock()


def _pool(library):
    """Name the thread pool that ``library``'s limit sizes.

    OpenBLAS on OpenMP has one per calling thread (threadpoolctl sets
    OpenMP's limit, which is the thread's own); the others, one per process.
    """
    threading_layer = getattr(library, "threading_layer", None)
    if library.internal_api == "openblas" and threading_layer == "openmp":
        return library.filepath, threading.get_ident()
    return library.filepath


def _set_threads(library, n_threads):
    """Size ``library``'s thread pool from this thread, and release its control.

    threadpoolctl (3.8 on) lets one thread at a time size a process-wide
    OpenBLAS pool: the first to size it, until it releases it; the call that
    restores the size may run in another thread. While another thread holds
    it (the user's ``threadpool_limits`` there), the sizes set here are
    ignored and its limits apply.
    """
    library.set_num_threads(n_threads)
    release = getattr(type(library), "clear_controlling_thread", None)
    if release is not None:
        release()


def user_threads(library):
    """Return ``library``'s number of threads as set outside the holds."""
    with _HELD_POOLS_LOCK:
        held = _HELD_POOLS.get(_pool(library))
        return library.num_threads if held is None else held[1]


@contextmanager
def held_to_one_thread(libraries):
    """Hold the thread pools of ``libraries`` to one thread, shared with other holds.

    The first hold of a pool sets it to one thread and the last sets it back:
    a hold that saved the size it found and restored it, as threadpoolctl's
    context managers do, would find one thread while an overlapping one (a
    fit in another thread) holds the pool, and leave it so for good. A size
    other than one that a hold finds, or that the last one leaves with, was
    set meanwhile from outside: it is the one kept.
    """
    with _HELD_POOLS_LOCK:
        for library in libraries:
            held = _HELD_POOLS.setdefault(_pool(library), [0, 1])
            held[0] += 1
            n_threads = library.num_threads
            if n_threads != 1:
                held[1] = n_threads
                _set_threads(library, 1)
    try:
        yield
    finally:
        with _HELD_POOLS_LOCK:
            for library in libraries:
                pool = _pool(library)
                held = _HELD_POOLS[pool]
                held[0] -= 1
                if held[0] == 0:
                    del _HELD_POOLS[pool]
                    if held[1] != 1 and library.num_threads == 1:
                        _set_threads(library, held[1])


@contextmanager
def one_numpy_blas_thread():
    """Hold numpy's BLAS to one thread, shared with other holds.

    For many products with small matrices in a row (an inner solver's),
    where waking BLAS threads costs more than they give, and they spin on
    cores that other work needs.
    """
    with held_to_one_thread(_numpy_blas().lib_controllers):
        yield


@contextmanager
def parallel_row_blocks(X, block_elements=None):
    """:class:`RowBlocks` of ``X`` (with ``block_elements``) over parallel threads.

    There are as many threads as numpy's BLAS would use (so
    ``OMP_NUM_THREADS`` and threadpoolctl limits are respected), when ``X``
    has the rows for them (``MIN_ROWS_PER_THREAD``); numpy's BLAS is then
    held to one thread.

    scipy's own BLAS, when pip wheels bundle one apart, is held to one thread
    throughout: L-BFGS-B's small BLAS calls would wake its threads, which
    then spin on the cores the products need.

    Calls running at once in several threads share the holds
    (:func:`held_to_one_thread`): the last to end restores the sizes.
    """
    numpy_blas = _numpy_blas().lib_controllers
    with held_to_one_thread(bundled_blas(scipy).lib_controllers):
        n_threads = min(
            max((user_threads(library) for library in numpy_blas), default=1),
            X.shape[0] // MIN_ROWS_PER_THREAD,
        )
        if n_threads <= 1:
            yield RowBlocks(X, block_elements=block_elements)
            return
        with (
            ThreadPoolExecutor(n_threads) as executor,
            held_to_one_thread(numpy_blas),
        ):
            yield RowBlocks(X, executor, n_threads, block_elements)
