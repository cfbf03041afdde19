"""What differs between the estimators: targets, their mapping, links, soft labels.

``ProbabilityRegressor`` takes probabilities (and rows of class
probabilities, the softmax model); ``CrossEntropyRegressor`` maps a known or
learned range onto [0, 1]. Each model is checked against an independent
reference: statsmodels' binomial GLM, scikit-learn's ``LogisticRegression``
on repeated rows, or the other estimator.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent.metrics import cross_entropy_loss


def params_of(model):
    return np.r_[model.coef_, model.intercept_]


def test_star98_matches_statsmodels_binomial_glm(star98):
    """Ill-conditioned real data: exact optimum with default tol and max_iter."""
    sm = pytest.importorskip("statsmodels.api")
    X, y, trials = star98
    X = X.to_numpy(float)
    reference = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials
    ).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    expected = np.r_[reference.params[1:], reference.params[0]]
    np.testing.assert_allclose(params_of(model), expected, rtol=1e-6)


@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_penalised_fit_matches_logistic_regression_on_repeated_rows(
    alpha, make_proportions
):
    """Take alpha as PoissonRegressor does: alpha = 1 / (C * sum(sample_weight))."""
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


def test_cross_entropy_regressor_on_unit_range_is_the_same_model(make_proportions):
    X, y, trials = make_proportions()
    probability = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    unit = CrossEntropyRegressor(target_range=(0, 1)).fit(X, y, sample_weight=trials)
    np.testing.assert_array_equal(params_of(probability), params_of(unit))
    np.testing.assert_array_equal(probability.predict(X), unit.predict(X))


@pytest.mark.parametrize("low, high", [(0.0, 100.0), (-5.0, 3.0)])
def test_cross_entropy_regressor_maps_the_range(low, high, make_proportions):
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


def test_auto_range_is_learned_from_positively_weighted_targets(make_proportions):
    X, y, _ = make_proportions()
    scores = 20 + 60 * y
    weights = np.ones_like(y)
    weights[np.argmax(scores)] = 0.0
    model = CrossEntropyRegressor().fit(X, scores, sample_weight=weights)
    assert model.target_range_ == (scores.min(), scores[weights > 0].max())
    predictions = model.predict(X)
    assert np.all(predictions > model.target_range_[0])
    assert np.all(predictions < model.target_range_[1])


def test_constant_targets_predict_the_constant(make_proportions):
    X, _, _ = make_proportions(n_samples=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = CrossEntropyRegressor().fit(X, np.full(50, 7.5))
        predictions = model.predict(X)
    np.testing.assert_array_equal(predictions, 7.5)
    assert model.target_range_ == (7.5, 7.5)


def test_predictions_are_probabilities_even_when_separable():
    X = np.r_[-np.ones(20), np.ones(20)].reshape(-1, 1)
    y = np.r_[np.zeros(20), np.ones(20)]
    model = ProbabilityRegressor(alpha=1e-2).fit(X, y)
    predictions = model.predict(X)
    assert np.all((predictions > 0) & (predictions < 1))
    # Far outside the data, expit rounds to exactly 0 or 1, never beyond.
    extrapolated = model.predict(X * 1e3)
    np.testing.assert_array_equal(extrapolated, np.r_[np.zeros(20), np.ones(20)])


# Links


@pytest.mark.parametrize(
    "link, statsmodels_link", [("probit", "Probit"), ("cloglog", "CLogLog")]
)
def test_star98_other_links_match_statsmodels(star98, link, statsmodels_link):
    sm = pytest.importorskip("statsmodels.api")
    X, y, trials = star98
    X = X.to_numpy(float)
    family = sm.families.Binomial(link=getattr(sm.families.links, statsmodels_link)())
    reference = sm.GLM(y, sm.add_constant(X), family=family, var_weights=trials).fit(
        tol=1e-14, maxiter=200
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(link=link, alpha=0).fit(X, y, sample_weight=trials)
    expected = np.r_[reference.params[1:], reference.params[0]]
    np.testing.assert_allclose(params_of(model), expected, rtol=1e-6)


@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_cross_entropy_regressor_takes_the_same_links(link, make_proportions):
    X, y, trials = make_proportions()
    scores = 100 * y
    model = CrossEntropyRegressor(target_range=(0, 100), link=link).fit(
        X, scores, sample_weight=trials
    )
    probability = ProbabilityRegressor(link=link).fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(params_of(model), params_of(probability), rtol=1e-7)
    np.testing.assert_allclose(model.predict(X), 100 * probability.predict(X))


def test_links_give_different_models_of_the_same_data(make_proportions):
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


def test_soft_label_fit_has_a_row_per_class(make_soft_labels):
    data = make_soft_labels()
    X, soft, weights = data.X, data.soft, data.weights
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
def test_one_hot_targets_match_multinomial_logistic_regression(alpha, make_soft_labels):
    data = make_soft_labels(n_classes=3)
    X, labels, weights = data.X, data.labels, data.weights
    reference = multinomial_logistic_regression(X, labels, weights, alpha, "lbfgs")
    model = ProbabilityRegressor(alpha=alpha).fit(
        X, np.eye(3)[labels], sample_weight=weights
    )
    np.testing.assert_allclose(model.predict(X), reference.predict_proba(X), rtol=1e-6)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("alpha", [1e-4, 1e-2])
def test_one_hot_targets_reach_a_lower_objective_than_lbfgs(alpha, make_soft_labels):
    """Reach the optimum that scikit-learn's lbfgs stops short of.

    With 5 classes lbfgs stops at max |gradient| ~1e-8, with predictions 4e-6
    (relative) from the optimum; Newton-Cholesky reaches it, and so does
    skxent.
    """
    data = make_soft_labels(n_classes=5)
    X, labels, weights = data.X, data.labels, data.weights
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
def test_soft_targets_match_logistic_regression_on_repeated_rows(
    scales, make_soft_labels
):
    """Newton-Cholesky for the reference: lbfgs stalls on badly scaled columns."""
    data = make_soft_labels(scales=scales)
    X, soft, weights = data.X, data.soft, data.weights
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


def test_two_classes_are_the_binary_model_with_half_the_penalty(make_soft_labels):
    """The symmetric softmax penalises both rows: alpha / 4 * ||difference||^2."""
    data = make_soft_labels(n_classes=2)
    X, soft, weights = data.X, data.soft, data.weights
    two_rows = ProbabilityRegressor(alpha=1e-2).fit(X, soft, sample_weight=weights)
    binary = ProbabilityRegressor(alpha=5e-3).fit(X, soft[:, 1], sample_weight=weights)
    np.testing.assert_allclose(two_rows.predict(X)[:, 1], binary.predict(X), rtol=1e-7)
    np.testing.assert_allclose(
        two_rows.coef_[1] - two_rows.coef_[0], binary.coef_, rtol=1e-6
    )


def test_soft_labels_on_star98_scale_data_reach_the_optimum(star98):
    """Three classes from star98's counts: badly scaled, collinear columns."""
    X, y, trials = star98
    X = X.to_numpy(float)
    rows = np.column_stack([y * 0.5, y * 0.5, 1 - y])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = ProbabilityRegressor(alpha=0).fit(X, rows, sample_weight=trials)
    binary = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    # Classes 0 and 1 always split y evenly: the model is the binary one.
    np.testing.assert_allclose(
        model.predict(X)[:, :2].sum(axis=1), binary.predict(X), rtol=1e-7
    )


def test_rows_within_the_tolerance_are_normalised(make_soft_labels):
    data = make_soft_labels()
    X, soft = data.X, data.soft
    nudged = soft * (1 + 5e-7)
    model = ProbabilityRegressor().fit(X, nudged)
    reference = ProbabilityRegressor().fit(X, soft)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-12)


def test_cross_entropy_regressor_refuses_2d_targets(make_soft_labels):
    data = make_soft_labels()
    X, soft = data.X, data.soft
    with pytest.raises(ValueError, match="1d array"):
        CrossEntropyRegressor().fit(X, soft)


def test_soft_labels_warm_start_and_float32(make_soft_labels):
    data = make_soft_labels()
    X, soft = data.X, data.soft
    model = ProbabilityRegressor(warm_start=True).fit(X, soft)
    first = model.coef_.copy()
    assert model.fit(X, soft).n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, first, rtol=1e-8, atol=1e-12)
    single = ProbabilityRegressor().fit(X.astype(np.float32), soft.astype(np.float32))
    assert single.coef_.dtype == np.float32
    assert single.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.predict(X), model.predict(X), atol=1e-5)


def test_soft_labels_from_pandas(make_soft_labels):
    pd = pytest.importorskip("pandas")
    data = make_soft_labels()
    X, soft = data.X, data.soft
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(4)])
    targets = pd.DataFrame(soft, columns=list("abcd"))
    model = ProbabilityRegressor().fit(frame, targets)
    reference = ProbabilityRegressor().fit(X, soft)
    # A DataFrame's values are column-major: BLAS sums in another order.
    np.testing.assert_allclose(model.predict(frame), reference.predict(X), rtol=1e-9)


def test_score_on_soft_labels_is_r2_averaged_over_classes(make_soft_labels):
    data = make_soft_labels()
    X, soft, weights = data.X, data.soft, data.weights
    model = ProbabilityRegressor().fit(X, soft)
    assert model.score(X, soft, sample_weight=weights) == pytest.approx(
        r2_score(soft, model.predict(X), sample_weight=weights)
    )


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


# Targets at the edges of their domain: rounding, rows of zero weight, names


def linear_data(low, high, n=40):
    """``X`` on a line and targets ``low + (high - low) * t``, ``t`` from 0 to 1."""
    X = np.linspace(-2.0, 2.0, n)[:, np.newaxis]
    t = np.linspace(0.0, 1.0, n)
    return X, low + (high - low) * t


# Ranges where low + (high - low) * p rounds beyond high (or below low), of
# every sign and magnitude, and widths from one float apart to 1.7e308.
EDGE_RANGES = [
    (-4.77, 61.311),
    (-144.2, -9.855),
    (0.1, 0.3),
    (-1e308, 7e307),
    (1.0, 1.0 + 4 * np.finfo(float).eps),
    (0.0, 5e-324),
    (1e300, np.nextafter(1e300, np.inf)),
]


@pytest.mark.parametrize("target_range", [*EDGE_RANGES, "learned"])
@pytest.mark.parametrize("low, high", EDGE_RANGES)
def test_predictions_lie_in_the_range_and_are_taken_back_as_targets(
    low, high, target_range, record_warnings
):
    X, y = linear_data(low, high)
    range_parameter = (low, high) if target_range != "learned" else "auto"
    model = CrossEntropyRegressor(target_range=range_parameter, alpha=1e-2).fit(X, y)
    fitted_low, fitted_high = model.target_range_
    # Far outside the data the probabilities are exactly 0 and 1.
    predictions = model.predict(np.vstack([X, 1e6 * X]))
    assert np.all((predictions >= fitted_low) & (predictions <= fitted_high))
    # Refused before as outside the range, now taken (whatever the warnings
    # of tables on data the model was not fitted on).
    with record_warnings():
        clone(model).fit(X, predictions[: len(X)])
        model.coef_table(X, predictions[: len(X)])


def test_float32_predictions_lie_in_the_range():
    """Rounded to float32, 0.3 is above 0.3: the prediction is the float32 below."""
    X, y = linear_data(0.1, 0.3)
    model = CrossEntropyRegressor(target_range=(0.1, 0.3)).fit(X.astype(np.float32), y)
    predictions = model.predict(1e6 * X.astype(np.float32))
    assert predictions.dtype == np.float32
    assert float(predictions.max()) <= 0.3 and float(predictions.min()) >= 0.1
    assert float(predictions.max()) == float(np.nextafter(np.float32(0.3), 0))


def test_targets_rounded_outside_the_range_are_fitted_as_its_bounds():
    low, high = -4.77, 61.311
    X, y = linear_data(low, high)
    assert y.max() > high  # 61.31100000000001: rounding
    model = CrossEntropyRegressor(target_range=(low, high)).fit(X, y)
    exact = CrossEntropyRegressor(target_range=(low, high)).fit(
        X, np.clip(y, low, high)
    )
    np.testing.assert_array_equal(params_of(model), params_of(exact))


def test_probabilities_rounded_outside_0_1_are_fitted_as_0_and_1(make_proportions):
    X, y, trials = make_proportions()
    y[:2] = [0.0, 1.0]
    rounded = y + np.r_[-4e-16, 4e-16, np.zeros(len(y) - 2)]
    model = ProbabilityRegressor().fit(X, rounded, sample_weight=trials)
    exact = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    np.testing.assert_array_equal(params_of(model), params_of(exact))


def test_targets_beyond_rounding_are_refused_printing_their_exact_value():
    low, high = -4.77, 61.311
    X, y = linear_data(low, high)
    y[3] = high + 1e-10
    with pytest.raises(ValueError, match=r"y=61\.3110000001\)"):
        CrossEntropyRegressor(target_range=(low, high)).fit(X, y)


@pytest.mark.parametrize(
    "target_range, y, message",
    [
        (
            (-1.5e308, 1.6e308),
            [0.0, 1.0, 2.0, 3.0],
            r"target_range=\(-1\.5e\+308, 1\.6e\+308\) is wider than float64",
        ),
        (
            "auto",
            [-1.5e308, 1.0, 2.0, 1.6e308],
            r"y .* spans \(-1\.5e\+308, 1\.6e\+308\), wider than float64",
        ),
    ],
    ids=["explicit", "learned"],
)
def test_ranges_wider_than_float64_are_refused(target_range, y, message):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=message):
        CrossEntropyRegressor(target_range=target_range).fit(X, y)


ZERO_WEIGHT_TARGETS = {
    # name: (estimator, targets from probabilities p, a zero-weight row's target)
    "learned range": (CrossEntropyRegressor(), lambda p: 40 + 60 * p, 500.0),
    "given range": (
        CrossEntropyRegressor(target_range=(0, 100)),
        lambda p: 100 * p,
        -7,
    ),
    "tiny learned range": (CrossEntropyRegressor(), lambda p: 1e-300 * p, 1e308),
    "probabilities": (ProbabilityRegressor(), lambda p: p, 1.5),
    "huge probability": (ProbabilityRegressor(), lambda p: p, -1e308),
    "rows, zero sum": (
        ProbabilityRegressor(),
        lambda p: np.column_stack([p / 2, p / 2, 1 - p]),
        [0.0, 0.0, 0.0],
    ),
    "rows, huge": (
        ProbabilityRegressor(),
        lambda p: np.column_stack([p / 2, p / 2, 1 - p]),
        [1e308, -1e308, 0.5],
    ),
}


@pytest.mark.parametrize("case", list(ZERO_WEIGHT_TARGETS))
def test_rows_of_zero_weight_count_for_nothing_in_fit_and_tables(
    case, make_fractional_data
):
    """Any finite target does for them, in fit and in the tables alike."""
    estimator, targets_of, zero_weight_target = ZERO_WEIGHT_TARGETS[case]
    X, p, weights = make_fractional_data()
    y = targets_of(p)
    y[5] = zero_weight_target
    weights[5] = 0.0
    kept = weights > 0
    model = clone(estimator).fit(X, y, sample_weight=weights)
    reference = clone(estimator).fit(X[kept], y[kept], sample_weight=weights[kept])
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-7)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-7)
    for table in ("coef_table", "partial_effects_table"):
        on_all = getattr(model, table)(X, y, sample_weight=weights)
        on_kept = getattr(model, table)(X[kept], y[kept], sample_weight=weights[kept])
        assert np.all(np.isfinite(on_all.to_numpy()))
        np.testing.assert_allclose(on_all.to_numpy(), on_kept.to_numpy(), rtol=1e-10)


def test_rounded_negative_shares_are_fitted_as_0(make_soft_labels):
    """A share computed as 1 minus the others may come out at -1e-12."""
    data = make_soft_labels()
    soft = data.soft.copy()
    soft[0] = [0.5, 0.5 + 1e-12, 0.0, -1e-12]
    model = ProbabilityRegressor().fit(data.X, soft)
    reference = ProbabilityRegressor().fit(data.X, np.clip(soft, 0.0, None))
    np.testing.assert_array_equal(model.coef_, reference.coef_)


def test_class_names_are_the_column_names_of_y(make_soft_labels):
    pd = pytest.importorskip("pandas")
    data = make_soft_labels()
    X, soft = data.X, data.soft
    model = ProbabilityRegressor().fit(X, pd.DataFrame(soft, columns=list("abcd")))
    assert model.target_names_.dtype == object
    np.testing.assert_array_equal(model.target_names_, list("abcd"))
    # A refit on targets without names forgets them.
    for unnamed in (soft, pd.DataFrame(soft)):
        assert not hasattr(clone(model).fit(X, unnamed), "target_names_")
        assert not hasattr(model.fit(X, unnamed), "target_names_")


# ------------------------------------------------- l1_ratio, penalty_weights


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.5, "lasso", None])
def test_an_l1_ratio_outside_0_1_is_refused_naming_it(
    l1_ratio, estimator, targets_for, make_fractional_data
):
    X, y, _ = make_fractional_data()
    with pytest.raises(ValueError, match=rf"'l1_ratio'.*Got {l1_ratio!r}"):
        clone(estimator).set_params(l1_ratio=l1_ratio).fit(X, targets_for(estimator, y))


@pytest.mark.parametrize(
    "penalty_weights, message",
    [
        ([1.0, 1.0], r"one weight per feature, shape \(3,\); got shape \(2,\)"),
        ([1.0, 1.0, 1.0, 1.0], r"shape \(3,\); got shape \(4,\)"),
        ([1.0, -2.0, 1.0], r"1 of them are not \(the first at index 1: -2\.0"),
        ([1.0, 1.0, np.nan], r"first at index 2: nan; min=1\.0, max=1\.0, 1 NaN"),
        ([np.inf, 1.0, 0.0], r"first at index 0: inf; .*1 infinite"),
        (["a", "b", "c"], r"array of numbers, one per feature; got \['a'"),
    ],
    ids=["too few", "too many", "negative", "NaN", "inf", "strings"],
)
def test_invalid_penalty_weights_are_refused_naming_them(
    penalty_weights, message, estimator, targets_for, make_fractional_data
):
    X, y, _ = make_fractional_data()
    model = clone(estimator).set_params(penalty_weights=penalty_weights)
    with pytest.raises(ValueError, match=rf"penalty_weights .*{message}"):
        model.fit(X, targets_for(estimator, y))


INFERENCE_METHODS = ["coef_table", "inference", "partial_effects_table"]


@pytest.mark.parametrize("method", INFERENCE_METHODS)
def test_inference_is_refused_after_an_l1_fit(
    method, estimator, targets_for, make_fractional_data
):
    X, y, weights = make_fractional_data()
    y = targets_for(estimator, y)
    model = estimator.set_params(alpha=0.01, l1_ratio=0.5).fit(
        X, y, sample_weight=weights
    )
    with pytest.raises(
        ValueError,
        match=rf"{type(estimator).__name__}\.{method} needs a fit without an L1 "
        r"penalty; this one has alpha=0\.01 and l1_ratio=0\.5",
    ):
        getattr(model, method)(X, y, sample_weight=weights)


@pytest.mark.parametrize("l1_ratio, alpha", [(0.0, 0.01), (0.5, 0.0)])
def test_inference_is_given_without_an_l1_penalty(
    l1_ratio, alpha, make_fractional_data, record_warnings
):
    """l1_ratio=0, or alpha=0 (no penalty at all, whatever l1_ratio says)."""
    X, y, weights = make_fractional_data()
    model = ProbabilityRegressor(alpha=alpha, l1_ratio=l1_ratio).fit(
        X, y, sample_weight=weights
    )
    with record_warnings():
        table = model.coef_table(X, y, sample_weight=weights)
    assert np.all(np.isfinite(table["std_err"]))


def test_l2_penalty_weights_are_the_plain_fit_on_rescaled_columns(
    make_proportions, record_warnings
):
    """``P_j coef_j**2 = (sqrt(P_j) coef_j)**2``: columns divided by ``sqrt(P)``.

    The fit with ``penalty_weights=P`` is the plain L2 fit on ``X / sqrt(P)``
    with its coefficients divided by ``sqrt(P)``; so are its standard errors
    (the penalised sandwich changes variables like the coefficients).
    """
    X, y, trials = make_proportions(n_features=4)
    weights = np.array([0.1, 1.0, 4.0, 25.0])
    scale = np.sqrt(weights)
    alpha = 0.05
    model = ProbabilityRegressor(alpha=alpha, penalty_weights=weights).fit(
        X, y, sample_weight=trials
    )
    rescaled = ProbabilityRegressor(alpha=alpha).fit(X / scale, y, sample_weight=trials)
    np.testing.assert_allclose(model.coef_, rescaled.coef_ / scale, rtol=1e-8)
    assert model.intercept_ == pytest.approx(rescaled.intercept_, rel=1e-8)
    # The weights matter: the plain fit on X itself differs.
    plain = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=trials)
    assert not np.allclose(model.coef_, plain.coef_, rtol=1e-3)
    with record_warnings():
        table = model.coef_table(X, y, sample_weight=trials)
        rescaled_table = rescaled.coef_table(X / scale, y, sample_weight=trials)
    np.testing.assert_allclose(
        table["std_err"].to_numpy()[1:],
        rescaled_table["std_err"].to_numpy()[1:] / scale,
        rtol=1e-6,
    )
    assert table["std_err"].iloc[0] == pytest.approx(
        rescaled_table["std_err"].iloc[0], rel=1e-6
    )
