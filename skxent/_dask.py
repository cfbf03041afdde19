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
the same functions as for arrays in memory (``_validation.py``), and give the
same :class:`~skxent._validation.TrainingData`.

A dask DataFrame or Series is read as the dask array of its values (its
column names are ``X``'s feature names); rows whose chunk sizes are unknown
(a DataFrame's, or an array's after a boolean selection) are counted once
persisted, before the rows of ``y`` and ``sample_weight`` are aligned with
``X``'s.

dask is imported inside the functions here, which only run when a dask
collection is passed: importing the package never imports dask.
"""

from contextlib import contextmanager

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import validate_data

from ._row_blocks import RowBlocks, add_terms
from ._validation import (
    TrainingData,
    check_any_positive_weight,
    check_cluster_count,
    check_feature_magnitudes,
    check_group_labels,
    check_no_strings,
    check_non_negative_weights,
    column_names,
    feature_magnitudes,
    target_bounds,
    wants_groups,
)


def is_dask_array(values):
    """Whether ``values`` is a dask array (without importing dask)."""
    return type(values).__module__.startswith("dask.array.") and hasattr(
        values, "to_delayed"
    )


def is_dask_frame(values):
    """Whether ``values`` is a dask DataFrame or Series (without importing dask).

    Before dask 2025.1 its classes lived in the ``dask_expr`` package.
    """
    return type(values).__module__.startswith(
        ("dask.dataframe.", "dask_expr.")
    ) and hasattr(values, "to_dask_array")


def _row_aligned(array, row_chunks):
    """``array`` chunked like the rows of ``X``, its other axes in one chunk."""
    import dask.array as da

    array = da.asarray(array)
    return array.rechunk((row_chunks,) + tuple((-1,) * (array.ndim - 1)))


def _chunk_tasks(array):
    """Return the delayed row chunks of a row-aligned array."""
    return list(array.to_delayed().ravel())


def _in_dtype(function, dtype):
    """Wrap ``function`` to take the block converted to ``dtype`` on the worker."""

    def on_block(X_rows, *row_values):
        return function(X_rows.astype(dtype, copy=False), *row_values)

    return on_block


class DaskRowBlocks:
    """:class:`~skxent._row_blocks.RowBlocks`' interface over a dask array's row chunks.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        float64 or float32, chunked by rows (its columns are put in one
        chunk). Best persisted: every sum reads all of its chunks.
    """

    # The most work a Hessian summed with each gradient may add to a pass
    # (see _fit.DENSE_HESSIAN_ROW_COST): about a round trip's time of one
    # worker's arithmetic, which Newton steps save half the round trips of.
    dense_hessian_budget = 2**30

    def __init__(self, X):
        self.X = X.rechunk({1: -1})

    @property
    def shape(self):
        return self.X.shape

    @property
    def dtype(self):
        return self.X.dtype

    def _row_tasks(self, function, row_arrays):
        """One delayed ``function`` call per row chunk of the ``row_arrays``."""
        import dask

        row_chunks = self.X.chunks[0]
        chunks = [
            _chunk_tasks(_row_aligned(values, row_chunks)) for values in row_arrays
        ]
        call = dask.delayed(function, pure=False)
        return [call(*chunk) for chunk in zip(*chunks, strict=True)]

    def _block_tasks(self, function, row_arrays, dtype):
        """As :meth:`_row_tasks`, with ``X``'s chunk in ``dtype`` first."""
        return self._row_tasks(_in_dtype(function, dtype), (self.X, *row_arrays))

    @staticmethod
    def _total(parts):
        import dask

        (total,) = dask.compute(dask.delayed(add_terms)(parts))
        return total

    def sum(self, block_terms, row_arrays=(), dtype=None):
        """Sum ``block_terms(X[rows], *(a[rows] for a in row_arrays))`` over row chunks.

        Each chunk's terms are computed on its worker; the sums come back as numpy.
        """
        dtype = self.X.dtype if dtype is None else np.dtype(dtype)
        return self._total(self._block_tasks(block_terms, row_arrays, dtype))

    def sum_rows(self, row_terms, row_arrays):
        """Sum ``row_terms(*(a[rows] for a in row_arrays))`` over the row chunks.

        The terms are computed without ``X``; the sums come back as numpy.
        """
        return self._total(self._row_tasks(row_terms, row_arrays))

    def map(self, row_values, row_arrays=(), dtype=None):
        """Return ``row_values`` of every row chunk, as a dask array on the workers.

        The array is persisted there: it is read again by every later sum that
        takes it.
        """
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
                self._block_tasks(row_values, row_arrays, dtype),
                self.X.chunks[0],
                strict=True,
            )
        ]
        return da.concatenate(pieces).persist()

    def rows(self, values):
        """Chunk ``values``, an array of rows, like ``X`` and persist it on the workers.

        Every sum reads it.
        """
        return _row_aligned(values, self.X.chunks[0]).persist()

    def sampled(self, rows, block_elements=None):
        """Return the blocks of ``X[rows]`` (``rows`` a slice), still on the workers."""
        return DaskRowBlocks(self.X[rows])


@contextmanager
def dask_row_blocks(X, block_elements=None):
    """:class:`DaskRowBlocks` of ``X``; the workers decide the block sizes."""
    yield DaskRowBlocks(X)


def validate_dask_training_data(
    estimator, X, y, sample_weight, *, reset, check_targets
):
    """:class:`~skxent._validation.TrainingData` of a fit on a dask ``X``.

    ``X`` is a 2-D dask array or a dask DataFrame; ``y`` and
    ``sample_weight`` may be dask arrays, DataFrames or Series, or in memory.
    They are matched row by row (by position, as scikit-learn matches pandas
    data), chunked like ``X``'s rows and persisted on the workers, and every
    chunk is checked there, by the checks arrays in memory get, in one pass
    (``check_targets`` as well); only the chunks' bounds and counts come
    back.
    """
    import dask
    import dask.array as da

    X = _validated_dask_X(estimator, X, reset=reset)
    if y is None:
        # scikit-learn's words.
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target "
            "y is None."
        )
    names = column_names(y)
    y = _dask_rows(y, "y")
    y_was_column = y.ndim == 2 and y.shape[1] == 1
    if y_was_column:
        y = y[:, 0]
    if y.ndim > 1 + estimator.__sklearn_tags__().target_tags.multi_output:
        # scikit-learn's words for y in memory (its check would compute y).
        raise ValueError(
            f"y should be a 1d array, got an array of shape {y.shape} instead."
        )
    arrays = {"X": X, "y": y}
    if sample_weight is not None:
        sample_weight = _dask_rows(sample_weight, "sample_weight")
        if sample_weight.ndim != 1:
            raise ValueError(
                f"sample_weight must be 1-D; got shape {sample_weight.shape}."
            )
        arrays["sample_weight"] = sample_weight
    arrays = _with_known_chunk_sizes(arrays)
    _check_same_rows(arrays)
    X, y = arrays["X"], arrays["y"]
    row_chunks = X.chunks[0]
    sample_weight = arrays.get("sample_weight")
    if sample_weight is None:
        sample_weight = da.ones(X.shape[0], chunks=(row_chunks,))
    # Computed once (generated, read or converted) and kept on the workers:
    # the checks and every evaluation read them there.
    X, y, sample_weight = dask.persist(
        X, _row_aligned(y, row_chunks), _row_aligned(sample_weight, row_chunks)
    )
    starts = np.cumsum((0,) + row_chunks[:-1])
    checks = [
        dask.delayed(_check_chunk, pure=False)(
            X_rows, y_rows, w_rows, start, check_targets
        )
        for X_rows, y_rows, w_rows, start in zip(
            _chunk_tasks(X),
            _chunk_tasks(y),
            _chunk_tasks(sample_weight),
            starts,
            strict=True,
        )
    ]
    (summaries,) = dask.compute(checks)
    n_positive = sum(n for n, _, _, _ in summaries)
    check_any_positive_weight(n_positive, X.shape[0])
    bounds = [chunk_bounds for _, chunk_bounds, _, _ in summaries if chunk_bounds]
    return TrainingData(
        X=X,
        y=y.astype(np.float64),
        sample_weight=sample_weight.astype(np.float64),
        target_bounds=(
            min(low for low, _ in bounds),
            max(high for _, high in bounds),
        ),
        y_was_column=y_was_column,
        feature_magnitude=check_feature_magnitudes(
            np.max([magnitudes for _, _, magnitudes, _ in summaries], axis=0), X
        ),
        largest_weight=max(weight for _, _, _, weight in summaries),
        target_names=names if y.ndim == 2 else None,
    )


def _check_chunk(X_rows, y_rows, w_rows, start, check_targets):
    """Run the checks of in-memory data on one row chunk, errors saying where it is.

    Return the number of positive weights, the targets' bounds over them,
    the largest magnitude of each column of ``X_rows`` (judged over all
    chunks, by ``check_feature_magnitudes``) and the largest weight.
    """
    try:
        magnitudes = feature_magnitudes(RowBlocks(X_rows))
        check_no_strings(y_rows, "y")
        check_no_strings(w_rows, "sample_weight")
        # As in memory: rows of zero weight count as absent.
        check_targets(y_rows, w_rows)
        y_rows = y_rows.astype(np.float64)
        assert_all_finite(y_rows, input_name="y")
        w_rows = w_rows.astype(np.float64)
        assert_all_finite(w_rows, input_name="sample_weight")
        check_non_negative_weights(w_rows)
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"{error} (in the dask chunk of rows {start} to {start + len(X_rows) - 1})"
        ) from None
    n_positive = int(np.count_nonzero(w_rows > 0))
    bounds = target_bounds(y_rows, w_rows) if n_positive else None
    return n_positive, bounds, magnitudes, float(w_rows.max(initial=0.0))


def _dask_rows(values, input_name):
    """Return ``values`` (dask or in memory) as a dask array.

    The rows of a dask DataFrame or Series come with unknown chunk sizes.
    """
    import dask.array as da

    if is_dask_array(values):
        return values
    if is_dask_frame(values):
        return _frame_values(values, input_name)
    return da.asarray(np.asarray(values))


def _frame_values(frame, input_name):
    """Return a dask DataFrame's or Series' values as a float dask array.

    float32 if every column is, else float64 (as scikit-learn converts a
    pandas DataFrame); pandas' missing values become NaN, which the checks
    of finiteness name. The array's row chunk sizes are unknown.
    """
    from pandas.api.types import is_numeric_dtype

    dtypes = (
        dict(frame.dtypes.items()) if frame.ndim == 2 else {frame.name: frame.dtype}
    )
    not_numbers = {
        name: str(dtype)
        for name, dtype in dtypes.items()
        if not is_numeric_dtype(dtype)
    }
    if not_numbers:
        raise TypeError(
            f"{input_name} must hold numbers; the dask {type(frame).__name__}'s "
            f"columns of dtypes {not_numbers} do not. Convert them first: numbers "
            "with dask.dataframe.to_numeric or astype(float), categories with "
            "a OneHotEncoder in a Pipeline."
        )
    all_float32 = all(dtype == np.float32 for dtype in dtypes.values())
    return frame.astype(np.float32 if all_float32 else np.float64).to_dask_array()


def _has_known_chunk_sizes(array):
    return not np.isnan(array.shape).any()


def _with_known_chunk_sizes(arrays):
    """Return the dict of dask ``arrays``, their chunk sizes known.

    If some are unknown, the arrays are persisted together (a source they
    share is read once) and the unknown sizes read from the persisted chunks:
    the pass that persisting them for the fit makes anyway, done before
    their rows are aligned.
    """
    import dask

    if all(_has_known_chunk_sizes(array) for array in arrays.values()):
        return arrays
    persisted = dict(zip(arrays, dask.persist(*arrays.values()), strict=True))
    for array in persisted.values():
        if not _has_known_chunk_sizes(array):
            # In place, on the persisted copy: the caller's array is unchanged.
            array.compute_chunk_sizes()
    return persisted


def _check_same_rows(arrays):
    """Raise a ValueError unless the dict of dask ``arrays`` have as many rows."""
    rows = {name: array.shape[0] for name, array in arrays.items()}
    if len(set(rows.values())) > 1:
        found = ", ".join(f"{name} has {n}" for name, n in rows.items())
        raise ValueError(
            f"{', '.join(rows)} have inconsistent numbers of samples: {found} "
            "rows. Pass the same rows of each, in the same order."
        )


def validate_dask_prediction_data(estimator, X):
    """Return ``X`` for a fitted estimator, as in fit, its features checked.

    Its row chunk sizes may be unknown: predictions are computed chunk by
    chunk.
    """
    return _validated_dask_X(estimator, X, reset=False)


def _validated_dask_X(estimator, X, reset):
    """Return ``X``, a dask array or DataFrame, as a 2-D float dask array.

    Its features (number, and a DataFrame's column names) are checked (or,
    with ``reset``, learned) by scikit-learn's ``validate_data``. Its row
    chunk sizes may be unknown; its columns are put in one chunk.
    """
    if is_dask_frame(X):
        import pandas as pd

        if X.ndim != 2:
            raise ValueError(
                "Expected a 2-D X; got a dask Series. Pass series.to_frame() for "
                "a single feature."
            )
        # What validate_data reads: the names and number of the columns.
        features = pd.DataFrame(columns=X.columns)
        X = _frame_values(X, "X")
    elif is_dask_array(X):
        features = X
    else:
        raise TypeError(
            "X must be a dask array or a dask DataFrame, or in memory; got a "
            f"{type(X).__module__}.{type(X).__name__}."
        )
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D dask array X; got {X.ndim} dimensions.")
    if np.isnan(X.shape[1]):
        raise ValueError(
            "X has an unknown number of columns; pass a dask array whose column "
            "chunk sizes are known."
        )
    if X.dtype not in (np.float32, np.float64):
        if X.dtype.kind not in "biuf":
            raise TypeError(f"X must hold numbers; got a dask array of {X.dtype}.")
        X = X.astype(np.float64)
    validate_data(estimator, features, reset=reset, skip_check_array=True)
    return X.rechunk({1: -1})


def predict_dask(X, predict_rows, n_outputs):
    """Apply ``predict_rows`` to every row chunk of ``X``.

    The result is a lazy dask array of shape (n_samples,) or (n_samples, n_outputs).
    """
    if n_outputs is None:
        return X.map_blocks(predict_rows, drop_axis=1, dtype=X.dtype)
    return X.map_blocks(predict_rows, chunks=(X.chunks[0], (n_outputs,)), dtype=X.dtype)


def dask_group_codes(groups, cov_type, sample_weight):
    """Return dask group codes ``0..G-1`` and ``G`` for ``cov_type="cluster"``.

    As :func:`~skxent._validation.group_codes` for data in memory, with
    ``sample_weight`` a dask array chunked like ``X``'s rows: ``groups``
    (a dask array, Series or DataFrame column, or in memory) is chunked
    like it, its labels are checked on the workers, and only each chunk's
    distinct labels (of rows of positive weight) come back, from which the
    codes are computed on the workers. Groups may span chunks.
    """
    import dask
    import dask.array as da

    if not wants_groups(groups, cov_type):
        return None, 0
    if is_dask_frame(groups):
        groups = groups.to_dask_array()
    elif not is_dask_array(groups):
        groups = da.asarray(np.asarray(groups))
    if groups.ndim == 2 and groups.shape[1] == 1:
        groups = groups[:, 0]
    if groups.ndim != 1:
        raise ValueError(f"groups must be 1-D; got shape {groups.shape}.")
    groups = _with_known_chunk_sizes({"groups": groups})["groups"]
    if groups.shape[0] != sample_weight.shape[0]:
        raise ValueError(
            f"groups has {groups.shape[0]} labels for {sample_weight.shape[0]} samples."
        )
    row_chunks = sample_weight.chunks[0]
    groups = _row_aligned(groups, row_chunks).persist()
    starts = np.cumsum((0,) + row_chunks[:-1])
    (chunk_labels,) = dask.compute(
        [
            dask.delayed(_positive_labels, pure=True)(labels, weights, start)
            for labels, weights, start in zip(
                _chunk_tasks(groups), _chunk_tasks(sample_weight), starts, strict=True
            )
        ]
    )
    labels = np.unique(np.concatenate(chunk_labels))
    check_cluster_count(labels.size)
    codes = da.map_blocks(
        _codes_of, groups, sample_weight, labels=labels, dtype=np.intp
    )
    return codes.persist(), labels.size


def _positive_labels(groups, weights, start):
    """Check one chunk's labels; return the distinct ones of positive weight."""
    check_group_labels(groups, start)
    return np.unique(groups[weights > 0])


def _codes_of(groups, weights, labels):
    """Return the positions of ``groups`` in ``labels``, -1 for zero weight."""
    return np.where(weights > 0, np.searchsorted(labels, groups), -1).astype(np.intp)


def refuse_dask_cross_validation(X):
    """Cross-validation on a dask ``X`` is not available: say what to do instead."""
    raise TypeError(
        "The CV estimators split X into folds in memory (a numpy array, a "
        "pandas DataFrame or a scipy sparse matrix); got a dask "
        f"{type(X).__name__}. Pass X.compute() (with y and sample_weight "
        "computed too), or choose alpha on a sample in memory and fit "
        "ProbabilityRegressor or CrossEntropyRegressor with it on the dask data."
    )
