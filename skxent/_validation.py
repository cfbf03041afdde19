"""Validation of training and prediction data, and the domain checks behind it.

:func:`validate_training_data` and :func:`validate_prediction_data` are the
entry points for data in memory (``_dask.py`` has their twins for dask
arrays, built on the same checks). scikit-learn's ``validate_data`` and
``_check_sample_weight`` handle types, shapes and finiteness (that of
``X`` is judged in the pass that also judges its magnitudes; the targets'
domain check runs before them, so that NaN and inf among probabilities get
its message); the checks here add what cross-entropy regression needs
(targets in their domain, weights valid, feature magnitudes the solver can
scale), each in one place, and say what was expected, what was found and
what to do instead.

A row of zero weight counts for nothing (scikit-learn's convention: it is as
if absent), so the domain checks judge only the targets of the other rows;
any finite target does for a row of zero weight.
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

from ._row_blocks import parallel_row_blocks

# Rows of 2-D probability targets must sum to 1 within this (or the rounding
# of their dtype over all classes, if larger), and their entries be at least
# minus it (a share computed as 1 minus the others); they are then normalised.
SIMPLEX_TOLERANCE = 1e-6

# Targets this many units in the last place (of the larger bound's
# magnitude, in the targets' dtype) outside their range are rounding: a
# target computed as low + (high - low) * t, t in [0, 1], lies within one.
RANGE_TOLERANCE_ULPS = 4

# The solver's scales are sums of squared feature values: a float64 column
# whose values all lie below the first, or any beyond the second, has squares
# that underflow to 0 or overflow to inf (float64 spans 1e-308..1e308).
# float32 values always fit: their squares are summed in float64.
SMALLEST_COLUMN_MAGNITUDE = 1e-150
LARGEST_FEATURE_MAGNITUDE = 1e150

# Stored values of a sparse X per slice when finding their extremes: a slice
# stays in cache between the two reductions.
EXTREMES_SLICE_ELEMENTS = 2**17

# A dense block's column magnitudes are found on rows of about this many
# values: down 5 columns, 3 ns a row instead of 77; down 100, 62 instead
# of 113 (of the widths 64, 256 and 1024 the fastest).
FOLDED_ROW_ELEMENTS = 1024


def _describe_values(values):
    """'min=..., max=...' over the finite values, plus NaN and inf counts."""
    finite = values[np.isfinite(values)]
    parts = []
    if finite.size:
        # repr: a value an ulp outside a range must not print as inside it.
        parts.append(f"min={float(finite.min())!r}, max={float(finite.max())!r}")
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
    feature_magnitude : float
        The largest ``|x|`` over every value of ``X``, read in the check of
        its values: the preconditioner, which samples rows, learns from it
        whether a row it did not sample holds an outlier.
    largest_weight : float
        The largest sample weight.
    target_names : ndarray of object of shape (n_outputs,) or None
        The string column names of a 2-D ``y`` (a pandas DataFrame), the
        names of its classes; None otherwise.
    """

    X: object
    y: object
    sample_weight: object
    target_bounds: tuple
    y_was_column: bool
    feature_magnitude: float
    largest_weight: float
    target_names: object = None


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

    ``check_targets(y, sample_weight)`` raises for targets of non-zero weight
    outside the estimator's domain; it runs before scikit-learn's own checks,
    so that NaN and inf get the same message as other bad values. With
    ``reset``, ``validate_data`` learns ``n_features_in_`` (and
    ``feature_names_in_``), else checks them.
    """
    check_no_strings(X, "X")
    names = column_names(y)
    if y is not None:
        # Without y, scikit-learn's own check says it is required.
        check_no_strings(y, "y")
        check_targets(y, sample_weight)
    # 2-D y is taken here whatever the estimator, so that a column vector
    # is raveled by us (the estimator warns at the user's line), not by
    # scikit-learn (which would warn at its own).
    X, y = _validate_X(
        estimator,
        X,
        y,
        reset=reset,
        y_numeric=True,
        multi_output=True,
        ensure_all_finite=False,
    )
    with parallel_row_blocks(X) as blocks:
        feature_magnitude = check_feature_values(blocks, type(estimator).__name__)
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
    return TrainingData(
        X=X,
        y=y,
        sample_weight=sample_weight,
        target_bounds=target_bounds(y, sample_weight),
        y_was_column=y_was_column,
        feature_magnitude=feature_magnitude,
        target_names=names if y.ndim == 2 else None,
        largest_weight=float(sample_weight.max()),
    )


def column_names(y):
    """Return the column names of ``y`` as an object array, if all are strings.

    None for ``y`` without columns (an array, a Series) or with other names
    (a DataFrame's default 0, 1, ...): scikit-learn's rule for feature names.
    """
    columns = getattr(y, "columns", None)
    if columns is None or not all(isinstance(name, str) for name in columns):
        return None
    return np.asarray(columns, dtype=object)


def validate_prediction_data(estimator, X):
    """``X`` in memory for a fitted estimator: as in fit, its features checked."""
    check_no_strings(X, "X")
    return _validate_X(estimator, X, reset=False)


def target_bounds(y, sample_weight):
    """Return the smallest and largest target of positive weight, as floats."""
    weighted = y[sample_weight > 0]
    return float(weighted.min()), float(weighted.max())


def accept_any_targets(y, sample_weight=None):
    """Targets of any real value are in the domain."""


def _rows_to_judge(sample_weight, n_rows):
    """Return which of ``n_rows`` rows a domain check judges: those of weight not 0.

    ``sample_weight`` is as the user passed it. Weights that cannot say yet
    (None, a single number, the wrong shape) leave every row judged; their
    own check follows. NaN and negative weights are judged, and refused
    later.
    """
    if sample_weight is None:
        return np.ones(n_rows, dtype=bool)
    check_no_strings(sample_weight, "sample_weight")
    weights = _unchecked_numbers(sample_weight, "sample_weight")
    if weights.shape != (n_rows,):
        return np.ones(n_rows, dtype=bool)
    return weights != 0


def _judged_values(values, sample_weight):
    """Return a mask of the entries of ``values`` (a row per sample) to judge."""
    rows = _rows_to_judge(sample_weight, values.shape[0])
    return np.broadcast_to(rows.reshape((-1,) + (1,) * (values.ndim - 1)), values.shape)


def _float_dtype(values):
    """Return the dtype of float ``values``, float64 for integers."""
    return values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)


def range_tolerance(low, high, dtype=np.float64):
    """How far outside ``[low, high]`` a target of ``dtype`` may round.

    ``RANGE_TOLERANCE_ULPS`` units in the last place of ``max(|low|,
    |high|)`` in ``dtype`` (float32 targets round more). Computed in float64,
    so that it never overflows.
    """
    ulps_per_float64_ulp = np.finfo(dtype).eps / np.finfo(np.float64).eps
    magnitude = max(abs(low), abs(high))
    return float(RANGE_TOLERANCE_ULPS * np.spacing(magnitude) * ulps_per_float64_ulp)


def _unchecked_numbers(y, input_name):
    """``y`` as a numeric array of any shape, NaN, inf and emptiness allowed.

    What a domain check judges before scikit-learn's own checks run (empty
    ``y`` is left to the checks of ``X``, whose message names the estimator).
    A numpy array of numbers is taken as it is: ``check_array`` would return
    it unchanged, after looking for dataframe types (a fixed cost that
    dominates the validation of small data).
    """
    if type(y) is np.ndarray and y.dtype.kind in "biuf":
        return y
    return check_array(
        y,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite=False,
        ensure_min_samples=0,
        input_name=input_name,
    )


def check_probability_targets(y, sample_weight=None, input_name="y", advice=""):
    """Raise a ValueError unless ``y`` holds probabilities (in rows of non-zero weight).

    1-D ``y`` (or a single column) must be finite numbers in [0, 1], within
    :func:`range_tolerance` (rounding); 2-D ``y`` with several columns must
    have rows on the probability simplex (see :func:`check_probability_rows`).
    ``y`` must have passed :func:`check_no_strings`. ``advice``, for 1-D
    ``y``, is appended to the message.
    """
    values = np.atleast_1d(_unchecked_numbers(y, input_name))
    if values.ndim == 2 and values.shape[1] > 1:
        check_probability_rows(values, input_name, sample_weight)
        return
    tolerance = range_tolerance(0.0, 1.0, _float_dtype(values))
    values = values.astype(np.float64, copy=False)
    judged = _judged_values(values, sample_weight)
    # Masks, not a copy of the judged values: y may be long.
    if np.any(judged & ~((values >= -tolerance) & (values <= 1.0 + tolerance))):
        raise ValueError(
            f"{input_name} must hold probabilities in [0, 1] (rates, proportions, "
            f"soft labels); got {_describe_values(values[judged])}. {advice}".rstrip()
        )


def _extremes(values):
    """Return the largest and smallest of the 1-D ``values`` (NaN if any is NaN).

    Read in slices that stay in cache, so that both reductions cost one
    pass over memory.
    """
    largest, smallest = -np.inf, np.inf
    for start in range(0, values.shape[0], EXTREMES_SLICE_ELEMENTS):
        part = values[start : start + EXTREMES_SLICE_ELEMENTS]
        # np.maximum, unlike max(), keeps a NaN.
        largest = np.maximum(largest, part.max())
        smallest = np.minimum(smallest, part.min())
    return float(largest), float(smallest)


def _largest_magnitudes(values):
    """Return ``max |x|`` down each column of ``values`` (NaN where a NaN is)."""
    return np.maximum(
        values.max(axis=0, initial=-np.inf), -values.min(axis=0, initial=np.inf)
    )


def _column_magnitudes(X_rows):
    """Return the largest ``|x|`` of each column of a dense block (NaN if any is NaN).

    As a row, for the blocks' results to be concatenated. A C-ordered block
    is read as rows of about ``FOLDED_ROW_ELEMENTS`` values, several of its
    own rows each (a view): numpy's reductions down few columns cost about
    as much per row as per value.
    """
    n_rows, n_columns = X_rows.shape
    per_row = 1
    if X_rows.flags.c_contiguous:
        per_row = max(1, FOLDED_ROW_ELEMENTS // max(n_columns, 1))
    folded = n_rows // per_row * per_row
    magnitudes = (
        _largest_magnitudes(X_rows[:folded].reshape(-1, per_row * n_columns))
        .reshape(per_row, n_columns)
        .max(axis=0)
    )
    return np.maximum(magnitudes, _largest_magnitudes(X_rows[folded:]))[np.newaxis]


def feature_magnitudes(blocks, estimator_name=None):
    """Return the largest ``|x|`` of each column of ``X``, read in one pass.

    ``blocks`` are the row blocks of ``X`` (see ``_row_blocks``). For a
    sparse ``X``, one magnitude: that of its stored values. Raise
    scikit-learn's ValueError for NaN or inf (the pass replaces its own
    check of finiteness).
    """
    X = blocks.X
    if sparse.issparse(X):
        largest, smallest = _extremes(X.data) if X.nnz else (0.0, 0.0)
        magnitudes = np.array([max(largest, -smallest)])
        values = X.data
    else:
        magnitudes = blocks.map(_column_magnitudes).max(axis=0)
        values = X
    if not np.all(np.isfinite(magnitudes)):
        # scikit-learn's words for NaN and inf.
        assert_all_finite(values, input_name="X", estimator_name=estimator_name)
    return magnitudes


def check_feature_magnitudes(magnitudes, X):
    """Raise a ValueError for magnitudes float64 cannot scale; return the largest.

    ``magnitudes`` are :func:`feature_magnitudes` of all of ``X``'s rows.
    float64 columns whose squares leave float64's range are refused: any
    value beyond ``LARGEST_FEATURE_MAGNITUDE``, or a column whose values all
    lie below ``SMALLEST_COLUMN_MAGNITUDE``.
    """
    magnitude = float(magnitudes.max())
    if X.dtype != np.float64:
        return magnitude
    too_large = magnitudes > LARGEST_FEATURE_MAGNITUDE
    too_small = (magnitudes > 0) & (magnitudes < SMALLEST_COLUMN_MAGNITUDE)
    problems = [
        f"{_where(X, flagged)} {verb} {float(magnitudes[flagged].max())!r} in "
        f"magnitude ({side} {limit:g})"
        for flagged, verb, side, limit in [
            (too_large, "reach", "above", LARGEST_FEATURE_MAGNITUDE),
            (too_small, "stay below", "below", SMALLEST_COLUMN_MAGNITUDE),
        ]
        if flagged.any()
    ]
    if problems:
        raise ValueError(
            f"X: {'; '.join(problems)}. Their squares leave float64's range, "
            "so the fit cannot scale them. Rescale those columns (a change of "
            "units, or StandardScaler in a Pipeline)."
        )
    return magnitude


def check_feature_values(blocks, estimator_name=None):
    """Raise a ValueError for non-finite values or magnitudes float64 cannot scale.

    See :func:`feature_magnitudes` and :func:`check_feature_magnitudes`.
    Return the largest magnitude.
    """
    return check_feature_magnitudes(
        feature_magnitudes(blocks, estimator_name), blocks.X
    )


def _where(X, flagged):
    """Name the values ``flagged``: columns of a dense ``X``, or stored values."""
    if sparse.issparse(X):
        return "its stored values"
    return f"columns {np.flatnonzero(flagged).tolist()}"


def simplex_tolerance(n_classes, dtype):
    """How far from 1 a row sum may be.

    It is 1e-6, or ``n_classes`` rounding errors of ``dtype`` if that is more
    (float32 rows of many classes).
    """
    return max(SIMPLEX_TOLERANCE, n_classes * float(np.finfo(dtype).eps))


def check_probability_rows(values, input_name="y", sample_weight=None):
    """Raise a ValueError unless each row of the 2-D ``values`` is a probability vector.

    Every row of non-zero weight must pass :func:`rows_on_simplex` with
    :func:`simplex_tolerance`. The error names the first offending row, and
    says how to normalise the rows when that mends every one of them.
    """
    n_samples, n_classes = values.shape
    tolerance = simplex_tolerance(n_classes, _float_dtype(values))
    rows = values.astype(np.float64, copy=False)
    bad = _rows_to_judge(sample_weight, n_samples) & ~rows_on_simplex(rows, tolerance)
    if bad.any():
        first = np.flatnonzero(bad)[0]
        shown = np.array2string(
            rows[first], separator=", ", floatmode="unique", threshold=12
        )
        with np.errstate(over="ignore", invalid="ignore"):
            row_sum = float(rows[first].sum())
        raise ValueError(
            f"{input_name} must have rows that are probability vectors: finite, "
            f"with entries of at least -{tolerance!r}, summing to 1 within "
            f"{tolerance!r}; {int(bad.sum())} of {n_samples} rows are not, the "
            f"first is row {first}: {shown} (sum {row_sum!r})."
            + _normalising_advice(rows[bad], tolerance, input_name)
        )


def rows_on_simplex(rows, tolerance):
    """Whether each row of ``rows`` is a probability vector, within ``tolerance``.

    Finite, with entries of at least ``-tolerance`` (the rounding of a share
    computed as 1 minus the others), summing to 1 within ``tolerance``.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        sums = rows.sum(axis=1)
    return (
        np.isfinite(rows).all(axis=1)
        & (rows >= -tolerance).all(axis=1)
        & (np.abs(sums - 1.0) <= tolerance)
    )


def _normalising_advice(bad_rows, tolerance, input_name):
    """Say how to divide rows by their sums, if that mends all ``bad_rows``.

    Empty when it would not (negative entries, rows of sum 0, NaN): then
    no advice can mend them.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        divided = bad_rows / bad_rows.sum(axis=1, keepdims=True)
    if not rows_on_simplex(divided, tolerance).all():
        return ""
    return (
        " If they are shares rounded (to a few decimals, say), divide each row "
        f"by its sum: {input_name} / {input_name}.sum(axis=1, keepdims=True) "
        f"(for a DataFrame, {input_name}.div({input_name}.sum(axis=1), axis=0))."
    )


def check_targets_in_range(
    y, sample_weight=None, *, target_range, fitted=None, input_name="y", advice=None
):
    """Raise a ValueError unless every ``y`` lies in ``target_range = (low, high)``.

    Targets within :func:`range_tolerance` of the range are rounding, and
    pass; so do the targets of rows of zero ``sample_weight``. ``fitted``
    names a range learned at fit (the targets must then be those of the
    fit); None for the ``target_range`` parameter. ``advice``, if given,
    replaces the message's advice (for callers other than the estimators).
    ``y`` of any shape is judged value by value; NaN and inf are left to the
    finiteness check that follows (scikit-learn's message names them).
    """
    low, high = target_range
    values = np.atleast_1d(_unchecked_numbers(y, input_name))
    tolerance = range_tolerance(low, high, _float_dtype(values))
    values = values.astype(np.float64, copy=False)
    judged = _judged_values(values, sample_weight)
    outside = np.flatnonzero(
        judged
        & np.isfinite(values)
        & ((values < low - tolerance) | (values > high + tolerance))
    )
    if outside.size:
        first = outside[0]
        where = fitted or "target_range"
        if advice is None:
            advice = (
                "Pass the targets the model was fitted on."
                if fitted
                else "Widen target_range or use target_range='auto' to learn it from y."
            )
        raise ValueError(
            f"{input_name} has {outside.size} values outside {where}=({low!r}, "
            f"{high!r}) by more than rounding ({tolerance!r}): "
            f"{_describe_values(values[judged])} (first at index {first}, "
            f"{input_name}={float(values.flat[first])!r}). {advice}"
        )


def check_target_range(target_range):
    """Return ``(low, high)`` as floats, finite with ``low < high``.

    ``high - low`` must be finite too: the targets are mapped with it.
    """
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
    low, high = float(values[0]), float(values[1])
    if not np.isfinite(high - low):
        raise ValueError(
            f"target_range=({low!r}, {high!r}) is wider than float64 can hold: "
            "high - low overflows. Rescale y and target_range (divide both by "
            "2, say)."
        )
    return low, high


def check_learned_range(target_bounds):
    """Return the range ``(low, high)`` learned from the targets, its width finite."""
    low, high = target_bounds
    if not np.isfinite(high - low):
        raise ValueError(
            f"y (its targets of positive weight) spans ({low!r}, {high!r}), "
            "wider than float64 can hold: max(y) - min(y) overflows. Rescale y "
            "(divide it by 2, say)."
        )
    return target_bounds


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
    """Sample weights as float64: finite, non-negative and not all zero.

    A 1-D float64 numpy array of one weight per row is used as it is, checked
    finite (scikit-learn's ``_check_sample_weight`` returns it unchanged, at a
    fixed cost that dominates small data); anything else goes through it.
    """
    check_no_strings(sample_weight, "sample_weight")
    if (
        type(sample_weight) is np.ndarray
        and sample_weight.dtype == np.float64
        and sample_weight.shape == (X.shape[0],)
    ):
        assert_all_finite(sample_weight, input_name="sample_weight")
    else:
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
            f"values (first at index {negative[0]}: "
            f"{float(sample_weight[negative[0]])!r})."
        )


def check_penalty_weights(penalty_weights, n_features):
    """Return ``penalty_weights`` as float64 of shape (n_features,), or None.

    Raise a ValueError naming the offending values unless there is one
    finite, non-negative weight per feature.
    """
    if penalty_weights is None:
        return None
    try:
        weights = check_array(
            penalty_weights,
            ensure_2d=False,
            ensure_all_finite=False,
            dtype=np.float64,
            input_name="penalty_weights",
        )
    except (TypeError, ValueError) as error:
        raise type(error)(
            "penalty_weights must be an array of numbers, one per feature; got "
            f"{penalty_weights!r} ({error})."
        ) from error
    if weights.shape != (n_features,):
        raise ValueError(
            f"penalty_weights must have one weight per feature, shape "
            f"({n_features},); got shape {weights.shape}."
        )
    bad = np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))
    if bad.size:
        raise ValueError(
            "penalty_weights must be finite and non-negative (0 leaves a "
            f"feature unpenalised); {bad.size} of them are not (the first at "
            f"index {bad[0]}: {float(weights[bad[0]])!r}; "
            f"{_describe_values(weights)})."
        )
    return weights


def wants_groups(groups, cov_type):
    """Whether ``cov_type`` is ``"cluster"``, which alone takes ``groups``.

    Raise a ValueError when ``groups`` and ``cov_type`` disagree.
    """
    if cov_type != "cluster":
        if groups is not None:
            raise ValueError(
                f"groups is used only with cov_type='cluster'; got cov_type="
                f"{cov_type!r}. Pass cov_type='cluster' for cluster-robust errors."
            )
        return False
    if groups is None:
        raise ValueError("cov_type='cluster' needs groups, one label per sample.")
    return True


def _is_missing(label):
    """Whether a label is missing: None, NaN or pandas' NA and NaT."""
    if label is None:
        return True
    try:
        return bool(label != label)
    except TypeError:
        # pandas.NA compares to NA, whose truth is undefined.
        return True


def check_group_labels(groups, start=0):
    """Raise a ValueError naming the first missing label (NaN or None) of ``groups``.

    ``start`` is the position of ``groups``' first row among all rows.
    """
    try:
        missing = np.flatnonzero(np.isnan(groups.astype(np.float64)))
    except (TypeError, ValueError):
        missing = np.flatnonzero([_is_missing(label) for label in groups])
    if missing.size:
        raise ValueError(
            f"groups has {missing.size} missing labels (first at index "
            f"{start + missing[0]}); every sample needs a group."
        )


def check_cluster_count(n_groups):
    """Raise a ValueError unless at least two groups hold rows of positive weight."""
    if n_groups < 2:
        raise ValueError(
            "cov_type='cluster' needs groups with at least 2 clusters holding "
            f"rows of positive sample_weight; got {n_groups}. Cluster-robust "
            "errors estimate the spread between clusters: pass finer groups."
        )


def group_codes(groups, cov_type, sample_weight):
    """Return group codes ``0..G-1`` and ``G`` for ``cov_type="cluster"``.

    For other covariances ``(None, 0)``. The ``G`` groups are those holding
    rows of positive weight; rows of zero weight, which change nothing, have
    the code -1. Raise a ValueError when ``groups`` and ``cov_type``
    disagree, a label is missing, or fewer than two groups hold rows of
    positive weight.
    """
    if not wants_groups(groups, cov_type):
        return None, 0
    n_samples = sample_weight.shape[0]
    groups = column_or_1d(groups)
    if groups.shape[0] != n_samples:
        raise ValueError(
            f"groups has {groups.shape[0]} labels for {n_samples} samples."
        )
    check_group_labels(groups)
    positive = sample_weight > 0
    labels, codes = np.unique(groups[positive], return_inverse=True)
    check_cluster_count(labels.size)
    codes_of_rows = np.full(n_samples, -1, dtype=np.intp)
    codes_of_rows[positive] = codes
    return codes_of_rows, labels.size
