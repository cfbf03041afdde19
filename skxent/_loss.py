"""Pointwise binary cross-entropy of a raw (linear) prediction under the logit link.

Everything here works on one-dimensional arrays of raw predictions
``eta = x @ coef + intercept`` and knows nothing of ``X``, weights or penalties.
The formulas follow scikit-learn's ``HalfBinomialLoss``: with
``mu = expit(eta)`` the cross-entropy of a target ``t`` in [0, 1] is

    CE(t, eta) = -(t * log(mu) + (1 - t) * log(1 - mu))
               = log(1 + exp(eta)) - t * eta,

written below as ``log1p(exp(-|eta|)) + max(eta, 0) - t * eta`` so that no
term overflows for any finite ``eta`` and the value is exact (no cancellation)
when ``t`` is 0 or 1.
"""

import numpy as np
from scipy.special import expit


def mean_response(raw_prediction):
    """Inverse logit link: the predicted probability ``expit(eta)``."""
    return expit(raw_prediction)


def cross_entropy_and_gradient(targets, raw_prediction):
    """Cross-entropy of each target against ``expit(raw_prediction)``, and its
    derivative ``expit(raw_prediction) - targets``, from one exponential.

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._loss import cross_entropy_and_gradient
    >>> loss, gradient = cross_entropy_and_gradient(
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


def cross_entropy_curvature(raw_prediction):
    """Second derivative of :func:`cross_entropy`: ``mu * (1 - mu)``.

    Computed as ``expit(eta) * expit(-eta)``, which keeps full relative
    precision in both tails, where ``1 - mu`` would round to 0.
    """
    return expit(raw_prediction) * expit(-raw_prediction)
