"""Data whose cross-entropy has no finite minimiser, and what to tell the user.

The objective is bounded below, but its infimum need not be attained:

- with an intercept, a target (or, for 2-D targets, a class) whose weighted
  mean is 0 or 1 is fitted better and better as the intercept goes to
  minus or plus infinity, whatever ``alpha`` (the intercept is not
  penalised);
- with ``alpha = 0``, rows with hard targets (0 or 1, or one-hot rows) that
  the features separate, completely or quasi-completely, are fitted better
  and better as the coefficients grow along the separating direction
  (Albert and Anderson, 1984).

The solver then stops where the gradient is below ``tol``, at large but
finite parameters; :func:`why_not_finite` says why, for the estimator to
tell the user. A fitted probability near 0 or 1 alone proves nothing (a
steep but finite optimum has those too). Separation means a direction along
which no row's cross-entropy increases and some row's decreases (a
recession direction of the objective), and by Gordan's theorem there is
none exactly when the rows' gradients, each with the sign that pulls its
target class up, combine with positive weights to zero. Rows fitted near
their bounds only raise the question; then

- a Newton step from the solution gives such weights (the residuals it
  predicts) when it keeps every sign: the optimum is finite, proven in one
  dense Hessian;
- otherwise a linear program over the data looks for a recession direction
  (Konis, 2007), when the data are in memory and small enough;
- otherwise the fit only says which rows are fitted numerically at 0 or 1,
  as R's ``glm`` does.
"""

import numpy as np
from scipy import optimize, sparse

from ._objective import design_matrix, raw_prediction, weighted_grams

# Separation is looked for only when some hard-target row is fitted with a
# cross-entropy below this (a probability within about 1e-4 of its target):
# at any tol a separated row is fitted closer than that.
CANDIDATE_LOSS = 1e-4

# The linear program's constraint matrix holds at most this many elements
# (a copy of the rows of X that have weight, per class; HiGHS takes about a
# second for 2e5); beyond it, the fit only reports rows fitted numerically
# at 0 or 1, as R's glm does.
MAX_PROGRAM_ELEMENTS = 10**6

# A separating direction makes some row's linear predictor grow by at least
# this per unit of the (column-scaled) direction; a linear program's
# solution is feasible to about 1e-9 (HiGHS's default tolerances).
SEPARATING_GAIN = 1e-6

# R's glm warns of "fitted probabilities numerically 0 or 1" within 10
# machine epsilons of a bound.
NUMERICALLY_AT_BOUND = 10 * np.finfo(np.float64).eps


def bound_classes(blocks, targets, weights):
    """Return the classes whose target is 0 or 1 in every row of positive weight.

    The first array holds the classes at 0, the second those at 1; for 1-D
    targets, the arrays are of the one class.
    """

    def row_terms(targets_rows, weights_rows):
        positive = (weights_rows > 0)[:, np.newaxis]
        by_class = targets_rows.reshape(targets_rows.shape[0], -1)
        return (
            ((by_class != 0.0) & positive).sum(axis=0),
            ((by_class != 1.0) & positive).sum(axis=0),
        )

    not_zero, not_one = blocks.sum_rows(row_terms, (targets, weights))
    return np.flatnonzero(not_zero == 0), np.flatnonzero(not_one == 0)


def _hard_rows(targets):
    """Rows whose target is 0 or 1 (1-D) or a one-hot row (2-D)."""
    if targets.ndim == 1:
        return (targets == 0.0) | (targets == 1.0)
    return targets.max(axis=1) == 1.0


def count_rows_near_bounds(objective, params, losses_below):
    """Count the rows with hard targets that ``params`` fits near their bound.

    Return, for each of ``losses_below``, how many rows of positive weight
    with hard targets ``params`` fits with a cross-entropy below it, and how
    many such rows there are; one pass over ``X``.
    """
    fit_intercept, link = objective.fit_intercept, objective.link
    losses_below = np.asarray(losses_below)

    def block_terms(X_rows, targets_rows, weights_rows):
        eta = raw_prediction(params, X_rows, fit_intercept)
        sample_loss, _ = link.loss_and_gradient(targets_rows, eta)
        hard_losses = sample_loss[_hard_rows(targets_rows) & (weights_rows > 0)]
        return (
            np.count_nonzero(hard_losses < losses_below[:, np.newaxis], axis=1),
            hard_losses.size,
        )

    n_near, n_hard = objective.blocks.sum(
        block_terms, (objective.targets, objective.weights)
    )
    return n_near.tolist(), int(n_hard)


def _class_targets(targets):
    """Targets as rows of class probabilities: ``[1 - y, y]`` for 1-D ``y``."""
    if targets.ndim == 1:
        return np.column_stack([1.0 - targets, targets])
    return targets


def recession_constraints(X, targets, fit_intercept):
    """Return the constraints on a direction that increases no row's cross-entropy.

    Along a direction ``D`` of the parameters (one column per class, class
    0's fixed at zero: the softmax ignores a shift common to all classes),
    row ``i``'s linear predictors change by ``delta = x_i @ D``. Its
    cross-entropy does not increase for ever iff every class with positive
    target shares the largest ``delta``: with ``f`` the row's first such
    class, ``delta_k - delta_f = 0`` for the other classes with positive
    target and ``<= 0`` for those with target 0 (which then lose
    probability). A 1-D target ``y`` is the two classes ``[1 - y, y]``.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Rows of positive weight only.
    targets : ndarray of shape (n_samples,) or (n_samples, n_classes)
    fit_intercept : bool

    Returns
    -------
    matrix : sparse array of shape (n_constraints, n_variables)
        Row ``(i, k)`` gives ``delta_k - delta_f`` of row ``i``, for the
        direction flattened class by class.
    at_most_zero : ndarray of bool of shape (n_constraints,)
        The inequalities; the other rows are equalities.
    """
    classes = _class_targets(targets)
    n_samples, n_classes = classes.shape
    design = sparse.csr_array(X)
    if fit_intercept:
        design = sparse.hstack([design, np.ones((n_samples, 1))], format="csr")
    # Scaled columns give each feature's step the same size in the program.
    scale = abs(design).max(axis=0).toarray().ravel()
    design = design @ sparse.diags_array(1.0 / np.where(scale > 0, scale, 1.0))
    first = np.argmax(classes > 0, axis=1)
    rows, other = np.nonzero(np.arange(n_classes) != first[:, np.newaxis])
    rows_design = design[rows]
    blocks = [
        sparse.diags_array(
            (other == k).astype(float) - (first[rows] == k).astype(float)
        )
        @ rows_design
        for k in range(1, n_classes)
    ]
    at_most_zero = classes[rows, other] == 0
    return sparse.hstack(blocks, format="csr"), at_most_zero


def _growing_constraints(inequalities, equalities, open_rows):
    """Return the inequalities that a direction in the box makes strictly negative.

    The direction maximises the summed growth of those in ``open_rows``
    (a linear program solved by HiGHS); none when none can grow, None when
    HiGHS finds no solution (it always exists: the zero direction).
    """
    has_equalities = equalities.shape[0] > 0
    result = optimize.linprog(
        c=np.asarray(inequalities[open_rows].sum(axis=0)).ravel(),
        A_ub=inequalities,
        b_ub=np.zeros(inequalities.shape[0]),
        A_eq=equalities if has_equalities else None,
        b_eq=np.zeros(equalities.shape[0]) if has_equalities else None,
        bounds=(-1.0, 1.0),
        method="highs",
    )
    if result.status != 0:
        return None
    return -(inequalities @ result.x) > SEPARATING_GAIN


def count_separated_rows(X, targets, fit_intercept):
    """Count the rows that some recession direction fits better and better.

    A direction that makes some inequality of :func:`recession_constraints`
    strict separates its row. A linear program's solution is a vertex, which
    may leave rows at zero growth that another direction separates; the sum
    of two recession directions is one, so the programs are repeated on the
    rows not yet separated until none grows. 0 means the optimum is finite
    (with ``alpha = 0``, for classes that are not absent); None that a
    program failed, and nothing is known.
    """
    matrix, at_most_zero = recession_constraints(X, targets, fit_intercept)
    inequalities, equalities = matrix[at_most_zero], matrix[~at_most_zero]
    separated = np.zeros(inequalities.shape[0], dtype=bool)
    while inequalities.shape[0] and not separated.all():
        growing = _growing_constraints(inequalities, equalities, ~separated)
        if growing is None:
            return None
        if not (growing & ~separated).any():
            break
        separated |= growing
    n_constraints_per_row = matrix.shape[0] // X.shape[0]
    rows = np.flatnonzero(at_most_zero)[separated] // n_constraints_per_row
    return np.unique(rows).size


# The Newton certificate solves a dense system of this many parameters at most.
MAX_CERTIFICATE_PARAMETERS = 1000


def _weighted_hessian(objective, class_pair_weights, row_arrays):
    """Return ``sum_i W_i (x) x1_i x1_i^T``, dense, in one pass over ``X``.

    ``class_pair_weights(*rows)`` gives each row's (K x K) weights, times
    its sample weight, as an array (rows, K, K). Rows and columns follow the
    parameters flattened in C order.
    """
    fit_intercept = objective.fit_intercept
    (grams,) = objective.blocks.sum(
        lambda X_rows, *rows: (
            weighted_grams(
                design_matrix(X_rows, fit_intercept), class_pair_weights(*rows)
            ),
        ),
        row_arrays,
    )
    size = grams.shape[0] * grams.shape[1]
    return grams.reshape(size, size)


def _residuals_at(objective, params):
    """Return each row's gradient of the cross-entropy in ``eta``, an array of rows."""
    link, fit_intercept = objective.link, objective.fit_intercept
    return objective.blocks.map(
        lambda X_rows, targets_rows: link.loss_and_gradient(
            targets_rows, raw_prediction(params, X_rows, fit_intercept)
        )[1],
        (objective.targets,),
    )


def _binary_pair_weights(targets_rows, weights_rows, residuals_rows, curvature_rows):
    """Hard rows weigh their residual's size, the others their curvature."""
    row_weights = np.where(
        _hard_rows(targets_rows), np.abs(residuals_rows), curvature_rows
    )
    return (weights_rows * row_weights)[:, np.newaxis, np.newaxis]


def _softmax_pair_weights(targets_rows, weights_rows, residuals_rows, curvature_rows):
    """Each row weighs the softmax's curvature ``diag(mu) - mu mu.T``."""
    means = curvature_rows
    matrices = np.einsum("ik,km->ikm", means, np.eye(means.shape[1]))
    matrices -= means[:, :, np.newaxis] * means[:, np.newaxis, :]
    return weights_rows[:, np.newaxis, np.newaxis] * matrices


def newton_step_keeps_signs(objective, params):
    """Whether a Newton-like step from ``params`` proves the optimum finite.

    The step ``u`` solves ``H u = -g`` for a positive combination ``H`` of
    the rows' outer products, so that the rows' residuals (gradients in
    ``eta``) plus their ``H`` weights times the step's change ``d`` of their
    linear predictor combine to zero. If each residual that Gordan's theorem
    needs positive keeps its sign, the optimum is finite. With a margin of
    one half:

    - 1-D targets: hard rows weigh their residual's size, so a row with
      target 1 keeps its sign when ``d < 1/2`` and one with target 0 when
      ``d > -1/2``, whatever the link and however small the residual;
    - 2-D targets: rows weigh the softmax's curvature, ``diag(mu) -
      mu mu.T``, so a class with target 0 keeps its sign when
      ``d_k - mu @ d > -1/2``.

    A residual that rounds to zero (a row fitted at its bound to float64's
    last digit) proves nothing.
    """
    fit_intercept, targets = objective.fit_intercept, objective.targets
    one_class = targets.ndim == 1
    residuals = _residuals_at(objective, params)
    curvature = objective.curvature_at(params)
    hessian = _weighted_hessian(
        objective,
        _binary_pair_weights if one_class else _softmax_pair_weights,
        (targets, objective.weights, residuals, curvature),
    )
    _, gradient = objective.value_and_gradient(params)
    step = -np.linalg.lstsq(hessian, gradient.ravel(), rcond=None)[0]
    step = step.reshape(params.shape)

    def block_terms(X_rows, targets_rows, weights_rows, residuals_rows, means_rows):
        change = raw_prediction(step, X_rows, fit_intercept)
        positive = weights_rows > 0
        if one_class:
            lost = (residuals_rows == 0.0) | np.where(
                targets_rows == 1.0, change >= 0.5, change <= -0.5
            )
            return (np.count_nonzero(lost & _hard_rows(targets_rows) & positive),)
        relative = change - np.sum(means_rows * change, axis=1, keepdims=True)
        lost = (targets_rows == 0.0) & ((means_rows == 0.0) | (relative <= -0.5))
        return (np.count_nonzero(lost & positive[:, np.newaxis]),)

    (n_lost,) = objective.blocks.sum(
        block_terms, (targets, objective.weights, residuals, curvature)
    )
    return n_lost == 0


def _program_is_small(X, n_classes, fit_intercept):
    """Whether the linear program of ``X`` fits in ``MAX_PROGRAM_ELEMENTS``."""
    stored = X.nnz if sparse.issparse(X) else X.shape[0] * X.shape[1]
    per_class = stored + X.shape[0] * fit_intercept
    return per_class * max(n_classes - 1, 1) ** 2 <= MAX_PROGRAM_ELEMENTS


def _gathered(values):
    """``values`` as an array in memory: a dask array's chunks are gathered."""
    return values if sparse.issparse(values) else np.asarray(values)


def separation_message(objective, params):
    """Say whether the rows with hard targets are separated; "" if not.

    Only for ``alpha = 0``: with a penalty the optimum is finite.
    """
    # The rows numerically at their bound are counted in the same pass, for
    # when the linear program cannot decide.
    (n_near, n_at_bound), n_hard = count_rows_near_bounds(
        objective, params, (CANDIDATE_LOSS, NUMERICALLY_AT_BOUND)
    )
    if not n_near:
        return ""
    if params.size <= MAX_CERTIFICATE_PARAMETERS and newton_step_keeps_signs(
        objective, params
    ):
        return ""
    X, targets = objective.blocks.X, objective.targets
    n_classes = 2 if targets.ndim == 1 else targets.shape[1]
    n_separated = None
    if _program_is_small(X, n_classes, objective.fit_intercept):
        # A small program's rows fit in memory, wherever they live.
        weighted = _gathered(objective.weights) > 0
        n_separated = count_separated_rows(
            _gathered(X)[weighted],
            _gathered(targets)[weighted],
            objective.fit_intercept,
        )
    if n_separated is None:
        return rows_at_bound_message(n_at_bound, n_hard) if n_at_bound else ""
    return separated_rows_message(n_separated, n_hard) if n_separated else ""


def unbounded_intercept_message(objective):
    """Why the intercepts of ``objective``'s optimum are not finite; "" if they are.

    Targets of positive weight all 0 or all 1 (or a class absent from 2-D
    targets) are fitted better and better as an intercept goes to
    infinity, whatever the penalty on the coefficients.
    """
    if not objective.fit_intercept:
        return ""
    at_zero, at_one = bound_classes(
        objective.blocks, objective.targets, objective.weights
    )
    if objective.targets.ndim == 1 and (at_zero.size or at_one.size):
        return constant_targets_message(all_zero=bool(at_zero.size))
    if at_zero.size:
        return absent_classes_message(at_zero)
    return ""


def why_not_finite(objective, params):
    """Why the optimum of ``objective`` is not finite, fitted at ``params``.

    It is ``""`` when it is finite. Separation is looked for only when no
    coefficient is penalised.
    """
    message = unbounded_intercept_message(objective)
    if message or objective.penalised:
        return message
    return separation_message(objective, params)


def unpenalised_separation_message(objective, params, unpenalised):
    """Whether the unpenalised features separate the hard-target rows; "" if not.

    With a penalty on the other coefficients, the objective can fall without
    bound only along the coefficients of the ``unpenalised`` features (a
    boolean mask, ``penalty_weights`` of 0) and the intercept: the optimum is
    at infinity exactly when those columns alone separate the rows with
    hard targets. The linear program decides it when the rows fitted at
    ``params`` raise the question and the program is small.
    """
    if not unpenalised.any():
        return ""
    (n_near,), n_hard = count_rows_near_bounds(objective, params, (CANDIDATE_LOSS,))
    X, targets = objective.blocks.X, objective.targets
    n_classes = 2 if targets.ndim == 1 else targets.shape[1]
    if not n_near or not _program_is_small(X, n_classes, objective.fit_intercept):
        return ""
    weighted = _gathered(objective.weights) > 0
    n_separated = count_separated_rows(
        _gathered(X)[weighted][:, unpenalised],
        _gathered(targets)[weighted],
        objective.fit_intercept,
    )
    if not n_separated:
        return ""
    return (
        f"The features {np.flatnonzero(unpenalised).tolist()}, unpenalised "
        f"(penalty_weights 0), separate {n_separated} of the {n_hard} rows "
        "with targets 0 or 1 (completely or quasi-completely): along a "
        "direction of their coefficients the objective decreases without "
        "bound, so the optimum is at infinity and the coefficients returned "
        "grow as tol shrinks. Give those features a positive penalty weight."
    )


def constant_targets_message(all_zero):
    """1-D targets all 0 (or all 1) have no finite optimum."""
    value, limit = ("0", "-inf") if all_zero else ("1", "+inf")
    return (
        f"Every target of positive weight is {value}: the cross-entropy "
        f"decreases without bound as the intercept goes to {limit}, so the "
        "optimum is not finite. The fit stops where predictions are within "
        f"about tol of {value}. Such targets need no model."
    )


def absent_classes_message(absent):
    """Classes absent from 2-D targets have no finite optimum."""
    return (
        f"Classes {absent.tolist()} have probability 0 in every row of y with "
        "positive weight: their intercepts go to -inf at the optimum, which is "
        "not finite. The fit stops where their predicted probabilities are "
        "at most about tol. Drop those columns of y (a class absent from a "
        "cross-validation fold does this)."
    )


def separated_rows_message(n_separated, n_hard):
    """``n_separated`` of ``n_hard`` hard-target rows are separated (``alpha = 0``)."""
    return (
        f"With alpha=0, the features separate {n_separated} of the {n_hard} "
        "rows with targets 0 or 1 (completely or quasi-completely): along a "
        "direction of the coefficients their cross-entropy decreases towards "
        "0 and no other row's increases, so the unpenalised optimum is at "
        "infinity and the coefficients returned grow without bound as tol "
        "shrinks. Fit with alpha > 0 for finite, meaningful coefficients."
    )


def rows_at_bound_message(n_at_bound, n_hard):
    """``n_at_bound`` hard-target rows fitted numerically at 0 or 1 (``alpha = 0``).

    Said when the linear program that decides whether they are separated
    could not be solved: the data too large for it, or the program failed.
    """
    return (
        f"With alpha=0, {n_at_bound} of the {n_hard} rows with targets 0 or 1 "
        "are fitted with probabilities numerically 0 or 1. If the features "
        "separate them, the unpenalised optimum is at infinity (not checked "
        "here: these data are too large for the linear program that decides "
        "it, or it failed); a fit with alpha > 0 is finite."
    )
