"""Links between the linear predictor ``eta`` and the predicted probability ``mu``.

A link ``g`` maps probabilities to the real line, ``eta = g(mu)``; the model
predicts ``mu = g^-1(eta)``. Binary links act elementwise on arrays of shape
(n_samples,); the softmax acts on rows of shape (n_samples, n_classes) and
returns rows on the probability simplex.

Here are only the two maps, used to predict and to start the solver; the
cross-entropy of each link and its derivatives, which need the link's own
numerically stable forms, are in ``_loss.py``.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit, logit, ndtr, ndtri, softmax


class Link(NamedTuple):
    """A link function ``g`` and its inverse."""

    name: str
    link: Callable
    inverse: Callable


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


LOGIT = Link("logit", logit, expit)
PROBIT = Link("probit", ndtri, ndtr)
CLOGLOG = Link("cloglog", _cloglog, _inverse_cloglog)
SOFTMAX = Link("softmax", _centred_log, _softmax_rows)
