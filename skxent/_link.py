"""Links between the linear predictor ``eta`` and the predicted probability ``mu``.

A link ``g`` maps probabilities to the real line, ``eta = g(mu)``; the model
predicts ``mu = g^-1(eta)``. Binary links act elementwise on arrays of shape
(n_samples,); the softmax acts on rows of shape (n_samples, n_classes) and
returns rows on the probability simplex.

Here are the two maps, used to predict and to start the solver, and for the
binary links the first two derivatives of ``mu`` in ``eta``, which partial
effects on the predicted probability need; the cross-entropy of each link and
its derivatives, which need the link's own numerically stable forms, are in
``_loss.py``.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit, logit, ndtr, ndtri, softmax


class Link(NamedTuple):
    """A link function ``g``, its inverse and, for a binary link, the first
    and second derivatives of the inverse (None for the softmax)."""

    name: str
    link: Callable
    inverse: Callable
    inverse_derivative: Callable | None = None
    inverse_second_derivative: Callable | None = None


def _logit_density(eta):
    """``d mu / d eta = mu (1 - mu)``, precise in both tails."""
    return expit(eta) * expit(-eta)


def _logit_density_derivative(eta):
    """``mu (1 - mu) (1 - 2 mu)``, with ``1 - 2 mu = expit(-eta) - expit(eta)``."""
    return _logit_density(eta) * (expit(-eta) - expit(eta))


def _normal_density(eta):
    return np.exp(-0.5 * np.square(eta)) / np.sqrt(2.0 * np.pi)


def _normal_density_derivative(eta):
    return -eta * _normal_density(eta)


def _gumbel_parts(eta):
    """``exp(eta)`` and the density ``exp(eta - exp(eta))`` of the cloglog.

    ``eta`` is capped where the density has long underflowed to 0, so that
    ``exp(eta)`` stays finite and ``0 * (1 - exp(eta))`` is 0, not NaN.
    """
    rate = np.exp(np.minimum(eta, 700.0))
    return rate, np.exp(eta - rate)


def _cloglog_density(eta):
    return _gumbel_parts(eta)[1]


def _cloglog_density_derivative(eta):
    rate, density = _gumbel_parts(eta)
    return density * (1.0 - rate)


def _cloglog(mu):
    """``log(-log(1 - mu))``."""
    return np.log(-np.log1p(-mu))


def _inverse_cloglog(eta):
    """``1 - exp(-exp(eta))``; written with ``expm1`` for precision near 0."""
    with np.errstate(over="ignore"):
        return -np.expm1(-np.exp(eta))


def _centred_log(mu):
    """Softmax link: ``log(mu)`` less its mean over classes, one of the many
    linear predictors whose softmax is ``mu`` (the softmax is unchanged by adding
    the same number to every class)."""
    log_mu = np.log(mu)
    return log_mu - log_mu.mean(axis=-1, keepdims=True)


def _softmax_rows(eta):
    return softmax(eta, axis=-1)


LOGIT = Link("logit", logit, expit, _logit_density, _logit_density_derivative)
PROBIT = Link("probit", ndtri, ndtr, _normal_density, _normal_density_derivative)
CLOGLOG = Link(
    "cloglog",
    _cloglog,
    _inverse_cloglog,
    _cloglog_density,
    _cloglog_density_derivative,
)
SOFTMAX = Link("softmax", _centred_log, _softmax_rows)
