"""The fit: the optimum of the objective, on easy and hard data, and what it reports.

``fit_linear_model`` returns the coefficients in the estimators' layout and
the warnings for the estimator to raise, raising none itself. Through the
estimators, hard data must fit without hanging and without NaN or inf, with
a warning that says what happened where the optimum does not exist or is not
reached; random valid data sets (hypothesis) must fit to the optimum that an
independent dense Newton solve finds.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, sparse
from scipy.special import expit, log_expit, log_ndtr, logit, logsumexp, softmax
from scipy.stats import norm
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from skxent import (
    ProbabilityRegressor,
    _fit,
    _preconditioning,
    _separation,
    _validation,
)
from skxent._fit import _solve_smooth, fit_linear_model
from skxent._lasso import fit_on_support, penalised_value
from skxent._link import BINARY_LINKS, LOGIT, SOFTMAX
from skxent._objective import LinearObjective, params_of
from skxent._preconditioning import measure_curvature
from skxent._row_blocks import RowBlocks
from skxent._separation import (
    absent_classes_message,
    constant_targets_message,
    separated_rows_message,
)
from skxent._solver import SolverResult

LINKS = {**BINARY_LINKS, "softmax": SOFTMAX}


def messages(caught):
    """Return the recorded warnings as ``"Category: message"`` strings."""
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def assert_finite_fit(model, X):
    predictions = model.predict(X)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    assert np.isfinite(predictions).all()
    return predictions


# ------------------------------------------------------- fit_linear_model


def fit(X, targets, weights, link, **settings):
    """``fit_linear_model`` on ``X`` in memory, the estimators' defaults."""
    arguments = {
        "alpha": 1e-4,
        "fit_intercept": True,
        "tol": 1e-10,
        "max_iter": 100,
        "verbose": 0,
        **settings,
    }
    return fit_linear_model(RowBlocks(X), targets, weights, link=link, **arguments)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("link_name", list(LINKS))
def test_the_fit_is_the_optimum_in_the_estimators_layout(
    link_name, fit_intercept, make_linear_problem
):
    X, targets, weights, _ = make_linear_problem(link_name, fit_intercept)
    link = LINKS[link_name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Weights of any total: the objective is their weighted mean.
        result = fit(
            X, targets, 7.0 * weights, link, alpha=1e-3, fit_intercept=fit_intercept
        )
    n_features = X.shape[1]
    if link_name == "softmax":
        assert result.coef.shape == (3, n_features)
        assert result.intercept.shape == (3,)
    else:
        assert result.coef.shape == (n_features,)
        assert isinstance(result.intercept, float)
    if not fit_intercept:
        np.testing.assert_array_equal(result.intercept, 0.0)
    assert isinstance(result.n_iter, int) and 1 <= result.n_iter <= 100
    assert result.warnings == []
    objective = LinearObjective(
        RowBlocks(X), targets, weights, 1e-3, fit_intercept, link
    )
    params = params_of(result.coef, result.intercept, fit_intercept)
    _, gradient = objective.value_and_gradient(params)
    assert np.max(np.abs(gradient)) < 1e-8


SEPARABLE_X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
NO_FINITE_OPTIMUM = {
    # name: (X, targets, link, alpha, the warning's message)
    "separated rows": (
        SEPARABLE_X,
        np.array([0.0, 0.0, 1.0, 1.0]),
        LOGIT,
        0.0,
        separated_rows_message(4, 4),
    ),
    "constant targets": (
        SEPARABLE_X,
        np.ones(4),
        LOGIT,
        1e-4,
        constant_targets_message(all_zero=False),
    ),
    "an absent class": (
        SEPARABLE_X,
        np.eye(3)[[0, 1, 0, 1]],
        SOFTMAX,
        1e-4,
        absent_classes_message(np.array([2])),
    ),
}


@pytest.mark.parametrize("case", NO_FINITE_OPTIMUM)
def test_warnings_are_returned_not_raised(case):
    X, targets, link, alpha, message = NO_FINITE_OPTIMUM[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit(X, targets, np.ones(4), link, alpha=alpha)
    assert result.warnings == [(ConvergenceWarning, message)]
    assert np.isfinite(result.coef).all()


def test_reaching_max_iter_is_returned_not_raised(make_linear_problem):
    X, targets, weights, _ = make_linear_problem("logit", True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fit(X, targets, weights, LOGIT, max_iter=1)
    assert result.n_iter == 1
    [(category, message)] = result.warnings
    assert category is ConvergenceWarning
    assert message.startswith("The solver ran 1 iterations and ended with max ")
    assert "it reached max_iter=1. Increase max_iter" in message


def test_convergence_warning_names_what_to_try(make_proportions, record_warnings):
    X, y, trials = make_proportions(scales=10.0 ** np.linspace(-2, 2, 5))
    with record_warnings() as caught:
        model = ProbabilityRegressor(max_iter=1).fit(X, y, sample_weight=trials)
    assert [w.category for w in caught] == [ConvergenceWarning]
    assert "Increase max_iter" in str(caught[0].message)
    assert model.n_iter_ == 1


# ---------------------------------------------------------------- hard data


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_separable_targets_without_penalty_warn_that_the_optimum_is_at_infinity(
    link, make_fractional_data, record_warnings
):
    """The linear predictor runs to hundreds: no overflow warning, no NaN."""
    X, _, _ = make_fractional_data(n_samples=100)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    with record_warnings() as caught:
        model = ProbabilityRegressor(link=link, alpha=0).fit(X, y)
    assert messages(caught) == [
        "ConvergenceWarning: With alpha=0, the features separate 100 of the 100 "
        "rows with targets 0 or 1 (completely or quasi-completely): along a "
        "direction of the coefficients their cross-entropy decreases towards 0 "
        "and no other row's increases, so the unpenalised optimum is at "
        "infinity and the coefficients returned grow without bound as tol "
        "shrinks. Fit with alpha > 0 for finite, meaningful coefficients."
    ]
    predictions = assert_finite_fit(model, X)
    assert np.all((predictions >= 0) & (predictions <= 1))
    np.testing.assert_allclose(predictions, y, atol=1e-6)
    with record_warnings() as caught:
        penalised = ProbabilityRegressor(link=link).fit(X, y)
    assert messages(caught) == []
    assert_finite_fit(penalised, X)


def test_quasi_separation_counts_the_separated_rows(
    make_fractional_data, record_warnings
):
    """x0 separates the hard targets (1 above 0, 0 below).

    The fractional ones, all at x0 = 0, have a finite optimum in the other
    coefficients.
    """
    X, y, _ = make_fractional_data(n_samples=200)
    hard = np.arange(len(y)) < 120
    y = np.where(hard, (X[:, 0] > 0).astype(float), y)
    X[~hard, 0] = 0.0
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=0).fit(X, y)
    assert len(caught) == 1
    assert "separate 120 of the 120 rows with targets 0 or 1" in messages(caught)[0]
    predictions = assert_finite_fit(model, X)
    np.testing.assert_allclose(predictions[hard], y[hard], atol=1e-6)
    assert 0 < predictions[~hard].min() and predictions[~hard].max() < 1


@pytest.mark.parametrize("tol", [1e-8, 1e-10, 1e-14])
def test_a_steep_finite_optimum_is_not_called_separation(tol, record_warnings):
    """Targets 1 for x0 > 0 and 0 below, but 0.5 where |x0| < 0.2.

    The fractional rows keep the optimum finite, although rows far from 0
    are fitted within 1e-8 of their targets: no warning, and statsmodels'
    IRLS reaches the same coefficients.
    """
    sm = pytest.importorskip("statsmodels.api")
    X = np.random.default_rng(0).standard_normal((500, 2))
    y = (X[:, 0] > 0).astype(float)
    y[np.abs(X[:, 0]) < 0.2] = 0.5
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=0, tol=tol).fit(X, y)
    assert messages(caught) == []
    reference = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(
        np.r_[model.intercept_, model.coef_], reference.params, rtol=1e-6
    )


def test_iris_versicolor_against_virginica_has_a_finite_optimum(record_warnings):
    """IRLS fits it in statsmodels; the coefficients do not move with tol."""
    sm = pytest.importorskip("statsmodels.api")
    X, labels = load_iris(return_X_y=True)
    X, y = X[labels > 0], (labels[labels > 0] == 2).astype(float)
    with record_warnings() as caught:
        models = [
            ProbabilityRegressor(alpha=0, tol=tol).fit(X, y) for tol in (1e-10, 1e-14)
        ]
    assert messages(caught) == []
    reference = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial()).fit()
    for model in models:
        np.testing.assert_allclose(
            np.r_[model.intercept_, model.coef_], reference.params, rtol=1e-7
        )


def test_separated_one_hot_rows_warn(record_warnings):
    """Class 2 wherever x0 > 1: the softmax's optimum is at infinity.

    Every row's cross-entropy decreases along the separating direction:
    those of class 2 gain probability, the others lose that of class 2.
    """
    X = np.random.default_rng(1).standard_normal((300, 2))
    labels = np.where(X[:, 0] > 1, 2, (X[:, 1] > 0).astype(int))
    labels[:30] = np.where(X[:30, 0] > 1, 2, 1 - labels[:30])
    with record_warnings() as caught:
        ProbabilityRegressor(alpha=0).fit(X, np.eye(3)[labels])
    assert messages(caught) == [
        f"ConvergenceWarning: {separated_rows_message(300, 300)}"
    ]


def test_a_failed_program_claims_nothing_but_rows_at_the_bound(
    monkeypatch, make_fractional_data, record_warnings
):
    """HiGHS failing is not "not separated": the fit says what it knows."""

    def failing_program(*args, **kwargs):
        return optimize.OptimizeResult(status=4, x=None)

    monkeypatch.setattr(_separation.optimize, "linprog", failing_program)
    X, _, _ = make_fractional_data(n_samples=100)
    with record_warnings() as caught:
        ProbabilityRegressor(alpha=0).fit(X, (X[:, 0] > 0).astype(float))
    [message] = messages(caught)
    assert "numerically 0 or 1" in message and "or it failed" in message


def test_data_too_large_for_the_program_report_rows_at_the_bound(
    monkeypatch, make_fractional_data, record_warnings
):
    """Too large to decide: say what is so (rows numerically at 0 or 1), as R does."""
    monkeypatch.setattr(_separation, "MAX_PROGRAM_ELEMENTS", 10)
    X, _, _ = make_fractional_data(n_samples=100)
    y = (X[:, 0] > 0).astype(float)
    with record_warnings() as caught:
        ProbabilityRegressor(alpha=0).fit(X, y)
    [message] = messages(caught)
    assert "of the 100 rows with targets 0 or 1 are fitted with probabilities " in (
        message
    )
    assert "numerically 0 or 1. If the features separate them, the unpenalised " in (
        message
    )


def test_fractional_targets_without_penalty_do_not_warn(
    make_fractional_data, record_warnings
):
    X, y, weights = make_fractional_data(n_samples=200)
    with record_warnings() as caught:
        ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    assert messages(caught) == []


@pytest.mark.parametrize("value", [0.0, 1.0])
@pytest.mark.parametrize("alpha", [0.0, 1e-4])
def test_constant_targets_warn_that_the_intercept_runs_to_infinity(
    value, alpha, make_fractional_data, record_warnings
):
    X, _, _ = make_fractional_data()
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=alpha).fit(X, np.full(len(X), value))
    assert messages(caught) == [
        f"ConvergenceWarning: Every target of positive weight is {value:g}: the "
        "cross-entropy decreases without bound as the intercept goes to "
        f"{'-inf' if value == 0 else '+inf'}, so the optimum is not finite. The "
        f"fit stops where predictions are within about tol of {value:g}. Such "
        "targets need no model."
    ]
    predictions = assert_finite_fit(model, X)
    assert np.all((predictions >= 0) & (predictions <= 1))
    np.testing.assert_allclose(predictions, value, atol=1e-9)


def test_constant_targets_of_positive_weight_are_what_counts(make_fractional_data):
    X, y, weights = make_fractional_data()
    y = np.where(np.arange(len(y)) < 5, 0.5, 0.0)
    weights[:5] = 0.0
    with pytest.warns(ConvergenceWarning, match="Every target of positive weight"):
        ProbabilityRegressor().fit(X, y, sample_weight=weights)


def test_an_absent_class_is_named(make_fractional_data, record_warnings):
    X, _, _ = make_fractional_data(n_samples=150)
    labels = (X[:, 0] > 0).astype(int)
    y = np.eye(3)[labels]  # class 2 never occurs
    with record_warnings() as caught:
        model = ProbabilityRegressor().fit(X, y)
    assert any(
        "Classes [2] have probability 0 in every row" in w for w in messages(caught)
    )
    predictions = assert_finite_fit(model, X)
    assert predictions[:, 2].max() < 1e-6


# name: (the rank-deficient design from a full-rank X, groups of equal
# columns, columns the intercept or nothing can stand for, the full-rank
# design of the same fitted values)
RANK_DEFICIENT_DESIGNS = {
    "duplicate column": (
        lambda X: np.column_stack([X, X[:, 0]]),
        [[0, 5]],
        [],
        lambda X: X,
    ),
    "constant column": (
        lambda X: np.column_stack([X, np.full(len(X), 3.0)]),
        [],
        [5],
        lambda X: X,
    ),
    "constant, duplicate and zero columns": (
        lambda X: np.column_stack([X, np.full(len(X), 7.0), X[:, 1], np.zeros(len(X))]),
        [[1, 6]],
        [5, 7],
        lambda X: X,
    ),
    "p>n": (
        lambda X: np.column_stack([X] * 20)[:30],
        [list(range(j, 100, 5)) for j in range(5)],
        [],
        lambda X: X[:30],
    ),
}


@pytest.mark.parametrize("sparse_input", [False, True])
def test_an_interpolating_fit_without_intercept_is_the_pseudo_inverse_solution(
    sparse_input,
):
    """More features than rows: fitted exactly, with ``pinv(X) @ logit(y)``.

    The minimum-norm solution in the user's coordinates, what scikit-learn's
    GLMs return (their unpenalised wide-data tests).
    """
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 50)) * np.logspace(-1, 1, 50)
    y = rng.uniform(0.1, 0.9, size=20)
    model = ProbabilityRegressor(alpha=0, fit_intercept=False).fit(
        sparse.csr_array(X) if sparse_input else X, y
    )
    reference = np.linalg.pinv(X) @ logit(y)
    np.testing.assert_allclose(model.coef_, reference, rtol=1e-7, atol=1e-9)


def test_duplicate_columns_share_a_coefficient_as_the_minimum_norm_split():
    """Columns x and 2x: of a total effect c on x, the split (c/5, 2c/5)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(200)
    y = expit(x + 0.3 * rng.standard_normal(200))
    model = ProbabilityRegressor(alpha=0).fit(np.column_stack([x, 2 * x]), y)
    single = ProbabilityRegressor(alpha=0).fit(x[:, np.newaxis], y)
    np.testing.assert_allclose(model.coef_, single.coef_[0] * np.array([0.2, 0.4]))
    np.testing.assert_allclose(model.intercept_, single.intercept_)


@pytest.mark.parametrize("soft_labels", [False, True])
def test_a_wide_fit_with_intercept_is_the_limit_of_the_ridge_fit(soft_labels):
    """The intercept is free; the coefficients are the alpha -> 0 limit."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((15, 30))
    y = rng.dirichlet(np.ones(3), size=15) if soft_labels else rng.uniform(size=15)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    ridge = ProbabilityRegressor(alpha=1e-9, tol=1e-14, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(model.coef_, ridge.coef_, atol=1e-7)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-8)


@pytest.mark.parametrize("alpha", [0.0, 1e-4, 1e-3])
@pytest.mark.parametrize("design", RANK_DEFICIENT_DESIGNS)
def test_rank_deficient_designs(design, alpha, make_proportions, assert_optimal):
    """Fit the optimum, finite, without warning or a part the data do not fix.

    The coefficients are those of smallest norm: equal columns share their
    coefficient, columns without spread get none, and
    the fitted values are those of the full-rank design (each group of ``m``
    equal columns one column, scaled by ``sqrt(m)`` under a penalty: ``m``
    equal parts of a coefficient pay ``1 / m`` of its penalty).
    """
    make_design, groups, null_columns, make_reference = RANK_DEFICIENT_DESIGNS[design]
    X, y, trials = make_proportions(n_samples=80)
    wide = make_design(X)
    y, trials = y[: len(wide)], trials[: len(wide)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=alpha).fit(wide, y, sample_weight=trials)
    fitted = assert_finite_fit(model, wide)
    # The fitted values are the optimum: unique even when coef_ is not.
    assert_optimal(model, wide, y, trials)
    for group in groups:
        np.testing.assert_allclose(model.coef_[group], model.coef_[group[0]], rtol=1e-8)
    np.testing.assert_allclose(model.coef_[null_columns], 0.0, atol=1e-10)
    reference_X = make_reference(X).copy()
    for group in groups:
        reference_X[:, group[0]] *= np.sqrt(len(group)) if alpha > 0 else 1.0
    reference = ProbabilityRegressor(alpha=alpha).fit(
        reference_X, y, sample_weight=trials
    )
    np.testing.assert_allclose(fitted, reference.predict(reference_X), rtol=1e-8)
    if alpha == 0:
        for group in groups:
            assert model.coef_[group].sum() == pytest.approx(
                reference.coef_[group[0]], rel=1e-6
            )


@pytest.mark.parametrize("alpha", [0.0, 1e-3])
def test_many_more_columns_than_rows(alpha, record_warnings):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 500))
    y = rng.uniform(0.1, 0.9, size=20)
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=alpha).fit(X, y)
    assert messages(caught) == []
    predictions = assert_finite_fit(model, X)
    if alpha == 0:
        # 500 columns fit 20 fractional targets exactly.
        np.testing.assert_allclose(predictions, y, atol=1e-7)


@pytest.mark.parametrize(
    "scales",
    [10.0 ** np.linspace(-2, 2, 5), 10.0 ** np.linspace(-8, 8, 5)],
    ids=["1e-2..1e2", "1e-8..1e8"],
)
@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_features_of_any_scale_reach_the_optimum(
    link, scales, make_proportions, record_warnings
):
    """The fit on scaled columns is the fit on unit ones, coefficients scaled."""
    X, y, trials = make_proportions(scales=scales)
    with record_warnings() as caught:
        model = ProbabilityRegressor(link=link, alpha=0).fit(X, y, sample_weight=trials)
    assert messages(caught) == []
    rescaled = ProbabilityRegressor(link=link, alpha=0).fit(
        X / scales, y, sample_weight=trials
    )
    np.testing.assert_allclose(model.coef_ * scales, rescaled.coef_, rtol=1e-7)
    assert model.intercept_ == pytest.approx(rescaled.intercept_, rel=1e-7)
    predictions = assert_finite_fit(model, X)
    np.testing.assert_allclose(predictions, rescaled.predict(X / scales), atol=1e-10)
    assert np.all((predictions > 0) & (predictions < 1))


def test_weights_from_1e_minus_12_to_1e12(make_fractional_data, record_warnings):
    X, y, _ = make_fractional_data(n_samples=300)
    weights = np.logspace(-12, 12, len(y))
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    assert messages(caught) == []
    assert_finite_fit(model, X)
    objective = newton_objective(X, y, weights, 0.0, True)
    params = np.r_[model.coef_, model.intercept_]
    reference = newton_reference(X, y, weights, 0.0, True)
    assert objective(params) <= objective(reference) * (1 + 1e-10)


@pytest.mark.parametrize("scale", [3e37, 1e-30])
def test_float32_values_near_the_limits_of_float32(
    scale, make_fractional_data, record_warnings
):
    X, y, weights = make_fractional_data(n_samples=300)
    X32 = (X * scale).astype(np.float32)
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=0).fit(X32, y, sample_weight=weights)
    assert messages(caught) == []
    reference = ProbabilityRegressor(alpha=0).fit(
        X32.astype(np.float64), y, sample_weight=weights
    )
    np.testing.assert_allclose(
        assert_finite_fit(model, X32),
        reference.predict(X32.astype(np.float64)),
        atol=1e-6,
    )


def test_float32_fit_reaches_the_float64_optimum_of_the_same_data(make_proportions):
    X, y, trials = make_proportions(
        n_samples=5000, n_features=20, scales=10.0 ** np.linspace(-2, 2, 20)
    )
    X32 = X.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model32 = ProbabilityRegressor(alpha=0.0).fit(X32, y, sample_weight=trials)
    model64 = ProbabilityRegressor(alpha=0.0).fit(
        X32.astype(np.float64), y, sample_weight=trials
    )
    # The same problem, the float32 fit stopped at a float64 gradient of at
    # most 1e-8 (the float64 one at 1e-10): coefficients agree to 1e-5
    # relative to the largest (here 24.5, the smallest 5e-5), predictions to
    # 1e-6.
    scale = np.max(np.abs(model64.coef_))
    np.testing.assert_allclose(
        model32.coef_, model64.coef_, rtol=1e-5, atol=1e-5 * scale
    )
    np.testing.assert_allclose(
        model32.predict(X32), model64.predict(X32.astype(np.float64)), atol=1e-6
    )


def test_curvature_far_below_the_start_still_reaches_the_optimum():
    """Found by the property test below.

    A hard target fitted nearly exactly has, at the optimum, a curvature 1e-8
    of the start's, where a gradient of tol still left the coefficient 2e-4
    (relative) short of the optimum.
    """
    X, t, w = np.array([[-76.56631795]]), np.array([0.0]), np.array([0.5])
    model = ProbabilityRegressor(alpha=1e-6, fit_intercept=False).fit(
        X, t, sample_weight=w
    )
    reference = newton_reference(X, t, w, 1e-6, False)
    np.testing.assert_allclose(model.coef_, reference, rtol=1e-8)


def test_one_and_two_samples(make_fractional_data, record_warnings):
    X, y, _ = make_fractional_data(n_samples=2)
    with record_warnings() as caught:
        one = ProbabilityRegressor(alpha=0).fit(X[:1], y[:1])
    assert messages(caught) == []
    np.testing.assert_allclose(assert_finite_fit(one, X[:1]), y[:1], rtol=1e-9)
    with record_warnings() as caught:
        two = ProbabilityRegressor(alpha=0).fit(X, y)
    assert messages(caught) == []
    np.testing.assert_allclose(assert_finite_fit(two, X), y, rtol=1e-8)
    with record_warnings() as caught:
        hard = ProbabilityRegressor(alpha=0).fit(X, np.array([0.0, 1.0]))
    assert len(caught) == 1 and "2 of the 2 rows" in messages(caught)[0]
    assert_finite_fit(hard, X)


# ---------------------------------------------------------------- properties


def newton_objective(X, t, w, alpha, fit_intercept):
    """Return the objective, written independently of skxent (logit link)."""
    weights = w / w.sum()

    def objective(params):
        coef, intercept = (params[:-1], params[-1]) if fit_intercept else (params, 0.0)
        eta = X @ coef + intercept
        loss = -(t * log_expit(eta) + (1 - t) * log_expit(-eta))
        return weights @ loss + 0.5 * alpha * coef @ coef

    return objective


def newton_reference(X, t, w, alpha, fit_intercept, steps=100):
    """Solve the same problem independently, by damped Newton steps from zero.

    The dense Hessian is pseudo-inverted where it is singular.
    """
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


# ------------------------------------------------------------ never NaN


def test_a_value_beyond_the_limit_in_any_row_is_refused(make_fractional_data):
    """Row 1 is outside the preconditioner's sample; the check reads every row."""
    X, y, _ = make_fractional_data(n_samples=60000, n_features=2)
    X[1, 0] = 1e200
    with pytest.raises(ValueError, match=r"^X: columns \[0\] reach 1e\+200"):
        ProbabilityRegressor().fit(X, y)


def test_a_column_tiny_only_in_the_sampled_rows_is_accepted(make_fractional_data):
    """Judged on every row, the column is not below the limit."""
    X, y, _ = make_fractional_data(n_samples=60000, n_features=2)
    X[:, 1] = 1e-200
    X[1, 1] = 1.0
    model = ProbabilityRegressor().fit(X, y)
    assert np.isfinite(model.coef_).all()
    X[1, 1] = 1e-200
    with pytest.raises(ValueError, match=r"columns \[1\] stay below 1e-200"):
        ProbabilityRegressor().fit(X, y)


def test_a_fit_never_stores_non_finite_coefficients(monkeypatch, make_fractional_data):
    """Whatever the solver returns, NaN parameters are an error, not a model."""
    X, y, _ = make_fractional_data()

    def solver_returning_nan(value_and_gradient, hessian_product_at, n_variables, **_):
        return SolverResult(np.full(n_variables, np.nan), 0, np.nan, "converged")

    monkeypatch.setattr(_fit, "minimize_smooth_convex", solver_returning_nan)
    model = ProbabilityRegressor()
    with pytest.raises(ValueError, match="non-finite coefficients"):
        model.fit(X, y)
    assert not hasattr(model, "coef_")


@pytest.mark.parametrize("layout", [np.asarray, sparse.csr_array])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_non_finite_value_in_any_slice_is_refused(
    value, layout, monkeypatch, set_block_elements, make_fractional_data
):
    """The values are read a few rows at a time; the last slice counts too."""
    monkeypatch.setattr(_validation, "EXTREMES_SLICE_ELEMENTS", 8)
    set_block_elements(8)
    X, y, _ = make_fractional_data(n_samples=100, n_features=2)
    X[-1, 1] = value
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        ProbabilityRegressor().fit(layout(X), y)


def test_the_minimum_norm_pass_runs_only_where_it_can_change_something(
    monkeypatch, make_fractional_data
):
    """Not on full-rank data, nor above 1000 features.

    Full rank in the preconditioner's sample proves it; above 1000 features
    the solver's own solution is kept (a dense Gram matrix would cost more
    than the fit).
    """

    def refuse(*args):
        raise AssertionError("minimum_norm_params was called")

    monkeypatch.setattr(_fit, "minimum_norm_params", refuse)
    X, y, _ = make_fractional_data(n_samples=500, n_features=5)
    ProbabilityRegressor(alpha=0).fit(X, y)
    wide = np.random.default_rng(0).standard_normal((30, 1001))
    ProbabilityRegressor(alpha=0).fit(wide, y[:30])
    with pytest.raises(AssertionError, match="was called"):
        ProbabilityRegressor(alpha=0).fit(np.column_stack([X, X[:, 0]]), y)


@pytest.mark.parametrize("value", [1e6, 1e20, 1e100])
def test_an_outlier_in_a_row_the_preconditioner_does_not_sample(
    value, monkeypatch, make_fractional_data, record_warnings
):
    """The check of every value finds it; the preconditioner sums exact moments.

    The reference has every column's moments exact from the start.
    """
    X, y, _ = make_fractional_data(n_samples=60000, n_features=2)
    X[1, 0] = value
    with record_warnings() as caught:
        model = ProbabilityRegressor().fit(X, y)
    assert messages(caught) == []
    monkeypatch.setattr(_preconditioning, "MAX_SAMPLED_ERROR", -1.0)
    reference = ProbabilityRegressor().fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-8)


# --------------------------------------------------------------- fit_path


@pytest.mark.parametrize("link_name", list(LINKS))
def test_a_path_gives_the_fits_of_each_alpha_alone(link_name, make_linear_problem):
    """Warm starts and reused curvature change where fits start, not where they end."""
    X, targets, weights, _ = make_linear_problem(link_name, True, n_samples=300)
    alphas = [10.0, 1.0, 0.1, 1e-2, 1e-4, 0.0]
    settings = {"fit_intercept": True, "tol": 1e-10, "max_iter": 100, "verbose": 0}
    path = _fit.fit_path(
        RowBlocks(X), targets, weights, link=LINKS[link_name], alphas=alphas, **settings
    )
    for alpha, result in zip(alphas, path, strict=True):
        alone = fit(X, targets, weights, LINKS[link_name], alpha=alpha)
        np.testing.assert_allclose(result.coef, alone.coef, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(
            result.intercept, alone.intercept, rtol=1e-6, atol=1e-9
        )
        assert result.warnings == alone.warnings == []
    # From each fit's own start (a looser fit of its alpha, say), with the
    # curvature measured near the first: the same fits.
    restarted = _fit.fit_path(
        RowBlocks(X),
        targets,
        weights,
        link=LINKS[link_name],
        alphas=alphas,
        starts=[(result.coef * 0.99, result.intercept) for result in path],
        curvature=path[0].curvature,
        **settings,
    )
    for result, again in zip(path, restarted, strict=True):
        np.testing.assert_allclose(again.coef, result.coef, rtol=1e-6, atol=1e-9)


def test_a_path_measures_the_curvature_again_only_after_a_long_fit(
    monkeypatch, make_proportions
):
    X, y, trials = make_proportions(n_samples=2000, n_features=8)
    measured = []
    measure = _fit.measure_curvature

    def counted(*args, **kwargs):
        measured.append(1)
        return measure(*args, **kwargs)

    monkeypatch.setattr(_fit, "measure_curvature", counted)
    alphas = np.geomspace(1.0, 1e-6, 20)
    path = _fit.fit_path(
        RowBlocks(X),
        y,
        trials,
        link=LOGIT,
        alphas=alphas,
        fit_intercept=True,
        tol=1e-6,
        max_iter=100,
        verbose=0,
    )
    long_fits = sum(
        result.n_iter > _fit.REUSED_CURVATURE_ITERATIONS for result in path[:-1]
    )
    assert len(measured) == 1 + long_fits < len(alphas)


@pytest.mark.parametrize("outlier", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "fortran", "csr"])
def test_the_alpha_grid_is_exact_whatever_the_storage(fmt, outlier):
    """The grid's top is the exact largest curvature, not a sampled estimate.

    Dense rows beyond those the preconditioner samples count, an outlier
    among them too.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 2)) * [1.0, 1.01]
    if outlier:
        X[1, 0] = 3000.0  # not in the rows the preconditioner samples
    y = expit(X @ [0.001, 1.0])
    weights = np.ones(len(y))
    stored = {
        "dense": X,
        "fortran": np.asfortranarray(X),
        "csr": sparse.csr_array(X),
    }[fmt]
    grid = _fit.alpha_grid(
        RowBlocks(stored), y, weights, link=LOGIT, fit_intercept=True, n_alphas=3
    )
    mean = y.mean()
    largest = mean * (1 - mean) * X.var(axis=0).max()
    np.testing.assert_allclose(
        grid, _fit.ALPHA_GRID_TOP * largest * np.array([1.0, 1e-3, 1e-6]), rtol=1e-10
    )


@pytest.mark.parametrize("seed", [0, 10, 12, 15])
def test_no_line_search_is_spent_where_rounding_decides(seed):
    """About one evaluation per iteration on badly scaled columns.

    On these seeds L-BFGS's line search once spent 5 to 18 evaluations where
    the decrease it looked for was below the objective's rounding (28
    evaluations for 10 iterations on seed 0); it now stops there and the
    gradient-driven steps finish.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((30_000, 40))
    mean = expit(X @ (rng.standard_normal(40) / np.sqrt(40)) + 0.3)
    y = rng.beta(mean * 5.0, (1.0 - mean) * 5.0)
    y[rng.random(30_000) < 0.04] = 1.0
    X *= 10.0 ** rng.uniform(-2.0, 2.0, 40)
    original = LinearObjective.value_and_gradient
    evaluations = []

    def counting(self, params, dtype=None):
        if self._latest_loss.get(params, dtype) is None:
            evaluations.append(1)
        return original(self, params, dtype)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LinearObjective, "value_and_gradient", counting)
        model = ProbabilityRegressor(alpha=1e-6).fit(X, y)
    assert len(evaluations) <= model.n_iter_ + 2


def _hard_small_problem(index):
    """Problem ``index`` of ``benchmarks/bench_hard_small.py``'s sweep (seed 0)."""
    import importlib.util
    import sys
    from pathlib import Path

    folder = Path(__file__).parents[1] / "benchmarks"
    spec = importlib.util.spec_from_file_location(
        "bench_hard_small", folder / "bench_hard_small.py"
    )
    sweep = importlib.util.module_from_spec(spec)
    # The script imports its neighbour evaluation_count.
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(sweep)
    finally:
        sys.path.remove(str(folder))
    rng = np.random.default_rng(0)
    for _ in range(index):
        sweep.random_problem(rng)
    return sweep.random_problem(rng)


@pytest.mark.parametrize("index", [390, 587, 2964, 3655, 4475])
def test_a_fit_whose_start_curvature_stops_helping_restarts_and_converges(
    index, monkeypatch
):
    """Quasi-separated hard labels that ran out of max_iter=100 before.

    After RESTART_ITERATIONS the preconditioner is built again where the fit
    is, and the restarted fit is judged by the Newton decrement solved with
    the Hessian: it converges, to the Newton optimum. (Fits this small are
    finished by Newton steps on the Hessian; without them, as on larger
    data, the restarts are what converges.)
    """
    monkeypatch.setattr(RowBlocks, "dense_hessian_budget", 0)
    X, y, weights, link, alpha = _hard_small_problem(index)
    assert link == "logit"
    model = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=weights)
    assert model.n_iter_ < 100
    weights = np.ones(len(y)) if weights is None else weights
    reference = newton_reference(X, y, weights, alpha, True)
    np.testing.assert_allclose(
        np.r_[model.coef_, model.intercept_], reference, rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize("index", [194, 960, 1041, 5371, 5406, 6061, 6944, 8549])
def test_small_quasi_separated_fits_converge_with_newton_steps_on_the_hessian(
    index, record_warnings
):
    """The sweep's fits that did not converge within max_iter=100 before.

    Probit and cloglog on 20 to 81 hard labels with 17 to 23 columns: L-BFGS
    and its restarts ran out of iterations. Newton steps on the Hessian,
    summed with each gradient, converge in 17 to 29 iterations, to a
    gradient (computed independently) of at most 1e-9.
    """
    X, y, weights, link, alpha = _hard_small_problem(index)
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=alpha, link=link).fit(
            X, y, sample_weight=weights
        )
    assert messages(caught) == []
    assert model.n_iter_ < 40
    weights = np.ones(len(y)) if weights is None else weights
    eta = X @ model.coef_ + model.intercept_
    residuals = loss_gradients(link, y, eta) * weights / weights.sum()
    gradient = np.r_[X.T @ residuals + alpha * model.coef_, residuals.sum()]
    assert np.max(np.abs(gradient)) <= 1e-9


def test_small_data_fits_in_a_handful_of_passes(star98):
    """star98: L-BFGS's first step, then Newton steps on the Hessian.

    The Hessian is summed with each gradient: 5 passes over X, where L-BFGS
    alone took 11.
    """
    X, y, trials = star98
    X = X.to_numpy(dtype=np.float64)
    passes = []
    evaluate, hessian = LinearObjective.value_and_gradient, LinearObjective.hessian

    def counted_evaluation(self, params, dtype=None):
        if self._latest_loss.get(params, dtype) is None:
            passes.append("evaluation")
        return evaluate(self, params, dtype)

    def counted_hessian(self, params, basis):
        if self._latest_loss.loss_hessian(params, basis) is None:
            passes.append("hessian")
        return hessian(self, params, basis)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LinearObjective, "value_and_gradient", counted_evaluation)
        patch.setattr(LinearObjective, "hessian", counted_hessian)
        model = ProbabilityRegressor(alpha=0.0).fit(X, y, sample_weight=trials)
    assert passes == ["evaluation"] * len(passes) and len(passes) <= 6
    sm = pytest.importorskip("statsmodels.api")
    reference = (
        sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials)
        .fit(tol=1e-12)
        .params
    )
    np.testing.assert_allclose(
        np.r_[model.intercept_, model.coef_], reference, rtol=1e-8
    )


# ------------------------------------------------------------ L1 penalty


def loss_gradients(link_name, targets, eta):
    """Return d CE / d eta row by row, written independently of skxent's links.

    ``mu - t`` for the logit, ``softmax(eta) - t`` for the softmax; for the
    probit and cloglog ``(mu - t) mu' / (mu (1 - mu))``, in forms that stay
    finite where ``mu`` rounds to 0 or 1: the probit's ``-t phi / Phi(eta) +
    (1 - t) phi / Phi(-eta)`` from log densities, the cloglog's
    ``-t e / expm1(e) + (1 - t) e`` with ``e = exp(eta)``.
    """
    if link_name == "softmax":
        return softmax(eta, axis=1) - targets
    if link_name == "logit":
        return expit(eta) - targets
    if link_name == "probit":
        log_density = norm.logpdf(eta)
        return -targets * np.exp(log_density - log_ndtr(eta)) + (1 - targets) * np.exp(
            log_density - log_ndtr(-eta)
        )
    rate = np.exp(eta)
    with np.errstate(over="ignore"):
        return -targets * rate / np.expm1(rate) + (1 - targets) * rate


def weighted_rows(values, weights):
    """Row ``i`` of ``values`` (one or two axes) times ``weights[i]``."""
    return values * weights.reshape((-1,) + (1,) * (values.ndim - 1))


def elastic_net_objective(X, targets, sample_weight, model):
    """Return the fitted logit model's penalised objective, written independently.

    The weighted mean cross-entropy plus ``alpha * (l1_ratio * sum P |coef| +
    (1 - l1_ratio) / 2 * sum P coef**2)``.
    """
    weights = sample_weight / sample_weight.sum()
    coef = np.asarray(model.coef_, dtype=np.float64)
    eta = X @ coef + model.intercept_
    loss = -(targets * log_expit(eta) + (1 - targets) * log_expit(-eta))
    strengths = (
        np.ones(coef.shape[-1])
        if model.penalty_weights is None
        else np.asarray(model.penalty_weights)
    )
    penalty = model.l1_ratio * np.sum(strengths * np.abs(coef)) + (
        1 - model.l1_ratio
    ) / 2 * np.sum(strengths * coef**2)
    return weights @ loss + model.alpha * penalty


def assert_elastic_net_optimal(model, X, targets, sample_weight, link_name, atol):
    """Assert the optimality conditions of the fitted elastic net, from ``coef_``.

    With ``g`` the gradient of the weighted mean cross-entropy, written here:
    ``g + alpha (1 - l1_ratio) P coef + alpha l1_ratio P sign(coef) = 0``
    where ``coef != 0``, ``|g| <= alpha l1_ratio P`` where ``coef == 0``, and
    a zero intercept gradient. A coefficient near zero that is not exactly
    0.0 fails the first (its gradient would have to be ``-lasso sign``).
    ``tol`` is met in the solver's scaled coordinates: each coefficient's
    violation is divided by its column's weighted root mean square (the
    scale of its gradient; 1 for standardised columns), as for an L2 fit.
    """
    X = X.toarray() if sparse.issparse(X) else np.asarray(X, dtype=np.float64)
    weights = sample_weight / sample_weight.sum()
    coef = np.asarray(model.coef_, dtype=np.float64)
    eta = X @ coef.T + model.intercept_
    residual = weighted_rows(loss_gradients(link_name, targets, eta), weights)
    gradient = (X.T @ residual).T
    strengths = (
        np.ones(X.shape[1])
        if model.penalty_weights is None
        else np.asarray(model.penalty_weights)
    )
    lasso = model.alpha * model.l1_ratio * strengths
    ridge = model.alpha * (1 - model.l1_ratio) * strengths
    smooth = gradient + ridge * coef
    violation = np.where(
        coef == 0,
        np.maximum(np.abs(smooth) - lasso, 0.0),
        np.abs(smooth + lasso * np.sign(coef)),
    )
    column_scale = np.sqrt(weights @ np.square(X))
    column_scale = column_scale.reshape((1,) * (violation.ndim - 1) + (-1,))
    assert np.max(violation / column_scale) <= atol
    if model.fit_intercept:
        assert np.max(np.abs(residual.sum(axis=0))) <= atol


def l1_problem(link_name, n_samples=200, n_features=8, seed=0):
    """Make ``(X, targets, weights)``: columns of scales 0.1..10, half of them noise.

    Binary links get fractional targets of a model whose odd columns have no
    effect; the softmax soft labels with three classes, the same columns
    without effect.
    """
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.1, 10.0, n_features)
    X = rng.normal(size=(n_samples, n_features)) * scales
    effects = np.where(np.arange(n_features) % 2 == 0, 1.0, 0.0) / scales
    weights = rng.uniform(0.5, 2.0, size=n_samples)
    if link_name == "softmax":
        eta = X @ (effects[:, np.newaxis] * rng.normal(size=(n_features, 3)))
        draws = rng.gamma(1.0 + 10.0 * softmax(eta, axis=1))
        return X, draws / draws.sum(axis=1, keepdims=True), weights
    mean = expit(X @ effects - 0.3 + 0.3 * rng.normal(size=n_samples))
    return X, rng.beta(5.0 * mean, 5.0 * (1.0 - mean)), weights


def assert_some_zero_and_some_not(model, penalised=None):
    coef = np.asarray(model.coef_).reshape(-1, model.n_features_in_)
    if penalised is not None:
        coef = coef[:, penalised]
    assert np.any(coef == 0.0) and np.any(coef != 0.0)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("link_name", list(LINKS))
def test_an_l1_fit_meets_the_optimality_conditions(link_name, l1_ratio):
    X, targets, weights = l1_problem(link_name)
    link = "logit" if link_name == "softmax" else link_name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(link=link, alpha=0.02, l1_ratio=l1_ratio).fit(
            X, targets, sample_weight=weights
        )
    assert_some_zero_and_some_not(model)
    assert_elastic_net_optimal(model, X, targets, weights, link_name, atol=1e-8)


# Feature 0 and 4 unpenalised, the others in the penalty at several strengths.
PENALTY_WEIGHTS_WITH_ZEROS = np.array([0.0, 1.0, 2.0, 0.5, 0.0, 1.0, 3.0, 1.0])


L1_VARIANTS = {
    # name: (estimator settings, X's storage)
    "penalty weights with zeros": (
        {"penalty_weights": PENALTY_WEIGHTS_WITH_ZEROS},
        np.asarray,
    ),
    "no intercept": ({"fit_intercept": False}, np.asarray),
    "sparse CSR": ({}, sparse.csr_array),
}


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("link_name", ["logit", "softmax"])
@pytest.mark.parametrize("variant", L1_VARIANTS)
def test_an_l1_fit_meets_the_optimality_conditions_in_each_setting(
    variant, link_name, l1_ratio
):
    settings, storage = L1_VARIANTS[variant]
    X, targets, weights = l1_problem(link_name)
    if storage is sparse.csr_array:
        X[np.abs(X) < np.std(X, axis=0)] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=0.02, l1_ratio=l1_ratio, **settings).fit(
            storage(X), targets, sample_weight=weights
        )
    penalty_weights = settings.get("penalty_weights")
    penalised = None if penalty_weights is None else np.asarray(penalty_weights) > 0
    assert_some_zero_and_some_not(model, penalised)
    if penalised is not None:
        # The unpenalised features are fitted freely: never zero.
        assert np.all(np.asarray(model.coef_).reshape(-1, 8)[:, ~penalised] != 0)
    assert_elastic_net_optimal(model, X, targets, weights, link_name, atol=1e-8)


@pytest.mark.parametrize("link_name", ["logit", "softmax"])
def test_a_float32_l1_fit_is_the_float64_fit_to_float32_precision(link_name):
    X, targets, weights = l1_problem(link_name)
    X32 = X.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model32 = ProbabilityRegressor(alpha=0.02, l1_ratio=1.0).fit(
            X32, targets, sample_weight=weights
        )
        model64 = ProbabilityRegressor(alpha=0.02, l1_ratio=1.0).fit(
            X32.astype(np.float64), targets, sample_weight=weights
        )
    assert model32.coef_.dtype == np.float32
    assert_some_zero_and_some_not(model32)
    np.testing.assert_array_equal(model32.coef_ == 0, model64.coef_ == 0)
    np.testing.assert_allclose(model32.coef_, model64.coef_, rtol=1e-5, atol=1e-7)
    assert_elastic_net_optimal(
        model32, X32.astype(np.float64), targets, weights, link_name, atol=1e-6
    )


def elastic_net_by_proximal_gradient(X, targets, sample_weight, alpha, l1_ratio):
    """Fit the logit elastic net by FISTA, an L1 solver independent of skxent's.

    The columns are standardised (weighted), which keeps the penalty
    separable, and the intercept is free. Soft-thresholded gradient steps of
    length ``1 / L`` (``L`` bounds the Hessian), accelerated (Beck & Teboulle,
    2009), the momentum dropped whenever the objective rises (O'Donoghue &
    Candes, 2015), until 200 steps lower the objective by at most 1e-15 of
    it. Return ``(coef, intercept)`` in the original columns.
    """
    weights = sample_weight / sample_weight.sum()
    center = weights @ X
    spread = np.sqrt(weights @ (X - center) ** 2)
    design = np.column_stack([(X - center) / spread, np.ones(len(X))])
    lasso = np.append(alpha * l1_ratio / spread, 0.0)
    ridge = np.append(alpha * (1 - l1_ratio) / spread**2, 0.0)
    step = 1.0 / (
        np.linalg.eigvalsh(design.T @ (weights[:, np.newaxis] * design))[-1] / 4
        + ridge.max()
    )

    def objective(params):
        eta = design @ params
        loss = -(targets * log_expit(eta) + (1 - targets) * log_expit(-eta))
        return weights @ loss + lasso @ np.abs(params) + 0.5 * ridge @ params**2

    params = momentum = np.zeros(design.shape[1])
    value, t = objective(params), 1.0
    checked = value
    for iteration in range(1, 100_001):
        gradient = design.T @ (weights * (expit(design @ momentum) - targets))
        moved = momentum - step * (gradient + ridge * momentum)
        trial = np.sign(moved) * np.maximum(np.abs(moved) - step * lasso, 0.0)
        trial_value = objective(trial)
        if trial_value > value:
            momentum, t = params, 1.0
        else:
            t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
            momentum = trial + (t - 1) / t_next * (trial - params)
            params, t, value = trial, t_next, trial_value
        if iteration % 200 == 0:
            if checked - value <= 1e-15 * value:
                break
            checked = value
    coef = params[:-1] / spread
    return coef, params[-1] - center @ coef


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_star98_l1_fit_is_the_optimum_proximal_gradient_reaches(star98, l1_ratio):
    """Ill-conditioned real data: proportions, trial counts as weights."""
    X, share, trials = star98
    X = X.to_numpy(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=1e-3, l1_ratio=l1_ratio).fit(
            X, share, sample_weight=trials
        )
    assert_some_zero_and_some_not(model)
    assert_elastic_net_optimal(model, X, share, trials, "logit", atol=1e-8)
    coef, intercept = elastic_net_by_proximal_gradient(X, share, trials, 1e-3, l1_ratio)
    reference = clone(model)
    reference.coef_, reference.intercept_ = coef, intercept
    value = elastic_net_objective(X, share, trials, model)
    reference_value = elastic_net_objective(X, share, trials, reference)
    np.testing.assert_array_equal(model.coef_ == 0, coef == 0)
    assert value <= reference_value * (1 + 1e-12)
    # The reference is itself at the optimum: the two agree.
    assert reference_value <= value * (1 + 1e-10)


def saga_elastic_net(alpha, l1_ratio, n_samples):
    """scikit-learn's ``LogisticRegression`` with the same penalty, by saga.

    Its objective is ``C`` times the summed log-loss plus the penalty:
    divided by ``C n``, skxent's mean with ``alpha = 1 / (C n)``; saga
    leaves the intercept unpenalised, as skxent does.
    """
    settings = {
        "C": 1.0 / (alpha * n_samples),
        "l1_ratio": l1_ratio,
        "solver": "saga",
        "tol": 1e-12,
        "max_iter": 100_000,
    }
    if LogisticRegression().penalty != "deprecated":
        # scikit-learn < 1.8 takes the penalty's kind as a name.
        settings["penalty"] = "elasticnet"
    return LogisticRegression(**settings)


@pytest.mark.parametrize("l1_ratio, alpha", [(1.0, 1e-3), (0.8, 3e-3), (0.5, 1e-2)])
def test_hard_labels_l1_fit_matches_saga_logistic_regression(l1_ratio, alpha):
    """Breast cancer data, standardised (saga's rate needs it), 10 columns."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:, :10])
    reference = saga_elastic_net(alpha, l1_ratio, len(y)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=alpha, l1_ratio=l1_ratio).fit(
            X, y.astype(np.float64)
        )
    expected = reference.coef_.ravel()
    assert_some_zero_and_some_not(model)
    np.testing.assert_array_equal(model.coef_ == 0, expected == 0)
    np.testing.assert_allclose(model.coef_, expected, rtol=1e-5)
    assert model.intercept_ == pytest.approx(reference.intercept_[0], rel=1e-5)


def unpenalised_fit_gradient(X, targets, weights, link_name, free):
    """Return the cross-entropy's gradient at the fit of the free columns.

    The intercept and the ``free`` columns are fitted by scipy's BFGS on the
    objective written here (logit or softmax); the gradient is returned for
    every column, a row per class for the softmax.
    """
    weights = weights / weights.sum()
    design = np.column_stack([X[:, free], np.ones(len(X))])
    shape = (design.shape[1],) + targets.shape[1:]

    def value_and_gradient(params):
        eta = design @ params.reshape(shape)
        if link_name == "softmax":
            loss = logsumexp(eta, axis=1) - np.sum(targets * eta, axis=1)
        else:
            loss = -(targets * log_expit(eta) + (1 - targets) * log_expit(-eta))
        residual = weighted_rows(loss_gradients(link_name, targets, eta), weights)
        return weights @ loss, (design.T @ residual).ravel()

    solution = optimize.minimize(
        value_and_gradient,
        np.zeros(np.prod(shape)),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-13, "maxiter": 1000},
    )
    eta = design @ solution.x.reshape(shape)
    residual = weighted_rows(loss_gradients(link_name, targets, eta), weights)
    return (X.T @ residual).T


@pytest.mark.parametrize(
    "penalty_weights", [None, PENALTY_WEIGHTS_WITH_ZEROS], ids=["all", "some zero"]
)
@pytest.mark.parametrize("link_name", ["logit", "softmax"])
def test_l1_alpha_max_is_the_largest_gradient_at_the_unpenalised_fit(
    link_name, penalty_weights
):
    """``max_j |g_j| / (l1_ratio P_j)`` over the penalised features."""
    X, targets, weights = l1_problem(link_name)
    strengths = np.ones(8) if penalty_weights is None else penalty_weights
    gradient = unpenalised_fit_gradient(X, targets, weights, link_name, strengths == 0)
    largest = np.abs(gradient).reshape(-1, 8).max(axis=0)
    penalised = strengths > 0
    expected = np.max(largest[penalised] / (0.5 * strengths[penalised]))
    alpha_max = _fit.l1_alpha_max(
        RowBlocks(X),
        targets,
        weights,
        link=LINKS[link_name],
        fit_intercept=True,
        l1_ratio=0.5,
        penalty_weights=penalty_weights,
        tol=1e-10,
        max_iter=100,
    )
    assert alpha_max == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize(
    "penalty_weights", [None, PENALTY_WEIGHTS_WITH_ZEROS], ids=["all", "some zero"]
)
@pytest.mark.parametrize("link_name", ["logit", "softmax"])
def test_l1_alpha_max_is_where_the_last_penalised_coefficient_leaves_zero(
    link_name, penalty_weights, l1_ratio
):
    X, targets, weights = l1_problem(link_name)
    alpha_max = _fit.l1_alpha_max(
        RowBlocks(X),
        targets,
        weights,
        link=LINKS[link_name],
        fit_intercept=True,
        l1_ratio=l1_ratio,
        penalty_weights=penalty_weights,
        tol=1e-10,
        max_iter=100,
    )
    penalised = (
        np.ones(8, dtype=bool) if penalty_weights is None else penalty_weights > 0
    )

    def penalised_coef(alpha):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = ProbabilityRegressor(
                alpha=alpha, l1_ratio=l1_ratio, penalty_weights=penalty_weights
            ).fit(X, targets, sample_weight=weights)
        return np.asarray(model.coef_).reshape(-1, 8)[:, penalised]

    assert np.all(penalised_coef(alpha_max * (1 + 1e-4)) == 0.0)
    assert np.any(penalised_coef(alpha_max * (1 - 1e-4)) != 0.0)


@pytest.mark.parametrize("max_iter", [1, 2, 5, 20, 100])
@pytest.mark.parametrize(
    "n_samples, n_features, n_support",
    [(40, 200, 100), (8, 24, 16)],
    ids=["lbfgs", "dense hessian"],
)
def test_a_support_fit_stopped_early_keeps_every_sign_and_gains(
    max_iter, n_samples, n_features, n_support
):
    """Stopped at max_iter, the fit on a support stays on the signs' side.

    More coefficients on the support than rows: the problem with the signs
    fixed is unbounded below, its solver's points pass zero at once, and a
    point past a zero would be worse than the start for the true objective.
    The small problem is solved with Newton steps on the dense Hessian,
    whose evaluations must be watched for the sign change too.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, n_features))
    y = expit(X[:, :3].sum(axis=1) + rng.normal(size=n_samples))
    weights = np.full(n_samples, 1 / n_samples)
    objective = LinearObjective(RowBlocks(X), y, weights, 0.0, True, LOGIT)
    start = np.zeros(n_features + 1)
    start[:n_support] = rng.normal(scale=0.05, size=n_support)
    lasso = np.full(n_features, 1e-4)
    curvature = measure_curvature(objective, start)

    def solve_smooth(objective, origin, curvature, tol, max_iter, mask):
        params, result, _ = _solve_smooth(
            objective, origin, curvature, tol, max_iter, 0, None, mask
        )
        return params, result

    params, result = fit_on_support(
        objective, lasso, start, curvature, 1e-10, max_iter, solve_smooth
    )
    assert result.n_iter <= max_iter
    assert np.all(np.sign(params[:-1]) * np.sign(start[:-1]) >= 0)
    assert penalised_value(objective, lasso, params) <= penalised_value(
        objective, lasso, start
    )


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
@pytest.mark.parametrize("soft", [False, True])
def test_separation_by_unpenalised_features_is_reported(l1_ratio, soft):
    """Penalised fits warn when the features of penalty weight 0 separate."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(float)
    if soft:
        y = np.column_stack([y, 1 - y])
    model = ProbabilityRegressor(alpha=1e-2, l1_ratio=l1_ratio)
    with pytest.warns(ConvergenceWarning, match=r"features \[0\], unpenalised"):
        model.set_params(penalty_weights=[0, 1, 1]).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.set_params(penalty_weights=[1, 0, 1]).fit(X, y)
