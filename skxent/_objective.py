"""The linear-model objective: weighted mean cross-entropy plus an L2 penalty.

The parameters are one flat vector ``params = [coef, intercept]`` (the
intercept last, only when it is fitted), and for a design matrix ``X`` with
targets ``t`` in [0, 1] and weights ``w`` summing to 1 the objective is

    f(params) = sum_i w_i * CE(t_i, x_i @ coef + intercept) + alpha / 2 * ||coef||^2,

scikit-learn's GLM scaling (``PoissonRegressor``): the intercept is not
penalised.

An evaluation needs ``X @ coef`` and then ``X.T @ residual``. Both are done
block of rows by block of rows, the second product while the block is still
in cache, so ``X`` is read from memory once per evaluation instead of twice:
memory traffic, not arithmetic, bounds the time of a fit on large data.
"""

import numpy as np

from ._loss import cross_entropy_and_gradient, cross_entropy_curvature

# Rows per block: 4 MiB of float64. Measured on 1M x 100: blocks of a few MiB
# stay in the last-level cache between the two products, and are large
# enough for BLAS to use all its threads; 0.5-2 MiB blocks were 50% slower.
BLOCK_ELEMENTS = 2**19


def row_blocks(n_samples, n_features):
    """Consecutive slices of about ``BLOCK_ELEMENTS`` elements of rows."""
    rows = max(1, BLOCK_ELEMENTS // max(n_features, 1))
    for start in range(0, n_samples, rows):
        yield slice(start, min(start + rows, n_samples))


def split_params(params, fit_intercept):
    """Return ``(coef, intercept)`` from the flat parameter vector."""
    if fit_intercept:
        return params[:-1], params[-1]
    return params, 0.0


def join_params(coef, intercept, fit_intercept):
    """The flat vector ``[coef, intercept]`` (``coef`` alone without intercept)."""
    return np.append(coef, intercept) if fit_intercept else coef


def raw_prediction(params, X, fit_intercept):
    """The linear predictor ``X @ coef + intercept``."""
    coef, intercept = split_params(params, fit_intercept)
    if not coef.any():
        # A cold start: no need to read X.
        return np.full(X.shape[0], float(intercept))
    return X @ coef + intercept


def _raw_prediction_blocks(params, X, fit_intercept):
    """Yield ``(rows, X[rows], raw prediction on those rows)`` block by block."""
    for rows in row_blocks(*X.shape):
        X_rows = X[rows]
        yield rows, X_rows, raw_prediction(params, X_rows, fit_intercept)


def objective_value_and_gradient(params, X, targets, weights, alpha, fit_intercept):
    """Objective value and its gradient in one read of ``X``.

    Parameters
    ----------
    params : ndarray of shape (n_features + fit_intercept,)
        ``coef`` followed by the intercept when ``fit_intercept``.
    X : ndarray of shape (n_samples, n_features)
    targets : ndarray of shape (n_samples,)
        Probabilities in [0, 1].
    weights : ndarray of shape (n_samples,)
        Non-negative sample weights that sum to 1.
    alpha : float
        L2 penalty strength on ``coef``.
    fit_intercept : bool

    Returns
    -------
    value : float
    gradient : ndarray of the shape of ``params``

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._objective import objective_value_and_gradient
    >>> X = np.array([[0.0], [1.0]])
    >>> value, gradient = objective_value_and_gradient(
    ...     np.zeros(2), X, np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.0, True
    ... )
    >>> round(float(value), 6), gradient
    (0.693147, array([-0.25,  0.  ]))
    """
    coef, _ = split_params(params, fit_intercept)
    value = 0.5 * alpha * (coef @ coef)
    coef_gradient = alpha * coef
    intercept_gradient = 0.0
    for rows, X_rows, eta in _raw_prediction_blocks(params, X, fit_intercept):
        loss, loss_gradient = cross_entropy_and_gradient(targets[rows], eta)
        value += weights[rows] @ loss
        residual = weights[rows] * loss_gradient
        coef_gradient += residual @ X_rows
        intercept_gradient += residual.sum()
    return value, join_params(coef_gradient, intercept_gradient, fit_intercept)


def curvature_weights(params, X, weights, fit_intercept):
    """Per-sample Hessian weights ``w * mu * (1 - mu)`` at ``params``."""
    return weights * cross_entropy_curvature(raw_prediction(params, X, fit_intercept))


def hessian_vector_product(vector, X, hessian_weights, alpha, fit_intercept):
    """Product of the objective's Hessian with ``vector``, in one read of ``X``.

    The Hessian is ``X1.T @ diag(hessian_weights) @ X1`` plus ``alpha`` on the
    ``coef`` block, where ``X1`` is ``X`` with a column of ones appended when
    ``fit_intercept`` and ``hessian_weights`` come from
    :func:`curvature_weights` at the point of interest. ``X`` itself is never
    copied or augmented.
    """
    vector_coef, _ = split_params(vector, fit_intercept)
    coef_product = alpha * vector_coef
    intercept_product = 0.0
    for rows, X_rows, direction in _raw_prediction_blocks(vector, X, fit_intercept):
        residual = hessian_weights[rows] * direction
        coef_product += residual @ X_rows
        intercept_product += residual.sum()
    return join_params(coef_product, intercept_product, fit_intercept)
