"""The estimators in scikit-learn's machinery: pipelines, searches, pickling."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skxent import CrossEntropyRegressor


@pytest.fixture
def strong_signal(make_proportions):
    """Shares of 20 trials, on columns of scales 0.01 to 100: ``(X, y)``.

    A strong signal: the in-sample R^2 is about 0.8.
    """
    X, y, _ = make_proportions(
        n_samples=200, n_features=4, seed=2, scales=[1.0, 100.0, 0.01, 5.0], n_trials=20
    )
    return X, y


def test_pipeline_with_scaler_fits_the_same_model(
    estimator, targets_for, strong_signal
):
    X, y = strong_signal
    y = targets_for(estimator, y)
    pipeline = make_pipeline(StandardScaler(), clone(estimator)).fit(X, y)
    scaler = StandardScaler().fit(X)
    direct = clone(estimator).fit(scaler.transform(X), y)
    np.testing.assert_allclose(pipeline.predict(X), direct.predict(scaler.transform(X)))
    assert pipeline.score(X, y) > 0.5


def test_grid_search_over_alpha(estimator, targets_for, strong_signal):
    X, y = strong_signal
    y = targets_for(estimator, y)
    pipeline = make_pipeline(StandardScaler(), clone(estimator))
    step = pipeline.steps[-1][0]
    search = GridSearchCV(pipeline, {f"{step}__alpha": [1e-4, 1e-2, 10.0]}, cv=3)
    search.fit(X, y)
    # Heavy shrinkage towards the mean cannot be best on this strong signal.
    assert search.best_params_[f"{step}__alpha"] in (1e-4, 1e-2)
    assert search.best_estimator_[-1].alpha == search.best_params_[f"{step}__alpha"]


def test_cross_validate_with_sample_weight(estimator, targets_for, strong_signal):
    X, y = strong_signal
    y = targets_for(estimator, y)
    weights = np.full(len(y), 20.0)
    results = cross_validate(
        clone(estimator),
        X,
        y,
        cv=KFold(4),
        params={"sample_weight": weights},
        scoring=["r2", "neg_mean_absolute_error"],
    )
    assert np.all(results["test_r2"] > 0.5)
    assert np.all(np.isfinite(results["test_neg_mean_absolute_error"]))


def test_clone_and_pickle_round_trip(estimator, targets_for, strong_signal):
    X, y = strong_signal
    y = targets_for(estimator, y)
    weights = np.linspace(0.5, 2.0, len(y))
    model = clone(estimator).set_params(alpha=0.5).fit(X, y, sample_weight=weights)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    assert not hasattr(fresh, "coef_")


def test_model_comparison_on_diabetes():
    """A model-comparison script: skxent beside least squares, same protocol."""
    X, y = load_diabetes(return_X_y=True)
    models = {
        "LinearRegression": LinearRegression(),
        "Ridge": Ridge(alpha=1.0),
        "CrossEntropyRegressor": CrossEntropyRegressor(alpha=1e-3),
    }
    cv = KFold(5, shuffle=True, random_state=0)
    results = {
        name: cross_validate(
            make_pipeline(StandardScaler(), model),
            X,
            y,
            cv=cv,
            scoring=["r2", "neg_mean_absolute_error"],
        )
        for name, model in models.items()
    }
    r2 = {name: result["test_r2"].mean() for name, result in results.items()}
    # Least squares explains about half the variance here; the bounded
    # model must be in the same league, not a toy.
    assert r2["LinearRegression"] > 0.4
    assert r2["CrossEntropyRegressor"] > r2["LinearRegression"] - 0.05
    fitted = CrossEntropyRegressor().fit(X, y).predict(X)
    assert np.all((fitted > y.min()) & (fitted < y.max()))
