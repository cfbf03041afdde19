"""Tests of ``skxent._lasso``: the exact finish of the proximal Newton models."""

import numpy as np
import pytest
from test_solver import lasso_by_enumeration

from skxent._lasso import (
    _FixedSignObjective,
    _l1_quadratic_by_feature_signs,
    _positive_definite,
    _SignChanged,
)
from skxent._link import LOGIT
from skxent._objective import LinearObjective
from skxent._preconditioning import (
    PreconditionedObjective,
    measure_curvature,
    preconditioner_from,
)
from skxent._row_blocks import RowBlocks
from skxent._solver import minimize_with_l1


def correlated_quadratic(seed, n_variables=6):
    """Return a positive definite Hessian of condition 1e4, its linear term, weights."""
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.normal(size=(n_variables, n_variables)))
    hessian = basis @ np.diag(np.geomspace(1e-2, 1e2, n_variables)) @ basis.T
    linear = -hessian @ rng.normal(size=n_variables)
    l1_weights = np.r_[0.0, np.full(n_variables - 1, 0.4)]
    return hessian, linear, l1_weights


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("start", ["zeros", "L-BFGS-B at 1e-4"])
def test_feature_sign_search_finds_the_minimiser_of_every_sign_pattern(seed, start):
    """From zeros, or from L-BFGS-B's rough solution: the exact minimiser.

    The reference tries every pattern of signs.
    """
    hessian, linear, l1_weights = correlated_quadratic(seed)
    expected = lasso_by_enumeration(hessian, linear, l1_weights)
    assert np.any(expected == 0)
    first = np.zeros(6)
    if start != "zeros":
        first = minimize_with_l1(
            lambda u: (linear @ u + 0.5 * u @ hessian @ u, hessian @ u + linear),
            l1_weights,
            first,
            tol=1e-4,
            max_iter=1000,
        ).solution
    solution = _l1_quadratic_by_feature_signs(hessian, linear, l1_weights, first, 1e-12)
    assert solution is not None
    np.testing.assert_array_equal(solution == 0, expected == 0)
    np.testing.assert_allclose(solution, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_feature_sign_search_from_far_ends_exact_or_gives_up(seed):
    """From a start far from the minimiser: exact, or None (L-BFGS-B goes on)."""
    hessian, linear, l1_weights = correlated_quadratic(seed)
    expected = lasso_by_enumeration(hessian, linear, l1_weights)
    first = np.random.default_rng(seed + 100).normal(size=6) * 5
    solution = _l1_quadratic_by_feature_signs(hessian, linear, l1_weights, first, 1e-12)
    if solution is not None:
        np.testing.assert_allclose(solution, expected, rtol=1e-9, atol=1e-12)


def test_a_singular_hessian_is_not_taken_as_positive_definite():
    """More variables than the rank of the data: no exact finish."""
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(3, 6))
    assert not _positive_definite(rows.T @ rows)
    assert _positive_definite(rows.T @ rows + 1e-3 * np.eye(6))


def test_the_hessian_summing_objective_of_a_support_fit_still_watches_the_signs():
    """A small support fit's objective, summing Hessians, still stops below zero.

    Fits on small data sum the Hessian with each evaluation; the objective
    they evaluate must be the one watched for a sign change.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    objective = LinearObjective(
        RowBlocks(X), np.full(6, 0.5), np.full(6, 1 / 6), 0.0, True, LOGIT
    )
    watched = _FixedSignObjective(objective.with_slope(np.array([1.0, 0.0, 0.0])))
    origin = np.zeros(4)
    problem = PreconditionedObjective(
        watched,
        preconditioner_from(measure_curvature(objective, origin), origin, 0.0, True),
        dense_hessians=True,
    )
    assert problem.hessian_basis is not None
    # Far along -coef_0 the slope's term is below -log(2) and grows faster
    # than the loss: the objective is negative there.
    far = np.zeros(4)
    far[0] = -1e3
    with pytest.raises(_SignChanged):
        problem.objective.value_and_gradient(far)
