"""The fit: the objective, preconditioned, solved, and what happened on the way.

:func:`fit_linear_model` composes the layers below it: a
:class:`~skxent._objective.LinearObjective` on the row blocks, a
:class:`~skxent._preconditioning.PreconditionedObjective` built at the start,
the solver on it, and the checks of ``_separation`` on the solution. It
returns the coefficients in the estimators' layout with the warnings the
estimator should raise; it raises none itself.
"""

from dataclasses import replace
from functools import partial
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._lasso import minimize_l1
from ._minimum_norm import minimum_norm_params
from ._objective import (
    LinearObjective,
    coef_and_intercept,
    join_params,
    params_of,
    split_params,
)
from ._preconditioning import (
    MAX_FEATURES_FOR_WHITENING,
    Curvature,
    PreconditionedObjective,
    curvature_moments,
    measure_curvature,
    preconditioner_from,
)
from ._separation import (
    unbounded_intercept_message,
    unpenalised_separation_message,
    why_not_finite,
)
from ._solver import minimize_smooth_convex

# A float32 fit stops at a gradient of this or tol, whichever is larger:
# there its predictions agree with the float64 fit's to float32 precision
# (about 1e-7), and a smaller gradient changes nothing float32 coefficients
# can hold, while float32 products round the gradient to a few 1e-9.
FLOAT32_TOLERANCE = 1e-8


# The largest alpha of a grid chosen from the data is this many times the
# largest curvature of a coefficient at the intercept-only model, where the
# penalty shrinks every coefficient to about 1 / (1 + ALPHA_GRID_TOP) of its
# unpenalised size; the grid spans this many decades below it.
ALPHA_GRID_TOP = 100.0
ALPHA_GRID_DECADES = 6

# Along a path of alphas, the next fit is preconditioned with the curvature
# measured for the previous one while that fit took at most this many
# iterations (its preconditioner was still close to the Hessian, and the
# next optimum is as near); after a longer fit the curvature is measured
# again at the new start. Measuring costs a pass over X and a p x p sum over
# the sampled rows, two to three evaluations' worth. On paths of 10 alphas
# fitted to the CV path's tolerance of 1e-6 (40k x 20 and 16k x 50) this
# measured 4 or 5 times instead of 10, for 0 to 2 more evaluations than
# measuring at every alpha: 15-50% less time; after every fit of more than 4
# or 6 iterations, it measured less still but took more evaluations than
# that saved. (Whole paths to 1e-10 were not measured to gain: there the
# longer finishing phase favoured measuring at every alpha.)
REUSED_CURVATURE_ITERATIONS = 3

# Newton steps solved with the Hessian itself, summed in the same pass as
# each gradient, finish a fit (after L-BFGS's first step) where the
# Hessian's work, about n_samples * (n_params**2 + DENSE_HESSIAN_ROW_COST)
# (its products, and the per-row arithmetic of the curvature matrices), is
# at most the blocks' dense_hessian_budget: there it costs little beside a
# pass's fixed cost, and Newton steps end a fit in half the passes
# (docs/benchmarks.rst, "Small data").
DENSE_HESSIAN_ROW_COST = 700

# A penalised fit still short of tol after this many iterations is
# preconditioned again with the curvature where it is (see _fit_from).
RESTART_ITERATIONS = 40

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


class Penalty(NamedTuple):
    """The elastic-net penalty on the coefficients, in scikit-learn's convention.

    It is ``alpha * (l1_ratio * sum_j P_j |coef_j| + (1 - l1_ratio) / 2 *
    sum_j P_j coef_j**2)``, with ``P = weights`` (all ones when None); for
    the softmax ``coef_j`` is feature ``j``'s row of coefficients, each
    penalised alike (elementwise L1).
    """

    alpha: float
    l1_ratio: float = 0.0
    weights: np.ndarray | None = None

    def _per_feature(self, strength):
        return strength if self.weights is None else strength * self.weights

    @property
    def ridge(self):
        """The L2 part's strength: a number, or one per feature."""
        return self._per_feature(self.alpha * (1.0 - self.l1_ratio))

    @property
    def lasso(self):
        """The L1 part's strength: a number, or one per feature."""
        return self._per_feature(self.alpha * self.l1_ratio)

    @property
    def has_l1(self):
        """Whether some coefficient has an L1 penalty."""
        return bool(np.any(np.asarray(self.lasso) > 0))


class FitResult(NamedTuple):
    """The fitted model and what the estimator should tell the user.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_classes, n_features)
    intercept : float or ndarray of shape (n_classes,)
    n_iter : int
    warnings : list of (category, message)
    curvature : Curvature
        What the fit's preconditioner was built from, to precondition a fit
        near this one (see :func:`fit_path`).
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    n_iter: int
    warnings: list
    curvature: Curvature


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
    l1_ratio=0.0,
    penalty_weights=None,
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
    alpha, fit_intercept, tol, max_iter, verbose, l1_ratio, penalty_weights
        As in the estimators (see :class:`Penalty`).
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
    (result,) = fit_path(
        blocks,
        targets,
        sample_weight,
        link=link,
        alphas=[alpha],
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        verbose=verbose,
        l1_ratio=l1_ratio,
        penalty_weights=penalty_weights,
        starts=None if start is None else [start],
        feature_magnitude=feature_magnitude,
    )
    return result


def fit_path(
    blocks,
    targets,
    sample_weight,
    *,
    link,
    alphas,
    fit_intercept,
    tol,
    max_iter,
    verbose,
    l1_ratio=0.0,
    penalty_weights=None,
    starts=None,
    curvature=None,
    feature_magnitude=None,
):
    """Fit the model at each of ``alphas`` in turn, each from the previous solution.

    The data's blocks, targets and normalised weights are shared by every
    fit; each fit is warm started from the solution at the alpha before
    it, so that along a decreasing sequence of neighbouring alphas each fit
    starts near its optimum. The preconditioner's curvature is measured at
    the first start and again after a fit of more than
    ``REUSED_CURVATURE_ITERATIONS`` iterations.

    Parameters
    ----------
    blocks, targets, sample_weight, link, fit_intercept, tol, max_iter, \
verbose, l1_ratio, penalty_weights, feature_magnitude
        As in :func:`fit_linear_model`.
    alphas : sequence of float
        The penalties, fitted in the order given.
    starts : sequence of (coef, intercept) or None, default=None
        Where each fit starts, in the estimators' layout (a fit at the same
        alpha to a looser tolerance, say); None for the first fit's cold
        start and each next fit's start at the previous solution.
    curvature : Curvature or None, default=None
        Measured near the first start (a :class:`FitResult`'s), for the
        first fit's preconditioner; None to measure it there.

    Returns
    -------
    list of FitResult
        One per alpha.
    """
    targets = blocks.rows(targets)
    weights = blocks.rows(_normalised_weights(blocks, sample_weight))
    params = (
        _cold_start(blocks, targets, weights, fit_intercept, link)
        if starts is None
        else None
    )
    objective = LinearObjective(blocks, targets, weights, 0.0, fit_intercept, link)
    results = []
    for index, alpha in enumerate(alphas):
        if starts is not None:
            params = params_of(*starts[index], fit_intercept)
        penalty = Penalty(alpha, l1_ratio, penalty_weights)
        penalised = objective.with_alpha(penalty.ridge)
        if curvature is None or (
            results and results[-1].n_iter > REUSED_CURVATURE_ITERATIONS
        ):
            curvature = measure_curvature(penalised, params, feature_magnitude)
        if penalty.has_l1:
            params, result = _fit_l1_from(
                penalised,
                penalty.lasso,
                params,
                curvature,
                tol,
                max_iter,
                verbose,
                feature_magnitude,
            )
        else:
            params, result = _fit_from(
                penalised, params, curvature, tol, max_iter, verbose, feature_magnitude
            )
        results.append(result)
    return results


def _solve_smooth(
    objective, origin, curvature, tol, max_iter, verbose, feature_magnitude, mask=None
):
    """Minimise the smooth ``objective`` from the parameters ``origin``.

    The preconditioner is built from ``curvature``, a
    :class:`~skxent._preconditioning.Curvature` measured at ``origin`` or
    near it; with ``mask`` (booleans of the shape of ``coef``) only the
    coefficients it marks move. Where the Hessian is cheap (see
    ``DENSE_HESSIAN_ROW_COST``), each evaluation also sums it, and Newton
    steps with it finish the fit. Otherwise a penalised fit that has not
    converged after ``RESTART_ITERATIONS`` iterations goes on from where it is with
    the curvature measured there: the curvature at the start no longer
    describes the problem (hard targets fitted nearly exactly, where the
    optimum's curvature is far below the start's). L-BFGS's memory starts
    again with it, too short to tell how far the optimum is: the restarted
    fit's convergence is judged by the Newton decrement solved with the
    Hessian. Without a penalty the optimum may be at infinity (separated
    rows), where a curvature measured on the way only hastens the run
    there: the fit goes on as it started.

    Return the solution's parameters, the solver's result (its iterations
    summed over restarts) and whether the preconditioner proved the design
    of full rank.
    """
    blocks = objective.blocks
    float64 = blocks.dtype == np.float64
    hessian_work = blocks.shape[0] * (origin.size**2 + DENSE_HESSIAN_ROW_COST)
    n_iter = 0
    while True:
        problem = PreconditionedObjective(
            objective,
            preconditioner_from(
                curvature, origin, objective.alpha, objective.fit_intercept, mask
            ),
            dense_hessians=hessian_work <= blocks.dense_hessian_budget,
        )
        # Newton steps on the Hessian need no restart.
        restarts = objective.penalised and problem.hessian_basis is None
        remaining = max_iter - n_iter
        result = minimize_smooth_convex(
            problem.value_and_gradient,
            problem.hessian_product_at,
            problem.n_variables,
            tol=tol,
            max_iter=(
                RESTART_ITERATIONS
                if restarts and remaining > 2 * RESTART_ITERATIONS
                else remaining
            ),
            verbose=verbose,
            exact_value_and_gradient=(
                None
                if float64
                else partial(problem.value_and_gradient, dtype=np.float64)
            ),
            exact_decrement=n_iter > 0,
            hessian_at=None if problem.hessian_basis is None else problem.hessian_at,
        )
        n_iter += result.n_iter
        if not restarts or result.status != "max_iter" or n_iter >= max_iter:
            break
        origin = problem.params(result.solution)
        curvature = measure_curvature(objective, origin, feature_magnitude)
    params = problem.params(result.solution)
    if not np.all(np.isfinite(params)):
        raise ValueError(NON_FINITE_MESSAGE)
    return params, replace(result, n_iter=n_iter), problem.preconditioner.full_rank


def _fit_result(objective, params, result, tol, max_iter, reason_not_finite, curvature):
    """Return the :class:`FitResult` of ``params``, a solution of ``objective``.

    ``result`` is the solver's and ``reason_not_finite`` why the optimum is
    not finite ("" if it is).
    """
    message = _fit_message(reason_not_finite, result, tol, max_iter)
    coef, intercept = coef_and_intercept(params, objective.fit_intercept)
    return FitResult(
        coef=coef,
        intercept=intercept,
        n_iter=result.n_iter,
        warnings=[(ConvergenceWarning, message)] if message else [],
        curvature=curvature,
    )


def _fit_from(objective, origin, curvature, tol, max_iter, verbose, feature_magnitude):
    """Minimise the smooth ``objective`` from ``origin`` (see :func:`_solve_smooth`).

    Without a penalty on a design not proven of full rank, the solution is
    the one of minimum norm. Return its parameters and its
    :class:`FitResult`.
    """
    tol = _tolerance_for(objective.blocks, tol)
    params, result, full_rank = _solve_smooth(
        objective, origin, curvature, tol, max_iter, verbose, feature_magnitude
    )
    blocks = objective.blocks
    if (
        not objective.penalised
        and not full_rank
        and blocks.shape[1] <= MAX_FEATURES_FOR_WHITENING
    ):
        params = minimum_norm_params(
            blocks, objective.weights, params, objective.fit_intercept
        )
    return params, _fit_result(
        objective,
        params,
        result,
        tol,
        max_iter,
        why_not_finite(objective, params)
        or unpenalised_separation_message(
            objective, params, _unpenalised(objective, 0.0)
        ),
        curvature,
    )


def _unpenalised(objective, lasso):
    """Return which features ``objective`` and the L1 ``lasso`` leave unpenalised.

    Only when some feature is penalised (all False otherwise: the
    separation check of an unpenalised fit covers every feature).
    """
    n_features = objective.blocks.shape[1]
    ridge = np.broadcast_to(np.asarray(objective.alpha, dtype=np.float64), n_features)
    lasso = np.broadcast_to(lasso, (n_features,) + np.shape(lasso)[1:])
    free = (ridge == 0) & np.all(np.reshape(lasso, (n_features, -1)) == 0, axis=1)
    return free if not free.all() else np.zeros(n_features, dtype=bool)


def _tolerance_for(blocks, tol):
    """``tol``, or ``FLOAT32_TOLERANCE`` if larger for float32 ``X``."""
    return tol if blocks.dtype == np.float64 else max(tol, FLOAT32_TOLERANCE)


def _fit_l1_from(
    objective, lasso, origin, curvature, tol, max_iter, verbose, feature_magnitude
):
    """Minimise ``objective`` plus ``sum(lasso * |coef|)`` from ``origin``.

    See :func:`~skxent._lasso.minimize_l1`, here with the preconditioned
    solver of :func:`_solve_smooth`. Return the solution's parameters and
    its :class:`FitResult`.
    """
    tol = _tolerance_for(objective.blocks, tol)

    def solve_smooth(fixed_signs, start, curvature, tol, max_iter, mask):
        params, result, _ = _solve_smooth(
            fixed_signs,
            start,
            curvature,
            tol,
            max_iter,
            verbose,
            feature_magnitude,
            mask,
        )
        return params, result

    params, result, curvature = minimize_l1(
        objective,
        lasso,
        origin,
        curvature,
        tol=tol,
        max_iter=max_iter,
        verbose=verbose,
        solve_smooth=solve_smooth,
        measure=partial(measure_curvature, feature_magnitude=feature_magnitude),
    )
    return params, _fit_result(
        objective,
        params,
        result,
        tol,
        max_iter,
        unbounded_intercept_message(objective)
        or unpenalised_separation_message(
            objective, params, _unpenalised(objective, lasso)
        ),
        curvature,
    )


def l1_alpha_max(
    blocks,
    targets,
    sample_weight,
    *,
    link,
    fit_intercept,
    l1_ratio,
    penalty_weights,
    tol,
    max_iter,
    feature_magnitude=None,
):
    """Return the smallest alpha at which every penalised coefficient is zero.

    At the fit of the unpenalised parameters alone (the intercept, and the
    features of zero ``penalty_weights``), with the objective's gradient
    ``g`` there, it is ``max_j |g_j| / (l1_ratio * P_j)`` over the penalised
    features: from it up, zero meets every penalised coefficient's
    optimality condition ``|g_j| <= alpha * l1_ratio * P_j`` (the L2 part
    adds nothing at zero). For the softmax ``|g_j|`` is the largest over
    the classes. The intercept-only fit needs no solver: its predictions
    are the weighted mean target, whatever the link.

    Parameters
    ----------
    blocks, targets, sample_weight, link, fit_intercept, l1_ratio, \
penalty_weights, tol, max_iter, feature_magnitude
        As in :func:`fit_linear_model`; ``l1_ratio > 0``.

    Returns
    -------
    float
        0.0 when no feature is penalised or every gradient is zero.
    """
    targets = blocks.rows(targets)
    weights = blocks.rows(_normalised_weights(blocks, sample_weight))
    objective = LinearObjective(blocks, targets, weights, 0.0, fit_intercept, link)
    params = _cold_start(blocks, targets, weights, fit_intercept, link)
    strengths = np.ones(blocks.shape[1]) if penalty_weights is None else penalty_weights
    penalised = strengths > 0
    if not penalised.any():
        return 0.0
    if not penalised.all():
        coef, _ = split_params(params, fit_intercept)
        free = np.broadcast_to(
            (~penalised).reshape((-1,) + (1,) * (coef.ndim - 1)), coef.shape
        )
        params, _, _ = _solve_smooth(
            objective,
            params,
            measure_curvature(objective, params, feature_magnitude),
            _tolerance_for(blocks, tol),
            max_iter,
            0,
            feature_magnitude,
            mask=free,
        )
    _, gradient = objective.value_and_gradient(params)
    coef_gradient, _ = split_params(gradient, fit_intercept)
    largest = np.abs(coef_gradient).reshape(len(strengths), -1).max(axis=1)
    return float(np.max(largest[penalised] / (l1_ratio * strengths[penalised])))


def alpha_grid(
    blocks,
    targets,
    sample_weight,
    *,
    link,
    fit_intercept,
    n_alphas,
):
    """Return ``n_alphas`` penalties on a log grid chosen from the data, decreasing.

    The largest is ``ALPHA_GRID_TOP`` times the largest curvature of the
    objective along one column's coefficient at the intercept-only model
    (the weighted variance of the column times the loss's curvature
    there): above it every coefficient is shrunk to about 1% of its
    unpenalised size or less, and the model predicts about the weighted
    mean target. The grid spans ``ALPHA_GRID_DECADES`` decades below it. The
    curvatures are summed over all rows (one pass over ``X``), so the grid
    is the same for any layout of the same data.

    Parameters
    ----------
    blocks, targets, sample_weight, link, fit_intercept
        As in :func:`fit_linear_model`.
    n_alphas : int
        Number of penalties.

    Returns
    -------
    ndarray of shape (n_alphas,)
    """
    targets = blocks.rows(targets)
    weights = blocks.rows(_normalised_weights(blocks, sample_weight))
    objective = LinearObjective(blocks, targets, weights, 0.0, fit_intercept, link)
    curvature = objective.curvature_at(
        _cold_start(blocks, targets, weights, fit_intercept, link)
    )
    total_curvature, class_curvature = objective.curvature_sums(curvature)
    moments = curvature_moments(
        blocks,
        objective.curvature_weights(curvature),
        total_curvature,
        fit_intercept,
        exact_squares=True,
    )
    # The columns' curvatures are summed with the trace of each row's class
    # matrix; a coefficient's largest curvature is in the class direction of
    # the summed matrix's largest eigenvalue.
    class_share = (
        np.linalg.eigvalsh(class_curvature)[-1] / total_curvature
        if np.ndim(class_curvature) == 2 and total_curvature > 0
        else 1.0
    )
    largest = float(moments.squares.max(initial=0.0)) * class_share
    # Without spread in any column the penalty changes nothing: any grid will do.
    top = ALPHA_GRID_TOP * (largest if largest > 0 else 1.0)
    return np.logspace(np.log10(top), np.log10(top) - ALPHA_GRID_DECADES, n_alphas)
