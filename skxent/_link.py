"""Links and their pointwise cross-entropy: every derivative, in one place per link.

A link ``g`` maps probabilities to the real line, ``eta = g(mu)``; the model
predicts ``mu = g^-1(eta)`` from the raw (linear) prediction ``eta = x @ coef
+ intercept``. Binary links act elementwise, on arrays of any shape; the
softmax acts on rows of shape (..., n_classes) and returns rows on the
probability simplex. Nothing here knows of ``X``, weights or penalties.

For a target ``t`` in [0, 1] the cross-entropy is

    CE(t, mu) = -(t * log(mu) + (1 - t) * log(1 - mu)),

and for a row ``t`` on the simplex ``CE(t, mu) = -sum_k t_k log(mu_k)``. Each
link gives, in forms that neither overflow nor cancel and that are exact
when ``t`` is 0 or 1:

- for fitting: the value and derivative of ``CE`` in ``eta``
  (``loss_and_gradient``), its second derivative (``curvature``, in whatever
  form ``curvature_product`` applies to a direction), and the sum of the
  rows' curvature matrices with their traces (what the preconditioner needs);
- for inference: per row, as matrices over the classes (1 x 1 for a binary
  link, with ``eta`` of shape (n, 1)), the observed and expected curvature,
  the Jacobian ``d mu / d eta`` and its derivative in ``eta``.

The cross-entropy is convex in ``eta`` for all four links: the logit and the
softmax are canonical, and the normal and Gumbel distribution functions
behind the probit and the cloglog are log-concave on both sides.
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import expit, log_ndtr, logit, ndtr, ndtri


@dataclass(frozen=True)
class BinaryLink:
    """What every binary link derives from its elementwise functions.

    Links hold no state: two instances of one link are equal. Subclasses
    define ``link``, ``inverse``, ``inverse_derivative``,
    ``inverse_second_derivative``, ``loss_and_gradient`` and ``curvature``;
    the curvature is one number per row.
    """

    name = ""

    def curvature_product(self, curvature, direction):
        """Apply the curvature to ``direction``, row by row."""
        return curvature * direction

    def curvature_traces(self, curvature):
        """Return the trace of each row's curvature matrix: the curvature itself."""
        return curvature

    def curvature_sum(self, curvature, weights):
        """``sum_i w_i c_i``: the weighted sum of the rows' curvatures."""
        return weights @ curvature

    def curvature_matrices(self, targets, raw_prediction):
        """Return the observed curvature as (rows, 1, 1) matrices."""
        return self.curvature(targets, raw_prediction)[..., np.newaxis]

    def expected_curvature_matrices(self, raw_prediction):
        """Return the curvature at the target ``mu``, as (rows, 1, 1) matrices.

        It is the Fisher information per row.
        """
        mean = self.inverse(raw_prediction)
        return self.curvature(mean, raw_prediction)[..., np.newaxis]

    def jacobians(self, raw_prediction):
        """``d mu / d eta`` as (rows, 1, 1) matrices."""
        return self.inverse_derivative(raw_prediction)[..., np.newaxis]

    def jacobian_slopes(self, raw_prediction):
        """``d^2 mu / d eta^2`` as (rows, 1, 1, 1) arrays."""
        second = self.inverse_second_derivative(raw_prediction)
        return second[..., np.newaxis, np.newaxis]


@dataclass(frozen=True)
class Logit(BinaryLink):
    """``mu = 1 / (1 + exp(-eta))``, the canonical link."""

    name = "logit"

    def link(self, mean):
        """``log(mu / (1 - mu))``."""
        return logit(mean)

    def inverse(self, raw_prediction):
        """``1 / (1 + exp(-eta))``."""
        return expit(raw_prediction)

    def inverse_derivative(self, raw_prediction):
        """``mu (1 - mu)`` as ``expit(eta) expit(-eta)``, precise in both tails."""
        return expit(raw_prediction) * expit(-raw_prediction)

    def inverse_second_derivative(self, raw_prediction):
        """``mu (1 - mu) (1 - 2 mu)``, with ``1 - 2 mu = expit(-eta) - expit(eta)``."""
        return self.inverse_derivative(raw_prediction) * (
            expit(-raw_prediction) - expit(raw_prediction)
        )

    def loss_and_gradient(self, targets, raw_prediction):
        """Cross-entropy against ``expit(eta)`` and its derivative ``expit(eta) - t``.

        Written as ``log1p(exp(-|eta|)) + max(eta, 0) - t * eta`` (the form of
        scikit-learn's ``HalfBinomialLoss``), from one exponential.

        Examples
        --------
        >>> import numpy as np
        >>> from skxent._link import LOGIT
        >>> loss, gradient = LOGIT.loss_and_gradient(
        ...     np.array([1.0, 0.0, 0.5]), np.array([0.0, 1e4, 0.0])
        ... )
        >>> loss
        array([6.93147181e-01, 1.00000000e+04, 6.93147181e-01])
        >>> gradient
        array([-0.5,  1. ,  0. ])
        """
        exp_minus_abs = np.exp(-np.abs(raw_prediction))
        # For t = 1 and eta > 0 (t = 0 and eta < 0), max(eta, 0) - t * eta is
        # exactly 0: the log1p term is then the whole, exact loss, which it
        # stays only if that difference is formed first (added to eta
        # first, a log1p term below eta's rounding would be lost).
        loss = np.log1p(exp_minus_abs) + (
            np.maximum(raw_prediction, 0.0) - targets * raw_prediction
        )
        # expit(eta) is 1 / (1 + e) for eta >= 0 and e / (1 + e) below, with
        # e = exp(-|eta|): neither form overflows.
        mean = np.where(raw_prediction >= 0, 1.0, exp_minus_abs) / (1.0 + exp_minus_abs)
        return loss, mean - targets

    def curvature(self, targets, raw_prediction):
        """``mu (1 - mu)``, whatever the target: the inverse link's derivative."""
        return self.inverse_derivative(raw_prediction)


class _ProbitParts(NamedTuple):
    """``log Phi(eta)``, ``log Phi(-eta)`` and the two normal hazards.

    The hazards are ``phi(eta) / Phi(eta)`` and ``phi(eta) / Phi(-eta)``.
    """

    log_cdf: np.ndarray
    log_complement: np.ndarray
    hazard: np.ndarray
    complement_hazard: np.ndarray


@dataclass(frozen=True)
class Probit(BinaryLink):
    """``mu = Phi(eta)``, the standard normal distribution function."""

    name = "probit"

    def link(self, mean):
        """``Phi^-1(mu)``."""
        return ndtri(mean)

    def inverse(self, raw_prediction):
        """``Phi(eta)``."""
        return ndtr(raw_prediction)

    def inverse_derivative(self, raw_prediction):
        """Return the normal density ``phi(eta)``."""
        return np.exp(-0.5 * np.square(raw_prediction)) / np.sqrt(2.0 * np.pi)

    def inverse_second_derivative(self, raw_prediction):
        """``-eta phi(eta)``."""
        return -raw_prediction * self.inverse_derivative(raw_prediction)

    @staticmethod
    def _parts(raw_prediction):
        """:class:`_ProbitParts`, the hazards taken from logarithms.

        That way neither underflows in a tail (scipy's ``log_ndtr`` is accurate
        far into both).
        """
        log_cdf = log_ndtr(raw_prediction)
        log_complement = log_ndtr(-raw_prediction)
        log_density = -0.5 * raw_prediction**2 - 0.5 * np.log(2 * np.pi)
        return _ProbitParts(
            log_cdf,
            log_complement,
            np.exp(log_density - log_cdf),
            np.exp(log_density - log_complement),
        )

    def loss_and_gradient(self, targets, raw_prediction):
        """Cross-entropy against ``Phi(eta)`` and its derivative in ``eta``.

        Both are computed with ``log(1 - Phi(eta)) = log Phi(-eta)``.
        """
        parts = self._parts(raw_prediction)
        loss = -targets * parts.log_cdf - (1.0 - targets) * parts.log_complement
        gradient = -targets * parts.hazard + (1.0 - targets) * parts.complement_hazard
        return loss, gradient

    def curvature(self, targets, raw_prediction):
        """Second derivative of the cross-entropy in ``eta``.

        With ``r(x) = phi(x) / Phi(x)``, ``d r / dx = -r (x + r)``, so the
        curvature is ``t r(eta) (eta + r(eta)) + (1 - t) r(-eta) (r(-eta) -
        eta)``, each term non-negative (``x + r(x) > 0``: the normal law is
        log-concave). Far in a tail ``x + r(x)`` cancels; it is kept from
        going below zero.
        """
        parts = self._parts(raw_prediction)
        curvature = targets * parts.hazard * (raw_prediction + parts.hazard) + (
            1.0 - targets
        ) * parts.complement_hazard * (parts.complement_hazard - raw_prediction)
        return np.maximum(curvature, 0.0)


class _CloglogParts(NamedTuple):
    """``s = exp(eta)``, ``mu = 1 - exp(-s)`` and ``q = s / expm1(s)``."""

    rate: np.ndarray
    mean: np.ndarray
    q: np.ndarray


def _times_complement(targets, values):
    """``(1 - t) * values`` with 0 where ``t = 1``, even if ``values`` is inf."""
    return np.multiply(
        1.0 - targets, values, out=np.zeros_like(values), where=targets < 1
    )


@dataclass(frozen=True)
class Cloglog(BinaryLink):
    """``mu = 1 - exp(-exp(eta))``, the complementary log-log link."""

    name = "cloglog"

    def link(self, mean):
        """``log(-log(1 - mu))``."""
        return np.log(-np.log1p(-mean))

    @staticmethod
    def _rate(raw_prediction):
        """``s = exp(eta)``.

        It is infinite above ``eta = 709``, where the loss of any target below 1
        is too.
        """
        with np.errstate(over="ignore"):
            return np.exp(raw_prediction)

    @staticmethod
    def _mean(rate):
        """``mu = 1 - exp(-s)``, written with ``expm1`` for precision near 0."""
        return -np.expm1(-rate)

    @staticmethod
    def _density(raw_prediction, rate):
        """``exp(eta - s)``: 0, not NaN, once ``s`` overflows."""
        return np.exp(raw_prediction - rate)

    def inverse(self, raw_prediction):
        """``1 - exp(-exp(eta))``."""
        return self._mean(self._rate(raw_prediction))

    def inverse_derivative(self, raw_prediction):
        """Return the Gumbel density ``exp(eta - exp(eta))``."""
        return self._density(raw_prediction, self._rate(raw_prediction))

    def inverse_second_derivative(self, raw_prediction):
        """``exp(eta - s) (1 - s)`` as ``exp(eta - s) - exp(2 eta - s)``.

        Here ``s = exp(eta)``; the form is finite (0) where ``s`` overflows.
        """
        rate = self._rate(raw_prediction)
        return self._density(raw_prediction, rate) - np.exp(2.0 * raw_prediction - rate)

    def _parts(self, raw_prediction):
        """:class:`_CloglogParts`.

        ``q`` is written as ``exp(eta - s) / mu``, which neither overflows for
        large ``s`` nor divides by zero once ``s`` underflows (its limit there
        is 1).
        """
        rate = self._rate(raw_prediction)
        mean = self._mean(rate)
        q = np.divide(
            self._density(raw_prediction, rate),
            mean,
            out=np.ones_like(rate),
            where=rate > 0,
        )
        return _CloglogParts(rate, mean, q)

    def loss_and_gradient(self, targets, raw_prediction):
        """Cross-entropy against ``1 - exp(-exp(eta))`` and its derivative.

        With ``s = exp(eta)``: ``log(1 - mu) = -s`` exactly and ``log(mu) =
        log(-expm1(-s))``, which is ``eta`` itself once ``s`` underflows. The
        derivative is ``-t q + (1 - t) s``.
        """
        rate, mean, q = self._parts(raw_prediction)
        log_mean = np.log(
            mean, out=np.array(raw_prediction, dtype=rate.dtype), where=rate > 0
        )
        loss = -targets * log_mean + _times_complement(targets, rate)
        return loss, -targets * q + _times_complement(targets, rate)

    def curvature(self, targets, raw_prediction):
        """Second derivative of the cross-entropy in ``eta``.

        It is ``t q (q exp(s) - 1) + (1 - t) s``, kept from going below zero.
        """
        parts = self._parts(raw_prediction)
        curvature = targets * self._target_curvature(
            raw_prediction, parts
        ) + _times_complement(targets, parts.rate)
        return np.maximum(curvature, 0.0)

    @staticmethod
    def _target_curvature(raw_prediction, parts):
        """``q (q exp(s) - 1)``, the curvature of ``-log(mu)``.

        For ``s > 1`` as ``exp(2 eta - s) / mu**2 - q``, which stays finite
        (and goes to 0) as ``s`` overflows; below, as ``q (s / mu - 1)``,
        which neither underflows to 0 / 0 nor multiplies 0 by inf. It goes to
        0 like ``s / 2`` with ``s``, cancelling to a relative precision of
        about ``eps / s``: ample for a curvature.
        """
        rate, mean, q = parts
        curvature = np.zeros_like(rate)
        large = rate > 1
        curvature[large] = (
            np.exp(2.0 * raw_prediction[large] - rate[large]) / mean[large] ** 2
            - q[large]
        )
        small = ~large & (rate > 0)
        curvature[small] = q[small] * (rate[small] / mean[small] - 1.0)
        return curvature


class _ShiftedExp(NamedTuple):
    """``eta`` less its row maximum, its exponential and the row sums."""

    shifted: np.ndarray
    exp_shifted: np.ndarray
    total: np.ndarray


def _shifted_exp(raw_prediction):
    """:class:`_ShiftedExp` of rows of raw predictions.

    Each row reduction runs class by class over whole columns (or as a
    product with ones): numpy reduces along a short last axis several times
    slower than the exponential itself.
    """
    row_max = functools.reduce(np.maximum, np.moveaxis(raw_prediction, -1, 0))
    shifted = raw_prediction - row_max[..., np.newaxis]
    exp_shifted = np.exp(shifted)
    return _ShiftedExp(
        shifted,
        exp_shifted,
        exp_shifted @ np.ones(exp_shifted.shape[-1], dtype=exp_shifted.dtype),
    )


def _row_dot(left, right):
    """``sum_k left[i, k] right[i, k]`` for every row ``i``."""
    return np.einsum("ij,ij->i", left, right)


def _softmax_jacobians(mean):
    """``diag(mu) - mu mu^T`` for every row ``mu`` of ``mean``."""
    return mean[:, :, np.newaxis] * np.eye(mean.shape[1]) - np.einsum(
        "ia,ib->iab", mean, mean
    )


@dataclass(frozen=True)
class Softmax:
    """``mu = softmax(eta)`` over the classes: the multinomial logit.

    Its curvature is represented by the predicted rows ``mu``: each row's
    matrix is ``diag(mu) - mu mu^T``.
    """

    name = "softmax"

    def link(self, mean):
        """``log(mu)`` less its mean over classes.

        It is one of the many linear predictors whose softmax is ``mu`` (the
        softmax is unchanged by adding the same number to every class).
        """
        log_mean = np.log(mean)
        return log_mean - log_mean.mean(axis=-1, keepdims=True)

    def inverse(self, raw_prediction):
        """Return the softmax of each row, computed from the row-max-shifted ``eta``."""
        _, exp_shifted, total = _shifted_exp(raw_prediction)
        return exp_shifted / total[..., np.newaxis]

    def loss_and_gradient(self, targets, raw_prediction):
        """Cross-entropy of rows ``t`` against ``softmax(eta)``, and its gradient.

        Both are computed row by row, for probability rows ``t``; the gradient
        is ``softmax(eta) - t``.

        ``CE = logsumexp(eta) - t @ eta`` for rows ``t`` summing to 1,
        computed with ``eta`` shifted by its row maximum so that nothing
        overflows.

        Examples
        --------
        >>> import numpy as np
        >>> from skxent._link import SOFTMAX
        >>> loss, gradient = SOFTMAX.loss_and_gradient(
        ...     np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 0.0]])
        ... )
        >>> loss.round(6), gradient.round(3)
        (array([1.098612]), array([[-0.667,  0.333,  0.333]]))
        """
        shifted, exp_shifted, total = _shifted_exp(raw_prediction)
        loss = np.log(total) - _row_dot(targets, shifted)
        return loss, exp_shifted / total[:, np.newaxis] - targets

    def curvature(self, targets, raw_prediction):
        """Return the predicted rows ``mu``, which define each row's curvature."""
        return self.inverse(raw_prediction)

    def curvature_product(self, mean, direction):
        """``(diag(mu) - mu mu^T) @ d`` for every row, without forming the matrix."""
        return mean * (direction - _row_dot(mean, direction)[:, np.newaxis])

    def curvature_traces(self, mean):
        """``trace(diag(mu) - mu mu^T) = 1 - ||mu||^2`` for every row."""
        return 1.0 - _row_dot(mean, mean)

    def curvature_sum(self, mean, weights):
        """``sum_i w_i (diag(mu_i) - mu_i mu_i^T)``, a class x class matrix."""
        return np.diag(weights @ mean) - (mean.T * weights) @ mean

    def jacobians(self, raw_prediction):
        """``d mu / d eta = diag(mu) - mu mu^T`` as (rows, K, K) matrices."""
        return _softmax_jacobians(self.inverse(raw_prediction))

    def curvature_matrices(self, targets, raw_prediction):
        """Return the curvature, the Jacobian whatever the targets (canonical link)."""
        return self.jacobians(raw_prediction)

    def expected_curvature_matrices(self, raw_prediction):
        """Return the expected curvature: the observed one (canonical link)."""
        return self.jacobians(raw_prediction)

    def jacobian_slopes(self, raw_prediction):
        """``[i, l, a, b] = d (d mu_a / d eta_b) / d eta_l`` (rows, K, K, K)."""
        mean = self.inverse(raw_prediction)
        identity = np.eye(mean.shape[1])
        jacobian = _softmax_jacobians(mean)
        return (
            np.einsum("ab,ila->ilab", identity, jacobian)
            - np.einsum("ila,ib->ilab", jacobian, mean)
            - np.einsum("ia,ilb->ilab", mean, jacobian)
        )


LOGIT = Logit()
PROBIT = Probit()
CLOGLOG = Cloglog()
SOFTMAX = Softmax()

BINARY_LINKS = {link.name: link for link in (LOGIT, PROBIT, CLOGLOG)}
