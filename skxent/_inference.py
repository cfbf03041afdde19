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
  times ``G / (G - 1) * (n - 1) / (n - k)`` for ``G`` groups.

Each row is one independent unit and its weight scales its score (trial
counts of a proportion, survey weights): with ``alpha = 0`` these are
statsmodels' GLM covariances with the weights as ``var_weights``
(``"nonrobust"`` from the expected information, the robust ones with the
observed Hessian as bread). With ``alpha > 0`` the sandwich is the covariance
of the penalised estimator around its own limit; the shrinkage bias is not in
it.

The softmax is unchanged by a shift shared by all classes, so its covariance
is taken in coordinates where each row of parameters sums to zero over the
classes, as ``coef_`` and ``intercept_`` do. ``A`` is inverted through the
eigendecomposition of its Jacobi-scaled form (the solver's preconditioning
idea): a coefficient whose direction meets the null space (collinear columns
without a penalty) is not identified and gets NaN. With a penalty, the
coefficient of a column the data cannot tell from others (a constant column
beside the intercept) is fixed by the penalty alone: its variance is zero,
and so is its computed variance up to rounding, which is set to exactly 0.

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

from ._objective import raw_prediction, scale_rows
from ._row_blocks import SCRATCH_BLOCK_ELEMENTS

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


class InferenceSums(NamedTuple):
    """What one pass over ``X`` gives, with parameters flattened row-major.

    The parameters are flattened from shape ``(n_features + fit_intercept,
    n_classes)`` (one class for a binary link).
    """

    hessian: np.ndarray
    information: np.ndarray
    score_products: np.ndarray
    group_scores: np.ndarray | None
    score_total: np.ndarray
    mean_jacobian: np.ndarray
    jacobian_slopes: np.ndarray
    total_weight: float
    n_observations: int


def _design(X_rows, fit_intercept):
    """``[X[rows], 1]`` in float64: a dense block, or a sparse CSR one."""
    if sparse.issparse(X_rows):
        columns = [X_rows.astype(np.float64)]
        if fit_intercept:
            columns.append(sparse.csr_array(np.ones((X_rows.shape[0], 1))))
        return sparse.csr_array(sparse.hstack(columns))
    design = np.ones((X_rows.shape[0], X_rows.shape[1] + fit_intercept))
    design[:, : X_rows.shape[1]] = X_rows
    return design


def _weighted_grams(design, row_matrices):
    """Sum ``M_i (x) x_i x_i^T`` over the rows, for symmetric ``M_i`` (rows, K, K).

    Return it as an array of shape (width, K, width, K).
    """
    n_classes = row_matrices.shape[1]
    width = design.shape[1]
    grams = np.empty((width, n_classes, width, n_classes))
    for k in range(n_classes):
        for m in range(k, n_classes):
            gram = _dense(design.T @ scale_rows(design, row_matrices[:, k, m]))
            grams[:, k, :, m] = gram
            grams[:, m, :, k] = gram.T
    return grams


class _BlockSums(NamedTuple):
    """The sums of one block of rows, in the layout of its design."""

    hessian: np.ndarray
    information: np.ndarray
    score_products: np.ndarray
    score_total: np.ndarray
    mean_jacobian: np.ndarray
    jacobian_slopes: np.ndarray
    group_scores: np.ndarray


def inference_sums(params, blocks, targets, sample_weight, link, fit_intercept, groups):
    """Sum everything the covariances and partial effects need, in one pass.

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
        The raw (not normalised) weights.
    link : link from ``_link.py``
    fit_intercept : bool
    groups : ndarray of shape (n_samples,) of int or None
        Group codes ``0..G-1`` for cluster-robust covariances.

    Returns
    -------
    InferenceSums
    """
    params = params.reshape(params.shape[0], -1)
    n_params, n_classes = params.shape
    size = n_params * n_classes
    n_groups = 0 if groups is None else int(groups.max()) + 1
    if groups is None:
        groups = np.zeros(len(sample_weight), dtype=np.intp)

    def block_terms(X_rows, targets_rows, weights, groups_rows):
        design = _design(X_rows, fit_intercept)
        # (rows, K) for every link: a binary link's functions act elementwise.
        eta = raw_prediction(params, design, False)
        targets_rows = targets_rows.reshape(eta.shape)
        gradient = link.loss_and_gradient(targets_rows, eta)[1]
        weighted_gradient = weights[:, np.newaxis] * gradient
        group_scores = np.zeros((n_groups, n_params, n_classes))
        if n_groups:
            indicator = sparse.csr_array(
                (np.ones(len(groups_rows)), (groups_rows, np.arange(len(groups_rows)))),
                shape=(n_groups, len(groups_rows)),
            )
            for k in range(n_classes):
                group_scores[:, :, k] = _dense(
                    indicator @ scale_rows(design, weighted_gradient[:, k])
                )
        row_weights = weights[:, np.newaxis, np.newaxis]
        slopes = link.jacobian_slopes(eta).reshape(len(weights), -1)
        return _BlockSums(
            hessian=_weighted_grams(
                design, row_weights * link.curvature_matrices(targets_rows, eta)
            ),
            information=_weighted_grams(
                design, row_weights * link.expected_curvature_matrices(eta)
            ),
            score_products=_weighted_grams(
                design, np.einsum("ik,im->ikm", weighted_gradient, weighted_gradient)
            ),
            score_total=design.T @ weighted_gradient,
            mean_jacobian=np.einsum("i,iab->ab", weights, link.jacobians(eta)),
            jacobian_slopes=design.T @ (weights[:, np.newaxis] * slopes),
            group_scores=group_scores,
        )

    sums = blocks.sum(block_terms, (targets, sample_weight, groups))
    total_weight = float(sample_weight.sum())
    return InferenceSums(
        hessian=sums.hessian.reshape(size, size),
        information=sums.information.reshape(size, size),
        score_products=sums.score_products.reshape(size, size),
        group_scores=sums.group_scores.reshape(n_groups, size) if n_groups else None,
        score_total=sums.score_total.ravel(),
        mean_jacobian=sums.mean_jacobian / total_weight,
        jacobian_slopes=sums.jacobian_slopes.reshape(
            n_params, n_classes, n_classes, n_classes
        )
        / total_weight,
        total_weight=total_weight,
        n_observations=int(np.count_nonzero(sample_weight)),
    )


def _dense(matrix):
    return matrix.toarray() if sparse.issparse(matrix) else matrix


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
    """A parameter covariance, with its identified rows and Newton decrement.

    ``matrix`` is the covariance, flattened row-major over (parameter rows,
    classes); ``identified_rows`` says which parameter rows the data identify;
    ``newton_decrement`` is the Newton decrement ``g^T A^-1 g / W`` of the mean
    objective at the parameters, twice the objective's excess over its minimum:
    near 0 when the parameters were fitted on these data.
    """

    matrix: np.ndarray
    identified_rows: np.ndarray
    newton_decrement: float

    @property
    def fixed_rows(self):
        """Parameter rows whose every entry has zero variance.

        They are fixed by the penalty alone, whatever the data.
        """
        variances = np.diag(self.matrix).reshape(len(self.identified_rows), -1)
        return (variances == 0).all(axis=1) & self.identified_rows


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
    if cov_type == "nonrobust":
        bread, meat = sums.information, sums.information
    elif cov_type == "cluster":
        bread, meat = sums.hessian, sums.group_scores.T @ sums.group_scores
    else:
        bread, meat = sums.hessian, sums.score_products
    inverse, identified, rank = scaled_pseudo_inverse(
        _to_basis(bread + np.diag(penalty), basis)
    )
    meat = _to_basis(meat, basis)
    covariance = inverse @ meat @ inverse
    magnitude = ((np.abs(inverse) @ np.abs(meat)) * np.abs(inverse)).sum(axis=1)
    zero_variance = np.abs(np.diag(covariance)) <= ZERO_VARIANCE * magnitude
    covariance[zero_variance, :] = 0.0
    covariance[:, zero_variance] = 0.0
    n_observations = sums.n_observations
    if cov_type == "HC1":
        covariance *= n_observations / max(n_observations - rank, 1)
    elif cov_type == "cluster":
        n_groups = sums.group_scores.shape[0]
        covariance *= (
            n_groups
            / (n_groups - 1)
            * (n_observations - 1)
            / max(n_observations - rank, 1)
        )
    gradient = (sums.score_total + penalty * params.ravel()).reshape(n_params, -1)
    gradient = (gradient @ basis).ravel()
    return Covariance(
        matrix=_from_basis(covariance, basis),
        identified_rows=identified.reshape(n_params, -1).all(axis=1),
        newton_decrement=float(gradient @ inverse @ gradient / sums.total_weight),
    )


def average_partial_effects(params, sums, covariance, n_features):
    """Compute average partial effects and their delta-method covariance.

    The effects are those on the predicted probability.

    Returns
    -------
    effects : ndarray of shape (n_features, n_classes)
        ``d mu_k / d x_j`` averaged over the weighted rows.
    effect_covariance : ndarray of shape (n_features * n_classes,) * 2
        Flattened row-major like ``effects``.
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
    return effects, jacobian @ covariance @ jacobian.T


def check_groups(groups, cov_type, n_samples):
    """Return group codes ``0..G-1`` for ``cov_type="cluster"``, else None.

    Raise a ValueError when ``groups`` and ``cov_type`` disagree.
    """
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
    labels, codes = np.unique(groups, return_inverse=True)
    if labels.size < 2:
        raise ValueError(
            f"cov_type='cluster' needs at least 2 groups; got {labels.size}."
        )
    return codes


def estimate_table(estimate_name, estimates, std_err, terms, level):
    """Return a DataFrame of estimates (terms, classes) with tests and intervals.

    It gives normal-theory z statistics, two-sided p-values and intervals at
    ``level``.
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
            [range(n_classes), terms], names=["class", "term"]
        )
    estimates, std_err = estimates.T.ravel(), std_err.T.ravel()
    # A zero standard error (a coefficient fixed by the penalty) leaves z
    # and the p-value undefined.
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std_err > 0, estimates / std_err, np.nan)
    half_width = norm.ppf(0.5 + level / 2) * std_err
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
    """

    params: np.ndarray
    sums: InferenceSums
    covariance: Covariance
    n_features: int
    fit_intercept: bool


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
    """:class:`Inference` of the fitted ``params``: one pass over ``X``."""
    n_features = blocks.shape[1]
    sums = inference_sums(
        params, blocks, targets, sample_weight, link, fit_intercept, groups
    )
    covariance = parameter_covariance(sums, params, cov_type, alpha, n_features)
    return Inference(
        params.reshape(params.shape[0], -1), sums, covariance, n_features, fit_intercept
    )


def _flagged_message(terms, flagged, message):
    """``message`` naming the ``terms`` flagged, or ``""`` if none is."""
    if not flagged.any():
        return ""
    names = [
        term for term, is_flagged in zip(terms, flagged, strict=True) if is_flagged
    ]
    return message.format(names=names)


def inference_warnings(inference, terms):
    """Return what a user of the tables must know, as ``(category, message)`` pairs.

    They report parameters that do not fit these data, and coefficients the
    data do not identify or the penalty alone fixes.
    """
    covariance, n_features = inference.covariance, inference.n_features
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
            terms,
            ~covariance.identified_rows[:n_features],
            "The data do not identify the coefficients of {names} (collinear or "
            "constant columns, or more columns than rows, with alpha=0); they "
            "are reported as NaN. Drop or combine those columns, or fit with "
            "alpha > 0.",
        ),
        _flagged_message(
            terms,
            covariance.fixed_rows[:n_features],
            "The coefficients of {names} are fixed by the penalty alone (the "
            "data cannot tell those columns from the others, such as a constant "
            "column beside the intercept): their standard errors are 0, and "
            "their z statistics and p-values are undefined (NaN). Drop those "
            "columns.",
        ),
    ]
    return [(UserWarning, message) for message in messages if message]


def coefficient_table(inference, terms, level):
    """Return the coefficients' table (see ``coef_table``).

    ``terms`` name the features.
    """
    params, covariance = inference.params, inference.covariance
    identified = covariance.identified_rows[:, np.newaxis]
    std_err = np.sqrt(np.maximum(np.diag(covariance.matrix), 0.0))
    std_err = std_err.reshape(params.shape)
    params = np.where(identified, params, np.nan)
    std_err = np.where(identified, std_err, np.nan)
    order = list(range(len(terms)))
    if inference.fit_intercept:
        terms, order = ["intercept", *terms], [len(terms), *order]
    return estimate_table("coef", params[order], std_err[order], terms, level)


def partial_effects_table(inference, terms, level, slope):
    """Return the average partial effects' table (see ``partial_effects_table``).

    ``terms`` name the features; the table gives the effects on the probability
    times ``slope``, the prediction's units per unit of probability.
    """
    covariance, n_features = inference.covariance, inference.n_features
    identified = covariance.identified_rows[:n_features, np.newaxis]
    effects, effect_covariance = average_partial_effects(
        inference.params, inference.sums, covariance.matrix, n_features
    )
    std_err = np.sqrt(np.maximum(np.diag(effect_covariance), 0.0))
    std_err = np.abs(slope) * std_err.reshape(effects.shape)
    # An effect through a coefficient the penalty fixes is fixed too.
    std_err[covariance.fixed_rows[:n_features]] = 0.0
    return estimate_table(
        "effect",
        np.where(identified, slope * effects, np.nan),
        np.where(identified, std_err, np.nan),
        terms,
        level,
    )
