"""Cross-entropy metrics for fractional and probability-vector targets, and scorers.

scikit-learn's ``log_loss`` takes class labels and ``predict_proba``; these
take targets that are themselves probabilities (a proportion, a share, a
row of class probabilities) and the predictions of a regressor, so they
score :class:`~skxent.ProbabilityRegressor` (and any model predicting
probabilities) on the quantity it minimises.

The metric functions are strict: ``y_true`` and ``y_pred`` must hold
probabilities (only rounding outside [0, 1] passes). The scorers, made by
:func:`make_neg_cross_entropy_scorer` and :func:`make_d2_cross_entropy_scorer`
(``neg_cross_entropy_scorer`` and ``d2_cross_entropy_scorer`` are ready-made
ones), go wherever scikit-learn takes ``scoring=``: ``GridSearchCV``,
``cross_validate``, ``permutation_importance``. They score any regressor:

- targets on another scale are mapped to [0, 1] by ``(v - low) / (high -
  low)``, with the scorer's ``target_range`` or else the fitted estimator's
  ``target_range_`` (that of a Pipeline's final step; one it learned with
  ``target_range="auto"`` is widened to hold the targets scored, which the
  training rows' range need not);
- predictions outside [0, 1] are clipped to it (rows of 2-D predictions
  clipped, then divided by their sums), so that a model that may predict
  outside it (least squares, gradient boosting) gets a finite, large loss,
  as scikit-learn's ``log_loss`` clips. ``y_true`` must lie in the range
  (in [0, 1] without one), within rounding.

Each factory call returns a new scorer, whose ``set_score_request``
changes that scorer alone: with scikit-learn's metadata routing,
``make_neg_cross_entropy_scorer().set_score_request(sample_weight=True)``
weights the scores (by trial counts, say).
"""

import numpy as np
from sklearn import get_config
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import validate_params
from sklearn.utils.metadata_routing import (
    UNCHANGED,
    MetadataRequest,
    get_routing_for_object,
)

from ._data import in_memory
from ._deviance import pointwise_cross_entropy, pointwise_deviance
from ._regressors import _rows_to_probabilities
from ._validation import (
    check_no_strings,
    check_probability_targets,
    check_sample_weight,
    check_target_range,
    check_targets_in_range,
)
from ._warnings import warn_at_caller

__all__ = [
    "cross_entropy_loss",
    "d2_cross_entropy_score",
    "d2_cross_entropy_scorer",
    "make_d2_cross_entropy_scorer",
    "make_neg_cross_entropy_scorer",
    "neg_cross_entropy_scorer",
]

_PARAMETERS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
}


def _as_probabilities(values):
    """Return ``values`` clipped to [0, 1], 2-D rows then divided by their sums.

    For checked targets this only rounds, as the estimators' fit does (and
    makes finite probabilities of unchecked rows of zero weight); for a
    scorer's predictions it takes each to the nearest probability. A row
    with no positive entry becomes the uniform row.
    """
    if values.ndim == 2 and values.shape[1] > 1:
        return _rows_to_probabilities(values)
    return np.clip(values, 0.0, 1.0)


def _check_probabilities(y_true, y_pred, sample_weight):
    """Validate ``(y_true, y_pred, sample_weight)`` as float arrays of one shape.

    Only the rows of positive weight are judged; ``y_true`` is returned as
    exact probabilities (:func:`_as_probabilities`).
    """
    y_true, y_pred, sample_weight = map(in_memory, (y_true, y_pred, sample_weight))
    check_consistent_length(y_true, y_pred, sample_weight)
    arrays = []
    for values, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        check_no_strings(values, name)
        check_probability_targets(values, sample_weight, input_name=name)
        array = check_array(
            values, ensure_2d=False, dtype=[np.float64, np.float32], input_name=name
        )
        arrays.append(
            array.ravel() if array.ndim == 2 and array.shape[1] == 1 else array
        )
    y_true, y_pred = arrays
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true and y_pred must have the same shape (n_samples,) or "
            f"(n_samples, n_classes); got {y_true.shape} and {y_pred.shape}."
        )
    sample_weight = check_sample_weight(sample_weight, y_true)
    return _as_probabilities(y_true), y_pred, sample_weight


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def cross_entropy_loss(y_true, y_pred, sample_weight=None):
    """Weighted mean cross-entropy of probability targets and predictions.

    For 1-D targets ``t`` in [0, 1] (proportions, rates, soft binary labels)
    and predictions ``p``, the loss of a sample is ``-(t log p + (1 - t) log(1
    - p))``; for 2-D targets whose rows are probability vectors, ``-sum_k t_k
    log p_k``. Hard labels (0/1, or one-hot rows) give scikit-learn's
    :func:`~sklearn.metrics.log_loss`. The quantity
    :class:`~skxent.ProbabilityRegressor` minimises (without its penalty).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Targets in [0, 1], or rows on the probability simplex, as
        :class:`~skxent.ProbabilityRegressor` accepts them (rounding outside
        is taken as the bound, rows are divided by their sums). Those of rows
        of zero ``sample_weight`` count for nothing: they need only be finite.
    y_pred : array-like of the shape of ``y_true``
        Predicted probabilities. They are clipped to ``[eps, 1 - eps]``
        (``eps`` the machine epsilon of their dtype), as in ``log_loss``, so
        that a prediction that rounded to 0 or 1 gives a large, finite loss.
        Predictions outside [0, 1] are an error here; the scorers
        (:func:`make_neg_cross_entropy_scorer`) clip them.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, such as trial counts for proportions.

    Returns
    -------
    loss : float
        Non-negative; 0 only for hard targets predicted with certainty. For
        soft targets the smallest possible value is their entropy.

    See Also
    --------
    d2_cross_entropy_score : The fraction of deviance explained.
    make_neg_cross_entropy_scorer : Minus this loss as a scorer, for ``scoring=``.

    Notes
    -----
    dask arrays, Series and DataFrames are computed first: targets and
    predictions are small.

    Examples
    --------
    >>> from skxent.metrics import cross_entropy_loss
    >>> round(cross_entropy_loss([0.2, 0.7], [0.25, 0.6]), 4)
    0.5699
    >>> round(cross_entropy_loss([[0.5, 0.5, 0.0]], [[0.4, 0.4, 0.2]]), 4)
    0.9163
    """
    y_true, y_pred, sample_weight = _check_probabilities(y_true, y_pred, sample_weight)
    return float(
        np.average(pointwise_cross_entropy(y_true, y_pred), weights=sample_weight)
    )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def d2_cross_entropy_score(y_true, y_pred, sample_weight=None):
    r"""Fraction of deviance explained, relative to predicting the mean target.

    .. math::

        D^2 = 1 - \frac{\sum_i w_i \, d(t_i, p_i)}{\sum_i w_i \, d(t_i, \bar t)},
        \qquad d(t, p) = CE(t, p) - CE(t, t),

    with ``d`` (half) the binomial deviance, the Kullback-Leibler divergence
    ``t log(t / p) + (1 - t) log((1 - t) / (1 - p))`` (``sum_k t_k log(t_k /
    p_k)`` for rows of class probabilities), and ``t_bar`` the weighted mean
    target (of each column), the best constant model. It is scikit-learn's
    ``d2_*`` scores and statsmodels' deviance-based pseudo :math:`R^2`
    (``1 - deviance / null_deviance`` of a binomial GLM whose ``var_weights``
    are the trial counts): 1 for a perfect prediction, 0 for the weighted
    mean prediction, negative for worse than that. On hard labels it is
    scikit-learn's ``d2_log_loss_score``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Targets in [0, 1], or rows on the probability simplex, as in
        :func:`cross_entropy_loss`.
    y_pred : array-like of the shape of ``y_true``
        Predicted probabilities, clipped as in :func:`cross_entropy_loss`
        (so that predictions of exactly 0 or 1 of hard targets score 1 only
        within rounding, as in ``d2_log_loss_score``).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; they also weight the mean target.

    Returns
    -------
    score : float
        NaN, with an ``UndefinedMetricWarning``, for fewer than two samples.
        When the targets of positive weight are all equal (the null deviance
        is 0), 1.0 if ``y_pred`` equals ``y_true`` on those rows and 0.0
        otherwise, scikit-learn's convention for :math:`R^2` and :math:`D^2`.

    See Also
    --------
    cross_entropy_loss : The loss itself.
    make_d2_cross_entropy_scorer : This score as a scorer, for ``scoring=``.

    Examples
    --------
    >>> from skxent.metrics import d2_cross_entropy_score
    >>> round(d2_cross_entropy_score([0.1, 0.9, 0.8], [0.2, 0.8, 0.8]), 4)
    0.9155
    >>> d2_cross_entropy_score([0.1, 0.9, 0.8], [0.1, 0.9, 0.8])
    1.0
    """
    y_true, y_pred, sample_weight = _check_probabilities(y_true, y_pred, sample_weight)
    if y_true.shape[0] < 2:
        warn_at_caller(
            "D^2 is not defined for fewer than two samples.", UndefinedMetricWarning
        )
        return float("nan")
    mean_target = np.average(y_true, axis=0, weights=sample_weight)
    null_deviance = np.average(
        pointwise_deviance(y_true, np.broadcast_to(mean_target, y_true.shape)),
        weights=sample_weight,
    )
    weighted = sample_weight > 0
    targets = y_true[weighted]
    # Equal targets are judged exactly: their null deviance is 0, but their
    # computed mean may be off by rounding. Targets that differ by a few
    # units in the last place may have one that rounds to 0.
    if np.all(targets == targets[0]) or not null_deviance > 0:
        return float(np.array_equal(y_pred[weighted], targets))
    deviance = np.average(pointwise_deviance(y_true, y_pred), weights=sample_weight)
    return float(1.0 - deviance / null_deviance)


def _negative_cross_entropy(y_true, y_pred, sample_weight):
    """Minus :func:`cross_entropy_loss`: scorers are greater-is-better."""
    return -cross_entropy_loss(y_true, y_pred, sample_weight=sample_weight)


def _check_scorer_range(target_range):
    """Return a factory's ``target_range`` as floats ``(low, high)``, or None."""
    if target_range is None:
        return None
    try:
        return check_target_range(target_range)
    except ValueError as error:
        raise ValueError(
            "target_range must be None (the fitted estimator's target_range_ "
            "is then used, if it has one) or a pair (low, high) of finite "
            f"numbers with low < high and a finite high - low; got {target_range!r}."
        ) from error


def _final_step(estimator):
    """Return the estimator that predicts: a Pipeline's final step, nested or not."""
    while hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return estimator


def _predictions(estimator, X):
    """Return ``estimator.predict(X)`` as floats in memory (the metric refuses NaN)."""
    return check_array(
        in_memory(estimator.predict(X)),
        ensure_2d=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        input_name="y_pred",
    )


def _widened(target_range, y_true, sample_weight):
    """Return ``target_range`` widened to hold the targets of positive weight.

    A range learned from training targets need not hold the held-out ones;
    widened, it is the same for every model scored on those rows.
    """
    values = np.asarray(y_true, dtype=np.float64)
    if sample_weight is not None:
        values = values[np.asarray(sample_weight) > 0]
    values = values[np.isfinite(values)]
    low, high = target_range
    return min(low, values.min(initial=low)), max(high, values.max(initial=high))


def _mapped(values, target_range):
    """Return ``(values - low) / (high - low)``."""
    low, high = target_range
    return (values - low) / (high - low)


class _CrossEntropyScorer:
    """Scorer of ``metric(y_true, estimator.predict(X), sample_weight)`` on [0, 1].

    Made by :func:`make_neg_cross_entropy_scorer` and
    :func:`make_d2_cross_entropy_scorer` (``factory``, named in its repr and
    its messages), which say what it does. It takes part in scikit-learn's
    metadata routing as scikit-learn's scorers do: ``sample_weight`` is
    not requested until :meth:`set_score_request` says so.
    """

    def __init__(self, metric, factory, target_range):
        self._metric = metric
        self._factory = factory
        self._target_range = target_range
        self._request = MetadataRequest(owner=self)
        self._request.score.add_request(param="sample_weight", alias=None)

    def __call__(self, estimator, X, y_true, sample_weight=None):
        """Score ``estimator.predict(X)`` against ``y_true``; greater is better."""
        y_true, sample_weight = in_memory(y_true), in_memory(sample_weight)
        check_no_strings(y_true, "y_true")
        y_pred = _predictions(estimator, X)
        target_range, source, learned = self._range_of(estimator)
        if target_range is None:
            # The metric checks y_true again; this says what to do instead.
            check_probability_targets(
                y_true,
                sample_weight,
                input_name="y_true",
                advice="For targets on another scale, give the scorer their "
                f"range: {self._factory}(target_range=(low, high)).",
            )
        else:
            if learned:
                target_range = _widened(target_range, y_true, sample_weight)
            y_true = self._mapped_targets(y_true, sample_weight, target_range, source)
            y_pred = _mapped(y_pred, target_range)
        return self._metric(y_true, _as_probabilities(y_pred), sample_weight)

    def _range_of(self, estimator):
        """Return the range that maps values to [0, 1] (or None), and what set it.

        With whether the estimator learned it from its training targets
        (``target_range="auto"``).
        """
        if self._target_range is not None:
            return self._target_range, "the scorer's target_range", False
        final = _final_step(estimator)
        fitted = getattr(final, "target_range_", None)
        if fitted is None:
            return None, None, False
        learned = isinstance(getattr(final, "target_range", None), str)
        return tuple(fitted), f"{type(final).__name__}'s fitted target_range_", learned

    def _mapped_targets(self, y_true, sample_weight, target_range, source):
        """Return ``y_true``, checked to lie in ``target_range``, mapped to [0, 1]."""
        low, high = target_range
        advice = (
            "Score targets on the scale the model was fitted on, or give the "
            f"scorer their range: {self._factory}(target_range=(low, high))."
        )
        if not low < high:
            raise ValueError(
                f"{source}=({low!r}, {high!r}) cannot map y_true to [0, 1]: "
                f"low == high (the model was fitted on constant targets). {advice}"
            )
        check_targets_in_range(
            y_true,
            sample_weight,
            target_range=target_range,
            fitted=source,
            input_name="y_true",
            advice=advice,
        )
        y_true = check_array(
            y_true,
            ensure_2d=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
            input_name="y_true",
        )
        # Beyond the range lie only rounding and rows of zero weight.
        return np.clip(_mapped(y_true, target_range), 0.0, 1.0)

    def set_score_request(self, *, sample_weight=UNCHANGED):
        """Say whether ``sample_weight`` routed to ``score`` is to be used.

        Only available with metadata routing enabled
        (``sklearn.set_config(enable_metadata_routing=True)`` or
        ``sklearn.config_context``), as for scikit-learn's scorers.

        Parameters
        ----------
        sample_weight : bool, None or str, default=UNCHANGED
            True to request the weights, False not to, None (the default of
            a new scorer) to raise if they are passed; a string requests
            them under that alias.

        Returns
        -------
        self : object
            This scorer, its request changed.
        """
        if not get_config()["enable_metadata_routing"]:
            raise RuntimeError(
                "This method is only available when metadata routing is enabled."
                " You can enable it using"
                " sklearn.set_config(enable_metadata_routing=True)."
            )
        if self in _SHARED_SCORERS:
            raise TypeError(
                f"{self._factory.removeprefix('make_')} is shared by every "
                "user of skxent.metrics, so its requests are left as they "
                f"are: make a scorer of your own, {self._factory}()."
                "set_score_request(...)."
            )
        if sample_weight != UNCHANGED:
            # A new request, not a change to the one this scorer may share
            # with a (shallow) copy.
            request = MetadataRequest(owner=self)
            request.score.add_request(param="sample_weight", alias=sample_weight)
            self._request = request
        return self

    def get_metadata_routing(self):
        """Return a copy of this scorer's metadata request (a ``MetadataRequest``)."""
        return get_routing_for_object(self._request)

    def __repr__(self):
        """Say how this scorer was made."""
        return f"{self._factory}(target_range={self._target_range!r})"

    def _routing_repr(self):
        # What scikit-learn's routing messages call the scorer (by default,
        # its class name).
        return repr(self)

    def _accept_sample_weight(self):
        # Without metadata routing, scikit-learn's searches ask the scorers of
        # a dict whether they take sample_weight (a scorer's signature says
        # so otherwise): this one does.
        return True


def make_neg_cross_entropy_scorer(*, target_range=None):
    """Make a scorer of minus the cross-entropy of ``estimator.predict(X)``.

    The scorer returns ``-cross_entropy_loss(y_true, y_pred, sample_weight)``
    (greater is better, as scikit-learn's ``scoring=`` requires) for any
    regressor, on the [0, 1] scale: targets on another scale and the
    predictions are mapped onto it, and predictions outside it are clipped
    (see Notes).

    Parameters
    ----------
    target_range : tuple (low, high), default=None
        The range of the targets, mapped onto [0, 1] by ``(v - low) / (high -
        low)`` (targets and predictions alike). None uses the fitted
        estimator's ``target_range_`` (that of a Pipeline's final step), as
        :class:`~skxent.CrossEntropyRegressor` has one, and otherwise takes
        the targets to lie in [0, 1] already (see Notes for a learned
        ``target_range_``). Give it to score models without
        ``target_range_`` (least squares, gradient boosting) on targets on
        another scale, and to score every model of a comparison on one
        scale.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, sample_weight=None)``, a new object at
        each call, with ``set_score_request`` and ``get_metadata_routing``
        for scikit-learn's metadata routing: ``sample_weight`` is not
        requested until ``set_score_request(sample_weight=True)``.

    See Also
    --------
    make_d2_cross_entropy_scorer : The fraction of deviance explained instead.
    cross_entropy_loss : The metric.

    Notes
    -----
    ``y_true`` must lie in ``target_range`` (in [0, 1] without one), within
    the rounding the estimators accept; only rows of positive weight are
    judged. A ``target_range_`` that the estimator learned
    (``target_range="auto"``) is widened to hold the targets scored: the
    training rows' range need not hold the held-out rows' targets, and the
    widened range is the same for every model scored on the same rows (in
    a search, every candidate of a fold); across folds the scale may then
    differ, as the learned ranges do. A range with ``low == high`` (a model
    fitted on constant targets, scored on targets as constant) maps
    nothing, and is an error. Predictions are mapped
    likewise, clipped to [0, 1] (each row of 2-D predictions clipped, then
    divided by its sum; a row summing to 0 becomes the uniform row), and by
    the metric to ``[eps, 1 - eps]``: a model predicting outside [0, 1] gets
    a finite, large loss, as scikit-learn's ``log_loss`` clips.

    ``set_score_request`` changes the scorer it is called on: make a
    weighted scorer afresh, rather than changing the module-level
    ``neg_cross_entropy_scorer`` that every user of the module shares.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skxent import CrossEntropyRegressor
    >>> from skxent.metrics import make_neg_cross_entropy_scorer
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> scores = np.array([5.0, 10.0, 40.0, 100.0])
    >>> model = CrossEntropyRegressor(target_range=(0, 100)).fit(X, scores)
    >>> scorer = make_neg_cross_entropy_scorer()  # uses model.target_range_
    >>> round(scorer(model, X, scores), 4)
    -0.3381

    Least squares has no ``target_range_``, so the scorer is given the range;
    its prediction below 0 (-8.5 for the score of 5) is clipped, and costs
    much:

    >>> least_squares = LinearRegression().fit(X, scores)
    >>> scorer = make_neg_cross_entropy_scorer(target_range=(0, 100))
    >>> round(scorer(least_squares, X, scores), 4)
    -0.7626

    With metadata routing, a scorer that asks for ``sample_weight``:

    >>> import sklearn
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     weighted = make_neg_cross_entropy_scorer().set_score_request(
    ...         sample_weight=True
    ...     )
    >>> weighted
    make_neg_cross_entropy_scorer(target_range=None)
    """
    return _CrossEntropyScorer(
        _negative_cross_entropy,
        "make_neg_cross_entropy_scorer",
        _check_scorer_range(target_range),
    )


def make_d2_cross_entropy_scorer(*, target_range=None):
    """Make a scorer of the fraction of deviance explained by ``estimator.predict(X)``.

    The scorer returns ``d2_cross_entropy_score(y_true, y_pred,
    sample_weight)`` for any regressor, on the [0, 1] scale, as
    :func:`make_neg_cross_entropy_scorer` maps and clips.

    Parameters
    ----------
    target_range : tuple (low, high), default=None
        The range of the targets, mapped onto [0, 1]; None uses the fitted
        estimator's ``target_range_``, if it has one. As in
        :func:`make_neg_cross_entropy_scorer`.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y_true, sample_weight=None)``, a new object at
        each call, with ``set_score_request`` and ``get_metadata_routing``
        for scikit-learn's metadata routing.

    See Also
    --------
    make_neg_cross_entropy_scorer : Minus the cross-entropy; its Notes say how
        targets and predictions are checked, mapped and clipped.
    d2_cross_entropy_score : The metric.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import cross_validate
    >>> from skxent import ProbabilityRegressor
    >>> from skxent.metrics import make_d2_cross_entropy_scorer
    >>> X = np.arange(8.0).reshape(-1, 1)
    >>> y = np.array([0.1, 0.2, 0.2, 0.4, 0.5, 0.7, 0.8, 0.8])
    >>> results = cross_validate(
    ...     ProbabilityRegressor(), X, y, cv=2, scoring=make_d2_cross_entropy_scorer()
    ... )
    >>> results["test_score"].round(3)
    array([0.742, 0.856])
    """
    return _CrossEntropyScorer(
        d2_cross_entropy_score,
        "make_d2_cross_entropy_scorer",
        _check_scorer_range(target_range),
    )


#: Minus :func:`cross_entropy_loss` of ``estimator.predict(X)``, for
#: ``scoring=``: ``make_neg_cross_entropy_scorer()``, shared by every user of
#: the module, so its ``set_score_request`` refuses (make a scorer of your
#: own to request weights).
neg_cross_entropy_scorer = make_neg_cross_entropy_scorer()

#: :func:`d2_cross_entropy_score` of ``estimator.predict(X)``, for
#: ``scoring=``: ``make_d2_cross_entropy_scorer()``, shared likewise.
d2_cross_entropy_scorer = make_d2_cross_entropy_scorer()

# The module's scorers, whose metadata requests stay unset.
_SHARED_SCORERS = (neg_cross_entropy_scorer, d2_cross_entropy_scorer)
