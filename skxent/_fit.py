"""The fit: the objective, preconditioned, solved, and what happened on the way.

:func:`fit_linear_model` composes the layers below it: a
:class:`~skxent._objective.LinearObjective` on the row blocks, a
:class:`~skxent._preconditioning.PreconditionedObjective` built at the start,
the solver on it, and the checks of ``_separation`` on the solution. It
returns the coefficients in the estimators' layout with the warnings the
estimator should raise; it raises none itself.
"""

from functools import partial
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._minimum_norm import minimum_norm_params
from ._objective import LinearObjective, coef_and_intercept, join_params, params_of
from ._preconditioning import (
    MAX_FEATURES_FOR_WHITENING,
    PreconditionedObjective,
    build_preconditioner,
)
from ._separation import why_not_finite
from ._solver import minimize_smooth_convex

# A float32 fit stops at a gradient of this or tol, whichever is larger:
# there its predictions agree with the float64 fit's to float32 precision
# (about 1e-7), and a smaller gradient changes nothing float32 coefficients
# can hold, while float32 products round the gradient to a few 1e-9.
FLOAT32_TOLERANCE = 1e-8


ADVICE_AT_MAX_ITER = (
    "Increase max_iter, or increase alpha if the features are nearly "
    "collinear or the targets are separable."
)
ADVICE_AT_ROUNDING = (
    "No further step reduced the gradient: what is left of it is rounding in "
    "the objective's arithmetic on these data (float32 X, or features of "
    "extreme magnitudes). Loosen tol, or rescale the features (or fit "
    "float64 X)."
)


NON_FINITE_MESSAGE = (
    "The fit reached non-finite coefficients: the objective's arithmetic "
    "overflowed on these data, although they passed the checks of X, y and "
    "sample_weight. Rescale the features and the weights, and please report "
    "the data's shape and value ranges to skxent's issue tracker."
)


def _fit_message(reason_not_finite, result, tol, max_iter):
    """Say why the fit is not at a finite optimum, or that it stopped early.

    ``""`` when it converged to a finite optimum. Where the optimum is not
    finite, that is the cause of any stop above ``tol``: the advice for an
    ordinary stop would mislead.
    """
    if result.status == "converged":
        return reason_not_finite
    stop = (
        f"The solver ran {result.n_iter} iterations and ended with max "
        f"|gradient| {result.gradient_max:.2e} > tol={tol:g}"
    )
    if reason_not_finite:
        return f"{reason_not_finite} {stop}, as it must short of infinity."
    reason = (
        f"reached max_iter={max_iter}. {ADVICE_AT_MAX_ITER}"
        if result.status == "max_iter"
        else f"stopped before max_iter={max_iter}. {ADVICE_AT_ROUNDING}"
    )
    return f"{stop}: it {reason}"


class FitResult(NamedTuple):
    """The fitted model and what the estimator should tell the user.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_classes, n_features)
    intercept : float or ndarray of shape (n_classes,)
    n_iter : int
    warnings : list of (category, message)
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    n_iter: int
    warnings: list


def _normalised_weights(blocks, sample_weight):
    """Return the weights divided by their sum.

    They are first divided by their size (the largest weight; on dask, the
    chunks' largest summed), so that the sum neither overflows (weights near
    float64's limit) nor loses digits to underflow.
    """
    (size,) = blocks.sum_rows(
        lambda weights_rows: (float(weights_rows.max()),), (sample_weight,)
    )
    scaled = sample_weight / size
    (total,) = blocks.sum_rows(
        lambda weights_rows: (float(weights_rows.sum()),), (scaled,)
    )
    # In place: one array of the weights' size, not two (dask rebinds).
    scaled /= total
    return scaled


def _cold_start(blocks, targets, weights, fit_intercept, link):
    """Zero coefficients; the intercept that fits the weighted mean target."""
    n_features = blocks.shape[1]
    coef = np.zeros((n_features,) + targets.shape[1:])
    intercept = np.zeros(targets.shape[1:])
    if fit_intercept:
        (mean,) = blocks.sum_rows(
            lambda targets_rows, weights_rows: (weights_rows @ targets_rows,),
            (targets, weights),
        )
        # Targets all 0 (or all 1) have their optimum at intercept -inf
        # (+inf): start at a finite point in that direction and let the
        # solver go on.
        intercept = link.link(np.clip(mean, 1e-10, 1.0 - 1e-10))
    return join_params(coef, intercept, fit_intercept)


def fit_linear_model(
    blocks,
    targets,
    sample_weight,
    *,
    link,
    alpha,
    fit_intercept,
    tol,
    max_iter,
    verbose,
    start=None,
    feature_magnitude=None,
):
    """Minimise the penalised weighted mean cross-entropy of a linear model.

    Parameters
    ----------
    blocks : RowBlocks or DaskRowBlocks
        The design matrix ``X`` of shape (n_samples, n_features): float64,
        or float32, whose L-BFGS iterations and Hessian products then read
        it as float32 (half the bytes), only the Newton steps' gradients,
        which decide ``tol``, being taken in float64.
    targets : array of shape (n_samples,) or (n_samples, n_classes)
        Probabilities in [0, 1], or rows on the probability simplex.
    sample_weight : array of shape (n_samples,)
        Non-negative, not all zero.
    link : link from ``_link.py``
        A binary link for 1-D targets, the softmax for 2-D ones.
    alpha, fit_intercept, tol, max_iter, verbose
        As in the estimators.
    start : tuple (coef, intercept) or None
        A previous fit's ``coef_`` and ``intercept_`` to start from (a warm
        start); None for a cold start.
    feature_magnitude : float or None
        The largest ``|x|`` in ``X`` (from validation), for the
        preconditioner to tell an outlier in a row it does not sample;
        None when unknown.

    Returns
    -------
    FitResult
    """
    targets = blocks.rows(targets)
    weights = blocks.rows(_normalised_weights(blocks, sample_weight))
    objective = LinearObjective(blocks, targets, weights, alpha, fit_intercept, link)
    origin = (
        _cold_start(blocks, targets, weights, fit_intercept, link)
        if start is None
        else params_of(*start, fit_intercept)
    )
    problem = PreconditionedObjective(
        objective, build_preconditioner(objective, origin, feature_magnitude)
    )
    float64 = blocks.dtype == np.float64
    tol = tol if float64 else max(tol, FLOAT32_TOLERANCE)
    result = minimize_smooth_convex(
        problem.value_and_gradient,
        problem.hessian_product_at,
        problem.n_variables,
        tol=tol,
        max_iter=max_iter,
        verbose=verbose,
        exact_value_and_gradient=(
            None if float64 else partial(problem.value_and_gradient, dtype=np.float64)
        ),
    )
    params = problem.params(result.solution)
    if not np.all(np.isfinite(params)):
        raise ValueError(NON_FINITE_MESSAGE)
    if (
        alpha == 0
        and not problem.preconditioner.full_rank
        and blocks.shape[1] <= MAX_FEATURES_FOR_WHITENING
    ):
        params = minimum_norm_params(blocks, weights, params, fit_intercept)
    message = _fit_message(why_not_finite(objective, params), result, tol, max_iter)
    warnings = [(ConvergenceWarning, message)] if message else []
    coef, intercept = coef_and_intercept(params, fit_intercept)
    return FitResult(
        coef=coef, intercept=intercept, n_iter=result.n_iter, warnings=warnings
    )
