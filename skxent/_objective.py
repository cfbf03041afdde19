"""The linear-model objective: weighted mean cross-entropy plus an L2 penalty.

The parameters are ``params = [coef, intercept]``, the intercept row last
and only when it is fitted: a vector of shape (n_features + 1,) for a binary
link, a matrix of shape (n_features + 1, n_classes) with a column per class
for the softmax. For a design matrix ``X`` with targets ``t`` and weights
``w`` summing to 1 the objective is

    f(params) = sum_i w_i * CE(t_i, x_i @ coef + intercept) + alpha / 2 * ||coef||^2,

scikit-learn's GLM scaling (``PoissonRegressor``): the intercept is not
penalised. ``CE`` and its derivatives come from a ``CrossEntropyLoss``.

An evaluation needs ``X @ coef`` and then ``X.T @ residual``. Both are done
block of rows by block of rows, the second product while the block is still
in cache, so ``X`` is read from memory once per evaluation instead of twice:
memory traffic, not arithmetic, bounds the time of a fit on large data.
"""

import numpy as np
from scipy import sparse

# Rows per block: 4 MiB of float64. Measured on 1M x 100: blocks of a few MiB
# stay in the last-level cache between the two products, and are large
# enough for BLAS to use all its threads; 0.5-2 MiB blocks were 50% slower.
BLOCK_ELEMENTS = 2**19


def row_blocks(n_samples, n_features):
    """Consecutive slices of about ``BLOCK_ELEMENTS`` elements of rows."""
    rows = max(1, BLOCK_ELEMENTS // max(n_features, 1))
    for start in range(0, n_samples, rows):
        yield slice(start, min(start + rows, n_samples))


def block_buffer(X, dtype):
    """An array for one block of rows of ``X``, in ``X``'s memory order.

    Copying a block of a Fortran-ordered ``X`` into a C-ordered buffer (or
    back) would transpose it element by element, far slower than the
    products it serves.
    """
    order = "F" if X.flags.f_contiguous and not X.flags.c_contiguous else "C"
    rows = next(row_blocks(*X.shape)).stop
    return np.empty((rows, X.shape[1]), dtype=dtype, order=order)


def split_params(params, fit_intercept):
    """Return ``(coef, intercept)`` from the parameters (intercept row last)."""
    if fit_intercept:
        return params[:-1], params[-1]
    return params, 0.0


def join_params(coef, intercept, fit_intercept):
    """The parameters ``[coef, intercept]`` (``coef`` alone without intercept)."""
    if not fit_intercept:
        return coef
    return np.concatenate((coef, np.asarray(intercept, dtype=coef.dtype)[np.newaxis]))


def _scale_rows(weights, values):
    """``values`` with row ``i`` multiplied by ``weights[i]``."""
    return values * weights.reshape((-1,) + (1,) * (values.ndim - 1))


def column_sums(values):
    """``values.sum(axis=0)`` as a product with ones: several times faster
    than numpy's reduction for a few columns of many rows."""
    return np.ones(values.shape[0], dtype=values.dtype) @ values


def raw_prediction(params, X, fit_intercept):
    """The linear predictor ``X @ coef + intercept``."""
    coef, intercept = split_params(params, fit_intercept)
    if not coef.any():
        # A cold start: no need to read X.
        return np.zeros((X.shape[0],) + coef.shape[1:]) + intercept
    return X @ coef.astype(X.dtype, copy=False) + intercept


def _blocks(X, dtype):
    """Yield ``(rows, X[rows])`` block by block, converted to ``dtype``.

    A conversion goes through one reused buffer: a fresh array per block
    would be paged in by the system every time. A sparse ``X`` is one block:
    slicing it would copy it, and its products read each stored value once
    whatever the blocks.
    """
    if sparse.issparse(X):
        yield slice(None), X.astype(dtype, copy=False)
        return
    blocks = row_blocks(*X.shape)
    if X.dtype == dtype:
        for rows in blocks:
            yield rows, X[rows]
        return
    buffer = block_buffer(X, dtype)
    for rows in blocks:
        X_rows = buffer[: rows.stop - rows.start]
        np.copyto(X_rows, X[rows])
        yield rows, X_rows


def _raw_prediction_blocks(params, X, fit_intercept, dtype):
    """Yield ``(rows, X[rows], raw prediction on those rows)`` block by block."""
    for rows, X_rows in _blocks(X, dtype):
        yield rows, X_rows, raw_prediction(params, X_rows, fit_intercept)


def objective_value_and_gradient(
    params, X, targets, weights, alpha, fit_intercept, loss, dtype=None
):
    """Objective value and its gradient in one read of ``X``.

    The products with ``X`` are taken in ``X``'s own dtype unless ``dtype``
    says otherwise: float32 data read as float32 move half the bytes, and
    ``dtype=np.float64`` gives the full-precision gradient of the same data
    (a float32 product of a block rounds the gradient to about ``1e-9``).
    The loss itself is always computed in float64.

    Parameters
    ----------
    params : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
        ``coef`` followed by the intercept row when ``fit_intercept``.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        float64 or float32.
    targets : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Probabilities in [0, 1], or rows on the probability simplex.
    weights : ndarray of shape (n_samples,)
        Non-negative sample weights that sum to 1.
    alpha : float
        L2 penalty strength on ``coef``.
    fit_intercept : bool
    loss : CrossEntropyLoss
    dtype : {np.float64, np.float32}, default=None
        The dtype of the products with ``X``; None for ``X.dtype``.

    Returns
    -------
    value : float
    gradient : ndarray of the shape of ``params``

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._loss import BINARY_LOSSES
    >>> from skxent._objective import objective_value_and_gradient
    >>> X = np.array([[0.0], [1.0]])
    >>> value, gradient = objective_value_and_gradient(
    ...     np.zeros(2), X, np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.0, True,
    ...     BINARY_LOSSES["logit"],
    ... )
    >>> round(float(value), 6), gradient
    (0.693147, array([-0.25,  0.  ]))
    """
    coef, _ = split_params(params, fit_intercept)
    value = 0.5 * alpha * np.vdot(coef, coef)
    coef_gradient = alpha * coef
    intercept_gradient = 0.0
    dtype = X.dtype if dtype is None else dtype
    for rows, X_rows, eta in _raw_prediction_blocks(params, X, fit_intercept, dtype):
        sample_loss, loss_gradient = loss.loss_and_gradient(targets[rows], eta)
        value += weights[rows] @ sample_loss
        residual = _scale_rows(weights[rows], loss_gradient)
        coef_gradient += X_rows.T @ residual.astype(X_rows.dtype, copy=False)
        intercept_gradient += column_sums(residual)
    return value, join_params(coef_gradient, intercept_gradient, fit_intercept)


def curvature_at(params, X, targets, fit_intercept, loss):
    """The loss's curvature (second derivative in ``eta``) at ``params``."""
    return loss.curvature(targets, raw_prediction(params, X, fit_intercept))


def hessian_vector_product(vector, X, curvature, weights, alpha, fit_intercept, loss):
    """Product of the objective's Hessian with ``vector``, in one read of ``X``.

    The Hessian is ``X1.T @ diag(w) @ C @ X1`` plus ``alpha`` on the ``coef``
    block, where ``X1`` is ``X`` with a column of ones appended when
    ``fit_intercept`` and ``C`` applies the loss's ``curvature`` (from
    :func:`curvature_at` at the point of interest) row by row. ``X`` itself is
    never copied or augmented. The products are taken in ``X``'s dtype: a
    Hessian product need not be as exact as a gradient.
    """
    vector_coef, _ = split_params(vector, fit_intercept)
    coef_product = alpha * vector_coef
    intercept_product = 0.0
    for rows, X_rows, direction in _raw_prediction_blocks(
        vector, X, fit_intercept, X.dtype
    ):
        residual = _scale_rows(
            weights[rows], loss.curvature_product(curvature[rows], direction)
        )
        coef_product += X_rows.T @ residual.astype(X_rows.dtype, copy=False)
        intercept_product += column_sums(residual)
    return join_params(coef_product, intercept_product, fit_intercept)
