"""The two public estimators: only how targets are checked and mapped differs."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ._base import CrossEntropyRegressorBase
from ._validation import (
    check_probability_targets,
    check_target_range,
    check_targets_in_range,
)

_SHARED_PARAMETERS = """alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * ||coef||^2`` added to the
        weighted *mean* cross-entropy, the scaling of scikit-learn's
        ``PoissonRegressor``: ``alpha`` means the same there and here, and
        does not grow with the number of samples. ``alpha=0`` fits the
        unpenalised (quasi-)maximum-likelihood model.

    fit_intercept : bool, default=True
        Whether to fit an intercept. It is never penalised.

    max_iter : int, default=100
        Maximum number of solver iterations.

    tol : float, default=1e-10
        The fit stops when every entry of the gradient, taken in the
        solver's Newton-scaled coordinates, is at most ``tol`` in absolute
        value. In those coordinates the objective's curvature is close to
        one, so ``tol`` is roughly the distance left to the optimum whatever
        the scales of the features; the default leaves the coefficients
        exact to about eight significant digits.

    warm_start : bool, default=False
        Whether to start from the previous solution when refitting on data
        with the same number of features.

    verbose : int, default=0
        If positive, print the objective and the largest gradient entry after
        every iteration."""

_SHARED_ATTRIBUTES = """coef_ : ndarray of shape (n_features,)
        Coefficients of the linear predictor ``eta = X @ coef_ + intercept_``,
        in the dtype of the training data (float32 stays float32).

    intercept_ : float
        Intercept of the linear predictor; 0.0 when ``fit_intercept=False``.

    n_iter_ : int
        Number of solver iterations run.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names (a pandas DataFrame, for example)."""

_SHARED_NOTES = """The model predicts ``mu = expit(X @ coef_ + intercept_)`` and is
    fitted by minimising, over ``coef_`` and ``intercept_``,

    .. math::

        \\frac{\\sum_i w_i \\, CE(t_i, \\mu_i)}{\\sum_i w_i}
        + \\frac{\\alpha}{2} \\lVert coef \\rVert_2^2,
        \\qquad CE(t, \\mu) = -t \\log \\mu - (1 - t) \\log (1 - \\mu),

    with ``t`` the targets mapped to [0, 1] and ``w`` the sample weights: the
    quasi-binomial (fractional logit) model of Papke and Wooldridge, with the
    GLM scaling of scikit-learn's ``PoissonRegressor``. The minimiser is the
    binomial maximum-likelihood fit (with ``alpha = 0``) whenever ``t`` is a
    proportion and ``w`` its number of trials.

    The solver is scipy's L-BFGS on a preconditioned problem: the coefficients
    are centred and whitened by the Hessian at the starting point (``X`` is
    never copied or scaled), so columns of very different scales and strongly
    correlated columns do not slow it down; a few Newton steps, solved with
    Hessian-vector products, finish where L-BFGS can no longer resolve the
    objective. It reaches the exact optimum where plain L-BFGS stops far
    from it. Rank-deficient ``X`` (constant or duplicate columns, more
    features than samples) gives, with ``alpha=0``, the solution with no
    component in the directions the data do not determine.

    ``score`` is :math:`R^2`, as for every scikit-learn regressor, so model
    comparison scripts and ``GridSearchCV`` treat it like any other. To
    select models by cross-entropy instead, pass a scorer built with
    :func:`sklearn.metrics.make_scorer` from a cross-entropy function of
    ``(y_true, y_pred)`` as ``scoring=`` (``"neg_log_loss"`` does not apply:
    it expects class labels and ``predict_proba``)."""


class ProbabilityRegressor(CrossEntropyRegressorBase):
    __doc__ = f"""Linear model of probabilities and proportions fitted by cross-entropy.

    For targets in [0, 1]: rates, shares, fractions of successes (with the
    number of trials as ``sample_weight``), soft labels. Predictions are
    probabilities in (0, 1), up to floating-point rounding: they round to
    exactly 1 once the linear predictor exceeds about 37 (17 for float32
    input), and to 0 only below about -709 (-89). For targets on another
    scale, see :class:`CrossEntropyRegressor`.

    Parameters
    ----------
    {_SHARED_PARAMETERS}

    Attributes
    ----------
    {_SHARED_ATTRIBUTES}

    See Also
    --------
    CrossEntropyRegressor : The same model for targets in any known or learned
        range.
    sklearn.linear_model.LogisticRegression : For hard class labels.

    Notes
    -----
    {_SHARED_NOTES}

    References
    ----------
    .. [1] L. E. Papke and J. M. Wooldridge, "Econometric methods for
       fractional response variables with an application to 401(k) plan
       participation rates", Journal of Applied Econometrics 11(6), 1996.

    Examples
    --------
    >>> import numpy as np
    >>> from skxent import ProbabilityRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([0.1, 0.3, 0.6, 0.8])
    >>> model = ProbabilityRegressor(alpha=0).fit(X, y)
    >>> model.predict([[1.5]]).round(3)
    array([0.429])
    """

    def fit(self, X, y, sample_weight=None):
        """Fit the model to probability targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets in [0, 1].
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, such as trial counts when ``y`` is a
            proportion. None gives every sample weight 1.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if y is not None:
            check_probability_targets(y)
        return super().fit(X, y, sample_weight)

    def _targets_to_probabilities(self, y, sample_weight):
        return y

    def _probabilities_to_targets(self, probabilities):
        return probabilities


class CrossEntropyRegressor(CrossEntropyRegressorBase):
    __doc__ = f"""Linear model of bounded real targets fitted by cross-entropy.

    Targets in a range ``(low, high)`` (a 0-100 score, a rating from 1 to 5,
    any bounded quantity) are mapped to ``t = (y - low) / (high - low)`` in
    [0, 1], the same logistic model as :class:`ProbabilityRegressor` is
    fitted, and predictions are mapped back to the targets' units, so they
    always stay inside the range.

    Parameters
    ----------
    target_range : "auto" or tuple (low, high), default="auto"
        The range of the targets. ``"auto"`` learns it from the training
        targets (those with positive weight): their minimum and maximum.
        Give it explicitly when the bounds are known (``(0, 100)`` for a
        percentage), so that predictions can approach them.

    {_SHARED_PARAMETERS}

    Attributes
    ----------
    target_range_ : tuple of float (low, high)
        The range used to map the targets to [0, 1]. When the training
        targets are constant, ``low == high`` and every prediction is that
        constant.

    {_SHARED_ATTRIBUTES}

    See Also
    --------
    ProbabilityRegressor : The same model for targets already in [0, 1].

    Notes
    -----
    ``coef_`` and ``intercept_`` describe the model of the mapped target ``t``.

    {_SHARED_NOTES}

    Examples
    --------
    >>> import numpy as np
    >>> from skxent import CrossEntropyRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> scores = np.array([10.0, 30.0, 60.0, 80.0])
    >>> model = CrossEntropyRegressor(target_range=(0, 100), alpha=0).fit(X, scores)
    >>> model.predict([[1.5]]).round(1)
    array([42.9])
    """

    _parameter_constraints: dict = {
        **CrossEntropyRegressorBase._parameter_constraints,
        "target_range": [StrOptions({"auto"}), tuple],
    }

    def __init__(
        self,
        *,
        target_range="auto",
        alpha=1e-4,
        fit_intercept=True,
        max_iter=100,
        tol=1e-10,
        warm_start=False,
        verbose=0,
    ):
        super().__init__(
            alpha=alpha,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            verbose=verbose,
        )
        self.target_range = target_range

    def _targets_to_probabilities(self, y, sample_weight):
        if self.target_range == "auto":
            weighted = y[sample_weight > 0]
            low, high = float(weighted.min()), float(weighted.max())
        else:
            low, high = check_target_range(self.target_range)
            check_targets_in_range(y, (low, high))
        self.target_range_ = (low, high)
        if high == low:
            # Constant targets: any probability maps back to the constant;
            # 1/2 makes the optimum the finite all-zero model.
            return np.full_like(y, 0.5)
        return (y - low) / (high - low)

    def _probabilities_to_targets(self, probabilities):
        low, high = self.target_range_
        return low + probabilities * (high - low)
