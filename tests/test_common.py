"""scikit-learn's common estimator checks, and their stand-ins on probabilities.

``test_sklearn_compatible_estimator`` runs every check scikit-learn has for a
regressor. ``ProbabilityRegressor`` must reject the targets some of those
checks train on (class labels, standardised noise), so they are expected to
fail (``skxent.utils.estimator_checks``); with ``xfail_strict`` the list can
neither hide a failure nor go stale. Each of those checks has a stand-in
below that asserts the same property on probability targets in [0, 1], and
``STAND_INS`` maps every expected failure to its stand-in.
"""

import contextlib
from copy import deepcopy
from functools import partial
from inspect import signature

import joblib
import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
)
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils import get_tags
from sklearn.utils._testing import create_memmap_backed_data
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from skxent import (
    CrossEntropyRegressor,
    CrossEntropyRegressorCV,
    ProbabilityRegressor,
    ProbabilityRegressorCV,
)
from skxent.utils.estimator_checks import (
    _PROBABILITY_REGRESSOR_EXPECTED_FAILURES,
    expected_failed_checks,
)

try:  # scikit-learn's own wrapper, where this version keeps it
    from sklearn.utils.estimator_checks import _NotAnArray
except ImportError:  # pragma: no cover

    class _NotAnArray:
        """Convertible to an array, but not an ndarray nor a sequence."""

        def __init__(self, data):
            self.data = np.asarray(data)

        def __array__(self, dtype=None, copy=None):
            return self.data


def make_beta_data(n_samples=200, n_features=10, seed=0, precision=30.0):
    """Make ``(X, y)``: y beta-distributed about a logistic model of one feature.

    One informative standardised feature among ``n_features``, and the two
    extreme targets set to 0 and 1: a signal strong enough for the R^2 that
    check_regressors_train asks.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    mu = expit(2.0 * X[:, 0] - 0.5)
    y = rng.beta(precision * mu, precision * (1.0 - mu))
    y[np.argmin(mu)] = 0.0
    y[np.argmax(mu)] = 1.0
    return X, y


def assert_same_fit(model, reference, rtol=1e-12, atol=0.0):
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=rtol, atol=atol)
    assert model.intercept_ == pytest.approx(reference.intercept_, rel=rtol, abs=atol)


# scikit-learn's checks on every estimator: a list of instances, as
# parametrize_with_checks takes them (the other tests take the ``estimator``
# fixture of conftest.py, of the same estimators).
@parametrize_with_checks(
    [
        CrossEntropyRegressor(),
        ProbabilityRegressor(),
        CrossEntropyRegressorCV(),
        ProbabilityRegressorCV(),
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    """All of scikit-learn's checks; expected failures are strict xfails."""
    check(estimator)


# --- Stand-ins: every expected failure, tested on probability targets ---

# The stand-ins hold for the CV estimators too; a short path keeps them quick.
ESTIMATORS_AND_CV_ESTIMATORS = [
    ProbabilityRegressor(),
    CrossEntropyRegressor(),
    ProbabilityRegressorCV(alphas=3, cv=3),
    CrossEntropyRegressorCV(alphas=3, cv=3),
]


@pytest.fixture(
    params=ESTIMATORS_AND_CV_ESTIMATORS,
    ids=lambda estimator: type(estimator).__name__,
)
def estimator(request):
    """Each estimator of the package, CV estimators included, unfitted."""
    return clone(request.param)


def at_alpha(estimator, alpha):
    """Return ``estimator`` cloned to fit at ``alpha``: a CV estimator's only one.

    A CV estimator's choice among folds depends on which rows fall in which
    fold: properties of the fit that hold whatever the rows' order or
    multiplicity (the folds' are not) hold for its refit on all the data.
    """
    if "alphas" in estimator.get_params():
        return clone(estimator).set_params(alphas=[alpha])
    return clone(estimator).set_params(alpha=alpha)


def test_predict_does_not_change_dict(estimator, make_data_with_0_and_1):
    """Stands in for check_dict_unchanged."""
    X, y, _ = make_data_with_0_and_1(n_samples=20)
    model = clone(estimator).fit(X, y)
    before = dict(model.__dict__)
    copied = deepcopy(before)
    model.predict(X)
    model.score(X, y)
    assert model.__dict__.keys() == before.keys()
    for key, value in model.__dict__.items():
        assert value is before[key], key
        np.testing.assert_array_equal(value, copied[key], err_msg=key)


def test_fit_sets_only_trailing_underscore_attributes(
    estimator, make_data_with_0_and_1
):
    """Stands in for check_dont_overwrite_parameters."""
    X, y, _ = make_data_with_0_and_1(n_samples=20)
    model = clone(estimator)
    before = dict(model.__dict__)
    model.fit(X, y)
    public = [key for key in model.__dict__ if not key.startswith("_")]
    added = [key for key in public if key not in before]
    assert added, "fit should set fitted attributes"
    assert all(key.endswith("_") for key in added), added
    assert {"coef_", "intercept_", "n_iter_", "n_features_in_"} <= set(added)
    changed = [key for key in public if key in before]
    assert all(model.__dict__[key] is before[key] for key in changed)


@pytest.mark.parametrize(
    "estimator",
    [
        ProbabilityRegressor(alpha=0.01, warm_start=True, max_iter=50),
        CrossEntropyRegressor(target_range=(0, 1), alpha=0.01, fit_intercept=False),
        CrossEntropyRegressor(target_range=(0.0, 1.0), tol=1e-8),
    ],
    ids=repr,
)
def test_fit_does_not_change_parameters(estimator, make_data_with_0_and_1):
    """Stands in for check_estimators_overwrite_params."""
    X, y, _ = make_data_with_0_and_1(n_samples=21)
    model = clone(estimator)
    params = deepcopy(model.get_params())
    model.fit(X, y).fit(X, y)
    new_params = model.get_params()
    assert new_params.keys() == params.keys()
    for name, value in params.items():
        assert joblib.hash(new_params[name]) == joblib.hash(value), name


def test_object_dtype_is_numeric(estimator, make_data_with_0_and_1):
    """Stands in for check_dtype_object."""
    X, y, _ = make_data_with_0_and_1(n_samples=56, n_features=10)
    reference = clone(estimator).fit(X, y)
    model = clone(estimator).fit(X.astype(object), y.astype(object))
    assert_same_fit(model, reference)
    np.testing.assert_array_equal(model.predict(X.astype(object)), reference.predict(X))
    X_bad = X.astype(object)
    X_bad[0, 0] = {"foo": "bar"}
    with pytest.raises(TypeError, match="argument must be .* string.* number"):
        clone(estimator).fit(X_bad, y)


SPARSE_CONTAINERS = [
    sparse.csr_matrix,
    sparse.csc_matrix,
    sparse.csr_array,
    sparse.csc_array,
]


@pytest.mark.parametrize("container", SPARSE_CONTAINERS, ids=lambda c: c.__name__)
def test_sparse_X_gives_the_dense_fit(estimator, container, make_data_with_0_and_1):
    """Stands in for check_estimator_sparse_array, _matrix and _tag."""
    assert get_tags(estimator).input_tags.sparse is True
    X, y, _ = make_data_with_0_and_1(n_samples=40)
    X[X < 0.6] = 0.0
    dense = clone(estimator).fit(X, y)
    model = clone(estimator).fit(container(X), y)
    np.testing.assert_allclose(model.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    assert model.intercept_ == pytest.approx(dense.intercept_, rel=1e-9)
    np.testing.assert_allclose(model.predict(container(X)), dense.predict(X), rtol=1e-9)
    # Other sparse formats are converted to CSR.
    np.testing.assert_allclose(
        clone(estimator).fit(sparse.coo_array(X), y).coef_, dense.coef_, rtol=1e-9
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_X_dtypes(estimator, dtype, make_data_with_0_and_1):
    """Stands in for check_estimators_dtypes."""
    X, y, _ = make_data_with_0_and_1(n_samples=20, n_features=5)
    X = (3 * np.abs(X)).astype(dtype)
    model = clone(estimator).fit(X, y)
    predictions = model.predict(X)
    expected_dtype = np.float32 if dtype == np.float32 else np.float64
    assert predictions.dtype == expected_dtype
    assert model.coef_.dtype == expected_dtype
    reference = clone(estimator).fit(X.astype(np.float64), y)
    if dtype == np.float32:
        np.testing.assert_allclose(
            predictions, reference.predict(X.astype(np.float64)), rtol=1e-5
        )
    else:
        # Integer X is converted to float64: exactly the float64 fit.
        assert_same_fit(model, reference)
        np.testing.assert_array_equal(predictions, reference.predict(X))


@pytest.mark.parametrize("with_weights", [False, True])
def test_fit_returns_self(estimator, with_weights, make_data_with_0_and_1):
    """Stands in for check_estimators_fit_returns_self."""
    X, y, _ = make_data_with_0_and_1(n_samples=21)
    model = clone(estimator)
    sample_weight = np.arange(1.0, 22.0) if with_weights else None
    assert model.fit(X, y, sample_weight=sample_weight) is model


@pytest.mark.parametrize(
    "n_samples, n_features, weighted, rtol, atol, predict_rtol",
    [(20, 3, False, 1e-9, 1e-12, 1e-9), (500, 6, True, 1e-12, 0.0, 1e-14)],
    ids=["20 rows", "500 weighted rows"],
)
def test_f_contiguous_X_gives_the_c_contiguous_fit(
    estimator,
    make_data_with_0_and_1,
    n_samples,
    n_features,
    weighted,
    rtol,
    atol,
    predict_rtol,
):
    """Stands in for check_f_contiguous_array_estimator.

    BLAS's kernels for the two orders round differently (by 1e-16 on 500
    rows), hence a tolerance.
    """
    X, y, weights = make_data_with_0_and_1(n_samples=n_samples, n_features=n_features)
    weights = weights if weighted else None
    X_f = np.asfortranarray(X)
    assert X_f.flags.f_contiguous and not X_f.flags.c_contiguous
    model = clone(estimator).fit(X_f, y, sample_weight=weights)
    reference = clone(estimator).fit(np.ascontiguousarray(X), y, sample_weight=weights)
    assert_same_fit(model, reference, rtol=rtol, atol=atol)
    np.testing.assert_allclose(
        model.predict(X_f), reference.predict(X), rtol=predict_rtol
    )


def test_fit_with_one_feature(estimator, make_data_with_0_and_1, assert_optimal):
    """Stands in for check_fit2d_1feature."""
    X, y, _ = make_data_with_0_and_1(n_samples=20, n_features=1)
    model = clone(estimator).fit(X, y)
    assert model.coef_.shape == (1,)
    assert model.coef_[0] < -0.5  # the simulated slope is -1.5
    assert_optimal(model, X, y)
    np.testing.assert_allclose(
        model.predict(X), expit(X[:, 0] * model.coef_[0] + model.intercept_)
    )


@pytest.mark.parametrize("target", [0.3, 0.0, 1.0])
def test_fit_with_one_sample(target):
    """Stands in for check_fit2d_1sample: one sample is predicted back."""
    X = 3 * np.random.RandomState(0).uniform(size=(1, 10))
    # A target of 0 or 1 is fitted better and better as the intercept goes
    # to -inf or +inf: the fit says so.
    at_bound = (
        pytest.warns(ConvergenceWarning, match="optimum is not finite")
        if target in (0.0, 1.0)
        else contextlib.nullcontext()
    )
    with at_bound:
        model = ProbabilityRegressor().fit(X, [target])
    np.testing.assert_allclose(model.predict(np.vstack([X, 2 * X])), target, atol=1e-6)


def test_predict_on_1d_X_raises(estimator, make_data_with_0_and_1):
    """Stands in for check_fit2d_predict1d."""
    X, y, _ = make_data_with_0_and_1(n_samples=20)
    model = clone(estimator).fit(X, y)
    with pytest.raises(ValueError, match="Reshape your data"):
        model.predict(X[0])


def test_check_is_fitted_before_and_after_fit(
    estimator, make_data_with_0_and_1, assert_optimal
):
    """Stands in for check_fit_check_is_fitted."""
    X, y, _ = make_data_with_0_and_1(n_samples=100, n_features=2, seed=42, loc=100.0)
    model = clone(estimator)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    with pytest.raises(NotFittedError):
        model.predict(X)
    model.fit(X, y)
    check_is_fitted(model)
    # Columns far from zero (mean 100, spread 1) still reach the optimum.
    assert_optimal(model, X, y, atol=1e-7)


@pytest.mark.parametrize(
    "n_samples, n_features, loc, weighted",
    [(100, 2, 100.0, False), (300, 8, 0.0, True)],
    ids=["columns about 100", "300 weighted rows"],
)
def test_fit_is_idempotent(
    estimator, make_data_with_0_and_1, n_samples, n_features, loc, weighted
):
    """Stands in for check_fit_idempotent.

    A refit, of the same model or of a fresh one, is the same fit to the
    last bit.
    """
    X, y, weights = make_data_with_0_and_1(
        n_samples=n_samples, n_features=n_features, loc=loc
    )
    weights = weights if weighted else np.ones_like(y)
    X_train, X_test, y_train, _, w_train, _ = train_test_split(
        X, y, weights, test_size=0.2, random_state=0
    )
    model = clone(estimator)
    first = model.fit(X_train, y_train, sample_weight=w_train).predict(X_test)
    coef, intercept = model.coef_.copy(), model.intercept_
    second = model.fit(X_train, y_train, sample_weight=w_train).predict(X_test)
    np.testing.assert_array_equal(second, first)
    np.testing.assert_array_equal(model.coef_, coef)
    assert model.intercept_ == intercept
    fresh = clone(estimator).fit(X_train, y_train, sample_weight=w_train)
    np.testing.assert_array_equal(fresh.coef_, coef)
    assert fresh.intercept_ == intercept


def test_fit_and_score_take_y(estimator, make_data_with_0_and_1):
    """Stands in for check_fit_score_takes_y."""
    X, y, _ = make_data_with_0_and_1(n_samples=30)
    model = clone(estimator)
    for method in ("fit", "score"):
        parameters = list(signature(getattr(model, method)).parameters)
        assert parameters[:2] == ["X", "y"], (method, parameters)
    model.fit(X, y)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)), abs=0)
    weights = np.arange(1.0, 31.0)
    assert model.score(X, y, sample_weight=weights) == pytest.approx(
        r2_score(y, model.predict(X), sample_weight=weights), abs=0
    )


@pytest.mark.parametrize(
    "n_samples, weighted, rtol, atol",
    [(20, False, 1e-8, 1e-10), (200, True, 1e-9, 0.0)],
    ids=["20 rows", "200 weighted rows"],
)
def test_sample_order_invariance(
    estimator, make_data_with_0_and_1, n_samples, weighted, rtol, atol
):
    """Stands in for check_methods_sample_order_invariance."""
    X, y, weights = make_data_with_0_and_1(n_samples=n_samples)
    weights = weights if weighted else np.ones_like(y)
    model = clone(estimator).fit(X, y, sample_weight=weights)
    order = np.random.RandomState(1).permutation(len(y))
    np.testing.assert_allclose(
        model.predict(X)[order], model.predict(X[order]), rtol=1e-14, atol=1e-15
    )
    # Fitting on permuted rows (and weights) is the same model too.
    estimator = at_alpha(estimator, 1e-4)
    model = clone(estimator).fit(X, y, sample_weight=weights)
    permuted = clone(estimator).fit(X[order], y[order], sample_weight=weights[order])
    assert_same_fit(permuted, model, rtol=rtol, atol=atol)


def test_subset_invariance(estimator, make_data_with_0_and_1):
    """Stands in for check_methods_subset_invariance."""
    X, y, _ = make_data_with_0_and_1(n_samples=20)
    model = clone(estimator).fit(X, y)
    full = model.predict(X)
    by_row = np.concatenate([model.predict(row.reshape(1, -1)) for row in X])
    halves = np.concatenate([model.predict(X[:7]), model.predict(X[7:])])
    np.testing.assert_allclose(by_row, full, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(halves, full, rtol=1e-14, atol=1e-15)


def test_n_features_in(estimator, make_data_with_0_and_1):
    """Stands in for check_n_features_in."""
    X, y, _ = make_data_with_0_and_1(n_samples=100, n_features=2, loc=100.0)
    model = clone(estimator)
    assert not hasattr(model, "n_features_in_")
    model.fit(X, y)
    assert model.n_features_in_ == 2
    X_wide, y_wide, _ = make_data_with_0_and_1(n_samples=100, n_features=4)
    model.fit(X_wide, y_wide)
    assert model.n_features_in_ == 4


@pytest.mark.parametrize("method", ["predict", "score"])
def test_wrong_number_of_features_after_fit(estimator, method, make_data_with_0_and_1):
    """Stands in for check_n_features_in_after_fitting."""
    X, y, _ = make_data_with_0_and_1(n_samples=15, n_features=4)
    model = clone(estimator).fit(X, y)
    assert model.n_features_in_ == 4
    call = getattr(model, method)
    if method == "score":
        call = partial(call, y=y)
    message = (
        f"X has 1 features, but {type(estimator).__name__} is expecting 4 features"
    )
    with pytest.raises(ValueError, match=message):
        call(X[:, [1]])


def test_n_iter_is_a_positive_int(estimator, assert_optimal):
    """Stands in for check_non_transformer_estimators_n_iter."""
    X, target = load_iris(return_X_y=True)
    y = target / 2.0  # 0, 0.5 and 1
    model = clone(estimator).fit(X, y)
    assert isinstance(model.n_iter_, int)
    assert 1 <= model.n_iter_ <= model.max_iter
    assert_optimal(model, X, y)


def test_negative_X_is_accepted(estimator):
    """Stands in for check_positive_only_tag_during_fit."""
    assert get_tags(estimator).input_tags.positive_only is False
    X, target = load_iris(return_X_y=True)
    y = target / 2.0
    X_centered = X - X.mean()
    assert np.any(X_centered < 0)
    model = clone(estimator).fit(X_centered, y)
    # A shift of X is absorbed by the unpenalised intercept.
    reference = clone(estimator).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-6)
    np.testing.assert_allclose(
        model.predict(X_centered), reference.predict(X), rtol=1e-7, atol=1e-10
    )


# Read-only data: a read-only copy of X, X memory-mapped by np.load, and X, y
# and the weights memory-mapped by scikit-learn's own testing helper.
def _read_only_copy(X, y, weights, tmp_path):
    X = np.array(X, copy=True)
    X.flags.writeable = False
    return X, y, weights


def _loaded_memmap(X, y, weights, tmp_path):
    np.save(tmp_path / "X.npy", X)
    return np.load(tmp_path / "X.npy", mmap_mode="r"), y, weights


def _memmap_backed(X, y, weights, tmp_path):
    return tuple(create_memmap_backed_data([X, y, weights]))


@pytest.mark.parametrize(
    "read_only",
    [_read_only_copy, _loaded_memmap, _memmap_backed],
    ids=lambda f: f.__name__[1:],
)
def test_readonly_memmap_input(estimator, make_data_with_0_and_1, read_only, tmp_path):
    """Stands in for check_readonly_memmap_input.

    Read-only and memory-mapped data give the fit of the same data in
    memory, to the last bit.
    """
    X, y, weights = make_data_with_0_and_1(n_samples=500, n_features=6)
    X_r, y_r, weights_r = read_only(X, y, weights, tmp_path)
    assert not X_r.flags.writeable
    model = clone(estimator)
    assert model.fit(X_r, y_r, sample_weight=weights_r) is model
    reference = clone(estimator).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(model.coef_, reference.coef_)
    assert model.intercept_ == reference.intercept_
    np.testing.assert_array_equal(model.predict(X_r), reference.predict(X))
    if "warm_start" not in estimator.get_params():
        return
    # A warm-started refit on the same read-only data stays put.
    warm = clone(estimator).set_params(warm_start=True)
    warm.fit(X_r, y_r, sample_weight=weights_r).fit(X_r, y_r, sample_weight=weights_r)
    assert_same_fit(warm, reference, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("container", ["list", "NotAnArray", "pandas"])
def test_array_likes_give_the_ndarray_fit(estimator, container):
    """Stands in for check_regressor_data_not_an_array."""
    X, y = make_beta_data()
    if container == "list":
        X_, y_ = X.tolist(), y.tolist()
    elif container == "NotAnArray":
        X_, y_ = _NotAnArray(X), _NotAnArray(y)
    else:
        pd = pytest.importorskip("pandas")
        X_, y_ = pd.DataFrame(X), pd.Series(y)
    model = clone(estimator).fit(X_, y_)
    reference = clone(estimator).fit(X, y)
    # A DataFrame converts to a Fortran-ordered array: equal up to the
    # rounding of the other summation order, as for F-contiguous X.
    rtol = 1e-9 if container == "pandas" else 1e-12
    assert_same_fit(model, reference, rtol=rtol, atol=rtol * 1e-3)
    np.testing.assert_allclose(model.predict(X_), reference.predict(X), rtol=rtol)


def test_integer_X_and_y_give_the_float_fit(estimator, assert_optimal):
    """Stands in for check_regressors_int."""
    rng = np.random.RandomState(0)
    X = rng.randint(-3, 4, size=(50, 4))
    y = rng.randint(2, size=50)
    assert X.dtype.kind == "i" and y.dtype.kind == "i"
    model = clone(estimator).fit(X, y)
    reference = clone(estimator).fit(X.astype(float), y.astype(float))
    assert_same_fit(model, reference)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X.astype(float)))
    assert_optimal(model, X, y)


def test_regressors_have_no_decision_function(estimator, make_data_with_0_and_1):
    """Stands in for check_regressors_no_decision_function."""
    X, y, _ = make_data_with_0_and_1(n_samples=10, n_features=4)
    model = clone(estimator).fit(X, y)
    for method in ("decision_function", "predict_proba", "predict_log_proba"):
        assert not hasattr(model, method)


@pytest.mark.parametrize(
    "readonly_memmap, X_dtype",
    [(False, np.float64), (True, np.float64), (True, np.float32)],
    ids=["ndarray", "readonly_memmap", "readonly_memmap-float32"],
)
def test_regressors_train(estimator, readonly_memmap, X_dtype):
    """Stands in for check_regressors_train (all three variants)."""
    X, y = make_beta_data()
    X = X.astype(X_dtype)
    if readonly_memmap:
        X, y = create_memmap_backed_data([X, y])
    model = at_alpha(estimator, 0.01)
    with pytest.raises(ValueError):
        model.fit(X, y[:-1])
    reference = clone(model).fit(X, y)
    model.fit(X.tolist(), y.tolist())
    # Lists are float64: the float32 fit is close, not equal.
    rtol = 1e-12 if X_dtype == np.float64 else 1e-5
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=rtol, atol=rtol)
    predictions = model.predict(X)
    assert predictions.shape == y.shape
    assert np.all((predictions > 0) & (predictions < 1))
    assert model.score(X, y) > 0.5
    assert reference.score(X, y) > 0.5


@pytest.mark.parametrize("container", [np.asarray, sparse.csr_array])
@pytest.mark.parametrize(
    "n_samples, n_features, fit_intercept, rtol, atol",
    [
        (15, 5, True, 1e-6, 1e-8),
        (15, 30, True, 1e-6, 1e-8),
        (80, 3, True, 1e-8, 0.0),
        (80, 3, False, 1e-8, 0.0),
    ],
    ids=["15x5", "15x30", "80x3", "80x3-no-intercept"],
)
def test_integer_weights_equal_repeated_rows(
    estimator, container, n_samples, n_features, fit_intercept, rtol, atol
):
    """Stands in for check_sample_weight_equivalence_on_dense_data and _sparse_data."""
    rng = np.random.RandomState(42)
    X = rng.rand(n_samples, n_features)
    y = rng.beta(2.0, 2.0, size=n_samples)
    y[[0, 1]] = [0.0, 1.0]
    weights = rng.randint(0, 5, size=n_samples)
    weights[[0, 1]] = [2, 3]  # the exact bounds are kept, not dropped
    assert np.any(weights == 0) and np.any(weights > 1)
    X_repeated = X.repeat(weights, axis=0)
    y_repeated = y.repeat(weights)
    order = np.random.RandomState(0).permutation(n_samples)
    estimator = at_alpha(estimator, 1e-4).set_params(fit_intercept=fit_intercept)
    repeated = clone(estimator).fit(container(X_repeated), y_repeated)
    weighted = clone(estimator).fit(
        container(X[order]), y[order], sample_weight=weights[order]
    )
    np.testing.assert_allclose(
        weighted.predict(X), repeated.predict(X), rtol=rtol, atol=atol
    )
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=rtol, atol=atol)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, rel=rtol, abs=atol)


def test_sample_weight_as_list(estimator, make_data_with_0_and_1):
    """Stands in for check_sample_weights_list."""
    X, y, _ = make_data_with_0_and_1(n_samples=30)
    weights = np.arange(30) % 4 + 1.0
    from_list = clone(estimator).fit(X, y, sample_weight=weights.tolist())
    from_array = clone(estimator).fit(X, y, sample_weight=weights)
    assert_same_fit(from_list, from_array)
    # Constant weights ([3] * n, as in the check) are no weights at all.
    constant = clone(estimator).fit(X, y, sample_weight=[3] * 30)
    unweighted = clone(estimator).fit(X, y)
    assert_same_fit(constant, unweighted, rtol=1e-8, atol=1e-10)
    assert_same_fit(from_array, unweighted, rtol=0.5)  # sanity: close...
    assert not np.allclose(from_array.coef_, unweighted.coef_)  # ...not equal


def _weight_data():
    X = np.array(
        [[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2], [2, 3], [2, 4]]
        + [[3, 1], [3, 2], [3, 3], [3, 4]]
    )
    y = np.array([0.0, 0.1, 0.2, 0.4, 0.3, 0.5, 0.6, 0.8, 0.5, 0.7, 0.9, 1.0])
    weights = np.array([1, 2, 1, 3, 1, 1, 2, 1, 1, 4, 1, 1])
    return X, y, weights


def test_sample_weight_not_an_array(estimator, assert_optimal):
    """Stands in for check_sample_weights_not_an_array."""
    X, y, weights = _weight_data()
    model = clone(estimator).fit(
        _NotAnArray(X), _NotAnArray(y), sample_weight=_NotAnArray(weights)
    )
    reference = clone(estimator).fit(X, y, sample_weight=weights)
    assert_same_fit(model, reference)
    assert_optimal(model, X, y, weights)


def test_sample_weight_pandas_series(estimator, assert_optimal):
    """Stands in for check_sample_weights_pandas_series."""
    pd = pytest.importorskip("pandas")
    X, y, weights = _weight_data()
    model = clone(estimator).fit(
        pd.DataFrame(X), pd.Series(y), sample_weight=pd.Series(weights)
    )
    reference = clone(estimator).fit(X, y, sample_weight=weights)
    # The DataFrame's Fortran order changes the rounding, so the two fits
    # agree to the solver's tolerance, not bit for bit.
    assert_same_fit(model, reference, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        model.predict(pd.DataFrame(X)), reference.predict(X), rtol=1e-9
    )
    assert_optimal(model, X, y, weights)


@pytest.mark.parametrize(
    "shape", [(32,), (15,), (16, 2), (16, 1)], ids=lambda shape: str(shape)
)
def test_sample_weight_of_wrong_shape_is_rejected(
    estimator, shape, make_data_with_0_and_1
):
    """Stands in for check_sample_weights_shape."""
    X, y, _ = make_data_with_0_and_1(n_samples=16, n_features=2)
    clone(estimator).fit(X, y, sample_weight=np.ones(16))
    with pytest.raises(ValueError):
        clone(estimator).fit(X, y, sample_weight=np.ones(shape))


def test_sample_weight_not_overwritten(estimator, make_data_with_0_and_1):
    """Stands in for check_sample_weights_not_overwritten."""
    X, y, _ = make_data_with_0_and_1(n_samples=16, n_features=2)
    weights = np.ones(16)
    weights[0] = 10.0
    originals = [X.copy(), y.copy(), weights.copy()]
    clone(estimator).fit(X, y, sample_weight=weights)
    for given, original in zip([X, y, weights], originals, strict=True):
        np.testing.assert_array_equal(given, original)


def test_column_vector_y_warns_and_fits_the_same(estimator, make_data_with_0_and_1):
    """Stands in for check_supervised_y_2d."""
    X, y, _ = make_data_with_0_and_1(n_samples=30)
    reference = clone(estimator).fit(X, y)
    model = clone(estimator)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        model.fit(X, y[:, np.newaxis])
    assert_same_fit(model, reference)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))


def test_probability_rows_give_predictions_of_their_shape(make_data_with_0_and_1):
    """Stands in for check_regressor_multioutput."""
    X, y, _ = make_data_with_0_and_1(n_samples=40)
    rows = np.column_stack([y, 1 - y, np.zeros_like(y)]) * 0.8 + 0.2 / 3
    model = ProbabilityRegressor().fit(X, rows)
    predictions = model.predict(X)
    assert get_tags(model).target_tags.multi_output
    assert predictions.dtype == np.float64
    assert predictions.shape == rows.shape


STAND_INS = {
    "check_dict_unchanged": test_predict_does_not_change_dict,
    "check_dont_overwrite_parameters": (
        test_fit_sets_only_trailing_underscore_attributes
    ),
    "check_dtype_object": test_object_dtype_is_numeric,
    "check_estimator_sparse_array": test_sparse_X_gives_the_dense_fit,
    "check_estimator_sparse_matrix": test_sparse_X_gives_the_dense_fit,
    "check_estimator_sparse_tag": test_sparse_X_gives_the_dense_fit,
    "check_estimators_dtypes": test_X_dtypes,
    "check_estimators_fit_returns_self": test_fit_returns_self,
    "check_estimators_overwrite_params": test_fit_does_not_change_parameters,
    "check_f_contiguous_array_estimator": (
        test_f_contiguous_X_gives_the_c_contiguous_fit
    ),
    "check_fit2d_1feature": test_fit_with_one_feature,
    "check_fit2d_predict1d": test_predict_on_1d_X_raises,
    "check_fit_check_is_fitted": test_check_is_fitted_before_and_after_fit,
    "check_fit_idempotent": test_fit_is_idempotent,
    "check_fit_score_takes_y": test_fit_and_score_take_y,
    "check_methods_sample_order_invariance": test_sample_order_invariance,
    "check_methods_subset_invariance": test_subset_invariance,
    "check_n_features_in": test_n_features_in,
    "check_n_features_in_after_fitting": test_wrong_number_of_features_after_fit,
    "check_non_transformer_estimators_n_iter": test_n_iter_is_a_positive_int,
    "check_positive_only_tag_during_fit": test_negative_X_is_accepted,
    "check_readonly_memmap_input": test_readonly_memmap_input,
    "check_regressor_data_not_an_array": test_array_likes_give_the_ndarray_fit,
    "check_regressor_multioutput": (
        test_probability_rows_give_predictions_of_their_shape
    ),
    "check_regressors_int": test_integer_X_and_y_give_the_float_fit,
    "check_regressors_no_decision_function": test_regressors_have_no_decision_function,
    "check_regressors_train": test_regressors_train,
    "check_sample_weight_equivalence_on_dense_data": (
        test_integer_weights_equal_repeated_rows
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        test_integer_weights_equal_repeated_rows
    ),
    "check_sample_weights_list": test_sample_weight_as_list,
    "check_sample_weights_not_an_array": test_sample_weight_not_an_array,
    "check_sample_weights_not_overwritten": test_sample_weight_not_overwritten,
    "check_sample_weights_pandas_series": test_sample_weight_pandas_series,
    "check_sample_weights_shape": test_sample_weight_of_wrong_shape_is_rejected,
    "check_supervised_y_2d": test_column_vector_y_warns_and_fits_the_same,
}


def test_every_expected_failure_has_a_stand_in():
    """Each check ProbabilityRegressor fails by design is covered above."""
    assert STAND_INS.keys() == _PROBABILITY_REGRESSOR_EXPECTED_FAILURES.keys()
    for check_name, stand_in in STAND_INS.items():
        assert stand_in.__name__.startswith("test_"), check_name
        assert stand_in.__doc__.startswith("Stands in for check_"), check_name
