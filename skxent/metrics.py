"""Cross-entropy metrics for fractional and probability-vector targets, and scorers.

scikit-learn's ``log_loss`` takes class labels and ``predict_proba``; these
take targets that are themselves probabilities (a proportion, a share, a
row of class probabilities) and the predictions of a regressor, so they
score :class:`~skxent.ProbabilityRegressor` (and any model predicting
probabilities) on the quantity it minimises. ``neg_cross_entropy_scorer``
and ``d2_cross_entropy_scorer`` go wherever scikit-learn takes
``scoring=``: ``GridSearchCV``, ``cross_validate``, ``permutation_importance``.
"""

import numpy as np
from scipy.special import xlogy
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import make_scorer
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import validate_params

from ._validation import (
    check_no_strings,
    check_probability_targets,
    check_sample_weight,
)
from ._warnings import warn_at_caller

__all__ = [
    "cross_entropy_loss",
    "d2_cross_entropy_score",
    "d2_cross_entropy_scorer",
    "neg_cross_entropy_scorer",
]

_PARAMETERS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "sample_weight": ["array-like", None],
}


def _check_probabilities(y_true, y_pred, sample_weight):
    """Validate ``(y_true, y_pred, sample_weight)`` as float arrays of one shape."""
    check_consistent_length(y_true, y_pred, sample_weight)
    arrays = []
    for values, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        check_no_strings(values, name)
        check_probability_targets(values, input_name=name)
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
    return y_true, y_pred, check_sample_weight(sample_weight, y_true)


def _pointwise_cross_entropy(y_true, y_pred):
    """Cross-entropy of each target against its prediction.

    ``y_pred`` is clipped to ``[eps, 1 - eps]`` as scikit-learn's ``log_loss``
    does.
    """
    eps = np.finfo(y_pred.dtype).eps
    y_pred = np.clip(y_pred, eps, 1 - eps)
    if y_true.ndim == 2:
        return -xlogy(y_true, y_pred).sum(axis=1)
    return -(xlogy(y_true, y_pred) + xlogy(1 - y_true, 1 - y_pred))


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
        Targets in [0, 1], or rows on the probability simplex.
    y_pred : array-like of the shape of ``y_true``
        Predicted probabilities. They are clipped to ``[eps, 1 - eps]``
        (``eps`` the machine epsilon of their dtype), as in ``log_loss``, so
        that a prediction that rounded to 0 or 1 gives a large, finite loss.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, such as trial counts for proportions.

    Returns
    -------
    loss : float
        Non-negative; 0 only for hard targets predicted with certainty. For
        soft targets the smallest possible value is their entropy.

    See Also
    --------
    d2_cross_entropy_score : The fraction of cross-entropy explained.

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
        np.average(_pointwise_cross_entropy(y_true, y_pred), weights=sample_weight)
    )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)
def d2_cross_entropy_score(y_true, y_pred, sample_weight=None):
    """Fraction of cross-entropy explained, relative to the mean prediction.

    ``D^2 = 1 - CE(y_true, y_pred) / CE(y_true, m)``, with ``m`` the weighted
    mean of ``y_true`` (of each column for 2-D targets) predicted for every
    sample: the best constant model, as :math:`R^2` is to squared error and
    scikit-learn's ``d2_log_loss_score`` to ``log_loss``. 1 is a perfect
    fit of hard targets, 0 is no better than the mean, negative is worse.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Targets in [0, 1], or rows on the probability simplex.
    y_pred : array-like of the shape of ``y_true``
        Predicted probabilities, clipped as in :func:`cross_entropy_loss`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; they also weight the mean prediction.

    Returns
    -------
    score : float
        NaN, with an ``UndefinedMetricWarning``, for fewer than two samples.

    See Also
    --------
    cross_entropy_loss : The loss itself.

    Examples
    --------
    >>> from skxent.metrics import d2_cross_entropy_score
    >>> round(d2_cross_entropy_score([0.1, 0.9, 0.8], [0.2, 0.8, 0.8]), 4)
    0.3938
    """
    y_true, y_pred, sample_weight = _check_probabilities(y_true, y_pred, sample_weight)
    if y_true.shape[0] < 2:
        warn_at_caller(
            "D^2 is not defined for fewer than two samples.", UndefinedMetricWarning
        )
        return float("nan")
    mean_prediction = np.average(y_true, axis=0, weights=sample_weight)
    loss = np.average(_pointwise_cross_entropy(y_true, y_pred), weights=sample_weight)
    mean_loss = np.average(
        _pointwise_cross_entropy(
            y_true, np.broadcast_to(mean_prediction, y_true.shape)
        ),
        weights=sample_weight,
    )
    return float(1.0 - loss / mean_loss)


#: Minus :func:`cross_entropy_loss` of ``estimator.predict(X)``, for
#: ``scoring=`` (greater is better, as scikit-learn's scorers require).
neg_cross_entropy_scorer = make_scorer(cross_entropy_loss, greater_is_better=False)

#: :func:`d2_cross_entropy_score` of ``estimator.predict(X)``, for ``scoring=``.
d2_cross_entropy_scorer = make_scorer(d2_cross_entropy_score)
