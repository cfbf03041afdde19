"""Data whose cross-entropy has no finite minimiser, and the warnings that say so.

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
finite parameters; these checks tell the user why. Separation is recognised,
as R's ``glm`` does, by hard-target rows fitted with probabilities
numerically equal to their targets.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._objective import raw_prediction

# A hard-target row whose cross-entropy is below this (its predicted
# probability within about 1e-8 of the target) is fitted at the bound: the
# solver stops separated rows at a cross-entropy of about tol or less.
SEPARATED_LOSS = 1e-8


def bound_classes(targets, weights):
    """The classes whose target is 0 (first array) or 1 (second) in every row
    of positive weight; for 1-D targets, of the one class."""
    positive = (weights > 0)[:, np.newaxis]
    by_class = targets.reshape(targets.shape[0], -1)
    # np.asarray computes a dask array's reductions (one per class).
    return (
        np.flatnonzero(np.asarray(~((by_class != 0.0) & positive).any(axis=0))),
        np.flatnonzero(np.asarray(~((by_class != 1.0) & positive).any(axis=0))),
    )


def _hard_rows(targets):
    """Rows whose target is 0 or 1 (1-D) or a one-hot row (2-D)."""
    if targets.ndim == 1:
        return (targets == 0.0) | (targets == 1.0)
    return targets.max(axis=1) == 1.0


def count_separated_rows(params, blocks, targets, weights, fit_intercept, loss):
    """How many rows of positive weight with hard targets ``params`` fits at
    the bound (cross-entropy below ``SEPARATED_LOSS``), and how many such rows
    there are; one pass over ``X``."""

    def block_terms(X_rows, targets_rows, weights_rows):
        eta = raw_prediction(params, X_rows, fit_intercept)
        sample_loss, _ = loss.loss_and_gradient(targets_rows, eta)
        hard = _hard_rows(targets_rows) & (weights_rows > 0)
        return (
            np.count_nonzero(hard & (sample_loss < SEPARATED_LOSS)),
            np.count_nonzero(hard),
        )

    n_separated, n_hard = blocks.sum(block_terms, (targets, weights))
    return int(n_separated), int(n_hard)


def warn_constant_targets(all_zero):
    """Warn that 1-D targets all 0 (or all 1) have no finite optimum."""
    value, limit = ("0", "-inf") if all_zero else ("1", "+inf")
    warnings.warn(
        f"Every target of positive weight is {value}: the cross-entropy "
        f"decreases without bound as the intercept goes to {limit}, so the "
        "optimum is not finite. The fit stops where predictions are within "
        f"about tol of {value}. Such targets need no model.",
        ConvergenceWarning,
        stacklevel=4,
    )


def warn_absent_classes(absent):
    """Warn that classes absent from 2-D targets have no finite optimum."""
    warnings.warn(
        f"Classes {absent.tolist()} have probability 0 in every row of y with "
        "positive weight: their intercepts go to -inf at the optimum, which is "
        "not finite. The fit stops where their predicted probabilities are "
        "about tol. Drop those columns of y (a class absent from a "
        "cross-validation fold does this).",
        ConvergenceWarning,
        stacklevel=4,
    )


def warn_separated_rows(n_separated, n_hard):
    """Warn that ``n_separated`` of ``n_hard`` hard-target rows are fitted at
    their bound with ``alpha = 0``."""
    warnings.warn(
        f"With alpha=0, {n_separated} of the {n_hard} rows with targets 0 or 1 "
        "are fitted with probabilities within 1e-8 of their targets: the "
        "features separate them (completely or quasi-completely), so the "
        "unpenalised optimum is at infinity and the coefficients returned grow "
        "without bound as tol shrinks. Fit with alpha > 0 for finite, "
        "meaningful coefficients.",
        ConvergenceWarning,
        stacklevel=4,
    )
