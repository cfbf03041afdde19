"""The fit flow shared by both estimators: validate, build the objective, solve, store.

Subclasses say only how targets become probabilities in [0, 1], or rows of
class probabilities (``_targets_to_probabilities``), and how predicted
probabilities become predictions (``_probabilities_to_targets``). The shape
of the probabilities picks the loss: the binary loss of ``link`` for 1-D, the
softmax for 2-D.
"""

import warnings
from abc import abstractmethod
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import assert_all_finite
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._dask import (
    is_dask_array,
    predict_blockwise,
    validate_dask_training_data,
    validate_dask_X,
)
from ._inference import (
    COV_TYPES,
    average_partial_effects,
    check_groups,
    estimate_table,
    inference_sums,
    parameter_covariance,
)
from ._loss import BINARY_LOSSES, SOFTMAX_LOSS
from ._objective import (
    curvature_at,
    hessian_vector_product,
    join_params,
    objective_value_and_gradient,
    split_params,
)
from ._preconditioning import build_preconditioner
from ._row_blocks import SCRATCH_BLOCK_ELEMENTS, parallel_row_blocks
from ._separation import (
    bound_classes,
    count_separated_rows,
    warn_absent_classes,
    warn_constant_targets,
    warn_separated_rows,
)
from ._solver import minimize_smooth_convex
from ._validation import check_no_strings, check_sample_weight

# A float32 fit stops at a gradient of this or tol, whichever is larger:
# there its predictions agree with the float64 fit's to float32 precision
# (about 1e-7, measured on 200k x 100 and 200k x 50 with scales 1e-2..1e2),
# and a smaller gradient changes nothing float32 coefficients can hold,
# while float32 products round the gradient to a few 1e-9.
FLOAT32_TOLERANCE = 1e-8

# coef_table warns when the Newton decrement (twice the objective's excess
# over its minimum, estimated) at the fitted coefficients exceeds this.
NEWTON_DECREMENT_WARNING = 1e-8

# The arguments of coef_table and partial_effects_table.
_INFERENCE_PARAMETER_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "sample_weight": ["array-like", None],
    "cov_type": [StrOptions(set(COV_TYPES))],
    "groups": ["array-like", None],
    "level": [Interval(Real, 0.0, 1.0, closed="neither")],
}


def _cold_start(n_features, targets, weights, fit_intercept, link):
    """Zero coefficients; the intercept that fits the weighted mean target."""
    coef = np.zeros((n_features,) + targets.shape[1:])
    intercept = np.zeros(targets.shape[1:])
    if fit_intercept:
        # Targets all 0 (or all 1) have their optimum at intercept -inf
        # (+inf): start at a finite point in that direction and let the
        # solver go on.
        # np.asarray computes a dask array's weighted mean.
        mean = np.asarray(weights @ targets)
        intercept = link.link(np.clip(mean, 1e-10, 1.0 - 1e-10))
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

    Warns
    -----
    ConvergenceWarning
        When the optimum is not finite (see ``_separation``) or the solver
        stops before ``tol``.
    """
    weights = sample_weight / float(sample_weight.sum())
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
        params = preconditioner.params(result.solution)
        at_zero, at_one = bound_classes(targets, weights)
        if fit_intercept and targets.ndim == 1 and (at_zero.size or at_one.size):
            warn_constant_targets(all_zero=bool(at_zero.size))
        elif fit_intercept and at_zero.size:
            warn_absent_classes(at_zero)
        elif alpha == 0:
            n_separated, n_hard = count_separated_rows(
                params, blocks, targets, weights, fit_intercept, loss
            )
            if n_separated:
                warn_separated_rows(n_separated, n_hard)
    return params, result.n_iter


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
    def _check_targets(self, y):
        """Raise a ValueError for targets out of the estimator's domain, before
        scikit-learn's own checks (so that NaN and inf get the same message)."""

    @abstractmethod
    def _targets_to_probabilities(self, y, sample_weight, reset):
        """Validated targets -> probabilities in [0, 1]; with ``reset``, learn
        what the mapping needs (fitted attributes), else use what fit learned."""

    def _probability_to_target_slope(self):
        """d prediction / d probability: predictions' units per probability."""
        return 1.0

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

    def _validate_data(self, *arrays, **options):
        """scikit-learn's ``validate_data`` for float64 or float32 ``X``, dense
        or CSR/CSC. Its first finiteness check sums ``X``, which overflows
        for finite float32 values near the dtype's limit (it then checks
        value by value): that overflow is no error, and no warning."""
        for array, name in zip(arrays, ("X", "y"), strict=False):
            check_no_strings(array, name)
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(
                self,
                *arrays,
                accept_sparse=["csr", "csc"],
                dtype=[np.float64, np.float32],
                **options,
            )

    def _validate_training_data(self, X, y, sample_weight, reset):
        """``X``, the targets as probabilities and float64 sample weights."""
        if is_dask_array(X):
            X, y, sample_weight = validate_dask_training_data(
                self, X, y, sample_weight, reset
            )
            # Every evaluation reads the targets: computed once, on the workers.
            targets = self._targets_to_probabilities(y, sample_weight, reset)
            return X, targets.persist(), sample_weight
        X, y, sample_weight = self._validate_arrays(X, y, sample_weight, reset)
        targets = self._targets_to_probabilities(y, sample_weight, reset)
        return X, targets, sample_weight

    def _validate_arrays(self, X, y, sample_weight, reset):
        """In-memory ``X``, float64 ``y`` and float64 sample weights."""
        if y is not None:
            self._check_targets(y)
        X, y = self._validate_data(
            X,
            y,
            reset=reset,
            y_numeric=True,
            multi_output=self.__sklearn_tags__().target_tags.multi_output,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            # scikit-learn's convention: a column vector is 1-D y, with a warning.
            y = column_or_1d(y, warn=True)
        sample_weight = check_sample_weight(sample_weight, X)
        y = y.astype(np.float64, copy=False)
        # scikit-learn checks an object y (None for a missing value) before
        # converting it to numbers.
        assert_all_finite(y, input_name="y")
        return X, y, sample_weight

    def _warm_start_params(self, n_features, targets):
        """The previous solution when warm starting on data of the same shape."""
        coef_shape = targets.shape[1:] + (n_features,)
        if not self.warm_start or getattr(self, "coef_", np.empty(0)).shape != (
            coef_shape
        ):
            return None
        return self._fitted_params()

    def _fitted_params(self):
        """The fitted ``[coef, intercept]`` in float64, as the solver has them."""
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
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data. float64 and float32 data are used as they are (no
            copy); float32 is fitted with float32 products. Sparse data in
            CSR or CSC format are never densified. A dask array chunked by
            rows is fitted on the workers that hold its chunks (``y`` and
            ``sample_weight`` may then be dask arrays too).
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Targets: for ``ProbabilityRegressor`` probabilities in [0, 1], or
            rows of class probabilities each summing to 1; for
            ``CrossEntropyRegressor`` values in ``target_range``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, such as trial counts when ``y`` is a
            proportion. None gives every sample weight 1.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, targets, sample_weight = self._validate_training_data(
            X, y, sample_weight, reset=True
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
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predictions, in the units (and shape) of the training targets; a
            lazy dask array, computed chunk by chunk, for a dask ``X``.
        """
        check_is_fitted(self)
        if is_dask_array(X):
            n_outputs = self.coef_.shape[0] if self.coef_.ndim == 2 else None
            return predict_blockwise(
                validate_dask_X(self, X, reset=False), self._predict_rows, n_outputs
            )
        return self._predict_rows(self._validate_data(X, reset=False))

    def _predict_rows(self, X):
        """Predictions for validated in-memory rows ``X``."""
        raw_prediction = X @ self.coef_.T + np.asarray(self.intercept_, dtype=X.dtype)
        return self._probabilities_to_targets(
            self._fitted_loss.link.inverse(raw_prediction)
        )

    def _inference(self, X, y, sample_weight, cov_type, groups):
        """Parameters, the one-pass sums and the covariance on the fitted data."""
        check_is_fitted(self)
        if is_dask_array(X):
            raise TypeError(
                "Standard errors need X in memory (a numpy array or a scipy "
                "sparse matrix); got a dask array. Pass X.compute() (with y and "
                "sample_weight computed too) on a machine that holds it."
            )
        X, targets, sample_weight = self._validate_training_data(
            X, y, sample_weight, reset=False
        )
        if targets.shape[1:] != self.coef_.shape[:-1]:
            raise ValueError(
                f"y has shape {targets.shape}, but the model was fitted on targets "
                f"of shape (n_samples, {', '.join(map(str, self.coef_.shape[:-1]))}"
                ") (1-D for one probability); pass the targets it was fitted on."
            )
        group_codes = check_groups(groups, cov_type, X.shape[0])
        params = self._fitted_params()
        # Each block is copied into a float64 design with a column of ones.
        with parallel_row_blocks(X, SCRATCH_BLOCK_ELEMENTS) as blocks:
            sums = inference_sums(
                params,
                blocks,
                targets,
                sample_weight,
                self._fitted_loss,
                self.fit_intercept,
                group_codes,
            )
        covariance = parameter_covariance(
            sums, params, cov_type, self.alpha, self.n_features_in_
        )
        if covariance.newton_decrement > NEWTON_DECREMENT_WARNING:
            warnings.warn(
                "The fitted coefficients do not minimise the objective on these "
                "data (the Newton decrement is "
                f"{covariance.newton_decrement:.3g}): standard errors are valid "
                "only on the data (X, y, sample_weight) the model was fitted on, "
                "and at a converged fit.",
                UserWarning,
                stacklevel=3,
            )
        return params.reshape(params.shape[0], -1), sums, covariance

    def _term_names(self):
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{j}" for j in range(self.n_features_in_)]
        return [str(name) for name in names]

    def _warn_about_features(self, flagged_features, message):
        """Warn ``message`` (with ``{names}``) naming the flagged features."""
        if flagged_features.any():
            names = [
                name
                for name, flagged in zip(
                    self._term_names(), flagged_features, strict=True
                )
                if flagged
            ]
            warnings.warn(message.format(names=names), UserWarning, stacklevel=3)

    def _warn_unidentified_or_fixed(self, covariance):
        """Warn about the features whose coefficients the data do not
        identify (alpha=0) or the penalty alone fixes (alpha > 0)."""
        n_features = self.n_features_in_
        self._warn_about_features(
            ~covariance.identified_rows[:n_features],
            "The data do not identify the coefficients of {names} (collinear or "
            "constant columns, or more columns than rows, with alpha=0); they "
            "are reported as NaN. Drop or combine those columns, or fit with "
            "alpha > 0.",
        )
        self._warn_about_features(
            covariance.fixed_rows[:n_features],
            "The coefficients of {names} are fixed by the penalty alone (the "
            "data cannot tell those columns from the others, such as a constant "
            "column beside the intercept): their standard errors are 0, and "
            "their z statistics and p-values are undefined (NaN). Drop those "
            "columns.",
        )

    @validate_params(
        _INFERENCE_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True
    )
    def coef_table(
        self, X, y, sample_weight=None, cov_type="HC1", groups=None, level=0.95
    ):
        """Coefficients with standard errors, z statistics, p-values and
        confidence intervals.

        The cross-entropy of a fractional target is a quasi-likelihood: it
        gives the right coefficients whenever the mean is right, but the
        binomial variance it implies rarely holds, so the default standard
        errors are the robust (sandwich) ones of Papke and Wooldridge.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data the model was fitted on.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The targets the model was fitted on.
        sample_weight : array-like of shape (n_samples,), default=None
            The sample weights of the fit. Each row is one independent unit
            whose weight scales its contribution (statsmodels'
            ``var_weights``): right for trial counts and survey weights. For
            rows that stand for several identical observations, expand them
            or use ``cov_type="cluster"``.
        cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="HC1"
            ``"nonrobust"``: the inverse Fisher information, valid only if
            the variance is binomial given the weights; ``"HC0"``: the
            robust sandwich; ``"HC1"``: the same times ``n / (n - k)``
            (``n`` rows of positive weight, ``k`` parameters); ``"cluster"``:
            robust to correlation within the ``groups``, with the small
            sample factor ``G / (G - 1) * (n - 1) / (n - k)`` for ``G``
            groups.
        groups : array-like of shape (n_samples,), default=None
            Cluster labels, required for and only for ``cov_type="cluster"``.
        level : float, default=0.95
            Confidence level of the intervals.

        Returns
        -------
        table : pandas.DataFrame
            Columns ``coef``, ``std_err``, ``z``, ``p_value``, ``ci_low``,
            ``ci_high``; a row per term, ``intercept`` first (when fitted),
            then the features by name (``x0, x1, ...`` without names). For
            2-D targets the index has two levels, ``class`` and ``term``.
            Coefficients the data do not identify are NaN, with a warning.

        Notes
        -----
        z statistics and intervals use the normal distribution. With
        ``alpha > 0`` the covariance is the penalised sandwich, the
        covariance of the penalised estimate around its own limit; the
        penalty's shrinkage bias is not in it, so intervals are centred on a
        shrunk estimate. For ``CrossEntropyRegressor`` the coefficients are
        those of the model of the targets mapped to [0, 1]. Computing the
        table takes one pass over ``X`` and needs pandas.

        Examples
        --------
        >>> from statsmodels.datasets import star98
        >>> from skxent import ProbabilityRegressor
        >>> data = star98.load_pandas().data
        >>> trials = data["NABOVE"] + data["NBELOW"]
        >>> share = data["NABOVE"] / trials
        >>> X = data[["LOWINC", "PERASIAN", "PERBLACK"]]
        >>> model = ProbabilityRegressor(alpha=0).fit(X, share, sample_weight=trials)
        >>> model.coef_table(X, share, sample_weight=trials).round(4)
                     coef  std_err        z  p_value  ci_low  ci_high
        intercept  0.8157   0.0787  10.3702   0.0000  0.6615   0.9698
        LOWINC    -0.0281   0.0017 -16.0537   0.0000 -0.0315  -0.0246
        PERASIAN   0.0211   0.0037   5.6587   0.0000  0.0138   0.0284
        PERBLACK  -0.0094   0.0026  -3.5796   0.0003 -0.0146  -0.0043
        """
        params, _, covariance = self._inference(X, y, sample_weight, cov_type, groups)
        identified = covariance.identified_rows
        self._warn_unidentified_or_fixed(covariance)
        std_err = np.sqrt(np.maximum(np.diag(covariance.matrix), 0.0))
        std_err = std_err.reshape(params.shape)
        params = np.where(identified[:, np.newaxis], params, np.nan)
        std_err = np.where(identified[:, np.newaxis], std_err, np.nan)
        terms = self._term_names()
        order = list(range(len(terms)))
        if self.fit_intercept:
            terms, order = ["intercept", *terms], [len(terms), *order]
        return estimate_table("coef", params[order], std_err[order], terms, level)

    @validate_params(
        _INFERENCE_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True
    )
    def partial_effects_table(
        self, X, y, sample_weight=None, cov_type="HC1", groups=None, level=0.95
    ):
        """Average partial effects with delta-method standard errors.

        The partial effect of feature ``j`` on a prediction is its
        derivative ``d prediction / d x_j``, which for a nonlinear link
        depends on where it is taken; its average over the (weighted) rows
        is the average partial effect, the number econometricians report
        beside a fractional logit: the change in the predicted probability
        (or class probability, or target for ``CrossEntropyRegressor``, in
        its units) per unit change of ``x_j``.

        Parameters
        ----------
        X, y, sample_weight, cov_type, groups, level
            As in :meth:`coef_table`.

        Returns
        -------
        table : pandas.DataFrame
            Columns ``effect``, ``std_err``, ``z``, ``p_value``, ``ci_low``,
            ``ci_high``; a row per feature. For 2-D targets the index has
            two levels, ``class`` and ``term``, and the effects on the class
            probabilities sum to zero over the classes.

        Notes
        -----
        Every feature is treated as continuous (for a 0/1 feature the
        derivative approximates the discrete change). The standard errors
        take the averaging rows as fixed and the parameters' uncertainty
        from ``cov_type``, like statsmodels' ``get_margeff``.

        Examples
        --------
        >>> from statsmodels.datasets import star98
        >>> from skxent import ProbabilityRegressor
        >>> data = star98.load_pandas().data
        >>> trials = data["NABOVE"] + data["NBELOW"]
        >>> share = data["NABOVE"] / trials
        >>> X = data[["LOWINC", "PERASIAN", "PERBLACK"]]
        >>> model = ProbabilityRegressor(alpha=0).fit(X, share, sample_weight=trials)
        >>> model.partial_effects_table(X, share, sample_weight=trials).round(4)
                  effect  std_err        z  p_value  ci_low  ci_high
        LOWINC   -0.0061   0.0003 -19.2468   0.0000 -0.0067  -0.0055
        PERASIAN  0.0046   0.0008   5.6871   0.0000  0.0030   0.0061
        PERBLACK -0.0020   0.0006  -3.6103   0.0003 -0.0032  -0.0009
        """
        params, sums, covariance = self._inference(
            X, y, sample_weight, cov_type, groups
        )
        identified = covariance.identified_rows[: self.n_features_in_]
        self._warn_unidentified_or_fixed(covariance)
        effects, effect_covariance = average_partial_effects(
            params, sums, covariance.matrix, self.n_features_in_
        )
        slope = self._probability_to_target_slope()
        std_err = np.sqrt(np.maximum(np.diag(effect_covariance), 0.0))
        std_err = np.abs(slope) * std_err.reshape(effects.shape)
        # An effect through a coefficient the penalty fixes is fixed too.
        fixed = covariance.fixed_rows[: self.n_features_in_]
        std_err[fixed] = 0.0
        return estimate_table(
            "effect",
            np.where(identified[:, np.newaxis], slope * effects, np.nan),
            np.where(identified[:, np.newaxis], std_err, np.nan),
            self._term_names(),
            level,
        )
