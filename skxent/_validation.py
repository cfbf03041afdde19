"""Domain checks on targets, sample weights and the magnitudes of X, each in one place.

scikit-learn's ``validate_data`` and ``_check_sample_weight`` handle types,
shapes and finiteness of ``X``; these add what cross-entropy regression needs
and say what was expected, what was found and what to do instead.
"""

import numpy as np
from scipy import sparse
from sklearn.utils import check_array
from sklearn.utils.validation import _check_sample_weight

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


def check_probability_targets(y, input_name="y", advice=""):
    """Raise a ValueError unless ``y`` holds probabilities.

    1-D ``y`` (or a single column) must be finite numbers in [0, 1]; 2-D ``y``
    with several columns must have rows on the probability simplex (see
    :func:`check_probability_rows`). Runs before scikit-learn's own finiteness
    check so that NaN and inf get the same explanation as other bad values.
    ``advice`` is appended to the message.
    """
    check_no_strings(y, input_name)
    # Empty y is left to the checks of X, whose message names the estimator.
    values = check_array(
        y,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite=False,
        ensure_min_samples=0,
        input_name=input_name,
    )
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
    """Raise a ValueError for float64 columns of ``X`` whose squares leave
    float64's range, judged on ``rows`` of a dense ``X`` (the rows the
    solver samples). A sparse ``X`` is judged on all its stored values at
    once (extremes per column would copy it)."""
    if X.dtype != np.float64:
        return
    if sparse.issparse(X):
        values = X.data if X.nnz else np.zeros(1)
        largest, smallest = values.max(keepdims=True), values.min(keepdims=True)
    else:
        # np.asarray computes a dask array's p extremes.
        largest = np.asarray(X[rows].max(axis=0))
        smallest = np.asarray(X[rows].min(axis=0))
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
    """How far from 1 a row sum may be: 1e-6, or ``n_classes`` rounding
    errors of ``dtype`` if that is more (float32 rows of many classes)."""
    return max(SIMPLEX_TOLERANCE, n_classes * float(np.finfo(dtype).eps))


def check_probability_rows(values, input_name, advice=""):
    """Raise a ValueError, naming the first offending row, unless every row of
    the 2-D ``values`` is finite, non-negative and sums to 1 within
    :func:`simplex_tolerance`."""
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
    of the fit); None for the ``target_range`` parameter.
    """
    low, high = target_range
    if not np.all((y >= low) & (y <= high)):
        y = np.asarray(y)  # a dask array's, to describe it
        outside = np.flatnonzero((y < low) | (y > high))
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
    """Raise a TypeError if ``values`` (an array-like or a DataFrame) hold
    strings: numbers are expected, and numeric strings are not silently
    parsed."""
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
    check_any_positive_weight(sample_weight)
    return sample_weight


def check_any_positive_weight(sample_weight):
    """Raise a ValueError if no sample weight is positive (``np.any`` also
    computes a dask array's)."""
    if not np.any(sample_weight > 0):
        raise ValueError(
            "sample_weight must contain at least one positive value; all "
            f"{sample_weight.shape[0]} are zero."
        )


def check_non_negative_weights(sample_weight):
    """Raise a ValueError unless the float ``sample_weight`` (already checked
    finite) are non-negative."""
    if np.any(sample_weight < 0):
        negative = np.flatnonzero(sample_weight < 0)
        raise ValueError(
            f"sample_weight must be non-negative; found {negative.size} negative "
            f"values (first at index {negative[0]}: {sample_weight[negative[0]]:g})."
        )
