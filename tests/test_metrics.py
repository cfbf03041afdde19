"""Cross-entropy metrics and scorers, by hand and against scikit-learn's log loss."""

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import d2_log_loss_score, log_loss
from sklearn.model_selection import GridSearchCV, cross_validate

from skxent import ProbabilityRegressor
from skxent.metrics import (
    cross_entropy_loss,
    d2_cross_entropy_score,
    d2_cross_entropy_scorer,
    neg_cross_entropy_scorer,
)

RNG = np.random.default_rng(0)


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
    y_true = np.array([0.1, 0.9, 0.8])
    y_pred = np.array([0.2, 0.8, 0.8])

    def mean_cross_entropy(p):
        return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))

    expected = 1 - mean_cross_entropy(y_pred) / mean_cross_entropy(np.full(3, 0.6))
    assert d2_cross_entropy_score(y_true, y_pred) == pytest.approx(expected)
    assert d2_cross_entropy_score(y_true, np.full(3, 0.6)) == pytest.approx(0.0)


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


@pytest.fixture
def class_probabilities(make_soft_labels):
    """Features and the softmax model's rows of class probabilities given them."""
    data = make_soft_labels(n_samples=200, n_features=3, n_classes=3)
    return data.X, data.probabilities


@pytest.mark.parametrize("targets", ["fractions", "rows"])
def test_scorers_score_predictions(targets, class_probabilities):
    X, rows = class_probabilities
    y = rows[:, 0] if targets == "fractions" else rows
    model = ProbabilityRegressor().fit(X, y)
    weights = RNG.uniform(size=len(y))
    assert neg_cross_entropy_scorer(model, X, y) == pytest.approx(
        -cross_entropy_loss(y, model.predict(X))
    )
    assert d2_cross_entropy_scorer(model, X, y, sample_weight=weights) == pytest.approx(
        d2_cross_entropy_score(y, model.predict(X), weights)
    )


def test_scorers_select_alpha_in_grid_search_and_cross_validate(class_probabilities):
    X, rows = class_probabilities
    search = GridSearchCV(
        ProbabilityRegressor(),
        {"alpha": [1e-4, 10.0]},
        scoring={"ce": neg_cross_entropy_scorer, "d2": d2_cross_entropy_scorer},
        refit="ce",
        cv=3,
    ).fit(X, rows)
    # A huge penalty predicts nearly the mean: no cross-entropy explained.
    assert search.best_params_ == {"alpha": 1e-4}
    assert search.cv_results_["mean_test_d2"][1] < 0.1
    assert search.cv_results_["mean_test_d2"][0] > 0.3
    scores = cross_validate(
        ProbabilityRegressor(), X, rows, scoring=neg_cross_entropy_scorer, cv=3
    )
    assert np.all(scores["test_score"] < 0)
