"""A change of variables that makes ill-conditioned problems easy for L-BFGS.

Near a point ``params0`` the objective's Hessian is ``X1.T @ diag(v) @ X1``
plus ``alpha`` on the ``coef`` block, with ``v = w * mu * (1 - mu)`` the
curvature weights and ``X1`` the design with an intercept column. We write
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
"""

import numpy as np
from scipy import sparse

from ._objective import join_params, row_blocks, split_params

# Above this many features a dense p x p matrix (O(p^3) to factor) costs more
# than the iterations it saves: Jacobi scaling alone is used.
MAX_FEATURES_FOR_WHITENING = 1000

# The correlation part is estimated from at most this many rows per feature
# (and at least MIN_SAMPLED_ROWS): enough for a preconditioner, at a small
# fraction of the O(n p^2) cost of the full matrix.
ROWS_PER_FEATURE = 50
MIN_SAMPLED_ROWS = 20_000

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
    """

    def __init__(self, origin, coef_map, center, intercept_scale):
        self.origin = origin
        self.coef_map = coef_map
        self.center = center
        self.intercept_scale = intercept_scale

    @property
    def fit_intercept(self):
        return self.center is not None

    @property
    def n_variables(self):
        return self.origin.shape[0]

    def step(self, z):
        """The parameter change ``T @ z``."""
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
        """Gradient with respect to ``z``: ``T.T @ params_gradient``."""
        coef_gradient, intercept_gradient = split_params(
            params_gradient, self.fit_intercept
        )
        if self.fit_intercept:
            coef_gradient = coef_gradient - self.center * intercept_gradient
        return join_params(
            self.coef_map.T @ coef_gradient,
            self.intercept_scale * intercept_gradient,
            self.fit_intercept,
        )


def centred_weighted_gram(X, curvature_weights, center):
    """``(X - center).T @ diag(curvature_weights) @ (X - center)``, block by block.

    Each block of rows is centred and scaled in a small temporary, so the
    result stays accurate when column means dwarf their spread, and ``X`` is
    never copied whole.
    """
    n_samples, n_features = X.shape
    gram = np.zeros((n_features, n_features))
    for rows in row_blocks(n_samples, n_features):
        block = X[rows] - center
        block *= np.sqrt(curvature_weights[rows])[:, np.newaxis]
        gram += block.T @ block
    return gram


def _sampled_rows(n_samples, n_features):
    """Evenly spaced rows: at most ``max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * p)``."""
    max_rows = max(MIN_SAMPLED_ROWS, ROWS_PER_FEATURE * n_features)
    return slice(None, None, -(-n_samples // max_rows))


def weighted_moments(X, curvature_weights, reference):
    """Weighted column sums of ``X - reference`` and of its square, block by block.

    The squares of each block go to one reused buffer: a fresh temporary per
    block would be paged in by the system every time.
    """
    n_samples, n_features = X.shape
    first = -curvature_weights.sum() * reference
    second = np.zeros(n_features)
    buffer = np.empty((next(row_blocks(n_samples, n_features)).stop, n_features))
    for rows in row_blocks(n_samples, n_features):
        X_rows = X[rows]
        block = buffer[: X_rows.shape[0]]
        first += curvature_weights[rows] @ X_rows
        np.subtract(X_rows, reference, out=block)
        np.square(block, out=block)
        second += curvature_weights[rows] @ block
    return first, second


def centre_and_squares(X, curvature_weights, fit_intercept):
    """Curvature-weighted column means and sums of squares about them.

    One pass over ``X``. The sums are taken about means estimated from the
    sampled rows and then corrected by the (small) remaining shift, which
    avoids the cancellation of ``sum(v x^2) - sum(v) m^2`` when column means
    dwarf their spread. Without an intercept the centre is zero.
    """
    n_samples, n_features = X.shape
    sampled = _sampled_rows(n_samples, n_features)
    sampled_weights = curvature_weights[sampled]
    if not (fit_intercept and sampled_weights.sum() > 0):
        reference = np.zeros(n_features)
        return reference, weighted_moments(X, curvature_weights, reference)[1]
    reference = (X[sampled].T @ sampled_weights) / sampled_weights.sum()
    first, second = weighted_moments(X, curvature_weights, reference)
    shift = first / curvature_weights.sum()
    squares = second - curvature_weights.sum() * shift**2
    return reference + shift, np.maximum(squares, 0.0)


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


def build_preconditioner(X, curvature_weights, alpha, fit_intercept, origin):
    """Preconditioner from the curvature weights ``w * mu * (1 - mu)`` at ``origin``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    curvature_weights : ndarray of shape (n_samples,)
        Sample weight times the loss curvature at the starting point.
    alpha : float
    fit_intercept : bool
    origin : ndarray of shape (n_features + fit_intercept,)

    Returns
    -------
    AffinePreconditioner
    """
    center, squares = centre_and_squares(X, curvature_weights, fit_intercept)
    coef_map = _coef_map(X, curvature_weights, center, squares, alpha)
    if not fit_intercept:
        return AffinePreconditioner(origin, coef_map, None, 1.0)
    total_curvature = curvature_weights.sum()
    intercept_scale = 1.0 / np.sqrt(total_curvature) if total_curvature > 0 else 1.0
    return AffinePreconditioner(origin, coef_map, center, intercept_scale)
