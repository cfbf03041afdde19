"""Validation of training and prediction data, and the domain checks behind it.

Bad input must give a clear error naming the input and the problem (what was
expected, what was found), through the estimators and through the checks of
``skxent._validation`` themselves, and leave the caller's arrays as they
were.
"""

import pickle
import re
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent._row_blocks import RowBlocks
from skxent._validation import (
    accept_any_targets,
    check_feature_values,
    check_learned_range,
    check_no_strings,
    check_probability_rows,
    check_probability_targets,
    check_sample_weight,
    check_target_range,
    check_targets_in_range,
    column_names,
    range_tolerance,
    simplex_tolerance,
    target_bounds,
    validate_prediction_data,
    validate_training_data,
)


def with_value(array, index, value):
    changed = np.array(array, dtype=float)
    changed[index] = value
    return changed


# --------------------------------------------------- through the estimators

BAD_FIT_INPUTS = {
    # name: (X, y, sample_weight) from (X, y, w) -> error type, message pattern
    "X with NaN": (
        lambda X, y, w: (with_value(X, (3, 1), np.nan), y, w),
        ValueError,
        "Input X contains NaN",
    ),
    "X with inf": (
        lambda X, y, w: (with_value(X, (3, 1), np.inf), y, w),
        ValueError,
        "Input X contains infinity",
    ),
    "y with NaN": (
        lambda X, y, w: (X, with_value(y, 2, np.nan), w),
        ValueError,
        "y .*NaN",
    ),
    "y with inf": (
        lambda X, y, w: (X, with_value(y, 2, -np.inf), w),
        ValueError,
        "y .*infinit",
    ),
    "y with None": (
        lambda X, y, w: (X, np.array([*y[:-1], None], dtype=object), w),
        ValueError,
        "y .*NaN",
    ),
    "sample_weight with NaN": (
        lambda X, y, w: (X, y, with_value(w, 1, np.nan)),
        ValueError,
        "sample_weight contains NaN",
    ),
    "sample_weight with inf": (
        lambda X, y, w: (X, y, with_value(w, 1, np.inf)),
        ValueError,
        "sample_weight contains infinity",
    ),
    "negative sample_weight, a list": (
        lambda X, y, w: (X, y, with_value(w, 4, -1.0).tolist()),
        ValueError,
        r"sample_weight must be non-negative; found 1 negative .*index 4: -1",
    ),
    "all-zero sample_weight": (
        lambda X, y, w: (X, y, np.zeros_like(w)),
        ValueError,
        "[Ss]ample.weight.*non-zero|positive",
    ),
    "sample_weight too short, a list": (
        lambda X, y, w: (X, y, w[:5].tolist()),
        ValueError,
        r"sample_weight.shape == \(5,\), expected \(60,\)",
    ),
    "2-D sample_weight": (
        lambda X, y, w: (X, y, np.column_stack([w, w])),
        ValueError,
        "[Ss]ample weights must be 1D",
    ),
    "y too short": (
        lambda X, y, w: (X, y[:5], None),
        ValueError,
        r"inconsistent numbers of samples: \[60, 5\]",
    ),
    "1-D X": (lambda X, y, w: (X[:, 0], y, w), ValueError, "Expected 2D array"),
    "3-D X": (
        lambda X, y, w: (X[:, :, np.newaxis], y, w),
        ValueError,
        "dim 3",
    ),
    "no rows": (
        lambda X, y, w: (X[:0], y[:0], None),
        ValueError,
        r"0 sample\(s\)",
    ),
    "no columns": (
        lambda X, y, w: (X[:, :0], y, w),
        ValueError,
        r"0 feature\(s\)",
    ),
    "string X": (
        lambda X, y, w: (np.full(X.shape, "a"), y, w),
        TypeError,
        "X must hold numbers; it holds strings",
    ),
    "numeric strings in an object X": (
        lambda X, y, w: (X.astype(str).astype(object), y, w),
        TypeError,
        "X must hold numbers; it holds strings",
    ),
    "a string column in a DataFrame": (
        lambda X, y, w: (
            pd.DataFrame({"a": X[:, 0], "b": ["u"] * len(X)}),
            y,
            w,
        ),
        TypeError,
        "X must hold numbers; it holds strings",
    ),
    "string y": (
        lambda X, y, w: (X, np.array(["0.5"] * len(y)), w),
        TypeError,
        "y must hold numbers; it holds strings",
    ),
    "string sample_weight": (
        lambda X, y, w: (X, y, np.array(["1"] * len(w))),
        TypeError,
        "sample_weight must hold numbers; it holds strings",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FIT_INPUTS))
def test_bad_input_is_a_clear_error_and_leaves_the_arrays_alone(
    estimator, case, make_fractional_data, targets_for
):
    make_input, error, message = BAD_FIT_INPUTS[case]
    X, y, weights = make_fractional_data()
    X, y, weights = make_input(X, targets_for(estimator, y), weights)
    before = [
        None if value is None else pickle.dumps(value) for value in (X, y, weights)
    ]
    with pytest.raises(error, match=message):
        clone(estimator).fit(X, y, sample_weight=weights)
    after = [
        None if value is None else pickle.dumps(value) for value in (X, y, weights)
    ]
    assert after == before


@pytest.mark.parametrize(
    "estimator, y, message, found, advice",
    [
        (
            ProbabilityRegressor(),
            [0.2, 1.5, 0.3, -0.1],
            r"y must hold probabilities in \[0, 1\]",
            "min=-0.1, max=1.5",
            "CrossEntropyRegressor",
        ),
        (
            ProbabilityRegressor(),
            [0.2, np.nan, 0.3, 0.4],
            r"y must hold probabilities in \[0, 1\]",
            "1 NaN",
            "CrossEntropyRegressor",
        ),
        (
            ProbabilityRegressor(),
            [0.2, np.inf, 0.3, 0.4],
            r"y must hold probabilities in \[0, 1\]",
            "1 infinite",
            "CrossEntropyRegressor",
        ),
        (
            CrossEntropyRegressor(target_range=(0, 10)),
            [1.0, 12.0, 3.0, 4.0],
            re.escape("outside target_range=(0.0, 10.0)"),
            "index 1, y=12.0",
            "Widen target_range",
        ),
    ],
    ids=["outside [0, 1]", "NaN", "inf", "outside target_range"],
)
def test_target_errors_say_what_was_found_and_what_to_do(
    estimator, y, message, found, advice
):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=message) as error:
        clone(estimator).fit(X, y)
    assert found in str(error.value)
    assert advice in str(error.value)


@pytest.mark.parametrize(
    "target_range",
    [(1, 0), (2, 1), (0, 0), (1, 1), (0, np.inf), ("a", "b"), (0, 1, 2)],
)
def test_invalid_target_range_is_named(target_range, make_fractional_data):
    X, y, _ = make_fractional_data()
    with pytest.raises(ValueError, match="target_range must be 'auto' or a pair"):
        CrossEntropyRegressor(target_range=target_range).fit(X, y)


@pytest.mark.parametrize(
    "change, found",
    [
        (lambda rows: rows.__setitem__((3, 0), rows[3, 0] + 1e-4), "row 3:"),
        (lambda rows: rows.__setitem__(5, [1.2, -0.2, 0.0, 0.0]), "row 5:"),
        (lambda rows: rows.__setitem__((7, 2), np.nan), "row 7:"),
        (lambda rows: rows.__setitem__((2, 1), np.inf), "row 2:"),
    ],
    ids=["sum", "negative", "nan", "inf"],
)
def test_rows_off_the_simplex_are_rejected_naming_the_first(
    change, found, make_soft_labels
):
    data = make_soft_labels()
    soft = data.soft
    change(soft)
    soft[9] = [0.5, 0.5, 0.5, 0.5]  # a later offending row
    with pytest.raises(ValueError, match="rows that are probability vectors") as error:
        ProbabilityRegressor().fit(data.X, soft)
    assert found in str(error.value)
    assert "2 of 400 rows" in str(error.value)


def test_float64_features_beyond_the_range_of_their_squares_are_an_error(
    make_fractional_data,
):
    X, y, _ = make_fractional_data()
    with pytest.raises(ValueError, match=r"columns \[1\] reach .*e\+200"):
        ProbabilityRegressor().fit(X * [1.0, 1e200, 1.0], y)
    with pytest.raises(ValueError, match=r"columns \[0, 2\] stay below .*e-300"):
        ProbabilityRegressor().fit(X * [1e-300, 1.0, 1e-300], y)


def test_predict_checks_the_columns(estimator, make_fractional_data, targets_for):
    X, y, _ = make_fractional_data()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = clone(estimator).fit(X, targets_for(estimator, y))
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        model.predict(X[:, :2])
    model = clone(estimator).fit(frame, targets_for(estimator, y))
    with pytest.raises(ValueError, match="same order as they were in fit"):
        model.predict(frame[["b", "a", "c"]])
    with pytest.raises(ValueError, match="Feature names unseen at fit time"):
        model.predict(frame.rename(columns={"a": "z"}))
    missing = frame.copy()
    missing.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(missing)


# ------------------------------------------------------- the entry points


def test_training_data_are_float64_but_for_a_float32_X_kept_as_it_is():
    X = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    y = np.array([0.1, 0.9, 0.5, 0.3, 0.2, 0.4], dtype=np.float32)
    estimator = ProbabilityRegressor()
    data = validate_training_data(
        estimator,
        X,
        y,
        [1, 2, 1, 1, 1, 1],
        reset=True,
        check_targets=accept_any_targets,
    )
    assert data.X is X
    assert data.y.dtype == np.float64 and data.sample_weight.dtype == np.float64
    np.testing.assert_array_equal(data.y, y)
    np.testing.assert_array_equal(data.sample_weight, [1, 2, 1, 1, 1, 1])
    assert not data.y_was_column
    assert estimator.n_features_in_ == 2
    unweighted = validate_training_data(
        estimator, X, y, None, reset=True, check_targets=accept_any_targets
    )
    np.testing.assert_array_equal(unweighted.sample_weight, np.ones(6))


def test_target_bounds_are_over_the_targets_of_positive_weight():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0.1, 0.9, 0.5, 0.3, 0.2, 0.4])
    data = validate_training_data(
        ProbabilityRegressor(),
        X,
        y,
        np.array([0.0, 0.0, 1.0, 2.0, 1.0, 1.0]),
        reset=True,
        check_targets=accept_any_targets,
    )
    assert data.target_bounds == (0.2, 0.5)
    assert all(isinstance(bound, float) for bound in data.target_bounds)
    assert target_bounds(y, np.ones(6)) == (0.1, 0.9)


@pytest.mark.parametrize(
    "y, names",
    [
        (pd.DataFrame({"a": [0.2, 0.5], "b": [0.8, 0.5]}), ["a", "b"]),
        (pd.DataFrame([[0.2, 0.8], [0.5, 0.5]]), None),
        (np.array([[0.2, 0.8], [0.5, 0.5]]), None),
        (pd.DataFrame({"a": [0.2, 0.5]}), None),
        (pd.Series([0.2, 0.5], name="a"), None),
    ],
    ids=["named columns", "default columns", "array", "one column", "Series"],
)
def test_target_names_are_the_string_column_names_of_2d_y(y, names, record_warnings):
    with record_warnings():
        data = validate_training_data(
            ProbabilityRegressor(),
            np.eye(2),
            y,
            None,
            reset=True,
            check_targets=accept_any_targets,
        )
    if names is None:
        assert data.target_names is None
    else:
        assert data.target_names.dtype == object
        np.testing.assert_array_equal(data.target_names, names)


def test_column_names_are_kept_only_when_all_are_strings():
    np.testing.assert_array_equal(
        column_names(pd.DataFrame(columns=["a", "b"])), ["a", "b"]
    )
    assert column_names(pd.DataFrame(columns=["a", 1])) is None
    assert column_names(np.eye(2)) is None


def test_a_column_y_is_raveled_and_reported_without_a_warning():
    X = np.arange(12.0).reshape(6, 2)
    y = np.linspace(0.1, 0.6, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = validate_training_data(
            ProbabilityRegressor(),
            X,
            y[:, np.newaxis],
            None,
            reset=True,
            check_targets=accept_any_targets,
        )
    assert data.y_was_column
    np.testing.assert_array_equal(data.y, y)


def test_the_target_check_runs_before_scikit_learns_own():
    """So that NaN gets the domain's message, which says what was found."""
    X = np.arange(12.0).reshape(6, 2)
    y = [0.2, np.nan, 0.1, 0.1, 0.1, 0.1]
    with pytest.raises(ValueError, match=r"in \[0, 1\].*got min=0.1, max=0.2, 1 NaN"):
        validate_training_data(
            ProbabilityRegressor(),
            X,
            y,
            None,
            reset=True,
            check_targets=check_probability_targets,
        )
    # Without a domain, scikit-learn's check still refuses NaN.
    with pytest.raises(ValueError, match="Input y contains NaN"):
        validate_training_data(
            ProbabilityRegressor(),
            X,
            y,
            None,
            reset=True,
            check_targets=accept_any_targets,
        )


def test_prediction_data_are_float_with_the_fitted_number_of_features():
    estimator = ProbabilityRegressor().fit(np.eye(2), [0.2, 0.7])
    X = validate_prediction_data(estimator, np.arange(4).reshape(2, 2))
    assert X.dtype == np.float64
    X32 = np.ones((3, 2), dtype=np.float32)
    assert validate_prediction_data(estimator, X32) is X32
    with pytest.raises(ValueError, match="X has 3 features, but .* expecting 2"):
        validate_prediction_data(estimator, np.ones((2, 3)))
    with pytest.raises(TypeError, match="X must hold numbers; it holds strings"):
        validate_prediction_data(estimator, [["1", "2"]])


# ---------------------------------------------------------- domain checks


def test_probability_targets_say_what_was_found_and_the_advice():
    message = re.escape(
        "y must hold probabilities in [0, 1] (rates, proportions, soft labels); "
        "got min=0.2, max=1.5. Try this."
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_probability_targets([0.2, 1.5], advice="Try this.")
    with pytest.raises(ValueError, match=r"^y_pred must hold .*1 infinite\.$"):
        check_probability_targets([0.2, np.inf], input_name="y_pred")
    # Rows of several columns go to the simplex check; empty y is left to X's.
    with pytest.raises(ValueError, match="rows that are probability vectors"):
        check_probability_targets([[0.5, 0.6]])
    check_probability_targets(np.empty(0))
    check_probability_targets([[0.3], [1.0]])


def test_probability_rows_name_the_first_bad_row_and_count_them():
    rows = np.array([[0.5, 0.5], [0.7, 0.4], [0.2, 0.2], [1.0, 0.0]])
    message = re.escape(
        "y must have rows that are probability vectors: finite, with entries of "
        "at least -1e-06, summing to 1 within 1e-06; 2 of 4 rows are not, the "
        "first is row 1: [0.7, 0.4] (sum 1.1). If they are shares "
        "rounded (to a few decimals, say), divide each row by its sum: "
        "y / y.sum(axis=1, keepdims=True) (for a DataFrame, "
        "y.div(y.sum(axis=1), axis=0))."
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_probability_rows(rows, "y")
    check_probability_rows(np.array([[0.5, 0.5 + 9e-7], [1.0, 0.0]]), "y")


@pytest.mark.parametrize(
    "row",
    [[0.5, 0.5], [0.5, 0.5 + 9e-7], [1.0 + 1e-12, -1e-12], [0.4, 0.6 + 5e-7, -5e-7]],
)
def test_probability_rows_within_the_tolerance_pass(row):
    """Entries down to minus the tolerance are rounding, like the row sums."""
    check_probability_rows(np.array([row]))


@pytest.mark.parametrize(
    "rows",
    [
        [[0.7, 0.2, 0.1], [0.3334, 0.3333, 0.3334]],
        [[0.7, 0.2, 0.1], [0.501, 0.5, -1e-12]],
        [[0.2, 0.2, 0.2], [0.2, 0.5, 0.1]],
    ],
    ids=["shares rounded to 4 decimals", "a rounded negative share", "sums off"],
)
def test_rows_mended_by_dividing_by_their_sums_say_so(rows):
    """The advice is given when following it puts every bad row on the simplex."""
    rows = np.array(rows)
    with pytest.raises(ValueError) as error:
        check_probability_rows(rows)
    assert "y / y.sum(axis=1, keepdims=True)" in str(error.value)
    assert "CrossEntropyRegressor" not in str(error.value)
    check_probability_rows(rows / rows.sum(axis=1, keepdims=True))


@pytest.mark.parametrize(
    "rows",
    [
        [[0.7, 0.2, 0.1], [1.2, -0.2, 0.0]],
        [[0.7, 0.2, 0.1], [0.0, 0.0, 0.0]],
        [[0.7, 0.2, 0.1], [0.5, np.nan, 0.5]],
        [[0.7, 0.2, 0.1], [0.5, 0.5, 0.5], [0.6, -0.1, 0.0]],
    ],
    ids=["negative", "zero sum", "NaN", "one mendable, one not"],
)
def test_rows_not_mended_by_dividing_by_their_sums_get_no_such_advice(rows):
    with pytest.raises(ValueError, match="rows that are probability vectors") as error:
        check_probability_rows(np.array(rows))
    assert "divide" not in str(error.value)


def test_rounded_shares_are_refused_saying_how_to_normalise_them(make_soft_labels):
    """The advice works, for arrays and DataFrames."""
    data = make_soft_labels(n_classes=5)
    rounded = data.soft.round(4)
    with pytest.raises(ValueError, match="rows that are probability vectors") as error:
        ProbabilityRegressor().fit(data.X, rounded)
    assert "y / y.sum(axis=1, keepdims=True)" in str(error.value)
    assert "CrossEntropyRegressor" not in str(error.value)
    y = rounded
    ProbabilityRegressor().fit(data.X, y / y.sum(axis=1, keepdims=True))
    y = pd.DataFrame(rounded)
    ProbabilityRegressor().fit(data.X, y.div(y.sum(axis=1), axis=0))


def test_probability_targets_advice_is_for_1d_targets_only():
    """Other scales are CrossEntropyRegressor's, which takes 1-D targets only."""
    with pytest.raises(ValueError, match=r"\[0, 1\].*Try this\.$"):
        check_probability_targets([0.2, 1.5], advice="Try this.")
    with pytest.raises(ValueError) as error:
        check_probability_targets([[0.5, 0.6]], advice="Try this.")
    assert "Try this" not in str(error.value)


@pytest.mark.parametrize(
    "n_classes, dtype, expected",
    [
        (3, np.float64, 1e-6),
        (100, np.float64, 1e-6),
        (3, np.float32, 1e-6),
        (100, np.float32, 100 * np.finfo(np.float32).eps),
    ],
)
def test_simplex_tolerance_is_1e_minus_6_or_the_rounding_of_the_row(
    n_classes, dtype, expected
):
    assert simplex_tolerance(n_classes, dtype) == expected


@pytest.mark.parametrize(
    "fitted, where, advice",
    [
        (None, "target_range", "Widen target_range or use target_range='auto'"),
        (
            "the fitted target_range_",
            "the fitted target_range_",
            "Pass the targets the model was fitted on.",
        ),
    ],
)
def test_targets_in_range_name_the_range_the_values_and_what_to_do(
    fitted, where, advice
):
    message = re.escape(
        f"y has 2 values outside {where}=(0.0, 10.0) by more than rounding "
        f"(7.105427357601002e-15): min=-3.0, max=12.0 (first at index 1, "
        f"y=12.0). {advice}"
    )
    with pytest.raises(ValueError, match=f"^{message}"):
        check_targets_in_range(
            [1.0, 12.0, -3.0], target_range=(0.0, 10.0), fitted=fitted
        )
    check_targets_in_range([0.0, 10.0, 5.0], target_range=(0.0, 10.0), fitted=fitted)


def test_target_range_is_a_pair_of_floats():
    assert check_target_range((0, 100)) == (0.0, 100.0)
    low, high = check_target_range([np.int64(1), np.float32(2.5)])
    assert (low, high) == (1.0, 2.5)
    assert type(low) is float and type(high) is float
    with pytest.raises(ValueError, match=re.escape("got (3, 1).")):
        check_target_range((3, 1))


def test_ranges_whose_width_overflows_are_refused_naming_them():
    message = re.escape(
        "target_range=(-1.5e+308, 1.6e+308) is wider than float64 can hold: "
        "high - low overflows."
    )
    with pytest.raises(ValueError, match=f"^{message}"):
        check_target_range((-1.5e308, 1.6e308))
    assert check_target_range((-1e308, 7e307)) == (-1e308, 7e307)
    with pytest.raises(ValueError, match=r"^y .* spans \(-1\.5e\+308, 1\.6e\+308\)"):
        check_learned_range((-1.5e308, 1.6e308))
    assert check_learned_range((2.0, 2.0)) == (2.0, 2.0)


@pytest.mark.parametrize(
    "low, high, dtype, expected",
    [
        (0.0, 10.0, np.float64, 4 * np.spacing(10.0)),
        (-144.2, -9.855, np.float64, 4 * np.spacing(144.2)),
        (0.0, 10.0, np.float32, 4 * float(np.spacing(np.float32(10.0)))),
        (-1e308, 1.7e308, np.float64, 4 * np.spacing(1.7e308)),
        (0.0, 0.0, np.float64, 4 * np.spacing(0.0)),
    ],
)
def test_range_tolerance_is_4_ulps_of_the_larger_bound_in_the_dtype(
    low, high, dtype, expected
):
    assert range_tolerance(low, high, dtype) == expected


def test_targets_within_4_ulps_of_the_range_pass_and_beyond_are_refused():
    low, high = -4.77, 61.311
    tolerance = range_tolerance(low, high)
    check_targets_in_range(
        [low - tolerance, high + tolerance], target_range=(low, high)
    )
    beyond = np.nextafter(high + tolerance, np.inf)
    with pytest.raises(ValueError, match=re.escape(f"y={float(beyond)!r})")):
        check_targets_in_range([beyond], target_range=(low, high))
    # float32 targets round to float32: 0.3 becomes 0.30000001192092896.
    check_targets_in_range(np.float32([0.1, 0.3]), target_range=(0.1, 0.3))
    with pytest.raises(ValueError, match=r"y=0\.30000001192092896\)"):
        check_targets_in_range([float(np.float32(0.3))], target_range=(0.1, 0.3))


def test_probabilities_within_4_ulps_of_0_and_1_pass_and_beyond_are_refused():
    tolerance = 4 * np.spacing(1.0)
    check_probability_targets([-tolerance, 1.0 + tolerance])
    with pytest.raises(ValueError, match=r"max=1\.000000000000001\.$"):
        check_probability_targets([0.5, 1.000000000000001])


@pytest.mark.parametrize(
    "check, y",
    [
        (check_probability_targets, [0.5, 1.5, 0.2]),
        (check_probability_targets, [[0.5, 0.5], [0.0, 0.0], [0.2, 0.8]]),
        (partial(check_targets_in_range, target_range=(0.0, 1.0)), [0.5, -3.0, 0.2]),
    ],
    ids=["probabilities", "rows", "range"],
)
def test_domain_checks_judge_only_rows_of_non_zero_weight(check, y):
    """Their targets count for nothing; weights that cannot say judge every row."""
    check(y, [1.0, 0.0, 2.0])
    check(y, pd.Series([1, 0, 2]))
    for weights in (None, 1.0, [1.0, np.nan, 2.0], [1.0, -1.0, 2.0], [1.0, 0.0]):
        with pytest.raises(ValueError, match="must|outside"):
            check(y, weights)
    with pytest.raises(TypeError, match="sample_weight must hold numbers"):
        check(y, ["1", "0", "2"])


def test_row_sums_and_weights_are_printed_in_full():
    """A sum of 1.0000011 is not 1, and a weight of -1e-17 not 0."""
    with pytest.raises(ValueError, match=r"\(sum 1\.0000011\)"):
        check_probability_rows(np.array([[0.5, 0.5000011]]))
    with pytest.raises(ValueError, match=r"index 1: -0\.1234567891\)"):
        check_sample_weight([1.0, -0.1234567891], np.ones((2, 1)))


@pytest.mark.parametrize(
    "values, example",
    [
        (np.array(["0.5", "1"]), "'0.5'"),
        (np.array([1.0, "a"], dtype=object), "'a'"),
        (np.array([b"a"], dtype=object), "\"b'a'\""),
        (pd.DataFrame({"a": [1.0, 2.0], "b": ["u", "v"]}), "'u'"),
    ],
    ids=["str array", "object array", "bytes", "DataFrame column"],
)
def test_strings_are_refused_naming_an_example(values, example):
    with pytest.raises(TypeError) as error:
        check_no_strings(values, "sample_weight")
    assert str(error.value).startswith(
        f"sample_weight must hold numbers; it holds strings (such as {example})."
    )


@pytest.mark.parametrize(
    "values",
    [None, sparse.csr_array(np.eye(2)), np.array([1, None], dtype=object)],
    ids=["None", "sparse", "numbers and None"],
)
def test_values_without_strings_pass(values):
    check_no_strings(values, "X")


def test_sample_weight_is_float64_non_negative_and_not_all_zero():
    X = np.ones((3, 2))
    weights = check_sample_weight(None, X)
    assert weights.dtype == np.float64
    np.testing.assert_array_equal(weights, np.ones(3))
    np.testing.assert_array_equal(check_sample_weight([1, 0, 2], X), [1.0, 0.0, 2.0])
    message = re.escape(
        "sample_weight must be non-negative; found 2 negative values (first at "
        "index 1: -0.5)."
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_sample_weight([1.0, -0.5, -2.0], X)
    with pytest.raises(ValueError, match="non-zero|positive"):
        check_sample_weight([0.0, 0.0, 0.0], X)


def test_float64_feature_values_whose_squares_leave_float64_are_an_error():
    X = np.array([[1e200, 1e-300], [1.0, 1e-301]])
    message = (
        r"^X: columns \[0\] reach 1e\+200 in magnitude \(above 1e\+150\); columns "
        r"\[1\] stay below 1e-300 in magnitude \(below 1e-150\)\. Their squares "
        r"leave float64's range"
    )
    with pytest.raises(ValueError, match=message):
        check_feature_values(RowBlocks(X))
    # float32 squares are summed in float64: any float32 value is fine.
    check_feature_values(RowBlocks(np.array([[3e38, 1e-40]], dtype=np.float32)))
    with pytest.raises(ValueError, match="^X: its stored values reach 1e\\+200"):
        check_feature_values(RowBlocks(sparse.csr_array(X[:1])))


@pytest.mark.parametrize("layout", [np.ascontiguousarray, np.asfortranarray])
@pytest.mark.parametrize("block_elements", [4, None], ids=["2-row blocks", "1 block"])
def test_column_magnitudes_are_read_from_every_row(
    set_block_elements, layout, block_elements
):
    """In every block, and in a C-ordered block's rows folded together or not.

    One block of 1300 rows of 2 columns is read as 2 rows of 1024 values
    (512 rows each) and the 276 rows left over.
    """
    if block_elements:
        set_block_elements(block_elements)
    X = np.full((1300, 2), 1e-200)
    X[:, 0] = 1.0
    for row, value in [(700, -3.0), (1100, 2.0)]:
        X[row, 0] = value
        X[row + 1, 1] = 0.5
        assert check_feature_values(RowBlocks(layout(X))) == abs(value)
        X[row, 0], X[row + 1, 1] = 1.0, 1e-200
    with pytest.raises(ValueError, match=r"^X: columns \[1\] stay below 1e-200"):
        check_feature_values(RowBlocks(layout(X)))


@pytest.mark.parametrize(
    "y, message",
    [
        ([1.0, np.nan, 3.0, 4.0], "Input y contains NaN"),
        (np.array([1.0, None, 3.0, 4.0], dtype=object), "Input y contains NaN"),
        (
            [[1.0], [12.0], [3.0], [4.0]],
            "y has 1 values outside target_range=(0.0, 10.0) by more than "
            "rounding (7.105427357601002e-15): min=1.0, max=12.0 (first at index "
            "1, y=12.0)",
        ),
    ],
    ids=["NaN", "None", "column"],
)
def test_an_explicit_target_range_checks_any_y_it_is_given(y, message):
    """The range check runs before scikit-learn's, on y as the user passed it."""
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=re.escape(message)):
        CrossEntropyRegressor(target_range=(0, 10)).fit(X, y)
    fitted = CrossEntropyRegressor(target_range=(0, 10)).fit(X, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=re.escape(message.split(" target_range")[0])):
        fitted.coef_table(X, y)


@pytest.mark.parametrize(
    "value, message",
    [
        (13.0, "y has 1 values outside target_range=(0.0, 10.0)"),
        (np.nan, "Input y contains NaN"),
    ],
)
def test_an_explicit_target_range_is_checked_on_every_dask_chunk(value, message):
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    X = da.from_array(np.arange(8.0).reshape(4, 2), chunks=(2, -1))
    y = da.from_array(np.array([1.0, 2.0, value, 4.0]), chunks=2)
    with dask.config.set(scheduler="sync"):
        with pytest.raises(
            ValueError,
            match=re.escape(message) + ".*in the dask chunk of rows 2 to 3",
        ):
            CrossEntropyRegressor(target_range=(0, 10)).fit(X, y)
