"""Standard errors, confidence intervals and average partial effects of a fit.

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
- ``B`` is the meat: for ``"nonrobust"`` the expected (Fisher) information
  ``sum_i w_i E_i (x) x_i x_i^T``, ``E_i`` the curvature at the target
  ``mu_i``, which is ``A`` itself for the logit link without penalty
  (then the covariance is the inverse information, and ``A`` is taken as the
  information too); for ``"HC0"`` the outer products of the scores,
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
- mu mu^T)`` for the softmax, with delta-method standard errors from the same
covariance. Everything that needs ``X`` is summed in one blocked pass
(:func:`inference_sums`).
"""

from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.stats import norm
from sklearn.utils.validation import column_or_1d

from ._objective import (
    LinearObjective,
    dense,
    design_matrix,
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
    n_classes)`` (one class for a binary link). The sums are over the rows
    of positive weight, with the weights divided by ``4**weight_exponent``,
    which brings the largest into [0.5, 2) (the sums then neither overflow
    nor underflow, and a power of two keeps every digit of the weights).
    ``score_bound_products`` and ``group_score_bounds`` are
    ``score_products`` and ``group_scores`` for the scores' rounding: each
    score's entries replaced by the sizes of the terms they are computed
    from (:func:`_gradient_term_sizes`) times ``|x_i|``.
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
    total_weight: float
    weight_exponent: int
    n_observations: int


def _outer_products(design, row_vectors):
    """Sum ``(v_i (x) x_i) (v_i (x) x_i)^T`` over the rows, for ``v_i`` (rows, K)."""
    return weighted_grams(design, np.einsum("ik,im->ikm", row_vectors, row_vectors))


def _group_sums(design, row_vectors, groups, n_groups):
    """Sum ``v_i (x) x_i`` within each group: an array (n_groups, width, K)."""
    sums = np.zeros((n_groups, design.shape[1], row_vectors.shape[1]))
    if not n_groups:
        return sums
    indicator = sparse.csr_array(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))),
        shape=(n_groups, len(groups)),
    )
    for k in range(row_vectors.shape[1]):
        sums[:, :, k] = dense(indicator @ scale_rows(design, row_vectors[:, k]))
    return sums


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


class _BlockSums(NamedTuple):
    """The sums of one block of rows, in the layout of its design."""

    hessian: np.ndarray
    information: np.ndarray
    score_products: np.ndarray
    score_bound_products: np.ndarray
    score_total: np.ndarray
    mean_jacobian: np.ndarray
    jacobian_slopes: np.ndarray
    group_scores: np.ndarray
    group_score_bounds: np.ndarray
    total_weight: float


def inference_sums(params, blocks, targets, sample_weight, link, fit_intercept, groups):
    """Sum everything the covariances and partial effects need, in one pass.

    Rows of zero weight are left out: they change nothing.

    Parameters
    ----------
    params : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
        The fitted parameters, intercept row last.
    blocks : RowBlocks
        The design matrix ``X`` of shape (n_samples, n_features).
    targets : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Probabilities, as the model was fitted on.
    sample_weight : ndarray of shape (n_samples,)
        The weights of the fit, at any common scale.
    link : link from ``_link.py``
    fit_intercept : bool
    groups : ndarray of shape (n_samples,) of int or None
        Group codes ``0..G-1`` for cluster-robust covariances (any code for
        a row of zero weight).

    Returns
    -------
    InferenceSums
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    size = n_params * n_classes
    positive = sample_weight > 0
    n_groups = 0 if groups is None else int(groups[positive].max()) + 1
    if groups is None:
        groups = np.zeros(len(sample_weight), dtype=np.intp)
    weight_exponent = int(np.frexp(sample_weight.max())[1]) // 2

    def block_terms(X_rows, targets_rows, weights, groups_rows):
        kept = weights > 0
        design = design_matrix(X_rows, fit_intercept)[kept]
        targets_rows = targets_rows[kept]
        weights = np.ldexp(weights[kept], -2 * weight_exponent)
        # (rows, K) for every link: a binary link's functions act elementwise.
        eta = raw_prediction(params, design, False)
        class_targets = targets_rows.reshape(eta.shape)
        gradient = link.loss_and_gradient(class_targets, eta)[1]
        weighted_gradient = weights[:, np.newaxis] * gradient
        weighted_sizes = weights[:, np.newaxis] * _gradient_term_sizes(
            link, class_targets, eta
        )
        magnitudes = abs(design)
        row_weights = weights[:, np.newaxis, np.newaxis]
        slopes = link.jacobian_slopes(eta).reshape(len(weights), -1)
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
            mean_jacobian=np.einsum("i,iab->ab", weights, link.jacobians(eta)),
            jacobian_slopes=design.T @ (weights[:, np.newaxis] * slopes),
            group_scores=_group_sums(
                design, weighted_gradient, groups_rows[kept], n_groups
            ),
            group_score_bounds=_group_sums(
                magnitudes, weighted_sizes, groups_rows[kept], n_groups
            ),
            total_weight=weights.sum(),
        )

    sums = blocks.sum(block_terms, (targets, sample_weight, groups))
    total_weight = float(sums.total_weight)
    return InferenceSums(
        hessian=sums.hessian.reshape(size, size),
        information=sums.information.reshape(size, size),
        score_products=sums.score_products.reshape(size, size),
        score_bound_products=sums.score_bound_products.reshape(size, size),
        group_scores=sums.group_scores.reshape(n_groups, size) if n_groups else None,
        group_score_bounds=(
            sums.group_score_bounds.reshape(n_groups, size) if n_groups else None
        ),
        score_total=sums.score_total.ravel(),
        mean_jacobian=sums.mean_jacobian / total_weight,
        jacobian_slopes=sums.jacobian_slopes.reshape(
            n_params, n_classes, n_classes, n_classes
        )
        / total_weight,
        total_weight=total_weight,
        weight_exponent=weight_exponent,
        n_observations=int(np.count_nonzero(positive)),
    )


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
    ``matrix`` holds zeros for the last two. The covariance is ``matrix *
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


def _sandwich_parts(sums, cov_type):
    """Return the bread, the meat and the meat's rounding bound of ``cov_type``.

    The bound is the meat of the scores' rounding sizes (zero for
    ``"nonrobust"``, whose meat holds no scores).
    """
    if cov_type == "nonrobust":
        return sums.information, sums.information, np.zeros_like(sums.information)
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


def parameter_covariance(sums, params, cov_type, alpha, n_features):
    """Return the covariance of ``cov_type`` (one of ``COV_TYPES``) at ``params``.

    It is computed from :func:`inference_sums`' sums.
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    basis = sum_to_zero_basis(n_classes)
    penalty = np.zeros((n_params, n_classes))
    penalty[:n_features] = alpha * sums.total_weight
    penalty = penalty.ravel()
    bread, meat, rounding = _sandwich_parts(sums, cov_type)
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
    if alpha == 0:
        # No penalty fixes anything: a variance cancelling to zero is that of
        # a coefficient the data do not determine (rows fitted at probability
        # 0 or 1 leave the bread all but singular).
        identified &= ~cancelled
    fixed = cancelled & (alpha > 0)
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
    )


def average_partial_effects(params, sums, n_features):
    """Compute average partial effects and their Jacobian in the parameters.

    The effects are those on the predicted probability; the Jacobian gives
    their delta-method covariance, ``J V J^T`` for a parameter covariance
    ``V``.

    Returns
    -------
    effects : ndarray of shape (n_features, n_classes)
        ``d mu_k / d x_j`` averaged over the weighted rows.
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
    return effects, jacobian.reshape(n_features * n_classes, n_params * n_classes)


def check_groups(groups, cov_type, sample_weight):
    """Return group codes ``0..G-1`` for ``cov_type="cluster"``, else None.

    The ``G`` groups are those holding rows of positive weight; rows of zero
    weight, which change nothing, have the code -1. Raise a ValueError when
    ``groups`` and ``cov_type`` disagree, or fewer than two groups hold rows
    of positive weight.
    """
    n_samples = sample_weight.shape[0]
    if cov_type != "cluster":
        if groups is not None:
            raise ValueError(
                f"groups is used only with cov_type='cluster'; got cov_type="
                f"{cov_type!r}. Pass cov_type='cluster' for cluster-robust errors."
            )
        return None
    if groups is None:
        raise ValueError("cov_type='cluster' needs groups, one label per sample.")
    groups = column_or_1d(groups)
    if groups.shape[0] != n_samples:
        raise ValueError(
            f"groups has {groups.shape[0]} labels for {n_samples} samples."
        )
    try:
        missing = np.flatnonzero(np.isnan(groups.astype(np.float64)))
    except (TypeError, ValueError):
        missing = np.flatnonzero([label is None for label in groups])
    if missing.size:
        raise ValueError(
            f"groups has {missing.size} missing labels (first at index "
            f"{missing[0]}); every sample needs a group."
        )
    positive = sample_weight > 0
    labels, codes = np.unique(groups[positive], return_inverse=True)
    if labels.size < 2:
        raise ValueError(
            "cov_type='cluster' needs groups with at least 2 clusters holding "
            f"rows of positive sample_weight; got {labels.size}. Cluster-robust "
            "errors estimate the spread between clusters: pass finer groups."
        )
    group_codes = np.full(n_samples, -1, dtype=np.intp)
    group_codes[positive] = codes
    return group_codes


def estimate_table(
    estimate_name, estimates, std_err, unestimated, terms, classes, level
):
    """Return a DataFrame of estimates (terms, classes) with tests and intervals.

    It gives normal-theory z statistics, two-sided p-values and intervals at
    ``level``. ``estimates``, ``std_err`` and ``unestimated`` are of shape
    (terms, K); a zero standard error leaves z and the p-value undefined
    (NaN), and one of an ``unestimated`` estimate (zero up to rounding, not
    a measured spread) the interval too. For ``K > 1`` the index has two
    levels, ``class`` (the labels ``classes``, or ``0..K-1`` when None) and
    ``term``.
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            "Tables of estimates are pandas DataFrames, and pandas is not "
            "installed: pip install pandas"
        ) from error
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
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std_err > 0, estimates / std_err, np.nan)
    half_width = np.where(unestimated, np.nan, norm.ppf(0.5 + level / 2) * std_err)
    return pd.DataFrame(
        {
            estimate_name: estimates,
            "std_err": std_err,
            "z": z,
            "p_value": 2 * norm.sf(np.abs(z)),
            "ci_low": estimates - half_width,
            "ci_high": estimates + half_width,
        },
        index=index,
    )


class Inference(NamedTuple):
    """The sums and covariance of a fitted model on its data.

    Attributes
    ----------
    params : ndarray of shape (n_features + fit_intercept, n_classes)
        One column for a binary link.
    sums : InferenceSums
    covariance : Covariance
    n_features : int
    fit_intercept : bool
    not_finite : str
        Why the optimum of the model on these data is not finite (separated
        rows, constant targets, absent classes), ``""`` when it is: then the
        fitted parameters are a point on the way to infinity, with no
        sampling distribution.
    """

    params: np.ndarray
    sums: InferenceSums
    covariance: Covariance
    n_features: int
    fit_intercept: bool
    not_finite: str


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
):
    """:class:`Inference` of the fitted ``params``: one pass over ``X``.

    With ``alpha = 0`` and rows fitted near probability 0 or 1, more passes
    decide whether the features separate them (see ``_separation``).
    """
    n_features = blocks.shape[1]
    sums = inference_sums(
        params, blocks, targets, sample_weight, link, fit_intercept, groups
    )
    covariance = parameter_covariance(sums, params, cov_type, alpha, n_features)
    # The separation checks judge weights only by their sign and ratios.
    objective = LinearObjective(
        blocks, targets, sample_weight / sample_weight.max(), alpha, fit_intercept, link
    )
    return Inference(
        params.reshape(params.shape[0], -1),
        sums,
        covariance,
        n_features,
        fit_intercept,
        why_not_finite(objective, params),
    )


def _table_rows(terms, fit_intercept):
    """Return the names of the coefficient table's rows and their parameter rows.

    The intercept, the last parameter row, comes first; ``terms`` name the
    features.
    """
    rows = list(range(len(terms)))
    if fit_intercept:
        return ["intercept", *terms], [len(terms), *rows]
    return list(terms), rows


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
    names, rows = _table_rows(terms, inference.fit_intercept)
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
            "are reported as NaN. Drop or combine those columns, or fit with "
            "alpha > 0.",
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
            "reported as 0, their z statistics, p-values and intervals as NaN. "
            "cov_type='nonrobust' gives the variance the binomial model implies.",
        ),
    ]
    return [(UserWarning, message) for message in messages if message]


def _standard_errors(variances, covariance):
    """Return the standard errors of ``variances`` of ``covariance.matrix``."""
    return np.ldexp(np.sqrt(np.maximum(variances, 0.0)), covariance.std_err_exponent)


def coefficient_table(inference, terms, classes, level):
    """Return the coefficients' table (see ``coef_table``).

    ``terms`` name the features, ``classes`` the classes (None: ``0..K-1``).
    """
    params, covariance = inference.params, inference.covariance
    names, rows = _table_rows(terms, inference.fit_intercept)
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
    )


def partial_effects_table(inference, terms, classes, level, slope):
    """Return the average partial effects' table (see ``partial_effects_table``).

    ``terms`` name the features, ``classes`` the classes (None: ``0..K-1``);
    the table gives the effects on the probability times ``slope``, the
    prediction's units per unit of probability.
    """
    covariance, n_features = inference.covariance, inference.n_features
    identified = covariance.identified_rows[:n_features, np.newaxis] | bool(
        inference.not_finite
    )
    effects, jacobian = average_partial_effects(
        inference.params, inference.sums, n_features
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
    )
