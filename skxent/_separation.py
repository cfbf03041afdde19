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
tell the user. Separation is recognised, as R's ``glm`` does, by
hard-target rows fitted with probabilities numerically equal to their
targets.
"""

import numpy as np

from ._objective import raw_prediction

# A hard-target row whose cross-entropy is below this (its predicted
# probability within about 1e-8 of the target) is fitted at the bound: the
# solver stops separated rows at a cross-entropy of about tol or less.
SEPARATED_LOSS = 1e-8


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


def count_separated_rows(objective, params):
    """Count the rows with hard targets that ``params`` fits at the bound.

    Return how many rows of positive weight with hard targets ``params`` fits
    at the bound (cross-entropy below ``SEPARATED_LOSS``), and how many such
    rows there are; one pass over ``X``.
    """
    fit_intercept, link = objective.fit_intercept, objective.link

    def block_terms(X_rows, targets_rows, weights_rows):
        eta = raw_prediction(params, X_rows, fit_intercept)
        sample_loss, _ = link.loss_and_gradient(targets_rows, eta)
        hard = _hard_rows(targets_rows) & (weights_rows > 0)
        return (
            np.count_nonzero(hard & (sample_loss < SEPARATED_LOSS)),
            np.count_nonzero(hard),
        )

    n_separated, n_hard = objective.blocks.sum(
        block_terms, (objective.targets, objective.weights)
    )
    return int(n_separated), int(n_hard)


def why_not_finite(objective, params):
    """Why the optimum of ``objective`` is not finite, fitted at ``params``.

    It is ``""`` when nothing says so.
    """
    at_zero, at_one = bound_classes(
        objective.blocks, objective.targets, objective.weights
    )
    one_class = objective.targets.ndim == 1
    if objective.fit_intercept and one_class and (at_zero.size or at_one.size):
        return constant_targets_message(all_zero=bool(at_zero.size))
    if objective.fit_intercept and at_zero.size:
        return absent_classes_message(at_zero)
    if objective.alpha == 0:
        n_separated, n_hard = count_separated_rows(objective, params)
        if n_separated:
            return separated_rows_message(n_separated, n_hard)
    return ""


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
        "about tol. Drop those columns of y (a class absent from a "
        "cross-validation fold does this)."
    )


def separated_rows_message(n_separated, n_hard):
    """``n_separated`` of ``n_hard`` hard-target rows fitted at their bound.

    This happens with ``alpha = 0``.
    """
    return (
        f"With alpha=0, {n_separated} of the {n_hard} rows with targets 0 or 1 "
        "are fitted with probabilities within 1e-8 of their targets: the "
        "features separate them (completely or quasi-completely), so the "
        "unpenalised optimum is at infinity and the coefficients returned grow "
        "without bound as tol shrinks. Fit with alpha > 0 for finite, "
        "meaningful coefficients."
    )
