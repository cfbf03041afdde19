import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pytest
import scipy
from joblib import parallel_backend
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_info, threadpool_limits

from skxent import ProbabilityRegressor, _data, _row_blocks
from skxent._row_blocks import RowBlocks, bundled_blas, parallel_row_blocks

LAYOUTS = {
    "C": np.ascontiguousarray,
    "F": np.asfortranarray,
    "csr": sparse.csr_array,
    "csc": sparse.csc_array,
}


def make_X(layout, dtype=np.float64, n=97, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[rng.random(size=X.shape) < 0.5] = 0.0
    return LAYOUTS[layout](X.astype(dtype))


def dense(X):
    return X.toarray() if sparse.issparse(X) else np.asarray(X)


def weighted_column_sums(X_rows, weights_rows):
    return (X_rows.T @ weights_rows, weights_rows.sum())


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("n_chunks", [1, 3])
def test_sum_over_blocks_and_chunks_is_the_whole_sum(
    set_block_elements, layout, n_chunks
):
    X = make_X(layout)
    weights = np.linspace(0.0, 1.0, X.shape[0])
    # About two rows per block.
    set_block_elements(10)
    with ThreadPoolExecutor(n_chunks) as executor:
        blocks = RowBlocks(X, executor, n_chunks)
        column_sums, total = blocks.sum(weighted_column_sums, (weights,))
        n_blocks = sum(len(list(blocks.blocks(c, X.dtype))) for c in blocks.chunks)
    np.testing.assert_allclose(column_sums, dense(X).T @ weights, rtol=1e-13)
    assert total == pytest.approx(weights.sum(), rel=1e-14)
    if layout == "csc":
        # A CSC matrix cannot be split by rows without a copy.
        assert len(blocks.chunks) == 1 and n_blocks == 1
    else:
        assert len(blocks.chunks) == n_chunks and n_blocks > 20


def test_chunks_partition_the_rows():
    blocks = RowBlocks(make_X("C", n=10), n_chunks=4)
    rows = np.concatenate([np.arange(10)[chunk] for chunk in blocks.chunks])
    np.testing.assert_array_equal(rows, np.arange(10))
    assert len(RowBlocks(make_X("C", n=2), n_chunks=4).chunks) == 2


@pytest.mark.parametrize("layout", LAYOUTS)
def test_map_concatenates_in_row_order(set_block_elements, layout):
    X = make_X(layout)
    coef = np.arange(1.0, 6.0)
    set_block_elements(10)
    with ThreadPoolExecutor(2) as executor:
        mapped = RowBlocks(X, executor, 2).map(
            lambda X_rows, offset: X_rows @ coef + offset, (np.arange(97.0),)
        )
    np.testing.assert_allclose(mapped, dense(X) @ coef + np.arange(97.0))


@pytest.mark.parametrize("layout", ["C", "F"])
def test_dense_blocks_are_views_and_conversions_share_one_buffer(
    monkeypatch, set_block_elements, layout
):
    X = make_X(layout, dtype=np.float32)
    set_block_elements(20)
    monkeypatch.setattr(_row_blocks, "CONVERTED_BLOCK_ELEMENTS", 10)
    monkeypatch.setattr(_row_blocks, "CONVERTED_FRACTION_OF_CHUNK", 1)
    blocks = RowBlocks(X)
    (chunk,) = blocks.chunks
    assert all(
        np.shares_memory(X_rows, X) for _, X_rows in blocks.blocks(chunk, X.dtype)
    )
    converted = [
        (rows, X_rows.copy(), X_rows.base, X_rows.flags.f_contiguous)
        for rows, X_rows in blocks.blocks(chunk, np.float64)
    ]
    # Converted blocks are smaller: their buffer holds them in memory.
    assert max(X_rows.size for _, X_rows, _, _ in converted) <= 10
    assert len({id(base) for _, _, base, _ in converted}) == 1
    for rows, X_rows, _, f_contiguous in converted:
        assert X_rows.dtype == np.float64
        np.testing.assert_array_equal(X_rows, X[rows])
        # Copying a block into a buffer of the other memory order would
        # transpose it element by element.
        if X_rows.shape[0] > 1:
            assert f_contiguous == (layout == "F")


def test_csr_blocks_are_views_of_its_arrays(set_block_elements):
    X = make_X("csr")
    set_block_elements(10)
    blocks = RowBlocks(X)
    residual = np.linspace(-1.0, 1.0, X.shape[0])
    for rows, X_rows in blocks.blocks(blocks.chunks[0], X.dtype):
        assert np.shares_memory(X_rows.data, X.data)
        assert np.shares_memory(X_rows.indices, X.indices)
        np.testing.assert_array_equal(X_rows.toarray(), X.toarray()[rows])
        # scipy's own transpose would copy arrays that view larger ones.
        assert np.shares_memory(X_rows.T.indices, X.indices)
        np.testing.assert_allclose(
            X_rows.T @ residual[rows], X.toarray()[rows].T @ residual[rows]
        )
    converted = next(blocks.blocks(blocks.chunks[0], np.float32))[1]
    assert converted.dtype == np.float32
    assert np.shares_memory(converted.indices, X.indices)


def blas_threads():
    return {
        info["filepath"]: info["num_threads"]
        for info in threadpool_info()
        if info["user_api"] == "blas"
    }


def test_threads_follow_blas_and_blas_is_held_to_one_meanwhile(monkeypatch):
    X = make_X("C", n=400, p=10)
    monkeypatch.setattr(_row_blocks, "MIN_ROWS_PER_THREAD", 100)
    numpy_blas = {
        library.filepath for library in _row_blocks._numpy_blas().lib_controllers
    }
    scipy_blas = {library.filepath for library in bundled_blas(scipy).lib_controllers}
    # pip wheels: numpy and scipy each bundle their own.
    assert numpy_blas and not numpy_blas & scipy_blas
    with threadpool_limits(limits=2, user_api="blas"):
        with parallel_row_blocks(X) as blocks:
            assert len(blocks.chunks) == 2
            assert set(blas_threads().values()) == {1}
        assert set(blas_threads().values()) == {2}
    with threadpool_limits(limits=1, user_api="blas"):
        with parallel_row_blocks(X) as blocks:
            assert len(blocks.chunks) == 1


def test_few_rows_stay_in_the_calling_thread_with_numpys_blas_threads():
    X = make_X("C", n=400, p=10)
    numpy_blas = {
        library.filepath for library in _row_blocks._numpy_blas().lib_controllers
    }
    with threadpool_limits(limits=2, user_api="blas"):
        with parallel_row_blocks(X) as blocks:
            assert len(blocks.chunks) == 1
            threads = blas_threads()
            assert {threads[path] for path in numpy_blas} == {2}
            assert {threads[path] for path in set(threads) - numpy_blas} == {1}


def in_turn(hold, n_users):
    """Wrap the context manager ``hold`` for ``n_users`` calls in threads.

    They enter one after the other, are all in at once, and leave in the
    order they entered: the first in leaves first, as nested holds never do.
    """
    may_enter = [threading.Event() for _ in range(n_users)]
    may_leave = [threading.Event() for _ in range(n_users)]
    all_in = threading.Barrier(n_users)
    positions = itertools.count()
    may_enter[0].set()
    may_leave[0].set()

    @contextmanager
    def held_in_turn(*args, **kwargs):
        position = next(positions)
        may_enter[position].wait(timeout=60)
        with hold(*args, **kwargs) as held:
            if position + 1 < n_users:
                may_enter[position + 1].set()
            all_in.wait(timeout=60)
            yield held
            may_leave[position].wait(timeout=60)
        if position + 1 < n_users:
            may_leave[position + 1].set()

    return held_in_turn


@pytest.mark.parametrize("n_samples", [400, 100], ids=["threads", "one-thread"])
def test_holds_overlapping_in_threads_leave_blas_as_found(monkeypatch, n_samples):
    X = make_X("C", n=n_samples, p=10)
    monkeypatch.setattr(_row_blocks, "MIN_ROWS_PER_THREAD", 100)
    scipy_blas = {library.filepath for library in bundled_blas(scipy).lib_controllers}
    numpy_blas = {
        library.filepath for library in _row_blocks._numpy_blas().lib_controllers
    }
    before = threadpool_info()
    numpy_threads = max(blas_threads()[path] for path in numpy_blas)
    hold = in_turn(parallel_row_blocks, n_users=4)

    def use(X):
        with hold(X) as blocks:
            return len(blocks.chunks), blas_threads()

    with ThreadPoolExecutor(4) as executor:
        uses = list(executor.map(use, [X] * 4))
    assert threadpool_info() == before
    for n_chunks, inside in uses:
        # Those that start while another holds numpy's BLAS to one thread
        # run as many threads as it had before.
        assert n_chunks == min(numpy_threads, n_samples // 100)
        assert {inside[path] for path in scipy_blas} == {1}
        if n_chunks > 1:
            assert set(inside.values()) == {1}


@pytest.mark.parametrize("layout", ["C", "csr"])
def test_fits_at_once_in_threads_leave_blas_as_found(
    monkeypatch, make_fractional_data, layout
):
    # Fits of 3000 rows run in two threads (if BLAS has two), of 300 in one.
    monkeypatch.setattr(_row_blocks, "MIN_ROWS_PER_THREAD", 1000)
    data = [
        make_fractional_data(n_samples=n_samples, n_features=5, seed=seed)
        for seed, n_samples in enumerate([3000, 300] * 4)
    ]
    data = [(LAYOUTS[layout](X), y) for X, y, _ in data]
    alone = [ProbabilityRegressor().fit(X, y).coef_ for X, y in data]
    before = threadpool_info()
    monkeypatch.setattr(
        _data,
        "IN_MEMORY",
        _data.IN_MEMORY._replace(row_blocks=in_turn(parallel_row_blocks, len(data))),
    )
    with ThreadPoolExecutor(len(data)) as executor:
        at_once = executor.map(lambda Xy: ProbabilityRegressor().fit(*Xy).coef_, data)
        at_once = list(at_once)
    assert threadpool_info() == before
    for coef, coef_alone in zip(at_once, alone, strict=True):
        np.testing.assert_allclose(coef, coef_alone, rtol=1e-9)


def test_grid_search_in_threads_leaves_blas_as_found(monkeypatch, make_fractional_data):
    monkeypatch.setattr(_row_blocks, "MIN_ROWS_PER_THREAD", 1000)
    X, y, _ = make_fractional_data(n_samples=3000, n_features=5)
    search = GridSearchCV(
        ProbabilityRegressor(), {"alpha": [1e-4, 1e-3, 1e-2, 1e-1]}, cv=3
    )
    alone = clone(search).fit(X, y).cv_results_["mean_test_score"]
    before = threadpool_info()
    with parallel_backend("threading", n_jobs=4):
        at_once = search.fit(X, y).cv_results_["mean_test_score"]
    assert threadpool_info() == before
    np.testing.assert_allclose(at_once, alone, rtol=1e-9)


class FakeBlas:
    """A BLAS library's thread controls: one pool, or (OpenMP) one per thread."""

    internal_api = "openblas"

    def __init__(self, name, threading_layer="pthreads", n_threads=4):
        self.filepath = f"/fake/{name}"
        self.threading_layer = threading_layer
        self.default_threads = n_threads
        self.pools = {}

    def _pool(self):
        return threading.get_ident() if self.threading_layer == "openmp" else None

    @property
    def num_threads(self):
        return self.pools.get(self._pool(), self.default_threads)

    def set_num_threads(self, n_threads):
        self.pools[self._pool()] = n_threads


def test_a_pool_of_each_thread_is_held_in_its_thread():
    library = FakeBlas("openmp", threading_layer="openmp")
    hold = in_turn(_row_blocks.held_to_one_thread, n_users=4)

    def use(libraries):
        with hold(libraries):
            inside = library.num_threads
        return inside, library.num_threads

    with ThreadPoolExecutor(4) as executor:
        assert list(executor.map(use, [[library]] * 4)) == [(1, 4)] * 4


def test_sizes_set_while_held_are_kept():
    library = FakeBlas("process")
    with _row_blocks.held_to_one_thread([library]):
        library.set_num_threads(3)
        assert _row_blocks.user_threads(library) == 4
        # A later hold takes it as the size to restore.
        with _row_blocks.held_to_one_thread([library]):
            assert library.num_threads == 1
            assert _row_blocks.user_threads(library) == 3
        assert library.num_threads == 1
    assert library.num_threads == 3
    with _row_blocks.held_to_one_thread([library]):
        library.set_num_threads(2)
    assert library.num_threads == 2
