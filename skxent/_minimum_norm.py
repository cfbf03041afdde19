"""The optimum of smallest norm, where the data leave the coefficients free.

With ``alpha = 0`` and a rank-deficient design (constant or duplicate
columns, more features than rows of positive weight), the optimal
coefficients form an affine set: adding a direction ``v`` that changes no
row's linear predictor beyond a constant, ``X @ v = c``, changes nothing
the intercept cannot absorb. The estimators return the member of smallest
Euclidean norm in the user's coordinates, the intercept left free: the limit
of the ridge-penalised optimum as ``alpha`` goes to 0, and without an
intercept the solution ``np.linalg.pinv`` and scikit-learn's GLMs give.

The solver alone does not: it keeps the starting point's component in the
free directions of its own scaled coordinates, which are not the user's.
:func:`minimum_norm_params` removes the component of the coefficients in
the null space of the (centered) rows of positive weight, found from their
Gram matrix: first on the preconditioner's sampled rows, where a full rank
proves the whole design of full rank, then, only if those are rank
deficient, over all rows. A dense ``p x p`` Gram matrix costs ``O(n p^2)``:
above ``MAX_FEATURES_FOR_WHITENING`` features (where the preconditioner
gives up its dense matrix too) the fit keeps the solver's solution, the
smallest in its Jacobi-scaled coordinates.
"""

import numpy as np

from ._objective import design_matrix, join_params, split_params, weighted_grams
from ._preconditioning import COLUMN_NOISE, RELATIVE_CURVATURE_FLOOR
from ._row_blocks import sampled_rows


def _gram_terms(X_rows, weights_rows):
    """Gram matrix, column sums and count of the rows of positive weight."""
    kept = (weights_rows > 0).astype(np.float64)[:, np.newaxis, np.newaxis]
    grams = weighted_grams(design_matrix(X_rows, True), kept)[:, 0, :, 0]
    return grams[:-1, :-1], grams[:-1, -1], grams[-1, -1]


def _null_space(gram, sums, count, fit_intercept):
    """Orthonormal columns spanning the coefficients' free directions, and the means.

    The directions ``v`` with ``Xc @ v = 0`` for the rows of positive
    weight, ``Xc`` centered by the column means when ``fit_intercept``.
    Columns without spread are free; the others are judged on their
    Jacobi-scaled Gram matrix, whose eigenvalues below
    ``RELATIVE_CURVATURE_FLOOR`` times the largest are rounding.
    """
    means = sums / count if fit_intercept and count else np.zeros(len(sums))
    squares = np.diag(gram).copy()
    if fit_intercept:
        gram = gram - count * np.outer(means, means)
    # A column is judged against its own magnitude, as the preconditioner
    # judges it: centering a constant column leaves rounding.
    informative = np.diag(gram) > COLUMN_NOISE * squares
    scale = np.sqrt(np.where(informative, np.diag(gram), 0.0))
    directions = [np.eye(len(scale))[:, ~informative]]
    if informative.any():
        kept_scale = scale[informative]
        scaled = gram[np.ix_(informative, informative)] / np.outer(
            kept_scale, kept_scale
        )
        eigenvalues, eigenvectors = np.linalg.eigh(scaled)
        flat = eigenvalues <= RELATIVE_CURVATURE_FLOOR * eigenvalues.max()
        free = np.zeros((len(scale), np.count_nonzero(flat)))
        free[informative] = eigenvectors[:, flat] / kept_scale[:, np.newaxis]
        directions.append(free)
    basis = np.hstack(directions)
    if not basis.shape[1]:
        return basis, means
    orthonormal, _ = np.linalg.qr(basis)
    return orthonormal, means


def minimum_norm_params(blocks, weights, params, fit_intercept):
    """Return the optimum of smallest coefficient norm equivalent to ``params``.

    Every row of positive weight keeps its linear predictor (to rounding).
    For a softmax, whose predictions ignore a coefficient vector common to
    all classes, that common part is removed too.

    Parameters
    ----------
    blocks : RowBlocks or DaskRowBlocks
    weights : array of shape (n_samples,)
        The sample weights (only which are positive matters).
    params : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
        An optimum with ``alpha = 0``.
    fit_intercept : bool

    Returns
    -------
    ndarray of the shape of ``params``
    """
    coef, intercept = split_params(params, fit_intercept)
    if coef.ndim == 2:
        coef = coef - coef.mean(axis=1, keepdims=True)
    sample = sampled_rows(*blocks.shape)
    terms = blocks.sampled(sample).sum(
        _gram_terms, (weights[sample],), dtype=np.float64
    )
    basis, means = _null_space(*terms, fit_intercept)
    if basis.shape[1] and sample.step > 1:
        # Rank deficient in the sample: judged again on every row.
        terms = blocks.sum(_gram_terms, (weights,), dtype=np.float64)
        basis, means = _null_space(*terms, fit_intercept)
    free_part = basis @ (basis.T @ coef)
    return join_params(coef - free_part, intercept + means @ free_part, fit_intercept)
