import warnings

import numpy as np
import pytest

from skxent._solver import minimize_smooth_convex


def quadratic(hessian, minimiser):
    def value_and_gradient(z):
        difference = z - minimiser
        return 0.5 * difference @ hessian @ difference, hessian @ difference

    return value_and_gradient, lambda z: lambda v: hessian @ v


def logistic_like(z):
    # A smooth convex function whose minimiser is at z = [1, -2].
    shifted = z - np.array([1.0, -2.0])
    value = np.sum(np.logaddexp(0, shifted) + np.logaddexp(0, -shifted))
    gradient = np.tanh(shifted / 2)
    return value, gradient


def logistic_like_hessian_at(z):
    shifted = z - np.array([1.0, -2.0])
    return lambda v: 0.5 / np.cosh(shifted / 2) ** 2 * v


@pytest.mark.parametrize("condition", [1.0, 1e3])
def test_finds_the_minimiser_of_a_quadratic(condition):
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    hessian = basis @ np.diag(np.geomspace(1.0, condition, 5)) @ basis.T
    minimiser = rng.normal(size=5)
    value_and_gradient, hessian_product_at = quadratic(hessian, minimiser)
    result = minimize_smooth_convex(
        value_and_gradient, hessian_product_at, 5, tol=1e-10, max_iter=200, verbose=0
    )
    np.testing.assert_allclose(result.solution, minimiser, rtol=1e-8)
    assert result.gradient_max <= 1e-10


def test_newton_steps_finish_where_lbfgs_stalls():
    result = minimize_smooth_convex(
        logistic_like, logistic_like_hessian_at, 2, tol=1e-13, max_iter=100, verbose=0
    )
    np.testing.assert_allclose(result.solution, [1.0, -2.0], rtol=1e-12)
    assert result.gradient_max <= 1e-13


def test_says_when_max_iter_is_reached_and_warns_nothing():
    hessian = np.diag([1.0, 1e4])
    value_and_gradient, hessian_product_at = quadratic(hessian, np.array([1.0, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = minimize_smooth_convex(
            value_and_gradient, hessian_product_at, 2, tol=1e-12, max_iter=1, verbose=0
        )
    assert result.n_iter == 1
    assert result.status == "max_iter"


def test_verbose_reports_each_iteration(capsys):
    result = minimize_smooth_convex(
        logistic_like, logistic_like_hessian_at, 2, tol=1e-10, max_iter=100, verbose=1
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == result.n_iter
    assert all("objective" in line and "max |gradient|" in line for line in lines)


def test_silent_when_not_verbose(capsys):
    minimize_smooth_convex(
        logistic_like, logistic_like_hessian_at, 2, tol=1e-10, max_iter=100, verbose=0
    )
    assert capsys.readouterr().out == ""


def counting_products(hessian_product_at):
    """``hessian_product_at`` that counts the products it computes."""
    products = []

    def counted_at(z):
        product = hessian_product_at(z)

        def counted(v):
            products.append(1)
            return product(v)

        return counted

    return counted_at, products


def test_quasi_newton_steps_finish_without_hessian_products(capsys):
    counted_at, products = counting_products(logistic_like_hessian_at)
    result = minimize_smooth_convex(
        logistic_like, counted_at, 2, tol=1e-14, max_iter=100, verbose=1
    )
    assert result.gradient_max <= 1e-14
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("quasi-Newton")
    assert not products


def rounded(value_and_gradient):
    """Return the function with the rounding of float32 products.

    An error of fixed size (not relative to the gradient), which does not
    vary smoothly in z.
    """

    def rounded_value_and_gradient(z):
        value, gradient = value_and_gradient(z)
        noise = np.sin(1e9 * z)
        return value + 1e-12 * noise.sum(), gradient + 1e-8 * noise

    return rounded_value_and_gradient


def test_newton_steps_on_the_exact_gradient_refine_a_rounded_lbfgs(capsys):
    rng = np.random.default_rng(0)
    hessian = np.diag(np.geomspace(1.0, 10.0, 6))
    minimiser = rng.normal(size=6) * 100
    value_and_gradient, hessian_product_at = quadratic(hessian, minimiser)
    stalled = minimize_smooth_convex(
        rounded(value_and_gradient),
        hessian_product_at,
        6,
        tol=1e-10,
        max_iter=100,
        verbose=0,
    )
    assert stalled.status == "rounding"
    capsys.readouterr()
    result = minimize_smooth_convex(
        rounded(value_and_gradient),
        hessian_product_at,
        6,
        tol=1e-10,
        max_iter=100,
        verbose=1,
        exact_value_and_gradient=value_and_gradient,
    )
    assert result.gradient_max <= 1e-10
    np.testing.assert_allclose(result.solution, minimiser, rtol=1e-12)
    # The rounded gradient's quasi-Newton steps stall at its rounding; the
    # exact gradient's steps go on from there.
    assert "Newton" in capsys.readouterr().out


def test_a_start_next_to_the_optimum_skips_lbfgs(capsys):
    """From a gradient below FINISHING_GRADIENT, only gradient-driven steps run."""
    # logistic_like moved so that its minimiser is at z = 1e-7, next to the
    # start z = 0 (its own minimiser, [1, -2], is far from it).
    shift = np.array([1.0, -2.0]) - 1e-7
    result = minimize_smooth_convex(
        lambda z: logistic_like(z + shift),
        lambda z: logistic_like_hessian_at(z + shift),
        2,
        tol=1e-12,
        max_iter=100,
        verbose=1,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert result.status == "converged"
    assert lines and not any(line.startswith("L-BFGS") for line in lines)
    far = minimize_smooth_convex(
        logistic_like, logistic_like_hessian_at, 2, tol=1e-12, max_iter=100, verbose=1
    )
    assert far.status == "converged"
    assert capsys.readouterr().out.startswith("L-BFGS")
