"""A change of variables that makes ill-conditioned problems easy for L-BFGS.

Near a point ``params0`` the objective's Hessian is ``X1.T @ diag(v) @ X1``
plus ``alpha`` on the ``coef`` block, with ``v`` the curvature weights (the
sample weight times the loss's second derivative in the linear predictor,
``w * mu * (1 - mu)`` for the logit) and ``X1`` the design with an
intercept column. We write
the parameters as an affine function of new variables ``z``,

    params = params0 + T @ z,

with ``T`` chosen so that ``T.T @ H @ T`` is close to the identity: a
Newton-like scaling computed once, after which L-BFGS sees a problem whose
curvature is nearly isotropic. This is what lets a first-order method reach
the optimum on real data with columns of very different scales and strong
collinearity, where plain L-BFGS stops far from it.

``T`` acts on coefficient vectors only: ``X`` is never copied, scaled or
centred. Its parts, for ``z = [u, u0]``:

- centring: the intercept absorbs the curvature-weighted column means ``m``,
  which decouples it from the coefficients (``intercept = ... - m @ dcoef``);
- Jacobi scaling by ``D``, the square root of the Hessian's diagonal, computed
  exactly from all rows;
- whitening by the eigen-decomposition ``V Lambda V.T`` of the correlation
  part ``D^-1 H D^-1``, so ``dcoef = D^-1 V Lambda^-1/2 u``. The correlation
  part is estimated from an evenly spaced subset of rows when there are many
  (it only has to be close, the optimum does not depend on it), and skipped
  when there are too many features for a dense ``p x p`` matrix.

Directions with no curvature (constant or duplicate columns, ``p > n`` with
``alpha = 0``) get the scaling of the largest curvature: no data move them,
so the solution keeps the starting point's component there, as a
minimum-norm solver does, and nothing is divided by zero.

A softmax model has a column of parameters per class, and its Hessian is
approximately a Kronecker product ``C (x) G`` of a class matrix ``C`` and the
feature part ``G`` above (exactly so at a cold start, where every row has the
same predicted probabilities). ``T`` is then the feature map above applied to
each column, after the columns are mixed by ``C^-1/2``. The softmax is
unchanged by adding the same to every class: that direction has no curvature
in ``C`` and, as above, keeps its starting value.
"""

import numpy as np
from scipy import sparse

from ._objective import join_params, split_params
from ._row_blocks import RowBlocks

# Above this many features a dense p x p matrix (O(p^3) to factor) costs more
# than the iterations it saves: Jacobi scaling alone is used.
MAX_FEATURES_FOR_WHITENING = 1000

# The correlation part is estimated from at most this many rows per feature
# (and at least MIN_SAMPLED_ROWS): enough for a preconditioner, at a small
# fraction of the O(n p^2) cost of the full matrix.
ROWS_PER_FEATURE = 50
MIN_SAMPLED_ROWS = 20_000

# The squares of a block of rows are formed this many elements at a time.
SQUARED_ROWS_ELEMENTS = 2**18

# The centred column sums of squares are computed from uncentred sums where
# that keeps at least this many significant digits (a preconditioner needs
# few), from the centred sampled rows otherwise.
CENTRED_DIGITS = 4

# Curvatures below this fraction of the largest are rounding noise from
# forming the matrix, not information in the data.
RELATIVE_CURVATURE_FLOOR = 1e-11


class AffinePreconditioner:
    """The map ``params = origin + T @ z`` and the pull-back of gradients.

    Parameters
    ----------
    origin : ndarray of shape (n_params,)
        Parameters at ``z = 0``.
    coef_map : ndarray or sparse array of shape (n_features, n_features)
        ``A`` in ``dcoef = A @ u``.
    center : ndarray of shape (n_features,) or None
        Column means ``m`` absorbed by the intercept; None without intercept.
    intercept_scale : float
        Step of the centred intercept per unit of ``u0``.
    class_map : ndarray of shape (n_classes, n_classes) or None
        Symmetric ``S`` mixing the columns of ``z`` (``z @ S``) when the
        parameters have a column per class; None for a binary model.
    """

    def __init__(self, origin, coef_map, center, intercept_scale, class_map):
        self.origin = origin
        self.coef_map = coef_map
        self.center = center
        self.intercept_scale = intercept_scale
        self.class_map = class_map

    @property
    def fit_intercept(self):
        return self.center is not None

    @property
    def n_variables(self):
        return self.origin.size

    def _mix_classes(self, z):
        return z if self.class_map is None else z @ self.class_map

    def step(self, z):
        """The parameter change ``T @ z`` (``z`` flat or of the parameters' shape)."""
        z = self._mix_classes(np.reshape(z, self.origin.shape))
        u, u0 = split_params(z, self.fit_intercept)
        coef_step = self.coef_map @ u
        intercept_step = (
            self.intercept_scale * u0 - self.center @ coef_step
            if self.fit_intercept
            else 0.0
        )
        return join_params(coef_step, intercept_step, self.fit_intercept)

    def params(self, z):
        """Parameters ``origin + T @ z``."""
        return self.origin + self.step(z)

    def gradient(self, params_gradient):
        """Gradient with respect to ``z``, flat: ``T.T @ params_gradient``."""
        coef_gradient, intercept_gradient = split_params(
            params_gradient, self.fit_intercept
        )
        if self.fit_intercept:
            coef_gradient = coef_gradient - np.multiply.outer(
                self.center, intercept_gradient
            )
        z_gradient = join_params(
            self.coef_map.T @ coef_gradient,
            self.intercept_scale * intercept_gradient,
            self.fit_intercept,
        )
        return self._mix_classes(z_gradient).ravel()


def centred_weighted_gram(X, curvature_weights, center):
    """``(X - center).T @ diag(curvature_weights) @ (X - center)``, block by block.

    Each block of rows is centred and scaled in a temporary, so the result
    stays accurate when column means dwarf their spread, and ``X`` is never
    copied whole. A sparse ``X`` is not centred (that would make it dense):
    its Gram matrix is corrected for the centre afterwards.
    """
    if sparse.issparse(X):
        return _sparse_centred_weighted_gram(X, curvature_weights, center)

    def block_terms(X_rows, weights_rows):
        centred = X_rows - center
        centred *= np.sqrt(weights_rows)[:, np.newaxis]
        return (centred.T @ centred,)

    return RowBlocks(X).sum(block_terms, (curvature_weights,), np.float64)[0]


def _sampled_rows(n_samples, n_features):
    """Evenly spaced rows: at most ``max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * p)``."""
    max_rows = max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * n_features)
    return slice(None, None, -(-n_samples // max_rows))


def _weighted_sums_and_squares(X_rows, weights_rows):
    """``v @ X`` and ``v @ X**2`` on a block, in its dtype (a preconditioner
    need not be exact: float32 data are not converted).

    A dense block is squared a slice of ``SQUARED_ROWS_ELEMENTS`` at a time,
    so the squares never take as much memory as the block.
    """
    weights_rows = weights_rows.astype(X_rows.dtype, copy=False)
    if sparse.issparse(X_rows):
        squared = type(X_rows)(
            (np.square(X_rows.data), X_rows.indices, X_rows.indptr),
            shape=X_rows.shape,
        )
        return X_rows.T @ weights_rows, squared.T @ weights_rows
    squares = 0.0
    step = max(1, SQUARED_ROWS_ELEMENTS // max(X_rows.shape[1], 1))
    for start in range(0, X_rows.shape[0], step):
        rows = slice(start, start + step)
        squares = squares + weights_rows[rows] @ np.square(X_rows[rows])
    return X_rows.T @ weights_rows, squares


def centre_and_squares(blocks, curvature_weights, fit_intercept):
    """Curvature-weighted column means and sums of squares about them.

    One pass over ``X``, for the uncentred sums ``s1 = v @ X`` and
    ``s2 = v @ X**2``; the centred squares are ``s2 - s1**2 / sum(v)``.
    That difference loses the digits by which a column's mean dwarfs its
    spread: the columns where it would keep fewer than ``CENTRED_DIGITS`` (a
    constant column with an offset, a year) are summed again, centred, in a
    second pass over those columns alone. Without an intercept the centre is
    zero and nothing cancels.
    """
    first, second = blocks.sum(_weighted_sums_and_squares, (curvature_weights,))
    total = curvature_weights.sum()
    if not (fit_intercept and total > 0):
        return np.zeros(blocks.shape[1]), second
    center = first / total
    squares = second - total * center**2
    # Sums over blocks of thousands of rows keep about two digits less than
    # the dtype's precision.
    rounding = np.finfo(blocks.dtype).eps * 10.0 ** (2 + CENTRED_DIGITS)
    cancelled = np.flatnonzero(squares < rounding * second)
    if cancelled.size:

        def centred_squares(X_rows, weights_rows):
            values = X_rows[:, cancelled]
            values = values.toarray() if sparse.issparse(values) else values
            return (weights_rows @ np.square(values - center[cancelled]),)

        squares[cancelled] = blocks.sum(
            centred_squares, (curvature_weights,), np.float64
        )[0]
    return center, np.maximum(squares, 0.0)


def _sparse_centred_weighted_gram(X, curvature_weights, center):
    """``(X - m).T V (X - m) = X.T V X - s m.T - m s.T + sum(v) m m.T``, with
    ``s = X.T v``: one sparse product, never a dense copy of ``X``."""
    weighted_sums = X.T @ curvature_weights
    gram = (X.T @ (X.multiply(curvature_weights[:, np.newaxis]))).toarray()
    gram -= np.multiply.outer(weighted_sums, center)
    gram -= np.multiply.outer(center, weighted_sums)
    gram += curvature_weights.sum() * np.multiply.outer(center, center)
    return gram


def sampled_correlation(X, curvature_weights, center):
    """Correlation matrix of the centred, curvature-weighted columns of ``X``.

    Estimated from evenly spaced rows when ``X`` has more than
    ``max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * n_features)`` of them. A column
    with no spread in those rows gets a unit row and column, so it is scaled
    by its exact diagonal alone.
    """
    n_samples, n_features = X.shape
    sampled = _sampled_rows(n_samples, n_features)
    gram = centred_weighted_gram(X[sampled], curvature_weights[sampled], center)
    spread = np.sqrt(np.diag(gram))
    has_spread = spread > 0
    correlation = np.eye(n_features)
    inner = np.ix_(has_spread, has_spread)
    correlation[inner] = gram[inner] / np.outer(spread[has_spread], spread[has_spread])
    return correlation


def _curvatures_without_noise(curvatures):
    """Curvatures with the rounding-noise ones replaced by the largest.

    A direction whose curvature is noise is one the data do not determine:
    its gradient is noise too, and scaling it by the largest curvature keeps
    that noise from being amplified into the solution. All ones when no
    curvature is positive.
    """
    largest = curvatures.max(initial=0.0)
    if largest <= 0:
        return np.ones_like(curvatures)
    return np.where(
        curvatures > RELATIVE_CURVATURE_FLOOR * largest, curvatures, largest
    )


def _coef_map(X, curvature_weights, center, squares, alpha):
    """``A = D^-1 V Lambda^-1/2`` (or ``D^-1`` alone for many features)."""
    n_features = X.shape[1]
    scale = np.sqrt(_curvatures_without_noise(squares + alpha))
    if n_features > MAX_FEATURES_FOR_WHITENING:
        return sparse.diags_array(1.0 / scale)
    data_scale = np.sqrt(squares) / scale
    scaled_hessian = sampled_correlation(X, curvature_weights, center)
    scaled_hessian *= np.outer(data_scale, data_scale)
    scaled_hessian[np.diag_indices(n_features)] += alpha / scale**2
    eigenvalues, eigenvectors = np.linalg.eigh(scaled_hessian)
    whitening = eigenvectors / np.sqrt(_curvatures_without_noise(eigenvalues))
    return whitening / scale[:, np.newaxis]


def _class_map(class_curvature):
    """``S = C^-1/2`` on the classes, and the typical curvature of ``C``.

    ``C`` is normalised to trace 1. The direction shared by all classes has no
    curvature; it gets the scaling of the largest, like any direction the data
    do not determine. The typical curvature is the mean over the others.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(class_curvature)
    curvatures = _curvatures_without_noise(eigenvalues)
    informative = curvatures == eigenvalues
    typical = eigenvalues[informative].mean() if informative.any() else 1.0
    return (eigenvectors / np.sqrt(curvatures)) @ eigenvectors.T, typical


def build_preconditioner(
    blocks, row_curvature, class_curvature, alpha, fit_intercept, origin
):
    """Preconditioner from the curvature at ``origin``.

    Parameters
    ----------
    blocks : RowBlocks
        The design matrix ``X`` of shape (n_samples, n_features).
    row_curvature : ndarray of shape (n_samples,)
        Sample weight times the loss curvature at the starting point (for the
        softmax, times the trace of each row's class curvature).
    class_curvature : ndarray of shape (n_classes, n_classes) or None
        The class factor of the curvature for a softmax model (see
        ``softmax_curvature_factors``); None for a binary one.
    alpha : float
    fit_intercept : bool
    origin : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)

    Returns
    -------
    AffinePreconditioner
    """
    total_curvature = row_curvature.sum()
    class_map, feature_alpha = None, alpha
    if class_curvature is not None:
        class_map, typical = _class_map(
            class_curvature / total_curvature
            if total_curvature > 0
            else np.eye(len(class_curvature))
        )
        # In the class direction with curvature c the Hessian is
        # c * (G + alpha / c): a typical c stands for all.
        feature_alpha = alpha / typical
    center, squares = centre_and_squares(blocks, row_curvature, fit_intercept)
    coef_map = _coef_map(blocks.X, row_curvature, center, squares, feature_alpha)
    if not fit_intercept:
        return AffinePreconditioner(origin, coef_map, None, 1.0, class_map)
    intercept_scale = 1.0 / np.sqrt(total_curvature) if total_curvature > 0 else 1.0
    return AffinePreconditioner(origin, coef_map, center, intercept_scale, class_map)
