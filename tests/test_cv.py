"""The cross-validated estimators: the alpha grid, the folds' paths, the choice.

Each claim is checked against scikit-learn doing the same by hand: a
``GridSearchCV`` over ``alpha`` of the estimator without CV, on the same
splits and with the same held-out score, must choose the same ``alpha_``,
score each fold alike and refit the same model; ``cross_validate`` gives
the folds' fits.
"""

import re
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import (
    ConvergenceWarning,
    NotFittedError,
    UnsetMetadataPassedError,
)
from sklearn.metrics import make_scorer, mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import skxent
from skxent import (
    CrossEntropyRegressor,
    CrossEntropyRegressorCV,
    ProbabilityRegressor,
    ProbabilityRegressorCV,
)
from skxent.metrics import cross_entropy_loss

SPLITTER = KFold(5, shuffle=True, random_state=0)
THREE_FOLDS = KFold(3, shuffle=True, random_state=0)

BADLY_SCALED = [1.0, 100.0, 0.01, 5.0, 1.0]


def _scorer_on_unit_scale(low=0.0, high=1.0):
    """Minus the held-out cross-entropy of targets and predictions mapped to [0, 1]."""

    def loss(y_true, y_pred, sample_weight=None):
        return cross_entropy_loss(
            (np.asarray(y_true) - low) / (high - low),
            (np.asarray(y_pred) - low) / (high - low),
            sample_weight,
        )

    return make_scorer(loss, greater_is_better=False)


class Case(NamedTuple):
    """A CV estimator, its estimator without CV and the range of its targets."""

    cv_estimator: object
    estimator: object
    target_range: tuple = (0.0, 1.0)


@pytest.fixture(params=[ProbabilityRegressorCV, CrossEntropyRegressorCV])
def estimator_cv(request):
    """Each CV estimator, unfitted, with default parameters."""
    return request.param()


def _proportions(make_proportions, scales=None):
    return make_proportions(n_samples=300, n_features=5, seed=1, scales=scales)


@pytest.fixture(
    params=[
        "standardised",
        "badly scaled",
        "unweighted",
        "probit",
        "no intercept",
        "soft labels",
        "range (0, 100)",
        "range auto",
    ]
)
def search_case(request, make_proportions, make_soft_labels):
    """``(case, X, y, sample_weight)`` for comparing with ``GridSearchCV``."""
    name = request.param
    if name == "soft labels":
        data = make_soft_labels(n_samples=300, n_features=4, n_classes=3, seed=1)
        return (
            Case(ProbabilityRegressorCV(), ProbabilityRegressor()),
            data.X,
            data.soft,
            data.weights,
        )
    X, y, trials = _proportions(
        make_proportions, BADLY_SCALED if name == "badly scaled" else None
    )
    if name == "range (0, 100)":
        return (
            Case(
                CrossEntropyRegressorCV(target_range=(0, 100)),
                CrossEntropyRegressor(target_range=(0, 100)),
                (0.0, 100.0),
            ),
            X,
            100 * y,
            trials,
        )
    if name == "range auto":
        scores = 20 + 60 * y
        learned = (scores.min(), scores.max())
        return (
            Case(
                CrossEntropyRegressorCV(),
                CrossEntropyRegressor(target_range=learned),
                learned,
            ),
            X,
            scores,
            trials,
        )
    params = {"probit": {"link": "probit"}, "no intercept": {"fit_intercept": False}}
    return (
        Case(
            ProbabilityRegressorCV(**params.get(name, {})),
            ProbabilityRegressor(**params.get(name, {})),
        ),
        X,
        y,
        None if name == "unweighted" else trials,
    )


def _search(estimator, param_grid, X, y, sample_weight, scoring, cv=SPLITTER):
    """``GridSearchCV`` over ``param_grid``; ``sample_weight`` to fit and score."""
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            clone(estimator).set_fit_request(sample_weight=True),
            param_grid,
            cv=cv,
            scoring=scoring.set_score_request(sample_weight=True),
        )
        return search.fit(X, y, sample_weight=sample_weight)


def _grid_search(estimator, alphas, X, y, sample_weight, scoring, cv=SPLITTER):
    """``GridSearchCV`` over ``alphas``, ``sample_weight`` routed to fit and score."""
    return _search(estimator, {"alpha": list(alphas)}, X, y, sample_weight, scoring, cv)


def _split_scores(search, n_splits):
    """Return the held-out scores of a search, of shape (n_splits, n_alphas)."""
    return np.array(
        [search.cv_results_[f"split{k}_test_score"] for k in range(n_splits)]
    )


def test_matches_grid_search_over_alpha(search_case):
    """The key acceptance test: the same alpha, fold scores and refitted model."""
    case, X, y, weights = search_case
    model = clone(case.cv_estimator).set_params(cv=SPLITTER)
    model.fit(X, y, sample_weight=weights)
    search = _grid_search(
        case.estimator,
        model.alphas_,
        X,
        y,
        weights,
        _scorer_on_unit_scale(*case.target_range),
    )
    assert model.alpha_ == search.best_params_["alpha"]
    # The path's fits stop at a gradient of PATH_TOLERANCE: each held-out
    # score is within a few 1e-7 of the search's, fitted at tol.
    np.testing.assert_allclose(
        model.scores_.mean(axis=0), search.cv_results_["mean_test_score"], atol=3e-7
    )
    np.testing.assert_allclose(model.scores_, _split_scores(search, 5), atol=5e-7)
    best = search.best_estimator_
    np.testing.assert_allclose(model.coef_, best.coef_, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, best.intercept_, rtol=1e-6)
    np.testing.assert_allclose(model.predict(X), best.predict(X), rtol=1e-7)
    # Not the top of the grid, where the model is about the mean target.
    assert model.alpha_ < model.alphas_[0]


def test_auto_range_is_learned_once_from_all_targets(make_proportions):
    X, y, trials = _proportions(make_proportions)
    scores = 20 + 60 * y
    model = CrossEntropyRegressorCV(cv=SPLITTER).fit(X, scores, sample_weight=trials)
    assert model.target_range_ == (scores.min(), scores.max())
    # Every fold's targets were mapped with that range: the folds' paths are
    # those of ProbabilityRegressorCV on the mapped targets.
    probabilities = (scores - scores.min()) / (scores.max() - scores.min())
    reference = ProbabilityRegressorCV(cv=SPLITTER).fit(
        X, probabilities, sample_weight=trials
    )
    np.testing.assert_allclose(model.scores_, reference.scores_, rtol=1e-12)
    np.testing.assert_allclose(model.coef_path_, reference.coef_path_, rtol=1e-10)


def test_fold_paths_are_the_fold_fits_and_refit_false_averages_them(
    make_proportions,
):
    """``coef_path_`` holds each fold's fit; refit=False averages them at alpha_."""
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(cv=SPLITTER, refit=False).fit(
        X, y, sample_weight=trials
    )
    best = int(np.flatnonzero(model.alphas_ == model.alpha_)[0])
    folds = cross_validate(
        ProbabilityRegressor(alpha=model.alpha_),
        X,
        y,
        cv=SPLITTER,
        params={"sample_weight": trials},
        return_estimator=True,
    )["estimator"]
    fold_coef = np.array([fold.coef_ for fold in folds])
    fold_intercept = np.array([fold.intercept_ for fold in folds])
    # The path's fits stop at a gradient of PATH_TOLERANCE.
    np.testing.assert_allclose(model.coef_path_[:, best], fold_coef, atol=1e-5)
    np.testing.assert_allclose(
        model.intercept_path_[:, best], fold_intercept, atol=1e-5
    )
    np.testing.assert_allclose(model.coef_, fold_coef.mean(axis=0), atol=1e-5)
    assert model.intercept_ == pytest.approx(fold_intercept.mean(), abs=1e-5)
    assert model.n_iter_ == model.n_iter_path_[:, best].max()
    refitted = clone(model).set_params(refit=True).fit(X, y, sample_weight=trials)
    assert refitted.alpha_ == model.alpha_
    assert not np.allclose(refitted.coef_, model.coef_, rtol=1e-6, atol=0)


def test_fitted_attributes_have_the_documented_shapes(make_soft_labels):
    data = make_soft_labels(n_samples=200, n_features=4, n_classes=3, seed=2)
    model = ProbabilityRegressorCV(alphas=4, cv=3).fit(data.X, data.soft)
    assert model.alphas_.shape == (4,) and model.alphas_.dtype == np.float64
    assert isinstance(model.alpha_, float)
    assert model.scores_.shape == (3, 4)
    assert model.coef_path_.shape == (3, 4, 3, 4)
    assert model.intercept_path_.shape == (3, 4, 3)
    assert model.n_iter_path_.shape == (3, 4)
    assert model.coef_.shape == (3, 4)
    assert model.intercept_.shape == (3,)
    assert model.n_features_in_ == 4
    best = np.argmax(model.scores_.mean(axis=0))
    assert model.alpha_ == model.alphas_[best]


# The alpha grid


def _largest_curvature_of_a_column(X, y, weights, fit_intercept):
    """``h``: the largest weighted curvature of one coefficient, intercept-only logit.

    For 1-D targets at the intercept-only fit ``mu0`` (the weighted mean
    target, or 1/2 without an intercept), the logit's curvature
    ``mu0 (1 - mu0)`` times each column's weighted mean square about its
    weighted mean (about 0 without an intercept). For 2-D targets at the
    weighted mean row ``p0`` (uniform without an intercept), the largest
    eigenvalue of the softmax's curvature ``diag(p0) - p0 p0^T`` times the
    largest such mean square.
    """
    weights = weights / weights.sum()
    center = weights @ X if fit_intercept else np.zeros(X.shape[1])
    squares = weights @ (X - center) ** 2
    if y.ndim == 2:
        mean = weights @ y if fit_intercept else np.full(y.shape[1], 1 / y.shape[1])
        return np.linalg.eigvalsh(np.diag(mean) - np.outer(mean, mean))[-1] * max(
            squares
        )
    mean = weights @ y if fit_intercept else 0.5
    return mean * (1 - mean) * max(squares)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", ["1-D", "2-D"])
def test_default_grid_spans_six_decades_from_100_times_the_largest_curvature(
    fit_intercept, targets, make_proportions, make_soft_labels
):
    if targets == "1-D":
        X, y, weights = _proportions(make_proportions, BADLY_SCALED)
    else:
        data = make_soft_labels(n_samples=300, n_features=4, n_classes=3, seed=1)
        X, y, weights = data.X * [1.0, 10.0, 0.1, 3.0], data.soft, data.weights
    X = X + 2.0  # Centered columns would hide a wrong center.
    model = ProbabilityRegressorCV(fit_intercept=fit_intercept, cv=2).fit(
        X, y, sample_weight=weights
    )
    top = 100 * _largest_curvature_of_a_column(X, y, weights, fit_intercept)
    expected = top * np.logspace(0, -6, 20)
    np.testing.assert_allclose(model.alphas_, expected, rtol=1e-10)


@pytest.mark.parametrize("n_alphas", [1, 3, 25])
def test_an_int_gives_that_many_alphas_on_the_same_span(n_alphas, make_proportions):
    X, y, trials = _proportions(make_proportions)
    default = ProbabilityRegressorCV(cv=2).fit(X, y, sample_weight=trials)
    model = ProbabilityRegressorCV(alphas=n_alphas, cv=2).fit(
        X, y, sample_weight=trials
    )
    expected = np.geomspace(default.alphas_[0], default.alphas_[-1], n_alphas)
    np.testing.assert_allclose(model.alphas_, expected, rtol=1e-12)
    assert model.scores_.shape == (2, n_alphas)


def test_given_alphas_are_tried_in_decreasing_order(make_proportions):
    X, y, trials = _proportions(make_proportions)
    given = [1e-2, 0.0, 1.0, 1e-4]
    model = ProbabilityRegressorCV(alphas=given, cv=SPLITTER).fit(
        X, y, sample_weight=trials
    )
    np.testing.assert_array_equal(model.alphas_, [1.0, 1e-2, 1e-4, 0.0])
    in_order = ProbabilityRegressorCV(alphas=sorted(given)[::-1], cv=SPLITTER).fit(
        X, y, sample_weight=trials
    )
    np.testing.assert_array_equal(model.scores_, in_order.scores_)
    np.testing.assert_array_equal(model.coef_, in_order.coef_)
    search = _grid_search(
        ProbabilityRegressor(),
        given,
        X,
        y,
        trials,
        _scorer_on_unit_scale(),
    )
    assert model.alpha_ == search.best_params_["alpha"]


# A list of l1_ratio: a path of alphas for each


def _pair_scores(search, l1_ratios, alphas, key):
    """Return ``cv_results_[key]`` over pairs, of shape (n_l1_ratios, n_alphas)."""
    position = {
        (params["l1_ratio"], params["alpha"]): index
        for index, params in enumerate(search.cv_results_["params"])
    }
    return np.array(
        [
            [search.cv_results_[key][position[l1_ratio, alpha]] for alpha in row]
            for l1_ratio, row in zip(l1_ratios, alphas, strict=True)
        ]
    )


@pytest.mark.parametrize("estimator", ["probability", "range"])
def test_the_best_pair_is_that_of_a_grid_search_over_pairs(estimator, make_proportions):
    """Each (l1_ratio, alpha) pair is scored as a search over pairs scores it."""
    X, y, trials = _proportions(make_proportions)
    case = Case(ProbabilityRegressorCV(), ProbabilityRegressor())
    if estimator == "range":
        y = 100 * y
        case = Case(
            CrossEntropyRegressorCV(target_range=(0, 100)),
            CrossEntropyRegressor(target_range=(0, 100)),
            (0.0, 100.0),
        )
    l1_ratios = [1.0, 0.5, 0.0]
    model = clone(case.cv_estimator).set_params(
        l1_ratio=l1_ratios, alphas=6, cv=THREE_FOLDS
    )
    model.fit(X, y, sample_weight=trials)
    search = _search(
        case.estimator,
        [
            {"l1_ratio": [l1_ratio], "alpha": list(alphas)}
            for l1_ratio, alphas in zip(l1_ratios, model.alphas_, strict=True)
        ],
        X,
        y,
        trials,
        _scorer_on_unit_scale(*case.target_range),
        cv=THREE_FOLDS,
    )
    mean_scores = _pair_scores(search, l1_ratios, model.alphas_, "mean_test_score")
    np.testing.assert_allclose(model.scores_.mean(axis=1), mean_scores, atol=3e-7)
    for fold in range(3):
        np.testing.assert_allclose(
            model.scores_[:, fold],
            _pair_scores(search, l1_ratios, model.alphas_, f"split{fold}_test_score"),
            atol=5e-7,
        )
    best = np.unravel_index(np.argmax(mean_scores), mean_scores.shape)
    # Not on the first path: the choice is made across the paths.
    assert best[0] > 0
    assert model.l1_ratio_ == l1_ratios[best[0]]
    assert model.alpha_ == model.alphas_[best]


@pytest.mark.parametrize("l1_ratio", [0.5, 1.0])
def test_l1_grid_runs_down_from_the_smallest_alpha_that_zeroes_every_coefficient(
    l1_ratio, make_proportions
):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    model = ProbabilityRegressorCV(l1_ratio=l1_ratio, cv=3).fit(
        X, y, sample_weight=trials
    )
    # At the intercept-only fit the logit predicts the weighted mean target;
    # there the gradient of the mean cross-entropy is X^T w (mean - y).
    weights = trials / trials.sum()
    gradient = X.T @ (weights * (weights @ y - y))
    alpha_max = np.max(np.abs(gradient)) / l1_ratio
    np.testing.assert_allclose(
        model.alphas_, alpha_max * np.logspace(0, -3, 20), rtol=1e-10
    )
    top, below = (
        ProbabilityRegressor(alpha=alpha, l1_ratio=l1_ratio).fit(
            X, y, sample_weight=trials
        )
        for alpha in model.alphas_[:2]
    )
    assert np.all(top.coef_ == 0.0)
    assert np.any(below.coef_ != 0.0)


def test_an_unpenalised_feature_is_in_the_model_at_the_top_of_the_path(
    make_proportions,
):
    X, y, trials = _proportions(make_proportions)
    penalty_weights = [0.0, 1.0, 1.0, 1.0, 1.0]
    model = ProbabilityRegressorCV(
        l1_ratio=1.0, penalty_weights=penalty_weights, alphas=5, cv=3
    ).fit(X, y, sample_weight=trials)
    # The top is the largest |gradient| of the penalised features at the
    # unpenalised fit of the intercept and feature 0.
    free = ProbabilityRegressor(alpha=0.0).fit(X[:, :1], y, sample_weight=trials)
    weights = trials / trials.sum()
    gradient = X.T @ (weights * (free.predict(X[:, :1]) - y))
    np.testing.assert_allclose(
        model.alphas_[0], np.max(np.abs(gradient[1:])), rtol=1e-6
    )
    top, below = (
        ProbabilityRegressor(
            alpha=alpha, l1_ratio=1.0, penalty_weights=penalty_weights
        ).fit(X, y, sample_weight=trials)
        for alpha in model.alphas_[:2]
    )
    assert top.coef_[0] != 0.0
    # At alpha_max exactly, the largest penalised gradient is on the edge
    # of its optimality condition: the fit may leave that coefficient a
    # rounding's worth from zero (1e-12 here).
    assert np.max(np.abs(top.coef_[1:])) < 1e-10
    assert np.any(below.coef_[1:] != 0.0)
    assert np.all(model.coef_path_[:, 0, 0] != 0.0)


@pytest.mark.parametrize("targets", ["1-D", "2-D"])
def test_a_list_of_l1_ratio_gives_the_paths_a_leading_axis(
    targets, make_proportions, make_soft_labels
):
    """Each l1_ratio's path, in the order given, is the one it has alone."""
    if targets == "1-D":
        X, y, weights = _proportions(make_proportions)
        classes = ()
    else:
        data = make_soft_labels(n_samples=200, n_features=4, n_classes=3, seed=3)
        X, y, weights, classes = data.X, data.soft, data.weights, (3,)
    n_features = X.shape[1]
    l1_ratios = [1.0, 0.5]
    model = ProbabilityRegressorCV(l1_ratio=l1_ratios, alphas=4, cv=3).fit(
        X, y, sample_weight=weights
    )
    assert model.alphas_.shape == (2, 4)
    assert model.scores_.shape == (2, 3, 4)
    assert model.coef_path_.shape == (2, 3, 4, *classes, n_features)
    assert model.intercept_path_.shape == (2, 3, 4, *classes)
    assert model.n_iter_path_.shape == (2, 3, 4)
    assert model.coef_.shape == (*classes, n_features)
    assert type(model.l1_ratio_) is float and type(model.alpha_) is float
    for index, l1_ratio in enumerate(l1_ratios):
        alone = ProbabilityRegressorCV(l1_ratio=l1_ratio, alphas=4, cv=3).fit(
            X, y, sample_weight=weights
        )
        assert alone.alphas_.shape == (4,)
        assert alone.coef_path_.shape == (3, 4, *classes, n_features)
        np.testing.assert_array_equal(model.alphas_[index], alone.alphas_)
        # Only the fits refined at tol (the near-best) may differ.
        np.testing.assert_allclose(model.scores_[index], alone.scores_, atol=5e-7)
        np.testing.assert_allclose(model.coef_path_[index], alone.coef_path_, atol=1e-5)


def test_a_list_of_one_l1_ratio_keeps_its_axis(make_proportions):
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(l1_ratio=[0.5], alphas=4, cv=3).fit(
        X, y, sample_weight=trials
    )
    assert model.alphas_.shape == (1, 4)
    assert model.scores_.shape == (1, 3, 4)
    assert model.coef_path_.shape == (1, 3, 4, 5)
    assert model.l1_ratio_ == 0.5


def test_given_alphas_are_tried_at_every_l1_ratio(make_proportions):
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(alphas=[1e-3, 1e-1], l1_ratio=[0.0, 1.0], cv=3).fit(
        X, y, sample_weight=trials
    )
    np.testing.assert_array_equal(model.alphas_, [[1e-1, 1e-3], [1e-1, 1e-3]])


def _up_to_a_class_shift(intercept):
    """Return the intercept; for the softmax, its deviations from their mean.

    Adding one number to every class's intercept changes no softmax
    probability; fits center it, to rounding that may differ between a
    cold and a warm start.
    """
    return intercept - np.mean(intercept) if np.ndim(intercept) else intercept


@pytest.mark.parametrize("case", ["probability", "soft labels", "range auto"])
def test_refit_is_the_estimator_at_the_chosen_pair(
    case, make_proportions, make_soft_labels
):
    if case == "soft labels":
        data = make_soft_labels(n_samples=300, n_features=4, n_classes=3, seed=3)
        X, y, weights = data.X, data.soft, data.weights
    else:
        X, y, weights = _proportions(make_proportions)
    model, reference = ProbabilityRegressorCV(), ProbabilityRegressor()
    if case == "range auto":
        y = 20 + 60 * y
        model = CrossEntropyRegressorCV()
        reference = CrossEntropyRegressor(target_range=(y.min(), y.max()))
    model.set_params(l1_ratio=[1.0, 0.2], alphas=6, cv=THREE_FOLDS)
    model.fit(X, y, sample_weight=weights)
    # Not the first l1_ratio: the refit reads the chosen one.
    assert model.l1_ratio_ == 0.2
    reference.set_params(alpha=model.alpha_, l1_ratio=model.l1_ratio_)
    reference.fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(model.coef_ == 0.0, reference.coef_ == 0.0)
    np.testing.assert_allclose(
        _up_to_a_class_shift(model.intercept_),
        _up_to_a_class_shift(reference.intercept_),
        rtol=0,
        atol=1e-8,
    )
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)


def test_refit_false_averages_the_folds_at_the_chosen_pair(make_proportions):
    X, y, trials = _proportions(make_proportions)
    l1_ratios = [1.0, 0.5]
    model = ProbabilityRegressorCV(l1_ratio=l1_ratios, alphas=6, cv=3, refit=False).fit(
        X, y, sample_weight=trials
    )
    mean_scores = model.scores_.mean(axis=1)
    index, best = np.unravel_index(np.argmax(mean_scores), mean_scores.shape)
    assert index > 0
    assert model.l1_ratio_ == l1_ratios[index]
    assert model.alpha_ == model.alphas_[index, best]
    np.testing.assert_allclose(
        model.coef_, model.coef_path_[index, :, best].mean(axis=0), rtol=1e-14
    )
    assert model.intercept_ == pytest.approx(
        model.intercept_path_[index, :, best].mean(), rel=1e-14
    )
    assert model.n_iter_ == model.n_iter_path_[index, :, best].max()
    with pytest.raises(ValueError, match=r"needs refit=True: with refit=False"):
        model.coef_table(X, y, sample_weight=trials)


def test_near_best_pairs_are_those_near_the_best_of_every_path():
    mean_scores = np.array([[-1.0, -0.5, np.nan], [-0.5 - 1e-7, -0.5 - 1e-5, -2.0]])
    np.testing.assert_array_equal(
        skxent._cv._contenders(mean_scores),
        [[False, True, False], [True, False, False]],
    )


def test_near_best_pairs_of_every_path_are_fitted_on_to_tol(
    monkeypatch, make_proportions
):
    """With a crude path and every pair near-best, each pair's fits are at tol."""
    monkeypatch.setattr(skxent._cv, "PATH_TOLERANCE", 1e-2)
    monkeypatch.setattr(skxent._cv, "SCORE_MARGIN", np.inf)
    X, y, trials = _proportions(make_proportions)
    l1_ratios = [1.0, 0.5]
    model = ProbabilityRegressorCV(l1_ratio=l1_ratios, alphas=4, cv=THREE_FOLDS)
    model.fit(X, y, sample_weight=trials)
    for index, l1_ratio in enumerate(l1_ratios):
        for fold, (train, _) in enumerate(THREE_FOLDS.split(X)):
            for alpha, coef in zip(
                model.alphas_[index], model.coef_path_[index, fold], strict=True
            ):
                reference = ProbabilityRegressor(alpha=alpha, l1_ratio=l1_ratio)
                reference.fit(X[train], y[train], sample_weight=trials[train])
                np.testing.assert_allclose(coef, reference.coef_, rtol=0, atol=1e-8)


def test_paths_in_threads_give_the_same_result(make_proportions):
    X, y, trials = _proportions(make_proportions)
    fits = [
        ProbabilityRegressorCV(l1_ratio=[0.5, 1.0], alphas=5, cv=3, n_jobs=n_jobs).fit(
            X, y, sample_weight=trials
        )
        for n_jobs in (1, 2)
    ]
    for name in ("alphas_", "scores_", "coef_path_", "n_iter_path_", "coef_"):
        np.testing.assert_array_equal(getattr(fits[1], name), getattr(fits[0], name))
    assert (fits[1].l1_ratio_, fits[1].alpha_) == (fits[0].l1_ratio_, fits[0].alpha_)


def test_inference_refuses_a_chosen_l1_fit(make_proportions):
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(l1_ratio=[1.0], alphas=4, cv=3).fit(
        X, y, sample_weight=trials
    )
    with pytest.raises(ValueError, match=r"without an L1 penalty.*l1_ratio=1\."):
        model.coef_table(X, y, sample_weight=trials)


# Inputs


@pytest.fixture
def fitted_pair(make_proportions):
    """``(X, y, trials, model)``: a ProbabilityRegressorCV fitted on float64 arrays."""
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    model = ProbabilityRegressorCV(cv=SPLITTER).fit(X, y, sample_weight=trials)
    return X, y, trials, model


def test_sparse_csr_gives_the_dense_fit(fitted_pair):
    X, y, trials, dense = fitted_pair
    model = ProbabilityRegressorCV(cv=SPLITTER).fit(
        sparse.csr_matrix(X), y, sample_weight=trials
    )
    np.testing.assert_allclose(model.alphas_, dense.alphas_, rtol=1e-10)
    np.testing.assert_allclose(model.scores_, dense.scores_, atol=1e-8)
    assert model.alpha_ == dense.alpha_
    np.testing.assert_allclose(model.coef_, dense.coef_, rtol=1e-6)
    np.testing.assert_allclose(
        model.predict(sparse.csr_matrix(X)), dense.predict(X), rtol=1e-7
    )


def test_float32_fits_in_float32_and_predicts_as_the_float64_fit(fitted_pair):
    X, y, trials, full = fitted_pair
    model = ProbabilityRegressorCV(cv=SPLITTER).fit(
        X.astype(np.float32), y, sample_weight=trials
    )
    assert model.coef_.dtype == np.float32
    # The grid is computed from the float32 X: the same to float32 precision.
    np.testing.assert_allclose(model.alphas_, full.alphas_, rtol=1e-6)
    assert np.argmax(model.alphas_ == model.alpha_) == np.argmax(
        full.alphas_ == full.alpha_
    )
    np.testing.assert_allclose(
        model.predict(X.astype(np.float32)), full.predict(X), atol=1e-5
    )


@pytest.mark.parametrize("scoring", [None, "r2"])
def test_pipeline_with_dataframe_keeps_feature_names(scoring, make_proportions):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    columns = [f"feature_{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    pipeline = make_pipeline(
        StandardScaler(), ProbabilityRegressorCV(cv=SPLITTER, scoring=scoring)
    ).set_output(transform="pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pipeline.fit(frame, y, probabilityregressorcv__sample_weight=trials)
        predictions = pipeline.predict(frame)
    model = pipeline[-1]
    np.testing.assert_array_equal(model.feature_names_in_, columns)
    direct = ProbabilityRegressorCV(cv=SPLITTER, scoring=scoring).fit(
        StandardScaler().fit_transform(X), y, sample_weight=trials
    )
    assert model.alpha_ == direct.alpha_
    np.testing.assert_allclose(model.coef_, direct.coef_, rtol=1e-8)
    np.testing.assert_allclose(
        predictions, direct.predict(pipeline[0].transform(frame).to_numpy())
    )


def test_group_splitter_takes_the_groups(make_proportions):
    X, y, trials = _proportions(make_proportions)
    groups = np.arange(len(y)) % 7
    model = ProbabilityRegressorCV(cv=GroupKFold(4)).fit(
        X, y, sample_weight=trials, groups=groups
    )
    search = _grid_search(
        ProbabilityRegressor(),
        model.alphas_,
        X,
        y,
        trials,
        _scorer_on_unit_scale(),
        cv=list(GroupKFold(4).split(X, y, groups)),
    )
    np.testing.assert_allclose(model.scores_, _split_scores(search, 4), atol=5e-7)
    assert model.alpha_ == search.best_params_["alpha"]
    with pytest.raises(ValueError, match="groups"):
        ProbabilityRegressorCV(cv=GroupKFold(4)).fit(X, y)


def test_groups_are_routed_to_the_splitter_through_routers(make_proportions):
    """With metadata routing, groups reach the CV estimator's splitter from outside."""
    X, y, trials = _proportions(make_proportions)
    groups = np.arange(len(y)) % 7
    direct = ProbabilityRegressorCV(alphas=3, cv=GroupKFold(4)).fit(X, y, groups=groups)
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(
            StandardScaler(with_mean=False, with_std=False),
            ProbabilityRegressorCV(alphas=3, cv=GroupKFold(4)),
        ).fit(X, y, groups=groups)
        np.testing.assert_array_equal(pipeline[-1].scores_, direct.scores_)
        outer = cross_validate(
            ProbabilityRegressorCV(alphas=3, cv=GroupKFold(4)),
            X,
            y,
            cv=GroupKFold(3),
            params={"groups": groups},
        )
        assert np.all(np.isfinite(outer["test_score"]))
        # A splitter that takes no groups is not given them.
        with pytest.raises(TypeError, match="groups"):
            ProbabilityRegressorCV(alphas=3, cv=KFold(3)).fit(X, y, groups=groups)


@pytest.mark.parametrize("routing", [False, True])
def test_splits_given_as_a_generator_are_used_once(routing, make_proportions):
    X, y, trials = _proportions(make_proportions)
    reference = ProbabilityRegressorCV(alphas=3, cv=SPLITTER).fit(X, y)
    with sklearn.config_context(enable_metadata_routing=routing):
        model = ProbabilityRegressorCV(
            alphas=3, cv=(split for split in SPLITTER.split(X))
        ).fit(X, y)
    np.testing.assert_array_equal(model.scores_, reference.scores_)
    with pytest.raises(ValueError, match=r"cv=\[\] gave no \(train, test\) splits"):
        ProbabilityRegressorCV(alphas=3, cv=[]).fit(X, y)


@pytest.mark.parametrize(
    "make_cv, same_as",
    [
        (lambda X: None, KFold(5)),
        (lambda X: 3, KFold(3)),
        (lambda X: list(SPLITTER.split(X)), SPLITTER),
        (lambda X: SPLITTER.split(X), SPLITTER),
    ],
    ids=["default", "int", "list of splits", "generator of splits"],
)
def test_cv_is_read_as_check_cv_reads_it(make_cv, same_as, make_proportions):
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(cv=make_cv(X)).fit(X, y, sample_weight=trials)
    reference = ProbabilityRegressorCV(cv=same_as).fit(X, y, sample_weight=trials)
    np.testing.assert_array_equal(model.scores_, reference.scores_)
    np.testing.assert_array_equal(model.coef_, reference.coef_)


def test_a_fold_of_zero_held_out_weight_is_not_scored(make_proportions):
    X, y, trials = _proportions(make_proportions)
    splits = list(SPLITTER.split(X))
    trials[splits[0][1]] = 0.0
    model = ProbabilityRegressorCV(cv=splits).fit(X, y, sample_weight=trials)
    assert np.all(np.isnan(model.scores_[0]))
    # The rows of zero weight change no fit: the other folds are those of a
    # CV without the first.
    others = ProbabilityRegressorCV(cv=splits[1:]).fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(model.scores_[1:], others.scores_, rtol=1e-10)
    assert model.alpha_ == others.alpha_


@pytest.mark.parametrize("refit", [True, False])
def test_folds_in_threads_give_the_same_result(refit, make_soft_labels):
    data = make_soft_labels(n_samples=300, n_features=4, n_classes=3, seed=3)
    fits = [
        ProbabilityRegressorCV(cv=SPLITTER, n_jobs=n_jobs, refit=refit).fit(
            data.X, data.soft, sample_weight=data.weights
        )
        for n_jobs in (1, 2)
    ]
    for name in ("scores_", "coef_path_", "intercept_path_", "coef_", "intercept_"):
        np.testing.assert_array_equal(getattr(fits[1], name), getattr(fits[0], name))
    assert fits[1].alpha_ == fits[0].alpha_


def _neg_mean_absolute_error(estimator, X, y):
    return -mean_absolute_error(y, estimator.predict(X))


@pytest.mark.parametrize(
    "scoring",
    ["r2", _neg_mean_absolute_error, make_scorer(r2_score)],
    ids=["name", "callable", "scorer"],
)
@pytest.mark.parametrize("estimator", ["probability", "range"])
def test_scoring_is_read_as_grid_search_reads_it(scoring, estimator, make_proportions):
    X, y, _ = _proportions(make_proportions)
    if estimator == "probability":
        cv_estimator, reference = ProbabilityRegressorCV(), ProbabilityRegressor()
    else:
        y = 20 + 60 * y
        cv_estimator = CrossEntropyRegressorCV()
        reference = CrossEntropyRegressor(target_range=(y.min(), y.max()))
    model = cv_estimator.set_params(cv=SPLITTER, scoring=scoring).fit(X, y)
    search = GridSearchCV(
        reference, {"alpha": list(model.alphas_)}, cv=SPLITTER, scoring=scoring
    ).fit(X, y)
    # These scores are more sensitive than the cross-entropy to the path's
    # PATH_TOLERANCE: R^2 divides by the targets' variance.
    np.testing.assert_allclose(
        model.scores_, _split_scores(search, 5), rtol=1e-5, atol=1e-6
    )
    assert model.alpha_ == search.best_params_["alpha"]
    np.testing.assert_allclose(
        model.coef_, search.best_estimator_.coef_, rtol=1e-6, atol=1e-10
    )


def test_sample_weight_reaches_a_scorer_as_in_grid_search(make_proportions):
    """Weights reach a scorer as GridSearchCV passes them, with routing or not.

    Without metadata routing, to a scorer that takes them (a warning if it
    does not); with it, as the scorer requests them, under its alias, and
    an error where the request is unset.
    """
    X, y, trials = _proportions(make_proportions)
    default = ProbabilityRegressorCV(cv=SPLITTER).fit(X, y, sample_weight=trials)
    taking = ProbabilityRegressorCV(cv=SPLITTER, scoring=_scorer_on_unit_scale())
    np.testing.assert_allclose(
        taking.fit(X, y, sample_weight=trials).scores_, default.scores_, rtol=1e-12
    )
    unweighted = ProbabilityRegressorCV(cv=SPLITTER).fit(X, y)
    assert not np.allclose(unweighted.scores_, default.scores_, rtol=1e-6, atol=0)
    grid = GridSearchCV(
        ProbabilityRegressor(),
        {"alpha": default.alphas_[:3]},
        cv=SPLITTER,
        scoring="r2",
    ).fit(X, y, sample_weight=trials)
    by_r2 = ProbabilityRegressorCV(
        alphas=default.alphas_[:3], cv=SPLITTER, scoring="r2"
    ).fit(X, y, sample_weight=trials)
    np.testing.assert_allclose(
        by_r2.scores_.mean(axis=0), grid.cv_results_["mean_test_score"], atol=1e-6
    )

    def ignoring_weights(estimator, X, y):
        return -np.mean((estimator.predict(X) - y) ** 2)

    with pytest.warns(UserWarning, match="does not take sample_weight") as record:
        ProbabilityRegressorCV(alphas=2, cv=2, scoring=ignoring_weights).fit(
            X, y, sample_weight=trials
        )
    assert record[0].filename == __file__
    with sklearn.config_context(enable_metadata_routing=True):
        for alias in (True, "trials"):
            scorer = _scorer_on_unit_scale().set_score_request(sample_weight=alias)
            model = ProbabilityRegressorCV(cv=SPLITTER, scoring=scorer)
            if alias is True:
                model.fit(X, y, sample_weight=trials)
            else:
                model.fit(X, y, sample_weight=trials, trials=trials)
            np.testing.assert_allclose(model.scores_, default.scores_, rtol=1e-12)
        with pytest.raises(UnsetMetadataPassedError):
            ProbabilityRegressorCV(cv=SPLITTER, scoring="r2").fit(
                X, y, sample_weight=trials
            )


def test_sparse_coo_X_is_scored_like_csr(make_proportions):
    X, y, trials = _proportions(make_proportions)
    fits = [
        ProbabilityRegressorCV(alphas=3, cv=SPLITTER, scoring="r2").fit(
            container(X), y, sample_weight=trials
        )
        for container in (sparse.coo_matrix, sparse.csr_matrix)
    ]
    np.testing.assert_array_equal(fits[0].scores_, fits[1].scores_)


def test_tables_need_the_refit(make_proportions):
    X, y, trials = _proportions(make_proportions)
    model = ProbabilityRegressorCV(alphas=3, cv=3, refit=False)
    model.fit(X, y, sample_weight=trials)
    for table in (model.coef_table, model.partial_effects_table):
        with pytest.raises(ValueError, match=r"needs refit=True: with refit=False"):
            table(X, y, sample_weight=trials)


# The fitted model's methods


@pytest.mark.parametrize("estimator", ["probability", "range"])
@pytest.mark.parametrize("table", ["coef_table", "partial_effects_table"])
def test_tables_are_those_of_the_model_at_alpha_(table, estimator, make_proportions):
    X, y, trials = _proportions(make_proportions)
    if estimator == "probability":
        model, reference = ProbabilityRegressorCV(cv=3), ProbabilityRegressor()
    else:
        y = 100 * y
        model = CrossEntropyRegressorCV(target_range=(0, 100), cv=3)
        reference = CrossEntropyRegressor(target_range=(0, 100))
    model.fit(X, y, sample_weight=trials)
    reference.set_params(alpha=model.alpha_).fit(X, y, sample_weight=trials)
    pd.testing.assert_frame_equal(
        getattr(model, table)(X, y, sample_weight=trials),
        getattr(reference, table)(X, y, sample_weight=trials),
        rtol=1e-6,
    )
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))


def test_two_dimensional_frame_targets_name_the_classes(make_soft_labels):
    data = make_soft_labels(n_samples=200, n_features=3, n_classes=3, seed=4)
    names = ["left", "centre", "right"]
    soft = pd.DataFrame(data.soft, columns=names)
    model = ProbabilityRegressorCV(cv=3).fit(data.X, soft)
    np.testing.assert_array_equal(model.target_names_, names)
    table = model.coef_table(data.X, soft)
    assert list(table.index.get_level_values("class").unique()) == names
    assert model.predict(data.X).shape == (200, 3)


def test_predict_before_fit_raises_not_fitted(estimator_cv):
    with pytest.raises(NotFittedError):
        estimator_cv.predict(np.zeros((3, 2)))


# Errors


@pytest.mark.parametrize(
    "alphas",
    [[-1.0, 0.1], [[0.1, 1.0]], [], [np.nan, 1.0], [np.inf]],
    ids=["negative", "2-D", "empty", "nan", "inf"],
)
def test_invalid_alphas_are_refused_by_name(alphas, estimator_cv, make_proportions):
    X, y, _ = _proportions(make_proportions)
    with pytest.raises(ValueError, match="alphas"):
        estimator_cv.set_params(alphas=alphas).fit(X, y)


@pytest.mark.parametrize(
    "l1_ratio, error, found",
    [
        ([0.5, 1.5], ValueError, r"\[1\.5\]"),
        ([-0.1, 0.5, 2.0], ValueError, r"\[-0\.1, 2\.0\]"),
        ([0.5, np.nan], ValueError, r"\[nan\]"),
        ([], ValueError, r"non-empty"),
        ([[0.5, 1.0]], ValueError, r"1-D"),
        (["lasso"], TypeError, r"real numbers"),
        ([True, False], TypeError, r"real numbers"),
        (1.5, InvalidParameterError, r"1\.5"),
        (np.nan, InvalidParameterError, r"nan"),
        ("lasso", InvalidParameterError, r"lasso"),
    ],
    ids=[
        "above 1",
        "below 0",
        "nan",
        "empty",
        "2-D",
        "strings",
        "bools",
        "float above 1",
        "float nan",
        "string",
    ],
)
def test_invalid_l1_ratio_is_refused_by_name(
    l1_ratio, error, found, estimator_cv, make_proportions
):
    X, y, _ = _proportions(make_proportions)
    with pytest.raises(error, match=rf"l1_ratio.*{found}"):
        estimator_cv.set_params(l1_ratio=l1_ratio).fit(X, y)


@pytest.mark.parametrize("alphas", [0, -3, 2.5, "many"])
def test_alphas_that_are_neither_a_count_nor_an_array_are_invalid(
    alphas, estimator_cv, make_proportions
):
    X, y, _ = _proportions(make_proportions)
    with pytest.raises(InvalidParameterError, match="alphas"):
        estimator_cv.set_params(alphas=alphas).fit(X, y)


def test_dask_input_is_refused_with_what_to_do(estimator_cv, make_proportions):
    da = pytest.importorskip("dask.array")
    X, y, _ = _proportions(make_proportions)
    with pytest.raises(TypeError, match=r"X\.compute\(\)"):
        estimator_cv.fit(da.from_array(X, chunks=(100, -1)), y)


# Warnings


def test_path_fits_of_every_l1_ratio_are_counted_in_the_warning(
    make_proportions, record_warnings
):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    model = ProbabilityRegressorCV(
        l1_ratio=[0.5, 1.0], alphas=2, cv=3, max_iter=1, refit=False
    )
    with record_warnings() as caught:
        model.fit(X, y, sample_weight=trials)
    assert [w.category for w in caught] == [ConvergenceWarning]
    assert caught[0].filename == __file__
    assert re.search(
        r"\d+ of the 12 fits .* on fold 0 at alpha=\S+, l1_ratio=0\.5:",
        str(caught[0].message),
    )


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_path_fits_that_stop_early_warn_once_at_the_callers_line(
    n_jobs, make_proportions, record_warnings
):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    model = ProbabilityRegressorCV(
        alphas=4, cv=3, max_iter=1, refit=False, n_jobs=n_jobs
    )
    with record_warnings() as caught:
        model.fit(X, y, sample_weight=trials)
    assert [w.category for w in caught] == [ConvergenceWarning]
    assert caught[0].filename == __file__
    counted = re.search(r"(\d+) of the 12 fits", str(caught[0].message))
    assert counted is not None and int(counted.group(1)) >= 1


def test_refit_that_stops_early_warns_beside_the_path(
    make_proportions, record_warnings
):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    with record_warnings() as caught:
        ProbabilityRegressorCV(alphas=4, cv=3, max_iter=1).fit(
            X, y, sample_weight=trials
        )
    assert {w.category for w in caught} == {ConvergenceWarning}
    assert [w.filename for w in caught] == [__file__] * len(caught)
    path = [w for w in caught if "of the 12 fits" in str(w.message)]
    assert len(path) == 1


@pytest.mark.parametrize("verbose", [0, 1])
def test_verbose_reaches_the_fits(verbose, make_proportions, capsys):
    X, y, trials = _proportions(make_proportions)
    ProbabilityRegressorCV(alphas=2, cv=2, verbose=verbose).fit(
        X, y, sample_weight=trials
    )
    assert bool(capsys.readouterr().out) == bool(verbose)


def test_a_converged_fit_warns_nothing(make_proportions, record_warnings):
    X, y, trials = _proportions(make_proportions, BADLY_SCALED)
    with record_warnings() as caught:
        ProbabilityRegressorCV(cv=3).fit(X, y, sample_weight=trials)
    assert caught == []


# The estimators in scikit-learn's machinery


def test_clone_and_get_params_round_trip(estimator_cv, make_proportions):
    X, y, _ = _proportions(make_proportions)
    expected = {
        "alphas",
        "l1_ratio",
        "penalty_weights",
        "link",
        "fit_intercept",
        "tol",
        "max_iter",
        "verbose",
        "cv",
        "scoring",
        "n_jobs",
        "refit",
    }
    if isinstance(estimator_cv, CrossEntropyRegressorCV):
        expected.add("target_range")
    assert set(estimator_cv.get_params()) == expected
    estimator_cv.set_params(alphas=[1.0, 1e-2], cv=SPLITTER, tol=1e-9)
    fitted = clone(estimator_cv).fit(X, y)
    fresh = clone(fitted)
    params, expected_params = fresh.get_params(), estimator_cv.get_params()
    # clone copies the splitter: equal parameters, not the same object.
    assert repr(params.pop("cv")) == repr(expected_params.pop("cv"))
    assert params == expected_params
    assert not hasattr(fresh, "coef_")
    np.testing.assert_array_equal(fresh.fit(X, y).coef_, fitted.coef_)


def test_exported_from_the_package():
    assert {"ProbabilityRegressorCV", "CrossEntropyRegressorCV"} <= set(skxent.__all__)
    assert skxent.ProbabilityRegressorCV is ProbabilityRegressorCV
    assert skxent.CrossEntropyRegressorCV is CrossEntropyRegressorCV
