"""The linear-model objective: weighted mean cross-entropy plus an L2 penalty.

The parameters are ``params = [coef, intercept]``, the intercept row last
and only when it is fitted: a vector of shape (n_features + 1,) for a binary
link, a matrix of shape (n_features + 1, n_classes) with a column per class
for the softmax. For a design matrix ``X`` with targets ``t`` and weights
``w`` summing to 1 the objective is

    f(params) = sum_i w_i * CE(t_i, x_i @ coef + intercept)
                + sum_j alpha_j / 2 * ||coef_j||^2 + <slope, coef>,

scikit-learn's GLM scaling (``PoissonRegressor``): the intercept is not
penalised. ``alpha_j`` is one number for every feature or one per feature
(an elastic net's L2 part with penalty weights); the linear term ``slope``
is an L1 penalty where the signs of the coefficients are fixed (see
``_lasso``'s active-set solver), zero otherwise. ``CE`` and its derivatives
come from a link (``_link.py``).

An evaluation needs ``X @ coef`` and then ``X.T @ residual``. Both are done
block of rows by block of rows (``RowBlocks``, in parallel threads), the
second product while the block is still in cache, so ``X`` is read from
memory once per evaluation instead of twice: memory traffic, not arithmetic,
bounds the time of a fit on large data.
"""

import copy
from typing import NamedTuple

import numpy as np
from scipy import sparse


def split_params(params, fit_intercept):
    """Return ``(coef, intercept)`` from the parameters (intercept row last)."""
    if fit_intercept:
        return params[:-1], params[-1]
    return params, 0.0


def join_params(coef, intercept, fit_intercept):
    """Return the parameters ``[coef, intercept]`` (``coef`` alone if no intercept)."""
    if not fit_intercept:
        return coef
    return np.concatenate((coef, np.asarray(intercept, dtype=coef.dtype)[np.newaxis]))


def coef_and_intercept(params, fit_intercept):
    """Return the estimators' ``coef_`` and ``intercept_`` from the parameters.

    ``coef_`` has a row per class for the softmax; ``intercept_`` is 0.0
    without intercept.
    """
    coef, intercept = split_params(params, fit_intercept)
    intercept = np.zeros(coef.shape[1:]) + intercept
    return coef.T, (float(intercept) if intercept.ndim == 0 else intercept)


def params_of(coef, intercept, fit_intercept):
    """Return the float64 parameters of the estimators' ``coef_`` and ``intercept_``.

    This is the inverse of :func:`coef_and_intercept`.
    """
    return join_params(np.asarray(coef, dtype=np.float64).T, intercept, fit_intercept)


def scale_rows(values, weights):
    """Multiply row ``i`` of ``values`` by ``weights[i]``.

    ``values`` is dense, with any number of axes, or a sparse matrix.
    """
    if sparse.issparse(values):
        return sparse.csr_array(values.multiply(weights[:, np.newaxis]))
    return values * weights.reshape((-1,) + (1,) * (values.ndim - 1))


def column_sums(values):
    """``values.sum(axis=0)`` as a product with ones.

    It is several times faster than numpy's reduction for a few columns of
    many rows.
    """
    return np.ones(values.shape[0], dtype=values.dtype) @ values


def design_matrix(X_rows, fit_intercept):
    """``[X[rows], 1]`` in float64: a dense block, or a sparse CSR one."""
    if sparse.issparse(X_rows):
        columns = [X_rows.astype(np.float64)]
        if fit_intercept:
            columns.append(sparse.csr_array(np.ones((X_rows.shape[0], 1))))
        return sparse.csr_array(sparse.hstack(columns))
    design = np.ones((X_rows.shape[0], X_rows.shape[1] + fit_intercept))
    design[:, : X_rows.shape[1]] = X_rows
    return design


def dense(matrix):
    """``matrix`` as a numpy array: products with sparse blocks are sparse."""
    return matrix.toarray() if sparse.issparse(matrix) else matrix


def weighted_grams(design, row_matrices):
    """Sum ``M_i (x) x_i x_i^T`` over the rows, for symmetric ``M_i`` (rows, K, K).

    Return it as an array of shape (width, K, width, K): reshaped to a
    square, its rows and columns follow parameters of shape (width, K)
    flattened in C order.
    """
    n_classes = row_matrices.shape[1]
    width = design.shape[1]
    grams = np.empty((width, n_classes, width, n_classes))
    for k in range(n_classes):
        for m in range(k, n_classes):
            gram = dense(design.T @ scale_rows(design, row_matrices[:, k, m]))
            grams[:, k, :, m] = gram
            grams[:, m, :, k] = gram.T
    return grams


def per_coefficient(values, coef):
    """``values`` of shape (n_features,) (or a number) broadcast to ``coef``'s shape.

    ``coef`` has a column per class for the softmax.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 0:
        return values
    return values.reshape(values.shape + (1,) * (np.ndim(coef) - 1))


def raw_prediction(params, X, fit_intercept):
    """Return the linear predictor ``X @ coef + intercept``."""
    coef, intercept = split_params(params, fit_intercept)
    if not coef.any():
        # A cold start: no need to read X.
        return np.zeros((X.shape[0],) + coef.shape[1:]) + intercept
    return X @ coef.astype(X.dtype, copy=False) + intercept


class HessianBasis(NamedTuple):
    """Variables ``z`` in which a Hessian is taken: ``params = F @ (z @ S) + c``.

    ``feature_map`` is ``F``, of shape (n_features + fit_intercept, n_rows
    of ``z``); ``class_map`` is the symmetric class matrix ``S`` (None for a
    binary link, where ``z`` is a vector). The Hessian in ``z`` is
    ``sum_i (F.T x1_i)(F.T x1_i).T (x) S w_i C_i S`` for rows ``x1_i = [x_i, 1]``
    with curvature matrices ``C_i``: the Gram of the mapped design, formed
    without the cancellations of mapping the Hessian in ``params``.
    """

    feature_map: np.ndarray
    class_map: np.ndarray | None = None

    def step(self, z):
        """Return the parameter change ``F @ (z @ S)`` for a flat ``z``."""
        if self.class_map is None:
            return self.feature_map @ z
        rows = z.reshape(self.feature_map.shape[1], -1)
        return self.feature_map @ (rows @ self.class_map)

    def gradient(self, params_gradient):
        """Return the gradient in ``z``, flat, from the one in the parameters."""
        z_gradient = self.feature_map.T @ params_gradient
        if self.class_map is None:
            return z_gradient
        return (z_gradient @ self.class_map).ravel()


def _loss_hessian(link, X_rows, targets_rows, weights_rows, eta, basis):
    """Sum the weighted loss's Hessian in ``basis`` over a block of rows.

    It is an array of shape (n_rows of z, K, n_rows of z, K) (see
    :func:`weighted_grams`), for a block of ``X`` with or without an
    intercept column in ``basis.feature_map``'s last row.
    """
    # A column per class: one for a binary link.
    eta = eta.reshape(len(eta), -1)
    curvature = link.curvature_matrices(targets_rows.reshape(eta.shape), eta)
    if basis.class_map is not None:
        curvature = basis.class_map @ curvature @ basis.class_map
    feature_map = basis.feature_map
    n_features = X_rows.shape[1]
    design = dense(X_rows @ feature_map[:n_features])
    if len(feature_map) > n_features:
        design = design + feature_map[n_features]
    return weighted_grams(design, weights_rows[:, np.newaxis, np.newaxis] * curvature)


class _LatestLoss:
    """The unpenalised loss and gradient of the latest evaluation, by its point.

    The point is the parameters and the dtype of the products; with them,
    the loss's Hessian where the evaluation summed it, and its basis.
    """

    def __init__(self):
        self.point = None
        self.loss_and_gradients = None
        self.hessian = None
        self.basis = None

    def get(self, params, dtype):
        """Return the stored sums at ``(params, dtype)``, or None."""
        if self.point is None:
            return None
        stored_params, stored_dtype = self.point
        if stored_dtype != dtype or not np.array_equal(stored_params, params):
            return None
        return self.loss_and_gradients

    def put(self, params, dtype, loss_and_gradients, hessian=None, basis=None):
        """Store the sums at ``(params, dtype)``, with the Hessian in ``basis``."""
        self.point = (params.copy(), dtype)
        self.loss_and_gradients = loss_and_gradients
        self.hessian, self.basis = hessian, basis

    def loss_hessian(self, params, basis):
        """Return the loss's Hessian in ``basis`` summed with the latest evaluation.

        None unless that evaluation was at ``params`` and summed it in the
        same ``basis`` (the very object).
        """
        if self.hessian is None or self.basis is not basis:
            return None
        if not np.array_equal(self.point[0], params):
            return None
        return self.hessian


class LinearObjective:
    """The penalised weighted mean cross-entropy of a linear model, and its derivatives.

    Each is computed in one read of ``X``. The products with ``X`` are taken
    in ``X``'s own dtype unless told otherwise: float32 data read as float32
    move half the bytes, and ``dtype=np.float64`` gives the full-precision
    gradient of the same data (a float32 product of a block rounds the
    gradient to about ``1e-9``). The loss itself is always computed in float64.

    Parameters
    ----------
    blocks : RowBlocks or DaskRowBlocks
        The design matrix ``X`` (float64 or float32) of shape (n_samples,
        n_features), in blocks of rows.
    targets : array of shape (n_samples,) or (n_samples, n_classes)
        Probabilities in [0, 1], or rows on the probability simplex, as
        ``blocks.rows`` gives them.
    weights : array of shape (n_samples,)
        Non-negative sample weights that sum to 1, as ``blocks.rows`` gives
        them.
    alpha : float or ndarray of shape (n_features,)
        L2 penalty strength on ``coef``, one for all features or one per
        feature.
    fit_intercept : bool
    link : link from ``_link.py``
        A binary link for 1-D targets, the softmax for 2-D ones.
    slope : ndarray of the shape of ``coef``, default=None
        The linear term's coefficients; None for none.

    Examples
    --------
    >>> import numpy as np
    >>> from skxent._link import LOGIT
    >>> from skxent._objective import LinearObjective
    >>> from skxent._row_blocks import RowBlocks
    >>> X = np.array([[0.0], [1.0]])
    >>> objective = LinearObjective(
    ...     RowBlocks(X), np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.0, True, LOGIT
    ... )
    >>> value, gradient = objective.value_and_gradient(np.zeros(2))
    >>> round(float(value), 6), gradient
    (0.693147, array([-0.25,  0.  ]))
    """

    def __init__(
        self, blocks, targets, weights, alpha, fit_intercept, link, slope=None
    ):
        self.blocks = blocks
        self.targets = targets
        self.weights = weights
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.link = link
        self.slope = slope
        self.hessian_basis = None
        self._latest_loss = _LatestLoss()

    @property
    def penalised(self):
        """Whether any coefficient is penalised (L2, or the L1 slope)."""
        return bool(np.any(np.asarray(self.alpha) > 0)) or (
            self.slope is not None and bool(np.any(self.slope))
        )

    def with_alpha(self, alpha):
        """Return the objective with the penalty ``alpha`` on the same data.

        It shares this one's memory of its latest evaluation: along a path of
        alphas, each fit starts at the previous solution, where the loss and
        its gradient are already known and only the penalty changes, so the
        first evaluation reads nothing.
        """
        objective = copy.copy(self)
        objective.alpha = alpha
        return objective

    def with_slope(self, slope):
        """Return the objective with the linear term ``slope`` on the same data.

        It shares this one's memory of its latest evaluation, as
        :meth:`with_alpha` does.
        """
        objective = copy.copy(self)
        objective.slope = slope
        return objective

    def with_hessians(self, basis):
        """Return the objective whose evaluations also sum the Hessian in ``basis``.

        It is summed in the same pass over ``X`` as the gradient (see
        :meth:`hessian`); the objective shares this one's memory of its
        latest evaluation.
        """
        objective = copy.copy(self)
        objective.hessian_basis = basis
        return objective

    def value_and_gradient(self, params, dtype=None):
        """Return the objective at ``params`` and its gradient, of ``params``' shape.

        The products with ``X`` are taken in ``dtype`` (None for ``X.dtype``).
        """
        fit_intercept, link, basis = self.fit_intercept, self.link, self.hessian_basis

        def block_terms(X_rows, targets_rows, weights_rows):
            eta = raw_prediction(params, X_rows, fit_intercept)
            sample_loss, loss_gradient = link.loss_and_gradient(targets_rows, eta)
            residual = scale_rows(loss_gradient, weights_rows)
            terms = (
                weights_rows @ sample_loss,
                X_rows.T @ residual.astype(X_rows.dtype, copy=False),
                column_sums(residual),
            )
            if basis is not None:
                terms += (
                    _loss_hessian(link, X_rows, targets_rows, weights_rows, eta, basis),
                )
            return terms

        sums = self._latest_loss.get(params, dtype)
        if sums is None:
            sums = self.blocks.sum(block_terms, (self.targets, self.weights), dtype)
            hessian = sums[3] if basis is not None else None
            sums = sums[:3]
            self._latest_loss.put(params, dtype, sums, hessian, basis)
        value, coef_gradient, intercept_gradient = sums
        coef, _ = split_params(params, fit_intercept)
        ridge = per_coefficient(self.alpha, coef) * coef
        value += 0.5 * np.vdot(ridge, coef)
        coef_gradient = coef_gradient + ridge
        if self.slope is not None:
            value += np.vdot(self.slope, coef)
            coef_gradient = coef_gradient + self.slope
        return value, join_params(coef_gradient, intercept_gradient, fit_intercept)

    def curvature_at(self, params):
        """Return the loss's curvature (second derivative in ``eta``) at ``params``.

        It is an array of rows.
        """
        fit_intercept, link = self.fit_intercept, self.link
        return self.blocks.map(
            lambda X_rows, targets_rows: link.curvature(
                targets_rows, raw_prediction(params, X_rows, fit_intercept)
            ),
            (self.targets,),
        )

    def hessian_product(self, vector, curvature):
        """Return the objective's Hessian times ``vector``, in one read of ``X``.

        The Hessian is the one at the point of ``curvature`` (from
        :meth:`curvature_at`): ``X1.T @ diag(w) @ C @ X1`` plus ``alpha`` on the
        ``coef`` block, where ``X1`` is ``X`` with a column of ones appended
        when ``fit_intercept`` and ``C`` applies the curvature row by row.
        ``X`` itself is never copied or augmented. The products are taken in
        ``X``'s dtype: a Hessian product need not be as exact as a gradient.
        """
        fit_intercept, link = self.fit_intercept, self.link

        def block_terms(X_rows, curvature_rows, weights_rows):
            direction = raw_prediction(vector, X_rows, fit_intercept)
            residual = scale_rows(
                link.curvature_product(curvature_rows, direction), weights_rows
            )
            return (
                X_rows.T @ residual.astype(X_rows.dtype, copy=False),
                column_sums(residual),
            )

        coef_product, intercept_product = self.blocks.sum(
            block_terms, (curvature, self.weights)
        )
        vector_coef, _ = split_params(vector, fit_intercept)
        coef_product = coef_product + per_coefficient(self.alpha, vector_coef) * (
            vector_coef
        )
        return join_params(coef_product, intercept_product, fit_intercept)

    def hessian(self, params, basis):
        """Return the objective's Hessian at ``params`` in ``basis``, a dense matrix.

        ``basis`` is a :class:`HessianBasis`; the Hessian's rows and columns
        follow ``z`` flattened in C order. It is the one summed with the
        latest evaluation if that was at ``params`` in ``basis`` (see
        :meth:`with_hessians`), else summed in a pass of its own. It costs
        ``O(n_samples * n_z**2)``: for problems of few parameters, where it
        is about as cheap as a gradient.
        """
        fit_intercept, link = self.fit_intercept, self.link
        loss_hessian = self._latest_loss.loss_hessian(params, basis)
        if loss_hessian is None:
            (loss_hessian,) = self.blocks.sum(
                lambda X_rows, targets_rows, weights_rows: (
                    _loss_hessian(
                        link,
                        X_rows,
                        targets_rows,
                        weights_rows,
                        raw_prediction(params, X_rows, fit_intercept),
                        basis,
                    ),
                ),
                (self.targets, self.weights),
            )
        size = int(np.sqrt(loss_hessian.size))
        coef_map = basis.feature_map[: self.blocks.shape[1]]
        ridge = coef_map.T @ (per_coefficient(self.alpha, coef_map) * coef_map)
        if basis.class_map is not None:
            ridge = np.kron(ridge, basis.class_map @ basis.class_map)
        return loss_hessian.reshape(size, size) + ridge

    def curvature_weights(self, curvature):
        """Return the weighted trace of each row's curvature, an array of rows.

        These are the row weights of the Hessian's feature part.
        """
        return self.weights * self.link.curvature_traces(curvature)

    def curvature_sums(self, curvature):
        """Return the total weighted curvature and ``sum_i w_i C_i``, in one sum.

        The total is ``sum_i w_i trace(C_i)``, summed like
        :meth:`curvature_weights`; the sum of the rows' curvature matrices
        is a number for a binary link (the total again) and a class x class
        matrix for the softmax.
        """
        link = self.link

        def row_terms(curvature_rows, weights_rows):
            row_weights = weights_rows * link.curvature_traces(curvature_rows)
            return (
                float(row_weights.sum()),
                link.curvature_sum(curvature_rows, weights_rows),
            )

        return self.blocks.sum_rows(row_terms, (curvature, self.weights))
