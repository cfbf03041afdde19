"""The estimators' shared base: validate, fit, store, and raise what happened.

Subclasses say only how targets are checked (``_training_target_check``,
``_fitted_target_check``), what a fit learns to map them
(``_learn_target_mapping``), how they become probabilities in [0, 1] or rows
of class probabilities (``_targets_to_probabilities``), and how predicted
probabilities become predictions (``_probabilities_to_targets``). The shape
of the probabilities picks the link: ``link`` for 1-D, the softmax for 2-D.

Everything else happens below: ``_data`` picks where the data live,
``_fit`` fits, ``_inference`` computes tables. The methods here raise the
warnings those layers return, at the user's line.
"""

from abc import abstractmethod
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import DataConversionWarning
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted

from ._data import backend_for
from ._fit import Penalty, fit_linear_model
from ._inference import (
    BLOCK_ELEMENTS,
    COV_TYPES,
    discrete_changes,
    infer,
    inference_warnings,
    weight_exponent_of,
)
from ._link import BINARY_LINKS, SOFTMAX
from ._objective import params_of
from ._results import InferenceResults
from ._validation import check_penalty_weights
from ._warnings import warn_at_caller, warnings_raised_at_caller

# The arguments of inference (and its shortcuts coef_table and
# partial_effects_table).
_INFERENCE_PARAMETER_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "sample_weight": ["array-like", None],
    "cov_type": [StrOptions(set(COV_TYPES))],
    "groups": ["array-like", None],
    "information": [StrOptions({"expected", "observed"})],
    "scale": [
        None,
        StrOptions({"pearson"}),
        Interval(Real, 0.0, None, closed="neither"),
    ],
    "use_t": ["boolean"],
    "feature_names": ["array-like", None],
    "level": [Interval(Real, 0.0, 1.0, closed="neither")],
    "discrete": [StrOptions({"auto"}), Options(bool, {False})],
}

# scikit-learn's words for a column y where a 1-D y is expected.
_COLUMN_Y_MESSAGE = (
    "A column-vector y was passed when a 1d array was expected. Please change "
    "the shape of y to (n_samples, ), for example using ravel()."
)


def _discrete_changes_of(backend, data, params, link, fit_intercept, features):
    """Return the :class:`~skxent._inference.DiscreteChanges` of ``features``.

    One pass over the training ``data``'s rows (``backend``'s blocks).
    """
    with backend.row_blocks(data.X, BLOCK_ELEMENTS) as blocks:
        return discrete_changes(
            params,
            blocks,
            data.sample_weight,
            link,
            fit_intercept,
            features,
        )


def _raise_all(warnings):
    """Raise each ``(category, message)`` at the user's line."""
    for category, message in warnings:
        warn_at_caller(message, category)


class CrossEntropyRegressorBase(RegressorMixin, BaseEstimator):
    """Linear model with a probability link fitted by minimising cross-entropy.

    Not for direct use: see ``ProbabilityRegressor`` and
    ``CrossEntropyRegressor``.
    """

    _parameter_constraints: dict = {
        "link": [StrOptions(set(BINARY_LINKS))],
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both")],
        "penalty_weights": ["array-like", None],
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
        l1_ratio=0.0,
        penalty_weights=None,
        fit_intercept=True,
        max_iter=100,
        tol=1e-10,
        warm_start=False,
        verbose=0,
    ):
        self.link = link
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.penalty_weights = penalty_weights
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    @abstractmethod
    def _training_target_check(self):
        """Return a function rejecting training targets out of the estimator's domain.

        The function raises a ValueError and is picklable: dask runs it on the
        workers.
        """

    @abstractmethod
    def _fitted_target_check(self):
        """As :meth:`_training_target_check`, for the targets of a fitted model's data.

        Those are the targets the model was fitted on.
        """

    def _learn_target_mapping(self, target_bounds):
        """Learn what :meth:`_targets_to_probabilities` needs (fitted attributes).

        It is learned from the training targets' bounds.
        """

    def _learn_target_names(self, target_names):
        """Store the class names of 2-D targets as ``target_names_``, if any.

        Without names, a refit forgets those of an earlier fit.
        """
        if target_names is None:
            vars(self).pop("target_names_", None)
        else:
            self.target_names_ = target_names

    @abstractmethod
    def _targets_to_probabilities(self, y):
        """Map validated targets to probabilities in [0, 1] (or rows of them)."""

    def _fitted_alpha(self):
        """Return the penalty the fitted model was fitted with."""
        return self.alpha

    def _fitted_l1_ratio(self):
        """Return the elastic-net mixing the fitted model was fitted with."""
        return self.l1_ratio

    def _fitted_penalty(self):
        """Return the fitted model's :class:`~skxent._fit.Penalty`."""
        return Penalty(
            self._fitted_alpha(),
            self._fitted_l1_ratio(),
            check_penalty_weights(self.penalty_weights, self.n_features_in_),
        )

    def _probability_to_target_slope(self):
        """Return d prediction / d probability: predictions' units per probability."""
        return 1.0

    @abstractmethod
    def _probabilities_to_targets(self, probabilities):
        """Map predicted probabilities to predictions in the targets' units."""

    def _link_for(self, targets):
        """``link`` for 1-D targets, the softmax for 2-D."""
        if targets.ndim == 1:
            return BINARY_LINKS[self.link]
        if self.link != "logit":
            raise ValueError(
                f"link={self.link!r} applies to 1-D targets; 2-D targets (rows "
                "of class probabilities) are fitted with the softmax, the "
                "multinomial logit. Use link='logit' (the default)."
            )
        return SOFTMAX

    def _validate_training_data(
        self, backend, X, y, sample_weight, *, reset, check_targets
    ):
        """Return the :class:`~skxent._validation.TrainingData` of ``backend``.

        Warns if ``y`` was a column vector, and raises scikit-learn's
        warnings of feature names at the user's line.
        """
        with warnings_raised_at_caller():
            data = backend.validate_training_data(
                self, X, y, sample_weight, reset=reset, check_targets=check_targets
            )
        if data.y_was_column:
            warn_at_caller(_COLUMN_Y_MESSAGE, DataConversionWarning)
        return data

    def _warm_start(self, n_features, targets):
        """``(coef_, intercept_)`` when warm starting on data of the same shape."""
        coef_shape = targets.shape[1:] + (n_features,)
        if not self.warm_start or getattr(self, "coef_", np.empty(0)).shape != (
            coef_shape
        ):
            return None
        return self.coef_, self.intercept_

    def _learn_from_training_data(self, backend, X, y, sample_weight):
        """Validate the training data and learn what it fixes before any fit.

        That is the features seen, the targets' mapping and names, and the
        link. Return the :class:`~skxent._validation.TrainingData` and its
        targets as probabilities.
        """
        data = self._validate_training_data(
            backend,
            X,
            y,
            sample_weight,
            reset=True,
            check_targets=self._training_target_check(),
        )
        self._learn_target_mapping(data.target_bounds)
        self._learn_target_names(data.target_names)
        targets = self._targets_to_probabilities(data.y)
        self._fitted_link = self._link_for(targets)
        return data, targets

    def _fit_all_rows(self, blocks, data, targets, alpha, start):
        """Fit the model at ``alpha`` on all the training rows, from ``start``.

        ``blocks`` are those of ``data.X``; ``start`` is ``(coef, intercept)``
        or None for a cold start. Return the :class:`~skxent._fit.FitResult`.
        """
        return fit_linear_model(
            blocks,
            targets,
            data.sample_weight,
            link=self._fitted_link,
            alpha=alpha,
            l1_ratio=self._fitted_l1_ratio(),
            penalty_weights=check_penalty_weights(
                self.penalty_weights, data.X.shape[1]
            ),
            fit_intercept=self.fit_intercept,
            tol=self.tol,
            max_iter=self.max_iter,
            verbose=self.verbose,
            start=start,
            feature_magnitude=data.feature_magnitude,
        )

    def _store_solution(self, result, dtype):
        """Store a :class:`~skxent._fit.FitResult` as the fitted attributes.

        Those are ``coef_`` (in the training data's ``dtype``), ``intercept_``
        and ``n_iter_``.
        """
        self.coef_ = result.coef.astype(dtype)
        self.intercept_ = result.intercept
        self.n_iter_ = result.n_iter

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
        backend = backend_for(X)
        data, targets = self._learn_from_training_data(backend, X, y, sample_weight)
        with backend.row_blocks(data.X) as blocks:
            result = self._fit_all_rows(
                blocks,
                data,
                targets,
                self.alpha,
                self._warm_start(data.X.shape[1], targets),
            )
        self._store_solution(result, data.X.dtype)
        _raise_all(result.warnings)
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
        backend = backend_for(X)
        n_outputs = self.coef_.shape[0] if self.coef_.ndim == 2 else None
        with warnings_raised_at_caller():
            X = backend.validate_prediction_data(self, X)
        return backend.predict(X, self._predict_rows, n_outputs)

    def _predict_rows(self, X):
        """Predictions for validated rows ``X`` in memory."""
        return self._probabilities_to_targets(self._predicted_probabilities(X))

    def _predicted_probabilities(self, X):
        """Predicted probabilities (rows of them for 2-D targets) of validated ``X``.

        ``X`` is in memory.
        """
        raw_prediction = X @ self.coef_.T + np.asarray(self.intercept_, dtype=X.dtype)
        return self._fitted_link.inverse(raw_prediction)

    def _inference(
        self,
        method,
        X,
        y,
        sample_weight,
        *,
        cov_type,
        groups,
        information,
        scale,
        use_t,
        feature_names,
        **output_arguments,
    ):
        """Return the :class:`~skxent.InferenceResults` of the fit on its data.

        The arguments of the public ``method`` (with those of the output a
        shortcut gives, ``output_arguments``) are validated first, and
        errors name it on the estimator's class; the warnings about the data
        (coefficients not identified, and why) are raised here, once.
        """
        arguments = {
            "X": X,
            "y": y,
            "sample_weight": sample_weight,
            "cov_type": cov_type,
            "groups": groups,
            "information": information,
            "scale": scale,
            "use_t": use_t,
            "feature_names": feature_names,
            **output_arguments,
        }
        if not get_config()["skip_parameter_validation"]:
            validate_parameter_constraints(
                {name: _INFERENCE_PARAMETER_CONSTRAINTS[name] for name in arguments},
                arguments,
                caller_name=f"{type(self).__name__}.{method}",
            )
        if scale is not None and cov_type != "nonrobust":
            raise ValueError(
                f"scale={scale!r} multiplies the model-based covariance, "
                f"cov_type='nonrobust'; got cov_type={cov_type!r}, whose robust "
                "errors need no scale. Pass cov_type='nonrobust' for "
                "quasi-binomial errors, or drop scale."
            )
        check_is_fitted(self)
        penalty = self._fitted_penalty()
        if penalty.has_l1:
            raise ValueError(
                f"{type(self).__name__}.{method} needs a fit without an L1 "
                f"penalty; this one has alpha={penalty.alpha:g} and "
                f"l1_ratio={penalty.l1_ratio:g}. Standard errors of coefficients "
                "the L1 penalty selected ignore the selection and are not "
                "valid (their intervals are too narrow). Refit the selected "
                "features with l1_ratio=0 (alpha=0 for unpenalised errors), "
                "on other data than those that selected them."
            )
        terms = self._term_names(feature_names)
        backend = backend_for(X)
        data = self._validate_training_data(
            backend,
            X,
            y,
            sample_weight,
            reset=False,
            check_targets=self._fitted_target_check(),
        )
        targets = self._targets_to_probabilities(data.y)
        if targets.shape[1:] != self.coef_.shape[:-1]:
            raise ValueError(
                f"y has shape {targets.shape}, but the model was fitted on targets "
                f"of shape (n_samples, {', '.join(map(str, self.coef_.shape[:-1]))}"
                ") (1-D for one probability); pass the targets it was fitted on."
            )
        group_codes, n_groups = backend.group_codes(
            groups, cov_type, data.sample_weight
        )
        # penalty_weights all zero leave the fit unpenalised, whatever alpha.
        alpha = penalty.alpha if np.any(np.asarray(penalty.ridge) > 0) else 0.0
        params = params_of(self.coef_, self.intercept_, self.fit_intercept)
        with backend.row_blocks(data.X, BLOCK_ELEMENTS) as blocks:
            inference = infer(
                params,
                blocks,
                targets,
                data.sample_weight,
                link=self._fitted_link,
                fit_intercept=self.fit_intercept,
                alpha=penalty.ridge,
                cov_type=cov_type,
                groups=group_codes,
                n_groups=n_groups,
                weight_exponent=weight_exponent_of(data.largest_weight),
                information=information,
                scale=scale,
                use_t=use_t,
            )
        _raise_all(inference_warnings(inference, terms))
        return InferenceResults(
            self,
            inference,
            terms,
            self._class_labels(),
            alpha,
            information,
            n_groups if cov_type == "cluster" else None,
            partial(
                _discrete_changes_of,
                backend,
                data,
                params,
                self._fitted_link,
                self.fit_intercept,
            ),
        )

    def _term_names(self, feature_names=None):
        """Return the names of the features: ``feature_names`` or those seen in fit.

        Without either, ``x0, x1, ...``.
        """
        seen = getattr(self, "feature_names_in_", None)
        if feature_names is None:
            names = seen
            if names is None:
                names = [f"x{j}" for j in range(self.n_features_in_)]
            return self._checked_term_names([str(name) for name in names])
        names = [str(name) for name in np.asarray(feature_names, dtype=object).ravel()]
        if len(names) != self.n_features_in_:
            raise ValueError(
                f"feature_names has {len(names)} names for the model's "
                f"{self.n_features_in_} features."
            )
        if len(set(names)) != len(names):
            duplicated = sorted({name for name in names if names.count(name) > 1})
            raise ValueError(f"feature_names repeats {duplicated}; names must differ.")
        if seen is not None and names != [str(name) for name in seen]:
            raise ValueError(
                "feature_names differ from the column names the model was fitted "
                f"with, {list(seen)}: those name the coefficients. Drop "
                "feature_names."
            )
        return self._checked_term_names(names)

    def _checked_term_names(self, names):
        """Return ``names``, refused if one is the intercept's row name."""
        if self.fit_intercept and "intercept" in names:
            raise ValueError(
                "A feature is named 'intercept', the name of the intercept's "
                "row in the tables: rename that column of X (or pass "
                "feature_names without it)."
            )
        return names

    def _class_labels(self):
        """Return the labels of the classes of 2-D targets, or None for ``0..K-1``."""
        return getattr(self, "target_names_", None)

    def inference(
        self,
        X,
        y,
        sample_weight=None,
        *,
        cov_type="HC1",
        groups=None,
        information="expected",
        scale=None,
        use_t=False,
        feature_names=None,
    ):
        """Inference for the fit on its data: covariance, tables, tests, intervals.

        One pass over the data computes everything the returned object
        gives: coefficient and partial-effect tables, Wald tests, the
        covariance as a DataFrame, intervals of predicted means and a
        summary.

        The cross-entropy of a fractional target is a quasi-likelihood: it
        gives the right coefficients whenever the mean is right, but the
        binomial variance it implies rarely holds, so the default standard
        errors are the robust (sandwich) ones of Papke and Wooldridge.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            The data the model was fitted on. A dask array (with ``y``,
            ``sample_weight`` and ``groups`` dask arrays or in memory) is
            read where its chunks live: only sums of the size of the
            covariance come back (for ``cov_type="cluster"``, with each
            cluster's labels and score sums, ``n_clusters`` times the
            coefficients).
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The targets the model was fitted on.
        sample_weight : array-like of shape (n_samples,), default=None
            The sample weights of the fit. Each row is one independent unit
            whose weight scales its contribution (statsmodels'
            ``var_weights``): right for trial counts and survey weights. For
            rows that stand for several identical observations, expand them
            or use ``cov_type="cluster"``.
        cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, default="HC1"
            ``"nonrobust"``: the model-based covariance, the inverse
            information (times ``scale``), valid only if the variance is
            binomial given the weights (times the scale); ``"HC0"``: the
            robust sandwich; ``"HC1"``: the same times ``n / (n - k)`` (``n``
            rows of positive weight, ``k`` parameters; statsmodels' GLM
            ``"HC1"`` is its HC0, and Stata's factor differs: see the user
            guide); ``"cluster"``:
            robust to correlation within the ``groups``, with the small
            sample factor ``G / (G - 1) * (n - 1) / (n - k)`` for ``G``
            groups holding rows of positive weight. The robust errors do not
            change when all weights are multiplied by a common factor; the
            binomial model-based ones are divided by its square root, as for
            trial counts. Rows of zero weight change nothing.
        groups : array-like of shape (n_samples,), default=None
            Cluster labels, required for and only for ``cov_type="cluster"``;
            at least two clusters must hold rows of positive weight.
        information : {"expected", "observed"}, default="expected"
            The information matrix the model-based covariance inverts: the
            expected (Fisher) information, as R's ``glm`` and statsmodels'
            GLM, or the observed one (the Hessian), as Stata for probit and
            cloglog and statsmodels' ``Probit``. They differ only for the
            probit and cloglog links. The robust covariances always have the
            Hessian as bread (statsmodels' and Stata's choice).
        scale : {None, "pearson"} or float, default=None
            With ``cov_type="nonrobust"``, the dispersion multiplying the
            covariance: None for the binomial's 1; ``"pearson"`` for the
            quasi-binomial one, Pearson's chi-squared over the residual
            degrees of freedom (R's ``glm(family=quasibinomial)``,
            statsmodels' ``fit(scale="X2")``); or a positive number.
        use_t : bool, default=False
            Whether tests and intervals use the t and F distributions with
            the residual degrees of freedom (rows of positive weight less
            the parameters, or clusters less one), as statsmodels'
            ``use_t``, rather than the normal and chi-squared.
        feature_names : array-like of str of shape (n_features,), default=None
            Names for the features when ``X`` had none in fit (an array, a
            Pipeline's transformed output): for example a Pipeline's
            ``pipe[:-1].get_feature_names_out()``.

        Returns
        -------
        results : InferenceResults
            Its methods ``coef_table``, ``partial_effects``, ``wald_test``,
            ``predict_interval``, ``cov_params`` and ``summary`` give the
            outputs. With ``alpha > 0`` each warns that the estimate is
            penalised.

        Notes
        -----
        With ``alpha > 0`` the covariance is the penalised sandwich, the
        covariance of the penalised estimate around its own limit; the
        penalty's shrinkage bias is not in it, so intervals are centred on a
        shrunk estimate. For ``CrossEntropyRegressor`` the coefficients are
        those of the model of the targets mapped to [0, 1]; effects and
        predictions are in the targets' units.

        Examples
        --------
        >>> from statsmodels.datasets import star98
        >>> from skxent import ProbabilityRegressor
        >>> data = star98.load_pandas().data
        >>> trials = data["NABOVE"] + data["NBELOW"]
        >>> share = data["NABOVE"] / trials
        >>> X = data[["LOWINC", "PERASIAN", "PERBLACK"]]
        >>> model = ProbabilityRegressor(alpha=0).fit(X, share, sample_weight=trials)
        >>> results = model.inference(X, share, sample_weight=trials)
        >>> print(results.wald_test(["PERASIAN", "PERBLACK"]))
        Wald test: chi2(2) = 37.3643, p-value = 7.699e-09
        >>> results.predict_interval(X.iloc[:2]).round(4)
             mean  mean_se  ci_low  ci_high
        0  0.5516   0.0157  0.5207   0.5821
        1  0.7045   0.0177  0.6687   0.7379
        """
        return self._inference(
            "inference",
            X,
            y,
            sample_weight,
            cov_type=cov_type,
            groups=groups,
            information=information,
            scale=scale,
            use_t=use_t,
            feature_names=feature_names,
        )

    def coef_table(
        self,
        X,
        y,
        sample_weight=None,
        cov_type="HC1",
        groups=None,
        level=0.95,
        *,
        information="expected",
        scale=None,
        use_t=False,
        feature_names=None,
    ):
        """Coefficients with standard errors, z statistics, p-values and intervals.

        A shortcut for ``inference(...).coef_table(level)``: see
        :meth:`inference` for the arguments and
        :meth:`InferenceResults.coef_table` for the table.

        Parameters
        ----------
        X, y, sample_weight, cov_type, groups
            As in :meth:`inference`.
        level : float, default=0.95
            Confidence level of the intervals.
        information, scale, use_t, feature_names
            As in :meth:`inference`.

        Returns
        -------
        table : pandas.DataFrame
            Columns ``coef``, ``std_err``, ``z`` (``t`` with ``use_t``),
            ``p_value``, ``ci_low``, ``ci_high``; a row per term,
            ``intercept`` first (when fitted), then the features by name
            (``x0, x1, ...`` without names). For 2-D targets the index has
            two levels, ``class`` (the names in ``target_names_``, else ``0,
            1, ...``) and ``term``. Coefficients the data do not identify
            are NaN, with a warning saying why. A robust variance whose
            scores are zero up to rounding (every row fitted exactly, as
            constant targets are) is reported as a standard error of 0, with
            NaN z, p-value and interval and a warning: it says nothing of
            the spread.

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
        return self._inference(
            "coef_table",
            X,
            y,
            sample_weight,
            cov_type=cov_type,
            groups=groups,
            information=information,
            scale=scale,
            use_t=use_t,
            feature_names=feature_names,
            level=level,
        ).coef_table(level)

    def partial_effects_table(
        self,
        X,
        y,
        sample_weight=None,
        cov_type="HC1",
        groups=None,
        level=0.95,
        *,
        discrete="auto",
        information="expected",
        scale=None,
        use_t=False,
        feature_names=None,
    ):
        """Average partial effects with delta-method standard errors.

        A shortcut for ``inference(...).partial_effects(level, discrete)``:
        the change in the predicted probability (or class probability, or
        target for ``CrossEntropyRegressor``, in its units) per unit change
        of each feature, averaged over the weighted rows; for a feature
        holding only 0 and 1, the average discrete change from 0 to 1.

        Parameters
        ----------
        X, y, sample_weight, cov_type, groups
            As in :meth:`inference`.
        level : float, default=0.95
            Confidence level of the intervals.
        discrete : {"auto", False}, default="auto"
            As in :meth:`InferenceResults.partial_effects`.
        information, scale, use_t, feature_names
            As in :meth:`inference`.

        Returns
        -------
        table : pandas.DataFrame
            As :meth:`InferenceResults.partial_effects`.

        Notes
        -----
        The standard errors take the averaging rows as fixed and the
        parameters' uncertainty from ``cov_type``, like statsmodels'
        ``get_margeff``.

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
        return self._inference(
            "partial_effects_table",
            X,
            y,
            sample_weight,
            cov_type=cov_type,
            groups=groups,
            information=information,
            scale=scale,
            use_t=use_t,
            feature_names=feature_names,
            level=level,
            discrete=discrete,
        ).partial_effects(level, discrete)
