"""The estimators' shared flow: parameters, fit, predict, and what they leave alone.

What every estimator does the same way (``skxent/_base.py``): validate the
parameters, choose the link from the targets' shape, warm start, print
progress, store the fit, predict from many threads, and never copy or change
the caller's data. What differs between the two estimators is in
``test_regressors.py``.
"""

import pickle
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skxent import CrossEntropyRegressor, ProbabilityRegressor


def coef_and_intercept_of(model):
    return np.r_[model.coef_, model.intercept_]


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
def test_invalid_parameters_are_named(
    estimator, parameters, name, make_fractional_data, targets_for
):
    X, y, _ = make_fractional_data()
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter"):
        clone(estimator).set_params(**parameters).fit(X, targets_for(estimator, y))


@pytest.mark.parametrize("link", ["probit", "cloglog"])
def test_other_links_refuse_soft_label_rows(link, make_soft_labels):
    data = make_soft_labels()
    with pytest.raises(ValueError, match=f"link='{link}' applies to 1-D targets"):
        ProbabilityRegressor(link=link).fit(data.X, data.soft)


def test_warm_start_starts_at_the_previous_solution(make_proportions):
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(warm_start=True).fit(X, y, sample_weight=trials)
    first = coef_and_intercept_of(model)
    model.fit(X, y, sample_weight=trials)
    assert model.n_iter_ <= 2
    np.testing.assert_allclose(coef_and_intercept_of(model), first, rtol=1e-8)
    cold = ProbabilityRegressor().fit(X, y, sample_weight=trials)
    assert cold.n_iter_ > model.n_iter_


def test_verbose_prints_progress(capsys, make_proportions):
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(verbose=1).fit(X, y, sample_weight=trials)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == model.n_iter_
    assert "objective" in lines[-1] and "max |gradient|" in lines[-1]
    ProbabilityRegressor().fit(X, y, sample_weight=trials)
    assert capsys.readouterr().out == ""


def test_no_intercept(make_proportions, assert_optimal):
    X, y, trials = make_proportions()
    model = ProbabilityRegressor(fit_intercept=False).fit(X, y, sample_weight=trials)
    assert model.intercept_ == 0.0
    assert_optimal(model, X, y, trials, atol=1e-9)


def test_pandas_input_keeps_feature_names(make_proportions):
    X, y, _ = make_proportions(n_features=3)
    frame = pd.DataFrame(X, columns=["age", "income", "score"])
    model = CrossEntropyRegressor().fit(frame, pd.Series(y * 100))
    np.testing.assert_array_equal(model.feature_names_in_, ["age", "income", "score"])
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


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
def test_fitting_leaves_the_arrays_alone(make_input, make_fractional_data):
    X, y, weights = make_input(*make_fractional_data())
    before = pickle.dumps((X, y, weights))
    model = ProbabilityRegressor().fit(X, y, sample_weight=weights)
    model.predict(X)
    model.coef_table(X, y, sample_weight=weights)
    assert pickle.dumps((X, y, weights)) == before


def test_predict_from_many_threads_equals_serial(
    estimator, make_fractional_data, targets_for
):
    X, y, _ = make_fractional_data(n_samples=300)
    model = clone(estimator).fit(X, targets_for(estimator, y))
    inputs = [np.roll(X, shift, axis=0) for shift in range(32)]
    serial = [model.predict(rows) for rows in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(model.predict, inputs))
    for expected, got in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(got, expected)


def peak_allocated_during(function):
    """Return the peak bytes numpy and Python allocate while ``function`` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_X_is_not_copied(order, dtype, make_proportions):
    X, y, trials = make_proportions(n_samples=200_000, n_features=100)
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
