"""Dask arrays: the fit runs where the rows live.

A dask array's row chunks take the place of :class:`RowBlocks`' blocks. Each
sum over the rows (an objective and gradient, a Hessian product, the
preconditioner's moments and Grams) is one task per chunk, computed on the
worker that holds the chunk, and one task adding the chunks' terms: ``X``
is read once per evaluation, and only the sums (vectors of size ``p``,
``p x p`` Grams, ``p x K`` for the softmax) travel to the client. Row
arrays (targets, weights, curvatures) are dask arrays chunked like ``X``'s
rows, and stay on the workers too.

Checks of the data run on the workers as well, one chunk at a time, with
the same functions as for arrays in memory.

dask is imported here, and only when a dask array is passed: the rest of
the package never imports it.
"""

import numpy as np
from sklearn.utils import assert_all_finite

from ._row_blocks import add_terms
from ._validation import (
    check_any_positive_weight,
    check_no_strings,
    check_non_negative_weights,
)


def is_dask_array(values):
    """Whether ``values`` is a dask array (without importing dask)."""
    return type(values).__module__.startswith("dask.") and hasattr(values, "to_delayed")


def _row_aligned(array, row_chunks):
    """``array`` chunked like the rows of ``X``, its other axes in one chunk."""
    import dask.array as da

    array = da.asarray(array)
    return array.rechunk((row_chunks,) + tuple((-1,) * (array.ndim - 1)))


def _chunk_tasks(array):
    """The delayed row chunks of a row-aligned array."""
    return list(array.to_delayed().ravel())


def _in_dtype(function, dtype):
    """``function`` applied to the block converted to ``dtype`` on the worker."""

    def on_block(X_rows, *row_values):
        return function(X_rows.astype(dtype, copy=False), *row_values)

    return on_block


class DaskRowBlocks:
    """:class:`RowBlocks`' interface over a dask array's row chunks.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        float64 or float32, chunked by rows (its columns are put in one
        chunk). Best persisted: every sum reads all of its chunks.
    """

    def __init__(self, X):
        self.X = X.rechunk({1: -1})

    @property
    def shape(self):
        return self.X.shape

    @property
    def dtype(self):
        return self.X.dtype

    def _tasks(self, function, row_arrays, dtype):
        import dask

        dtype = self.X.dtype if dtype is None else np.dtype(dtype)
        row_chunks = self.X.chunks[0]
        chunks = [_chunk_tasks(self.X)] + [
            _chunk_tasks(_row_aligned(values, row_chunks)) for values in row_arrays
        ]
        call = dask.delayed(_in_dtype(function, dtype), pure=False)
        return [call(*chunk) for chunk in zip(*chunks, strict=True)]

    def sum(self, block_terms, row_arrays=(), dtype=None):
        """Sum ``block_terms(X[rows], *(a[rows] for a in row_arrays))`` over
        the row chunks, each on its worker; the sums come back as numpy."""
        import dask

        parts = self._tasks(block_terms, row_arrays, dtype)
        (total,) = dask.compute(dask.delayed(add_terms)(parts))
        return total

    def map(self, row_values, row_arrays=(), dtype=None):
        """``row_values`` of every row chunk, as a dask array persisted on the
        workers (it is read again by every later sum that takes it)."""
        import dask.array as da

        dtype = self.X.dtype if dtype is None else np.dtype(dtype)
        # The output's trailing shape and dtype, from empty blocks.
        probe = row_values(
            np.empty((0, self.X.shape[1]), dtype),
            *(np.empty((0,) + values.shape[1:], values.dtype) for values in row_arrays),
        )
        pieces = [
            da.from_delayed(task, shape=(rows,) + probe.shape[1:], dtype=probe.dtype)
            for task, rows in zip(
                self._tasks(row_values, row_arrays, dtype),
                self.X.chunks[0],
                strict=True,
            )
        ]
        return da.concatenate(pieces).persist()

    def sampled(self, rows, block_elements=None):
        """The blocks of ``X[rows]`` (``rows`` a slice), still on the workers."""
        return DaskRowBlocks(self.X[rows])


def validate_dask_training_data(estimator, X, y, sample_weight, reset):
    """``X``, the targets and the sample weights of a fit on a dask ``X``.

    ``X`` must be a 2-D dask array with known chunk sizes; ``y`` and
    ``sample_weight`` may be dask or in memory, and are chunked like ``X``'s
    rows. They are persisted on the workers for the fit, and every chunk is
    checked there, by the checks arrays in memory get, in one pass. Returns
    ``(X, y, sample_weight)``, ``y`` as float64 and the sample weights as
    float64 (ones by default).
    """
    import dask
    import dask.array as da

    X = validate_dask_X(estimator, X, reset)
    row_chunks = X.chunks[0]
    sample_weight = (
        da.ones(X.shape[0], chunks=(row_chunks,))
        if sample_weight is None
        else da.asarray(sample_weight)
    )
    y = da.asarray(y)
    lengths = [X.shape[0], y.shape[0], sample_weight.shape[0]]
    if len(set(lengths)) > 1:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"{lengths} (X, y, sample_weight)"
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim > 1 + estimator.__sklearn_tags__().target_tags.multi_output:
        raise ValueError(
            f"y must be 1-D for {type(estimator).__name__}; got shape {y.shape}."
        )
    if sample_weight.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D; got shape {sample_weight.shape}.")
    # Computed once (generated, read or converted) and kept on the workers:
    # the checks and every evaluation read them there.
    X, y, sample_weight = dask.persist(
        X, _row_aligned(y, row_chunks), _row_aligned(sample_weight, row_chunks)
    )
    starts = np.cumsum((0,) + row_chunks[:-1])
    checks = [
        dask.delayed(_check_chunk, pure=False)(estimator, X_rows, y_rows, w_rows, start)
        for X_rows, y_rows, w_rows, start in zip(
            _chunk_tasks(X),
            _chunk_tasks(y),
            _chunk_tasks(sample_weight),
            starts,
            strict=True,
        )
    ]
    dask.compute(checks)
    sample_weight = sample_weight.astype(np.float64)
    check_any_positive_weight(sample_weight)
    return X, y.astype(np.float64), sample_weight


def _check_chunk(estimator, X_rows, y_rows, w_rows, start):
    """The checks of in-memory data on one row chunk; errors say where it is."""
    try:
        assert_all_finite(X_rows, input_name="X")
        check_no_strings(y_rows, "y")
        estimator._check_targets(y_rows)
        assert_all_finite(y_rows.astype(np.float64), input_name="y")
        check_no_strings(w_rows, "sample_weight")
        w_rows = w_rows.astype(np.float64)
        assert_all_finite(w_rows, input_name="sample_weight")
        check_non_negative_weights(w_rows)
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"{error} (in the dask chunk of rows {start} to {start + len(X_rows) - 1})"
        ) from None


def validate_dask_X(estimator, X, reset):
    """A 2-D float dask ``X`` with known chunk sizes and the number of
    features of the fit; sets ``n_features_in_`` when ``reset``."""
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D dask array X; got {X.ndim} dimensions.")
    if np.isnan(X.shape[0]):
        raise ValueError(
            "X has unknown chunk sizes (after a boolean selection, say); call "
            "X.compute_chunk_sizes() first."
        )
    if X.dtype not in (np.float32, np.float64):
        if X.dtype.kind not in "biuf":
            raise TypeError(f"X must hold numbers; got a dask array of {X.dtype}.")
        X = X.astype(np.float64)
    if reset:
        estimator.n_features_in_ = X.shape[1]
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    return X.rechunk({1: -1})


def predict_blockwise(X, predict_block, n_outputs):
    """``predict_block`` of every row chunk of ``X``: a lazy dask array of
    shape (n_samples,) or (n_samples, n_outputs)."""
    if n_outputs is None:
        return X.map_blocks(predict_block, drop_axis=1, dtype=X.dtype)
    return X.map_blocks(
        predict_block, chunks=(X.chunks[0], (n_outputs,)), dtype=X.dtype
    )
