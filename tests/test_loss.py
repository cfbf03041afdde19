import warnings

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn._loss.loss import HalfBinomialLoss

from skxent._loss import (
    cross_entropy_and_gradient,
    cross_entropy_curvature,
    mean_response,
)


def cross_entropy(targets, raw):
    return cross_entropy_and_gradient(targets, raw)[0]


def cross_entropy_gradient(targets, raw):
    return cross_entropy_and_gradient(targets, raw)[1]


RNG = np.random.default_rng(0)
TARGETS = np.r_[0.0, 1.0, RNG.uniform(size=40)]
RAW = np.r_[-3.0, 2.0, RNG.normal(scale=5.0, size=40)]


def test_cross_entropy_matches_definition():
    mu = mean_response(RAW)
    expected = -(TARGETS * np.log(mu) + (1 - TARGETS) * np.log1p(-mu))
    np.testing.assert_allclose(cross_entropy(TARGETS, RAW), expected, rtol=1e-12)


def test_loss_gradient_curvature_match_sklearn_half_binomial():
    reference = HalfBinomialLoss()
    loss, gradient, hessian = (
        reference.loss(TARGETS, RAW),
        *reference.gradient_hessian(TARGETS, RAW),
    )
    np.testing.assert_allclose(cross_entropy(TARGETS, RAW), loss, rtol=1e-12)
    np.testing.assert_allclose(
        cross_entropy_gradient(TARGETS, RAW), gradient, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(cross_entropy_curvature(RAW), hessian, rtol=1e-12)


@pytest.mark.parametrize("raw", [-20.0, -1.5, 0.0, 0.7, 25.0])
@pytest.mark.parametrize("target", [0.0, 0.3, 1.0])
def test_derivatives_match_finite_differences(raw, target):
    def loss(eta):
        return cross_entropy(target, eta[0])

    def gradient(eta):
        return cross_entropy_gradient(target, eta[0])

    step = 1e-6 * max(1.0, abs(raw))
    point = np.array([raw])
    assert cross_entropy_gradient(target, raw) == pytest.approx(
        approx_fprime(point, loss, step)[0], rel=1e-5, abs=1e-9
    )
    assert cross_entropy_curvature(raw) == pytest.approx(
        approx_fprime(point, gradient, step)[0], rel=1e-5, abs=1e-9
    )


def test_stable_at_extreme_raw_predictions():
    raw = np.array([-1e4, 1e4, -800.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = cross_entropy(np.array([1.0, 0.0, 0.0, 1.0]), raw)
        gradient = cross_entropy_gradient(np.array([1.0, 0.0, 0.0, 1.0]), raw)
        curvature = cross_entropy_curvature(raw)
    np.testing.assert_array_equal(loss, [1e4, 1e4, 0.0, 0.0])
    np.testing.assert_array_equal(gradient, [-1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(gradient + [1.0, 0.0, 0.0, 1.0], mean_response(raw))
    assert np.all(np.isfinite(curvature)) and np.all(curvature >= 0)


@pytest.mark.parametrize("raw", [20.0, 30.0, 35.0])
def test_exact_for_hard_labels_in_the_tail(raw):
    # log(1 + exp(-eta)) is the whole loss of t = 1; it must not cancel to 0.
    expected = np.log1p(np.exp(-raw))
    assert cross_entropy(1.0, raw) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy(0.0, -raw) == pytest.approx(expected, rel=1e-14)


def test_curvature_keeps_precision_in_the_tail():
    assert cross_entropy_curvature(-40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert cross_entropy_curvature(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
