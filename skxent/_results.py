"""The results object of ``inference``: tables, tests, intervals and a summary.

:class:`InferenceResults` presents what one pass over a fit's data computed
(``_inference.py`` holds the arithmetic): it keeps the covariance and the
sums, and every output is computed from them without reading the data
again, except the intervals of new rows.
"""

import copy
import textwrap
from functools import partial
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

from ._data import backend_for
from ._inference import (
    BLOCK_ELEMENTS,
    MAX_NEWTON_DECREMENT,
    coefficient_table,
    covariance_matrix,
    discrete_features,
    import_pandas,
    partial_effects_table,
    predicted_mean_intervals,
    wald_test,
)
from ._warnings import (
    PenalizedInferenceWarning,
    warn_at_caller,
    warnings_raised_at_caller,
)

_LEVEL = {"level": [Interval(Real, 0.0, 1.0, closed="neither")]}


def penalty_message(alpha):
    """Say that a fit with ``alpha > 0`` is penalised, and how to avoid it."""
    return (
        f"The model was fitted with alpha={alpha:g} > 0: its coefficients are "
        "shrunk towards 0, and these standard errors, tests and intervals "
        "describe the penalised estimate (centred on the shrunk coefficients, "
        "without the shrinkage bias), not the maximum quasi-likelihood one of "
        "classical inference. Fit with alpha=0 for classical inference."
    )


def _interval_frame(model, inference, level, X_rows, index):
    """Return the intervals of validated rows ``X_rows`` as a pandas DataFrame.

    One row per sample for 1-D targets; for 2-D targets one row per sample
    and class, sample by sample, with a ``class`` column.
    """
    pd = import_pandas()
    parts = [
        predicted_mean_intervals(
            inference, model._fitted_link, X_rows[start : start + step], level
        )
        for step in [max(BLOCK_ELEMENTS // max(X_rows.shape[1], 1), 1)]
        for start in range(0, max(X_rows.shape[0], 1), step)
    ]
    mean, std_err, low, high = (
        np.concatenate(values) for values in zip(*parts, strict=True)
    )
    slope = abs(model._probability_to_target_slope())
    columns = {
        "mean": model._probabilities_to_targets(mean),
        "mean_se": slope * std_err,
        "ci_low": model._probabilities_to_targets(low),
        "ci_high": model._probabilities_to_targets(high),
    }
    n_classes = mean.shape[1]
    if model.coef_.ndim == 1:
        return pd.DataFrame(
            {name: values[:, 0] for name, values in columns.items()}, index=index
        )
    classes = getattr(model, "target_names_", None)
    classes = np.arange(n_classes) if classes is None else np.asarray(classes)
    frame = {"class": np.tile(classes, mean.shape[0])}
    frame.update({name: values.ravel() for name, values in columns.items()})
    return pd.DataFrame(frame, index=np.repeat(index, n_classes))


def _dask_interval_frame(model, inference, level, X, X_new):
    """Return the intervals of a dask ``X`` as a lazy dask DataFrame.

    ``X`` is the validated array of ``X_new``; a dask DataFrame ``X_new``
    is read partition by partition, keeping its index.
    """
    import dask
    import dask.dataframe as dd

    pd = import_pandas()
    if hasattr(X_new, "map_partitions"):
        meta = _interval_frame(
            model,
            inference,
            level,
            np.zeros((0, X.shape[1]), X.dtype),
            X_new._meta.index[:0],
        )
        return X_new.map_partitions(
            _partition_interval_frame, model, inference, level, X.dtype, meta=meta
        )
    chunk_frame = dask.delayed(
        partial(_chunk_interval_frame, model, inference, level), pure=True
    )
    row_chunks = X.chunks[0]
    known = not np.isnan(row_chunks).any()
    starts = np.cumsum((0,) + row_chunks[:-1]) if known else [None] * len(row_chunks)
    parts = [
        chunk_frame(block, start)
        for block, start in zip(X.to_delayed().ravel(), starts, strict=True)
    ]
    meta = _interval_frame(
        model, inference, level, np.zeros((0, X.shape[1]), X.dtype), pd.RangeIndex(0)
    )
    divisions = None
    if known and model.coef_.ndim == 1:
        divisions = (*(int(start) for start in starts), int(X.shape[0]) - 1)
    return dd.from_delayed(parts, meta=meta, divisions=divisions, verify_meta=False)


def _partition_interval_frame(partition, model, inference, level, dtype):
    """Return the intervals of one partition of a dask DataFrame, with its index."""
    return _interval_frame(
        model, inference, level, partition.to_numpy(dtype=dtype), partition.index
    )


def _chunk_interval_frame(model, inference, level, X_rows, start):
    """Return the intervals of one dask chunk, indexed by row position."""
    pd = import_pandas()
    if start is None:
        index = pd.RangeIndex(X_rows.shape[0])
    else:
        index = pd.RangeIndex(start, start + X_rows.shape[0])
    return _interval_frame(model, inference, level, X_rows, index)


def _is_term_name(term):
    """Whether ``term`` names a term: a string, or a (class, term name) tuple."""
    return isinstance(term, str) or (
        isinstance(term, tuple) and len(term) == 2 and isinstance(term[1], str)
    )


class InferenceSummary:
    """A printable summary: the model's statistics, its coefficients, and notes.

    ``str()`` gives plain text for a terminal; a notebook shows it as HTML.

    Attributes
    ----------
    title : str
    statistics : list of (str, str)
        The model's statistics, named.
    coef_table : pandas.DataFrame
    notes : list of str
    """

    def __init__(self, title, statistics, coef_table, notes):
        self.title = title
        self.statistics = statistics
        self.coef_table = coef_table
        self.notes = notes

    def _statistics_lines(self):
        width = max(len(name) for name, _ in self.statistics)
        cells = [
            f"{name + ':':<{width + 1}} {value}" for name, value in self.statistics
        ]
        column_width = max(len(cell) for cell in cells) + 4
        rows = [
            "".join(f"{cell:<{column_width}}" for cell in cells[start : start + 2])
            for start in range(0, len(cells), 2)
        ]
        return [row.rstrip() for row in rows]

    def __str__(self):
        table = self.coef_table.to_string(float_format=lambda value: f"{value:.4g}")
        lines = [*self._statistics_lines(), *table.splitlines()]
        rule = "=" * max(len(line) for line in lines)
        notes = [
            textwrap.fill(
                note,
                width=max(len(rule), 60),
                initial_indent=f"[{number}] ",
                subsequent_indent="    ",
            )
            for number, note in enumerate(self.notes, 1)
        ]
        return "\n".join(
            [
                self.title.center(len(rule)).rstrip(),
                rule,
                *self._statistics_lines(),
                rule,
                table,
                rule,
                *notes,
            ]
        )

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        from html import escape

        statistics = "".join(
            f"<tr><th style='text-align:left'>{escape(name)}</th>"
            f"<td style='text-align:left'>{escape(value)}</td></tr>"
            for name, value in self.statistics
        )
        notes = "".join(f"<li>{escape(note)}</li>" for note in self.notes)
        return (
            f"<div><h4>{escape(self.title)}</h4><table>{statistics}</table>"
            f"{self.coef_table.to_html(float_format=lambda v: f'{v:.4g}')}"
            f"<ol>{notes}</ol></div>"
        )


class InferenceResults:
    """Inference for a fitted model on its training data, from one pass over them.

    Returned by the estimators' ``inference`` method; not built directly.
    It holds the covariance of the coefficients and what the pass computed,
    and gives, without reading the data again, tables of coefficients and
    average partial effects, Wald tests, the covariance as a labelled
    DataFrame and a summary; :meth:`predict_interval` reads only the new
    rows it is given. The discrete changes of 0/1 features are the
    exception: they cost a product with the data per such feature, which
    nothing else needs, and :meth:`partial_effects` computes them in a pass
    of their own the first time it is asked for them (keeping a reference
    to the data until then). The object keeps a copy of the fitted model:
    refitting the estimator does not change it.

    Every output of a model fitted with ``alpha > 0`` warns that it
    describes the penalised estimate.

    Attributes
    ----------
    cov_type : str
        The covariance: ``"nonrobust"``, ``"HC0"``, ``"HC1"`` or ``"cluster"``.
    information : str
        The information the model-based covariance inverts: ``"expected"``
        or ``"observed"``.
    scale : float
        The dispersion multiplying the model-based covariance: 1 for the
        binomial variance, Pearson's chi-squared over the residual degrees
        of freedom for ``scale="pearson"``.
    use_t : bool
        Whether tests and intervals use the t and F distributions.
    df_resid : int
        Residual degrees of freedom of the t and F distributions: rows of
        positive weight less the parameters identified, or the clusters
        less one for ``cov_type="cluster"``.
    nobs : int
        The rows of positive weight.
    n_groups : int or None
        The clusters holding them, for ``cov_type="cluster"``.
    alpha : float
        The penalty of the fit.
    deviance : float
        Twice the weighted sum of the rows' cross-entropy less their
        targets' entropy (the binomial or multinomial deviance with the
        weights as trial counts), statsmodels' ``deviance``.
    null_deviance : float
        The deviance of predicting every row's weighted mean target.
    pseudo_r2 : float
        ``1 - deviance / null_deviance`` (NaN when the null deviance is 0).
    pearson_chi2 : float
        Pearson's chi-squared, ``sum_i w_i (y_i - mu_i)**2 / (mu_i (1 -
        mu_i))`` (summed over the classes, divided by ``mu_ik``, for 2-D
        targets).
    log_likelihood : float or None
        The binomial (multinomial) log-likelihood when the weights and the
        weights times the targets are whole numbers (trial counts and
        successes, or hard labels); None otherwise, where the cross-entropy
        is a quasi-likelihood without one.
    newton_decrement : float
        Twice the mean objective's excess over its minimum at the fitted
        coefficients, estimated: near 0 for a converged fit on these data.
    binary_features : list of str
        The features holding only 0 and 1 in the rows of positive weight,
        whose partial effects are discrete changes with ``discrete="auto"``.
    """

    def __init__(
        self,
        model,
        inference,
        terms,
        classes,
        alpha,
        information,
        groups,
        discrete_changes_of,
    ):
        self._model = copy.deepcopy(model)
        self._inference = inference
        self._discrete_changes_of = discrete_changes_of
        self._discrete_changes = None
        self._terms = terms
        self._classes = classes
        sums = inference.sums
        self.cov_type = inference.cov_type
        self.information = information
        self.scale = inference.dispersion
        self.use_t = inference.use_t
        self.df_resid = inference.df_resid
        self.nobs = sums.n_observations
        self.n_groups = groups
        self.alpha = alpha
        self.deviance = sums.deviance
        self.null_deviance = sums.null_deviance
        self.pseudo_r2 = (
            1.0 - sums.deviance / sums.null_deviance
            if sums.null_deviance > 0
            else float("nan")
        )
        self.pearson_chi2 = sums.pearson_chi2
        self.log_likelihood = (
            None if np.isnan(sums.log_likelihood) else sums.log_likelihood
        )
        self.newton_decrement = inference.covariance.newton_decrement
        self.binary_features = [
            term
            for term, binary in zip(terms, sums.binary_columns, strict=True)
            if binary
        ]

    def _output(self, method, level=None):
        """Check ``level`` of ``method`` and warn about a penalty."""
        if level is not None:
            validate_parameter_constraints(
                _LEVEL,
                {"level": level},
                caller_name=f"{type(self).__name__}.{method}",
            )
        if self.alpha > 0:
            warn_at_caller(penalty_message(self.alpha), PenalizedInferenceWarning)

    def _slope(self):
        return self._model._probability_to_target_slope()

    def coef_table(self, level=0.95):
        """Coefficients with standard errors, tests and confidence intervals.

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the intervals.

        Returns
        -------
        table : pandas.DataFrame
            Columns ``coef``, ``std_err``, ``z`` (``t`` with ``use_t``),
            ``p_value``, ``ci_low``, ``ci_high``; a row per term,
            ``intercept`` first (when fitted), then the features by name.
            For 2-D targets the index has two levels, ``class`` and
            ``term``. Coefficients the data do not identify are NaN.
        """
        self._output("coef_table", level)
        return coefficient_table(self._inference, self._terms, self._classes, level)

    def partial_effects(self, level=0.95, discrete="auto"):
        """Average partial effects with delta-method standard errors.

        The effect of a feature on a prediction is its derivative ``d
        prediction / d x_j``, averaged over the weighted rows. For a feature
        holding only 0 and 1 (a dummy) it is, with ``discrete="auto"``, the
        average discrete change of the prediction as the feature goes from
        0 to 1 in every row (statsmodels' ``get_margeff(dummy=True)``).

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the intervals.
        discrete : {"auto", False}, default="auto"
            ``"auto"``: discrete changes for the 0/1 features, derivatives
            for the others; False: derivatives for every feature.

        Returns
        -------
        table : pandas.DataFrame
            Columns ``effect``, ``std_err``, ``z`` (``t`` with ``use_t``),
            ``p_value``, ``ci_low``, ``ci_high``; a row per feature, in the
            prediction's units (``binary_features`` lists those whose rows
            are discrete changes with ``discrete="auto"``). For 2-D targets
            the index has two levels, ``class`` and ``term``, and the
            effects sum to zero over the classes.
        """
        if discrete not in ("auto", False):
            raise ValueError(f"discrete must be 'auto' or False; got {discrete!r}.")
        self._output("partial_effects", level)
        features = discrete_features(self._inference, discrete)
        if features.any() and self._discrete_changes is None:
            # One pass of their own, the first time: they cost a product
            # with X per 0/1 feature, which no other output needs.
            self._discrete_changes = self._discrete_changes_of(features)
        return partial_effects_table(
            self._inference,
            self._terms,
            self._classes,
            level,
            self._slope(),
            features,
            self._discrete_changes,
        )

    def cov_params(self):
        """Return the covariance of the coefficients as a labelled DataFrame.

        Returns
        -------
        covariance : pandas.DataFrame
            Rows and columns are the coefficient table's (``class`` and
            ``term`` for 2-D targets). Coefficients the data do not
            identify have NaN rows and columns.
        """
        self._output("cov_params")
        index = coefficient_table(
            self._inference, self._terms, self._classes, 0.95
        ).index
        return import_pandas().DataFrame(
            covariance_matrix(self._inference), index=index, columns=index
        )

    def _restrictions(self, terms, value):
        """Return ``R`` and ``q`` of :meth:`wald_test`'s ``terms`` and ``value``."""
        index = coefficient_table(
            self._inference, self._terms, self._classes, 0.95
        ).index
        n_rows = len(index)
        if isinstance(terms, str):
            raise TypeError(
                f"terms must be a list of names or a matrix; got the string "
                f"{terms!r}. Pass [{terms!r}]."
            )
        try:
            items = list(terms)
        except TypeError:
            raise TypeError(
                "terms must be a list of names or a matrix; got a "
                f"{type(terms).__name__}."
            ) from None
        if not items:
            raise ValueError(
                "terms is empty: name at least one term, or pass a matrix with "
                "a row per restriction."
            )
        named = [_is_term_name(term) for term in items]
        if any(named) and not all(named):
            raise TypeError(
                f"terms mixes names and other values: {items!r}. Pass names "
                "only (or (class, term) tuples), or a matrix of numbers."
            )
        if all(named):
            terms = [term if isinstance(term, tuple) else str(term) for term in items]
            if value is not None:
                raise ValueError(
                    "value applies to a restriction matrix; a list of names "
                    "tests that their coefficients are zero."
                )
            columns = []
            for term in terms:
                if index.nlevels == 1:
                    matched = [index.get_loc(term)] if term in index else []
                elif isinstance(term, tuple):
                    matched = [index.get_loc(term)] if term in index else []
                else:
                    matched = list(
                        np.flatnonzero(index.get_level_values("term") == term)
                    )
                if not matched:
                    raise ValueError(
                        f"terms names {term!r}, which is not a term of the "
                        f"model; its terms are {list(index)}."
                    )
                columns.extend(matched)
            restrictions = np.zeros((len(columns), n_rows))
            restrictions[np.arange(len(columns)), columns] = 1.0
            return restrictions, np.zeros(len(columns))
        try:
            restrictions = np.atleast_2d(np.asarray(terms, dtype=np.float64))
        except (TypeError, ValueError) as error:
            raise TypeError(f"terms as a matrix must hold numbers: {error}.") from None
        if restrictions.ndim != 2 or restrictions.shape[1] != n_rows:
            raise ValueError(
                f"terms as a matrix needs one column per coefficient, {n_rows} "
                f"(the rows of coef_table, in order); got shape "
                f"{np.shape(terms)}."
            )
        values = (
            np.zeros(restrictions.shape[0])
            if value is None
            else np.atleast_1d(np.asarray(value, dtype=np.float64))
        )
        if values.shape != (restrictions.shape[0],):
            raise ValueError(
                f"value needs one number per restriction, {restrictions.shape[0]}; "
                f"got shape {values.shape}."
            )
        if not (np.isfinite(restrictions).all() and np.isfinite(values).all()):
            raise ValueError("terms and value must be finite.")
        return restrictions, values

    def wald_test(self, terms, value=None):
        """Wald test that coefficients are zero, or of linear restrictions.

        Parameters
        ----------
        terms : array-like of str (or of (class, term) tuples) or \
                array-like of shape (n_restrictions, n_coefficients)
            Names of terms (``"intercept"`` and feature names): the joint
            hypothesis that all their coefficients are zero (for 2-D
            targets, a name covers the term's coefficients in every class,
            a ``(class, term)`` tuple one of them). Or a matrix ``R`` whose
            columns follow the rows of :meth:`coef_table`: the hypothesis
            ``R @ coef = value``.
        value : array-like of shape (n_restrictions,), default=None
            The right-hand side ``q`` for a matrix ``R``; zeros when None.

        Returns
        -------
        result : WaldTest
            With attributes ``statistic``, ``p_value``, ``df``,
            ``df_denom`` and ``distribution``: the chi-squared statistic
            with ``df`` degrees of freedom (the number of independent
            restrictions), or with ``use_t`` the F statistic with ``(df,
            df_resid)``, computed with this object's covariance. NaN when a
            restriction involves a coefficient the data do not identify.
        """
        restrictions, values = self._restrictions(terms, value)
        self._output("wald_test")
        return wald_test(self._inference, restrictions, values)

    def predict_interval(self, X_new, level=0.95):
        """Predicted means of new rows with confidence intervals.

        The interval is computed on the linear predictor and mapped through
        the inverse link (for 2-D targets, on each class's log-odds), so it
        stays inside the targets' range, as statsmodels'
        ``get_prediction(...).summary_frame()`` does for a GLM.

        Parameters
        ----------
        X_new : {array-like, sparse matrix, dask array} of shape \
                (n_samples, n_features)
            The rows to predict.
        level : float, default=0.95
            Confidence level of the intervals.

        Returns
        -------
        frame : pandas.DataFrame or dask.dataframe.DataFrame
            Columns ``mean`` (the prediction, in the targets' units),
            ``mean_se`` (its delta-method standard error), ``ci_low`` and
            ``ci_high``; a row per sample (indexed like a pandas ``X_new``).
            For 2-D targets a row per sample and class, sample by sample,
            with a first column ``class``. For a dask ``X_new`` the frame
            is lazy, computed chunk by chunk where the chunks live.
        """
        self._output("predict_interval", level)
        backend = backend_for(X_new)
        index = getattr(X_new, "index", None)
        with warnings_raised_at_caller():
            X = backend.validate_prediction_data(self._model, X_new)
        if hasattr(X, "to_delayed"):
            return _dask_interval_frame(self._model, self._inference, level, X, X_new)
        if index is None:
            index = import_pandas().RangeIndex(X.shape[0])
        return _interval_frame(self._model, self._inference, level, X, index)

    def summary(self, level=0.95):
        """Summarise the fit and its coefficients, for a terminal or a notebook.

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the coefficients' intervals.

        Returns
        -------
        summary : InferenceSummary
            Printed (``print(summary)``) as text; shown as HTML in a
            notebook.
        """
        self._output("summary", level)
        model = self._model
        inference = self._inference
        link = "softmax" if model.coef_.ndim == 2 else model.link
        converged = self.newton_decrement <= MAX_NEWTON_DECREMENT
        statistics = [
            ("Model", type(model).__name__),
            ("Link", link),
            *(
                [("Target range", "{:g} to {:g}".format(*model.target_range_))]
                if hasattr(model, "target_range_")
                else []
            ),
            ("Observations", str(self.nobs)),
            ("Clusters", "-" if self.n_groups is None else str(self.n_groups)),
            ("Covariance", self.cov_type),
            (
                "Information",
                self.information if self.cov_type == "nonrobust" else "observed",
            ),
            ("Scale", f"{self.scale:.6g}"),
            ("Distribution", "t" if self.use_t else "normal"),
            ("Df residual", str(self.df_resid)),
            ("alpha", f"{self.alpha:g}"),
            ("Deviance", f"{self.deviance:.6g}"),
            ("Null deviance", f"{self.null_deviance:.6g}"),
            ("Pseudo R^2 (deviance)", f"{self.pseudo_r2:.4f}"),
            (
                "Log-likelihood",
                "n/a (quasi-likelihood)"
                if self.log_likelihood is None
                else f"{self.log_likelihood:.6g}",
            ),
            ("Converged", f"{'yes' if converged else 'NO'} ({model.n_iter_} iter.)"),
            ("Newton decrement", f"{self.newton_decrement:.2g}"),
        ]
        notes = []
        if self.alpha > 0:
            notes.append(penalty_message(self.alpha))
        if inference.not_finite:
            notes.append(inference.not_finite)
        if self.cov_type == "nonrobust":
            family = "multinomial" if model.coef_.ndim == 2 else "binomial"
            notes.append(
                "Model-based standard errors: valid if the variance is "
                f"{family} times the scale ({self.scale:.4g})."
            )
        else:
            within = (
                ", and with rows correlated within clusters"
                if self.cov_type == "cluster"
                else ""
            )
            notes.append(
                f"Robust ({self.cov_type}) standard errors: valid whatever the "
                f"variance of the targets given the mean{within}."
            )
        if not converged:
            notes.append(
                "The coefficients do not minimise the objective on these data: "
                "the standard errors are not those of its optimum."
            )
        return InferenceSummary(
            f"{type(model).__name__} inference",
            statistics,
            coefficient_table(inference, self._terms, self._classes, level),
            notes,
        )

    def __repr__(self):
        groups = "" if self.n_groups is None else f", n_groups={self.n_groups}"
        return (
            f"<InferenceResults of {type(self._model).__name__}: nobs={self.nobs}"
            f"{groups}, cov_type={self.cov_type!r}, alpha={self.alpha:g}>"
        )
