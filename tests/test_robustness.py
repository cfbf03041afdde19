"""Adversarial and property-based tests: bad input, hard data, invariances.

Bad input must give a clear error naming the parameter and the problem, and
leave the caller's arrays as they were. Hard data must fit without hanging
and without NaN or inf, with a warning that says what happened where the
optimum does not exist or is not reached. Invariances the model has in
exact arithmetic must hold to rounding. Random valid data sets (hypothesis)
must fit to the optimum that an independent dense Newton solve finds.
"""

import pickle
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit, log_expit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from skxent import CrossEntropyRegressor, ProbabilityRegressor


def fractional_data(n=60, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = expit(X @ rng.normal(size=p) + 0.3 + 0.5 * rng.normal(size=n))
    return X, y, rng.uniform(0.5, 2.0, size=n)


def scaled_targets(estimator, y):
    """Targets valid for ``estimator``: probabilities, or 40 + 60 y."""
    return y if isinstance(estimator, ProbabilityRegressor) else 40 + 60 * y


ESTIMATORS = [ProbabilityRegressor(), CrossEntropyRegressor()]
ESTIMATOR_IDS = ["ProbabilityRegressor", "CrossEntropyRegressor"]


def with_value(array, index, value):
    changed = np.array(array, dtype=float)
    changed[index] = value
    return changed


# ---------------------------------------------------------------- bad input

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
    "negative sample_weight": (
        lambda X, y, w: (X, y, with_value(w, 4, -1.0)),
        ValueError,
        r"sample_weight must be non-negative; found 1 negative .*index 4: -1",
    ),
    "all-zero sample_weight": (
        lambda X, y, w: (X, y, np.zeros_like(w)),
        ValueError,
        "[Ss]ample.weight.*non-zero|positive",
    ),
    "sample_weight too short": (
        lambda X, y, w: (X, y, w[:5]),
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


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
@pytest.mark.parametrize("case", list(BAD_FIT_INPUTS))
def test_bad_input_is_a_clear_error_and_leaves_the_arrays_alone(estimator, case):
    make_input, error, message = BAD_FIT_INPUTS[case]
    X, y, weights = fractional_data()
    X, y, weights = make_input(X, scaled_targets(estimator, y), weights)
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
    "make_input",
    [
        lambda X, y, w: (X, y, w),
        lambda X, y, w: (np.asfortranarray(X, dtype=np.float32), y, w),
        lambda X, y, w: (pd.DataFrame(X), pd.Series(y), list(w)),
        # Rows summing to 1 only within rounding: normalised, not in place.
        lambda X, y, w: (X, np.column_stack([y, 1 - y]) * (1 + 1e-9), w),
    ],
    ids=["arrays", "float32 F order", "pandas and a list", "soft labels"],
)
def test_fitting_leaves_the_arrays_alone(make_input):
    X, y, weights = make_input(*fractional_data())
    before = pickle.dumps((X, y, weights))
    model = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    model.predict(X)
    model.coef_table(X, y, sample_weight=weights)
    assert pickle.dumps((X, y, weights)) == before


@pytest.mark.parametrize(
    "estimator, y, message",
    [
        (ProbabilityRegressor(), lambda y: y + 0.5, r"y must hold probabilities"),
        (ProbabilityRegressor(), lambda y: -y, r"y must hold probabilities"),
        (
            ProbabilityRegressor(),
            lambda y: np.column_stack([y, y]),
            r"rows that are probability vectors.*first is row 0",
        ),
        (
            CrossEntropyRegressor(target_range=(0, 100)),
            lambda y: 200 * y,
            r"values outside target_range=\(0, 100\)",
        ),
    ],
    ids=["above 1", "negative", "rows not summing to 1", "outside target_range"],
)
def test_targets_outside_the_range_are_an_error(estimator, y, message):
    X, targets, _ = fractional_data()
    with pytest.raises(ValueError, match=message):
        clone(estimator).fit(X, y(targets))


@pytest.mark.parametrize(
    "parameters, name",
    [
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": "strong"}, "alpha"),
        ({"tol": 0.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"link": "identity"}, "link"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
        ({"warm_start": None}, "warm_start"),
        ({"verbose": -1}, "verbose"),
    ],
)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_invalid_parameters_are_named(estimator, parameters, name):
    X, y, _ = fractional_data()
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter"):
        clone(estimator).set_params(**parameters).fit(X, scaled_targets(estimator, y))


@pytest.mark.parametrize("target_range", [(1, 0), (0, 0), (0, np.inf), ("a", "b")])
def test_invalid_target_range_is_named(target_range):
    X, y, _ = fractional_data()
    with pytest.raises(ValueError, match="target_range must be 'auto' or a pair"):
        CrossEntropyRegressor(target_range=target_range).fit(X, y)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_predict_checks_the_columns(estimator):
    X, y, _ = fractional_data()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = clone(estimator).fit(X, scaled_targets(estimator, y))
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        model.predict(X[:, :2])
    model = clone(estimator).fit(frame, scaled_targets(estimator, y))
    with pytest.raises(ValueError, match="same order as they were in fit"):
        model.predict(frame[["b", "a", "c"]])
    with pytest.raises(ValueError, match="Feature names unseen at fit time"):
        model.predict(frame.rename(columns={"a": "z"}))
    missing = frame.copy()
    missing.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(missing)


def test_float64_features_beyond_the_range_of_their_squares_are_an_error():
    X, y, _ = fractional_data()
    with pytest.raises(ValueError, match=r"columns \[1\] reach .*e\+200"):
        ProbabilityRegressor().fit(X * [1.0, 1e200, 1.0], y)
    with pytest.raises(ValueError, match=r"columns \[0, 2\] stay below .*e-300"):
        ProbabilityRegressor().fit(X * [1e-300, 1.0, 1e-300], y)


# ---------------------------------------------------------------- hard data


def fit_recording_warnings(estimator, X, y, sample_weight=None):
    """Fit; return the model and the messages of the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = clone(estimator).fit(X, y, sample_weight=sample_weight)
    return model, [f"{w.category.__name__}: {w.message}" for w in caught]


def assert_finite_fit(model, X):
    predictions = model.predict(X)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    assert np.isfinite(predictions).all()
    return predictions


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_separable_targets_without_penalty_warn_that_the_optimum_is_at_infinity(
    link,
):
    X, _, _ = fractional_data(n=100)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    model, caught = fit_recording_warnings(
        ProbabilityRegressor(link=link, alpha=0), X, y
    )
    assert caught == [
        "ConvergenceWarning: With alpha=0, 100 of the 100 rows with targets 0 or "
        "1 are fitted with probabilities within 1e-8 of their targets: the "
        "features separate them (completely or quasi-completely), so the "
        "unpenalised optimum is at infinity and the coefficients returned grow "
        "without bound as tol shrinks. Fit with alpha > 0 for finite, meaningful "
        "coefficients."
    ]
    np.testing.assert_allclose(assert_finite_fit(model, X), y, atol=1e-6)
    penalised, caught = fit_recording_warnings(ProbabilityRegressor(link=link), X, y)
    assert caught == []
    assert_finite_fit(penalised, X)


def test_quasi_separation_counts_the_separated_rows():
    """x0 separates the hard targets (1 above 0, 0 below); the fractional
    ones, all at x0 = 0, have a finite optimum in the other coefficients."""
    X, y, _ = fractional_data(n=200)
    hard = np.arange(len(y)) < 120
    y = np.where(hard, (X[:, 0] > 0).astype(float), y)
    X[~hard, 0] = 0.0
    model, caught = fit_recording_warnings(ProbabilityRegressor(alpha=0), X, y)
    assert len(caught) == 1
    assert "120 of the 120 rows with targets 0 or 1" in caught[0]
    predictions = assert_finite_fit(model, X)
    np.testing.assert_allclose(predictions[hard], y[hard], atol=1e-6)
    assert 0 < predictions[~hard].min() and predictions[~hard].max() < 1


def test_fractional_targets_without_penalty_do_not_warn():
    X, y, weights = fractional_data(n=200)
    _, caught = fit_recording_warnings(ProbabilityRegressor(alpha=0), X, y, weights)
    assert caught == []


@pytest.mark.parametrize("value", [0.0, 1.0])
@pytest.mark.parametrize("alpha", [0.0, 1e-4])
def test_constant_targets_warn_that_the_intercept_runs_to_infinity(value, alpha):
    X, _, _ = fractional_data()
    model, caught = fit_recording_warnings(
        ProbabilityRegressor(alpha=alpha), X, np.full(len(X), value)
    )
    assert caught == [
        f"ConvergenceWarning: Every target of positive weight is {value:g}: the "
        "cross-entropy decreases without bound as the intercept goes to "
        f"{'-inf' if value == 0 else '+inf'}, so the optimum is not finite. The "
        f"fit stops where predictions are within about tol of {value:g}. Such "
        "targets need no model."
    ]
    np.testing.assert_allclose(assert_finite_fit(model, X), value, atol=1e-9)


def test_constant_targets_of_positive_weight_are_what_counts():
    X, y, weights = fractional_data()
    y = np.where(np.arange(len(y)) < 5, 0.5, 0.0)
    weights[:5] = 0.0
    with pytest.warns(ConvergenceWarning, match="Every target of positive weight"):
        ProbabilityRegressor().fit(X, y, sample_weight=weights)


def test_an_absent_class_is_named():
    X, _, _ = fractional_data(n=150)
    labels = (X[:, 0] > 0).astype(int)
    y = np.eye(3)[labels]  # class 2 never occurs
    model, caught = fit_recording_warnings(ProbabilityRegressor(), X, y)
    assert any("Classes [2] have probability 0 in every row" in w for w in caught)
    predictions = assert_finite_fit(model, X)
    assert predictions[:, 2].max() < 1e-6


@pytest.mark.parametrize("alpha", [0.0, 1e-4])
def test_constant_and_duplicated_columns(alpha):
    X, y, weights = fractional_data(n=100)
    wide = np.column_stack([X, np.full(len(X), 7.0), X[:, 1], np.zeros(len(X))])
    model, caught = fit_recording_warnings(
        ProbabilityRegressor(alpha=alpha), wide, y, weights
    )
    assert caught == []
    # With a penalty, two equal halves of a coefficient pay half its penalty:
    # the duplicate acts as its column scaled by sqrt(2).
    merged = X * [1.0, np.sqrt(2.0) if alpha > 0 else 1.0, 1.0]
    reference = ProbabilityRegressor(alpha=alpha).fit(merged, y, sample_weight=weights)
    np.testing.assert_allclose(
        assert_finite_fit(model, wide), reference.predict(merged), rtol=1e-8
    )
    # The duplicate shares its column's coefficient; the constant and the zero
    # column get none.
    np.testing.assert_allclose(model.coef_[1], model.coef_[4], rtol=1e-8)
    np.testing.assert_allclose(model.coef_[[3, 5]], 0.0, atol=1e-10)


@pytest.mark.parametrize("alpha", [0.0, 1e-3])
def test_many_more_columns_than_rows(alpha):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 500))
    y = rng.uniform(0.1, 0.9, size=20)
    model, caught = fit_recording_warnings(ProbabilityRegressor(alpha=alpha), X, y)
    assert caught == []
    predictions = assert_finite_fit(model, X)
    if alpha == 0:
        # 500 columns fit 20 fractional targets exactly.
        np.testing.assert_allclose(predictions, y, atol=1e-7)


def test_features_on_scales_from_1e_minus_8_to_1e8():
    X, y, weights = fractional_data(n=300, p=5)
    scales = np.logspace(-8, 8, 5)
    model, caught = fit_recording_warnings(
        ProbabilityRegressor(alpha=0), X * scales, y, weights
    )
    assert caught == []
    reference = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_ * scales, reference.coef_, rtol=1e-7)
    np.testing.assert_allclose(
        assert_finite_fit(model, X * scales), reference.predict(X), atol=1e-10
    )


def test_weights_from_1e_minus_12_to_1e12():
    X, y, _ = fractional_data(n=300)
    weights = np.logspace(-12, 12, len(y))
    model, caught = fit_recording_warnings(ProbabilityRegressor(alpha=0), X, y, weights)
    assert caught == []
    assert_finite_fit(model, X)
    objective = newton_objective(X, y, weights, 0.0, True)
    params = np.r_[model.coef_, model.intercept_]
    reference = newton_reference(X, y, weights, 0.0, True)
    assert objective(params) <= objective(reference) * (1 + 1e-10)


@pytest.mark.parametrize("scale", [3e37, 1e-30])
def test_float32_values_near_the_limits_of_float32(scale):
    X, y, weights = fractional_data(n=300)
    X32 = (X * scale).astype(np.float32)
    model, caught = fit_recording_warnings(
        ProbabilityRegressor(alpha=0), X32, y, weights
    )
    assert caught == []
    reference = ProbabilityRegressor(alpha=0).fit(
        X32.astype(np.float64), y, sample_weight=weights
    )
    np.testing.assert_allclose(
        assert_finite_fit(model, X32),
        reference.predict(X32.astype(np.float64)),
        atol=1e-6,
    )


def test_curvature_far_below_the_start_still_reaches_the_optimum():
    """Found by the property test below: a hard target fitted nearly exactly
    has, at the optimum, a curvature 1e-8 of the start's, where a gradient of
    tol still left the coefficient 2e-4 (relative) short of the optimum."""
    X, t, w = np.array([[-76.56631795]]), np.array([0.0]), np.array([0.5])
    model = ProbabilityRegressor(alpha=1e-6, fit_intercept=False).fit(
        X, t, sample_weight=w
    )
    reference = newton_reference(X, t, w, 1e-6, False)
    np.testing.assert_allclose(model.coef_, reference, rtol=1e-8)


def test_one_and_two_samples():
    X, y, _ = fractional_data(n=2)
    one, caught = fit_recording_warnings(ProbabilityRegressor(alpha=0), X[:1], y[:1])
    assert caught == []
    np.testing.assert_allclose(assert_finite_fit(one, X[:1]), y[:1], rtol=1e-9)
    two, caught = fit_recording_warnings(ProbabilityRegressor(alpha=0), X, y)
    assert caught == []
    np.testing.assert_allclose(assert_finite_fit(two, X), y, rtol=1e-8)
    hard, caught = fit_recording_warnings(
        ProbabilityRegressor(alpha=0), X, np.array([0.0, 1.0])
    )
    assert len(caught) == 1 and "2 of the 2 rows" in caught[0]
    assert_finite_fit(hard, X)


# ---------------------------------------------------------------- invariances


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_integer_weight_equals_repeated_rows(fit_intercept):
    X, y, _ = fractional_data(n=80)
    counts = np.random.default_rng(3).integers(0, 4, size=len(y))
    weighted = ProbabilityRegressor(fit_intercept=fit_intercept).fit(
        X, y, sample_weight=counts
    )
    repeated = ProbabilityRegressor(fit_intercept=fit_intercept).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-8)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-8)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_permuting_rows_changes_nothing(estimator):
    X, y, weights = fractional_data(n=200)
    y = scaled_targets(estimator, y)
    order = np.random.default_rng(4).permutation(len(y))
    model = clone(estimator).fit(X, y, sample_weight=weights)
    coef, intercept = model.coef_, model.intercept_
    permuted = clone(estimator).fit(X[order], y[order], sample_weight=weights[order])
    np.testing.assert_allclose(permuted.coef_, coef, rtol=1e-9)
    np.testing.assert_allclose(permuted.intercept_, intercept, rtol=1e-9)


def test_read_only_and_memmapped_X_give_identical_fits(tmp_path):
    X, y, weights = fractional_data(n=500, p=6)
    reference = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    read_only = np.array(X, copy=True)
    read_only.flags.writeable = False
    np.save(tmp_path / "X.npy", X)
    memmap = np.load(tmp_path / "X.npy", mmap_mode="r")
    for layout in (read_only, memmap):
        model = ProbabilityRegressor().fit(layout, y, sample_weight=weights)
        np.testing.assert_array_equal(model.coef_, reference.coef_)
        np.testing.assert_array_equal(model.predict(layout), reference.predict(X))


def test_fortran_order_gives_the_same_fit_to_rounding():
    """BLAS's kernels for the two orders round differently (by 1e-16 here)."""
    X, y, weights = fractional_data(n=500, p=6)
    reference = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    model = ProbabilityRegressor().fit(np.asfortranarray(X), y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-12)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-14)


def test_refitting_is_deterministic():
    X, y, weights = fractional_data(n=300, p=8)
    first = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    coef, intercept = first.coef_.copy(), first.intercept_
    second = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(second.coef_, coef)
    assert second.intercept_ == intercept


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_predict_from_many_threads_equals_serial(estimator):
    X, y, _ = fractional_data(n=300)
    model = clone(estimator).fit(X, scaled_targets(estimator, y))
    inputs = [np.roll(X, shift, axis=0) for shift in range(32)]
    serial = [model.predict(rows) for rows in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(model.predict, inputs))
    for expected, got in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_pickled_models_predict_identically(estimator):
    X, y, weights = fractional_data()
    model = clone(estimator).fit(X, scaled_targets(estimator, y), sample_weight=weights)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


# ---------------------------------------------------------------- properties


def newton_objective(X, t, w, alpha, fit_intercept):
    """The objective, written independently of skxent (logit link)."""
    weights = w / w.sum()

    def objective(params):
        coef, intercept = (params[:-1], params[-1]) if fit_intercept else (params, 0.0)
        eta = X @ coef + intercept
        loss = -(t * log_expit(eta) + (1 - t) * log_expit(-eta))
        return weights @ loss + 0.5 * alpha * coef @ coef

    return objective


def newton_reference(X, t, w, alpha, fit_intercept, steps=100):
    """Damped Newton's method on the dense Hessian (pseudo-inverse where it is
    singular), from zero: an independent solve of the same problem."""
    weights = w / w.sum()
    design = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    penalty = np.full(design.shape[1], alpha)
    if fit_intercept:
        penalty[-1] = 0.0
    objective = newton_objective(X, t, w, alpha, fit_intercept)
    params = np.zeros(design.shape[1])
    for _ in range(steps):
        mu = expit(design @ params)
        gradient = design.T @ (weights * (mu - t)) + penalty * params
        hessian = (design.T * (weights * mu * (1 - mu))) @ design + np.diag(penalty)
        step = -np.linalg.pinv(hessian, rcond=1e-13, hermitian=True) @ gradient
        if not -gradient @ step > 1e-30:
            break
        size, value = 1.0, objective(params)
        while objective(params + size * step) > value and size > 1e-10:
            size /= 2
        params = params + size * step
    return params


@st.composite
def valid_data_sets(draw):
    n = draw(st.integers(1, 40))
    p = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-3, 3, size=p)
    X = rng.normal(size=(n, p)) * scales + draw(st.sampled_from([0.0, 5.0]))
    alpha = draw(st.sampled_from([0.0, 1e-6, 1e-3, 1.0]))
    if alpha == 0:
        # Without a penalty only targets strictly inside (0, 1) have an optimum
        # whatever the features.
        t = rng.uniform(0.02, 0.98, size=n)
    else:
        t = rng.choice([0.0, 1.0, 0.5, 0.3], size=n) * rng.uniform(0.5, 1.0, size=n)
        t = np.where(rng.uniform(size=n) < 0.3, np.round(t), t)
    w = np.where(rng.uniform(size=n) < 0.1, 0.0, rng.uniform(0.1, 10.0, size=n))
    fit_intercept = draw(st.booleans())
    positive = w > 0
    # An intercept cannot fit targets that are all 0 or all 1 (no optimum).
    assume(positive.any())
    assume(not fit_intercept or 0 < t[positive].max() and t[positive].min() < 1)
    return X, t, w, alpha, fit_intercept


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(valid_data_sets())
def test_random_data_sets_fit_to_the_newton_optimum(data):
    X, t, w, alpha, fit_intercept = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=alpha, fit_intercept=fit_intercept).fit(
            X, t, sample_weight=w
        )
    predictions = model.predict(X)
    assert np.all((predictions >= 0) & (predictions <= 1))
    objective = newton_objective(X, t, w, alpha, fit_intercept)
    params = np.r_[model.coef_, model.intercept_] if fit_intercept else model.coef_
    reference = newton_reference(X, t, w, alpha, fit_intercept)
    assert objective(params) <= objective(reference) * (1 + 1e-10) + 1e-15
    # Optimality: the Newton decrement g' H^+ g (affine invariant, twice the
    # objective's excess) is at rounding level.
    weights = w / w.sum()
    design = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    penalty = np.full(design.shape[1], alpha)
    if fit_intercept:
        penalty[-1] = 0.0
    mu = expit(design @ params)
    gradient = design.T @ (weights * (mu - t)) + penalty * params
    hessian = (design.T * (weights * mu * (1 - mu))) @ design + np.diag(penalty)
    decrement = (
        gradient @ np.linalg.pinv(hessian, rcond=1e-13, hermitian=True) @ gradient
    )
    assert decrement <= 1e-14 * max(1.0, objective(params))


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    st.integers(2, 30),
    st.floats(-1e3, 1e3),
    st.floats(1e-3, 1e4),
    st.integers(0, 2**32 - 1),
)
def test_cross_entropy_regressor_predicts_inside_its_range(n, low, width, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = low + width * rng.uniform(size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = CrossEntropyRegressor(target_range=(low, low + width)).fit(X, y)
    predictions = model.predict(np.vstack([X, 100 * X]))
    assert np.all((predictions >= low) & (predictions <= low + width))
