"""Links: each derivative against finite differences, definitions and references.

A link's loss, gradient and curvature (for fitting), and its inverse's
derivatives and curvature matrices (for inference), all in
``skxent/_link.py``, in the tails as well as the middle.
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit, log_softmax, ndtr
from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss

from skxent._link import BINARY_LINKS, LOGIT, SOFTMAX

RNG = np.random.default_rng(0)
TARGETS = np.r_[0.0, 1.0, RNG.uniform(size=40)]
RAW = np.r_[-3.0, 2.0, RNG.normal(scale=2.0, size=40)]
LINKS = sorted(BINARY_LINKS)


def central_difference(function, point, step):
    return (function(point + step) - function(point - step)) / (2 * step)


@pytest.mark.parametrize("link", LINKS)
def test_binary_cross_entropy_matches_definition(link):
    loss = BINARY_LINKS[link]
    # Where neither mu nor 1 - mu is too close to 0 to be computed as such,
    # so that the definition is an accurate reference.
    raw = np.clip(RAW, -3.0, 2.0)
    mu = loss.inverse(raw)
    expected = -(TARGETS * np.log(mu) + (1 - TARGETS) * np.log1p(-mu))
    np.testing.assert_allclose(
        loss.loss_and_gradient(TARGETS, raw)[0], expected, rtol=1e-10
    )


def test_logit_matches_sklearn_half_binomial():
    reference = HalfBinomialLoss()
    gradient, hessian = reference.gradient_hessian(TARGETS, RAW)
    loss, own_gradient = LOGIT.loss_and_gradient(TARGETS, RAW)
    np.testing.assert_allclose(loss, reference.loss(TARGETS, RAW), rtol=1e-12)
    np.testing.assert_allclose(own_gradient, gradient, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(LOGIT.curvature(TARGETS, RAW), hessian, rtol=1e-12)


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("raw", [-30.0, -6.0, -1.5, 0.0, 0.7, 3.0, 6.0])
@pytest.mark.parametrize("target", [0.0, 0.3, 1.0])
def test_binary_derivatives_match_finite_differences(link, raw, target):
    loss = BINARY_LINKS[link]
    step = 1e-5 * max(1.0, abs(raw))
    point = np.array([raw])
    target = np.array([target])
    gradient = loss.loss_and_gradient(target, point)[1]
    curvature = loss.curvature(target, point)
    np.testing.assert_allclose(
        gradient,
        central_difference(lambda x: loss.loss_and_gradient(target, x)[0], point, step),
        rtol=1e-6,
        atol=1e-9,
    )
    np.testing.assert_allclose(
        curvature,
        central_difference(lambda x: loss.loss_and_gradient(target, x)[1], point, step),
        rtol=1e-5,
        atol=1e-9,
    )


@pytest.mark.parametrize("link", LINKS)
def test_binary_curvature_is_non_negative_everywhere(link):
    """The cross-entropy is convex in eta for every link."""
    loss = BINARY_LINKS[link]
    raw = np.linspace(-50, 50, 2001)
    for target in (0.0, 0.25, 0.5, 1.0):
        assert np.all(loss.curvature(np.full_like(raw, target), raw) >= 0)


@pytest.mark.parametrize("link", LINKS)
def test_binary_losses_stable_at_extreme_raw_predictions(link):
    loss = BINARY_LINKS[link]
    # -400: exp(eta) squared underflows to 0; 800: exp(eta) overflows.
    raw = np.array([-1e4, -800.0, -400.0, -40.0, 40.0, 400.0, 800.0, 1e4])
    for target in (0.0, 0.5, 1.0):
        targets = np.full_like(raw, target)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value, gradient = loss.loss_and_gradient(targets, raw)
            curvature = loss.curvature(targets, raw)
            mu = loss.inverse(raw)
        # Infinite only where the true value exceeds the largest float: the
        # cloglog loss of t < 1 grows like exp(eta).
        moderate = np.abs(raw) < 700
        for values in (value, gradient, curvature):
            assert not np.any(np.isnan(values))
            assert np.all(np.isfinite(values[moderate]))
        assert np.all(value >= 0) and np.all(curvature >= 0)
        assert np.all((mu >= 0) & (mu <= 1))


def test_logit_stable_values_at_extreme_raw_predictions():
    raw = np.array([-1e4, 1e4, -800.0, 800.0])
    targets = np.array([1.0, 0.0, 0.0, 1.0])
    loss, gradient = LOGIT.loss_and_gradient(targets, raw)
    np.testing.assert_array_equal(loss, [1e4, 1e4, 0.0, 0.0])
    np.testing.assert_array_equal(gradient, [-1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(
        gradient + targets, BINARY_LINKS["logit"].inverse(raw)
    )


@pytest.mark.parametrize(
    "link, raw, expected",
    [
        # The whole loss of t = 1 far in the right tail: it must not cancel to 0.
        ("logit", 30.0, np.log1p(np.exp(-30.0))),
        ("probit", 8.0, 6.220960574271785e-16),  # Phi(-8)
        ("cloglog", 3.0, np.exp(-np.exp(3.0))),
    ],
)
def test_exact_for_hard_labels_in_the_tail(link, raw, expected):
    loss = BINARY_LINKS[link].loss_and_gradient(np.array([1.0]), np.array([raw]))[0]
    assert loss[0] == pytest.approx(expected, rel=1e-9)


def test_logit_curvature_keeps_precision_in_the_tail():
    for raw in (-40.0, 40.0):
        curvature = LOGIT.curvature(0.0, np.array([raw]))[0]
        assert curvature == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_probit_far_tail_is_quadratic():
    # -log(Phi(-x)) ~ x**2 / 2 + log(x) + log(sqrt(2 pi)) for large x.
    raw = np.array([1e3])
    loss = BINARY_LINKS["probit"].loss_and_gradient(np.array([0.0]), raw)[0]
    expected = 0.5 * 1e6 + np.log(1e3) + 0.5 * np.log(2 * np.pi)
    assert loss[0] == pytest.approx(expected, rel=1e-9)


SOFT_TARGETS = RNG.dirichlet(np.ones(4), size=30)
SOFT_RAW = RNG.normal(scale=3.0, size=(30, 4))


def test_softmax_cross_entropy_matches_definition_and_sklearn():
    loss, gradient = SOFTMAX.loss_and_gradient(SOFT_TARGETS, SOFT_RAW)
    expected = -(SOFT_TARGETS * log_softmax(SOFT_RAW, axis=1)).sum(axis=1)
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    # scikit-learn's multinomial loss takes class labels: compare on one-hot rows.
    labels = RNG.integers(4, size=30)
    reference = HalfMultinomialLoss(n_classes=4)
    one_hot_loss, one_hot_gradient = SOFTMAX.loss_and_gradient(
        np.eye(4)[labels], SOFT_RAW
    )
    np.testing.assert_allclose(
        one_hot_loss, reference.loss(labels.astype(float), SOFT_RAW), rtol=1e-12
    )
    np.testing.assert_allclose(
        one_hot_gradient,
        reference.gradient(labels.astype(float), SOFT_RAW),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("k", range(4))
def test_softmax_derivatives_match_finite_differences(k):
    targets, raw = SOFT_TARGETS[:1], SOFT_RAW[:1]
    unit = np.zeros_like(raw)
    unit[0, k] = 1.0

    def along_unit(t):
        return SOFTMAX.loss_and_gradient(targets, raw + t * unit)

    step = 1e-6
    gradient = SOFTMAX.loss_and_gradient(targets, raw)[1]
    value_difference = central_difference(lambda t: along_unit(t)[0], 0.0, step)
    assert gradient[0, k] == pytest.approx(value_difference[0], rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(
        SOFTMAX.curvature_product(SOFTMAX.curvature(targets, raw), unit),
        central_difference(lambda t: along_unit(t)[1], 0.0, step),
        rtol=1e-5,
        atol=1e-9,
    )


def test_softmax_stable_and_exact_at_extreme_raw_predictions():
    raw = np.array([[1e4, 0.0, -1e4], [-800.0, 800.0, 0.0]])
    targets = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, gradient = SOFTMAX.loss_and_gradient(targets, raw)
        mean = SOFTMAX.inverse(raw)
    np.testing.assert_array_equal(loss, [0.0, 400.0])
    np.testing.assert_allclose(gradient, mean - targets)
    np.testing.assert_allclose(mean.sum(axis=1), 1.0)


def test_softmax_curvature_traces_and_sum_give_the_kronecker_hessian_at_a_common_mean():
    """At a cold start every row has the same mu: the Hessian is C (x) G."""
    n_samples, n_features = 20, 3
    X = RNG.normal(size=(n_samples, n_features))
    weights = RNG.uniform(size=n_samples)
    mean = np.tile(RNG.dirichlet(np.ones(4)), (n_samples, 1))
    hessian = sum(
        w * np.kron(np.diag(mu) - np.outer(mu, mu), np.outer(x, x))
        for w, mu, x in zip(weights, mean, X, strict=True)
    )
    row_weights = weights * SOFTMAX.curvature_traces(mean)
    class_curvature = SOFTMAX.curvature_sum(mean, weights)
    kronecker = np.kron(class_curvature / row_weights.sum(), (X.T * row_weights) @ X)
    np.testing.assert_allclose(kronecker, hessian, rtol=1e-12, atol=1e-14)


# --------------------------------------------- what inference needs of a link

# Raw predictions over both tails: the cloglog's mean is about exp(eta)
# on the left and rounds to 1 above eta = 3.6, the probit's density is 5e-15
# at 8.
INVERSE_GRIDS = {
    "logit": np.linspace(-30.0, 30.0, 121),
    "probit": np.linspace(-8.0, 8.0, 65),
    "cloglog": np.linspace(-30.0, 10.0, 81),
}
STEP = 1e-6
EPS = np.finfo(np.float64).eps


def assert_central_difference(derivative, function, eta):
    """Assert ``derivative(eta)`` is the central difference of ``function``.

    To ``1e-6`` of its size, beyond the difference's rounding: a few ulps of
    the function's values over the step, which is what remains of a
    derivative of ``1 - tiny``, and nothing where the values are tiny
    themselves (a tail then keeps its relative precision).
    """
    after, before = function(eta + STEP), function(eta - STEP)
    difference = (after - before) / (2 * STEP)
    rounding = 4 * EPS * np.maximum(np.abs(after), np.abs(before)) / STEP
    error = np.abs(derivative(eta) - difference)
    assert np.all(error <= 1e-6 * np.abs(difference) + rounding), np.max(
        error / (1e-6 * np.abs(difference) + rounding)
    )


@pytest.mark.parametrize("link", LINKS)
def test_inverse_derivatives_match_finite_differences(link):
    """``d mu / d eta`` and ``d^2 mu / d eta^2``, which partial effects use."""
    functions = BINARY_LINKS[link]
    eta = INVERSE_GRIDS[link]
    assert_central_difference(functions.inverse_derivative, functions.inverse, eta)
    assert_central_difference(
        functions.inverse_second_derivative, functions.inverse_derivative, eta
    )


COMPLEMENTS = {
    # 1 - mu, written out for each link.
    "logit": lambda eta: expit(-eta),
    "probit": lambda eta: ndtr(-eta),
    "cloglog": lambda eta: np.exp(-np.exp(eta)),
}


@pytest.mark.parametrize("link", LINKS)
def test_binary_matrices_are_the_elementwise_functions_in_1x1_blocks(link):
    """On raw predictions of shape (n, 1), as inference passes them."""
    functions = BINARY_LINKS[link]
    eta, targets = RAW[:, np.newaxis], TARGETS[:, np.newaxis]
    observed = functions.curvature_matrices(targets, eta)
    assert observed.shape == (len(RAW), 1, 1)
    np.testing.assert_array_equal(observed[:, 0, 0], functions.curvature(TARGETS, RAW))
    expected = functions.expected_curvature_matrices(eta)
    assert expected.shape == (len(RAW), 1, 1)
    # The Fisher information of a binomial target: g'(eta)^2 / (mu (1 - mu)).
    # The link takes it as the curvature at the target mu, whose 1 - mu
    # rounds where mu is near 1: the cloglog's term (1 - mu) exp(eta) is then
    # off by up to eps * exp(eta), below 1e-13 here.
    mean, complement = functions.inverse(RAW), COMPLEMENTS[link](RAW)
    np.testing.assert_allclose(
        expected[:, 0, 0],
        functions.inverse_derivative(RAW) ** 2 / (mean * complement),
        rtol=1e-10,
        atol=1e-13,
    )
    jacobians = functions.jacobians(eta)
    assert jacobians.shape == (len(RAW), 1, 1)
    np.testing.assert_array_equal(jacobians[:, 0, 0], functions.inverse_derivative(RAW))
    slopes = functions.jacobian_slopes(eta)
    assert slopes.shape == (len(RAW), 1, 1, 1)
    np.testing.assert_array_equal(
        slopes[:, 0, 0, 0], functions.inverse_second_derivative(RAW)
    )


@pytest.mark.parametrize("k", range(4))
def test_softmax_jacobians_match_finite_differences_of_the_softmax(k):
    """``[i, a, k] = d mu_a / d eta_k``, and ``[i, k, a, b]`` its slope in ``eta_k``."""
    raw, unit = SOFT_RAW[:5], np.eye(SOFT_RAW.shape[1])[k]

    def along_unit(function):
        return (function(raw + STEP * unit) - function(raw - STEP * unit)) / (2 * STEP)

    jacobians = SOFTMAX.jacobians(raw)
    slopes = SOFTMAX.jacobian_slopes(raw)
    assert jacobians.shape == (5, 4, 4) and slopes.shape == (5, 4, 4, 4)
    np.testing.assert_allclose(
        jacobians[:, :, k], along_unit(SOFTMAX.inverse), rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(
        slopes[:, k], along_unit(SOFTMAX.jacobians), rtol=1e-6, atol=1e-9
    )


def test_softmax_curvature_matrices_are_its_jacobians_and_its_curvature():
    """Check that the softmax's curvature matrices are its Jacobians.

    A canonical link: observed and expected curvature are the Jacobian, the
    matrix that ``curvature_product`` applies in fitting.
    """
    observed = SOFTMAX.curvature_matrices(SOFT_TARGETS, SOFT_RAW)
    np.testing.assert_array_equal(observed, SOFTMAX.jacobians(SOFT_RAW))
    np.testing.assert_array_equal(
        SOFTMAX.expected_curvature_matrices(SOFT_RAW), observed
    )
    direction = np.random.default_rng(1).normal(size=SOFT_RAW.shape)
    curvature = SOFTMAX.curvature(SOFT_TARGETS, SOFT_RAW)
    np.testing.assert_allclose(
        np.einsum("iab,ib->ia", observed, direction),
        SOFTMAX.curvature_product(curvature, direction),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("target, raw", [(1.0, 34.0), (0.0, -34.0), (1.0, 700.0)])
def test_logit_loss_keeps_its_digits_at_a_target_fitted_almost_exactly(target, raw):
    """The loss below eta's rounding is kept, not lost in adding it to eta.

    The fit of targets all 1 runs the intercept up until the gradient,
    about the loss, is below tol: a loss rounded to 0 at 1.7e-15 stopped
    the Newton steps' line search.
    """
    loss, gradient = LOGIT.loss_and_gradient(np.array([target]), np.array([raw]))
    np.testing.assert_allclose(loss, np.log1p(np.exp(-abs(raw))), rtol=1e-15)
