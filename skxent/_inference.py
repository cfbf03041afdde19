"""The arithmetic of inference: covariances, effects, tests and intervals of a fit.

The fitted parameters ``theta`` (``coef`` and the intercept row, a column per
class for the softmax) solve the M-estimating equation

    sum_i s_i(theta) + W alpha P theta = 0,    s_i = w_i g_i (x) x_i,

with ``x_i`` the row of ``X`` followed by 1 when an intercept is fitted,
``g_i`` the derivative of the cross-entropy in the linear predictor, ``W``
the total sample weight and ``P`` the projection on ``coef`` (the mean
objective times ``W``). Its covariance is the sandwich ``A^-1 B A^-1``, where

- ``A = H + W alpha P`` and ``H = sum_i w_i C_i (x) x_i x_i^T`` is the Hessian
  of the weighted cross-entropy sum (``C_i`` the curvature in the linear
  predictor, the matrix ``diag(mu_i) - mu_i mu_i^T`` for the softmax);
- ``B`` is the meat: for ``"nonrobust"`` the information, expected (Fisher)
  ``sum_i w_i E_i (x) x_i x_i^T``, ``E_i`` the curvature at the target
  ``mu_i``, or observed (``H``), which are the same for the canonical
  links (logit, softmax); the information is then the bread ``A`` too
  (plus the penalty), so that without a penalty the covariance is the
  inverse information, times a dispersion (1, or Pearson's chi-squared
  over its residual degrees of freedom for the quasi-binomial); for
  ``"HC0"`` the outer products of the scores,
  ``sum_i s_i s_i^T``; ``"HC1"`` the same times ``n / (n - k)`` for ``n``
  rows of positive weight and ``k`` identified parameters; for
  ``"cluster"`` the outer products of the scores summed within each group,
  times ``G / (G - 1) * (n - 1) / (n - k)`` for ``G`` groups holding rows
  of positive weight.

Rows of zero weight change nothing and are left out of every sum. Each row
is one independent unit and its weight scales its score (trial
counts of a proportion, survey weights): with ``alpha = 0`` these are
statsmodels' GLM covariances with the weights as ``var_weights``
(``"nonrobust"`` from the expected information, the robust ones with the
observed Hessian as bread). With ``alpha > 0`` the sandwich is the covariance
of the penalised estimator around its own limit; the shrinkage bias is not in
it. The robust covariances do not change when all weights are multiplied by
a common factor; the model-based one is divided by it, as for trial counts.
The sums are taken with the weights scaled by a power of two near their
largest, so that both hold over the whole float range.

The softmax is unchanged by a shift shared by all classes, so its covariance
is taken in coordinates where each row of parameters sums to zero over the
classes, as ``coef_`` and ``intercept_`` do. ``A`` is inverted through the
eigendecomposition of its Jacobi-scaled form (the solver's preconditioning
idea): a coefficient whose direction meets the null space (collinear columns
without a penalty) is not identified and gets NaN. With a penalty, the
coefficient of a column the data cannot tell from others (a constant column
beside the intercept) is fixed by the penalty alone: its variance is zero,
and so is its computed variance up to rounding, which is set to exactly 0.
Without a penalty such a variance is that of a coefficient the data do not
determine: rows fitted at probability 0 or 1 (separated rows) add nothing to
the bread, and the coefficient gets NaN.

A robust variance also vanishes when the scores do, every row fitted
exactly (constant targets): the computed scores are then rounding, and the
variance is decided zero relative to the sandwich of their rounding sizes
(:func:`_gradient_term_sizes`). It is set to 0 and says nothing of the
spread: the tables give NaN z statistics, p-values and intervals.

Average partial effects are ``d mu / d x_j`` averaged over the weighted
rows: ``beta_j * mean(g'(eta))`` for a binary link and ``coef @ mean(diag(mu)
- mu mu^T)`` for the softmax; for a feature holding only 0 and 1, the average
of ``mu(x with x_j = 1) - mu(x with x_j = 0)``. Their delta-method standard
errors come from the same covariance. Wald tests and the intervals of
predicted means (on the linear predictor, or each class's log-odds, mapped
back) use it too.

Everything that needs ``X`` is summed in one blocked pass
(:func:`inference_sums`), with the deviance, the null deviance (from the
targets' weighted sums and entropies), Pearson's chi-squared and the
log-likelihood of whole-number counts: on a dask array, one task per chunk.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.special import expit, gammaln
from scipy.stats import chi2, f, norm
from scipy.stats import t as t_distribution

from ._deviance import pointwise_deviance, pointwise_entropy, pointwise_pearson
from ._objective import (
    LinearObjective,
    column_sums,
    dense,
    design_matrix,
    per_coefficient,
    raw_prediction,
    scale_rows,
    weighted_grams,
)
from ._row_blocks import SCRATCH_BLOCK_ELEMENTS
from ._separation import why_not_finite

COV_TYPES = ("nonrobust", "HC0", "HC1", "cluster")

# Each block of rows is copied into a float64 design with a column of ones:
# blocks of this many elements.
BLOCK_ELEMENTS = SCRATCH_BLOCK_ELEMENTS

# Above this Newton decrement (twice the objective's excess over its minimum,
# estimated) at the fitted parameters, they are not the fit of these data.
MAX_NEWTON_DECREMENT = 1e-8

# An eigenvalue of the Jacobi-scaled bread (unit diagonal) below this times
# the largest marks a direction the data do not identify.
RANK_TOLERANCE = 1e-12
# A coordinate is identified when its loading on those directions is below this.
NULL_LOADING = 1e-6
# A variance at most this times the sum of the magnitudes of its terms,
# diag(|A^-1| |B| |A^-1|), is zero up to rounding (measured: about 1e-16
# for a constant column under a penalty, 2e-7 for the intercept beside it,
# whose terms cancel the most among variances that are not zero).
ZERO_VARIANCE = 1e-12
# A score at most this times the size of the terms it is computed from is
# zero up to rounding (measured for constant targets: up to 5 eps, 1e-15,
# the probit's tail functions rounding the most; the scores of any data the
# model does not fit exactly are far above it, the fit itself being exact to
# about its tol, 1e-10). A sandwich whose terms are below its square times
# those of the sandwich of those sizes is one of scores zero up to rounding.
SCORE_ROUNDING = 1e-12


class InferenceSums(NamedTuple):
    """What one pass over ``X`` gives, with parameters flattened row-major.

    The parameters are flattened from shape ``(n_features + fit_intercept,
    n_classes)`` (one class for a binary link). The matrix sums are over
    the rows of positive weight, with the weights divided by
    ``4**weight_exponent``, which brings the largest into [0.5, 2) (the sums
    then neither overflow nor underflow, and a power of two keeps every
    digit of the weights); ``total_weight`` is in those units too.
    ``score_bound_products`` and ``group_score_bounds`` are
    ``score_products`` and ``group_scores`` for the scores' rounding: each
    score's entries replaced by the sizes of the terms they are computed
    from (:func:`_gradient_term_sizes`) times ``|x_i|``.

    The averages (``mean_jacobian``, ``jacobian_slopes``) are over the
    weighted rows. ``binary_columns`` marks the features holding only 0 and
    1 in those rows. ``deviance``, ``null_deviance`` (of the
    weighted mean of the targets), Pearson's ``pearson_chi2`` and
    ``log_likelihood`` are in the weights' own units; the log-likelihood is
    the binomial (multinomial) one of counts ``w_i`` and ``w_i t_i``, NaN
    when those are not all integers.
    """

    hessian: np.ndarray
    information: np.ndarray
    score_products: np.ndarray
    score_bound_products: np.ndarray
    group_scores: np.ndarray | None
    group_score_bounds: np.ndarray | None
    score_total: np.ndarray
    mean_jacobian: np.ndarray
    jacobian_slopes: np.ndarray
    binary_columns: np.ndarray
    deviance: float
    null_deviance: float
    pearson_chi2: float
    log_likelihood: float
    total_weight: float
    weight_exponent: int
    n_observations: int


def _outer_products(design, row_vectors):
    """Sum ``(v_i (x) x_i) (v_i (x) x_i)^T`` over the rows, for ``v_i`` (rows, K)."""
    return weighted_grams(design, np.einsum("ik,im->ikm", row_vectors, row_vectors))


def _group_sums(design, row_vectors, groups, n_groups):
    """Sum ``v_i (x) x_i`` within each group, flattened row-major over (width, K).

    Return a sparse array (n_groups, width * K) whose rows are those of the
    groups present among these rows: a block's sums take the memory of its
    own groups, not of them all.
    """
    width, n_classes = design.shape[1], row_vectors.shape[1]
    present, local_codes = np.unique(groups, return_inverse=True)
    indicator = sparse.csr_array(
        (np.ones(len(groups)), (local_codes, np.arange(len(groups)))),
        shape=(len(present), len(groups)),
    )
    sums = np.empty((len(present), width, n_classes))
    for k in range(n_classes):
        sums[:, :, k] = dense(indicator @ scale_rows(design, row_vectors[:, k]))
    rows = np.repeat(present, width * n_classes)
    columns = np.tile(np.arange(width * n_classes), len(present))
    return sparse.csr_array(
        (sums.ravel(), (rows, columns)), shape=(n_groups, width * n_classes)
    )


def _gradient_term_sizes(link, targets, raw_prediction):
    """Sizes of the terms each entry of a row's gradient is computed from.

    The cross-entropy is linear in the target, so its gradient at ``t`` is
    ``g(0) + sum_c t_c (g(e_c) - g(0))``, with ``e_c`` the hard target of
    class ``c`` (the target 1 for a binary link); the size is ``|g(0)| +
    sum_c t_c |g(e_c) - g(0)|`` (``mu + t`` for the logit and the softmax),
    and a gradient entry is computed to a few ``eps`` times its size.
    ``targets`` and ``raw_prediction`` are (rows, K).
    """
    at_zero = link.loss_and_gradient(np.zeros_like(targets), raw_prediction)[1]
    sizes = np.abs(at_zero)
    for k in range(targets.shape[1]):
        hard = np.zeros_like(targets)
        hard[:, k] = 1.0
        at_hard = link.loss_and_gradient(hard, raw_prediction)[1]
        sizes += targets[:, k, np.newaxis] * np.abs(at_hard - at_zero)
    return sizes


def _binary_columns(design, n_features):
    """Whether each of the first ``n_features`` columns holds only 0 and 1."""
    if sparse.issparse(design):
        features = sparse.csc_array(design[:, :n_features])
        other = features.copy()
        other.data = ((features.data != 0) & (features.data != 1)).astype(np.float64)
        return column_sums(other) == 0
    features = design[:, :n_features]
    return np.all((features == 0) | (features == 1), axis=0)


class DiscreteChanges(NamedTuple):
    """The average changes of the predictions as 0/1 features go from 0 to 1.

    Attributes
    ----------
    changes : ndarray of shape (n_features, n_classes)
        Averaged over the weighted rows; zero for the features not asked for.
    slopes : ndarray of shape (n_features * n_classes, n_params * n_classes)
        Their derivatives in the parameters, both flattened row-major.
    """

    changes: np.ndarray
    slopes: np.ndarray


def _discrete_change_terms(link, params, design, eta, weights, columns):
    """Sum the changes of the predictions as each of ``columns`` goes from 0 to 1.

    Return the weighted sums of the changes, (n_features, K), and of their
    derivatives in the parameters, (n_features, K, width, K) indexed
    ``[j, k, m, l]`` for ``d change[j, k] / d params[m, l]``; zero for the
    features not in ``columns``. With ``x1`` and ``x0`` a row with feature
    ``j`` set to 1 and to 0, the derivative of ``mu_k(x1 theta) - mu_k(x0
    theta)`` is ``J_kl(eta1) x1_m - J_kl(eta0) x0_m``, ``J`` the Jacobian of
    the inverse link. A row is at one of the two already (its own ``eta``):
    only the other, ``eta -+ theta_j``, is computed, for all the columns at
    once, in arrays of (rows, columns, K, K), with one product with the
    design.
    """
    n_features, n_classes = len(columns), params.shape[1]
    n_rows, width = design.shape
    changes = np.zeros((n_features, n_classes))
    slopes = np.zeros((n_features, n_classes, width, n_classes))
    binary = np.flatnonzero(columns)
    if not binary.size or not n_rows:
        return changes, slopes
    is_one = dense(design[:, binary]).astype(bool)[:, :, np.newaxis]
    other = eta[:, np.newaxis, :] + np.where(is_one, -params[binary], params[binary])
    shape = (n_rows, binary.size, n_classes, n_classes)
    flat_other = other.reshape(-1, n_classes)
    mean = link.inverse(eta)[:, np.newaxis, :]
    mean_other = link.inverse(flat_other).reshape(other.shape)
    # mu(x1) - mu(x0): the row's own mean less the other's where x_j is 1.
    sign = np.where(is_one, 1.0, -1.0)
    changes[binary] = np.einsum("i,ijk->jk", weights, sign * (mean - mean_other))
    jacobian = link.jacobians(eta)[:, np.newaxis]
    jacobian_other = link.jacobians(flat_other).reshape(shape)
    sign = sign[:, :, :, np.newaxis]
    through_rows = dense(
        design.T
        @ (
            weights[:, np.newaxis]
            * (sign * (jacobian - jacobian_other)).reshape(n_rows, -1)
        )
    ).reshape(width, binary.size, n_classes, n_classes)
    slopes[binary] = through_rows.transpose(1, 2, 0, 3)
    # The term of x_j itself: J(eta1) (1 - x_j) + J(eta0) x_j, the other
    # point's Jacobian either way.
    slopes[binary, :, binary, :] += np.einsum("i,ijkl->jkl", weights, jacobian_other)
    return changes, slopes


def discrete_changes(params, blocks, sample_weight, link, fit_intercept, columns):
    """Return the :class:`DiscreteChanges` of the features ``columns`` marks.

    One pass over ``X`` (rows of zero weight left out); ``blocks`` and
    ``sample_weight`` as in :func:`inference_sums`.
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape

    def block_terms(X_rows, weights):
        kept = weights > 0
        design = design_matrix(X_rows, fit_intercept)[kept]
        weights = weights[kept]
        eta = raw_prediction(params, design, False)
        return (
            *_discrete_change_terms(link, params, design, eta, weights, columns),
            weights.sum(),
        )

    scaled = sample_weight / np.max(sample_weight)
    changes, slopes, total_weight = blocks.sum(block_terms, (scaled,))
    return DiscreteChanges(
        changes / total_weight,
        slopes.reshape(len(columns) * n_classes, n_params * n_classes) / total_weight,
    )


def _log_binomial_coefficients(counts, targets):
    """Sum ``log(w! / prod_k (w t_k)!)`` over the rows; NaN unless the counts are whole.

    ``counts`` are the weights ``w`` (rows,), ``targets`` the probabilities
    (rows, K), the complement ``1 - t`` added for a binary link. One count
    that is not a whole number (within rounding of ``w t``) makes the
    log-likelihood undefined, and the sum NaN.
    """
    if targets.shape[1] == 1:
        targets = np.hstack([targets, 1.0 - targets])
    successes = counts[:, np.newaxis] * targets
    whole_successes = np.round(successes)
    tolerance = 1e-9 * np.maximum(counts, 1.0)[:, np.newaxis]
    if not (
        np.array_equal(counts, np.round(counts))
        and np.all(np.abs(successes - whole_successes) <= tolerance)
    ):
        return np.nan
    return float(gammaln(counts + 1.0).sum() - gammaln(whole_successes + 1.0).sum())


class _BlockSums(NamedTuple):
    """The sums of one block of rows, in the layout of its design."""

    hessian: np.ndarray
    information: np.ndarray
    score_products: np.ndarray
    score_bound_products: np.ndarray
    score_total: np.ndarray
    jacobian_sum: np.ndarray
    jacobian_slope_sums: np.ndarray
    non_binary: np.ndarray
    group_scores: object
    group_score_bounds: object
    deviance: float
    entropy: float
    target_sums: np.ndarray
    pearson_chi2: float
    cross_entropy: float
    log_binomial_coefficients: float
    total_weight: float
    n_observations: int


def inference_sums(
    params,
    blocks,
    targets,
    sample_weight,
    link,
    fit_intercept,
    groups,
    n_groups,
    weight_exponent,
):
    """Sum everything the covariances and partial effects need, in one pass.

    Rows of zero weight are left out: they change nothing.

    Parameters
    ----------
    params : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
        The fitted parameters, intercept row last.
    blocks : RowBlocks or DaskRowBlocks
        The design matrix ``X`` of shape (n_samples, n_features).
    targets : array of shape (n_samples,) or (n_samples, n_classes)
        Probabilities, as the model was fitted on.
    sample_weight : array of shape (n_samples,)
        The weights of the fit.
    link : link from ``_link.py``
    fit_intercept : bool
    groups : array of shape (n_samples,) of int or None
        Group codes ``0..n_groups-1`` for cluster-robust covariances (any
        code for a row of zero weight).
    n_groups : int
        The number of groups (0 without ``groups``).
    weight_exponent : int
        The sums are taken with the weights divided by ``4**weight_exponent``
        (:func:`weight_exponent_of` the largest weight).

    Returns
    -------
    InferenceSums
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    n_features = n_params - fit_intercept
    size = n_params * n_classes

    def block_terms(X_rows, targets_rows, weights, groups_rows=None):
        kept = weights > 0
        design = design_matrix(X_rows, fit_intercept)[kept]
        targets_rows = targets_rows[kept]
        counts = weights[kept]
        weights = np.ldexp(counts, -2 * weight_exponent)
        # (rows, K) for every link: a binary link's functions act elementwise.
        eta = raw_prediction(params, design, False)
        class_targets = targets_rows.reshape(eta.shape)
        loss, gradient = link.loss_and_gradient(class_targets, eta)
        probabilities = link.inverse(eta).reshape(targets_rows.shape)
        weighted_gradient = weights[:, np.newaxis] * gradient
        weighted_sizes = weights[:, np.newaxis] * _gradient_term_sizes(
            link, class_targets, eta
        )
        magnitudes = abs(design)
        row_weights = weights[:, np.newaxis, np.newaxis]
        slopes = link.jacobian_slopes(eta).reshape(len(weights), -1)
        binary = _binary_columns(design, n_features)
        group_codes = None if groups_rows is None else groups_rows[kept]
        return _BlockSums(
            hessian=weighted_grams(
                design, row_weights * link.curvature_matrices(class_targets, eta)
            ),
            information=weighted_grams(
                design, row_weights * link.expected_curvature_matrices(eta)
            ),
            score_products=_outer_products(design, weighted_gradient),
            score_bound_products=_outer_products(magnitudes, weighted_sizes),
            score_total=design.T @ weighted_gradient,
            jacobian_sum=np.einsum("i,iab->ab", weights, link.jacobians(eta)),
            jacobian_slope_sums=design.T @ (weights[:, np.newaxis] * slopes),
            non_binary=(~binary).astype(np.int64),
            group_scores=None
            if group_codes is None
            else _group_sums(design, weighted_gradient, group_codes, n_groups),
            group_score_bounds=None
            if group_codes is None
            else _group_sums(magnitudes, weighted_sizes, group_codes, n_groups),
            deviance=weights @ pointwise_deviance(targets_rows, probabilities),
            entropy=weights @ pointwise_entropy(targets_rows),
            target_sums=weights @ targets_rows,
            pearson_chi2=weights @ pointwise_pearson(targets_rows, probabilities),
            cross_entropy=weights @ loss.reshape(len(weights), -1).sum(axis=1),
            log_binomial_coefficients=_log_binomial_coefficients(counts, class_targets),
            total_weight=weights.sum(),
            n_observations=int(np.count_nonzero(kept)),
        )

    row_arrays = (targets, sample_weight) + (() if groups is None else (groups,))
    sums = blocks.sum(block_terms, row_arrays)
    total_weight = float(sums.total_weight)

    def in_weight_units(value):
        return float(np.ldexp(value, 2 * weight_exponent))

    mean_target = np.atleast_1d(sums.target_sums / total_weight)
    null_entropy = pointwise_entropy(
        mean_target[np.newaxis] if n_classes > 1 else mean_target
    )[0]
    return InferenceSums(
        hessian=sums.hessian.reshape(size, size),
        information=sums.information.reshape(size, size),
        score_products=sums.score_products.reshape(size, size),
        score_bound_products=sums.score_bound_products.reshape(size, size),
        group_scores=None if groups is None else sums.group_scores.toarray(),
        group_score_bounds=(
            None if groups is None else sums.group_score_bounds.toarray()
        ),
        score_total=sums.score_total.ravel(),
        mean_jacobian=sums.jacobian_sum / total_weight,
        jacobian_slopes=sums.jacobian_slope_sums.reshape(
            n_params, n_classes, n_classes, n_classes
        )
        / total_weight,
        binary_columns=sums.non_binary == 0,
        deviance=in_weight_units(2.0 * sums.deviance),
        null_deviance=in_weight_units(
            2.0 * max(total_weight * null_entropy - sums.entropy, 0.0)
        ),
        pearson_chi2=in_weight_units(sums.pearson_chi2),
        log_likelihood=float(sums.log_binomial_coefficients)
        - in_weight_units(sums.cross_entropy),
        total_weight=total_weight,
        weight_exponent=weight_exponent,
        n_observations=int(sums.n_observations),
    )


def weight_exponent_of(largest_weight):
    """Return the ``e`` for which ``largest_weight / 4**e`` lies in [0.5, 2)."""
    return int(np.frexp(largest_weight)[1]) // 2


def sum_to_zero_basis(n_classes):
    """Return orthonormal columns spanning the vectors summing to zero over classes.

    The vectors have one entry per class, ``n_classes`` of them; for a binary
    link the basis is the 1 x 1 identity.
    """
    if n_classes == 1:
        return np.ones((1, 1))
    centering = np.eye(n_classes) - 1.0 / n_classes
    return np.linalg.svd(centering)[0][:, : n_classes - 1]


def _to_basis(matrix, basis):
    """Express a (rows*K, rows*K) matrix in per-row class coordinates ``basis``."""
    n_classes, n_reduced = basis.shape
    n_params = matrix.shape[0] // n_classes
    blocks = matrix.reshape(n_params, n_classes, n_params, n_classes)
    reduced = np.einsum("makb,ac,bd->mckd", blocks, basis, basis)
    return reduced.reshape(n_params * n_reduced, n_params * n_reduced)


def _from_basis(matrix, basis):
    """Inverse of :func:`_to_basis` for a matrix in the reduced coordinates."""
    n_classes, n_reduced = basis.shape
    n_params = matrix.shape[0] // n_reduced
    blocks = matrix.reshape(n_params, n_reduced, n_params, n_reduced)
    full = np.einsum("mckd,ac,bd->makb", blocks, basis, basis)
    return full.reshape(n_params * n_classes, n_params * n_classes)


def scaled_pseudo_inverse(matrix):
    """Generalised inverse of a symmetric positive semi-definite matrix.

    The matrix is scaled to unit diagonal before its eigendecomposition, so
    that columns of very different scales do not pass for collinear;
    eigenvalues below ``RANK_TOLERANCE`` times the largest are dropped.
    Returns the inverse, a mask of the coordinates orthogonal to the dropped
    directions (the identified ones) and the rank.
    """
    diagonal = np.diag(matrix)
    scale = np.zeros_like(diagonal)
    positive = diagonal > 0
    scale[positive] = 1.0 / np.sqrt(diagonal[positive])
    values, vectors = np.linalg.eigh(matrix * np.multiply.outer(scale, scale))
    kept = values > RANK_TOLERANCE * max(values.max(initial=0.0), 0.0)
    range_vectors = vectors[:, kept] * scale[:, np.newaxis]
    inverse = (range_vectors / values[kept]) @ range_vectors.T
    null_loading = np.linalg.norm(vectors[:, ~kept], axis=1)
    return inverse, null_loading <= NULL_LOADING, int(kept.sum())


class Covariance(NamedTuple):
    """A parameter covariance, what its rows are, and the Newton decrement.

    ``matrix`` is the covariance, flattened row-major over (parameter rows,
    classes). Three masks over the parameter rows say which rows the data
    identify (``identified_rows``), which the penalty alone fixes, their
    variance zero whatever the data (``fixed_rows``), and which have a
    robust variance of zero because the scores are zero up to rounding, a
    variance that then says nothing of their spread (``unestimated_rows``);
    ``matrix`` holds zeros for the last two; ``rank`` is the number of
    parameters the data identify (in the coordinates where a softmax's rows
    sum to zero). The covariance is ``matrix *
    4**std_err_exponent`` (its standard errors ``sqrt(diag(matrix)) *
    2**std_err_exponent``), kept apart so that variances of weights near
    the ends of the float range do not overflow. ``newton_decrement`` is the
    Newton decrement ``g^T A^-1 g / W`` of the mean objective at the
    parameters, twice the objective's excess over its minimum: near 0 when
    the parameters were fitted on these data.
    """

    matrix: np.ndarray
    identified_rows: np.ndarray
    fixed_rows: np.ndarray
    unestimated_rows: np.ndarray
    std_err_exponent: int
    newton_decrement: float
    rank: int


def _sandwich_parts(sums, cov_type, information):
    """Return the bread, the meat and the meat's rounding bound of ``cov_type``.

    The model-based covariance inverts the ``information`` (``"expected"``,
    the Fisher information, or ``"observed"``, the Hessian); the robust
    ones have the Hessian as bread. The bound is the meat of the scores'
    rounding sizes (zero for ``"nonrobust"``, whose meat holds no scores).
    """
    if cov_type == "nonrobust":
        matrix = sums.information if information == "expected" else sums.hessian
        return matrix, matrix, np.zeros_like(matrix)
    if cov_type == "cluster":
        return (
            sums.hessian,
            sums.group_scores.T @ sums.group_scores,
            sums.group_score_bounds.T @ sums.group_score_bounds,
        )
    return sums.hessian, sums.score_products, sums.score_bound_products


def _small_sample_factor(sums, cov_type, rank):
    """``n / (n - k)`` for HC1, ``G / (G - 1) (n - 1) / (n - k)`` for clusters.

    ``n`` counts the rows of positive weight, ``G`` the groups holding them.
    """
    n_observations = sums.n_observations
    if cov_type == "HC1":
        return n_observations / max(n_observations - rank, 1)
    if cov_type == "cluster":
        n_groups = sums.group_scores.shape[0]
        return (
            n_groups
            / (n_groups - 1)
            * (n_observations - 1)
            / max(n_observations - rank, 1)
        )
    return 1.0


def _sandwich_bound(inverse, meat):
    """``diag(|A^-1| M |A^-1|)``: the variances' size for a non-negative ``M``."""
    return ((np.abs(inverse) @ meat) * np.abs(inverse)).sum(axis=1)


def _zero_variances(variances, inverse, meat, rounding):
    """Return the sandwich variances that cancel to zero, and those of rounding.

    Each is decided against the size of its terms: a variance cancels when
    it is at most ``ZERO_VARIANCE`` times ``diag(|A^-1| |B| |A^-1|)``; the
    scores behind it are zero up to rounding when that size is below
    ``SCORE_ROUNDING**2`` times the size ``rounding`` gives (the meat of
    the scores' rounding sizes, non-negative), and then whether it cancels
    says nothing.
    """
    magnitudes = _sandwich_bound(inverse, np.abs(meat))
    unestimated = magnitudes < SCORE_ROUNDING**2 * _sandwich_bound(inverse, rounding)
    cancelled = ~unestimated & (np.abs(variances) <= ZERO_VARIANCE * magnitudes)
    return cancelled, unestimated


def parameter_covariance(
    sums,
    params,
    cov_type,
    alpha,
    n_features,
    information="expected",
):
    """Return the covariance of ``cov_type`` (one of ``COV_TYPES``) at ``params``.

    It is computed from :func:`inference_sums`' sums; the model-based one
    (``"nonrobust"``) inverts the ``information`` (``"expected"`` or
    ``"observed"``).
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    basis = sum_to_zero_basis(n_classes)
    penalty = np.zeros((n_params, n_classes))
    penalty[:n_features] = per_coefficient(alpha, penalty[:n_features]) * (
        sums.total_weight
    )
    penalised = bool(np.any(penalty > 0))
    penalty = penalty.ravel()
    bread, meat, rounding = _sandwich_parts(sums, cov_type, information)
    inverse, identified, rank = scaled_pseudo_inverse(
        _to_basis(bread + np.diag(penalty), basis)
    )
    meat = _to_basis(meat, basis)
    covariance = inverse @ meat @ inverse
    cancelled, unestimated = _zero_variances(
        np.diag(covariance), inverse, meat, _to_basis(rounding, np.abs(basis))
    )
    zero = cancelled | unestimated
    covariance[zero, :] = 0.0
    covariance[:, zero] = 0.0
    covariance *= _small_sample_factor(sums, cov_type, rank)
    if not penalised:
        # No penalty fixes anything: a variance cancelling to zero is that of
        # a coefficient the data do not determine (rows fitted at probability
        # 0 or 1 leave the bread all but singular).
        identified &= ~cancelled
    fixed = cancelled & penalised
    gradient = (sums.score_total + penalty * params.ravel()).reshape(n_params, -1)
    gradient = (gradient @ basis).ravel()
    identified_rows = identified.reshape(n_params, -1).all(axis=1)
    return Covariance(
        matrix=_from_basis(covariance, basis),
        identified_rows=identified_rows,
        fixed_rows=fixed.reshape(n_params, -1).all(axis=1) & identified_rows,
        unestimated_rows=zero.reshape(n_params, -1).all(axis=1)
        & unestimated.reshape(n_params, -1).any(axis=1)
        & identified_rows,
        # The robust covariances do not depend on a common factor of the
        # weights; the model-based one is the inverse of a sum over them.
        std_err_exponent=-sums.weight_exponent if cov_type == "nonrobust" else 0,
        newton_decrement=float(gradient @ inverse @ gradient / sums.total_weight),
        rank=rank,
    )


def average_partial_effects(params, sums, n_features, discrete, changes):
    """Compute average partial effects and their Jacobian in the parameters.

    The effects are those on the predicted probability: derivatives ``d mu
    / d x_j``, or for the features ``discrete`` marks (a mask over the
    features) the change from ``x_j = 0`` to ``x_j = 1``, both averaged over
    the weighted rows (``changes``, their :class:`DiscreteChanges`, None
    when ``discrete`` marks none). The Jacobian gives their delta-method
    covariance, ``J V J^T`` for a parameter covariance ``V``.

    Returns
    -------
    effects : ndarray of shape (n_features, n_classes)
    jacobian : ndarray of shape (n_features * n_classes, n_params * n_classes)
        Flattened row-major like ``effects`` and the parameters.
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    coef = params[:n_features]
    effects = coef @ sums.mean_jacobian
    # d effects[j, k] / d params[m, l] = [j == m] mean_jacobian[l, k]
    #                                    + sum_a coef[j, a] slopes[m, l, a, k]
    jacobian = np.einsum("ja,mlak->jkml", coef, sums.jacobian_slopes)
    jacobian[:, :, :n_features] += np.einsum(
        "jm,lk->jkml", np.eye(n_features), sums.mean_jacobian
    )
    jacobian = jacobian.reshape(n_features * n_classes, n_params * n_classes)
    if discrete.any():
        effects[discrete] = changes.changes[discrete]
        discrete_rows = np.repeat(discrete, n_classes)
        jacobian[discrete_rows] = changes.slopes[discrete_rows]
    return effects, jacobian


def _distribution(df):
    """Return the distribution of a z (``df`` None) or t statistic."""
    return norm if df is None else t_distribution(df)


def estimate_table(
    estimate_name, estimates, std_err, unestimated, terms, classes, level, df=None
):
    """Return a DataFrame of estimates (terms, classes) with tests and intervals.

    It gives z statistics (t statistics with ``df`` degrees of freedom, the
    column then named ``t``), two-sided p-values and intervals at
    ``level``. ``estimates``, ``std_err`` and ``unestimated`` are of shape
    (terms, K); a zero standard error leaves the statistic and the p-value
    undefined (NaN), and one of an ``unestimated`` estimate (zero up to
    rounding, not a measured spread) the interval too. For ``K > 1`` the
    index has two levels, ``class`` (the labels ``classes``, or ``0..K-1``
    when None) and ``term``.
    """
    pd = import_pandas()
    n_classes = estimates.shape[1]
    if n_classes == 1:
        index = pd.Index(terms)
    else:
        index = pd.MultiIndex.from_product(
            [range(n_classes) if classes is None else classes, terms],
            names=["class", "term"],
        )
    estimates, std_err, unestimated = (
        values.T.ravel() for values in (estimates, std_err, unestimated)
    )
    distribution = _distribution(df)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(std_err > 0, estimates / std_err, np.nan)
    half_width = np.where(
        unestimated, np.nan, distribution.ppf(0.5 + level / 2) * std_err
    )
    return pd.DataFrame(
        {
            estimate_name: estimates,
            "std_err": std_err,
            "z" if df is None else "t": statistic,
            "p_value": 2 * distribution.sf(np.abs(statistic)),
            "ci_low": estimates - half_width,
            "ci_high": estimates + half_width,
        },
        index=index,
    )


def import_pandas():
    """Return pandas, or raise an ImportError saying that the outputs need it."""
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            "Inference outputs are pandas DataFrames, and pandas is not "
            "installed: pip install pandas"
        ) from error
    return pd


class Inference(NamedTuple):
    """The sums and covariance of a fitted model on its data.

    Attributes
    ----------
    params : ndarray of shape (n_features + fit_intercept, n_classes)
        One column for a binary link.
    sums : InferenceSums
    covariance : Covariance
        Times the ``dispersion`` for ``cov_type="nonrobust"``.
    n_features : int
    fit_intercept : bool
    not_finite : str
        Why the optimum of the model on these data is not finite (separated
        rows, constant targets, absent classes), ``""`` when it is: then the
        fitted parameters are a point on the way to infinity, with no
        sampling distribution.
    cov_type : str
    dispersion : float
        The factor on the model-based covariance (1 for the binomial's).
    df_resid : int
        The residual degrees of freedom: rows of positive weight less the
        parameters identified, or the groups less one for
        ``cov_type="cluster"``.
    use_t : bool
        Whether tests and intervals use the t and F distributions with
        ``df_resid`` degrees of freedom (else the normal and chi-squared).
    """

    params: np.ndarray
    sums: InferenceSums
    covariance: Covariance
    n_features: int
    fit_intercept: bool
    not_finite: str
    cov_type: str
    dispersion: float
    df_resid: int
    use_t: bool

    @property
    def df(self):
        """The t distribution's degrees of freedom, None for the normal.

        NaN (and so NaN p-values and intervals) without residual degrees of
        freedom.
        """
        if not self.use_t:
            return None
        return self.df_resid if self.df_resid > 0 else np.nan


def pearson_dispersion(sums, rank, n_classes):
    """Pearson's chi-squared over its degrees of freedom: the quasi-binomial scale.

    A row has ``max(K - 1, 1)`` free residuals (``K`` classes); the
    degrees of freedom are those of the rows of positive weight less the
    ``rank`` parameters identified. NaN without any, as R's ``summary.glm``
    gives.
    """
    residual_df = sums.n_observations * max(n_classes - 1, 1) - rank
    return sums.pearson_chi2 / residual_df if residual_df > 0 else np.nan


def infer(
    params,
    blocks,
    targets,
    sample_weight,
    *,
    link,
    fit_intercept,
    alpha,
    cov_type,
    groups,
    n_groups,
    weight_exponent,
    information="expected",
    scale=None,
    use_t=False,
):
    """:class:`Inference` of the fitted ``params``: one pass over ``X``.

    ``scale`` (None, ``"pearson"`` or a positive number) multiplies the
    model-based covariance. With ``alpha = 0`` and rows fitted near
    probability 0 or 1, more passes decide whether the features separate
    them (see ``_separation``).
    """
    n_features = blocks.shape[1]
    sums = inference_sums(
        params,
        blocks,
        targets,
        sample_weight,
        link,
        fit_intercept,
        groups,
        n_groups,
        weight_exponent,
    )
    covariance = parameter_covariance(
        sums, params, cov_type, alpha, n_features, information
    )
    if scale == "pearson":
        dispersion = pearson_dispersion(
            sums, covariance.rank, params.reshape(params.shape[0], -1).shape[1]
        )
    else:
        dispersion = 1.0 if scale is None else float(scale)
    covariance = covariance._replace(matrix=covariance.matrix * dispersion)
    # The separation checks judge weights only by their sign and ratios.
    objective = LinearObjective(
        blocks,
        targets,
        np.ldexp(sample_weight, -2 * weight_exponent),
        alpha,
        fit_intercept,
        link,
    )
    df_resid = (
        n_groups - 1 if cov_type == "cluster" else sums.n_observations - covariance.rank
    )
    return Inference(
        params.reshape(params.shape[0], -1),
        sums,
        covariance,
        n_features,
        fit_intercept,
        why_not_finite(objective, params),
        cov_type,
        dispersion,
        df_resid,
        use_t,
    )


def table_rows(terms, fit_intercept):
    """Return the names of the coefficient table's rows and their parameter rows.

    The intercept, the last parameter row, comes first; ``terms`` name the
    features.
    """
    rows = list(range(len(terms)))
    if fit_intercept:
        return ["intercept", *terms], [len(terms), *rows]
    return list(terms), rows


def table_order(inference):
    """Return the flattened parameters' indices in the coefficient table's order.

    The table lists the terms (intercept first) of each class in turn.
    """
    n_params, n_classes = inference.params.shape
    _, rows = table_rows(range(inference.n_features), inference.fit_intercept)
    return (
        np.asarray(rows)[np.newaxis, :] * n_classes
        + np.arange(n_classes)[:, np.newaxis]
    ).ravel()


def _flagged_message(names, flagged, message):
    """``message`` naming the ``names`` flagged, or ``""`` if none is."""
    if not flagged.any():
        return ""
    flagged_names = [
        name for name, is_flagged in zip(names, flagged, strict=True) if is_flagged
    ]
    return message.format(names=flagged_names)


def inference_warnings(inference, terms):
    """Return what a user of the tables must know, as ``(category, message)`` pairs.

    They report parameters that do not fit these data, coefficients the
    data do not identify (and why), coefficients the penalty alone fixes,
    and robust variances of scores zero up to rounding.
    """
    if inference.not_finite:
        return [
            (
                UserWarning,
                "Standard errors, z statistics, p-values and intervals are "
                f"undefined (NaN): {inference.not_finite}",
            )
        ]
    covariance = inference.covariance
    names, rows = table_rows(terms, inference.fit_intercept)
    messages = [
        (
            "The fitted coefficients do not minimise the objective on these "
            "data (the Newton decrement is "
            f"{covariance.newton_decrement:.3g}): standard errors are valid "
            "only on the data (X, y, sample_weight) the model was fitted on, "
            "and at a converged fit."
        )
        if covariance.newton_decrement > MAX_NEWTON_DECREMENT
        else "",
        _flagged_message(
            names,
            ~covariance.identified_rows[rows],
            "The data do not identify the coefficients of {names} (collinear or "
            "constant columns, or more columns than rows, with alpha=0); they "
            "are reported as NaN, and so are the intervals of predicted means. "
            "Drop or combine those columns (OneHotEncoder(drop='first') beside "
            "the intercept), or fit with alpha > 0.",
        ),
        _flagged_message(
            names,
            covariance.fixed_rows[rows],
            "The coefficients of {names} are fixed by the penalty alone (the "
            "data cannot tell those columns from the others, such as a constant "
            "column beside the intercept): their standard errors are 0, and "
            "their z statistics and p-values are undefined (NaN). Drop those "
            "columns.",
        ),
        _flagged_message(
            names,
            covariance.unestimated_rows[rows],
            "The scores of the fit are zero up to rounding for the "
            "coefficients of {names} (every row of positive weight is fitted "
            "exactly, as constant targets are): their robust variance is zero "
            "and says nothing of their spread. Their standard errors are "
            "reported as 0, their z statistics, p-values and intervals (and the "
            "intervals of predicted means) as NaN. cov_type='nonrobust' gives "
            "the variance the binomial model implies.",
        ),
        (
            "No residual degrees of freedom are left (as many parameters as "
            f"{'clusters' if inference.cov_type == 'cluster' else 'rows'}): "
            "the t and F distributions and the Pearson dispersion are "
            "undefined, and so are the statistics that use them (NaN)."
        )
        if inference.df_resid <= 0
        and (inference.use_t or np.isnan(inference.dispersion))
        else "",
    ]
    return [(UserWarning, message) for message in messages if message]


def _standard_errors(variances, covariance):
    """Return the standard errors of ``variances`` of ``covariance.matrix``."""
    return np.ldexp(np.sqrt(np.maximum(variances, 0.0)), covariance.std_err_exponent)


def coefficient_table(inference, terms, classes, level):
    """Return the coefficients' table (see ``InferenceResults.coef_table``).

    ``terms`` name the features, ``classes`` the classes (None: ``0..K-1``).
    """
    params, covariance = inference.params, inference.covariance
    names, rows = table_rows(terms, inference.fit_intercept)
    # Without a finite optimum the coefficients are shown as fitted, with
    # no standard errors.
    identified = covariance.identified_rows[:, np.newaxis] | bool(inference.not_finite)
    std_err = _standard_errors(np.diag(covariance.matrix), covariance)
    if inference.not_finite:
        std_err[:] = np.nan
    unestimated = np.broadcast_to(
        covariance.unestimated_rows[:, np.newaxis], params.shape
    )
    return estimate_table(
        "coef",
        np.where(identified, params, np.nan)[rows],
        np.where(identified, std_err.reshape(params.shape), np.nan)[rows],
        unestimated[rows],
        names,
        classes,
        level,
        inference.df,
    )


def discrete_features(inference, discrete):
    """Return the mask of the features whose effects are discrete changes.

    ``discrete="auto"`` marks the features holding only 0 and 1 (in the rows
    of positive weight), False none.
    """
    if discrete == "auto":
        return inference.sums.binary_columns.copy()
    return np.zeros(inference.n_features, dtype=bool)


def partial_effects_table(inference, terms, classes, level, slope, discrete, changes):
    """Return the average partial effects' table (see ``partial_effects``).

    ``terms`` name the features, ``classes`` the classes (None: ``0..K-1``);
    the table gives the effects on the probability times ``slope``, the
    prediction's units per unit of probability, and the features of the
    mask ``discrete`` get their discrete changes from 0 to 1, ``changes``
    (:class:`DiscreteChanges`; None when the mask marks none).
    """
    covariance, n_features = inference.covariance, inference.n_features
    identified = covariance.identified_rows[:n_features, np.newaxis] | bool(
        inference.not_finite
    )
    effects, jacobian = average_partial_effects(
        inference.params, inference.sums, n_features, discrete, changes
    )
    variances = np.diag(jacobian @ covariance.matrix @ jacobian.T).reshape(
        effects.shape
    )
    std_err = np.abs(slope) * _standard_errors(variances, covariance)
    if inference.not_finite:
        std_err[:] = np.nan
    # An effect through a coefficient the penalty fixes is fixed too; one
    # whose variance is zero and comes through unestimated rows is unestimated.
    fixed = covariance.fixed_rows[:n_features]
    std_err[fixed] = 0.0
    unestimated_params = np.repeat(covariance.unestimated_rows, effects.shape[1])
    through_unestimated = (np.abs(jacobian) @ unestimated_params).reshape(
        effects.shape
    ) > 0
    return estimate_table(
        "effect",
        np.where(identified, slope * effects, np.nan),
        np.where(identified, std_err, np.nan),
        (variances == 0) & through_unestimated & ~fixed[:, np.newaxis],
        terms,
        classes,
        level,
        inference.df,
    )


def covariance_matrix(inference):
    """Return the parameters' covariance in the coefficient table's order.

    Rows and columns of parameters the data do not identify are NaN (all
    NaN without a finite optimum).
    """
    covariance = inference.covariance
    matrix = np.ldexp(covariance.matrix, 2 * covariance.std_err_exponent)
    identified = np.repeat(covariance.identified_rows, inference.params.shape[1])
    if inference.not_finite:
        identified[:] = False
    matrix[~identified, :] = np.nan
    matrix[:, ~identified] = np.nan
    order = table_order(inference)
    return matrix[np.ix_(order, order)]


@dataclass(frozen=True)
class WaldTest:
    """A joint Wald test of linear restrictions ``R @ params = q``.

    Returned by :meth:`InferenceResults.wald_test`; printed, it reads as a
    line of text.

    Attributes
    ----------
    statistic : float
        The chi-squared statistic, or with ``use_t`` the F statistic (the
        chi-squared one over ``df``).
    p_value : float
    df : int
        The number of independent restrictions (the rank of ``R V R^T``).
    df_denom : int or None
        The F distribution's denominator degrees of freedom, None for the
        chi-squared.
    distribution : {"chi2", "F"}
    """

    statistic: float
    p_value: float
    df: int
    df_denom: int | None
    distribution: str

    def __str__(self):
        if self.distribution == "F":
            name = f"F({self.df}, {self.df_denom})"
        else:
            name = f"chi2({self.df})"
        return f"Wald test: {name} = {self.statistic:.6g}, p-value = {self.p_value:.4g}"


def wald_test(inference, restrictions, values):
    """Return the :class:`WaldTest` of ``restrictions @ params = values``.

    ``restrictions`` is (m, parameters), its columns in the coefficient
    table's order; ``values`` is (m,). A restriction on a coefficient the
    data do not identify, or a model without a finite optimum, gives NaN.
    """
    params = inference.params.ravel()[table_order(inference)]
    covariance = covariance_matrix(inference)
    involved = np.any(restrictions != 0, axis=0)
    distribution = "chi2" if inference.df is None else "F"
    df_denom = inference.df
    if (
        np.isnan(params[involved]).any()
        or np.isnan(covariance[np.ix_(involved, involved)]).any()
    ):
        return WaldTest(np.nan, np.nan, restrictions.shape[0], df_denom, distribution)
    restricted = restrictions[:, involved]
    difference = restricted @ params[involved] - values
    inverse, _, rank = scaled_pseudo_inverse(
        restricted @ covariance[np.ix_(involved, involved)] @ restricted.T
    )
    statistic = float(difference @ inverse @ difference)
    if rank == 0:
        return WaldTest(np.nan, np.nan, 0, df_denom, distribution)
    if df_denom is None:
        return WaldTest(statistic, float(chi2.sf(statistic, rank)), rank, None, "chi2")
    statistic /= rank
    return WaldTest(
        statistic, float(f.sf(statistic, rank, df_denom)), rank, df_denom, "F"
    )


def predicted_mean_intervals(inference, link, X_rows, level):
    """Return the predicted means of ``X_rows`` with standard errors and intervals.

    For a binary link the interval is the linear predictor's, mapped
    through the inverse link; for the softmax, that of each class's log-odds
    ``log(mu_k / (1 - mu_k))``, by the delta method, mapped through the
    logistic function. Both stay inside (0, 1). The standard errors are the
    delta method's on the probability scale. They are NaN where the model
    has no finite optimum, a coefficient is not identified, or a robust
    variance is zero up to rounding (:func:`inference_warnings` says so).

    Returns
    -------
    mean, std_err, low, high : ndarray of shape (n_rows, n_classes)
    """
    params = inference.params
    n_params, n_classes = params.shape
    design = design_matrix(X_rows, inference.fit_intercept)
    eta = raw_prediction(params, design, False)
    covariance = np.ldexp(
        inference.covariance.matrix, 2 * inference.covariance.std_err_exponent
    )
    identified = np.repeat(inference.covariance.identified_rows, n_classes)
    if (
        inference.not_finite
        or not identified.all()
        or inference.covariance.unestimated_rows.any()
    ):
        covariance = np.full_like(covariance, np.nan)
    quantile = _distribution(inference.df).ppf(0.5 + level / 2)
    design = dense(design)
    if n_classes == 1:
        eta = eta[:, 0]
        eta_std_err = np.sqrt(
            np.maximum(np.einsum("im,mn,in->i", design, covariance, design), 0.0)
        )
        mean = link.inverse(eta)
        std_err = np.abs(link.jacobians(eta[:, np.newaxis])[:, 0, 0]) * eta_std_err
        low = link.inverse(eta - quantile * eta_std_err)
        high = link.inverse(eta + quantile * eta_std_err)
        return tuple(values[:, np.newaxis] for values in (mean, std_err, low, high))
    mean = link.inverse(eta)
    jacobians = link.jacobians(eta)
    blocks = covariance.reshape(n_params, n_classes, n_params, n_classes)
    # Var(mu_k) = sum J_ka J_kb x V[., a, ., b] x over the classes a, b.
    class_covariances = np.einsum("im,malb,il->iab", design, blocks, design)
    variances = np.einsum("ika,iab,ikb->ik", jacobians, class_covariances, jacobians)
    std_err = np.sqrt(np.maximum(variances, 0.0))
    log_odds = np.log(mean) - np.log1p(-mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds_std_err = std_err / (mean * (1.0 - mean))
    low = expit(log_odds - quantile * log_odds_std_err)
    high = expit(log_odds + quantile * log_odds_std_err)
    return mean, std_err, low, high
