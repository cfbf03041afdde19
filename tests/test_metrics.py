"""Cross-entropy metrics and scorers, by hand, against scikit-learn and statsmodels."""

import copy
import pickle

import numpy as np
import pytest
import sklearn
from scipy.special import expit, xlogy
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import UndefinedMetricWarning, UnsetMetadataPassedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import d2_log_loss_score, log_loss
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent.metrics import (
    cross_entropy_loss,
    d2_cross_entropy_score,
    d2_cross_entropy_scorer,
    make_d2_cross_entropy_scorer,
    make_neg_cross_entropy_scorer,
    neg_cross_entropy_scorer,
)

RNG = np.random.default_rng(0)
EPS = np.finfo(np.float64).eps
CV = KFold(n_splits=3, shuffle=True, random_state=0)


def _cross_entropy_by_hand(t, p, weights=None):
    """Weighted mean cross-entropy of 1-D targets, predictions clipped as log_loss."""
    p = np.clip(p, EPS, 1 - EPS)
    return np.average(-(t * np.log(p) + (1 - t) * np.log(1 - p)), weights=weights)


def test_cross_entropy_of_fractions_by_hand():
    y_true = np.array([0.2, 0.7, 1.0])
    y_pred = np.array([0.25, 0.6, 0.9])
    weights = np.array([1.0, 2.0, 3.0])
    by_hand = [
        -(0.2 * np.log(0.25) + 0.8 * np.log(0.75)),
        -(0.7 * np.log(0.6) + 0.3 * np.log(0.4)),
        -np.log(0.9),
    ]
    assert cross_entropy_loss(y_true, y_pred) == pytest.approx(np.mean(by_hand))
    assert cross_entropy_loss(y_true, y_pred, sample_weight=weights) == pytest.approx(
        np.dot(by_hand, weights) / 6
    )


def test_cross_entropy_of_probability_rows_by_hand():
    y_true = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    y_pred = np.array([[0.4, 0.4, 0.2], [0.1, 0.2, 0.7]])
    by_hand = [-np.log(0.4), -np.log(0.7)]
    assert cross_entropy_loss(y_true, y_pred) == pytest.approx(np.mean(by_hand))


def test_d2_by_hand():
    """D^2 = 1 - deviance / null deviance, the deviance CE(t, p) - CE(t, t)."""
    y_true = np.array([0.1, 0.9, 0.8])
    y_pred = np.array([0.2, 0.8, 0.8])

    def mean_cross_entropy(p):
        return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))

    entropy = mean_cross_entropy(y_true)
    expected = 1 - (mean_cross_entropy(y_pred) - entropy) / (
        mean_cross_entropy(np.full(3, 0.6)) - entropy
    )
    assert d2_cross_entropy_score(y_true, y_pred) == pytest.approx(expected, rel=1e-12)


def test_d2_of_rows_is_one_minus_the_multinomial_deviance_ratio():
    rows = RNG.dirichlet(np.ones(3), size=40)
    rows[:5] = np.eye(3)[[0, 1, 2, 0, 1]]  # hard rows, whose zeros add nothing
    predictions = RNG.dirichlet(np.ones(3), size=40)
    weights = RNG.uniform(0.5, 2.0, size=40)
    mean = weights @ rows / weights.sum()

    def deviance(p):
        return weights @ xlogy(rows, rows / p).sum(axis=1)

    assert d2_cross_entropy_score(rows, predictions, weights) == pytest.approx(
        1 - deviance(predictions) / deviance(mean), rel=1e-12
    )


def test_d2_equals_the_deviance_pseudo_r2_of_statsmodels(star98):
    """Compare with statsmodels' binomial GLM with trial counts (var_weights)."""
    sm = pytest.importorskip("statsmodels.api")
    X, share, trials = star98
    exog = sm.add_constant(X[["LOWINC", "PERASIAN", "PERBLACK", "PERHISP"]])
    result = sm.GLM(
        share, exog, family=sm.families.Binomial(), var_weights=trials
    ).fit()
    assert d2_cross_entropy_score(share, result.fittedvalues, trials) == pytest.approx(
        1 - result.deviance / result.null_deviance, rel=1e-10
    )


@pytest.mark.parametrize("targets", ["fractions", "rows"])
def test_d2_is_1_for_the_targets_and_0_for_their_weighted_mean(targets):
    y = RNG.uniform(size=30) if targets == "fractions" else RNG.dirichlet([1] * 3, 30)
    weights = RNG.uniform(0.5, 2.0, size=30)
    mean = np.broadcast_to(np.average(y, axis=0, weights=weights), y.shape)
    assert d2_cross_entropy_score(y, y, weights) == 1.0
    assert d2_cross_entropy_score(y, mean, weights) == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("targets", ["fractions", "rows"])
def test_d2_keeps_its_digits_for_targets_near_their_mean(targets):
    """Targets 1e-9 apart: the deviances are about 1e-18, rounding of CE is 1e-16.

    The reference is the divergence's second-order expansion,
    ``sum_k (t_k - p_k)**2 / (2 p_k)``, exact to about 1e-8 here.
    """
    offsets = 1e-9 * np.arange(-3.0, 4.0)
    if targets == "fractions":
        y = 0.3 + offsets
        y = np.column_stack([y, 1 - y])  # the expansion's two classes
    else:
        y = np.column_stack([0.2 + offsets, 0.3 - 2 * offsets, 0.5 + offsets])
    mean = y.mean(axis=0)
    predictions = mean + 0.5 * (y - mean) + 1e-10 * np.sin(np.arange(7.0))[:, None]
    predictions[:, -1] = 1 - predictions[:, :-1].sum(axis=1)

    def deviance(p):
        return ((y - p) ** 2 / (2 * p)).sum()

    expected = 1 - deviance(predictions) / deviance(mean)
    if targets == "fractions":
        y, predictions = y[:, 0], predictions[:, 0]
    assert d2_cross_entropy_score(y, predictions) == pytest.approx(expected, rel=1e-6)


def test_binary_hard_labels_give_log_loss():
    labels = RNG.integers(2, size=50)
    proba = RNG.uniform(0.01, 0.99, size=50)
    weights = RNG.uniform(size=50)
    assert cross_entropy_loss(labels, proba, weights) == pytest.approx(
        log_loss(labels, proba, sample_weight=weights), rel=1e-12
    )
    assert d2_cross_entropy_score(labels, proba, weights) == pytest.approx(
        d2_log_loss_score(labels, proba, sample_weight=weights), rel=1e-12
    )


def test_one_hot_rows_give_multiclass_log_loss():
    labels = RNG.integers(4, size=60)
    proba = RNG.dirichlet(np.ones(4), size=60)
    weights = RNG.uniform(size=60)
    one_hot = np.eye(4)[labels]
    assert cross_entropy_loss(one_hot, proba, weights) == pytest.approx(
        log_loss(labels, proba, sample_weight=weights), rel=1e-12
    )
    assert d2_cross_entropy_score(one_hot, proba, weights) == pytest.approx(
        d2_log_loss_score(labels, proba, sample_weight=weights), rel=1e-12
    )


def test_predictions_of_exactly_0_or_1_are_clipped_like_log_loss():
    loss = cross_entropy_loss([1.0, 0.0], [0.0, 0.0])
    assert loss == pytest.approx(-np.log(np.finfo(np.float64).eps) / 2)
    assert loss == pytest.approx(log_loss([1, 0], [0.0, 0.0]))


def test_d2_of_one_sample_is_nan_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="two samples"):
        assert np.isnan(d2_cross_entropy_score([0.3], [0.4]))


# Constant targets (on the rows of positive weight) have no deviance to
# explain: scikit-learn's d2 scores give 1.0 to a perfect prediction and 0.0
# to any other. Weights 0.3, 0.7, 1.1 make the mean of constant 0.1 round
# off 0.1, so that a deviance would be a meaningless 1e-33 instead of 0.
@pytest.mark.parametrize(
    "y_true, y_pred, weights, expected",
    [
        ([0.1, 0.1, 0.1], [0.1, 0.1, 0.1], [0.3, 0.7, 1.1], 1.0),
        ([0.1, 0.1, 0.1], [0.1, 0.1, 0.2], [0.3, 0.7, 1.1], 0.0),
        ([1.0, 1.0], [1.0, 1.0], None, 1.0),
        ([0.3, 0.3, 0.9], [0.3, 0.3, 0.1], [1.0, 1.0, 0.0], 1.0),
        ([0.3, 0.3, 0.9], [0.3, 0.2, 0.9], [1.0, 1.0, 0.0], 0.0),
        ([[0.2, 0.8]] * 3, [[0.2, 0.8]] * 3, None, 1.0),
        ([[0.2, 0.8]] * 3, [[0.3, 0.7]] * 3, None, 0.0),
    ],
)
def test_d2_of_constant_targets_follows_scikit_learn(y_true, y_pred, weights, expected):
    assert d2_cross_entropy_score(y_true, y_pred, weights) == expected


def test_d2_of_targets_a_unit_in_the_last_place_apart_is_finite():
    """Their null deviance rounds to 0 here: scored as constant targets, no inf."""
    value = np.random.default_rng(8).uniform()
    y_true = [value, np.nextafter(value, 1), value, np.nextafter(value, 0)]
    assert d2_cross_entropy_score(y_true, [0.2, 0.4, 0.3, 0.3]) == 0.0


@pytest.mark.parametrize("targets", ["fractions", "rows"])
def test_rows_of_zero_weight_count_for_nothing(targets):
    """Any finite target or prediction passes there, as in the estimators' fit."""
    if targets == "fractions":
        y_true, y_pred = RNG.uniform(size=10), RNG.uniform(size=10)
        y_true[[2, 7]], y_pred[[2, 7]] = [5.0, -3.0], [1.5, -0.2]
    else:
        y_true, y_pred = RNG.dirichlet([1] * 3, 10), RNG.dirichlet([1] * 3, 10)
        y_true[2], y_pred[7] = [4.0, -1.0, 0.0], [0.0, 0.0, 0.0]
    weights = RNG.uniform(0.5, 2.0, size=10)
    weights[[2, 7]] = 0.0
    kept = weights > 0
    for metric in (cross_entropy_loss, d2_cross_entropy_score):
        assert metric(y_true, y_pred, weights) == pytest.approx(
            metric(y_true[kept], y_pred[kept], weights[kept]), rel=1e-14
        )


@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        ([0.2, 1.5], [0.3, 0.4], r"y_true must hold probabilities in \[0, 1\]"),
        ([0.2, 0.5], [0.3, -0.4], r"y_pred must hold probabilities in \[0, 1\]"),
        ([0.2, np.nan], [0.3, 0.4], "y_true .*1 NaN"),
        ([[0.2, 0.8], [0.5, 0.6]], [[0.5, 0.5]] * 2, "y_true .* row 1"),
        ([[0.2, 0.8]] * 2, [[0.5, 0.4]] * 2, "y_pred .* row 0"),
        ([0.2, 0.5], [[0.5, 0.5]] * 2, "same shape"),
        ([0.2, 0.5], [0.5, 0.5, 0.5], "inconsistent numbers of samples"),
    ],
)
def test_bad_input_is_rejected(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy_loss(y_true, y_pred)


def test_bad_sample_weight_is_rejected():
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        cross_entropy_loss([0.2, 0.5], [0.3, 0.4], sample_weight=[1.0, -1.0])


def test_dask_collections_are_computed_first():
    da = pytest.importorskip("dask.array")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    y_true, y_pred = RNG.uniform(size=30), RNG.uniform(size=30)
    rows_true, rows_pred = RNG.dirichlet([1] * 3, 30), RNG.dirichlet([1] * 3, 30)
    weights = RNG.uniform(size=30)
    for metric in (cross_entropy_loss, d2_cross_entropy_score):
        expected = metric(y_true, y_pred, weights)
        assert metric(
            da.from_array(y_true, chunks=10),
            dd.from_pandas(pd.Series(y_pred), npartitions=3),
            da.from_array(weights, chunks=10),
        ) == pytest.approx(expected, rel=1e-14)
        assert metric(
            dd.from_pandas(pd.DataFrame(rows_true), npartitions=3),
            da.from_array(rows_pred, chunks=(10, 3)),
        ) == pytest.approx(metric(rows_true, rows_pred), rel=1e-14)


# Scorers


@pytest.fixture
def scores():
    """Features and 0-100 scores, a few at each bound, with weights."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 3))
    y = 100 * expit(X @ [2.0, -1.0, 0.5] + 0.5 * rng.normal(size=150))
    y[:3], y[3:6] = 0.0, 100.0
    return X, y, rng.uniform(0.5, 2.0, size=150)


def _fold_scores(model, X, y, *, weights=None, fit_weights=False, scale=1.0):
    """Minus the hand-computed cross-entropy of each fold of ``CV`` on [0, 1]."""
    scores = []
    for train, test in CV.split(X):
        fit_params = {"sample_weight": weights[train]} if fit_weights else {}
        fitted = clone(model).fit(X[train], y[train], **fit_params)
        p = np.clip(fitted.predict(X[test]) / scale, 0.0, 1.0)
        test_weights = None if weights is None else weights[test]
        scores.append(-_cross_entropy_by_hand(y[test] / scale, p, test_weights))
    return np.array(scores)


def test_grid_search_scores_bounded_scores_on_the_fitted_range(scores):
    """The issue's search: no NaN, and the best alpha is not the first by default."""
    X, y, _ = scores
    model = CrossEntropyRegressor(target_range=(0, 100))
    search = GridSearchCV(
        model, {"alpha": [10.0, 1e-4]}, scoring=neg_cross_entropy_scorer, cv=CV
    ).fit(X, y)
    assert search.best_params_ == {"alpha": 1e-4}
    for index, alpha in enumerate([10.0, 1e-4]):
        by_hand = _fold_scores(model.set_params(alpha=alpha), X, y, scale=100.0)
        found = [search.cv_results_[f"split{k}_test_score"][index] for k in range(3)]
        np.testing.assert_allclose(found, by_hand, rtol=1e-12)


def test_a_learned_range_is_widened_to_hold_the_held_out_targets(scores):
    """The issue's search with target_range="auto": every fold scored, alpha chosen.

    Each fold's learned range misses some held-out targets; the scorer maps
    them with the range widened to hold them, the same for every candidate.
    """
    X, y, _ = scores
    y = y.copy()
    y[:6] = [0.5, 1.0, 2.0, 97.0, 98.0, 99.5]  # no target at the bounds
    search = GridSearchCV(
        CrossEntropyRegressor(),
        {"alpha": [10.0, 1e-4]},
        scoring=neg_cross_entropy_scorer,
        cv=CV,
        error_score="raise",
    ).fit(X, y)
    assert search.best_params_ == {"alpha": 1e-4}
    widened = []
    for split, (train, test) in enumerate(CV.split(X)):
        fitted = CrossEntropyRegressor(alpha=1e-4).fit(X[train], y[train])
        low, high = fitted.target_range_
        widened.append(y[test].min() < low or y[test].max() > high)
        low, high = min(low, y[test].min()), max(high, y[test].max())
        by_hand = -_cross_entropy_by_hand(
            (y[test] - low) / (high - low),
            (fitted.predict(X[test]) - low) / (high - low),
        )
        found = search.cv_results_[f"split{split}_test_score"][1]
        assert found == pytest.approx(by_hand, rel=1e-12)
    assert any(widened)


@pytest.mark.parametrize("nested", [False, True])
def test_a_pipeline_is_scored_on_its_final_step_range(scores, nested):
    X, y, _ = scores
    pipeline = make_pipeline(
        StandardScaler(), CrossEntropyRegressor(target_range=(-50, 150))
    )
    if nested:
        pipeline = make_pipeline(StandardScaler(), pipeline)
    pipeline.fit(X, y)
    t, p = (y + 50) / 200, (pipeline.predict(X) + 50) / 200
    assert neg_cross_entropy_scorer(pipeline, X, y) == pytest.approx(
        -_cross_entropy_by_hand(t, p), rel=1e-12
    )


@pytest.mark.parametrize(
    "baseline",
    [LinearRegression(), HistGradientBoostingRegressor(max_iter=20, random_state=0)],
    ids=["least squares", "gradient boosting"],
)
@pytest.mark.parametrize("scale", [100.0, 1.0])
def test_baselines_get_the_clipped_cross_entropy(scores, baseline, scale):
    X, y, _ = scores
    y = y / (100.0 / scale)
    scorer = (
        make_neg_cross_entropy_scorer(target_range=(0, 100))
        if scale == 100.0
        else neg_cross_entropy_scorer
    )
    results = cross_validate(baseline, X, y, cv=CV, scoring=scorer)
    np.testing.assert_allclose(
        results["test_score"], _fold_scores(baseline, X, y, scale=scale), rtol=1e-12
    )
    if isinstance(baseline, LinearRegression):
        # Otherwise the test would not be about clipping.
        predictions = clone(baseline).fit(X, y).predict(X)
        assert predictions.min() < 0 and predictions.max() > scale


class _Predicting(RegressorMixin, BaseEstimator):
    """A regressor whose predictions are given: any values, any shape."""

    def __init__(self, predictions=None):
        self.predictions = predictions

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.asarray(self.predictions)


def test_rows_of_predictions_are_clipped_then_divided_by_their_sums():
    y_true = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    predictions = [[1.2, -0.2, 0.0], [-0.1, -0.3, 0.0], [0.5, 0.7, -0.2]]
    # Clipped and divided: [1, 0, 0]; no positive entry: uniform; [5, 7, 0] / 12.
    rows = np.array([[1.0, 0.0, 0.0], [1 / 3] * 3, [5 / 12, 7 / 12, 0.0]])
    by_hand = -xlogy(y_true, np.clip(rows, EPS, 1 - EPS)).sum(axis=1).mean()
    model = _Predicting(predictions).fit(None, y_true)
    assert neg_cross_entropy_scorer(model, None, y_true) == pytest.approx(-by_hand)


@pytest.mark.parametrize("targets", ["fractions", "rows"])
def test_scorers_score_predictions(targets, make_soft_labels):
    data = make_soft_labels(n_samples=200, n_features=3, n_classes=3)
    X, y = data.X, data.probabilities
    y = y[:, 0] if targets == "fractions" else y
    model = ProbabilityRegressor().fit(X, y)
    weights = RNG.uniform(size=len(y))
    assert neg_cross_entropy_scorer(model, X, y) == pytest.approx(
        -cross_entropy_loss(y, model.predict(X))
    )
    assert d2_cross_entropy_scorer(model, X, y, sample_weight=weights) == pytest.approx(
        d2_cross_entropy_score(y, model.predict(X), weights)
    )


def test_scorers_select_alpha_in_grid_search_and_cross_validate(make_soft_labels):
    data = make_soft_labels(n_samples=200, n_features=3, n_classes=3)
    X, rows = data.X, data.probabilities
    search = GridSearchCV(
        ProbabilityRegressor(),
        {"alpha": [10.0, 1e-4]},
        scoring={"ce": neg_cross_entropy_scorer, "d2": d2_cross_entropy_scorer},
        refit="ce",
        cv=3,
    ).fit(X, rows)
    # A huge penalty predicts nearly the mean: little deviance explained.
    assert search.best_params_ == {"alpha": 1e-4}
    assert search.cv_results_["mean_test_d2"][0] < 0.1
    assert search.cv_results_["mean_test_d2"][1] > 0.9
    scores = cross_validate(
        ProbabilityRegressor(), X, rows, scoring=neg_cross_entropy_scorer, cv=3
    )
    assert np.all(scores["test_score"] < 0)


def test_factories_make_independent_scorers():
    with sklearn.config_context(enable_metadata_routing=True):
        weighted = make_neg_cross_entropy_scorer().set_score_request(sample_weight=True)
        weighted_d2 = make_d2_cross_entropy_scorer().set_score_request(
            sample_weight=True
        )
        # The module's shared scorers keep their requests unset.
        for shared, factory in (
            (neg_cross_entropy_scorer, "make_neg_cross_entropy_scorer"),
            (d2_cross_entropy_scorer, "make_d2_cross_entropy_scorer"),
        ):
            with pytest.raises(
                TypeError, match=rf"make a scorer of your own, {factory}"
            ):
                shared.set_score_request(sample_weight=True)
            # A copy is a scorer of one's own; the shared one keeps its request.
            copy.copy(shared).set_score_request(sample_weight=True)
    assert weighted.get_metadata_routing().score.requests == {"sample_weight": True}
    assert weighted_d2.get_metadata_routing().score.requests == {"sample_weight": True}
    for scorer in (
        neg_cross_entropy_scorer,
        d2_cross_entropy_scorer,
        make_neg_cross_entropy_scorer(),
    ):
        assert scorer.get_metadata_routing().score.requests == {"sample_weight": None}
    unpickled = pickle.loads(pickle.dumps(weighted))
    assert unpickled.get_metadata_routing().score.requests == {"sample_weight": True}
    assert repr(unpickled) == "make_neg_cross_entropy_scorer(target_range=None)"
    assert repr(make_d2_cross_entropy_scorer(target_range=(0, 5))) == (
        "make_d2_cross_entropy_scorer(target_range=(0.0, 5.0))"
    )


def test_set_score_request_needs_metadata_routing():
    with pytest.raises(RuntimeError, match="metadata routing is enabled"):
        make_neg_cross_entropy_scorer().set_score_request(sample_weight=True)


def test_routed_weights_weight_the_scores(scores):
    X, y, weights = scores
    model = CrossEntropyRegressor(target_range=(0, 100))
    by_hand = _fold_scores(model, X, y, weights=weights, fit_weights=True, scale=100.0)
    with sklearn.config_context(enable_metadata_routing=True):
        weighted = model.set_fit_request(sample_weight=True)
        search = GridSearchCV(
            weighted,
            {"alpha": [1e-4]},
            scoring=make_neg_cross_entropy_scorer().set_score_request(
                sample_weight=True
            ),
            cv=CV,
        ).fit(X, y, sample_weight=weights)
        results = cross_validate(
            weighted,
            X,
            y,
            cv=CV,
            params={"sample_weight": weights},
            scoring={
                "ce": make_neg_cross_entropy_scorer().set_score_request(
                    sample_weight=True
                ),
                "unweighted": make_neg_cross_entropy_scorer().set_score_request(
                    sample_weight=False
                ),
            },
        )
        with pytest.raises(UnsetMetadataPassedError, match="make_neg_cross_entropy"):
            cross_validate(
                weighted,
                X,
                y,
                params={"sample_weight": weights},
                scoring=make_neg_cross_entropy_scorer(),
            )
    found = [search.cv_results_[f"split{k}_test_score"][0] for k in range(3)]
    np.testing.assert_allclose(found, by_hand, rtol=1e-12)
    np.testing.assert_allclose(results["test_ce"], by_hand, rtol=1e-12)
    assert not np.allclose(results["test_unweighted"], by_hand)


def test_a_search_without_routing_weights_the_scores_of_a_dict(scores):
    """scikit-learn passes its fit's sample_weight to scorers that take it."""
    X, y, weights = scores
    model = CrossEntropyRegressor(target_range=(0, 100))
    search = GridSearchCV(
        model,
        {"alpha": [1e-4]},
        scoring={"ce": neg_cross_entropy_scorer, "d2": d2_cross_entropy_scorer},
        refit="ce",
        cv=CV,
    ).fit(X, y, sample_weight=weights)
    by_hand = _fold_scores(model, X, y, weights=weights, fit_weights=True, scale=100.0)
    found = [search.cv_results_[f"split{k}_test_ce"][0] for k in range(3)]
    np.testing.assert_allclose(found, by_hand, rtol=1e-12)


def test_scorer_ignores_targets_of_rows_of_zero_weight(scores):
    X, y, weights = scores
    model = CrossEntropyRegressor(target_range=(0, 100)).fit(X, y)
    y, weights = y.copy(), weights.copy()
    y[:2], weights[:2] = [-500.0, 1e6], 0.0
    scorer = make_d2_cross_entropy_scorer()
    assert scorer(model, X, y, weights) == pytest.approx(
        scorer(model, X[2:], y[2:], weights[2:]), rel=1e-14
    )


def test_scorer_takes_targets_rounded_beyond_its_range_as_the_bound():
    """Two units in the last place of 1001 beyond (1000, 1001): rounding, as in fit.

    Mapped to [0, 1] that is 2.3e-13 beyond 1, more than the metric's own
    tolerance: the scorer clips it.
    """
    X = np.arange(6.0).reshape(-1, 1)
    y = 1000 + np.array([0.1, 0.2, 0.4, 0.5, 0.7, 1.0])
    model = LinearRegression().fit(X, y)
    rounded = y.copy()
    rounded[-1] = np.nextafter(np.nextafter(1001.0, np.inf), np.inf)
    scorer = make_neg_cross_entropy_scorer(target_range=(1000, 1001))
    assert scorer(model, X, rounded) == scorer(model, X, y)


@pytest.mark.parametrize(
    "target_range, fit_range, scale, message",
    [
        (
            (0, 50),
            (0, 100),
            1.0,
            r"y_true has \d+ values outside the scorer's target_range=\(0\.0, 50\.0\) "
            r".*make_neg_cross_entropy_scorer\(target_range=\(low, high\)\)",
        ),
        (
            None,
            (0, 100),
            2.0,
            r"y_true has \d+ values outside CrossEntropyRegressor's fitted "
            r"target_range_=\(0\.0, 100\.0\)",
        ),
        (
            None,
            None,
            1.0,
            r"y_true must hold probabilities in \[0, 1\].*"
            r"make_neg_cross_entropy_scorer\(target_range=\(low, high\)\)",
        ),
        (
            None,
            "constant",
            1.0,
            r"CrossEntropyRegressor's fitted target_range_=\(5\.0, 5\.0\) cannot "
            r"map y_true to \[0, 1\]: low == high",
        ),
    ],
)
def test_scorer_refuses_targets_outside_its_range(
    scores, target_range, fit_range, scale, message
):
    X, y, _ = scores
    if fit_range is None:
        model = LinearRegression().fit(X, y)
    elif fit_range == "constant":
        # A learned range is widened to hold the targets scored: only
        # targets as constant as the training ones leave it empty.
        y = np.full(len(y), 5.0)
        model = CrossEntropyRegressor().fit(X, y)
    else:
        model = CrossEntropyRegressor(target_range=fit_range).fit(X, y)
    scorer = make_neg_cross_entropy_scorer(target_range=target_range)
    with pytest.raises(ValueError, match=message):
        scorer(model, X, y * scale)


@pytest.mark.parametrize("target_range", [(1, 1), (2, 1), (0, np.inf), "auto", (1,)])
@pytest.mark.parametrize(
    "factory", [make_neg_cross_entropy_scorer, make_d2_cross_entropy_scorer]
)
def test_factories_refuse_a_bad_target_range(factory, target_range):
    with pytest.raises(ValueError, match="target_range must be None .* low < high"):
        factory(target_range=target_range)


@pytest.mark.parametrize("metric", [cross_entropy_loss, d2_cross_entropy_score])
def test_metrics_validate_their_arguments_by_name(metric):
    with pytest.raises(InvalidParameterError, match="'y_true' parameter"):
        metric("abc", [0.5])
