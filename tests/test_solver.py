import itertools
import warnings

import numpy as np
import pytest
from scipy.special import expit, log_expit

from skxent._solver import (
    _newton_solver,
    l1_optimality_violations,
    minimize_smooth_convex,
    minimize_with_l1,
)


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


def logistic_like_hessian(z):
    shifted = z - np.array([1.0, -2.0])
    return np.diag(0.5 / np.cosh(shifted / 2) ** 2)


def test_a_dense_hessian_finishes_with_newton_steps_after_one_lbfgs_step(capsys):
    """Quadratic convergence: a handful of steps where L-BFGS takes more."""
    result = minimize_smooth_convex(
        logistic_like,
        logistic_like_hessian_at,
        2,
        tol=1e-14,
        max_iter=100,
        verbose=1,
        hessian_at=logistic_like_hessian,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert result.status == "converged"
    np.testing.assert_allclose(result.solution, [1.0, -2.0], rtol=1e-13)
    assert lines[0].startswith("L-BFGS iteration    1")
    assert all(line.startswith("Newton") for line in lines[1:])
    lbfgs = minimize_smooth_convex(
        logistic_like, logistic_like_hessian_at, 2, tol=1e-14, max_iter=100, verbose=0
    )
    assert result.n_iter < lbfgs.n_iter


def test_newton_steps_with_a_dense_hessian_search_along_the_step(capsys):
    """Far from the optimum a full Newton step of a log-cosh-like loss overshoots.

    (Newton's method on it diverges from beyond about 1.09 of its minimiser.)
    The steps are halved until the objective decreases enough: each
    accepted step decreases the objective, and the fit converges.
    """
    shift = np.array([4.0, -6.0])
    result = minimize_smooth_convex(
        lambda z: logistic_like(z - shift),
        lambda z: logistic_like_hessian_at(z - shift),
        2,
        tol=1e-12,
        max_iter=100,
        verbose=1,
        hessian_at=lambda z: logistic_like_hessian(z - shift),
    )
    assert result.status == "converged"
    np.testing.assert_allclose(result.solution, shift + [1.0, -2.0], rtol=1e-12)
    objectives = [
        float(line.split("objective ")[1].split(",")[0])
        for line in capsys.readouterr().out.strip().splitlines()
    ]
    assert len(objectives) > 3
    assert all(np.diff(objectives) <= 0)


def test_a_direction_without_curvature_gets_no_newton_step():
    """The softmax's shared direction: no curvature, a gradient of rounding."""
    hessian = np.array([[2.0, 0.0], [0.0, 0.0]])
    solve = _newton_solver(hessian)
    step, decrement = solve(np.array([1.0, 1e-17]))
    np.testing.assert_array_equal(step, [-0.5, 0.0])
    assert decrement == 0.5
    near_singular = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-12]])
    step, _ = _newton_solver(near_singular)(np.array([1.0, -1.0]))
    assert np.all(np.abs(step) < 1e3)


# ------------------------------------------------------- minimize_with_l1


def soft_thresholded(minimiser, curvatures, l1_weights):
    """Return the minimiser of ``sum_j h_j / 2 (z_j - a_j)**2 + c_j |z_j|``."""
    shrunk = np.maximum(np.abs(minimiser) - l1_weights / curvatures, 0.0)
    return np.sign(minimiser) * shrunk


def assert_l1_solution(result, expected, strong_convexity, tol):
    """Assert a converged L1 result: ``expected``'s zeros exactly, and near it.

    The distance to the minimiser of a ``mu``-strongly convex ``f + c |z|``
    is at most the smallest subgradient's norm over ``mu``; that norm is at
    most ``sqrt(n)`` times the reported violation (its largest entry).
    """
    assert result.status == "converged"
    assert result.gradient_max <= tol
    np.testing.assert_array_equal(result.solution == 0.0, expected == 0.0)
    bound = np.sqrt(expected.size) * result.gradient_max / strong_convexity
    assert np.max(np.abs(result.solution - expected)) <= bound


@pytest.mark.parametrize("start", ["zero", "far"])
def test_l1_on_a_diagonal_quadratic_is_soft_thresholding(start):
    rng = np.random.default_rng(0)
    curvatures = np.geomspace(0.1, 10.0, 8)
    minimiser = rng.normal(size=8) * 2
    l1_weights = np.array([0.0, 0.5, 1.0, 2.0, 0.0, 3.0, 0.2, 5.0])
    expected = soft_thresholded(minimiser, curvatures, l1_weights)
    # Both fates are represented: zeros and survivors among the penalised.
    assert np.any((expected == 0) & (l1_weights > 0))
    assert np.any((expected != 0) & (l1_weights > 0))
    value_and_gradient, _ = quadratic(np.diag(curvatures), minimiser)
    result = minimize_with_l1(
        value_and_gradient,
        l1_weights,
        np.zeros(8) if start == "zero" else rng.normal(size=8) * 10,
        tol=1e-6,
        max_iter=500,
    )
    assert_l1_solution(result, expected, curvatures.min(), 1e-6)


def lasso_by_enumeration(hessian, linear, l1_weights):
    """Return the minimiser of ``z H z / 2 + b z + sum_j c_j |z_j|`` by sign patterns.

    Every pattern of signs in {-1, 0, 1} is tried; the one whose solution of
    the linear system on its non-zeros has those signs and leaves the zeros'
    gradients within their weights is the (unique, ``H`` positive definite)
    minimiser. Variables without a weight are always free.
    """
    n = len(linear)
    for signs in itertools.product([-1.0, 0.0, 1.0], repeat=n):
        signs = np.array(signs)
        free = (signs != 0) | (l1_weights == 0)
        if np.any((signs != 0) & (l1_weights == 0)):
            continue
        z = np.zeros(n)
        z[free] = np.linalg.solve(
            hessian[np.ix_(free, free)], -(linear + l1_weights * signs)[free]
        )
        penalised = free & (l1_weights > 0)
        gradient = hessian @ z + linear
        if np.all(np.sign(z[penalised]) == signs[penalised]) and np.all(
            np.abs(gradient[~free]) <= l1_weights[~free]
        ):
            return z
    raise AssertionError("no sign pattern meets the optimality conditions")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l1_on_a_correlated_quadratic_matches_the_sign_pattern_enumeration(seed):
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    hessian = basis @ np.diag(np.geomspace(0.05, 20.0, 5)) @ basis.T
    minimiser = rng.normal(size=5)
    l1_weights = np.array([0.0, 0.3, 0.3, 1.0, 0.1])
    expected = lasso_by_enumeration(hessian, -hessian @ minimiser, l1_weights)
    assert np.any(expected == 0) and np.any(expected[l1_weights > 0] != 0)
    value_and_gradient, _ = quadratic(hessian, minimiser)
    result = minimize_with_l1(
        value_and_gradient, l1_weights, np.zeros(5), tol=1e-6, max_iter=500
    )
    assert_l1_solution(result, expected, 0.05, 1e-6)


def test_l1_says_rounding_where_function_values_stop_resolving_tol():
    """L-BFGS-B stops where the objective's decrease is within rounding.

    On an objective of order 1 that is a violation of about 1e-7: a smaller
    tol is reported as not reached, with the violation the solution has.
    """
    curvatures = np.geomspace(0.1, 10.0, 8)
    minimiser = np.linspace(-3.0, 3.0, 8)
    l1_weights = np.full(8, 0.5)
    value_and_gradient, _ = quadratic(np.diag(curvatures), minimiser)
    result = minimize_with_l1(
        value_and_gradient, l1_weights, np.zeros(8), tol=1e-13, max_iter=500
    )
    assert result.status == "rounding"
    assert result.n_iter < 500
    gradient = curvatures * (result.solution - minimiser)
    assert result.gradient_max == np.max(
        l1_optimality_violations(gradient, result.solution, l1_weights)
    )
    assert result.gradient_max > 1e-13


def logistic_regression_problem(seed=0, n_samples=80, n_features=4):
    """Return ``X`` and the mean logistic loss of ``X @ z``, value and gradient."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * [1.0, 3.0, 0.3, 1.0]
    y = rng.uniform(size=n_samples) < expit(X @ [1.0, -0.2, 0.5, 0.05])

    def value_and_gradient(z):
        eta = X @ z
        value = -np.mean(y * log_expit(eta) + (1 - y) * log_expit(-eta))
        return value, X.T @ (expit(eta) - y) / n_samples

    return X, value_and_gradient


def proximal_gradient(value_and_gradient, lipschitz, l1_weights, start, n_steps):
    """Minimise ``f(z) + sum_j c_j |z_j|`` by FISTA with restarts.

    Soft-thresholded gradient steps of length ``1 / lipschitz``, accelerated
    (Beck & Teboulle, 2009), the momentum dropped whenever the objective
    rises (O'Donoghue & Candes, 2015): an L1 solver independent of
    L-BFGS-B. Return the point and its objective.
    """

    def penalised(z):
        return value_and_gradient(z)[0] + l1_weights @ np.abs(z)

    z = momentum = start
    value, t = penalised(z), 1.0
    for _ in range(n_steps):
        moved = momentum - value_and_gradient(momentum)[1] / lipschitz
        trial = np.sign(moved) * np.maximum(np.abs(moved) - l1_weights / lipschitz, 0)
        trial_value = penalised(trial)
        if trial_value > value:
            momentum, t = z, 1.0
            continue
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        momentum = trial + (t - 1) / t_next * (trial - z)
        z, t, value = trial, t_next, trial_value
    return z, value


def test_l1_on_a_logistic_loss_matches_proximal_gradient():
    X, value_and_gradient = logistic_regression_problem()
    l1_weights = np.array([0.0, 0.05, 0.05, 0.05])
    result = minimize_with_l1(
        value_and_gradient, l1_weights, np.zeros(4), tol=1e-7, max_iter=500
    )
    # The logistic loss's curvature is at most 1/4: X.T X / (4 n) bounds it.
    lipschitz = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * len(X))
    expected, expected_value = proximal_gradient(
        value_and_gradient, lipschitz, l1_weights, np.zeros(4), 3000
    )
    assert np.any(expected == 0) and np.any(expected[1:] != 0)
    assert result.status == "converged"
    np.testing.assert_array_equal(result.solution == 0.0, expected == 0.0)
    np.testing.assert_allclose(result.solution, expected, rtol=1e-5)
    value = value_and_gradient(result.solution)[0] + l1_weights @ np.abs(
        result.solution
    )
    assert value == pytest.approx(expected_value, rel=1e-12)


def test_l1_reports_max_iter_when_stopped_early():
    X, value_and_gradient = logistic_regression_problem()
    result = minimize_with_l1(
        value_and_gradient,
        np.full(4, 0.01),
        np.zeros(4),
        tol=1e-12,
        max_iter=1,
    )
    assert result.n_iter == 1
    assert result.status == "max_iter"
    assert result.gradient_max > 1e-12


@pytest.mark.parametrize(
    "gradient, z, l1_weights, expected",
    [
        # Zeros: the excess of |g| over the weight; non-zeros: |g + c sign(z)|.
        ([0.5, -2.0, 0.3, 1.0], [0.0, 0.0, 1.0, -2.0], [1.0, 1.0, 0.5, 1.0], 1.0),
        ([0.5, -0.2, -0.3, 1.0], [0.0, 0.0, 1.0, -2.0], [1.0, 1.0, 0.5, 1.0], 0.2),
        ([0.5, -0.2, -0.5, 1.0], [0.0, 0.0, 1.0, -2.0], [1.0, 1.0, 0.5, 1.0], 0.0),
        # No weight: the gradient itself, at zero or not.
        ([0.25, -0.75], [0.0, 3.0], [0.0, 0.0], 0.75),
        ([], [], [], 0.0),
    ],
)
def test_l1_optimality_violation_by_hand(gradient, z, l1_weights, expected):
    violation = l1_optimality_violations(
        np.array(gradient), np.array(z), np.array(l1_weights)
    ).max(initial=0.0)
    assert violation == pytest.approx(expected, abs=1e-15)


def test_newton_steps_that_find_no_decrease_end_at_their_start():
    """After a failed line search the result is the start, with its gradient.

    Every move away from z = 0 raises the value by 1: each halving of the
    step fails, and the solver must report z = 0's gradient, not the last
    trial's.
    """
    minimiser = np.array([1e-3, 0.0])

    def jump(z):
        value = 0.5 * (z - minimiser) @ (z - minimiser) + float(np.any(z != 0))
        return value, z - minimiser

    result = minimize_smooth_convex(
        jump,
        lambda z: lambda v: v,
        2,
        tol=1e-14,
        max_iter=100,
        verbose=0,
        hessian_at=lambda z: np.eye(2),
    )
    np.testing.assert_array_equal(result.solution, [0.0, 0.0])
    assert result.status == "rounding"
    assert result.gradient_max == 1e-3


def test_newton_steps_go_on_while_the_decrement_says_the_optimum_is_far():
    """A gradient below tol with a curvature of 1e-8 leaves z 1e-3 short.

    The Newton decrement (here 1e-14, above n * tol**2) says so, and the
    step is taken.
    """
    hessian = np.diag([1e-8, 1.0])
    minimiser = np.array([1e-3, 0.0])
    value_and_gradient, hessian_product_at = quadratic(hessian, minimiser)
    result = minimize_smooth_convex(
        value_and_gradient,
        hessian_product_at,
        2,
        tol=1e-10,
        max_iter=100,
        verbose=0,
        hessian_at=lambda z: hessian,
    )
    np.testing.assert_allclose(result.solution, minimiser, rtol=1e-10)


def test_a_newton_step_below_rounding_is_kept_only_if_it_reduces_the_gradient():
    """Where the objective cannot show the decrease, the gradient decides.

    A Hessian 1000 times too small gives a step 1000 times too long; the
    decrease it predicts (2e-15) is below the objective's rounding (1 +
    ...), and the gradient it leads to is larger: the step is refused and
    the fit ends at its start, saying rounding stopped it.
    """
    minimiser = np.full(2, 1e-9)

    def offset_quadratic(z):
        return 1.0 + 0.5 * (z - minimiser) @ (z - minimiser), z - minimiser

    result = minimize_smooth_convex(
        offset_quadratic,
        lambda z: lambda v: v,
        2,
        tol=1e-12,
        max_iter=100,
        verbose=0,
        hessian_at=lambda z: 1e-3 * np.eye(2),
    )
    np.testing.assert_array_equal(result.solution, [0.0, 0.0])
    assert result.status == "rounding"
