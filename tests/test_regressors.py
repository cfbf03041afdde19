import re
import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skxent import CrossEntropyRegressor, ProbabilityRegressor


def make_proportions(n=300, p=5, seed=0, scales=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if scales is not None:
        X *= scales
    mu = expit(
        X @ (rng.normal(size=p) / np.sqrt(p) / (1 if scales is None else scales))
    )
    trials = rng.integers(1, 30, size=n)
    y = rng.binomial(trials, mu) / trials
    return X, y, trials.astype(float)


def params_of(model):
    return np.r_[model.coef_, model.intercept_]


@pytest.fixture(scope="module")
def star98():
    sm = pytest.importorskip("statsmodels.api")
    data = sm.datasets.star98.load_pandas()
    trials = data.endog.sum(axis=1).to_numpy()
    X = data.exog.to_numpy(float)
    y = data.endog["NABOVE"].to_numpy() / trials
    return X, y, trials


def test_star98_matches_statsmodels_binomial_glm(star98):
    """Ill-conditioned real data: exact optimum with default tol and max_iter."""
    sm = pytest.importorskip("statsmodels.api")
    X, y, trials = star98
    reference = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials
    ).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    expected = np.r_[reference.params[1:], reference.params[0]]
    np.testing.assert_allclose(params_of(model), expected, rtol=1e-6)


@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_penalised_fit_matches_logistic_regression_on_repeated_rows(alpha):
    """alpha is PoissonRegressor's: alpha = 1 / (C * sum(sample_weight))."""
    X, y, trials = make_proportions()
    n = len(y)
    reference = LogisticRegression(
        C=1.0 / (alpha * trials.sum()), solver="newton-cholesky", tol=1e-12
    ).fit(
        np.vstack([X, X]),
        np.r_[np.zeros(n), np.ones(n)],
        sample_weight=np.r_[trials * (1 - y), trials * y],
    )
    model = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(model.coef_, reference.coef_.ravel(), rtol=1e-6)
    assert model.intercept_ == pytest.approx(reference.intercept_[0], rel=1e-6)


def test_badly_scaled_features_reach_the_optimum():
    scales = 10.0 ** np.linspace(-2, 2, 5)
    X, y, trials = make_proportions(scales=scales)
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    rescaled = ProbabilityRegressor(alpha=0).fit(X / scales, y, sample_weight=trials)
    np.testing.assert_allclose(model.coef_ * scales, rescaled.coef_, rtol=1e-7)
    assert model.intercept_ == pytest.approx(rescaled.intercept_, rel=1e-7)


def test_cross_entropy_regressor_on_unit_range_is_the_same_model():
    X, y, trials = make_proportions()
    probability = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    unit = CrossEntropyRegressor(target_range=(0, 1)).fit(X, y, sample_weight=trials)
    np.testing.assert_array_equal(params_of(probability), params_of(unit))
    np.testing.assert_array_equal(probability.predict(X), unit.predict(X))


@pytest.mark.parametrize("low, high", [(0.0, 100.0), (-5.0, 3.0)])
def test_cross_entropy_regressor_maps_the_range(low, high):
    X, y, trials = make_proportions()
    scores = low + y * (high - low)
    model = CrossEntropyRegressor(target_range=(low, high)).fit(
        X, scores, sample_weight=trials
    )
    probability = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(params_of(model), params_of(probability), rtol=1e-7)
    np.testing.assert_allclose(
        model.predict(X), low + probability.predict(X) * (high - low), rtol=1e-7
    )
    assert model.target_range_ == (low, high)


def test_auto_range_is_learned_from_positively_weighted_targets():
    X, y, _ = make_proportions()
    scores = 20 + 60 * y
    weights = np.ones_like(y)
    weights[np.argmax(scores)] = 0.0
    model = CrossEntropyRegressor().fit(X, scores, sample_weight=weights)
    assert model.target_range_ == (scores.min(), scores[weights > 0].max())
    predictions = model.predict(X)
    assert np.all(predictions > model.target_range_[0])
    assert np.all(predictions < model.target_range_[1])


def test_constant_targets_predict_the_constant():
    X, _, _ = make_proportions(n=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = CrossEntropyRegressor().fit(X, np.full(50, 7.5))
        predictions = model.predict(X)
    np.testing.assert_array_equal(predictions, 7.5)
    assert model.target_range_ == (7.5, 7.5)


@pytest.mark.parametrize(
    "y, found",
    [
        (np.r_[0.2, 1.5, 0.3, -0.1], "min=-0.1, max=1.5"),
        (np.r_[0.2, np.nan, 0.3, 0.4], "1 NaN"),
        (np.r_[0.2, np.inf, 0.3, 0.4], "1 infinite"),
    ],
)
def test_probability_targets_outside_unit_interval_are_rejected(y, found):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=r"in \[0, 1\]") as error:
        ProbabilityRegressor().fit(X, y)
    assert found in str(error.value)
    assert "CrossEntropyRegressor" in str(error.value)


def test_targets_outside_explicit_range_are_rejected():
    X = np.arange(8.0).reshape(4, 2)
    message = re.escape("outside target_range=(0, 10)")
    with pytest.raises(ValueError, match=message) as error:
        CrossEntropyRegressor(target_range=(0, 10)).fit(X, [1.0, 12.0, 3.0, 4.0])
    assert "index 1, y=12" in str(error.value)


@pytest.mark.parametrize("target_range", [(1, 1), (2, 1), (0, np.inf), (0, 1, 2)])
def test_invalid_target_range_is_rejected(target_range):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="target_range must be"):
        CrossEntropyRegressor(target_range=target_range).fit(X, [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        ([1.0, -1.0, 1.0, 1.0], "non-negative"),
        ([1.0, np.nan, 1.0, 1.0], "NaN"),
        ([1.0, np.inf, 1.0, 1.0], "infinity"),
        ([0.0, 0.0, 0.0, 0.0], "non-zero|positive"),
        ([1.0, 1.0], "shape"),
    ],
)
def test_invalid_sample_weight_is_rejected(sample_weight, message):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=message):
        ProbabilityRegressor().fit(X, [0.1, 0.2, 0.3, 0.4], sample_weight=sample_weight)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"alpha": -1.0}, "alpha"),
        ({"tol": 0.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
    ],
)
def test_invalid_parameters_are_rejected(params, message):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=message):
        ProbabilityRegressor(**params).fit(X, [0.1, 0.2, 0.3, 0.4])


def test_predictions_are_probabilities_even_when_separable():
    X = np.r_[-np.ones(20), np.ones(20)].reshape(-1, 1)
    y = np.r_[np.zeros(20), np.ones(20)]
    model = ProbabilityRegressor(alpha=1e-2).fit(X, y)
    predictions = model.predict(X)
    assert np.all((predictions > 0) & (predictions < 1))
    # Far outside the data, expit rounds to exactly 0 or 1, never beyond.
    extrapolated = model.predict(X * 1e3)
    np.testing.assert_array_equal(extrapolated, np.r_[np.zeros(20), np.ones(20)])


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_all_targets_on_a_bound(value):
    X, _, _ = make_proportions(n=40)
    model = ProbabilityRegressor().fit(X, np.full(40, value))
    predictions = model.predict(X)
    assert np.all((predictions >= 0) & (predictions <= 1))
    np.testing.assert_allclose(predictions, value, atol=1e-6)


@pytest.mark.parametrize(
    "make_x",
    [
        lambda X: np.column_stack([X, X[:, 0]]),
        lambda X: np.column_stack([X, np.full(len(X), 3.0)]),
        lambda X: np.column_stack([X] * 20)[:30],
    ],
    ids=["duplicate-column", "constant-column", "p>n"],
)
@pytest.mark.parametrize("alpha", [0.0, 1e-3])
def test_rank_deficient_designs(make_x, alpha):
    X, y, trials = make_proportions(n=80)
    X = make_x(X)
    y, trials = y[: len(X)], trials[: len(X)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=trials)
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    # The fitted values are the optimum: unique even when coef_ is not.
    fitted = model.predict(X)
    assert np.all(np.isfinite(fitted))
    weights = trials / trials.sum()
    gradient = X.T @ (weights * (fitted - y)) + alpha * model.coef_
    assert np.max(np.abs(gradient)) < 1e-8


def test_duplicate_columns_share_their_coefficient():
    X, y, trials = make_proportions(n=80)
    model = ProbabilityRegressor(alpha=0).fit(
        np.column_stack([X, X[:, 0]]), y, sample_weight=trials
    )
    single = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    assert model.coef_[0] == pytest.approx(model.coef_[-1], rel=1e-6)
    assert model.coef_[0] + model.coef_[-1] == pytest.approx(single.coef_[0], rel=1e-6)


def test_float32_input_gives_float32_output_close_to_float64():
    X, y, trials = make_proportions()
    model32 = ProbabilityRegressor().fit(X.astype(np.float32), y, sample_weight=trials)
    model64 = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    assert model32.coef_.dtype == np.float32
    predictions = model32.predict(X.astype(np.float32))
    assert predictions.dtype == np.float32
    np.testing.assert_allclose(predictions, model64.predict(X), rtol=1e-5)


def test_pandas_input_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    X, y, _ = make_proportions(p=3)
    frame = pd.DataFrame(X, columns=["age", "income", "score"])
    model = CrossEntropyRegressor().fit(frame, pd.Series(y * 100))
    np.testing.assert_array_equal(model.feature_names_in_, ["age", "income", "score"])
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


def test_no_intercept():
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(fit_intercept=False).fit(X, y, sample_weight=trials)
    assert model.intercept_ == 0.0
    weights = trials / trials.sum()
    gradient = X.T @ (weights * (model.predict(X) - y)) + model.alpha * model.coef_
    assert np.max(np.abs(gradient)) < 1e-9


def test_warm_start_starts_at_the_previous_solution():
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(warm_start=True).fit(X, y, sample_weight=trials)
    first = params_of(model)
    model.fit(X, y, sample_weight=trials)
    assert model.n_iter_ <= 2
    np.testing.assert_allclose(params_of(model), first, rtol=1e-8)
    cold = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    assert cold.n_iter_ > model.n_iter_


def test_convergence_warning_names_what_to_try():
    X, y, trials = make_proportions(scales=10.0 ** np.linspace(-2, 2, 5))
    with pytest.warns(ConvergenceWarning, match="Increase max_iter"):
        model = ProbabilityRegressor(max_iter=1).fit(X, y, sample_weight=trials)
    assert model.n_iter_ == 1


def test_verbose_prints_progress(capsys):
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(verbose=1).fit(X, y, sample_weight=trials)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == model.n_iter_
    assert "objective" in lines[-1] and "max |gradient|" in lines[-1]
    ProbabilityRegressor().fit(X, y, sample_weight=trials)
    assert capsys.readouterr().out == ""
