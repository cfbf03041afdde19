import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import expit

from skxent import _objective
from skxent._loss import cross_entropy_and_gradient
from skxent._objective import (
    curvature_weights,
    hessian_vector_product,
    objective_value_and_gradient,
)


def make_problem(fit_intercept, seed=0, n=60, p=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1, 3.0][:p]
    targets = rng.uniform(size=n)
    targets[:5] = 0.0
    targets[5:10] = 1.0
    weights = rng.uniform(0.0, 3.0, size=n)
    weights /= weights.sum()
    params = rng.normal(scale=0.3, size=p + fit_intercept)
    return X, targets, weights, params


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_value_matches_definition(fit_intercept, alpha):
    X, targets, weights, params = make_problem(fit_intercept)
    coef = params[: X.shape[1]]
    intercept = params[-1] if fit_intercept else 0.0
    mu = expit(X @ coef + intercept)
    expected = (
        -weights @ (targets * np.log(mu) + (1 - targets) * np.log(1 - mu))
        + 0.5 * alpha * coef @ coef
    )
    value, _ = objective_value_and_gradient(
        params, X, targets, weights, alpha, fit_intercept
    )
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_gradient_matches_finite_differences(fit_intercept, alpha):
    X, targets, weights, params = make_problem(fit_intercept)

    def value(p):
        return objective_value_and_gradient(
            p, X, targets, weights, alpha, fit_intercept
        )[0]

    _, gradient = objective_value_and_gradient(
        params, X, targets, weights, alpha, fit_intercept
    )
    np.testing.assert_allclose(
        gradient, approx_fprime(params, value, 1e-7), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_hessian_vector_product_matches_gradient_differences(fit_intercept, alpha):
    X, targets, weights, params = make_problem(fit_intercept)
    vector = np.random.default_rng(1).normal(size=params.shape)

    def gradient(p):
        return objective_value_and_gradient(
            p, X, targets, weights, alpha, fit_intercept
        )[1]

    step = 1e-6
    expected = (gradient(params + step * vector) - gradient(params - step * vector)) / (
        2 * step
    )
    hessian_weights = curvature_weights(params, X, weights, fit_intercept)
    product = hessian_vector_product(vector, X, hessian_weights, alpha, fit_intercept)
    np.testing.assert_allclose(product, expected, rtol=1e-6, atol=1e-9)


def test_intercept_is_not_penalised():
    X, targets, weights, params = make_problem(True)
    _, gradient_free = objective_value_and_gradient(
        params, X, targets, weights, 0.0, True
    )
    _, gradient_penalised = objective_value_and_gradient(
        params, X, targets, weights, 2.0, True
    )
    assert gradient_penalised[-1] == gradient_free[-1]
    np.testing.assert_allclose(
        gradient_penalised[:-1] - gradient_free[:-1], 2.0 * params[:-1]
    )


def test_weights_act_like_repeated_rows():
    X, targets, _, params = make_problem(True, n=20)
    counts = np.arange(20) % 3
    weights = counts / counts.sum()
    repeated = np.repeat(np.arange(20), counts)
    uniform = np.full(repeated.size, 1.0 / repeated.size)
    weighted = objective_value_and_gradient(params, X, targets, weights, 0.1, True)
    expanded = objective_value_and_gradient(
        params, X[repeated], targets[repeated], uniform, 0.1, True
    )
    assert weighted[0] == pytest.approx(expanded[0], rel=1e-12)
    np.testing.assert_allclose(weighted[1], expanded[1], rtol=1e-10, atol=1e-14)


def test_finite_at_huge_raw_predictions():
    X = np.array([[1.0], [-1.0]])
    value, gradient = objective_value_and_gradient(
        np.array([1e4, 0.0]), X, np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.0, True
    )
    assert value == pytest.approx(1e4)
    assert np.all(np.isfinite(gradient))
    assert cross_entropy_and_gradient(1.0, 1e4)[0] == 0.0


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_blocks_of_rows_give_the_same_results(monkeypatch, fit_intercept):
    # 4 features, 7 elements per block: one row per block, the last block
    # of the 60 rows included.
    X, targets, weights, params = make_problem(fit_intercept)
    vector = np.linspace(-1.0, 1.0, params.shape[0])
    hessian_weights = curvature_weights(params, X, weights, fit_intercept)

    def evaluate():
        value, gradient = objective_value_and_gradient(
            params, X, targets, weights, 0.5, fit_intercept
        )
        product = hessian_vector_product(vector, X, hessian_weights, 0.5, fit_intercept)
        return value, gradient, product

    whole = evaluate()
    monkeypatch.setattr(_objective, "BLOCK_ELEMENTS", 7)
    assert len(list(_objective.row_blocks(*X.shape))) == X.shape[0]
    for blocked, expected in zip(evaluate(), whole, strict=True):
        np.testing.assert_allclose(blocked, expected, rtol=1e-13, atol=1e-16)
