"""What the test modules share: the estimators, the data makers and a warning recorder.

Each data maker makes one kind of data, named for what the tests using it
depend on. A maker used by a single module stays in that module, unless it
is a variant of one here (``make_data_with_0_and_1`` is
``make_fractional_data`` with targets at both bounds). Makers are fixtures
returning the function, so that a test asks for the data it needs by name:
``def test_x(make_fractional_data): X, y, weights =
make_fractional_data(n_samples=20)``.
"""

import contextlib
import warnings
from typing import NamedTuple

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone

from skxent import (
    CrossEntropyRegressor,
    PenalizedInferenceWarning,
    ProbabilityRegressor,
    _row_blocks,
)

# Every estimator of the package, with its default parameters.
ESTIMATORS = [ProbabilityRegressor(), CrossEntropyRegressor()]


@pytest.fixture(params=ESTIMATORS, ids=lambda estimator: type(estimator).__name__)
def estimator(request):
    """Each estimator of the package, unfitted (a test is run once for each)."""
    return clone(request.param)


def _targets_for(estimator, y):
    """Probabilities ``y`` made targets of ``estimator``.

    Themselves for ``ProbabilityRegressor``; scores ``40 + 60 y`` (a learned
    range inside 40..100) for ``CrossEntropyRegressor``.
    """
    return y if isinstance(estimator, ProbabilityRegressor) else 40 + 60 * y


@pytest.fixture
def set_block_elements(monkeypatch):
    """Return a function that sets the elements of ``X`` per block, dense or sparse.

    For the test only: ``set_block_elements(10)`` makes blocks of two rows
    of five float64 features (of twice the elements in float32, whose
    blocks are sized in bytes).
    """

    def set_elements(elements):
        monkeypatch.setattr(_row_blocks, "SPARSE_BLOCK_ELEMENTS", elements)
        monkeypatch.setattr(
            _row_blocks, "DENSE_BLOCK_BYTES", elements * np.float64().itemsize
        )

    return set_elements


@pytest.fixture(scope="session")
def targets_for():
    """:func:`_targets_for`."""
    return _targets_for


def _make_fractional_data(n_samples=60, n_features=3, seed=0, loc=0.0):
    """Make ``(X, y, weights)`` with fractional targets strictly inside (0, 1).

    ``X`` is normal about ``loc``; ``y = expit(eta)``, ``eta`` linear in ``X -
    loc`` (slopes evenly spaced from -1.5 to 1.5, intercept 0.3) plus normal
    noise; the weights are uniform in [0.5, 2].
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(loc=loc, size=(n_samples, n_features))
    coef = np.linspace(-1.5, 1.5, n_features)
    y = expit((X - loc) @ coef + 0.3 + 0.5 * rng.normal(size=n_samples))
    return X, y, rng.uniform(0.5, 2.0, size=n_samples)


def _make_data_with_0_and_1(n_samples=60, n_features=3, seed=0, loc=0.0):
    """Make :func:`_make_fractional_data`'s data with targets of exactly 0 and 1.

    Targets within 0.05 of a bound are set to it and the first two are 0
    and 1: every data set holds both bounds, so ``CrossEntropyRegressor``
    learns the range (0, 1), the model of ``ProbabilityRegressor``.
    """
    X, y, weights = _make_fractional_data(n_samples, n_features, seed, loc)
    y[y < 0.05] = 0.0
    y[y > 0.95] = 1.0
    y[:2] = [0.0, 1.0]
    return X, y, weights


@pytest.fixture(scope="session")
def make_fractional_data():
    """:func:`_make_fractional_data`."""
    return _make_fractional_data


@pytest.fixture(scope="session")
def make_data_with_0_and_1():
    """:func:`_make_data_with_0_and_1`."""
    return _make_data_with_0_and_1


def _make_proportions(n_samples=300, n_features=5, seed=0, scales=None, n_trials=None):
    """Make ``(X, y, trials)``: shares of successes in binomial trials.

    The binomial GLM's data. ``X`` is normal times ``scales`` (per column;
    ones by default); the logit of the success probability is linear in
    ``X``, with slopes normal over ``sqrt(n_features) * scales``; ``trials``
    is ``n_trials`` for every row, or uniform in 1..29 by default.
    """
    rng = np.random.default_rng(seed)
    scales = np.ones(n_features) if scales is None else np.asarray(scales)
    X = rng.normal(size=(n_samples, n_features)) * scales
    mean = expit(X @ (rng.normal(size=n_features) / np.sqrt(n_features) / scales))
    trials = (
        rng.integers(1, 30, size=n_samples)
        if n_trials is None
        else np.full(n_samples, n_trials)
    )
    return X, rng.binomial(trials, mean) / trials, trials.astype(float)


@pytest.fixture(scope="session")
def make_proportions():
    """:func:`_make_proportions`."""
    return _make_proportions


class SoftLabels(NamedTuple):
    """Rows of class probabilities, soft and hard labels from one softmax model.

    The features, the model's class probabilities given them, annotators'
    soft labels around those, hard labels drawn from them, and sample weights.
    """

    X: np.ndarray
    probabilities: np.ndarray
    soft: np.ndarray
    labels: np.ndarray
    weights: np.ndarray


def _make_soft_labels(n_samples=400, n_features=4, n_classes=4, seed=0, scales=None):
    """Make :class:`SoftLabels` of a softmax model with normal coefficients.

    The features are normal (times ``scales`` per column, after the model is
    drawn); the soft labels are noisy annotators' rows, Dirichlet around the
    model's (from gamma draws); the weights are uniform in [0.5, 2].
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    eta = X @ rng.normal(size=(n_features, n_classes)) + np.log(
        np.linspace(0.5, 1.5, n_classes)
    )
    if scales is not None:
        X *= scales
    probabilities = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(n_classes, p=row) for row in probabilities])
    draws = rng.gamma(5 * probabilities.mean(axis=0) + 10 * probabilities)
    soft = draws / draws.sum(axis=1, keepdims=True)
    weights = rng.uniform(0.5, 2.0, size=n_samples)
    return SoftLabels(X, probabilities, soft, labels, weights)


@pytest.fixture(scope="session")
def make_soft_labels():
    """:func:`_make_soft_labels`."""
    return _make_soft_labels


def _make_linear_problem(link_name, fit_intercept, seed=0, n_samples=60, n_features=4):
    """Make ``(X, targets, weights, params)`` for a ``LinearObjective``.

    Columns of scales 1, 10, 0.1 and 3; fractional targets with five rows at
    0 and five at 1 (for ``link_name="softmax"``, three-class probability
    rows, five of them one-hot); weights in [0, 3] normalised to sum to 1;
    parameters near zero, of the objective's shape.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * [1.0, 10.0, 0.1, 3.0][:n_features]
    n_params = n_features + fit_intercept
    if link_name == "softmax":
        targets = rng.dirichlet(np.ones(3), size=n_samples)
        targets[:5] = np.eye(3)[rng.integers(3, size=5)]
        params = rng.normal(scale=0.3, size=(n_params, 3))
    else:
        targets = rng.uniform(size=n_samples)
        targets[:5] = 0.0
        targets[5:10] = 1.0
        params = rng.normal(scale=0.3, size=n_params)
    weights = rng.uniform(0.0, 3.0, size=n_samples)
    return X, targets, weights / weights.sum(), params


@pytest.fixture(scope="session")
def make_linear_problem():
    """:func:`_make_linear_problem`."""
    return _make_linear_problem


@pytest.fixture
def star98():
    """Load statsmodels' star98 data as ``(X, share, trials)``.

    Per school district: the 20 features as a DataFrame, the share of
    students above the national median, and the number of students.
    """
    datasets = pytest.importorskip("statsmodels.datasets")
    data = datasets.star98.load_pandas().data
    trials = (data["NABOVE"] + data["NBELOW"]).to_numpy()
    share = (data["NABOVE"] / trials).to_numpy()
    return data.drop(columns=["NABOVE", "NBELOW"]), share, trials


def _assert_optimal(model, X, y, sample_weight=None, atol=1e-8):
    """Assert that a fitted logit model solves the score equations.

    The gradient of the penalised weighted mean cross-entropy, written out
    here, has every entry below ``atol``.
    """
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
    weights = weights / weights.sum()
    X = np.asarray(X, dtype=np.float64)
    coef = model.coef_.astype(np.float64)
    residual = weights * (expit(X @ coef + model.intercept_) - y)
    # A CV estimator's penalty is the one it chose.
    alpha = model.alpha_ if hasattr(model, "alpha_") else model.alpha
    gradient = X.T @ residual + alpha * coef
    if model.fit_intercept:
        gradient = np.append(gradient, residual.sum())
    assert np.max(np.abs(gradient)) < atol


@pytest.fixture(scope="session")
def assert_optimal():
    """:func:`_assert_optimal`."""
    return _assert_optimal


@contextlib.contextmanager
def _record_warnings(penalty=False):
    """Record every warning raised in the block, none turned into an error.

    pyproject's filters turn some into errors. Yields the list of
    ``warnings.WarningMessage``, filled as they are raised. Without
    ``penalty``, the warning of inference outputs that a fit is penalised
    is left out.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if not penalty:
            warnings.simplefilter("ignore", PenalizedInferenceWarning)
        yield caught


@pytest.fixture(scope="session")
def record_warnings():
    """:func:`_record_warnings`."""
    return _record_warnings
