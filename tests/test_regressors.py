import re
import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent.metrics import cross_entropy_loss


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
    with pytest.warns(ConvergenceWarning, match=f"Every target .* is {value:g}"):
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


# Links


@pytest.mark.parametrize(
    "link, statsmodels_link", [("probit", "Probit"), ("cloglog", "CLogLog")]
)
def test_star98_other_links_match_statsmodels(star98, link, statsmodels_link):
    sm = pytest.importorskip("statsmodels.api")
    X, y, trials = star98
    family = sm.families.Binomial(link=getattr(sm.families.links, statsmodels_link)())
    reference = sm.GLM(y, sm.add_constant(X), family=family, var_weights=trials).fit(
        tol=1e-14, maxiter=200
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(link=link, alpha=0).fit(X, y, sample_weight=trials)
    expected = np.r_[reference.params[1:], reference.params[0]]
    np.testing.assert_allclose(params_of(model), expected, rtol=1e-6)


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_other_links_on_scaled_features_reach_the_optimum(link):
    scales = 10.0 ** np.linspace(-2, 2, 5)
    X, y, trials = make_proportions(scales=scales)
    model = ProbabilityRegressor(link=link, alpha=0).fit(X, y, sample_weight=trials)
    rescaled = ProbabilityRegressor(link=link, alpha=0).fit(
        X / scales, y, sample_weight=trials
    )
    np.testing.assert_allclose(model.coef_ * scales, rescaled.coef_, rtol=1e-7)
    predictions = model.predict(X)
    assert np.all((predictions > 0) & (predictions < 1))


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_separable_targets_give_finite_fits_for_every_link(link):
    """The linear predictor runs to hundreds: no overflow warning, no NaN."""
    X = np.random.default_rng(0).normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(float)
    with pytest.warns(ConvergenceWarning, match="200 of the 200 rows .* separate"):
        model = ProbabilityRegressor(link=link, alpha=0).fit(X, y)
    assert np.all(np.isfinite(model.coef_))
    predictions = model.predict(X)
    assert np.all((predictions >= 0) & (predictions <= 1))
    np.testing.assert_allclose(predictions, y, atol=1e-6)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_cross_entropy_regressor_takes_the_same_links(link):
    X, y, trials = make_proportions()
    scores = 100 * y
    model = CrossEntropyRegressor(target_range=(0, 100), link=link).fit(
        X, scores, sample_weight=trials
    )
    probability = ProbabilityRegressor(link=link).fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(params_of(model), params_of(probability), rtol=1e-7)
    np.testing.assert_allclose(model.predict(X), 100 * probability.predict(X))


def test_links_give_different_models_of_the_same_data():
    X, y, trials = make_proportions()
    predictions = {
        link: ProbabilityRegressor(link=link).fit(X, y, sample_weight=trials)
        for link in ("logit", "probit", "cloglog")
    }
    logit, probit = predictions["logit"], predictions["probit"]
    # The usual rule of thumb: logit coefficients are about 1.6 probit ones.
    ratio = logit.coef_ / probit.coef_
    assert np.all((ratio > 1.5) & (ratio < 1.9))
    assert not np.allclose(predictions["cloglog"].coef_, logit.coef_, rtol=0.1)


# Soft labels: 2-D targets, rows on the probability simplex


def make_soft_labels(n=400, p=4, k=4, seed=0, scales=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    eta = X @ rng.normal(size=(p, k)) + np.log(np.linspace(0.5, 1.5, k))
    if scales is not None:
        X *= scales
    rows = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(k, p=row) for row in rows])
    # Noisy annotators: Dirichlet rows around the model's, from gamma draws.
    draws = rng.gamma(5 * rows.mean(axis=0) + 10 * rows)
    soft = draws / draws.sum(axis=1, keepdims=True)
    return X, soft, labels, rng.uniform(0.5, 2.0, size=n)


def test_soft_label_fit_has_a_row_per_class():
    X, soft, _, weights = make_soft_labels()
    model = ProbabilityRegressor().fit(X, soft, sample_weight=weights)
    assert model.coef_.shape == (4, 4)
    assert model.intercept_.shape == (4,)
    predictions = model.predict(X)
    assert predictions.shape == soft.shape
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(predictions > 0)
    # The shift shared by all classes is left at zero.
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)
    assert abs(model.intercept_.sum()) < 1e-10


def multinomial_logistic_regression(X, labels, weights, alpha, solver):
    return LogisticRegression(
        C=1.0 / (alpha * weights.sum()), solver=solver, tol=1e-12, max_iter=10_000
    ).fit(X, labels, sample_weight=weights)


@pytest.mark.parametrize("alpha", [1e-4, 1e-2])
def test_one_hot_targets_match_multinomial_logistic_regression(alpha):
    X, _, labels, weights = make_soft_labels(k=3)
    reference = multinomial_logistic_regression(X, labels, weights, alpha, "lbfgs")
    model = ProbabilityRegressor(alpha=alpha).fit(
        X, np.eye(3)[labels], sample_weight=weights
    )
    np.testing.assert_allclose(model.predict(X), reference.predict_proba(X), rtol=1e-6)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("alpha", [1e-4, 1e-2])
def test_one_hot_targets_reach_a_lower_objective_than_lbfgs(alpha):
    """With 5 classes scikit-learn's lbfgs stops at max |gradient| ~1e-8, with
    predictions 4e-6 (relative) from the optimum; Newton-Cholesky reaches it,
    and so does skxent."""
    X, _, labels, weights = make_soft_labels(k=5)
    one_hot = np.eye(5)[labels]
    model = ProbabilityRegressor(alpha=alpha).fit(X, one_hot, sample_weight=weights)
    exact = multinomial_logistic_regression(
        X, labels, weights, alpha, "newton-cholesky"
    )
    np.testing.assert_allclose(model.predict(X), exact.predict_proba(X), rtol=1e-7)
    lbfgs = multinomial_logistic_regression(X, labels, weights, alpha, "lbfgs")
    objective = {
        name: cross_entropy_loss(one_hot, predictions, weights)
        + alpha / 2 * np.sum(coef**2)
        for name, predictions, coef in [
            ("skxent", model.predict(X), model.coef_),
            ("lbfgs", lbfgs.predict_proba(X), lbfgs.coef_),
        ]
    }
    assert objective["skxent"] <= objective["lbfgs"]
    np.testing.assert_allclose(model.predict(X), lbfgs.predict_proba(X), rtol=1e-5)


@pytest.mark.parametrize("scales", [None, 10.0 ** np.linspace(-2, 2, 4)])
def test_soft_targets_match_logistic_regression_on_repeated_rows(scales):
    """Newton-Cholesky for the reference: lbfgs stalls on badly scaled columns."""
    X, soft, _, weights = make_soft_labels(scales=scales)
    n, k = soft.shape
    alpha = 1e-3
    repeated_weights = (weights[:, np.newaxis] * soft).ravel()
    reference = LogisticRegression(
        C=1.0 / (alpha * repeated_weights.sum()),
        solver="newton-cholesky",
        tol=1e-12,
        max_iter=1000,
    ).fit(np.repeat(X, k, axis=0), np.tile(np.arange(k), n), repeated_weights)
    model = ProbabilityRegressor(alpha=alpha).fit(X, soft, sample_weight=weights)
    np.testing.assert_allclose(model.predict(X), reference.predict_proba(X), rtol=1e-6)


def test_two_classes_are_the_binary_model_with_half_the_penalty():
    """The symmetric softmax penalises both rows: alpha / 4 * ||difference||^2."""
    X, soft, _, weights = make_soft_labels(k=2)
    two_rows = ProbabilityRegressor(alpha=1e-2).fit(X, soft, sample_weight=weights)
    binary = ProbabilityRegressor(alpha=5e-3).fit(X, soft[:, 1], sample_weight=weights)
    np.testing.assert_allclose(two_rows.predict(X)[:, 1], binary.predict(X), rtol=1e-7)
    np.testing.assert_allclose(
        two_rows.coef_[1] - two_rows.coef_[0], binary.coef_, rtol=1e-6
    )


def test_soft_labels_on_star98_scale_data_reach_the_optimum(star98):
    """Three classes from star98's counts: badly scaled, collinear columns."""
    X, y, trials = star98
    rows = np.column_stack([y * 0.5, y * 0.5, 1 - y])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=0).fit(X, rows, sample_weight=trials)
    binary = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    # Classes 0 and 1 always split y evenly: the model is the binary one.
    np.testing.assert_allclose(
        model.predict(X)[:, :2].sum(axis=1), binary.predict(X), rtol=1e-7
    )


def test_rows_within_the_tolerance_are_normalised():
    X, soft, _, _ = make_soft_labels()
    nudged = soft * (1 + 5e-7)
    model = ProbabilityRegressor().fit(X, nudged)
    reference = ProbabilityRegressor().fit(X, soft)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-12)


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
def test_rows_off_the_simplex_are_rejected_naming_the_first(change, found):
    X, soft, _, _ = make_soft_labels()
    change(soft)
    soft[9] = [0.5, 0.5, 0.5, 0.5]  # a later offending row
    with pytest.raises(ValueError, match="rows that are probability vectors") as error:
        ProbabilityRegressor().fit(X, soft)
    assert found in str(error.value)
    assert "2 of 400 rows" in str(error.value)


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_other_links_refuse_soft_label_rows(link):
    X, soft, _, _ = make_soft_labels()
    with pytest.raises(ValueError, match=f"link='{link}' applies to 1-D targets"):
        ProbabilityRegressor(link=link).fit(X, soft)


def test_cross_entropy_regressor_refuses_2d_targets():
    X, soft, _, _ = make_soft_labels()
    with pytest.raises(ValueError, match="1d array"):
        CrossEntropyRegressor().fit(X, soft)


def test_soft_labels_warm_start_and_float32():
    X, soft, _, _ = make_soft_labels()
    model = ProbabilityRegressor(warm_start=True).fit(X, soft)
    first = model.coef_.copy()
    assert model.fit(X, soft).n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, first, rtol=1e-8, atol=1e-12)
    single = ProbabilityRegressor().fit(X.astype(np.float32), soft.astype(np.float32))
    assert single.coef_.dtype == np.float32
    assert single.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.predict(X), model.predict(X), atol=1e-5)


def test_soft_labels_from_pandas():
    pd = pytest.importorskip("pandas")
    X, soft, _, _ = make_soft_labels()
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(4)])
    targets = pd.DataFrame(soft, columns=list("abcd"))
    model = ProbabilityRegressor().fit(frame, targets)
    reference = ProbabilityRegressor().fit(X, soft)
    # A DataFrame's values are column-major: BLAS sums in another order.
    np.testing.assert_allclose(model.predict(frame), reference.predict(X), rtol=1e-9)


def test_score_on_soft_labels_is_r2_averaged_over_classes():
    X, soft, _, weights = make_soft_labels()
    model = ProbabilityRegressor().fit(X, soft)
    assert model.score(X, soft, sample_weight=weights) == pytest.approx(
        r2_score(soft, model.predict(X), sample_weight=weights)
    )


def peak_allocated_during(function):
    """Peak bytes numpy and Python allocate while ``function`` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_X_is_not_copied(order, dtype):
    X, y, trials = make_proportions(n=200_000, p=100)
    X = np.asarray(X, dtype=dtype, order=order)
    model = ProbabilityRegressor()
    peak = peak_allocated_during(lambda: model.fit(X, y, sample_weight=trials))
    assert peak < 0.2 * X.nbytes
    assert model.coef_.dtype == dtype


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_is_not_densified(fmt):
    rng = np.random.default_rng(0)
    X = sparse.random_array(
        (20_000, 5_000), density=0.005, format=fmt, rng=rng, dtype=np.float64
    )
    y = rng.uniform(size=20_000)
    model = ProbabilityRegressor()
    peak = peak_allocated_during(lambda: model.fit(X, y))
    assert peak < X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    np.testing.assert_allclose(
        model.predict(X[:5]), model.predict(X[:5].toarray()), rtol=1e-12
    )


def test_float32_fit_reaches_the_float64_optimum_of_the_same_data():
    X, y, trials = make_proportions(n=5000, p=20, scales=10.0 ** np.linspace(-2, 2, 20))
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
