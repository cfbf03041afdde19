"""L1 and elastic-net fits: the support by proximal Newton steps, then exact.

The L1 term ``sum_j lasso_j |coef_j|`` is not differentiable at 0, where it
puts the coefficients it removes. :func:`minimize_l1` alternates

- proximal Newton steps (Lee, Sun and Saunders, 2014): the quadratic model
  of the smooth objective (its gradient, and the Hessian estimated from the
  preconditioner's sampled rows) plus the L1 term, solved by scipy's
  L-BFGS-B with bounds on the coefficients split into positive and negative
  parts (:func:`~skxent._solver.minimize_with_l1`), in variables scaled
  coefficient by coefficient so that the bounds stay bounds; they find
  which coefficients are zero, and the signs of the others;
- a fit on that support (:func:`fit_on_support`): with the signs fixed the
  L1 term is linear and the problem smooth, solved by the preconditioned
  solver on the moving coefficients alone, and cut at the first
  coefficient that crosses zero (feature-sign search, Lee et al., 2007);

until every zero coefficient meets its optimality condition to ``tol``.
The preconditioned solver and the curvature measurement are passed in:
this module knows the L1 term, not how the smooth fit is run.
"""

from dataclasses import replace

import numpy as np
import scipy.linalg

from ._objective import join_params, per_coefficient, split_params
from ._row_blocks import one_numpy_blas_thread
from ._solver import (
    RESOLVABLE_DECREASE_ULPS,
    SolverResult,
    l1_optimality_violations,
    minimize_with_l1,
)

# The most L-BFGS-B iterations on the quadratic model of a proximal Newton
# step (each a product with a p x p matrix, no pass over X), and the scaled
# gradient it is first solved to (or tol): the model only proposes which
# coefficients are zero. Where the fit on that support leaves a zero
# coefficient short of optimal, the next model is solved to this share of
# the violation, so that it moves that coefficient. Solved to 1e-4 instead,
# the models cost half the time on star98 and breast cancer, but left small
# coefficients short of zero that the fit on the support then removed one
# crossing at a time: 100 to 455 iterations where the L2 fit takes 20 to
# 45 (breast cancer, anes96's 7 classes, 40 x 200), 10 to 80 with 1e-6.
MODEL_ITERATIONS = 1000
MODEL_TOLERANCE = 1e-6
MODEL_TOLERANCE_SHARE = 0.1

# A proximal Newton step is kept where the objective falls by at least this
# fraction of the decrease its first-order model predicts; otherwise it is
# halved, at most this many times. The steps go on until the support is
# the same twice and the model predicts a decrease of at most this share
# of the objective (the support fit then starts near the optimum; without
# it, breast cancer fits stopped 50% above it and needed 100 to 280
# iterations, 18 to 63 with it).
ARMIJO_FRACTION = 1e-4
MAX_STEP_HALVINGS = 30
SETTLED_GAIN = 1e-3

# The fit on a support is taken to these tolerances in turn (or tol), where a
# coefficient crossing zero shows, before a fit to tol is spent on it; after
# a crossing, from the first again.
SIGN_CHECK_TOLERANCES = (1e-3, 1e-6)

# A quadratic model of at most this many coefficients is finished exactly,
# from L-BFGS-B's solution to this tolerance (or model_tol), by feature-sign
# search with dense solves, taking at most twice its size plus this many
# steps, when its Hessian is positive definite.
EXACT_MODEL_COEFFICIENTS = 300
EXACT_MODEL_TOLERANCE = 1e-4
EXACT_MODEL_STEPS = 10
MIN_PIVOT_RATIO = 1e-10


def _l1_newton_proposal(objective, lasso, params, curvature, model_tol):
    """Return the parameters of a proximal Newton step from ``params``.

    The step minimises the quadratic model of the smooth ``objective`` at
    ``params`` (its gradient, and the Hessian of ``curvature``, estimated
    from sampled rows) plus ``sum(lasso * |coef|)``: an L1-penalised
    quadratic in the coefficients, solved by L-BFGS-B with bounds
    (:func:`~skxent._solver.minimize_with_l1`) without reading ``X``. Its
    variables are the coefficients scaled by the square roots of the
    Hessian's diagonal, so that the bounds stay bounds; the intercept keeps
    its centered value (it is free, the support's fit moves it). The
    coefficients it puts at exactly zero, and the signs of the others, are
    the support the preconditioned solver then fits on (what glum's
    ``irls-cd`` does with coordinate descent).
    """
    fit_intercept = objective.fit_intercept
    _, gradient = objective.value_and_gradient(params)
    coef, intercept = split_params(params, fit_intercept)
    coef_gradient, intercept_gradient = split_params(gradient, fit_intercept)
    center = curvature.moments.center
    if fit_intercept:
        # The gradient with the centered intercept held fixed.
        coef_gradient = coef_gradient - np.multiply.outer(center, intercept_gradient)
    hessian_product = curvature.coefficient_hessian_product(objective.alpha)
    scales = per_coefficient(curvature.coefficient_scales(objective.alpha), coef)

    def model_value_and_gradient(scaled):
        step = scaled.reshape(coef.shape) / scales - coef
        curved = hessian_product(step)
        value = np.vdot(coef_gradient, step) + 0.5 * np.vdot(step, curved)
        return value, ((coef_gradient + curved) / scales).ravel()

    l1_weights = (lasso / scales).ravel()
    start = (coef * scales).ravel()
    with one_numpy_blas_thread():
        hessian = (
            _dense_scaled(hessian_product, scales, coef.shape)
            if coef.size <= EXACT_MODEL_COEFFICIENTS
            else None
        )
        exact = hessian is not None and _positive_definite(hessian)
        result = minimize_with_l1(
            model_value_and_gradient,
            l1_weights,
            start,
            tol=max(model_tol, EXACT_MODEL_TOLERANCE) if exact else model_tol,
            max_iter=MODEL_ITERATIONS,
        )
        solution = result.solution
        if exact:
            linear = (coef_gradient / scales).ravel() - hessian @ start
            exact_solution = _l1_quadratic_by_feature_signs(
                hessian, linear, l1_weights, solution, model_tol
            )
            solution = (
                exact_solution
                if exact_solution is not None
                # L-BFGS-B goes on to model_tol instead.
                else minimize_with_l1(
                    model_value_and_gradient,
                    l1_weights,
                    solution,
                    tol=model_tol,
                    max_iter=MODEL_ITERATIONS,
                ).solution
            )
    new_coef = solution.reshape(coef.shape) / scales
    if not fit_intercept:
        return new_coef
    return join_params(new_coef, intercept - center @ (new_coef - coef), True)


def _dense_scaled(hessian_product, scales, shape):
    """Return the matrix of ``d -> hessian_product(d / scales) / scales``, flat."""
    size = int(np.prod(shape))
    columns = [
        (hessian_product(unit.reshape(shape) / scales) / scales).ravel()
        for unit in np.eye(size)
    ]
    return np.column_stack(columns) if columns else np.zeros((0, 0))


def _positive_definite(matrix):
    """Whether ``matrix`` is positive definite beyond rounding.

    Its Cholesky factor must exist with no pivot below ``MIN_PIVOT_RATIO``
    of the largest (squared). Then so is every block on its diagonal, and a
    quadratic with it has one minimiser on any support; a singular one
    (more features than rows, the softmax's shared direction without an L2
    part) may have many, where the solves of
    :func:`_l1_quadratic_by_feature_signs` are not defined.
    """
    try:
        pivots = np.square(np.diag(np.linalg.cholesky(matrix)))
    except np.linalg.LinAlgError:
        return False
    return bool(pivots.min(initial=1.0) > MIN_PIVOT_RATIO * pivots.max(initial=1.0))


def _l1_quadratic_by_feature_signs(hessian, linear, l1_weights, start, tol):
    """Minimise ``linear @ u + u @ hessian @ u / 2 + sum_j c_j |u_j|`` exactly.

    Feature-sign search (Lee et al., 2007) from ``start`` (L-BFGS-B's
    solution, whose support is usually right already): the zero variable
    whose gradient most exceeds its weight ``c_j`` joins with the sign the
    gradient asks for; with the signs fixed the quadratic is minimised by
    one linear solve on the non-zero variables, and the step to it stops at
    whichever of its end and the points where a variable crosses zero has
    the lowest objective, the variable crossing there set to exactly 0.
    Return the minimiser once the optimality conditions hold to ``tol``,
    or None where a solve fails (a singular block) or a step gains
    nothing: L-BFGS-B's solution then stands.
    """

    def objective(u):
        return linear @ u + 0.5 * u @ hessian @ u + l1_weights @ np.abs(u)

    u = start.copy()
    for _ in range(2 * len(u) + EXACT_MODEL_STEPS):
        gradient = hessian @ u + linear
        violations = l1_optimality_violations(gradient, u, l1_weights)
        if violations.max(initial=0.0) <= tol:
            return u
        signs = np.sign(u)
        excess = np.where(u == 0, np.abs(gradient) - l1_weights, -np.inf)
        joining = int(np.argmax(excess))
        if excess[joining] > tol:
            signs[joining] = -np.sign(gradient[joining])
        moving = (signs != 0) | (l1_weights == 0)
        target = np.zeros_like(u)
        try:
            target[moving] = scipy.linalg.solve(
                hessian[np.ix_(moving, moving)],
                -(linear[moving] + l1_weights[moving] * signs[moving]),
                assume_a="pos",
            )
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            return None
        crossing = (u != 0) & (np.sign(target) != signs)
        lengths = np.unique(
            np.concatenate([[1.0], u[crossing] / (u[crossing] - target[crossing])])
        )
        points = [u + length * (target - u) for length in lengths]
        for length, point in zip(lengths, points, strict=True):
            point[crossing & (u / (u - target + (target == u)) <= length)] = 0.0
        values = [objective(point) for point in points]
        best = int(np.argmin(values))
        if not values[best] < objective(u):
            return None
        u = points[best]
    return None


def penalised_value(objective, lasso, params):
    """Return ``objective`` plus ``sum(lasso * |coef|)`` at ``params``."""
    value, _ = objective.value_and_gradient(params)
    coef, _ = split_params(params, objective.fit_intercept)
    return value + np.vdot(lasso, np.abs(coef))


def _l1_line_search(objective, lasso, params, proposal):
    """Return the point on the way from ``params`` to ``proposal`` to step to.

    The first of ``params + t (proposal - params)``, ``t = 1, 1/2, ...``,
    whose penalised objective falls by at least ``ARMIJO_FRACTION`` of the
    decrease the first-order model predicts (the proximal Newton line
    search of Lee, Sun and Saunders, 2014); ``params`` if none does. At
    ``t = 1`` it is ``proposal`` itself, with its exact zeros. Return the
    point, ``t`` (0 for ``params``) and the predicted decrease relative to
    the objective.
    """
    fit_intercept = objective.fit_intercept
    value = penalised_value(objective, lasso, params)
    _, gradient = objective.value_and_gradient(params)
    coef, _ = split_params(params, fit_intercept)
    proposed_coef, _ = split_params(proposal, fit_intercept)
    step = proposal - params
    predicted = np.vdot(gradient, step) + np.vdot(
        lasso, np.abs(proposed_coef) - np.abs(coef)
    )
    if predicted >= -RESOLVABLE_DECREASE_ULPS * np.spacing(abs(value)):
        # The model is at its own optimum, up to rounding: nothing to search.
        return proposal, 1.0, 0.0
    length = 1.0
    for _ in range(MAX_STEP_HALVINGS):
        trial = proposal if length == 1.0 else params + length * step
        trial_value = penalised_value(objective, lasso, trial)
        if trial_value <= value + ARMIJO_FRACTION * length * min(predicted, 0.0):
            return trial, length, -predicted / abs(value)
        length /= 2
    return params, 0.0, 0.0


def _l1_newton_steps(
    objective, lasso, params, curvature, model_tol, max_iter, measure, verbose
):
    """Take proximal Newton steps from ``params`` until the support settles.

    Each step is :func:`_l1_newton_proposal` with the curvature measured
    where it starts, and :func:`_l1_line_search`. They stop when two steps
    in a row end with the same zero coefficients and signs (the support
    the preconditioned solver is to fit on), the second a full step that
    the model predicted to gain at most ``SETTLED_GAIN`` of the objective
    (the model then describes it near its optimum), when no step lowers
    the objective any more (the fit on the support takes over), or at
    ``max_iter``. Return the parameters, the curvature measured last, and
    the number of steps.
    """
    fit_intercept = objective.fit_intercept
    previous_signs = None
    for n_steps in range(1, max_iter + 1):
        if n_steps > 1:
            curvature = measure(objective, params)
        proposal = _l1_newton_proposal(objective, lasso, params, curvature, model_tol)
        params, length, gain = _l1_line_search(objective, lasso, params, proposal)
        signs = np.sign(split_params(params, fit_intercept)[0])
        if verbose:
            print(
                f"proximal Newton step {n_steps:4d}: objective "
                f"{penalised_value(objective, lasso, params):.15g}, "
                f"{np.count_nonzero(signs)} non-zero coefficients"
            )
        settled = (
            length == 1.0
            and gain <= SETTLED_GAIN
            and previous_signs is not None
            and np.array_equal(signs, previous_signs)
        )
        if settled or length == 0.0:
            break
        previous_signs = signs
    return params, curvature, n_steps


def _scaled_violations(objective, lasso, params, scales):
    """Return each coefficient's violation of its optimality condition, scaled.

    The conditions of ``objective`` plus ``sum(lasso * |coef|)``
    (:func:`~skxent._solver.l1_optimality_violations`, for the smooth
    ``objective``'s gradient), divided by ``scales`` (the
    preconditioner's), in which ``tol`` is set.
    """
    _, gradient = objective.value_and_gradient(params)
    coef, _ = split_params(params, objective.fit_intercept)
    coef_gradient, _ = split_params(gradient, objective.fit_intercept)
    return l1_optimality_violations(coef_gradient, coef, lasso) / scales


def _centered_rows(coef, lasso, alpha):
    """Return softmax ``coef`` with each row at its best shift over the classes.

    Adding the same ``d`` to every class's coefficient of a feature leaves
    the softmax, and so the cross-entropy, unchanged: only the penalty
    ``lasso_j * sum_k |c_jk + d| + alpha_j / 2 * sum_k (c_jk + d)**2``
    changes, a convex piecewise quadratic in ``d`` whose minimum is at one
    of its kinks ``d = -c_jk`` (a coefficient then exactly zero) or at the
    stationary point of one of its pieces. Every candidate is evaluated and
    the best taken, exactly and without reading ``X``. Without it the fit
    on a support would have to travel along these directions, where the
    curvature is only the L2 part's (none for the lasso): slowly, or
    without end. ``coef`` is returned unchanged for a binary link.
    """
    if coef.ndim == 1:
        return coef
    n_classes = coef.shape[1]
    lasso = lasso[:, :1]
    ridge = np.broadcast_to(per_coefficient(alpha, coef), coef.shape)[:, :1]
    kinks = np.sort(-coef, axis=1)
    candidates = [kinks]
    if np.any(ridge > 0):
        # On the piece above i kinks, i signs are +1 and the rest -1.
        below = np.arange(n_classes + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            stationary = -(
                lasso * (2 * below - n_classes) + ridge * coef.sum(axis=1)[:, None]
            ) / (ridge * n_classes)
        lower = np.concatenate([np.full((len(coef), 1), -np.inf), kinks], axis=1)
        upper = np.concatenate([kinks, np.full((len(coef), 1), np.inf)], axis=1)
        candidates.append(np.clip(np.nan_to_num(stationary), lower, upper))
    shifts = np.concatenate(candidates, axis=1)
    shifted = coef[:, None, :] + shifts[:, :, None]
    penalties = lasso * np.abs(shifted).sum(axis=2) + 0.5 * ridge * np.square(
        shifted
    ).sum(axis=2)
    best = np.argmin(penalties, axis=1)
    current = lasso[:, 0] * np.abs(coef).sum(axis=1) + 0.5 * ridge[:, 0] * np.square(
        coef
    ).sum(axis=1)
    improves = penalties[np.arange(len(coef)), best] < current
    return np.where(improves[:, None], shifted[np.arange(len(coef)), best], coef)


class _SignChanged(Exception):
    """A fit with fixed signs reached a negative objective: a sign changed.

    ``params`` is where, after ``n_evaluations`` evaluations.
    """

    def __init__(self, params, n_evaluations):
        super().__init__()
        self.params = params
        self.n_evaluations = n_evaluations


class _FixedSignObjective:
    """``objective`` with an L1 slope of fixed signs, watched for a sign change.

    Where every coefficient keeps its sign, the objective is the
    cross-entropy plus penalties, none negative: a negative value proves a
    coefficient past zero. Its evaluations then raise :class:`_SignChanged`,
    so that a problem unbounded below along such a direction (rows fitted
    near a bound, where the loss grows more slowly than the slope falls)
    ends there instead of running on without end. Everything else is
    ``objective``'s.
    """

    def __init__(self, objective):
        self._objective = objective
        self._n_evaluations = 0

    def __getattr__(self, name):
        return getattr(self._objective, name)

    def with_hessians(self, basis):
        """Return the watched objective summing Hessians (see ``LinearObjective``)."""
        return _FixedSignObjective(self._objective.with_hessians(basis))

    def value_and_gradient(self, params, dtype=None):
        self._n_evaluations += 1
        value, gradient = self._objective.value_and_gradient(params, dtype)
        if value < 0:
            raise _SignChanged(params.copy(), self._n_evaluations)
        return value, gradient


def fit_on_support(objective, lasso, params, curvature, tol, max_iter, solve_smooth):
    """Minimise ``objective`` plus ``sum(lasso * |coef|)`` on the support of ``params``.

    The coefficients that are not zero (and those without an L1 penalty)
    move, each with its sign fixed: the penalty is then the linear term
    ``lasso * sign``, and the problem smooth, solved by the preconditioned
    solver on those coefficients alone; the others stay at exactly zero.
    Where a coefficient's solution crosses zero, the fixed sign's penalty
    is wrong beyond it: the fit moves from ``params`` towards the solution
    only as far as the first crossing (the objective decreases on the way,
    the problem being convex), that coefficient becomes exactly zero and
    leaves the support, and the rest is solved again; this is the line
    search of feature-sign search (Lee et al., 2007). Return the parameters
    and the solver's result (its iterations summed). ``solve_smooth(objective,
    origin, curvature, tol, max_iter, mask)`` is the preconditioned solver,
    returning the solution's parameters and its result.
    """
    fit_intercept = objective.fit_intercept
    stages = sorted({max(tol, stage) for stage in SIGN_CHECK_TOLERANCES} | {tol})[::-1]
    n_iter, stage = 0, 0
    while True:
        coef, intercept = split_params(params, fit_intercept)
        coef = _centered_rows(coef, lasso, objective.alpha)
        params = join_params(coef, intercept, fit_intercept)
        signs = np.sign(coef)
        try:
            trial, result = solve_smooth(
                _FixedSignObjective(objective.with_slope(lasso * signs)),
                params,
                curvature,
                stages[stage],
                max_iter - n_iter,
                (coef != 0) | (lasso == 0),
            )
        except _SignChanged as stop:
            trial = stop.params
            # Its evaluations stand for iterations (a Newton step's line
            # search may take several), within what was left of max_iter.
            result = SolverResult(
                None, min(stop.n_evaluations, max_iter - n_iter), np.inf, "max_iter"
            )
        n_iter += result.n_iter
        result = replace(result, n_iter=n_iter)
        trial_coef, _ = split_params(trial, fit_intercept)
        crossed = (lasso > 0) & (coef != 0) & (signs * trial_coef <= 0)
        if crossed.any():
            params = _first_crossing(objective, lasso, params, trial, crossed)
            stage = 0
            if n_iter < max_iter:
                continue
            return params, replace(result, status="max_iter")
        if n_iter >= max_iter or stage == len(stages) - 1:
            return trial, result
        params, stage = trial, stage + 1


def _first_crossing(objective, lasso, params, trial, crossed):
    """Return the point where the way from ``params`` to ``trial`` first meets zero.

    ``trial`` is no worse than ``params`` for the objective with the signs
    of ``params`` fixed, and ``crossed`` marks its coefficients past zero;
    along the way that objective is convex, and equal to the true one up to
    the first crossing, which is therefore no worse than ``params``: there
    the coefficient that crossed first is set to exactly zero (and any that
    rounding carried past it). Every crossed coefficient is set to zero
    instead where that lowers the objective further (one evaluation), so
    that those leaving the support together leave at once.
    """
    fit_intercept = objective.fit_intercept
    coef, _ = split_params(params, fit_intercept)
    trial_coef, _ = split_params(trial, fit_intercept)
    signs = np.sign(coef)
    ratios = np.full(coef.shape, np.inf)
    ratios[crossed] = coef[crossed] / (coef[crossed] - trial_coef[crossed])
    crossing = ratios.min()
    first = params + crossing * (trial - params)
    first_coef, _ = split_params(first, fit_intercept)
    # In place (a view of first).
    first_coef[(ratios <= crossing) | ((lasso > 0) & (signs * first_coef <= 0))] = 0.0
    together = first.copy()
    together_coef, _ = split_params(together, fit_intercept)
    together_coef[crossed] = 0.0
    if penalised_value(objective, lasso, together) < penalised_value(
        objective, lasso, first
    ):
        return together
    return first


def minimize_l1(
    objective,
    lasso,
    origin,
    curvature,
    *,
    tol,
    max_iter,
    verbose,
    solve_smooth,
    measure,
):
    """Minimise ``objective`` plus ``sum(lasso * |coef|)`` from ``origin``.

    In turn, a proximal Newton step proposes the support and the signs
    (:func:`_l1_newton_proposal`), and the preconditioned solver fits the
    coefficients on it (:func:`_fit_on_support`), until the optimality
    conditions of every coefficient hold to ``tol`` there. The quadratic
    model's Hessian is estimated from sampled rows: it need only find which
    coefficients are zero; the fit on the support gives their exact values.

    Parameters
    ----------
    objective : LinearObjective
        The smooth part (cross-entropy and L2 part).
    lasso : float or ndarray of shape (n_features,)
        The L1 part's strength, one for all features or one per feature.
    origin : ndarray
        The parameters to start from.
    curvature : Curvature
        Measured at ``origin`` or near it.
    tol, max_iter, verbose
        As in the estimators.
    solve_smooth : callable
        See :func:`fit_on_support`.
    measure : callable
        ``(objective, params) -> Curvature`` at ``params``.

    Returns
    -------
    params : ndarray
    result : SolverResult
        ``gradient_max`` is the largest scaled optimality violation.
    curvature : Curvature
        The one measured last.
    """
    fit_intercept = objective.fit_intercept
    coef, _ = split_params(origin, fit_intercept)
    lasso = np.broadcast_to(per_coefficient(lasso, coef), coef.shape)
    params, n_iter = origin, 0
    model_tol = max(tol, MODEL_TOLERANCE)
    while True:
        params, curvature, n_steps = _l1_newton_steps(
            objective,
            lasso,
            params,
            curvature,
            model_tol,
            max_iter - n_iter,
            measure,
            verbose,
        )
        n_iter += n_steps
        if n_iter >= max_iter:
            result = SolverResult(None, n_iter, 0.0, "max_iter")
        else:
            params, result = fit_on_support(
                objective,
                lasso,
                params,
                curvature,
                tol,
                max_iter - n_iter,
                solve_smooth,
            )
            n_iter += result.n_iter
        scales = per_coefficient(curvature.coefficient_scales(objective.alpha), lasso)
        violations = _scaled_violations(objective, lasso, params, scales)
        coef, _ = split_params(params, objective.fit_intercept)
        # The fit on the support judged the others, in its own scaling.
        violation = float(violations[coef == 0].max(initial=0.0))
        converged = result.status == "converged" and violation <= tol
        if converged or n_iter >= max_iter:
            break
        # The next model must be solved finely enough to see the violation.
        model_tol = max(tol, min(model_tol, MODEL_TOLERANCE_SHARE * violation))
        curvature = measure(objective, params)
    if fit_intercept and params.ndim == 2:
        # The softmax is unchanged by adding the same to every class's
        # intercept, which is not penalised: it is centered, as an L2 fit's.
        params[-1] -= params[-1].mean()
    result = SolverResult(
        solution=None,
        n_iter=n_iter,
        gradient_max=(
            max(violation, result.gradient_max)
            if converged
            else float(violations.max(initial=0.0))
        ),
        status="converged" if converged else "max_iter",
    )
    return params, result, curvature
