"""Cross-entropy, entropy and deviance of probability targets, row by row.

The metrics score predictions with them and inference sums them over a
fit's rows: one definition for both. Targets ``t`` and predictions ``p``
are probabilities (1-D) or rows of class probabilities (2-D).
"""

import numpy as np
from scipy.special import xlog1py, xlogy


def clipped(probabilities):
    """Return ``probabilities`` clipped to ``[eps, 1 - eps]``, as log_loss does."""
    eps = np.finfo(probabilities.dtype).eps
    return np.clip(probabilities, eps, 1 - eps)


def pointwise_cross_entropy(targets, probabilities):
    """Cross-entropy of each target against its (clipped) prediction."""
    probabilities = clipped(probabilities)
    if targets.ndim == 2:
        return -xlogy(targets, probabilities).sum(axis=1)
    return -(xlogy(targets, probabilities) + xlogy(1 - targets, 1 - probabilities))


def pointwise_entropy(targets):
    """Entropy ``CE(t, t)`` of each target: the least cross-entropy it can have."""
    if targets.ndim == 2:
        return -xlogy(targets, targets).sum(axis=1)
    return -(xlogy(targets, targets) + xlogy(1 - targets, 1 - targets))


def pointwise_deviance(targets, probabilities):
    """Half the binomial (multinomial) unit deviance of each (clipped) prediction.

    ``CE(t, p) - CE(t, t)``, the Kullback-Leibler divergence of ``p`` from
    ``t``: ``t log(t / p) + (1 - t) log((1 - t) / (1 - p))`` for 1-D
    targets. Written ``t log1p((t - p) / p)`` (``xlog1py``, 0 where ``t`` is
    0), each term is exact to rounding of ``|t - p|``, not of ``t``: the
    first-order terms cancel, and the deviance of targets near their mean
    (``(t - p)**2 / (2 p (1 - p))``) keeps its digits where ``rel_entr``'s
    ``t log(t / p)`` loses all of them (``|t - p|`` below ``1e-8``). For rows
    of class probabilities, the terms ``t_k log(t_k / p_k) - t_k + p_k``
    (the divergence of rows on the simplex, ``sum_k t_k log(t_k / p_k)``)
    leave out the rounding of the rows' sums.
    """
    probabilities = clipped(probabilities)
    difference = targets - probabilities
    if targets.ndim == 2:
        terms = xlog1py(targets, difference / probabilities) - difference
        return terms.sum(axis=1)
    return xlog1py(targets, difference / probabilities) + xlog1py(
        1 - targets, -difference / (1 - probabilities)
    )


def pointwise_pearson(targets, probabilities):
    """Pearson's ``(t - p)**2 / V(p)`` of each row, ``V`` the binomial variance.

    ``sum_k (t_k - p_k)**2 / p_k`` for rows of class probabilities (the
    multinomial's, which for two classes is the binomial's). A prediction
    of exactly 0 or 1 gives 0 where the target equals it, inf elsewhere.
    """
    if targets.ndim == 1:
        targets = np.stack([1 - targets, targets], axis=1)
        probabilities = np.stack([1 - probabilities, probabilities], axis=1)
    squares = (targets - probabilities) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(squares > 0, squares / probabilities, 0.0)
    return terms.sum(axis=1)
