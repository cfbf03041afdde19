"""The cross-validated estimators: alpha chosen by held-out cross-entropy.

Each fold copies its training rows and fits the whole path of alphas on
them, from the largest to the smallest, each fit warm started from the
previous solution (:func:`~skxent._fit.fit_path`) to the path's tolerance;
its held-out rows score every alpha. The alphas whose mean scores are
within the path's accuracy of the best are fitted on to ``tol`` (the folds
copied again) and scored again; the best is refitted on all the data,
starting from the folds' mean solution at it. The
training data are validated once, before the split: the folds index the
validated arrays and the targets already mapped to probabilities, so a
``CrossEntropyRegressorCV`` maps every fold with the one range learned from
all its targets.
"""

import copy
from functools import partial
from inspect import signature
from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.base import _fit_context
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, check_array, indexable
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metadata_routing import (
    UNUSED,
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed

from ._base import _raise_all
from ._data import backend_for
from ._deviance import pointwise_cross_entropy
from ._fit import alpha_grid, fit_path
from ._regressors import (
    _FIT_INTERCEPT_PARAMETER,
    _LINK_NOTES,
    _LINK_PARAMETER,
    _MAX_ITER_PARAMETER,
    _SHARED_ATTRIBUTES,
    _SHARED_NOTES,
    _TOL_PARAMETER,
    _VERBOSE_PARAMETER,
    CrossEntropyRegressor,
    ProbabilityRegressor,
)
from ._validation import check_penalty_weights
from ._warnings import warn_at_caller

# The fits along the path only score the penalties: they stop at a gradient
# of this (or tol, if larger), in the solver's Newton-scaled coordinates,
# which saves about a third of the path's evaluations. That leaves each
# coefficient within about 1e-6 of its optimum in units of its curvature (a
# thousandth of a standard error for a million rows), and moves a held-out
# score by up to about 1e-7 (measured: 4e-8 to 1.5e-7 on folds of 60 to
# 10_000 rows), far below the scores' spread over the folds, but not below
# every gap between neighbouring penalties' mean scores where they flatten
# out (3e-8 was seen). Penalties whose mean scores are within SCORE_MARGIN
# (relative, or absolute below 1) of the best could be ranked wrongly: their
# fits are taken on to tol on every fold and scored again before alpha_ is
# chosen. The refit at alpha_ stops at tol.
PATH_TOLERANCE = 1e-6
SCORE_MARGIN = 1e-6

_CV_PARAMETER_CONSTRAINTS = {
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "cv": ["cv_object"],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "n_jobs": [Integral, None],
    "refit": ["boolean"],
}


def _cv_parameter_constraints(base):
    """Return the constraints of ``base`` with alpha and warm_start replaced."""
    constraints = {
        name: constraint
        for name, constraint in base._parameter_constraints.items()
        if name not in ("alpha", "warm_start")
    }
    return {**constraints, **_CV_PARAMETER_CONSTRAINTS}


def _checked_alphas(alphas):
    """Return the penalties given as an array, checked, in decreasing order."""
    if np.ndim(alphas) != 1 or len(alphas) == 0:
        raise ValueError(
            "alphas must be an int or a non-empty 1-D array of penalties; got "
            f"{alphas!r}."
        )
    alphas = check_array(alphas, ensure_2d=False, input_name="alphas")
    negative = alphas[alphas < 0]
    if negative.size:
        raise ValueError(
            f"alphas must be non-negative; got {negative.tolist()[:5]}"
            f"{' and more' if negative.size > 5 else ''}."
        )
    return np.sort(alphas)[::-1]


def _accepts_sample_weight(scorer):
    """Whether ``scorer`` takes ``sample_weight``, as scikit-learn's searches ask."""
    accepts = getattr(scorer, "_accept_sample_weight", None)
    if accepts is not None:
        return bool(accepts())
    return "sample_weight" in signature(scorer).parameters


def _held_out(values, test, n_samples):
    """Return the rows ``test`` of metadata with a value per row; others as given."""
    if hasattr(values, "__len__") and len(values) == n_samples:
        return _safe_indexing(values, test)
    return values


class _HeldOutScores:
    """Score a fold's fits on its held-out rows.

    Without ``scoring``: the held-out weighted mean cross-entropy of the
    probabilities (the targets mapped to [0, 1]), negated so that greater
    is better; ``nan`` where the held-out rows have no weight. With it: the
    scorer on a copy of the estimator holding the fit, with the held-out
    rows of ``X`` and ``y`` as given and of ``score_params`` (the metadata
    routed to the scorer, arrays of all rows).
    """

    def __init__(self, estimator, data, targets, X, y, scorer, score_params):
        self.estimator = estimator
        self.data = data
        self.targets = targets
        self.X = X
        self.y = y
        self.scorer = scorer
        self.score_params = score_params

    def _fitted_copy(self, result, alpha):
        """Return a shallow copy of the estimator holding ``result`` at ``alpha``."""
        fitted = copy.copy(self.estimator)
        fitted.coef_ = result.coef.astype(self.data.X.dtype)
        fitted.intercept_ = result.intercept
        fitted.alpha_ = alpha
        return fitted

    def for_fold(self, test):
        """Return ``(result, alpha) -> score`` on the held-out rows ``test``."""
        if self.scorer is None:
            X_test = _safe_indexing(self.data.X, test)
            targets = self.targets[test]
            weights = self.data.sample_weight[test]

            def held_out_cross_entropy(result, alpha):
                if not weights.sum() > 0:
                    return np.nan
                probabilities = self._fitted_copy(
                    result, alpha
                )._predicted_probabilities(X_test)
                # Targets and predictions are the checked probabilities of
                # the fit: the metric's checks of them would only cost time.
                return -np.average(
                    pointwise_cross_entropy(targets, probabilities), weights=weights
                )

            return held_out_cross_entropy
        X_test, y_test = _safe_indexing(self.X, test), _safe_indexing(self.y, test)
        score_params = {
            name: _held_out(values, test, self.data.X.shape[0])
            for name, values in self.score_params.items()
        }

        def scored(result, alpha):
            return self.scorer(
                self._fitted_copy(result, alpha), X_test, y_test, **score_params
            )

        return scored


def _fold_fits(estimator, backend, data, targets, train, score, alphas, starts=None):
    """Fit the rows ``train`` at each of ``alphas``, and score each fit.

    Without ``starts``: the path, each fit from the previous solution, to
    the path's tolerance. With ``starts`` (the path's fit at each alpha):
    each fit from its start, to ``tol``, its iterations added to the
    path's.
    """
    with backend.row_blocks(_safe_indexing(data.X, train)) as blocks:
        fit = partial(
            fit_path,
            blocks,
            targets[train],
            data.sample_weight[train],
            link=estimator._fitted_link,
            fit_intercept=estimator.fit_intercept,
            max_iter=estimator.max_iter,
            verbose=estimator.verbose,
            l1_ratio=estimator.l1_ratio,
            penalty_weights=check_penalty_weights(
                estimator.penalty_weights, data.X.shape[1]
            ),
            feature_magnitude=data.feature_magnitude,
        )
        if starts is None:
            results = fit(alphas=alphas, tol=max(estimator.tol, PATH_TOLERANCE))
        else:
            results = [
                result._replace(n_iter=start.n_iter + result.n_iter)
                for start, result in zip(
                    starts,
                    fit(
                        alphas=alphas,
                        tol=estimator.tol,
                        starts=[(start.coef, start.intercept) for start in starts],
                        curvature=starts[0].curvature,
                    ),
                    strict=True,
                )
            ]
    return results, [
        score(result, alpha) for result, alpha in zip(results, alphas, strict=True)
    ]


def _mean_scores(fold_scores):
    """Return the mean over the folds that were scored (NaN where none was)."""
    scored = ~np.isnan(fold_scores)
    counts = scored.sum(axis=0)
    sums = np.where(scored, fold_scores, 0.0).sum(axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _contenders(mean_scores):
    """Return the indices of the penalties that may have the best mean score.

    Those are the ones within ``SCORE_MARGIN`` (relative to the best, at
    least absolute) of the best path's mean score, which the path's
    tolerance could have ranked wrongly.
    """
    if np.all(np.isnan(mean_scores)):
        return np.arange(0)
    best = np.nanmax(mean_scores)
    margin = SCORE_MARGIN * max(1.0, abs(best))
    return np.flatnonzero(mean_scores >= best - margin)


def _path_warnings(fold_results, alphas):
    """One warning per category for the fits of the folds that warned.

    It counts them and quotes the first.
    """
    by_category = {}
    for fold, results in enumerate(fold_results):
        for alpha, result in zip(alphas, results, strict=True):
            for category, message in result.warnings:
                by_category.setdefault(category, []).append((fold, alpha, message))
    n_fits = len(fold_results) * len(alphas)
    return [
        (
            category,
            f"{len(warned)} of the {n_fits} fits on the folds' training rows "
            f"warned; the first, on fold {warned[0][0]} at "
            f"alpha={warned[0][1]:.4g}: {warned[0][2]}",
        )
        for category, warned in by_category.items()
    ]


class _CrossValidatedRegressor:
    """``fit`` of the CV estimators, shared: mixed in before the base estimator."""

    # fit takes groups for the splitter, not for itself: with metadata
    # routing, routers must not ask the estimator for a request of its own.
    __metadata_request__fit = {"groups": UNUSED}

    def __init__(
        self,
        *,
        alphas,
        l1_ratio,
        penalty_weights,
        link,
        fit_intercept,
        max_iter,
        tol,
        cv,
        scoring,
        n_jobs,
        refit,
        verbose,
    ):
        self.alphas = alphas
        self.l1_ratio = l1_ratio
        self.penalty_weights = penalty_weights
        self.link = link
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose

    def _fitted_alpha(self):
        return self.alpha_

    def _inference(self, method, *args, **kwargs):
        """Refuse inference on the folds' average fit (``refit=False``)."""
        if not self.refit:
            raise ValueError(
                f"{type(self).__name__}.{method} needs refit=True: with "
                "refit=False, coef_ averages the folds' fits, which is not a "
                "fit of the data and has no standard errors. Fit with "
                "refit=True, or fit the estimator without CV at alpha=alpha_."
            )
        return super()._inference(method, *args, **kwargs)

    def _alpha_path(self, blocks, targets, sample_weight):
        """Return the penalties to try, in decreasing order."""
        if isinstance(self.alphas, bool):
            raise ValueError(
                "alphas must be an int (a number of penalties) or an array of "
                f"penalties; got {self.alphas!r}."
            )
        if isinstance(self.alphas, Integral):
            return alpha_grid(
                blocks,
                targets,
                sample_weight,
                link=self._fitted_link,
                fit_intercept=self.fit_intercept,
                n_alphas=self.alphas,
            )
        return _checked_alphas(self.alphas)

    def _scorer(self):
        """Return the scorer of ``scoring``, or None for the default score."""
        if self.scoring is None:
            return None
        return check_scoring(self, scoring=self.scoring)

    def get_metadata_routing(self):
        """Get the metadata routing of this estimator.

        ``fit`` consumes ``sample_weight`` itself and routes ``groups`` to
        the splitter ``cv`` and ``sample_weight`` to the scorer of
        ``scoring``, as they request them (see scikit-learn's user guide on
        metadata routing).

        Returns
        -------
        routing : MetadataRouter
            The estimator's own requests, the splitter's and the scorer's.
        """
        router = (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                # cv as given: check_cv would use up a generator of splits.
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )
        scorer = self._scorer()
        if scorer is not None:
            router.add(
                scorer=scorer,
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        return router

    def _routed_params(self, scorer, sample_weight, groups, params):
        """Return the parameters of the splitter's ``split`` and of the scorer.

        With metadata routing, as the splitter and the scorer request them
        (``params`` too). Without it, as scikit-learn's searches pass them:
        ``groups`` to the splitter, and ``sample_weight`` to a scorer that
        takes it (with a warning if it does not); ``params`` are refused.
        """
        if get_config()["enable_metadata_routing"]:
            given = {"sample_weight": sample_weight, "groups": groups, **params}
            routed = process_routing(
                self,
                "fit",
                **{name: value for name, value in given.items() if value is not None},
            )
            score_params = routed.scorer.score if scorer is not None else {}
            return routed.splitter.split, score_params
        if params:
            raise TypeError(
                f"fit got unexpected arguments {sorted(params)}: further "
                "metadata is routed only with metadata routing enabled "
                "(sklearn.set_config(enable_metadata_routing=True))."
            )
        score_params = {}
        if scorer is not None and sample_weight is not None:
            if _accepts_sample_weight(scorer):
                score_params["sample_weight"] = sample_weight
            else:
                warn_at_caller(
                    f"The scoring {scorer} does not take sample_weight: the "
                    "held-out scores are not weighted.",
                    UserWarning,
                )
        return {"groups": groups}, score_params

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None, **params):
        """Choose alpha by cross-validation, then (``refit``) fit all the data with it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, in memory: float64 or float32 (fitted in float32),
            dense or sparse (CSR or CSC; other formats are converted to
            CSR). Each fold's training rows are copied for the whole path
            (and once more if the near-best penalties are fitted on).
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Targets, as for the estimator without CV.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, such as trial counts. Each fold is fitted
            with its training rows' weights and scored with its held-out
            rows' weights. A scorer given as ``scoring`` receives them as
            ``GridSearchCV`` passes them (scikit-learn 1.7 and later):
            without metadata routing if it
            takes ``sample_weight`` (with a warning if it does not); with
            routing, as it requests them.
        groups : array-like of shape (n_samples,), default=None
            Group labels, for a group splitter given as ``cv``
            (``GroupKFold``, for example).
        **params : dict
            Only with metadata routing enabled: further metadata for the
            splitter and the scorer, as they request them (a scorer's
            ``sample_weight`` under an alias, say).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        backend = backend_for(X)
        backend.check_cross_validation(X)
        data, targets = self._learn_from_training_data(backend, X, y, sample_weight)
        scorer = self._scorer()
        split_params, score_params = self._routed_params(
            scorer, sample_weight, groups, params
        )
        splits = list(check_cv(self.cv).split(data.X, data.y, **split_params))
        if not splits:
            raise ValueError(f"cv={self.cv!r} gave no (train, test) splits.")
        with backend.row_blocks(data.X) as blocks:
            alphas = self._alpha_path(blocks, targets, data.sample_weight)
            # The scorer sees X and y as given, in rows scikit-learn can index.
            scores = _HeldOutScores(
                self, data, targets, *indexable(X, y), scorer, score_params
            )
            fold_results, fold_scores = self._cross_validate(
                backend, data, targets, splits, scores, alphas
            )
            contenders = _contenders(_mean_scores(fold_scores))
            if contenders.size > 1 and self.tol < PATH_TOLERANCE:
                refined_results, refined_scores = self._cross_validate(
                    backend,
                    data,
                    targets,
                    splits,
                    scores,
                    alphas[contenders],
                    [[results[k] for k in contenders] for results in fold_results],
                )
                for fold, results in enumerate(refined_results):
                    for index, result, score in zip(
                        contenders, results, refined_scores[fold], strict=True
                    ):
                        fold_results[fold][index] = result
                        fold_scores[fold, index] = score
            self._store_path(alphas, fold_results, fold_scores)
            path_warnings = _path_warnings(fold_results, alphas)
            if self.refit:
                result = self._fit_all_rows(
                    blocks, data, targets, self.alpha_, self._mean_path_solution()
                )
                self._store_solution(result, data.X.dtype)
                path_warnings += result.warnings
        if not self.refit:
            coef, self.intercept_ = self._mean_path_solution()
            self.coef_ = coef.astype(data.X.dtype)
            self.n_iter_ = int(self.n_iter_path_[:, self._best_index].max())
        _raise_all(path_warnings)
        return self

    def _cross_validate(
        self, backend, data, targets, splits, scores, alphas, starts=None
    ):
        """Fit and score ``alphas`` on every fold (see :func:`_fold_fits`).

        Return the fits, a list per fold, and the scores, of shape (n_folds,
        n_alphas).
        """
        per_fold = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_fits)(
                self,
                backend,
                data,
                targets,
                train,
                scores.for_fold(test),
                alphas,
                None if starts is None else starts[fold],
            )
            for fold, (train, test) in enumerate(splits)
        )
        return (
            [results for results, _ in per_fold],
            np.array([fold_scores for _, fold_scores in per_fold], dtype=np.float64),
        )

    def _store_path(self, alphas, fold_results, fold_scores):
        """Store the folds' paths and scores, and choose ``alpha_``."""
        self.alphas_ = np.asarray(alphas, dtype=np.float64)
        self.scores_ = fold_scores
        mean_scores = _mean_scores(self.scores_)
        if np.all(np.isnan(mean_scores)):
            raise ValueError(
                "No fold could be scored: the held-out rows of every fold have "
                "zero total weight."
            )
        self._best_index = int(np.nanargmax(mean_scores))
        self.alpha_ = float(self.alphas_[self._best_index])
        self.coef_path_ = np.array(
            [[result.coef for result in results] for results in fold_results]
        )
        self.intercept_path_ = np.array(
            [[result.intercept for result in results] for results in fold_results]
        )
        self.n_iter_path_ = np.array(
            [[result.n_iter for result in results] for results in fold_results]
        )

    def _mean_path_solution(self):
        """``(coef, intercept)`` averaged over the folds at ``alpha_``."""
        coef = self.coef_path_[:, self._best_index].mean(axis=0)
        intercept = self.intercept_path_[:, self._best_index].mean(axis=0)
        return coef, (float(intercept) if np.ndim(intercept) == 0 else intercept)


_CV_PARAMETERS = """alphas : int or array-like of shape (n_alphas,), default=20
        The penalties to try. An int: that many on a log grid chosen from the
        data, from ``100 * h`` down to ``1e-4 * h``, with ``h`` the largest
        curvature of the objective along one coefficient at the
        intercept-only model (the curvature-weighted variance of the column;
        ``0.25`` times the variance for the logit and a mean target of 1/2;
        without an intercept, the mean square about 0 at predictions of
        1/2).
        At the top every coefficient is shrunk to about 1% of its
        unpenalised size. At the bottom the penalty adds ``1e-4`` of its
        curvature to the column with curvature ``h`` (``1e-4 * h / c`` to one
        with curvature ``c``): for standardised, weakly correlated features
        the fit is close to the unpenalised one, while directions of strongly
        correlated columns, of small curvature, are still shrunk. The
        default 20 are a factor of about 2 apart. An array: those penalties
        (non-negative; 0 fits the unpenalised model).
        They are fitted, and stored in ``alphas_``, in decreasing order.

    {link}

    {fit_intercept}

    {max_iter}

    {tol}

    cv : int, cross-validation generator or iterable, default=None
        How to split the data, as in scikit-learn's ``check_cv``: None for
        5-fold ``KFold``, an int for that many folds, a splitter (a
        ``GroupKFold`` takes the ``groups`` given to ``fit``), or an
        iterable of ``(train, test)`` index arrays.

    scoring : str, callable or None, default=None
        How a fit is scored on its held-out rows; greater is better. None:
        minus the weighted mean cross-entropy of the held-out targets (on
        the [0, 1] scale, weighted by ``sample_weight``), the quantity the
        model minimises. A scorer name or a scorer callable: as in
        ``GridSearchCV``.

    n_jobs : int, default=None
        Number of folds fitted at once, in threads of this process (``X``
        is not sent to other processes, but each fold fitted at once holds
        its own copy of its training rows). None means 1 (unless in a
        joblib ``parallel_config`` context); -1 means all processors. Each
        fit's products with ``X`` use threads of their own too.

    refit : bool, default=True
        Whether to refit the model at ``alpha_`` on all the data. If False,
        ``coef_`` and ``intercept_`` are the folds' fits at ``alpha_``
        averaged, as scikit-learn's ``LogisticRegressionCV`` does; they fit
        no data, so ``inference`` (and ``coef_table`` and
        ``partial_effects_table``) refuse them.

    {verbose}"""

_CV_ATTRIBUTES = """alpha_ : float
        The penalty with the best mean score over the folds.

    alphas_ : ndarray of shape (n_alphas,)
        The penalties tried, in decreasing order.

    scores_ : ndarray of shape (n_folds, n_alphas)
        The held-out score of each fold's fit at each penalty.

    coef_path_ : ndarray of shape (n_folds, n_alphas, n_features) or \
(n_folds, n_alphas, n_classes, n_features)
        Each fold's coefficients at each penalty (float64).

    intercept_path_ : ndarray of shape (n_folds, n_alphas) or \
(n_folds, n_alphas, n_classes)
        Each fold's intercept at each penalty.

    n_iter_path_ : ndarray of shape (n_folds, n_alphas)
        The solver iterations of each fold's fit at each penalty.

    {shared}"""

_CV_NOTES = """The path: each fold's training rows are copied, and the model is
    fitted at every penalty on them, from the largest to the smallest, each
    fit starting from the previous solution (where the loss is already
    known) with the previous fit's preconditioner while that fit was short.
    Neighbouring penalties have neighbouring solutions, so each fit starts
    close to its optimum and takes a few evaluations: a fold's path of 20
    penalties cost about as many passes over ``X`` as 7 cold fits on the
    binary cases of ``benchmarks/bench_cv.py``, not 20. scipy's L-BFGS-B takes no
    memory from a previous run; the preconditioner, whitening the Hessian
    where the fit starts, stands in for it. The path's fits stop at
    ``max(tol, 1e-6)``; the penalties whose mean scores are within
    ``1e-6`` (relative) of the best, which that could rank wrongly, are
    fitted on to ``tol`` on every fold and scored again. The penalty with
    the greatest mean score over the folds (folds whose held-out rows have
    no weight are not scored) is ``alpha_``.

    The penalty's meaning depends on the columns' scales: standardise them
    (in a ``Pipeline``) so that one ``alpha`` shrinks every column alike."""


def _cv_parameters():
    return _CV_PARAMETERS.format(
        link=_LINK_PARAMETER,
        fit_intercept=_FIT_INTERCEPT_PARAMETER,
        max_iter=_MAX_ITER_PARAMETER,
        tol=_TOL_PARAMETER,
        verbose=_VERBOSE_PARAMETER,
    )


class ProbabilityRegressorCV(_CrossValidatedRegressor, ProbabilityRegressor):
    __doc__ = f"""Probability regressor with alpha chosen by cross-validation.

    :class:`ProbabilityRegressor` (targets in [0, 1], or rows of class
    probabilities for the softmax) fitted at each penalty of a path on
    each fold, the penalty with the best held-out score then fitted on all
    the data. After ``fit`` it offers everything ``ProbabilityRegressor``
    does: ``predict``, ``score``, ``inference``, ``coef_table`` and
    ``partial_effects_table`` (at ``alpha_``).

    Parameters
    ----------
    {_cv_parameters()}

    Attributes
    ----------
    {_CV_ATTRIBUTES.format(shared=_SHARED_ATTRIBUTES)}

    target_names_ : ndarray of object of shape (n_classes,)
        Names of the classes of a 2-D ``y`` with string column names.

    See Also
    --------
    ProbabilityRegressor : The model at one given alpha.
    CrossEntropyRegressorCV : The same for targets in any range.

    Notes
    -----
    {_CV_NOTES}

    {_SHARED_NOTES}

    {_LINK_NOTES}

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> from skxent import ProbabilityRegressorCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((500, 5))
    >>> y = expit(X @ [1.0, -0.5, 0.25, 0.0, 0.0] + rng.normal(0, 0.5, 500))
    >>> model = ProbabilityRegressorCV(alphas=8).fit(X, y)
    >>> model.alphas_.shape, model.scores_.shape
    ((8,), (5, 8))
    >>> bool(model.alpha_ == model.alphas_[model.scores_.mean(axis=0).argmax()])
    True
    """

    _parameter_constraints: dict = _cv_parameter_constraints(ProbabilityRegressor)

    def __init__(
        self,
        *,
        alphas=20,
        l1_ratio=0.0,
        penalty_weights=None,
        link="logit",
        fit_intercept=True,
        max_iter=100,
        tol=1e-10,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
    ):
        super().__init__(
            alphas=alphas,
            l1_ratio=l1_ratio,
            penalty_weights=penalty_weights,
            link=link,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            verbose=verbose,
        )


class CrossEntropyRegressorCV(_CrossValidatedRegressor, CrossEntropyRegressor):
    __doc__ = f"""Cross-entropy regressor with alpha chosen by cross-validation.

    :class:`CrossEntropyRegressor` (targets in a known or learned range)
    fitted at each penalty of a path on each fold, the penalty with the
    best held-out score then fitted on all the data. With
    ``target_range="auto"`` the range is learned once from all the
    training targets, so every fold maps its targets, and scores them, on
    the same [0, 1] scale. After ``fit`` it offers everything
    ``CrossEntropyRegressor`` does: ``predict``, ``score``, ``inference``,
    ``coef_table`` and ``partial_effects_table`` (at ``alpha_``).

    Parameters
    ----------
    target_range : "auto" or tuple (low, high), default="auto"
        As in :class:`CrossEntropyRegressor`.

    {_cv_parameters()}

    Attributes
    ----------
    target_range_ : tuple of float (low, high)
        The range used to map the targets to [0, 1].

    {_CV_ATTRIBUTES.format(shared=_SHARED_ATTRIBUTES)}

    See Also
    --------
    CrossEntropyRegressor : The model at one given alpha.
    ProbabilityRegressorCV : The same for targets in [0, 1].

    Notes
    -----
    {_CV_NOTES}

    ``coef_`` and ``intercept_`` describe the model of the mapped target.

    {_SHARED_NOTES}

    {_LINK_NOTES}

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> from skxent import CrossEntropyRegressorCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((500, 5))
    >>> scores = 100 * expit(X @ [1.0, -0.5, 0.25, 0.0, 0.0] + rng.normal(0, 0.5, 500))
    >>> model = CrossEntropyRegressorCV(target_range=(0, 100)).fit(X, scores)
    >>> model.alphas_.shape
    (20,)
    >>> bool(np.all((model.predict(X) > 0) & (model.predict(X) < 100)))
    True
    """

    _parameter_constraints: dict = _cv_parameter_constraints(CrossEntropyRegressor)

    def __init__(
        self,
        *,
        target_range="auto",
        alphas=20,
        l1_ratio=0.0,
        penalty_weights=None,
        link="logit",
        fit_intercept=True,
        max_iter=100,
        tol=1e-10,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        verbose=0,
    ):
        super().__init__(
            alphas=alphas,
            l1_ratio=l1_ratio,
            penalty_weights=penalty_weights,
            link=link,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            verbose=verbose,
        )
        self.target_range = target_range
