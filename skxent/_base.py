"""The fit flow shared by both estimators: validate, build the objective, solve, store.

Subclasses say only how targets become probabilities in [0, 1], or rows of
class probabilities (``_targets_to_probabilities``), and how predicted
probabilities become predictions (``_probabilities_to_targets``). The shape
of the probabilities picks the loss: the binary loss of ``link`` for 1-D, the
softmax for 2-D.
"""

from abc import abstractmethod
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._loss import BINARY_LOSSES, SOFTMAX_LOSS
from ._objective import (
    curvature_at,
    hessian_vector_product,
    join_params,
    objective_value_and_gradient,
    split_params,
)
from ._preconditioning import build_preconditioner
from ._row_blocks import parallel_row_blocks
from ._solver import minimize_smooth_convex
from ._validation import check_sample_weight

# A float32 fit stops at a gradient of this or tol, whichever is larger:
# there its predictions agree with the float64 fit's to float32 precision
# (about 1e-7, measured on 200k x 100 and 200k x 50 with scales 1e-2..1e2),
# and a smaller gradient changes nothing float32 coefficients can hold,
# while float32 products round the gradient to a few 1e-9.
FLOAT32_TOLERANCE = 1e-8


def _cold_start(n_features, targets, weights, fit_intercept, link):
    """Zero coefficients; the intercept that fits the weighted mean target."""
    coef = np.zeros((n_features,) + targets.shape[1:])
    intercept = np.zeros(targets.shape[1:])
    if fit_intercept:
        # Targets all 0 (or all 1) have their optimum at intercept -inf
        # (+inf): start at a finite point in that direction and let the
        # solver go on.
        intercept = link.link(np.clip(weights @ targets, 1e-10, 1.0 - 1e-10))
    return join_params(coef, intercept, fit_intercept)


def fit_cross_entropy(
    X,
    targets,
    sample_weight,
    *,
    loss,
    alpha,
    fit_intercept,
    tol,
    max_iter,
    verbose,
    start,
):
    """Minimise the penalised weighted mean cross-entropy of a linear model.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        float64, or float32: then L-BFGS and the Hessian products read it as
        float32 (half the bytes) and only the Newton steps' gradients, which
        decide ``tol``, are taken in float64.
    targets : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Probabilities in [0, 1], or rows on the probability simplex.
    sample_weight : ndarray of shape (n_samples,)
        Non-negative, not all zero.
    loss : CrossEntropyLoss
        A binary loss for 1-D targets, the softmax loss for 2-D ones.
    alpha, fit_intercept, tol, max_iter, verbose
        As in the estimators.
    start : ndarray or None
        Parameters to start from, of the shape returned; None for a cold start.

    Returns
    -------
    params : ndarray of shape (n_features + fit_intercept,) or \
            (n_features + fit_intercept, n_classes)
        ``coef`` followed by the intercept row when fitted.
    n_iter : int
    """
    weights = sample_weight / sample_weight.sum()
    if start is None:
        start = _cold_start(X.shape[1], targets, weights, fit_intercept, loss.link)
    with parallel_row_blocks(X) as blocks:
        preconditioner = build_preconditioner(
            blocks,
            *loss.curvature_factors(
                curvature_at(start, blocks, targets, fit_intercept, loss), weights
            ),
            alpha,
            fit_intercept,
            start,
        )
        shared = {
            "blocks": blocks,
            "weights": weights,
            "alpha": alpha,
            "fit_intercept": fit_intercept,
            "loss": loss,
        }
        objective = partial(objective_value_and_gradient, targets=targets, **shared)

        def value_and_gradient(z, dtype=X.dtype):
            value, gradient = objective(preconditioner.params(z), dtype=dtype)
            return value, preconditioner.gradient(gradient)

        def hessian_product_at(z):
            curvature = curvature_at(
                preconditioner.params(z), blocks, targets, fit_intercept, loss
            )
            return lambda v: preconditioner.gradient(
                hessian_vector_product(
                    preconditioner.step(v), curvature=curvature, **shared
                )
            )

        result = minimize_smooth_convex(
            value_and_gradient,
            hessian_product_at,
            preconditioner.n_variables,
            tol=tol if X.dtype == np.float64 else max(tol, FLOAT32_TOLERANCE),
            max_iter=max_iter,
            verbose=verbose,
            exact_value_and_gradient=(
                None
                if X.dtype == np.float64
                else partial(value_and_gradient, dtype=np.float64)
            ),
        )
    return preconditioner.params(result.solution), result.n_iter


class CrossEntropyRegressorBase(RegressorMixin, BaseEstimator):
    """Linear model with a probability link fitted by minimising cross-entropy.

    Not for direct use: see ``ProbabilityRegressor`` and
    ``CrossEntropyRegressor``.
    """

    _parameter_constraints: dict = {
        "link": [StrOptions(set(BINARY_LOSSES))],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        link="logit",
        alpha=1e-4,
        fit_intercept=True,
        max_iter=100,
        tol=1e-10,
        warm_start=False,
        verbose=0,
    ):
        self.link = link
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    @abstractmethod
    def _targets_to_probabilities(self, y, sample_weight):
        """Validated targets -> probabilities in [0, 1]; may set fitted attributes."""

    @abstractmethod
    def _probabilities_to_targets(self, probabilities):
        """Predicted probabilities -> predictions in the targets' units."""

    def _loss_for(self, targets):
        """The binary loss of ``link`` for 1-D targets, the softmax for 2-D."""
        if targets.ndim == 1:
            return BINARY_LOSSES[self.link]
        if self.link != "logit":
            raise ValueError(
                f"link={self.link!r} applies to 1-D targets; 2-D targets (rows "
                "of class probabilities) are fitted with the softmax, the "
                "multinomial logit. Use link='logit' (the default)."
            )
        return SOFTMAX_LOSS

    def _warm_start_params(self, n_features, targets):
        """The previous solution when warm starting on data of the same shape."""
        coef_shape = targets.shape[1:] + (n_features,)
        if not self.warm_start or getattr(self, "coef_", np.empty(0)).shape != (
            coef_shape
        ):
            return None
        return join_params(
            self.coef_.T.astype(np.float64), self.intercept_, self.fit_intercept
        )

    def _store_params(self, params, dtype):
        """Set ``coef_`` (a row per class for the softmax) and ``intercept_``."""
        coef, intercept = split_params(params, self.fit_intercept)
        self.coef_ = coef.T.astype(dtype)
        # split_params gives the scalar 0.0 without an intercept.
        intercept = np.zeros(coef.shape[1:]) + intercept
        self.intercept_ = float(intercept) if intercept.ndim == 0 else intercept

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model by minimising the penalised weighted mean cross-entropy.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float64 and float32 data are used as they are (no
            copy); float32 is fitted with float32 products. Sparse data in
            CSR or CSC format are never densified.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, such as trial counts when ``y`` is a
            proportion. None gives every sample weight 1.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            y_numeric=True,
            multi_output=self.__sklearn_tags__().target_tags.multi_output,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            # scikit-learn's convention: a column vector is 1-D y, with a warning.
            y = column_or_1d(y, warn=True)
        sample_weight = check_sample_weight(sample_weight, X)
        targets = self._targets_to_probabilities(
            y.astype(np.float64, copy=False), sample_weight
        )
        self._fitted_loss = self._loss_for(targets)
        params, self.n_iter_ = fit_cross_entropy(
            X,
            targets,
            sample_weight,
            loss=self._fitted_loss,
            alpha=self.alpha,
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            verbose=self.verbose,
            start=self._warm_start_params(X.shape[1], targets),
        )
        self._store_params(params, X.dtype)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def predict(self, X):
        """Predict with the fitted model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predictions, in the units (and shape) of the training targets.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        )
        raw_prediction = X @ self.coef_.T + np.asarray(self.intercept_, dtype=X.dtype)
        return self._probabilities_to_targets(
            self._fitted_loss.link.inverse(raw_prediction)
        )
