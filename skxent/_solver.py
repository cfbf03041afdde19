"""The solver: L-BFGS, finished by steps driven by the gradient alone.

It sees only a function of a vector ``z`` with its gradient, and a Hessian
product at a point (and, where it is cheap, the Hessian itself); it knows
nothing of ``X`` or of cross-entropy.

L-BFGS stops when its objective no longer decreases by more than float64 can
resolve. Near the optimum the objective gap is half the squared (scaled)
gradient, so in float64 that happens once the gradient is about ``1e-8``,
and coefficients are then exact to only about six digits. Where ``tol``
asks for more, the solver goes on with steps that need no function values:
they are driven by the gradient, which keeps full precision. Each is first
the quasi-Newton step of L-BFGS's own inverse Hessian approximation (one
evaluation), kept if it makes the gradient smaller; otherwise a Newton step
solved by conjugate gradients with Hessian products (a few evaluations'
worth), which converges quadratically. Given the Hessian itself (small
data), L-BFGS takes one step and Newton steps solved with it, each with a
line search, do the rest.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack
from scipy.optimize import Bounds, LbfgsInvHessProduct, minimize
from scipy.sparse.linalg import LinearOperator, aslinearoperator, cg

# A relative decrease of a few ulps is all float64 can still resolve
# (scikit-learn's GLMs use the same ftol).
FUNCTION_TOLERANCE = 64 * np.finfo(np.float64).eps

# Each accepted Newton step at least squares the gradient's relative size;
# more than a handful means the problem is not where Newton steps apply.
MAX_NEWTON_STEPS = 5

# A Newton step costs about this many evaluations (a curvature, two or three
# Hessian products, an evaluation) and reaches tol from near the optimum; a
# quasi-Newton step costs one. Quasi-Newton steps go on while, at the rate
# the latest one reduced the gradient, they would reach tol in at most as
# many steps.
NEWTON_STEP_EVALUATIONS = 4

# L-BFGS's line searches compare objective values: once the decrease the
# next step can bring, ``g H^-1 g / 2``, is within this many units in the
# last place of the objective, rounding decides the comparisons, and a
# search was seen to spend a dozen evaluations without moving. L-BFGS stops
# there, and the steps driven by the gradient alone go on. ``H^-1`` is
# estimated along the latest step, as L-BFGS scales its own.
RESOLVABLE_DECREASE_ULPS = 100

# The Newton decrement solved with Hessian products, after a restart, is
# solved to this relative accuracy: it is compared with a bound, not used.
DECREMENT_RTOL = 1e-3

# From a start whose gradient is at most this (a warm start next to the
# optimum), the steps driven by the gradient alone take over at once: the
# objective can still fall by only about the squared gradient, where L-BFGS's
# line searches were seen to spend up to 4 evaluations a step on rounding.
FINISHING_GRADIENT = 1e-5

# L-BFGS on a rounded function stops at this gradient: float32 products round
# the objective to 1e-12 or more and its gradient to 1e-9 or more (more with
# large weights), and once the decrease a line search looks for (half the
# squared gradient) drowns in that, each failing search costs up to maxls
# evaluations; line searches were seen to fail below 1e-6. The Newton steps
# on the exact gradient take it from here.
ROUNDED_GRADIENT_TOLERANCE = 1e-5


# Where the Hessian itself is cheap (``hessian_at``), L-BFGS takes at most
# this many iterations before Newton steps with that Hessian take over.
DENSE_NEWTON_AFTER = 1

# A Newton step with the Hessian is accepted at the first step length t that
# gives this fraction of the decrease its slope predicts, t * g H^-1 g
# (Armijo's condition), halving t at most MAX_STEP_HALVINGS times.
SUFFICIENT_DECREASE = 1e-4
MAX_STEP_HALVINGS = 30

# Curvatures of the Hessian below this fraction of the largest are rounding:
# the Newton step leaves those directions alone.
NEWTON_CURVATURE_FLOOR = 1e-12

# Cholesky's factors solve the Newton step where every squared pivot is at
# least this fraction of the Hessian's largest diagonal entry: a direction
# without curvature (the softmax's shared one) leaves a pivot of rounding,
# which would turn the gradient's rounding into a step along it.
CHOLESKY_PIVOT_FLOOR = 1e-8


@dataclass(frozen=True)
class SolverResult:
    """What :func:`minimize_smooth_convex` found, and why it stopped.

    Attributes
    ----------
    solution : ndarray
    n_iter : int
    gradient_max : float
        The largest absolute gradient entry at ``solution``.
    status : {"converged", "max_iter", "rounding"}
        Converged to ``tol``; stopped at ``max_iter``; or stopped before it,
        no step reducing the gradient any more (what is left of it is
        rounding in the function's arithmetic).
    """

    solution: np.ndarray
    n_iter: int
    gradient_max: float
    status: str


class _Iterates:
    """The function, evaluated at most once per point.

    It keeps the latest evaluation (to go back to, :meth:`restore`), counts
    the iterations and prints them if verbose.
    """

    def __init__(self, value_and_gradient, verbose):
        self.value_and_gradient = value_and_gradient
        self.verbose = verbose
        self.z = None
        self.value = np.inf
        self.gradient = None
        self.n_iter = 0

    def __call__(self, z):
        if self.z is None or not np.array_equal(z, self.z):
            self.z = z.copy()
            self.value, self.gradient = self.value_and_gradient(z)
        return self.value, self.gradient

    @property
    def latest(self):
        """The latest evaluation, to go back to with :meth:`restore`."""
        return self.z, self.value, self.gradient

    def restore(self, evaluation):
        """Back to ``evaluation`` (a :attr:`latest`), without evaluating again."""
        self.z, self.value, self.gradient = evaluation

    def use(self, value_and_gradient):
        """Evaluate with ``value_and_gradient`` from now on."""
        if value_and_gradient is not self.value_and_gradient:
            self.value_and_gradient = value_and_gradient
            self.z = None

    @property
    def gradient_max(self):
        return float(np.max(np.abs(self.gradient), initial=0.0))

    def converged(self, tol, inverse_hessian, hessian_product_at=None):
        """Whether max |gradient| <= tol, and the Newton decrement is small enough.

        The Newton decrement ``g @ H^-1 g`` (twice the objective's excess) must
        be at most what it would be with a unit Hessian, ``n * tol**2``.

        The preconditioner makes the Hessian near the identity at the start;
        where the curvature at the optimum is far smaller (hard targets fitted
        nearly exactly, with a small alpha), a gradient of tol still leaves
        the optimum far away, and the decrement, from L-BFGS's inverse Hessian
        estimate, says so. With ``hessian_product_at`` the decrement is
        solved with the Hessian itself (conjugate gradients): for a restart,
        whose memory is too short to estimate it.
        """
        if self.gradient_max > tol:
            return False
        if hessian_product_at is None:
            decrement = self.gradient @ (inverse_hessian.operator @ self.gradient)
        else:
            decrement = self.gradient @ _solved(
                hessian_product_at(self.z),
                self.gradient,
                inverse_hessian,
                DECREMENT_RTOL,
            )
        return decrement <= self.gradient.size * tol**2

    def print_iteration(self, stage, number):
        """Print the latest objective and gradient, if verbose."""
        if self.verbose:
            print(
                f"{stage} iteration {number:4d}: objective {self.value:.15g}, "
                f"max |gradient| {self.gradient_max:.3e}"
            )

    def end_of_iteration(self, stage):
        self.n_iter += 1
        self.print_iteration(stage, self.n_iter)


def _lbfgs(iterates, n_variables, tol, max_iter):
    """Run L-BFGS from ``z = 0``.

    Return the point it ends at and its inverse Hessian approximation.
    """
    # scipy's L-BFGS-B first tries a step of length one along -g / ||g||. The
    # problems here are scaled so that their Hessian is near the identity,
    # where the right first step is -g itself: working in y = z / ||g(0)||
    # makes the two agree, and saves the line search a few evaluations.
    _, gradient = iterates(np.zeros(n_variables))
    scale = float(np.linalg.norm(gradient)) or 1.0

    def scaled_value_and_gradient(y):
        value, gradient = iterates(scale * y)
        return value, scale * gradient

    stop = _StopWhereRoundingDecides(iterates, scale)
    result = minimize(
        scaled_value_and_gradient,
        np.zeros(n_variables),
        method="L-BFGS-B",
        jac=True,
        callback=stop,
        options={
            "maxiter": max_iter,
            "maxfun": 20 * max_iter,
            "gtol": scale * tol,
            "ftol": FUNCTION_TOLERANCE,
            "maxls": 50,
        },
    )
    # The solution is the last point L-BFGS accepted: make the stored gradient
    # its own, not a rejected line-search trial's (usually already cached).
    z = scale * result.x
    iterates(z)
    iterates.n_iter += result.nit
    # Its steps and gradient changes in z: s_z = scale s_y, y_z = y_y / scale.
    memory = result.hess_inv
    inverse_hessian = _InverseHessian(scale * memory.sk, memory.yk / scale)
    if stop.last_pair is not None:
        inverse_hessian = inverse_hessian.updated(*stop.last_pair)
    return z, inverse_hessian


class _StopWhereRoundingDecides:
    """L-BFGS's callback: stop once the next decrease is within rounding.

    Called with each accepted point ``y`` (``z = scale * y``), whose
    gradient is the latest evaluation's; prints the iteration if verbose.
    Raises StopIteration, which ends scipy's L-BFGS-B with its memory, when
    the decrease the next step can bring is below
    ``RESOLVABLE_DECREASE_ULPS`` units in the last place of the objective.
    """

    def __init__(self, iterates, scale):
        self.iterates = iterates
        self.scale = scale
        self.iterations = itertools.count(iterates.n_iter + 1)
        self.previous = None
        self.last_pair = None

    def __call__(self, intermediate_result):
        iterates = self.iterates
        iterates.print_iteration("L-BFGS", next(self.iterations))
        z = self.scale * intermediate_result.x
        if not np.array_equal(z, iterates.z):
            return
        gradient = iterates.gradient
        if self.previous is not None:
            step = z - self.previous[0]
            change = gradient - self.previous[1]
            curvature, change_squared = step @ change, change @ change
            if curvature > 0 and change_squared > 0:
                decrease = 0.5 * curvature / change_squared * (gradient @ gradient)
                resolution = RESOLVABLE_DECREASE_ULPS * np.spacing(abs(iterates.value))
                if decrease <= resolution:
                    # L-BFGS-B adds a step to its memory at the start of the
                    # next iteration: this one's is kept here.
                    self.last_pair = (step, change)
                    raise StopIteration
        self.previous = (z, gradient)


class _InverseHessian:
    """L-BFGS's inverse Hessian approximation from its latest steps.

    It is built from the latest steps ``s`` and gradient changes ``y``; it is
    the identity (the preconditioned Hessian's target) without any.
    """

    def __init__(self, steps, gradient_changes):
        self.steps = steps
        self.gradient_changes = gradient_changes
        n_variables = steps.shape[1]
        self.operator = (
            LbfgsInvHessProduct(steps, gradient_changes)
            if len(steps)
            else aslinearoperator(np.eye(n_variables))
        )

    def updated(self, step, gradient_change):
        """Return the approximation with the pair ``(step, gradient_change)`` added.

        The oldest pair is dropped once memory is full; the approximation is
        unchanged if the pair shows no positive curvature (rounding).
        """
        if not step @ gradient_change > 0:
            return self
        memory = max(len(self.steps), 1)
        return _InverseHessian(
            np.vstack([self.steps, step])[-memory:],
            np.vstack([self.gradient_changes, gradient_change])[-memory:],
        )


def _solved(hessian_product, vector, inverse_hessian, rtol):
    """Return ``H^-1 @ vector`` by conjugate gradients, to ``rtol``.

    ``hessian_product`` applies ``H``; ``inverse_hessian`` (L-BFGS's
    estimate) preconditions the iterations.
    """
    hessian = LinearOperator(
        (vector.shape[0], vector.shape[0]), matvec=hessian_product, dtype=np.float64
    )
    # A direction without curvature (rows fitted at a bound, no penalty)
    # breaks conjugate gradients down: it divides by zero. Its solution is
    # then no step at all, which the caller rejects as no progress.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        solution, _ = cg(
            hessian,
            vector,
            rtol=rtol,
            maxiter=10 * vector.shape[0],
            M=inverse_hessian.operator,
        )
    return solution if np.all(np.isfinite(solution)) else np.zeros_like(vector)


def _newton_step(iterates, z, hessian_product_at, tol, inverse_hessian):
    """Return ``z`` plus a Newton step, solved to the accuracy ``tol`` calls for.

    The step is solved by conjugate gradients preconditioned with
    ``inverse_hessian``.
    """
    # Inexact Newton: the linear model need only bring the gradient below tol.
    rtol = min(0.5, 0.5 * tol / iterates.gradient_max)
    return z + _solved(hessian_product_at(z), -iterates.gradient, inverse_hessian, rtol)


def _quasi_newton_steps(iterates, z, inverse_hessian, tol, max_iter, exact_hessian):
    """Quasi-Newton steps from ``z``, each one evaluation, while they are fast enough.

    They go on while, at the rate of the latest, they would reach ``tol`` in
    ``NEWTON_STEP_EVALUATIONS`` steps or fewer (the cost of a Newton step).

    The first slower step ends them (kept if it reduces the gradient at all,
    but not added to the memory: a step that is far from the model's
    prediction is where the gradient's rounding shows).
    """
    while (
        not iterates.converged(tol, inverse_hessian, exact_hessian)
        and iterates.n_iter < max_iter
    ):
        start = iterates.latest
        gradient, gradient_max = iterates.gradient, iterates.gradient_max
        trial = z - inverse_hessian.operator @ gradient
        iterates(trial)
        if not iterates.gradient_max < gradient_max:
            iterates.restore(start)
            break
        # log(g / tol) / log(reduction) <= steps, with g the new gradient,
        # multiplied out (g may be 0).
        strong = (
            iterates.gradient_max ** (NEWTON_STEP_EVALUATIONS + 1)
            <= tol * gradient_max**NEWTON_STEP_EVALUATIONS
        )
        if strong:
            inverse_hessian = inverse_hessian.updated(
                trial - z, iterates.gradient - gradient
            )
        z = trial
        iterates.end_of_iteration("quasi-Newton")
        if not strong:
            break
    return z, inverse_hessian


def _newton_steps(
    iterates, z, inverse_hessian, hessian_product_at, tol, max_iter, exact_hessian
):
    """Newton steps from ``z`` while they reduce max |gradient|.

    At most ``MAX_NEWTON_STEPS`` are taken.
    """
    for _ in range(MAX_NEWTON_STEPS):
        if (
            iterates.converged(tol, inverse_hessian, exact_hessian)
            or iterates.n_iter >= max_iter
        ):
            break
        start = iterates.latest
        gradient, gradient_max = iterates.gradient, iterates.gradient_max
        trial = _newton_step(iterates, z, hessian_product_at, tol, inverse_hessian)
        iterates(trial)
        if not iterates.gradient_max < gradient_max:
            iterates.restore(start)
            break
        inverse_hessian = inverse_hessian.updated(
            trial - z, iterates.gradient - gradient
        )
        z = trial
        iterates.end_of_iteration("Newton")
    return z, inverse_hessian


def _newton_solver(hessian):
    """Return ``g -> (-H^+ g, g H^+ g)``: the Newton step and decrement for ``hessian``.

    ``H^+`` is the inverse by Cholesky's factors where the Hessian is
    positive definite; otherwise it inverts the Hessian on its directions of
    curvature above ``NEWTON_CURVATURE_FLOOR`` times the largest, and no step
    is taken in the others.
    """
    factor, info = lapack.dpotrf(hessian, lower=True)
    if info == 0 and np.all(
        np.diag(factor) ** 2 > CHOLESKY_PIVOT_FLOOR * np.diag(hessian).max()
    ):

        def solve(gradient):
            half, _ = lapack.dtrtrs(factor, gradient, lower=True)
            step, _ = lapack.dtrtrs(factor, half, lower=True, trans=1)
            return -step, float(half @ half)

        return solve
    curvatures, directions = np.linalg.eigh(hessian)
    largest = curvatures.max(initial=0.0)
    inverse = np.zeros_like(curvatures)
    kept = curvatures > NEWTON_CURVATURE_FLOOR * largest
    inverse[kept] = 1.0 / curvatures[kept]

    def solve(gradient):
        components = directions.T @ gradient
        return -(directions @ (inverse * components)), float(inverse @ components**2)

    return solve


def _dense_newton_steps(iterates, z, hessian_at, tol, max_iter):
    """Newton steps solved with the Hessian itself, each with a line search.

    A step is halved until it gives ``SUFFICIENT_DECREASE`` of the decrease
    its slope predicts; once that decrease is within rounding of
    the objective (``RESOLVABLE_DECREASE_ULPS``), a step is kept if it
    reduces max |gradient|. Converged when max |gradient| <= tol and the
    Newton decrement is at most ``n * tol**2`` (see
    :meth:`_Iterates.converged`).
    """
    while iterates.n_iter < max_iter:
        value, gradient_max = iterates.value, iterates.gradient_max
        direction, decrement = _newton_solver(hessian_at(z))(iterates.gradient)
        if gradient_max <= tol and decrement <= iterates.gradient.size * tol**2:
            break
        resolution = RESOLVABLE_DECREASE_ULPS * np.spacing(abs(value))
        start = iterates.latest
        length, accepted = 1.0, False
        for _ in range(MAX_STEP_HALVINGS):
            trial = z + length * direction
            iterates(trial)
            predicted = length * decrement
            if predicted <= resolution:
                accepted = iterates.gradient_max < gradient_max
                break
            if iterates.value <= value - SUFFICIENT_DECREASE * predicted:
                accepted = True
                break
            length /= 2
        if not accepted:
            iterates.restore(start)
            break
        z = trial
        iterates.end_of_iteration("Newton")
    return z


def _finish(
    iterates, z, inverse_hessian, hessian_product_at, tol, max_iter, exact_decrement
):
    """Quasi-Newton steps, then Newton steps, until max |gradient| <= tol.

    With ``exact_decrement`` convergence is judged by the Newton decrement
    solved with the Hessian (see :meth:`_Iterates.converged`).
    """
    exact_hessian = hessian_product_at if exact_decrement else None
    z, inverse_hessian = _quasi_newton_steps(
        iterates, z, inverse_hessian, tol, max_iter, exact_hessian
    )
    return _newton_steps(
        iterates, z, inverse_hessian, hessian_product_at, tol, max_iter, exact_hessian
    )


def minimize_smooth_convex(
    value_and_gradient,
    hessian_product_at,
    n_variables,
    *,
    tol,
    max_iter,
    verbose,
    exact_value_and_gradient=None,
    exact_decrement=False,
    hessian_at=None,
):
    """Minimise a smooth convex function of ``z``, starting from ``z = 0``.

    The function should be scaled so that its Hessian is near the identity
    (the preconditioner's job); the solver is correct for any smooth convex
    function, and fastest for those. L-BFGS runs first, unless the gradient
    at ``z = 0`` is already at most ``FINISHING_GRADIENT`` (a warm start
    next to the optimum): then the finishing steps start at once.

    All of this may run on a cheaper, rounded ``value_and_gradient``
    (float32 products), and ``exact_value_and_gradient`` then confirms
    ``tol`` (one evaluation) or, where the rounded gradient stalled above it,
    takes the same steps from there: Newton steps converge with Hessian
    products rounded to a relative ``1e-7`` as with exact ones, only the
    gradient must be exact (mixed-precision iterative refinement).

    Parameters
    ----------
    value_and_gradient : callable
        ``z -> (value, gradient)``.
    hessian_product_at : callable
        ``z -> (v -> H(z) @ v)``.
    n_variables : int
    tol : float
        Converged when the largest absolute gradient entry is at most ``tol``.
    max_iter : int
        Most L-BFGS iterations plus finishing steps.
    verbose : int
        Print the objective and gradient size after each iteration when > 0.
    exact_value_and_gradient : callable, default=None
        ``value_and_gradient`` without its rounding; None when it has none.
    exact_decrement : bool, default=False
        Whether convergence is judged by the Newton decrement solved with
        Hessian products, rather than with L-BFGS's estimate of the inverse
        Hessian (a few Hessian products each time the gradient is below
        ``tol``).
    hessian_at : callable, default=None
        ``z -> H(z)``, a dense matrix, where it costs about as little as a
        gradient: then L-BFGS takes at most ``DENSE_NEWTON_AFTER``
        iterations and Newton steps solved with it finish (see
        :func:`_dense_newton_steps`).

    Returns
    -------
    SolverResult
        With the status of the stop; the solver itself never warns.
    """
    iterates = _Iterates(value_and_gradient, verbose)
    lbfgs_tol = tol
    if exact_value_and_gradient is not None:
        lbfgs_tol = max(tol, ROUNDED_GRADIENT_TOLERANCE)
    z = np.zeros(n_variables)
    iterates(z)
    if iterates.gradient_max > FINISHING_GRADIENT:
        z, inverse_hessian = _lbfgs(
            iterates,
            n_variables,
            lbfgs_tol,
            max_iter if hessian_at is None else min(max_iter, DENSE_NEWTON_AFTER),
        )
    else:
        inverse_hessian = _InverseHessian(
            np.empty((0, n_variables)), np.empty((0, n_variables))
        )

    def finish(z, inverse_hessian, newton_tol):
        if hessian_at is not None:
            return (
                _dense_newton_steps(iterates, z, hessian_at, newton_tol, max_iter),
                None,
            )
        return _finish(
            iterates,
            z,
            inverse_hessian,
            hessian_product_at,
            tol,
            max_iter,
            exact_decrement,
        )

    # On a rounded function, the Newton steps on the Hessian stop where
    # L-BFGS would: below, their line searches would compare rounding.
    z, inverse_hessian = finish(z, inverse_hessian, lbfgs_tol)
    if exact_value_and_gradient is not None:
        # Only the exact gradient can confirm tol; where the rounded one
        # stalled above it, the exact one's steps go on from there.
        iterates.use(exact_value_and_gradient)
        iterates(z)
        z, inverse_hessian = finish(z, inverse_hessian, tol)
    if iterates.gradient_max <= tol:
        status = "converged"
    elif iterates.n_iter >= max_iter:
        status = "max_iter"
    else:
        status = "rounding"
    return SolverResult(
        solution=z,
        n_iter=iterates.n_iter,
        gradient_max=iterates.gradient_max,
        status=status,
    )


def l1_optimality_violations(gradient, z, l1_weights):
    """Return how far each ``z_j`` is from optimal for ``f(z) + sum_j c_j |z_j|``.

    ``gradient`` is that of the smooth ``f`` at ``z`` and ``c = l1_weights``
    (an array of their shape). At the optimum ``g_j + c_j sign(z_j) = 0``
    where ``z_j != 0`` and ``|g_j| <= c_j`` where ``z_j == 0`` (the
    subgradient conditions); the violations are the departures from them.
    """
    return np.where(
        z == 0,
        np.maximum(np.abs(gradient) - l1_weights, 0.0),
        np.abs(gradient + l1_weights * np.sign(z)),
    )


def minimize_with_l1(value_and_gradient, l1_weights, start, *, tol, max_iter):
    """Minimise ``f(z) + sum_j l1_weights[j] * |z_j|`` with L-BFGS-B from ``start``.

    ``f`` is smooth and convex. Each ``z_j`` with a positive weight is split
    into parts ``z_j = p_j - n_j`` bounded below by 0, in which the penalty
    is linear: the problem is smooth in the parts, and L-BFGS-B's bounds put
    the coefficients the penalty zeroes at exactly 0 (both parts at their
    bound).

    Parameters
    ----------
    value_and_gradient : callable
        ``z -> (f(z), gradient)``.
    l1_weights : ndarray of shape (n_variables,)
        Non-negative; 0 for a variable without the penalty.
    start : ndarray of shape (n_variables,)
    tol : float
        L-BFGS-B's tolerance on the projected gradient of the parts.
    max_iter : int

    Returns
    -------
    SolverResult
        ``gradient_max`` is the largest of :func:`l1_optimality_violations`
        at the solution.
    """
    penalised = np.flatnonzero(l1_weights > 0)
    weights = l1_weights[penalised]
    n_variables = start.size
    iterates = _Iterates(value_and_gradient, verbose=0)

    def joined(parts):
        z = parts[:n_variables].copy()
        z[penalised] -= parts[n_variables:]
        return z

    def split_value_and_gradient(parts):
        value, gradient = iterates(joined(parts))
        value += weights @ (parts[penalised] + parts[n_variables:])
        parts_gradient = np.concatenate((gradient, weights - gradient[penalised]))
        parts_gradient[penalised] += weights
        return value, parts_gradient

    parts = np.concatenate((start, np.maximum(-start[penalised], 0.0)))
    parts[penalised] = np.maximum(start[penalised], 0.0)
    lower = np.full(parts.size, -np.inf)
    lower[penalised] = 0.0
    lower[n_variables:] = 0.0
    result = minimize(
        split_value_and_gradient,
        parts,
        method="L-BFGS-B",
        jac=True,
        bounds=Bounds(lower, np.inf),
        options={
            "maxiter": max_iter,
            "maxfun": 20 * max_iter,
            "gtol": tol,
            "ftol": FUNCTION_TOLERANCE,
            "maxls": 50,
        },
    )
    z = joined(result.x)
    _, gradient = iterates(z)
    violation = float(
        l1_optimality_violations(gradient, z, l1_weights).max(initial=0.0)
    )
    if violation <= tol:
        status = "converged"
    elif result.nit >= max_iter:
        status = "max_iter"
    else:
        status = "rounding"
    return SolverResult(
        solution=z, n_iter=int(result.nit), gradient_max=violation, status=status
    )
