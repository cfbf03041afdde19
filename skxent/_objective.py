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
block of rows by block of rows (``RowBlocks``, in parallel threads), the
second product while the block is still in cache, so ``X`` is read from
memory once per evaluation instead of twice: memory traffic, not arithmetic,
bounds the time of a fit on large data.
"""

import numpy as np


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


def objective_value_and_gradient(
    params, blocks, targets, weights, alpha, fit_intercept, loss, dtype=None
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
    blocks : RowBlocks
        The design matrix ``X`` (float64 or float32) of shape (n_samples,
        n_features), in blocks of rows.
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
    >>> from skxent._row_blocks import RowBlocks
    >>> X = np.array([[0.0], [1.0]])
    >>> value, gradient = objective_value_and_gradient(
    ...     np.zeros(2), RowBlocks(X), np.array([0.0, 1.0]), np.array([0.5, 0.5]),
    ...     0.0, True, BINARY_LOSSES["logit"],
    ... )
    >>> round(float(value), 6), gradient
    (0.693147, array([-0.25,  0.  ]))
    """

    def block_terms(X_rows, targets_rows, weights_rows):
        eta = raw_prediction(params, X_rows, fit_intercept)
        sample_loss, loss_gradient = loss.loss_and_gradient(targets_rows, eta)
        residual = _scale_rows(weights_rows, loss_gradient)
        return (
            weights_rows @ sample_loss,
            X_rows.T @ residual.astype(X_rows.dtype, copy=False),
            column_sums(residual),
        )

    value, coef_gradient, intercept_gradient = blocks.sum(
        block_terms, (targets, weights), dtype
    )
    coef, _ = split_params(params, fit_intercept)
    value += 0.5 * alpha * np.vdot(coef, coef)
    coef_gradient = coef_gradient + alpha * coef
    return value, join_params(coef_gradient, intercept_gradient, fit_intercept)


def curvature_at(params, blocks, targets, fit_intercept, loss):
    """The loss's curvature (second derivative in ``eta``) at ``params``."""
    return blocks.map(
        lambda X_rows, targets_rows: loss.curvature(
            targets_rows, raw_prediction(params, X_rows, fit_intercept)
        ),
        (targets,),
    )


def hessian_vector_product(
    vector, blocks, curvature, weights, alpha, fit_intercept, loss
):
    """Product of the objective's Hessian with ``vector``, in one read of ``X``.

    The Hessian is ``X1.T @ diag(w) @ C @ X1`` plus ``alpha`` on the ``coef``
    block, where ``X1`` is ``X`` with a column of ones appended when
    ``fit_intercept`` and ``C`` applies the loss's ``curvature`` (from
    :func:`curvature_at` at the point of interest) row by row. ``X`` itself is
    never copied or augmented. The products are taken in ``X``'s dtype: a
    Hessian product need not be as exact as a gradient.
    """

    def block_terms(X_rows, curvature_rows, weights_rows):
        direction = raw_prediction(vector, X_rows, fit_intercept)
        residual = _scale_rows(
            weights_rows, loss.curvature_product(curvature_rows, direction)
        )
        return (
            X_rows.T @ residual.astype(X_rows.dtype, copy=False),
            column_sums(residual),
        )

    coef_product, intercept_product = blocks.sum(block_terms, (curvature, weights))
    vector_coef, _ = split_params(vector, fit_intercept)
    coef_product = coef_product + alpha * vector_coef
    return join_params(coef_product, intercept_product, fit_intercept)
