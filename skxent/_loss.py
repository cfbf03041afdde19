"""Pointwise cross-entropy of a raw (linear) prediction, for each link.

Everything here works on raw predictions ``eta = x @ coef + intercept`` (one
per sample for a binary link, one per class for the softmax) and knows
nothing of ``X``, weights or penalties. For a target ``t`` in [0, 1] and a
predicted probability ``mu = g^-1(eta)``,

    CE(t, mu) = -(t * log(mu) + (1 - t) * log(1 - mu)),

and for a row ``t`` on the probability simplex, ``CE(t, mu) = -sum_k t_k
log(mu_k)``. Each link gets the value, its derivative in ``eta`` and its
second derivative (the *curvature*) in a form that neither overflows nor
cancels, exact when ``t`` is 0 or 1. The cross-entropy is convex in ``eta``
for all four links: the logit and the softmax are canonical, and the normal
and Gumbel distribution functions behind probit and cloglog are log-concave
on both sides.

Each :class:`CrossEntropyLoss` bundles a link with these functions and with
the factorisation of its curvature that the preconditioner needs.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_ndtr

from ._link import CLOGLOG, LOGIT, PROBIT, SOFTMAX, Link


def logit_cross_entropy(targets, raw_prediction):
    """Cross-entropy against ``expit(eta)`` and its derivative ``expit(eta) - t``.

    Written as ``log1p(exp(-|eta|)) + max(eta, 0) - t * eta`` (scikit-learn's
    ``HalfBinomialLoss``), from one exponential.

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._loss import logit_cross_entropy
    >>> loss, gradient = logit_cross_entropy(
    ...     np.array([1.0, 0.0, 0.5]), np.array([0.0, 1e4, 0.0])
    ... )
    >>> loss
    array([6.93147181e-01, 1.00000000e+04, 6.93147181e-01])
    >>> gradient
    array([-0.5,  1. ,  0. ])
    """
    exp_minus_abs = np.exp(-np.abs(raw_prediction))
    # For t = 1 and eta > 0, max(eta, 0) - t * eta is exactly 0: the
    # remaining log1p term is the whole, exact loss.
    loss = (
        np.log1p(exp_minus_abs)
        + np.maximum(raw_prediction, 0.0)
        - targets * raw_prediction
    )
    # expit(eta) is 1 / (1 + e) for eta >= 0 and e / (1 + e) below, with
    # e = exp(-|eta|): neither form overflows.
    mean = np.where(raw_prediction >= 0, 1.0, exp_minus_abs) / (1.0 + exp_minus_abs)
    return loss, mean - targets


def logit_curvature(targets, raw_prediction):
    """``mu * (1 - mu)``, whatever the target, as ``expit(eta) * expit(-eta)``:
    full relative precision in both tails, where ``1 - mu`` would round to 0."""
    return expit(raw_prediction) * expit(-raw_prediction)


def _probit_parts(raw_prediction):
    """``log(Phi(eta))``, ``log(Phi(-eta))`` and the normal hazards
    ``phi(eta) / Phi(eta)`` and ``phi(eta) / Phi(-eta)``.

    The hazards are taken from logarithms so that neither underflows in a
    tail; scipy's ``log_ndtr`` is accurate far into both.
    """
    log_cdf = log_ndtr(raw_prediction)
    log_complement = log_ndtr(-raw_prediction)
    log_density = -0.5 * raw_prediction**2 - 0.5 * np.log(2 * np.pi)
    hazard = np.exp(log_density - log_cdf)
    complement_hazard = np.exp(log_density - log_complement)
    return log_cdf, log_complement, hazard, complement_hazard


def probit_cross_entropy(targets, raw_prediction):
    """Cross-entropy against ``Phi(eta)``, the standard normal distribution
    function, and its derivative in ``eta``, with ``log(1 - Phi(eta)) =
    log(Phi(-eta))``."""
    log_cdf, log_complement, hazard, complement_hazard = _probit_parts(raw_prediction)
    loss = -targets * log_cdf - (1.0 - targets) * log_complement
    gradient = -targets * hazard + (1.0 - targets) * complement_hazard
    return loss, gradient


def probit_curvature(targets, raw_prediction):
    """Second derivative of :func:`probit_cross_entropy` in ``eta``.

    With ``r(x) = phi(x) / Phi(x)``, ``d r / dx = -r (x + r)``, so the
    curvature is ``t r(eta) (eta + r(eta)) + (1 - t) r(-eta) (r(-eta) - eta)``,
    each term non-negative (``x + r(x) > 0``: the normal law is log-concave).
    Far in a tail ``x + r(x)`` cancels; it is kept from going below zero.
    """
    _, _, hazard, complement_hazard = _probit_parts(raw_prediction)
    curvature = targets * hazard * (raw_prediction + hazard) + (
        1.0 - targets
    ) * complement_hazard * (complement_hazard - raw_prediction)
    return np.maximum(curvature, 0.0)


def _cloglog_parts(raw_prediction):
    """``s = exp(eta)``, ``mu = -expm1(-s)`` and ``q = s / expm1(s)``.

    ``q`` is written as ``exp(eta - s) / mu``, which neither overflows for
    large ``s`` nor divides by zero once ``s`` underflows (its limit there is
    1). ``s`` itself is infinite above ``eta = 709``, where the loss of any
    target below 1 is too.
    """
    with np.errstate(over="ignore"):
        s = np.exp(raw_prediction)
    mu = -np.expm1(-s)
    q = np.divide(np.exp(raw_prediction - s), mu, out=np.ones_like(s), where=s > 0)
    return s, mu, q


def _cloglog_target_curvature(raw_prediction, s, mu, q):
    """``q (q exp(s) - 1)``, the curvature of ``-log(mu)``, for ``s = exp(eta)``.

    For ``s > 1`` as ``exp(2 eta - s) / mu**2 - q``, which stays finite (and
    goes to 0) as ``s`` overflows; below, as ``q (s / mu - 1)``, which neither
    underflows to 0 / 0 nor multiplies 0 by inf. It goes to 0 like ``s / 2``
    with ``s``, cancelling to a relative precision of about ``eps / s``: ample
    for a curvature.
    """
    curvature = np.zeros_like(s)
    large = s > 1
    curvature[large] = (
        np.exp(2.0 * raw_prediction[large] - s[large]) / mu[large] ** 2 - q[large]
    )
    small = ~large & (s > 0)
    curvature[small] = q[small] * (s[small] / mu[small] - 1.0)
    return curvature


def _times_complement(targets, values):
    """``(1 - t) * values`` with 0 where ``t = 1``, even if ``values`` is inf."""
    return np.multiply(
        1.0 - targets, values, out=np.zeros_like(values), where=targets < 1
    )


def cloglog_cross_entropy(targets, raw_prediction):
    """Cross-entropy against ``1 - exp(-exp(eta))`` and its derivative in ``eta``.

    With ``s = exp(eta)``: ``log(1 - mu) = -s`` exactly and ``log(mu) =
    log(-expm1(-s))``, which is ``eta`` itself once ``s`` underflows. The
    derivative is ``-t q + (1 - t) s`` with ``q = s / expm1(s)``.
    """
    s, mu, q = _cloglog_parts(raw_prediction)
    log_mu = np.log(mu, out=np.array(raw_prediction, dtype=s.dtype), where=s > 0)
    loss = -targets * log_mu + _times_complement(targets, s)
    return loss, -targets * q + _times_complement(targets, s)


def cloglog_curvature(targets, raw_prediction):
    """Second derivative of :func:`cloglog_cross_entropy` in ``eta``:
    ``t q (q exp(s) - 1) + (1 - t) s``; kept from going below zero."""
    s, mu, q = _cloglog_parts(raw_prediction)
    curvature = targets * _cloglog_target_curvature(
        raw_prediction, s, mu, q
    ) + _times_complement(targets, s)
    return np.maximum(curvature, 0.0)


def softmax_cross_entropy(targets, raw_prediction):
    """Cross-entropy of probability rows ``t`` against ``softmax(eta)``, and
    its gradient ``softmax(eta) - t``, row by row.

    ``CE = logsumexp(eta) - t @ eta`` for rows ``t`` summing to 1, computed
    with ``eta`` shifted by its row maximum so that nothing overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._loss import softmax_cross_entropy
    >>> loss, gradient = softmax_cross_entropy(
    ...     np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 0.0]])
    ... )
    >>> loss.round(6), gradient.round(3)
    (array([1.098612]), array([[-0.667,  0.333,  0.333]]))
    """
    shifted, exp_shifted, total = _shifted_exp(raw_prediction)
    loss = np.log(total) - np.einsum("ij,ij->i", targets, shifted)
    return loss, exp_shifted / total[:, np.newaxis] - targets


def _shifted_exp(raw_prediction):
    """``eta`` shifted by its row maximum, its exponential and the row sums.

    Each row reduction runs class by class over whole columns (or as a
    product with ones): numpy reduces along a short last axis several times
    slower than the exponential itself.
    """
    row_max = functools.reduce(np.maximum, raw_prediction.T)
    shifted = raw_prediction - row_max[:, np.newaxis]
    exp_shifted = np.exp(shifted)
    return shifted, exp_shifted, exp_shifted @ np.ones(exp_shifted.shape[1])


def softmax_curvature(targets, raw_prediction):
    """The predicted rows ``mu``: each row's Hessian in ``eta`` is
    ``diag(mu) - mu mu^T``, applied by :func:`softmax_curvature_product`."""
    _, exp_shifted, total = _shifted_exp(raw_prediction)
    return exp_shifted / total[:, np.newaxis]


def softmax_curvature_product(mean, direction):
    """``(diag(mu) - mu mu^T) @ d`` for every row, without forming the matrix."""
    return mean * (direction - np.einsum("ij,ij->i", mean, direction)[:, np.newaxis])


def binary_curvature_factors(curvature, weights):
    """Weighted curvature per row; a binary model has no class factor."""
    return weights * curvature, None


def softmax_curvature_factors(mean, weights):
    """A Kronecker factorisation ``sum_i w_i (diag(mu_i) - mu_i mu_i^T) x_i x_i^T
    ~ C (x) sum_i v_i x_i x_i^T`` of the softmax model's Hessian.

    Returns the row weights ``v_i = w_i trace(diag(mu_i) - mu_i mu_i^T)`` and the
    class matrix ``C = sum_i w_i (diag(mu_i) - mu_i mu_i^T)``, unnormalised. The
    factorisation is exact when every row has the same ``mu``, as at a cold
    start.
    """
    row_weights = weights * (1.0 - np.einsum("ij,ij->i", mean, mean))
    weighted_mean = weights @ mean
    class_curvature = np.diag(weighted_mean) - (mean.T * weights) @ mean
    return row_weights, class_curvature


@dataclass(frozen=True)
class CrossEntropyLoss:
    """A link with the cross-entropy functions of its raw prediction.

    Attributes
    ----------
    link : Link
    loss_and_gradient : callable
        ``(targets, eta) -> (loss per sample, d loss / d eta)``.
    curvature : callable
        ``(targets, eta) -> curvature``, whatever ``curvature_product`` and
        ``curvature_factors`` take.
    curvature_product : callable
        ``(curvature, direction) -> `` the second derivative in ``eta`` applied
        to ``direction``, row by row.
    curvature_factors : callable
        ``(curvature, weights) -> (row weights, class matrix or None)``, for the
        preconditioner.
    """

    link: Link
    loss_and_gradient: Callable
    curvature: Callable
    curvature_product: Callable
    curvature_factors: Callable


def _binary_loss(link, loss_and_gradient, curvature):
    """A binary link's loss: its curvature is one number per row."""
    return CrossEntropyLoss(
        link, loss_and_gradient, curvature, np.multiply, binary_curvature_factors
    )


BINARY_LOSSES = {
    loss.link.name: loss
    for loss in (
        _binary_loss(LOGIT, logit_cross_entropy, logit_curvature),
        _binary_loss(PROBIT, probit_cross_entropy, probit_curvature),
        _binary_loss(CLOGLOG, cloglog_cross_entropy, cloglog_curvature),
    )
}

SOFTMAX_LOSS = CrossEntropyLoss(
    SOFTMAX,
    softmax_cross_entropy,
    softmax_curvature,
    softmax_curvature_product,
    softmax_curvature_factors,
)
