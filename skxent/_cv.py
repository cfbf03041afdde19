"""The cross-validated estimators: alpha and l1_ratio chosen by held-out scores.

Each ``l1_ratio`` has its own path of alphas. Each fold copies its training
rows for each path and fits the path on them, from the largest alpha to the
smallest, each fit warm started from the previous solution
(:func:`~skxent._fit.fit_path`) to the path's tolerance; its held-out rows
score every fit. The (l1_ratio, alpha) pairs whose mean scores are within
the path's accuracy of the best are fitted on to ``tol`` (the folds copied
again) and scored again; the best is refitted on all the data, starting
from the folds' mean solution at it. The training data are validated
once, before the split: the folds index the validated arrays and the
targets already mapped to probabilities, so a ``CrossEntropyRegressorCV``
maps every fold with the one range learned from all its targets.
"""

import copy
from functools import partial
from inspect import signature
from numbers import Integral, Real

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
from ._fit import alpha_grid, fit_path, l1_alpha_max
from ._regressors import (
    _FIT_INTERCEPT_PARAMETER,
    _LINK_NOTES,
    _LINK_PARAMETER,
    _MAX_ITER_PARAMETER,
    _PENALTY_WEIGHTS_PARAMETER,
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

# A grid chosen from the data for l1_ratio > 0 spans from the smallest alpha
# that zeroes every penalised coefficient down to this share of it:
# scikit-learn's LassoCV and ElasticNetCV default eps.
L1_GRID_SPAN = 1e-3

_CV_PARAMETER_CONSTRAINTS = {
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both"), "array-like"],
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
    alphas = check_array(alphas, ensure_2d=False, dtype=np.float64, input_name="alphas")
    negative = alphas[alphas < 0]
    if negative.size:
        raise ValueError(
            f"alphas must be non-negative; got {negative.tolist()[:5]}"
            f"{' and more' if negative.size > 5 else ''}."
        )
    return np.sort(alphas)[::-1]


def _checked_l1_ratios(l1_ratio):
    """Return the mixings to try as a 1-D float array, checked, in the order given."""
    if np.ndim(l1_ratio) == 0:
        return np.array([float(l1_ratio)])
    if np.ndim(l1_ratio) != 1 or len(l1_ratio) == 0:
        raise ValueError(
            "l1_ratio must be a float in [0, 1] or a non-empty 1-D array of "
            f"them; got {l1_ratio!r}."
        )
    l1_ratios = np.asarray(l1_ratio)
    if l1_ratios.dtype.kind not in "iuf":
        raise TypeError(
            f"l1_ratio must hold real numbers in [0, 1]; got {l1_ratio!r} "
            f"(dtype {l1_ratios.dtype})."
        )
    l1_ratios = l1_ratios.astype(np.float64)
    outside = l1_ratios[~((l1_ratios >= 0) & (l1_ratios <= 1))]
    if outside.size:
        raise ValueError(
            f"l1_ratio must hold numbers in [0, 1]; got {outside.tolist()[:5]}"
            f"{' and more' if outside.size > 5 else ''}."
        )
    return l1_ratios


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

    def _fitted_copy(self, result, alpha, l1_ratio):
        """Return a shallow copy of the estimator holding ``result``.

        That is the fit at ``alpha`` and ``l1_ratio``.
        """
        fitted = copy.copy(self.estimator)
        fitted.coef_ = result.coef.astype(self.data.X.dtype)
        fitted.intercept_ = result.intercept
        fitted.alpha_ = alpha
        fitted.l1_ratio_ = l1_ratio
        return fitted

    def for_fold(self, test):
        """Return ``(result, alpha, l1_ratio) -> score`` on held-out rows ``test``."""
        if self.scorer is None:
            X_test = _safe_indexing(self.data.X, test)
            targets = self.targets[test]
            weights = self.data.sample_weight[test]

            def held_out_cross_entropy(result, alpha, l1_ratio):
                if not weights.sum() > 0:
                    return np.nan
                probabilities = self._fitted_copy(
                    result, alpha, l1_ratio
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

        def scored(result, alpha, l1_ratio):
            return self.scorer(
                self._fitted_copy(result, alpha, l1_ratio),
                X_test,
                y_test,
                **score_params,
            )

        return scored


def _fold_path(
    estimator, backend, data, targets, train, score, l1_ratio, alphas, starts=None
):
    """Fit the rows ``train`` at ``l1_ratio`` and each of ``alphas``; score each fit.

    Without ``starts``: the path, each fit from the previous solution, to
    the path's tolerance. With ``starts`` (the path's fit at each alpha):
    each fit from its start, to ``tol``, its iterations added to the
    path's. Return the fits and their scores, lists over ``alphas``.
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
            l1_ratio=l1_ratio,
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
        score(result, alpha, l1_ratio)
        for result, alpha in zip(results, alphas, strict=True)
    ]


def _mean_scores(path_scores):
    """Return the mean over the folds that were scored (NaN where none was).

    ``path_scores`` is of shape (n_l1_ratios, n_folds, n_alphas); the mean
    of shape (n_l1_ratios, n_alphas).
    """
    scored = ~np.isnan(path_scores)
    counts = scored.sum(axis=1)
    sums = np.where(scored, path_scores, 0.0).sum(axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _contenders(mean_scores):
    """Return where the (l1_ratio, alpha) pairs may have the best mean score.

    Those are the ones within ``SCORE_MARGIN`` (relative to the best, at
    least absolute) of the best pair's mean score, over all the paths,
    which the path's tolerance could have ranked wrongly: a boolean mask of
    the shape of ``mean_scores``.
    """
    if np.all(np.isnan(mean_scores)):
        return np.zeros(mean_scores.shape, dtype=bool)
    best = np.nanmax(mean_scores)
    margin = SCORE_MARGIN * max(1.0, abs(best))
    return mean_scores >= best - margin


def _mean_solution(fits):
    """``(coef, intercept)`` averaged over ``fits``, the folds' at one pair."""
    coef = np.mean([fit.coef for fit in fits], axis=0)
    intercept = np.mean([fit.intercept for fit in fits], axis=0)
    return coef, (float(intercept) if np.ndim(intercept) == 0 else intercept)


def _stacked(path_results, field):
    """Return ``field`` of every fit, of shape (n_l1_ratios, n_folds, n_alphas, ...)."""
    return np.array(
        [
            [[getattr(result, field) for result in results] for results in path]
            for path in path_results
        ]
    )


def _path_warnings(path_results, paths):
    """One warning per category for the fits of the folds that warned.

    It counts them and quotes the first.
    """
    by_category = {}
    for (l1_ratio, alphas), path in zip(paths, path_results, strict=True):
        for fold, results in enumerate(path):
            for alpha, result in zip(alphas, results, strict=True):
                for category, message in result.warnings:
                    by_category.setdefault(category, []).append(
                        (fold, alpha, l1_ratio, message)
                    )
    n_fits = sum(
        len(path) * len(alphas)
        for (_, alphas), path in zip(paths, path_results, strict=True)
    )
    return [
        (
            category,
            f"{len(warned)} of the {n_fits} fits on the folds' training rows "
            f"warned; the first, on fold {warned[0][0]} at "
            f"alpha={warned[0][1]:.4g}, l1_ratio={warned[0][2]:g}: {warned[0][3]}",
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

    def _fitted_l1_ratio(self):
        return self.l1_ratio_

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

    def _alpha_paths(self, blocks, data, targets, l1_ratios):
        """Return the penalties to try at each of ``l1_ratios``, in decreasing order.

        An array of shape (n_l1_ratios, n_alphas); ``blocks`` are those of
        ``data.X``.
        """
        if isinstance(self.alphas, bool):
            raise ValueError(
                "alphas must be an int (a number of penalties) or an array of "
                f"penalties; got {self.alphas!r}."
            )
        if isinstance(self.alphas, Integral):
            return np.array(
                [
                    self._alpha_grid(blocks, data, targets, l1_ratio)
                    for l1_ratio in l1_ratios
                ]
            )
        return np.tile(_checked_alphas(self.alphas), (len(l1_ratios), 1))

    def _alpha_grid(self, blocks, data, targets, l1_ratio):
        """Return ``alphas`` penalties on a log grid chosen from the data.

        With an L1 part (``l1_ratio > 0``): from the smallest alpha that
        zeroes every penalised coefficient (:func:`~skxent._fit.l1_alpha_max`)
        down to ``L1_GRID_SPAN`` of it. Without one, or where no alpha above
        0 is needed (no feature penalised, or zero already optimal for
        every penalised coefficient, whatever the penalty):
        :func:`~skxent._fit.alpha_grid`.
        """
        if l1_ratio > 0:
            alpha_max = l1_alpha_max(
                blocks,
                targets,
                data.sample_weight,
                link=self._fitted_link,
                fit_intercept=self.fit_intercept,
                l1_ratio=l1_ratio,
                penalty_weights=check_penalty_weights(
                    self.penalty_weights, data.X.shape[1]
                ),
                tol=self.tol,
                max_iter=self.max_iter,
                feature_magnitude=data.feature_magnitude,
            )
            if alpha_max > 0:
                return np.geomspace(alpha_max, L1_GRID_SPAN * alpha_max, self.alphas)
        return alpha_grid(
            blocks,
            targets,
            data.sample_weight,
            link=self._fitted_link,
            fit_intercept=self.fit_intercept,
            n_alphas=self.alphas,
        )

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
        """Choose alpha and l1_ratio by cross-validation, then (``refit``) fit all rows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, in memory: float64 or float32 (fitted in float32),
            dense or sparse (CSR or CSC; other formats are converted to
            CSR). Each fold's training rows are copied for each
            ``l1_ratio``'s whole path (and again for each path whose
            near-best pairs are fitted on).
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
        l1_ratios = _checked_l1_ratios(self.l1_ratio)
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
            alphas = self._alpha_paths(blocks, data, targets, l1_ratios)
            paths = list(zip(l1_ratios, alphas, strict=True))
            # The scorer sees X and y as given, in rows scikit-learn can index.
            scores = _HeldOutScores(
                self, data, targets, *indexable(X, y), scorer, score_params
            )
            fold_scorers = [scores.for_fold(test) for _, test in splits]
            path_results, path_scores = self._cross_validate(
                backend, data, targets, splits, fold_scorers, paths
            )
            path_scores = np.array(path_scores)
            if self.tol < PATH_TOLERANCE:
                self._refine_contenders(
                    backend,
                    data,
                    targets,
                    splits,
                    fold_scorers,
                    paths,
                    path_results,
                    path_scores,
                )
            path_index, alpha_index = self._store_paths(
                paths, path_results, path_scores
            )
            best_fits = [results[alpha_index] for results in path_results[path_index]]
            path_warnings = _path_warnings(path_results, paths)
            if self.refit:
                result = self._fit_all_rows(
                    blocks, data, targets, self.alpha_, _mean_solution(best_fits)
                )
                self._store_solution(result, data.X.dtype)
                path_warnings += result.warnings
        if not self.refit:
            coef, self.intercept_ = _mean_solution(best_fits)
            self.coef_ = coef.astype(data.X.dtype)
            self.n_iter_ = int(max(fit.n_iter for fit in best_fits))
        _raise_all(path_warnings)
        return self

    def _cross_validate(
        self, backend, data, targets, splits, fold_scorers, paths, starts=None
    ):
        """Fit and score each path on every fold (see :func:`_fold_path`).

        ``paths`` are ``(l1_ratio, alphas)``; ``fold_scorers`` score each
        fold's fits on its held-out rows; ``starts``, if given, hold for
        each path a list per fold of the fits to start from. Every (path,
        fold) is one job, ``n_jobs`` of them run at once in threads. Return
        the fits, for each path a list per fold, and the scores, for each
        path an array of shape (n_folds, n_alphas of the path).
        """
        n_folds = len(splits)
        per_job = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_path)(
                self,
                backend,
                data,
                targets,
                train,
                fold_scorers[fold],
                l1_ratio,
                alphas,
                None if starts is None else starts[index][fold],
            )
            for index, (l1_ratio, alphas) in enumerate(paths)
            for fold, (train, _) in enumerate(splits)
        )
        per_path = [
            per_job[index * n_folds : (index + 1) * n_folds]
            for index in range(len(paths))
        ]
        return (
            [[results for results, _ in path] for path in per_path],
            [
                np.array([scores for _, scores in path], dtype=np.float64)
                for path in per_path
            ],
        )

    def _refine_contenders(
        self,
        backend,
        data,
        targets,
        splits,
        fold_scorers,
        paths,
        path_results,
        path_scores,
    ):
        """Fit the pairs that may be the best on to ``tol``; score them again.

        Those are :func:`_contenders`, if more than one: their fits in
        ``path_results`` and scores in ``path_scores`` (of shape
        (n_l1_ratios, n_folds, n_alphas)) are replaced, in place.
        """
        contenders = _contenders(_mean_scores(path_scores))
        if np.count_nonzero(contenders) < 2:
            return
        refined = [
            (index, np.flatnonzero(row))
            for index, row in enumerate(contenders)
            if row.any()
        ]
        results, scores = self._cross_validate(
            backend,
            data,
            targets,
            splits,
            fold_scorers,
            [(paths[index][0], paths[index][1][kept]) for index, kept in refined],
            [
                [[fold[k] for k in kept] for fold in path_results[index]]
                for index, kept in refined
            ],
        )
        for (index, kept), path, scores_of_path in zip(
            refined, results, scores, strict=True
        ):
            path_scores[index][:, kept] = scores_of_path
            for fold, fold_results in enumerate(path):
                for k, result in zip(kept, fold_results, strict=True):
                    path_results[index][fold][k] = result

    def _store_paths(self, paths, path_results, path_scores):
        """Store the paths and their scores; choose ``l1_ratio_`` and ``alpha_``.

        ``path_scores`` is of shape (n_l1_ratios, n_folds, n_alphas). A
        float ``l1_ratio`` has one path, whose attributes keep no axis for
        it. Return the indices of the best path and of its best alpha.
        """
        mean_scores = _mean_scores(path_scores)
        if np.all(np.isnan(mean_scores)):
            raise ValueError(
                "No fold could be scored: the held-out rows of every fold have "
                "zero total weight."
            )
        # The first best in the order tried: the lowest l1_ratio index, then
        # the largest alpha.
        path_index, alpha_index = np.unravel_index(
            np.nanargmax(mean_scores), mean_scores.shape
        )
        alphas = np.array([path_alphas for _, path_alphas in paths])
        self.l1_ratio_ = float(paths[path_index][0])
        self.alpha_ = float(alphas[path_index, alpha_index])
        stored = {
            "alphas_": alphas,
            "scores_": path_scores,
            "coef_path_": _stacked(path_results, "coef"),
            "intercept_path_": _stacked(path_results, "intercept"),
            "n_iter_path_": _stacked(path_results, "n_iter"),
        }
        one_path = np.ndim(self.l1_ratio) == 0
        for name, values in stored.items():
            setattr(self, name, values[0] if one_path else values)
        return int(path_index), int(alpha_index)


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
        default 20 are a factor of about 2 apart. That grid is for
        ``l1_ratio=0``. For ``l1_ratio > 0`` each ``l1_ratio`` has its own
        grid, as in scikit-learn's ``ElasticNetCV``: from ``alpha_max``, the
        smallest alpha at which every penalised coefficient is exactly 0,
        down to ``1e-3 * alpha_max`` (``ElasticNetCV``'s default ``eps``);
        the default 20 are a factor of about 1.4 apart. ``alpha_max`` is
        ``max_j |g_j| / (l1_ratio * P_j)`` over the penalised features, with
        ``g`` the gradient of the mean cross-entropy at the fit of the
        unpenalised parameters (the intercept and the features of ``P_j =
        0``) on all the training rows: a fold's fit at it may keep a
        coefficient or two. Where no feature is penalised, or the
        penalised coefficients are 0 whatever the penalty, the grid for
        ``l1_ratio=0`` is used. An array: those penalties (non-negative; 0
        fits the unpenalised model), the same for every ``l1_ratio``.
        They are fitted, and stored in ``alphas_``, in decreasing order.

    {l1_ratio}

    {penalty_weights}

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
        Number of paths fitted at once, each on one fold's training rows
        at one ``l1_ratio``, in threads of this process (``X`` is not sent
        to other processes, but each path fitted at once holds its own
        copy of its fold's training rows). None means 1 (unless in a
        joblib ``parallel_config`` context); -1 means all processors. Each
        fit's products with ``X`` use threads of their own too.

    refit : bool, default=True
        Whether to refit the model at ``l1_ratio_`` and ``alpha_`` on all
        the data. If False, ``coef_`` and ``intercept_`` are the folds' fits
        there averaged, as scikit-learn's ``LogisticRegressionCV`` does;
        they fit no data, so ``inference`` (and ``coef_table`` and
        ``partial_effects_table``) refuse them.

    {verbose}"""

_CV_ATTRIBUTES = """alpha_ : float
        The penalty of the (l1_ratio, alpha) pair with the best mean score
        over the folds.

    l1_ratio_ : float
        The mixing of that pair: ``l1_ratio`` itself when it is a float.

    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratios, n_alphas)
        The penalties tried, in decreasing order; for a list (or array)
        ``l1_ratio``, a row per ``l1_ratio``, in the order given. The
        attributes below also have that leading axis of length
        ``n_l1_ratios`` when ``l1_ratio`` is a list, even of one value
        (scikit-learn's ``ElasticNetCV`` drops it for one), and none when
        it is a float.

    scores_ : ndarray of shape (n_folds, n_alphas) or \
(n_l1_ratios, n_folds, n_alphas)
        The held-out score of each fold's fit at each penalty.

    coef_path_ : ndarray of shape ([n_l1_ratios,] n_folds, n_alphas, \
[n_classes,] n_features)
        Each fold's coefficients at each penalty (float64); the classes'
        axis for 2-D targets.

    intercept_path_ : ndarray of shape ([n_l1_ratios,] n_folds, n_alphas, \
[n_classes])
        Each fold's intercept at each penalty.

    n_iter_path_ : ndarray of shape (n_folds, n_alphas) or \
(n_l1_ratios, n_folds, n_alphas)
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
    ``max(tol, 1e-6)``; the (l1_ratio, alpha) pairs whose mean scores are
    within ``1e-6`` (relative) of the best pair's, over every
    ``l1_ratio``, which that could rank wrongly, are fitted on to ``tol``
    on every fold and scored again. The pair with the greatest mean score
    over the folds (folds whose held-out rows have no weight are not
    scored) is ``(l1_ratio_, alpha_)``; of equal scores, the first
    ``l1_ratio`` in the order given and the larger alpha are chosen. Each
    ``l1_ratio`` has a path of its own on each fold, all fitted alike.

    The penalty's meaning depends on the columns' scales: standardise them
    (in a ``Pipeline``) so that one ``alpha`` shrinks every column alike."""


_CV_L1_RATIO_PARAMETER = """\
l1_ratio : float or array-like of shape (n_l1_ratios,), default=0.0
        The elastic-net mixing of the penalty, in [0, 1]: the penalty is
        ``alpha * (l1_ratio * ||P * coef||_1 + (1 - l1_ratio) / 2 *
        ||sqrt(P) * coef||_2^2)`` with ``P`` the ``penalty_weights``, as in
        the estimator without CV. 0 is the L2 (ridge) penalty, 1 the L1
        (lasso) penalty, whose optimum has coefficients exactly 0.0. The
        intercept is never penalised. A list (or array) of them: each has
        its own path of ``alphas``, every (l1_ratio, alpha) pair is fitted
        on every fold, and the pair with the best mean score is chosen
        (``l1_ratio_``, ``alpha_``), as in scikit-learn's ``ElasticNetCV``,
        whose advice holds here: put more values near 1 than near 0, as in
        ``[0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1]``. With ``l1_ratio_ > 0`` and
        ``alpha_ > 0`` the inference methods refuse the fit."""


def _cv_parameters():
    return _CV_PARAMETERS.format(
        l1_ratio=_CV_L1_RATIO_PARAMETER,
        penalty_weights=_PENALTY_WEIGHTS_PARAMETER,
        link=_LINK_PARAMETER,
        fit_intercept=_FIT_INTERCEPT_PARAMETER,
        max_iter=_MAX_ITER_PARAMETER,
        tol=_TOL_PARAMETER,
        verbose=_VERBOSE_PARAMETER,
    )


class ProbabilityRegressorCV(_CrossValidatedRegressor, ProbabilityRegressor):
    __doc__ = f"""Probability regressor with its penalty chosen by cross-validation.

    :class:`ProbabilityRegressor` (targets in [0, 1], or rows of class
    probabilities for the softmax) fitted at each penalty of a path on
    each fold, the penalty with the best held-out score then fitted on all
    the data. After ``fit`` it offers everything ``ProbabilityRegressor``
    does: ``predict``, ``score``, ``inference``, ``coef_table`` and
    ``partial_effects_table`` (at ``alpha_``, for an L2 penalty).

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

    With a list of ``l1_ratio``, each has its own path of alphas, and the
    best pair is chosen:

    >>> elastic = ProbabilityRegressorCV(alphas=8, l1_ratio=[0.5, 1.0]).fit(X, y)
    >>> elastic.alphas_.shape, elastic.scores_.shape
    ((2, 8), (2, 5, 8))
    >>> mean_scores = elastic.scores_.mean(axis=1)
    >>> row, column = np.unravel_index(mean_scores.argmax(), mean_scores.shape)
    >>> elastic.l1_ratio_ == [0.5, 1.0][row]
    True
    >>> bool(elastic.alpha_ == elastic.alphas_[row, column])
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
    __doc__ = f"""Cross-entropy regressor with its penalty chosen by cross-validation.

    :class:`CrossEntropyRegressor` (targets in a known or learned range)
    fitted at each penalty of a path on each fold, the penalty with the
    best held-out score then fitted on all the data. With
    ``target_range="auto"`` the range is learned once from all the
    training targets, so every fold maps its targets, and scores them, on
    the same [0, 1] scale. After ``fit`` it offers everything
    ``CrossEntropyRegressor`` does: ``predict``, ``score``, ``inference``,
    ``coef_table`` and ``partial_effects_table`` (at ``alpha_``, for an L2
    penalty).

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
