import pickle

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skxent import CrossEntropyRegressor, ProbabilityRegressor


def proportions(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 100.0, 0.01, 5.0]
    mu = expit(X @ np.array([0.8, 0.005, 50.0, -0.1]))
    return X, rng.binomial(20, mu) / 20


ESTIMATORS = [
    (ProbabilityRegressor(), lambda y: y),
    (CrossEntropyRegressor(), lambda y: 40 + 60 * y),
]


@pytest.mark.parametrize("estimator, target", ESTIMATORS)
def test_pipeline_with_scaler_fits_the_same_model(estimator, target):
    X, y = proportions()
    pipeline = make_pipeline(StandardScaler(), clone(estimator)).fit(X, target(y))
    scaler = StandardScaler().fit(X)
    direct = clone(estimator).fit(scaler.transform(X), target(y))
    np.testing.assert_allclose(pipeline.predict(X), direct.predict(scaler.transform(X)))
    assert pipeline.score(X, target(y)) > 0.5


@pytest.mark.parametrize("estimator, target", ESTIMATORS)
def test_grid_search_over_alpha(estimator, target):
    X, y = proportions()
    pipeline = make_pipeline(StandardScaler(), clone(estimator))
    step = pipeline.steps[-1][0]
    search = GridSearchCV(pipeline, {f"{step}__alpha": [1e-4, 1e-2, 10.0]}, cv=3)
    search.fit(X, target(y))
    # Heavy shrinkage towards the mean cannot be best on this strong signal.
    assert search.best_params_[f"{step}__alpha"] in (1e-4, 1e-2)
    assert search.best_estimator_[-1].alpha == search.best_params_[f"{step}__alpha"]


@pytest.mark.parametrize("estimator, target", ESTIMATORS)
def test_cross_validate_with_sample_weight(estimator, target):
    X, y = proportions()
    weights = np.full(len(y), 20.0)
    results = cross_validate(
        clone(estimator),
        X,
        target(y),
        cv=KFold(4),
        params={"sample_weight": weights},
        scoring=["r2", "neg_mean_absolute_error"],
    )
    assert np.all(results["test_r2"] > 0.5)
    assert np.all(np.isfinite(results["test_neg_mean_absolute_error"]))


@pytest.mark.parametrize("estimator, target", ESTIMATORS)
def test_clone_and_pickle_round_trip(estimator, target):
    X, y = proportions()
    model = clone(estimator).set_params(alpha=0.5).fit(X, target(y))
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
