"""Validation of training and prediction data, and the domain checks behind it.

:func:`validate_training_data` and :func:`validate_prediction_data` are the
entry points for data in memory (``_dask.py`` has their twins for dask
arrays, built on the same checks). scikit-learn's ``validate_data`` and
``_check_sample_weight`` handle types, shapes and finiteness (the targets'
domain check runs before them, so that NaN and inf among probabilities get
its message); the checks here add what cross-entropy regression needs
(targets in their domain, weights valid, feature magnitudes the solver can
scale), each in one place, and say what was expected, what was found and
what to do instead.
"""

from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.utils import assert_all_finite, check_array
from sklearn.utils.validation import (
    _check_sample_weight,
    column_or_1d,
    validate_data,
)

from ._row_blocks import sampled_rows

# Rows of 2-D probability targets must sum to 1 within this (or the rounding
# of their dtype over all classes, if larger); they are then normalised.
SIMPLEX_TOLERANCE = 1e-6

# The solver's scales are sums of squared feature values: a float64 column
# whose values all lie below the first, or any beyond the second, has squares
# that underflow to 0 or overflow to inf (float64 spans 1e-308..1e308).
# float32 values always fit: their squares are summed in float64.
SMALLEST_COLUMN_MAGNITUDE = 1e-150
LARGEST_FEATURE_MAGNITUDE = 1e150


def _describe_values(values):
    """'min=..., max=...' over the finite values, plus NaN and inf counts."""
    finite = values[np.isfinite(values)]
    parts = []
    if finite.size:
        parts.append(f"min={finite.min():.6g}, max={finite.max():.6g}")
    n_nan = int(np.isnan(values).sum())
    n_inf = int(np.isinf(values).sum())
    if n_nan:
        parts.append(f"{n_nan} NaN")
    if n_inf:
        parts.append(f"{n_inf} infinite")
    return ", ".join(parts)


class TrainingData(NamedTuple):
    """Validated training data.

    Attributes
    ----------
    X : ndarray, sparse matrix or dask array of shape (n_samples, n_features)
        float64 or float32.
    y : array of shape (n_samples,) or (n_samples, n_outputs)
        float64.
    sample_weight : array of shape (n_samples,)
        float64, non-negative, not all zero (ones when none were given).
    target_bounds : tuple of float (low, high)
        The smallest and largest target of positive weight.
    y_was_column : bool
        Whether ``y`` came as a column vector and was raveled (the estimator
        warns, as scikit-learn's regressors do).
    """

    X: object
    y: object
    sample_weight: object
    target_bounds: tuple
    y_was_column: bool


def _validate_X(estimator, *arrays, **options):
    """scikit-learn's ``validate_data`` for float64 or float32 ``X``, dense or CSR/CSC.

    Its first finiteness check sums ``X``, which overflows for finite float32
    values near the dtype's limit (it then checks value by value): that
    overflow is no error, and no warning.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return validate_data(
            estimator,
            *arrays,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            **options,
        )


def validate_training_data(estimator, X, y, sample_weight, *, reset, check_targets):
    """:class:`TrainingData` from arrays in memory.

    ``check_targets(y)`` raises for targets outside the estimator's domain;
    it runs before scikit-learn's own checks, so that NaN and inf get the
    same message as other bad values. With ``reset``, ``validate_data``
    learns ``n_features_in_`` (and ``feature_names_in_``), else checks them.
    """
    check_no_strings(X, "X")
    if y is not None:
        # Without y, scikit-learn's own check says it is required.
        check_no_strings(y, "y")
        check_targets(y)
    # 2-D y is taken here whatever the estimator, so that a column vector
    # is raveled by us (the estimator warns at the user's line), not by
    # scikit-learn (which would warn at its own).
    X, y = _validate_X(estimator, X, y, reset=reset, y_numeric=True, multi_output=True)
    y_was_column = y.ndim == 2 and y.shape[1] == 1
    if y_was_column:
        y = y[:, 0]
    elif not estimator.__sklearn_tags__().target_tags.multi_output:
        # scikit-learn's error for 2-D y.
        y = column_or_1d(y)
    sample_weight = check_sample_weight(sample_weight, X)
    y = y.astype(np.float64, copy=False)
    # scikit-learn checks an object y (None for a missing value) before
    # converting it to numbers.
    assert_all_finite(y, input_name="y")
    check_feature_magnitudes(X, sampled_rows(*X.shape))
    return TrainingData(
        X=X,
        y=y,
        sample_weight=sample_weight,
        target_bounds=target_bounds(y, sample_weight),
        y_was_column=y_was_column,
    )


def validate_prediction_data(estimator, X):
    """``X`` in memory for a fitted estimator: as in fit, its features checked."""
    check_no_strings(X, "X")
    return _validate_X(estimator, X, reset=False)


def target_bounds(y, sample_weight):
    """Return the smallest and largest target of positive weight, as floats."""
    weighted = y[sample_weight > 0]
    return float(weighted.min()), float(weighted.max())


def accept_any_targets(y):
    """Targets of any real value are in the domain."""


def _unchecked_numbers(y, input_name):
    """``y`` as a numeric array of any shape, NaN, inf and emptiness allowed.

    What a domain check judges before scikit-learn's own checks run (empty
    ``y`` is left to the checks of ``X``, whose message names the estimator).
    """
    return check_array(
        y,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite=False,
        ensure_min_samples=0,
        input_name=input_name,
    )


def check_probability_targets(y, input_name="y", advice=""):
    """Raise a ValueError unless ``y`` holds probabilities.

    1-D ``y`` (or a single column) must be finite numbers in [0, 1]; 2-D ``y``
    with several columns must have rows on the probability simplex (see
    :func:`check_probability_rows`). ``y`` must have passed
    :func:`check_no_strings`. ``advice`` is appended to the message.
    """
    values = _unchecked_numbers(y, input_name)
    if values.ndim == 2 and values.shape[1] > 1:
        check_probability_rows(values, input_name, advice)
        return
    values = values.astype(np.float64, copy=False)
    if not np.all((values >= 0.0) & (values <= 1.0)):
        raise ValueError(
            f"{input_name} must hold probabilities in [0, 1] (rates, proportions, "
            f"soft labels); got {_describe_values(values.ravel())}. {advice}".rstrip()
        )


def check_feature_magnitudes(X, rows):
    """Raise a ValueError for float64 columns whose squares leave float64's range.

    The columns of a dense ``X`` are judged on ``rows`` (the rows the
    preconditioner samples). A sparse ``X`` is judged on all its stored
    values at once (extremes per column would copy it).
    """
    if X.dtype != np.float64:
        return
    if sparse.issparse(X):
        values = X.data if X.nnz else np.zeros(1)
        largest, smallest = values.max(keepdims=True), values.min(keepdims=True)
    else:
        largest = X[rows].max(axis=0, initial=-np.inf)
        smallest = X[rows].min(axis=0, initial=np.inf)
    magnitudes = np.maximum(largest, -smallest)

    def which(flagged):
        if sparse.issparse(X):
            return "its stored values"
        return f"columns {np.flatnonzero(flagged).tolist()}"

    too_small = (magnitudes > 0) & (magnitudes < SMALLEST_COLUMN_MAGNITUDE)
    too_large = ~(magnitudes <= LARGEST_FEATURE_MAGNITUDE)
    problems = []
    if too_large.any():
        problems.append(
            f"{which(too_large)} reach {magnitudes[too_large].max():.3g} in "
            f"magnitude (above {LARGEST_FEATURE_MAGNITUDE:g})"
        )
    if too_small.any():
        problems.append(
            f"{which(too_small)} stay below {magnitudes[too_small].max():.3g} "
            f"in magnitude (below {SMALLEST_COLUMN_MAGNITUDE:g})"
        )
    if problems:
        raise ValueError(
            f"X: {'; '.join(problems)}. Their squares leave float64's range, "
            "so the fit cannot scale them. Rescale those columns (a change of "
            "units, or StandardScaler in a Pipeline)."
        )


def simplex_tolerance(n_classes, dtype):
    """How far from 1 a row sum may be.

    It is 1e-6, or ``n_classes`` rounding errors of ``dtype`` if that is more
    (float32 rows of many classes).
    """
    return max(SIMPLEX_TOLERANCE, n_classes * float(np.finfo(dtype).eps))


def check_probability_rows(values, input_name, advice=""):
    """Raise a ValueError unless each row of the 2-D ``values`` is a probability vector.

    Every row must be finite, non-negative and sum to 1 within
    :func:`simplex_tolerance`; the error names the first offending row.
    """
    n_samples, n_classes = values.shape
    dtype = values.dtype if values.dtype.kind == "f" else np.float64
    tolerance = simplex_tolerance(n_classes, dtype)
    rows = values.astype(np.float64, copy=False)
    sums = rows.sum(axis=1)
    bad = (
        ~np.isfinite(rows).all(axis=1)
        | (rows < 0).any(axis=1)
        | ~(np.abs(sums - 1.0) <= tolerance)
    )
    if bad.any():
        first = np.flatnonzero(bad)[0]
        shown = np.array2string(rows[first], precision=6, threshold=12)
        raise ValueError(
            f"{input_name} must have rows that are probability vectors: finite, "
            f"non-negative, summing to 1 (within {tolerance:.1e}); "
            f"{int(bad.sum())} of {n_samples} rows are not, the first is row "
            f"{first}: {shown} (sum {sums[first]:.6g}). {advice}".rstrip()
        )


def check_targets_in_range(y, target_range, fitted=None):
    """Raise a ValueError unless every ``y`` lies in ``target_range = (low, high)``.

    ``fitted`` names a range learned at fit (the targets must then be those
    of the fit); None for the ``target_range`` parameter. ``y`` of any shape
    is judged value by value; NaN and inf are left to the finiteness check
    that follows (scikit-learn's message names them).
    """
    low, high = target_range
    y = _unchecked_numbers(y, "y").astype(np.float64, copy=False).ravel()
    outside = np.flatnonzero(np.isfinite(y) & ((y < low) | (y > high)))
    if outside.size:
        first = outside[0]
        where = fitted or "target_range"
        advice = (
            "Pass the targets the model was fitted on."
            if fitted
            else "Widen target_range or use target_range='auto' to learn it from y."
        )
        raise ValueError(
            f"y has {outside.size} values outside {where}=({low:g}, {high:g}): "
            f"{_describe_values(y)} (first at index {first}, y={y[first]:g}). "
            f"{advice}"
        )


def check_target_range(target_range):
    """Return ``(low, high)`` as floats, finite with ``low < high``."""
    message = (
        "target_range must be 'auto' or a pair (low, high) of finite numbers "
        f"with low < high; got {target_range!r}."
    )
    try:
        values = np.asarray(target_range, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(message) from error
    valid = values.shape == (2,) and np.all(np.isfinite(values))
    if not (valid and values[0] < values[1]):
        raise ValueError(message)
    return float(values[0]), float(values[1])


def check_no_strings(values, input_name):
    """Raise a TypeError if ``values`` (an array-like or a DataFrame) hold strings.

    Numbers are expected, and numeric strings are not silently parsed.
    """
    if values is None or sparse.issparse(values):
        return
    columns = (
        [values[name] for name in values.columns]
        if hasattr(values, "columns")
        else [values]
    )
    for column in columns:
        array = np.asarray(column)
        if array.dtype.kind in "US":
            example = array.ravel()[0] if array.size else ""
        elif array.dtype.kind == "O":
            example = next(
                (v for v in array.ravel() if isinstance(v, str | bytes)), None
            )
            if example is None:
                continue
        else:
            continue
        raise TypeError(
            f"{input_name} must hold numbers; it holds strings (such as "
            f"{str(example)!r}). Convert them first: numbers with "
            "pandas.to_numeric or astype(float), categories with a "
            "OneHotEncoder in a Pipeline."
        )


def check_sample_weight(sample_weight, X):
    """Sample weights as float64: finite, non-negative and not all zero."""
    check_no_strings(sample_weight, "sample_weight")
    sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
    check_non_negative_weights(sample_weight)
    check_any_positive_weight(
        np.count_nonzero(sample_weight > 0), sample_weight.shape[0]
    )
    return sample_weight


def check_any_positive_weight(n_positive, n_samples):
    """Raise a ValueError if none of the ``n_samples`` weights is positive."""
    if not n_positive:
        raise ValueError(
            "sample_weight must contain at least one positive value; all "
            f"{n_samples} are zero."
        )


def check_non_negative_weights(sample_weight):
    """Raise a ValueError unless the float ``sample_weight`` are non-negative.

    The weights are already checked finite.
    """
    if np.any(sample_weight < 0):
        negative = np.flatnonzero(sample_weight < 0)
        raise ValueError(
            f"sample_weight must be non-negative; found {negative.size} negative "
            f"values (first at index {negative[0]}: {sample_weight[negative[0]]:g})."
        )
