"""The two public estimators: only how targets are checked and mapped differs."""

from functools import partial

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ._base import CrossEntropyRegressorBase
from ._validation import (
    accept_any_targets,
    check_learned_range,
    check_probability_targets,
    check_target_range,
    check_targets_in_range,
)

_LINK_PARAMETER = """link : {"logit", "probit", "cloglog"}, default="logit"
        How the linear predictor ``eta = X @ coef_ + intercept_`` becomes a
        probability ``mu``: ``"logit"``, ``mu = 1 / (1 + exp(-eta))``;
        ``"probit"``, ``mu = Phi(eta)``, the standard normal distribution
        function; ``"cloglog"``, ``mu = 1 - exp(-exp(eta))``. When each is
        the better model: the user guide's section on links (:ref:`links`)."""

_ALPHA_PARAMETER = """alpha : float, default=1e-4
        Strength of the penalty added to the weighted *mean* cross-entropy,
        with ``l1_ratio=0`` the L2 penalty ``alpha / 2 * ||coef||^2``: the
        scaling of scikit-learn's ``PoissonRegressor``, so ``alpha`` means
        the same there and here, and does not grow with the number of
        samples. ``alpha=0`` fits the unpenalised (quasi-)maximum-likelihood
        model."""

_L1_RATIO_PARAMETER = """l1_ratio : float in [0, 1], default=0.0
        The elastic-net mixing of the penalty, the convention of
        scikit-learn's ``ElasticNet`` and glum: the penalty is
        ``alpha * (l1_ratio * ||P * coef||_1 + (1 - l1_ratio) / 2 *
        ||sqrt(P) * coef||_2^2)`` with ``P`` the ``penalty_weights``. 0 is
        the L2 (ridge) penalty, 1 the L1 (lasso) penalty, whose optimum has
        coefficients exactly 0.0; for 2-D targets every coefficient of the
        ``(n_classes, n_features)`` matrix is penalised alike (elementwise
        L1). The intercept is never penalised. With ``l1_ratio > 0`` and
        ``alpha > 0`` the inference methods refuse (see the user guide)."""

_PENALTY_WEIGHTS_PARAMETER = """\
penalty_weights : array-like of shape (n_features,), default=None
        Non-negative factors ``P`` of each feature's penalty, in both its L1
        and L2 parts (glum's ``P1`` and ``P2`` as one vector); 0 leaves a
        feature unpenalised (a control to keep in the model). None
        penalises every feature alike (all ones)."""

_FIT_INTERCEPT_PARAMETER = """fit_intercept : bool, default=True
        Whether to fit an intercept. It is never penalised."""

_MAX_ITER_PARAMETER = """max_iter : int, default=100
        Maximum number of solver iterations."""

_TOL_PARAMETER = """tol : float, default=1e-10
        The fit stops when every entry of the gradient, taken in the
        solver's Newton-scaled coordinates, is at most ``tol`` in absolute
        value. In those coordinates the objective's curvature is close to
        one, so ``tol`` is roughly the distance left to the optimum whatever
        the scales of the features (where the curvature at the optimum is far
        below the start's, the Newton decrement must also be at most
        ``n * tol**2``); the default leaves the coefficients exact to about
        eight significant digits. With ``l1_ratio > 0`` it bounds, in the
        same coordinates, each coefficient's violation of its optimality
        condition (at zero, a gradient within ``alpha * l1_ratio * P_j``).
        For float32 ``X`` the fit stops at ``max(tol, 1e-8)``: there its
        predictions agree with those of a float64 fit to float32 precision
        (about ``1e-7``)."""

_WARM_START_PARAMETER = """warm_start : bool, default=False
        Whether to start from the previous solution when refitting on data
        with the same number of features."""

_VERBOSE_PARAMETER = """verbose : int, default=0
        If positive, print the objective and the largest gradient entry after
        every iteration."""

_SHARED_PARAMETERS = "\n\n    ".join(
    (
        _LINK_PARAMETER,
        _ALPHA_PARAMETER,
        _L1_RATIO_PARAMETER,
        _PENALTY_WEIGHTS_PARAMETER,
        _FIT_INTERCEPT_PARAMETER,
        _MAX_ITER_PARAMETER,
        _TOL_PARAMETER,
        _WARM_START_PARAMETER,
        _VERBOSE_PARAMETER,
    )
)

_SHARED_ATTRIBUTES = """\
coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        Coefficients of the linear predictor ``eta = X @ coef_.T + intercept_``,
        in the dtype of the training data (float32 stays float32); a row per
        class for 2-D targets.

    intercept_ : float or ndarray of shape (n_classes,)
        Intercept of the linear predictor; 0.0 when ``fit_intercept=False``.
        For 2-D targets, ``intercept_`` sums to zero over the classes (up to
        rounding): the softmax is unchanged by adding the same to every
        class. So does ``coef_`` with ``l1_ratio=0``, the choice the L2
        penalty makes; with ``l1_ratio > 0`` the L1 penalty chooses a shift
        that zeroes coefficients instead.

    n_iter_ : int
        Number of solver iterations run.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column
        names (a pandas DataFrame, for example)."""

_LINK_NOTES = """**Choosing a link.** The logit is the default and usually the right
    choice: its coefficients are log odds ratios, it is the canonical link
    (the best-conditioned problem, the fastest fit), and it is what
    econometricians mean by the fractional logit. The probit assumes the
    probability is that of a latent normal variable exceeding a threshold
    (dose-response, psychometric and choice models written that way); its
    tails are thinner, so it predicts values near 0 and 1 sooner, and its
    coefficients are about those of the logit divided by 1.6. The
    complementary log-log is asymmetric: it approaches 1 much faster than 0.
    It is the natural model when the target is the chance of at least one
    event with a rate ``exp(eta)`` per unit of exposure (infection given
    contacts, a failure within an interval, the fraction of plots where a
    species is found), and ``coef_`` are then log rate ratios. When the data
    cannot tell the links apart, prefer the logit; compare them by
    cross-validated cross-entropy (:mod:`skxent.metrics`) otherwise."""

_SCORING_NOTES = """``score`` is :math:`R^2`, as for every scikit-learn regressor, so
    model comparison scripts and ``GridSearchCV`` treat it like any other. To
    select models by cross-entropy instead, pass
    ``skxent.metrics.neg_cross_entropy_scorer`` or
    ``skxent.metrics.d2_cross_entropy_scorer`` (the fraction of deviance
    explained) as ``scoring=`` (``"neg_log_loss"`` does not apply: it
    expects class labels and ``predict_proba``). They score a
    ``CrossEntropyRegressor`` on its fitted ``target_range_``, and clip the
    predictions of models that leave [0, 1], so that baselines are scored
    too. To weight the scores (by trials) with metadata routing, make a
    scorer of your own:
    ``skxent.metrics.make_neg_cross_entropy_scorer().set_score_request(
    sample_weight=True)``."""

_SHARED_NOTES = """The model predicts ``mu = g^-1(X @ coef_ + intercept_)`` for the
    inverse link ``g^-1`` and is fitted by minimising, over ``coef_`` and
    ``intercept_``,

    .. math::

        \\frac{\\sum_i w_i \\, CE(t_i, \\mu_i)}{\\sum_i w_i}
        + \\alpha \\sum_j P_j \\left(\\rho \\lvert coef_j \\rvert
        + \\frac{1 - \\rho}{2} coef_j^2\\right),
        \\qquad CE(t, \\mu) = -t \\log \\mu - (1 - t) \\log (1 - \\mu),

    with ``t`` the targets mapped to [0, 1], ``w`` the sample weights,
    :math:`\\rho` = ``l1_ratio`` and ``P`` the ``penalty_weights`` (ones by
    default, when the penalty is ``alpha / 2 * ||coef||^2``): the
    quasi-binomial (fractional logit) model of Papke and Wooldridge, with the
    GLM scaling of scikit-learn's ``PoissonRegressor``. The minimiser is the
    binomial maximum-likelihood fit (with ``alpha = 0``) whenever ``t`` is a
    proportion and ``w`` its number of trials.

    The solver is scipy's L-BFGS on a preconditioned problem: the coefficients
    are centered and whitened by the Hessian at the starting point, estimated
    from a sample of rows (``X`` is never copied or scaled), so columns of
    very different scales and strongly correlated columns do not slow it
    down; where L-BFGS can no longer resolve the objective, quasi-Newton and
    Newton steps driven by the gradient alone finish the job. It reaches the
    exact optimum where plain L-BFGS stops far from it. ``X`` may be float64
    or float32 (fitted in float32 arithmetic, confirmed with a float64
    gradient), in C or Fortran order, or sparse CSR or CSC (never
    densified). Products with ``X`` run in as many threads as numpy's BLAS
    would use (``OMP_NUM_THREADS`` and threadpoolctl limits apply), at most
    one per 65536 rows.

    With ``l1_ratio > 0`` the L1 term is handled by scipy's L-BFGS-B with
    bounds: proximal Newton steps, whose quadratic models are solved by
    L-BFGS-B on the coefficients split into positive and negative parts,
    find which coefficients are zero; the preconditioned solver then fits
    the others with their signs fixed, and the optimality conditions of
    every coefficient are checked to ``tol`` (in the same scaled
    coordinates). Zero coefficients are exactly 0.0; ``n_iter_`` counts the
    proximal Newton steps and the iterations on the support (see the user
    guide's section on L1 fits).

    Rank-deficient ``X`` (constant or duplicate columns, more features than
    samples) with ``alpha=0`` has many optimal coefficient vectors; the fit
    returns the one of smallest Euclidean norm in the units of ``X`` as
    given, the intercept left free (the limit of the penalised fit as
    ``alpha`` goes to 0); without an intercept, ``np.linalg.pinv(X) @ X @
    coef`` for any optimal ``coef``, what scikit-learn's GLMs return. Above
    1000 features, the smallest in the solver's diagonally scaled
    coordinates instead (see the user guide)."""


_ADVICE_FOR_OTHER_SCALES = (
    "For targets on another scale use CrossEntropyRegressor, which maps a "
    "known or learned target_range onto [0, 1]."
)


class ProbabilityRegressor(CrossEntropyRegressorBase):
    __doc__ = f"""Linear model of probabilities and proportions fitted by cross-entropy.

    For targets in [0, 1]: rates, shares, fractions of successes (with the
    number of trials as ``sample_weight``), soft binary labels. Predictions
    lie in [0, 1] and equal 0 or 1 only where the linear predictor is so
    large that the probability rounds to it: for the logit above about 36.7
    (16.6 for float32 input) and below about -710 (-88.7); the FAQ gives the
    probit and cloglog values.
    For targets on another scale, see :class:`CrossEntropyRegressor`.
    Targets within 4 units in the last place of 1 (``4 * np.spacing(1.0)``
    in ``y``'s dtype) outside [0, 1] are rounding, and are fitted as exactly
    0 or 1.

    For soft labels over ``n_classes >= 2`` classes (vote shares, annotators'
    label distributions, a teacher model's probabilities), ``y`` is 2-D with a
    row per sample: each row a probability vector, non-negative and summing
    to 1 within ``tol = max(1e-6, n_classes * eps)`` (``eps`` the machine
    epsilon of ``y``'s dtype). Entries down to ``-tol`` are rounding too (a
    share computed as 1 minus the others): they are fitted as 0, as a
    negative target would reward predicting 0 without bound. Rows are then
    divided by their sums. Rows rounded more coarsely (shares published to a
    few decimals) are refused: divide them by their sums first. The model is
    then the softmax (multinomial logit) ``mu = softmax(X @ coef_.T +
    intercept_)``, fitted by the same weighted mean cross-entropy, ``CE(t,
    mu) = -sum_k t_k log(mu_k)``, and penalty; ``predict`` returns rows on
    the simplex. With one-hot rows it is scikit-learn's multinomial
    ``LogisticRegression`` with ``C = 1 / (alpha * sum(sample_weight))``,
    without repeating a row per class. A 2-D ``y`` with a single column is
    taken as 1-D, with scikit-learn's ``DataConversionWarning``.

    Targets of rows of zero ``sample_weight`` count for nothing, as if the
    rows were absent: they need only be finite.

    Parameters
    ----------
    {_SHARED_PARAMETERS}

    Attributes
    ----------
    {_SHARED_ATTRIBUTES}

    target_names_ : ndarray of object of shape (n_classes,)
        Names of the classes: the column names of a 2-D ``y`` whose column
        names are all strings (a pandas DataFrame, for example). Only
        defined then.

    See Also
    --------
    CrossEntropyRegressor : The same model for targets in any known or learned
        range.
    sklearn.linear_model.LogisticRegression : For hard class labels.

    Notes
    -----
    {_SHARED_NOTES}

    {_LINK_NOTES}

    {_SCORING_NOTES}

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

    Rows of class probabilities (here vote shares of three parties) fit the
    softmax model, with a row of coefficients per class:

    >>> shares = np.array(
    ...     [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.3, 0.4, 0.3], [0.1, 0.5, 0.4]]
    ... )
    >>> soft = ProbabilityRegressor(alpha=0).fit(X, shares)
    >>> soft.coef_.shape
    (3, 1)
    >>> soft.predict([[1.5]]).round(3)
    array([[0.374, 0.374, 0.252]])

    With ``l1_ratio=1`` (the lasso) coefficients without enough evidence are
    exactly 0.0; ``penalty_weights`` of 0 keep a feature (a control) out of
    the penalty:

    >>> from scipy.special import expit
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> rate = expit(X @ [1.0, -0.5, 0.0, 0.0] + rng.normal(0, 0.3, 200))
    >>> ProbabilityRegressor(alpha=0.01, l1_ratio=1.0).fit(X, rate).coef_.round(3)
    array([ 0.88 , -0.419,  0.   ,  0.   ])
    >>> controls = [0, 1, 1, 1]
    >>> kept = ProbabilityRegressor(alpha=0.2, l1_ratio=1.0, penalty_weights=controls)
    >>> kept.fit(X, rate).coef_.round(3)
    array([0.906, 0.   , 0.   , 0.   ])
    """

    def _training_target_check(self):
        return partial(check_probability_targets, advice=_ADVICE_FOR_OTHER_SCALES)

    def _fitted_target_check(self):
        return self._training_target_check()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _targets_to_probabilities(self, y):
        if y.ndim == 2:
            return _rows_to_probabilities(y)
        # Rounding outside [0, 1] is taken as the bound; targets of rows of
        # zero weight, unchecked, become finite probabilities. y itself when
        # nothing is outside: the fit keeps no copy of it.
        if y.size and (y.min() < 0.0 or y.max() > 1.0):
            return np.clip(y, 0.0, 1.0)
        return y

    def _probabilities_to_targets(self, probabilities):
        return probabilities


def _rows_to_probabilities(rows):
    """Return ``rows`` as probability vectors: entries in [0, 1], divided by their sums.

    Checked rows are on the simplex within rounding, which clipping to
    [0, 1] takes as the bound before dividing. Rows of zero weight are not
    checked and may be anything finite: one with no positive entry becomes
    the uniform row, so that no probability is NaN.
    """
    clipped = np.clip(rows, 0.0, 1.0)
    sums = clipped.sum(axis=1, keepdims=True)
    uniform = np.full_like(clipped, 1.0 / rows.shape[1])
    return np.divide(clipped, sums, out=uniform, where=sums > 0)


def _values_inside(dtype, low, high):
    """Return the smallest and largest values of the float ``dtype`` in [low, high].

    ``low`` and ``high`` themselves in float64; in float32, the nearest
    float32 inside (the nearest float32 may lie outside). Where no value of
    ``dtype`` lies inside, the bounds rounded to ``dtype``.
    """
    inside_low, inside_high = np.array([low, high], dtype=dtype)
    if float(inside_low) < low and inside_low < inside_high:
        inside_low = np.nextafter(inside_low, inside_high)
    if float(inside_high) > high and inside_low < inside_high:
        inside_high = np.nextafter(inside_high, inside_low)
    return inside_low, inside_high


class CrossEntropyRegressor(CrossEntropyRegressorBase):
    __doc__ = f"""Linear model of bounded real targets fitted by cross-entropy.

    Targets in a range ``(low, high)`` (a 0-100 score, a rating from 1 to 5,
    any bounded quantity) are mapped to ``t = (y - low) / (high - low)`` in
    [0, 1], the same logistic model as :class:`ProbabilityRegressor` is
    fitted, and predictions are mapped back to the targets' units, so they
    lie in ``[low, high]``, equal to a bound only where the probability, or
    its map back, rounds to it (the map back is clipped to the range).

    Targets within ``4 * np.spacing(max(abs(low), abs(high)))`` (in ``y``'s
    dtype: 4 units in the last place of the larger bound) outside the range
    are rounding (``low + (high - low) * t`` for ``t`` in [0, 1] may land
    there), and are fitted as exactly ``low`` or ``high``. Targets of rows of
    zero ``sample_weight`` count for nothing, as if the rows were absent:
    they need only be finite. ``high - low`` must be finite: rescale targets
    that span more than float64 holds.

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
        super().__init__(
            link=link,
            alpha=alpha,
            l1_ratio=l1_ratio,
            penalty_weights=penalty_weights,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            verbose=verbose,
        )
        self.target_range = target_range

    def _training_target_check(self):
        if self.target_range == "auto":
            return accept_any_targets
        return partial(
            check_targets_in_range, target_range=check_target_range(self.target_range)
        )

    def _fitted_target_check(self):
        return partial(
            check_targets_in_range,
            target_range=self.target_range_,
            fitted="the fitted target_range_",
        )

    def _learn_target_mapping(self, target_bounds):
        self.target_range_ = (
            check_learned_range(target_bounds)
            if self.target_range == "auto"
            else check_target_range(self.target_range)
        )

    def _targets_to_probabilities(self, y):
        low, high = self.target_range_
        if high == low:
            # Constant targets: any probability maps back to the constant;
            # 1/2 makes the optimum the finite all-zero model.
            return np.full_like(y, 0.5)
        # Clipped first, rounding outside the range is the bound: low maps to
        # exactly 0, high to exactly 1 (x / x is 1), and, rounding being
        # monotone, nothing beyond. Targets of rows of zero weight,
        # unchecked, become finite probabilities.
        return (np.clip(y, low, high) - low) / (high - low)

    def _probability_to_target_slope(self):
        low, high = self.target_range_
        return high - low

    def _probabilities_to_targets(self, probabilities):
        low, high = self.target_range_
        # low + p * (high - low) may round beyond high (or below low).
        targets = low + probabilities * (high - low)
        return np.clip(targets, *_values_inside(targets.dtype, low, high))
