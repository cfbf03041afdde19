"""The linear-model objective: weighted mean cross-entropy plus an L2 penalty.

The parameters are one flat vector ``params = [coef, intercept]`` (the
intercept last, only when it is fitted), and for a design matrix ``X`` with
targets ``t`` in [0, 1] and weights ``w`` summing to 1 the objective is

    f(params) = sum_i w_i * CE(t_i, x_i @ coef + intercept) + alpha / 2 * ||coef||^2,

scikit-learn's GLM scaling (``PoissonRegressor``): the intercept is not
penalised. One evaluation of value and gradient reads ``X`` twice, once for
``X @ coef`` and once for ``X.T @ residual``, which is the least any
first-order method can do.
"""

import numpy as np

from ._loss import cross_entropy_and_gradient, cross_entropy_curvature


def split_params(params, fit_intercept):
    """Return ``(coef, intercept)`` from the flat parameter vector."""
    if fit_intercept:
        return params[:-1], params[-1]
    return params, 0.0


def raw_prediction(params, X, fit_intercept):
    """The linear predictor ``X @ coef + intercept``."""
    coef, intercept = split_params(params, fit_intercept)
    if not coef.any():
        # A cold start: no need to read X.
        return np.full(X.shape[0], float(intercept))
    return X @ coef + intercept


def _params_gradient(X, residual, coef, alpha, fit_intercept):
    """Gradient with respect to ``params`` given the per-sample residual."""
    coef_gradient = X.T @ residual + alpha * coef
    if fit_intercept:
        return np.append(coef_gradient, residual.sum())
    return coef_gradient


def objective_value_and_gradient(params, X, targets, weights, alpha, fit_intercept):
    """Objective value and its gradient in one pass over ``X``.

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
    eta = raw_prediction(params, X, fit_intercept)
    loss, loss_gradient = cross_entropy_and_gradient(targets, eta)
    value = weights @ loss + 0.5 * alpha * (coef @ coef)
    residual = weights * loss_gradient
    return value, _params_gradient(X, residual, coef, alpha, fit_intercept)


def curvature_weights(params, X, weights, fit_intercept):
    """Per-sample Hessian weights ``w * mu * (1 - mu)`` at ``params``."""
    return weights * cross_entropy_curvature(raw_prediction(params, X, fit_intercept))


def hessian_vector_product(vector, X, hessian_weights, alpha, fit_intercept):
    """Product of the objective's Hessian with ``vector``, in one pass over ``X``.

    The Hessian is ``X1.T @ diag(hessian_weights) @ X1`` plus ``alpha`` on the
    ``coef`` block, where ``X1`` is ``X`` with a column of ones appended when
    ``fit_intercept`` and ``hessian_weights`` come from
    :func:`curvature_weights` at the point of interest. ``X`` itself is never
    copied or augmented.
    """
    vector_coef, _ = split_params(vector, fit_intercept)
    direction = raw_prediction(vector, X, fit_intercept)
    return _params_gradient(
        X, hessian_weights * direction, vector_coef, alpha, fit_intercept
    )
