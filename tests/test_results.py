"""InferenceResults against statsmodels on real data sets.

Every number is compared with statsmodels' on data bundled with it: spector
(grades, a 0/1 treatment), fair (affairs, occupations), anes96 (votes, party
identification, education), star98 (shares of students, trial counts),
scotland and statecrime (percentages) and modechoice (travel modes). The
fits are unpenalised (``alpha=0``) and converged to ``tol=1e-14``; statsmodels
converges to a similar tolerance. statsmodels' GLM ``"HC1"`` is its HC0, so
robust errors are compared as HC0.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, gammaln
from scipy.stats import norm
from scipy.stats import t as t_distribution
from sklearn.compose import make_column_transformer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from statsmodels.tools.numdiff import approx_fprime_cs

from skxent import (
    CrossEntropyRegressor,
    CrossEntropyRegressorCV,
    InferenceResults,
    PenalizedInferenceWarning,
    ProbabilityRegressor,
    ProbabilityRegressorCV,
    WaldTest,
)

COEF_COLUMNS = ["coef", "std_err", "z", "p_value", "ci_low", "ci_high"]
INTERVAL_COLUMNS = ["mean", "mean_se", "ci_low", "ci_high"]
LINKS = {"logit": sm.families.links.Logit, "probit": sm.families.links.Probit}
DISCRETE = {"logit": sm.Logit, "probit": sm.Probit}


def assert_close(actual, expected, rtol=1e-6, atol=0.0):
    """Assert that ``actual`` is ``expected`` to ``rtol`` (arrays, frames, scalars)."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=rtol,
        atol=atol,
    )


def assert_bounds_close(actual, expected, std_err, rtol=1e-6):
    """Assert interval bounds to ``rtol`` of their size or of the standard error.

    A bound near zero is the difference of two close numbers.
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    std_err = np.asarray(std_err).reshape(len(actual), -1)
    tolerance = rtol * (np.abs(expected) + std_err)
    assert np.all(np.abs(actual - expected) <= tolerance)


def fit(X, y, weights=None, link="logit", estimator=ProbabilityRegressor, **params):
    """Fit an unpenalised skxent model to convergence."""
    model = estimator(alpha=0, tol=1e-14, link=link, **params)
    return model.fit(X, y, sample_weight=weights)


def glm(y, X, weights=None, link="logit", cov_type="nonrobust", groups=None, **fit):
    """Fit statsmodels' binomial GLM (``var_weights``), constant first."""
    family = sm.families.Binomial(link=LINKS[link]())
    exog = sm.add_constant(X, has_constant="add")
    model = sm.GLM(y, exog, family=family, var_weights=weights)
    if cov_type == "cluster":
        fit["cov_kwds"] = {"groups": groups}
    with warnings.catch_warnings():
        # Cluster errors with var_weights are "not fully supported" (a
        # warning); the formula is the one compared.
        warnings.simplefilter("ignore")
        return model.fit(cov_type=cov_type, tol=1e-14, **fit)


def discrete(y, X, link="logit", cov_type="nonrobust"):
    """Fit statsmodels' ``Logit`` or ``Probit`` by Newton's method."""
    model = DISCRETE[link](np.asarray(y), sm.add_constant(X, has_constant="add"))
    return model.fit(
        method="newton", tol=1e-12, maxiter=100, disp=False, cov_type=cov_type
    )


def selection(names, terms):
    """Return the rows selecting ``terms`` from the coefficients named ``names``."""
    rows = np.zeros((len(terms), len(names)))
    for row, term in enumerate(terms):
        rows[row, list(names).index(term)] = 1.0
    return rows


def load(name):
    """Load a statsmodels data set as a DataFrame."""
    return getattr(sm.datasets, name).load_pandas().data


@pytest.fixture(scope="module")
def spector():
    """Spector and Mazzeo's grades: GPA, TUCE and the 0/1 PSI; GRADE improved."""
    data = load("spector")
    return data[["GPA", "TUCE", "PSI"]], data["GRADE"].to_numpy()


@pytest.fixture(scope="module")
def fair():
    """Fair's affairs: six features, whether any affair, the wife's occupation."""
    data = load("fair")
    X = data[["rate_marriage", "age", "yrs_married", "children", "religious", "educ"]]
    affair = (data["affairs"] > 0).to_numpy(dtype=np.float64)
    return X, affair, data["occupation"].astype(int).to_numpy()


@pytest.fixture(scope="module")
def anes96():
    """Load the 1996 American National Election Study, 944 voters."""
    return load("anes96")


@pytest.fixture(scope="module")
def scotland():
    """Scotland's 1997 referendum: the YES share of 32 council districts."""
    data = load("scotland")
    X = data[["COUTAX", "UNEMPF", "MOR", "ACT", "GDP", "AGE"]]
    return X, data["YES"].to_numpy() / 100, None


@pytest.fixture(scope="module")
def statecrime():
    """US states' share of people in poverty, with four features."""
    data = load("statecrime")
    X = data[["hs_grad", "single", "white", "urban"]]
    return X, data["poverty"].to_numpy() / 100, None


@pytest.fixture(params=["fair", "anes96"])
def clustered(request, fair, anes96):
    """Return ``(X, y, groups, terms)``: a binary outcome and real clusters.

    fair: affairs clustered by the wife's occupation (6); anes96: the vote
    clustered by income bracket (24).
    """
    if request.param == "fair":
        X, y, occupation = fair
        return X, y, occupation, ["age", "yrs_married"]
    X = anes96[["logpopul", "selfLR", "ClinLR", "DoleLR", "age", "educ"]]
    groups = anes96["income"].astype(int).to_numpy()
    return X, anes96["vote"].to_numpy(), groups, ["ClinLR", "DoleLR"]


@pytest.fixture(params=["star98", "scotland", "statecrime"])
def fractional(request, star98, scotland, statecrime):
    """Return ``(X, y, weights)``: shares (star98 with trial counts as weights)."""
    data = {"star98": star98, "scotland": scotland, "statecrime": statecrime}
    return data[request.param]


# 1. Wald tests under robust covariances.


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("cov_type", ["HC0", "cluster"])
def test_wald_test_of_two_terms_matches_glm(clustered, link, cov_type):
    X, y, groups, terms = clustered
    groups = groups if cov_type == "cluster" else None
    model = fit(X, y, link=link)
    results = model.inference(X, y, cov_type=cov_type, groups=groups)
    reference = glm(y, X, link=link, cov_type=cov_type, groups=groups)
    if cov_type == "cluster":
        # statsmodels' default correction is skxent's factor.
        assert reference.cov_kwds["use_correction"] is True
        assert results.n_groups == len(np.unique(groups))
    else:
        assert results.n_groups is None
    restrictions = selection(reference.model.exog_names, terms)
    expected = reference.wald_test(restrictions, use_f=False, scalar=True)
    test = results.wald_test(terms)
    assert isinstance(test, WaldTest)
    assert (test.df, test.df_denom, test.distribution) == (2, None, "chi2")
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)
    # The same test as a matrix, and a restriction with a right-hand side.
    assert_close(results.wald_test(restrictions).statistic, expected.statistic)
    difference = restrictions[:1] - restrictions[1:]
    shifted = reference.wald_test((difference, [0.01]), use_f=False, scalar=True)
    test = results.wald_test(difference, value=[0.01])
    assert test.df == 1
    assert_close(test.statistic, shifted.statistic)
    assert_close(test.p_value, shifted.pvalue)


def test_cluster_f_test_has_clusters_less_one_degrees_of_freedom(fair):
    X, y, occupation = fair
    results = fit(X, y).inference(
        X, y, cov_type="cluster", groups=occupation, use_t=True
    )
    reference = glm(y, X, cov_type="cluster", groups=occupation, use_t=True)
    terms = ["age", "yrs_married"]
    expected = reference.wald_test(
        selection(reference.model.exog_names, terms), use_f=True, scalar=True
    )
    test = results.wald_test(terms)
    assert results.df_resid == 5 == expected.df_denom
    assert (test.df, test.df_denom, test.distribution) == (2, 5, "F")
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)
    table = results.coef_table()
    assert_close(table["std_err"], reference.bse)
    assert_close(table["t"], reference.tvalues)
    assert_close(table["p_value"], reference.pvalues)
    assert re.search(r"Clusters:\s+6\b", str(results.summary()))


def test_weighted_fractional_wald_test_matches_glm(star98):
    X, y, trials = star98
    results = fit(X, y, trials).inference(X, y, trials, cov_type="HC0")
    reference = glm(y, X, trials, cov_type="HC0")
    terms = ["PERASIAN", "PERBLACK"]
    expected = reference.wald_test(
        selection(reference.model.exog_names, terms), use_f=False, scalar=True
    )
    test = results.wald_test(terms)
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)


# 2. Average partial effects: discrete changes of 0/1 features.


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_discrete_changes_match_margeff_on_spector(spector, link, cov_type):
    X, y = spector
    results = fit(X, y, link=link).inference(
        X, y, cov_type=cov_type, information="observed"
    )
    reference = discrete(y, X, link, cov_type)
    assert results.binary_features == ["PSI"]
    for option, dummy in (("auto", True), (False, False)):
        table = results.partial_effects(discrete=option)
        margins = reference.get_margeff(dummy=dummy)
        assert list(table.index) == ["GPA", "TUCE", "PSI"]
        assert_close(table["effect"], margins.margeff)
        assert_close(table["std_err"], margins.margeff_se)
        assert_close(table["z"], margins.tvalues)
        assert_close(table["p_value"], margins.pvalues)
        assert_bounds_close(
            table[["ci_low", "ci_high"]], margins.conf_int(), margins.margeff_se
        )
    # The change of PSI is not its derivative.
    auto, derivative = (results.partial_effects(discrete=d) for d in ("auto", False))
    assert abs(auto.loc["PSI", "effect"] / derivative.loc["PSI", "effect"] - 1) > 1e-3


def test_discrete_change_of_a_dummy_matches_margeff_on_fair(fair):
    X, y, _ = fair
    X = X.assign(children=(X["children"] > 0).astype(float))
    results = fit(X, y).inference(X, y, cov_type="HC0")
    margins = discrete(y, X, cov_type="HC0").get_margeff(dummy=True)
    table = results.partial_effects(level=0.9)
    assert results.binary_features == ["children"]
    assert_close(table["effect"], margins.margeff)
    assert_close(table["std_err"], margins.margeff_se)
    assert_bounds_close(
        table[["ci_low", "ci_high"]], margins.conf_int(alpha=0.1), margins.margeff_se
    )


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_discrete_change_of_a_fractional_outcome_matches_glm_margeff(star98, link):
    """Match the GLM's margins on star98's shares, with a 0/1 feature.

    The feature marks districts with year-round schools; the fit is
    unweighted, since the GLM's margins ignore weights.
    """
    X, y, _ = star98
    X = X[["LOWINC", "PERASIAN", "PERBLACK", "PERHISP"]].assign(
        YRRND=(X["PCTYRRND"] > 0).astype(float)
    )
    results = fit(X, y, link=link).inference(X, y, cov_type="HC0")
    margins = glm(y, X, link=link, cov_type="HC0").get_margeff(dummy=True)
    table = results.partial_effects()
    assert results.binary_features == ["YRRND"]
    assert_close(table["effect"], margins.margeff)
    assert_close(table["std_err"], margins.margeff_se)
    assert_close(table["p_value"], margins.pvalues)


# 3. Quasi-binomial errors with t and F distributions.


def test_quasi_binomial_t_table_matches_glm_x2(fractional):
    X, y, weights = fractional
    results = fit(X, y, weights).inference(
        X, y, weights, cov_type="nonrobust", scale="pearson", use_t=True
    )
    reference = glm(y, X, weights, scale="X2", use_t=True)
    table = results.coef_table(level=0.9)
    assert list(table.columns) == ["coef", "std_err", "t", *COEF_COLUMNS[3:]]
    assert results.df_resid == reference.df_resid
    assert results.use_t is True
    assert_close(results.scale, reference.scale)
    assert_close(table["coef"], reference.params)
    assert_close(table["std_err"], reference.bse)
    assert_close(table["t"], reference.tvalues)
    assert_close(table["p_value"], reference.pvalues)
    assert_bounds_close(
        table[["ci_low", "ci_high"]], reference.conf_int(alpha=0.1), reference.bse
    )
    terms = list(X.columns[1:3])
    expected = reference.wald_test(
        selection(reference.model.exog_names, terms), use_f=True, scalar=True
    )
    test = results.wald_test(terms)
    assert (test.df, test.distribution) == (2, "F")
    assert test.df_denom == reference.df_resid
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)


def test_fixed_scale_and_robust_t_tables_match_glm(star98):
    X, y, trials = star98
    model = fit(X, y, trials)
    fixed = model.inference(X, y, trials, cov_type="nonrobust", scale=2.5)
    reference = glm(y, X, trials, scale=2.5)
    assert fixed.scale == 2.5
    assert_close(fixed.coef_table()["std_err"], reference.bse)
    robust = model.inference(X, y, trials, cov_type="HC0", use_t=True)
    reference = glm(y, X, trials, cov_type="HC0", use_t=True)
    table = robust.coef_table()
    assert robust.df_resid == reference.df_resid == len(y) - X.shape[1] - 1
    assert_close(table["std_err"], reference.bse)
    assert_close(table["p_value"], reference.pvalues)
    terms = ["PERASIAN", "PERBLACK", "PERHISP"]
    expected = reference.wald_test(
        selection(reference.model.exog_names, terms), use_f=True, scalar=True
    )
    test = robust.wald_test(terms)
    assert (test.df, test.df_denom) == (3, reference.df_resid)
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)


# 4. Intervals of predicted means.


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
@pytest.mark.parametrize("data", ["star98", "fair"])
def test_prediction_intervals_match_get_prediction(data, link, cov_type, request):
    if data == "star98":
        X, y, weights = request.getfixturevalue("star98")
    else:
        (X, y, _), weights = request.getfixturevalue("fair"), None
    results = fit(X, y, weights, link=link).inference(X, y, weights, cov_type=cov_type)
    reference = glm(y, X, weights, link=link, cov_type=cov_type)
    X_new = X.iloc[::17]
    frame = results.predict_interval(X_new, level=0.9)
    expected = reference.get_prediction(
        sm.add_constant(X_new, has_constant="add")
    ).summary_frame(alpha=0.1)
    assert list(frame.columns) == INTERVAL_COLUMNS
    assert frame.index.equals(X_new.index)
    assert_close(frame, expected[["mean", "mean_se", "mean_ci_lower", "mean_ci_upper"]])


def test_t_intervals_and_target_units_match_glm(scotland):
    """Give a 0-100 score's intervals in its units, with quasi-binomial t errors."""
    X, share, _ = scotland
    score = 100 * share
    model = fit(X, score, estimator=CrossEntropyRegressor, target_range=(0, 100))
    results = model.inference(
        X, score, cov_type="nonrobust", scale="pearson", use_t=True
    )
    reference = glm(share, X, scale="X2", use_t=True)
    frame = results.predict_interval(X, level=0.9)
    expected = reference.get_prediction(sm.add_constant(X)).summary_frame(alpha=0.1)
    assert_close(
        frame, 100 * expected[["mean", "mean_se", "mean_ci_lower", "mean_ci_upper"]]
    )
    effects = results.partial_effects()
    margins = reference.get_margeff()
    assert_close(effects["effect"], 100 * margins.margeff)
    assert_close(effects["std_err"], 100 * margins.margeff_se)
    # statsmodels' margins use the normal distribution even with use_t.
    assert_close(effects["t"], margins.tvalues)
    assert_close(effects["p_value"], 2 * t_distribution.sf(np.abs(margins.tvalues), 25))


# 5. Goodness of fit.


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_deviances_and_log_likelihood_of_counts_match_glm(star98, link):
    X, y, trials = star98
    results = fit(X, y, trials, link=link).inference(X, y, trials)
    reference = glm(y, X, trials, link=link)
    counts = np.column_stack([y * trials, (1 - y) * trials]).round()
    grouped = glm(counts, X, link=link)
    assert results.nobs == reference.nobs == len(y)
    assert_close(results.deviance, reference.deviance)
    assert_close(results.null_deviance, reference.null_deviance)
    assert_close(results.pearson_chi2, reference.pearson_chi2)
    assert_close(results.pseudo_r2, 1 - reference.deviance / reference.null_deviance)
    assert_close(results.deviance, grouped.deviance)
    assert_close(results.log_likelihood, grouped.llf)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_binary_outcome_statistics_match_discrete_model(fair, link):
    X, y, _ = fair
    results = fit(X, y, link=link).inference(X, y)
    reference = discrete(y, X, link)
    generalized = glm(y, X, link=link)
    assert_close(results.log_likelihood, reference.llf)
    assert_close(results.deviance, -2 * reference.llf)
    assert_close(results.null_deviance, -2 * reference.llnull)
    assert_close(results.pseudo_r2, reference.prsquared)
    assert_close(results.pearson_chi2, generalized.pearson_chi2)
    assert results.df_resid == reference.df_resid


def test_log_likelihood_is_none_without_whole_counts(star98, scotland):
    X, y, trials = star98
    # Shares without weights, and half the trial counts, are no counts.
    for weights in (None, trials / 2):
        results = fit(X, y, weights).inference(X, y, weights)
        assert results.log_likelihood is None
        assert np.isfinite(results.deviance)
    X, y, _ = scotland
    results = fit(X, y).inference(X, y)
    assert results.log_likelihood is None
    assert "n/a" in str(results.summary())


# 6. Observed and expected information.


@pytest.mark.parametrize("data", ["spector", "fair"])
def test_observed_information_matches_probit_and_expected_the_glm(data, request):
    X, y = request.getfixturevalue(data)[:2]
    model = fit(X, y, link="probit")
    observed = model.coef_table(X, y, cov_type="nonrobust", information="observed")
    expected = model.coef_table(X, y, cov_type="nonrobust", information="expected")
    assert_close(observed["std_err"], discrete(y, X, "probit").bse)
    assert_close(observed["p_value"], discrete(y, X, "probit").pvalues)
    assert_close(expected["std_err"], glm(y, X, link="probit").bse)
    assert np.all(np.abs(observed["std_err"] / expected["std_err"] - 1) > 1e-4)
    # Robust errors have the Hessian as bread whatever the information.
    robust = [
        model.coef_table(X, y, cov_type="HC0", information=information)
        for information in ("observed", "expected")
    ]
    reference = discrete(y, X, "probit", "HC0").bse
    assert_close(robust[0]["std_err"], reference)
    assert_close(robust[1]["std_err"], reference)


def test_observed_and_expected_information_agree_for_logit(spector):
    X, y = spector
    model = fit(X, y)
    tables = [
        model.coef_table(X, y, cov_type="nonrobust", information=information)
        for information in ("observed", "expected")
    ]
    reference = discrete(y, X).bse
    assert_close(tables[0]["std_err"], reference)
    assert_close(tables[1]["std_err"], tables[0]["std_err"], rtol=1e-10)
    results = model.inference(X, y, cov_type="nonrobust", information="observed")
    assert results.information == "observed"


# 7. Soft labels against the multinomial logit.


def contrasts(n_classes, n_terms):
    """Return the matrix of class k's coefficients less class 0's, k >= 1.

    Rows by class then term (MNLogit's order), columns the coefficient
    table's rows (class, term).
    """
    matrix = np.zeros(((n_classes - 1) * n_terms, n_classes * n_terms))
    for k in range(1, n_classes):
        for j in range(n_terms):
            matrix[(k - 1) * n_terms + j, k * n_terms + j] = 1.0
            matrix[(k - 1) * n_terms + j, j] = -1.0
    return matrix


def contrasts_of(reference, term):
    """Return MNLogit's restriction that ``term``'s contrasts are all zero."""
    params = np.asarray(reference.params)
    n_terms, n_equations = params.shape
    column = list(reference.model.exog_names).index(term)
    rows = np.zeros((n_equations, params.size))
    rows[np.arange(n_equations), np.arange(n_equations) * n_terms + column] = 1.0
    return rows


@pytest.fixture(params=["anes96", "modechoice"])
def multiclass(request, anes96):
    """Return ``(X, labels, terms)``: a real outcome of several classes.

    anes96: party identification (7 classes) of 944 voters; modechoice:
    the travel mode (air, train, bus, car) chosen by 210 travellers.
    """
    if request.param == "anes96":
        X = anes96[["logpopul", "selfLR", "age", "educ", "income"]]
        return X, anes96["PID"].astype(int).to_numpy(), ["selfLR", "income"]
    data = load("modechoice")
    chosen = data[data["choice"] == 1]
    X = chosen[["hinc", "psize"]].reset_index(drop=True)
    return X, chosen["mode"].astype(int).to_numpy() - 1, ["hinc", "psize"]


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_one_hot_labels_match_mnlogit(multiclass, cov_type):
    X, labels, terms = multiclass
    n_classes, n_terms = labels.max() + 1, X.shape[1] + 1
    one_hot = np.eye(n_classes)[labels]
    results = fit(X, one_hot).inference(X, one_hot, cov_type=cov_type)
    reference = sm.MNLogit(labels, sm.add_constant(X)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=False, cov_type=cov_type
    )
    params = np.asarray(reference.params)
    table = results.coef_table()
    assert table.index.names == ["class", "term"]
    assert list(table.index.get_level_values("class").unique()) == list(
        range(n_classes)
    )
    assert list(table.loc[0].index) == ["intercept", *X.columns]
    contrast = contrasts(n_classes, n_terms)
    coef = table["coef"].to_numpy()
    # Symmetric coefficients sum to zero over the classes.
    assert_close(coef.reshape(n_classes, n_terms).sum(axis=0), 0, atol=1e-10)
    assert_close(contrast @ coef, params.T.ravel())
    covariance = results.cov_params()
    assert covariance.index.equals(table.index)
    assert_close(contrast @ covariance.to_numpy() @ contrast.T, reference.cov_params())
    # A name tests the term in every class: K - 1 restrictions.
    for term in terms:
        expected = reference.wald_test(
            contrasts_of(reference, term), use_f=False, scalar=True
        )
        test = results.wald_test([term])
        assert test.df == n_classes - 1
        assert_close(test.statistic, expected.statistic)
        assert_close(test.p_value, expected.pvalue)
    # Contrasts of two terms through a matrix, and one class's coefficient.
    rows = [
        (k - 1) * n_terms + j
        for k in range(1, n_classes)
        for j in (1 + list(X.columns).index(term) for term in terms)
    ]
    expected = reference.wald_test(np.eye(params.size)[rows], scalar=True)
    test = results.wald_test(contrast[rows])
    assert test.df == len(rows)
    assert_close(test.statistic, expected.statistic)
    effects = results.partial_effects()
    margins = reference.get_margeff()
    assert_close(effects["effect"].to_numpy().reshape(n_classes, -1).T, margins.margeff)
    assert_close(
        effects["std_err"].to_numpy().reshape(n_classes, -1).T, margins.margeff_se
    )
    assert_close(results.log_likelihood, reference.llf)
    assert_close(results.deviance, -2 * reference.llf)
    assert_close(results.null_deviance, -2 * reference.llnull)
    assert_close(results.pseudo_r2, reference.prsquared)
    text = str(results.summary())
    assert re.search(r"Link:\s+softmax", text) and f"{cov_type}" in text


def test_class_discrete_changes_match_mnlogit_predictions(anes96):
    """Match discrete changes of a 0/1 feature for 7 classes.

    The respondent's vote predicts party identification. statsmodels'
    ``MNLogit.get_margeff(dummy=True)`` fails (a shape error), so the
    reference is the average change of MNLogit's ``predict`` with the
    Jacobian (complex step) and ``cov_params`` of MNLogit.
    """
    X = anes96[["logpopul", "selfLR", "age", "educ", "vote"]]
    labels = anes96["PID"].astype(int).to_numpy()
    one_hot = np.eye(7)[labels]
    results = fit(X, one_hot).inference(X, one_hot, cov_type="HC0")
    reference = sm.MNLogit(labels, sm.add_constant(X)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=False, cov_type="HC0"
    )
    params = np.asarray(reference.params)
    voted, abstained = (
        sm.add_constant(X.assign(vote=value), has_constant="add").to_numpy()
        for value in (1.0, 0.0)
    )

    def change(flat):
        coefficients = flat.reshape(params.shape, order="F")
        predict = reference.model.predict
        changes = predict(coefficients, voted) - predict(coefficients, abstained)
        return changes.mean(axis=0)

    flat = params.ravel(order="F")
    jacobian = approx_fprime_cs(flat, change)
    std_err = np.sqrt(np.diag(jacobian @ reference.cov_params() @ jacobian.T))
    assert results.binary_features == ["vote"]
    table = results.partial_effects().xs("vote", level="term")
    assert_close(table["effect"], change(flat))
    assert_close(table["std_err"], std_err)
    assert_close(table["effect"].sum(), 0.0, atol=1e-12)
    derivatives = results.partial_effects(discrete=False)
    margins = reference.get_margeff()
    assert_close(derivatives["effect"].to_numpy().reshape(7, -1).T, margins.margeff)
    assert_close(derivatives["std_err"].to_numpy().reshape(7, -1).T, margins.margeff_se)


def test_grouped_soft_labels_match_mnlogit_on_the_voters(anes96):
    """Fit each education and income cell's shares of party identification.

    With the cell's voters as weight, the soft labels carry the likelihood
    of the voters' hard labels: MNLogit on the voters gives the same
    coefficients and model-based covariance, and the log-likelihood less
    the multinomial coefficients.
    """
    cells = anes96.groupby(["educ", "income"])["PID"]
    shares = cells.value_counts(normalize=True).unstack(fill_value=0.0)
    counts = cells.size().to_numpy(dtype=np.float64)
    X = shares.index.to_frame(index=False)
    soft = shares.to_numpy()
    assert np.any((soft > 0) & (soft < 1))
    results = fit(X, soft, counts).inference(X, soft, counts, cov_type="nonrobust")
    labels = anes96["PID"].astype(int).to_numpy()
    reference = sm.MNLogit(labels, sm.add_constant(anes96[["educ", "income"]])).fit(
        method="newton", tol=1e-12, maxiter=100, disp=False
    )
    contrast = contrasts(7, 3)
    assert_close(contrast @ results.coef_table()["coef"], np.ravel(reference.params.T))
    assert_close(
        contrast @ results.cov_params().to_numpy() @ contrast.T, reference.cov_params()
    )
    successes = np.round(soft * counts[:, np.newaxis])
    coefficients = gammaln(counts + 1).sum() - gammaln(successes + 1).sum()
    assert_close(results.log_likelihood - coefficients, reference.llf)
    expected = reference.wald_test(contrasts_of(reference, "income"), scalar=True)
    assert_close(results.wald_test(["income"]).statistic, expected.statistic)


def test_two_class_soft_labels_give_the_binary_logit(star98):
    X, share, trials = star98
    soft = np.column_stack([1 - share, share])
    results = fit(X, soft, trials).inference(X, soft, trials, cov_type="HC0")
    reference = glm(share, X, trials, cov_type="HC0")
    table = results.coef_table()
    assert_close(table.loc[1, "coef"] - table.loc[0, "coef"], reference.params)
    assert_close(table.loc[1, "std_err"], reference.bse / 2)
    assert_close(table.loc[1, "p_value"], reference.pvalues)
    test = results.wald_test(["PERASIAN", "PERBLACK"])
    expected = reference.wald_test(
        selection(reference.model.exog_names, ["PERASIAN", "PERBLACK"]),
        use_f=False,
        scalar=True,
    )
    assert test.df == 2
    assert_close(test.statistic, expected.statistic)
    assert_close(test.p_value, expected.pvalue)
    frame = results.predict_interval(X.iloc[::25], level=0.9)
    assert list(frame.columns) == ["class", *INTERVAL_COLUMNS]
    assert list(frame["class"]) == [0, 1] * len(X.iloc[::25])
    assert frame[frame["class"] == 1].index.equals(X.iloc[::25].index)
    assert_close(frame["mean"].to_numpy()[1::2], fit(X, share, trials).predict(X)[::25])


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_two_class_soft_label_intervals_are_the_binary_logits(star98, cov_type):
    X, share, trials = star98
    X = X[["LOWINC", "PERASIAN", "PERBLACK"]]
    soft = np.column_stack([1 - share, share])
    results = fit(X, soft, trials).inference(X, soft, trials, cov_type=cov_type)
    reference = glm(share, X, trials, cov_type=cov_type)
    X_new = X.iloc[::25]
    frame = results.predict_interval(X_new, level=0.9)
    expected = reference.get_prediction(sm.add_constant(X_new)).summary_frame(alpha=0.1)
    assert_close(frame["mean"].to_numpy()[1::2], expected["mean"])
    second = frame[frame["class"] == 1]
    assert_close(
        second[INTERVAL_COLUMNS],
        expected[["mean", "mean_se", "mean_ci_lower", "mean_ci_upper"]],
    )
    first = frame[frame["class"] == 0]
    assert_close(first["mean_se"], expected["mean_se"])
    assert_close(first["ci_low"], 1 - expected["mean_ci_upper"])


def test_class_probability_intervals_match_mnlogit_delta_method(anes96):
    """Match the delta method on MNLogit's covariance, on anes96's 7 classes.

    statsmodels gives no intervals for MNLogit's new rows: the reference is
    the Jacobian of MNLogit's ``predict`` (complex step) and its
    ``cov_params``; the interval is that of each class's log-odds, mapped
    through the logistic function, as documented.
    """
    X = anes96[["logpopul", "selfLR", "age", "educ", "income"]]
    labels = anes96["PID"].astype(int).to_numpy()
    one_hot = np.eye(7)[labels]
    results = fit(X, one_hot).inference(X, one_hot, cov_type="nonrobust")
    reference = sm.MNLogit(labels, sm.add_constant(X)).fit(
        method="newton", tol=1e-12, maxiter=100, disp=False
    )
    exog = sm.add_constant(X).to_numpy()[::50]
    params = np.asarray(reference.params)

    def predict(flat):
        return reference.model.predict(flat.reshape(params.shape, order="F"), exog)

    flat = params.ravel(order="F")
    mean = predict(flat)
    jacobian = approx_fprime_cs(flat, lambda values: predict(values).ravel())
    std_err = np.sqrt(
        np.einsum("ip,pq,iq->i", jacobian, reference.cov_params(), jacobian)
    ).reshape(mean.shape)
    half_width = norm.ppf(0.95) * std_err / (mean * (1 - mean))
    log_odds = np.log(mean / (1 - mean))
    frame = results.predict_interval(X.iloc[::50], level=0.9)
    assert_close(frame["mean"], mean.ravel())
    assert_close(frame["mean_se"], std_err.ravel())
    assert_close(frame["ci_low"], expit(log_odds - half_width).ravel())
    assert_close(frame["ci_high"], expit(log_odds + half_width).ravel())


def test_class_term_tuples_select_single_coefficients(multiclass):
    X, labels, terms = multiclass
    names = [f"class {k}" for k in range(labels.max() + 1)]
    one_hot = pd.DataFrame(np.eye(len(names))[labels], columns=names)
    results = fit(X, one_hot).inference(X, one_hot)
    table = results.coef_table()
    assert list(table.index.get_level_values("class").unique()) == names
    single = results.wald_test([("class 1", terms[0])])
    assert single.df == 1
    assert_close(single.statistic, table.loc[("class 1", terms[0]), "z"] ** 2)
    pair = [("class 1", terms[0]), ("class 2", terms[1])]
    rows = [table.index.get_loc(term) for term in pair]
    assert_close(
        results.wald_test(pair).statistic,
        results.wald_test(np.eye(len(table))[rows]).statistic,
    )
    with pytest.raises(ValueError, match=re.escape(repr(("class 9", terms[0])))):
        results.wald_test([("class 9", terms[0])])


# 8. Pipelines and feature names.


@pytest.fixture(scope="module")
def voters(anes96):
    """Return the anes96 features with education as a category, and the vote."""
    X = anes96[["logpopul", "selfLR", "ClinLR", "DoleLR", "age", "income"]].assign(
        educ=anes96["educ"].astype(int).astype(str)
    )
    return X, anes96["vote"].to_numpy()


def one_hot_pipeline(**params):
    """Return education one-hot (sparse) and the rest passed through, then skxent."""
    encoder = make_column_transformer(
        (OneHotEncoder(sparse_output=True, drop="first"), ["educ"]),
        remainder="passthrough",
        sparse_threshold=1.0,
    )
    # tol=1e-12: on a fold of these hard labels the gradient rounds at about 1e-14.
    return make_pipeline(encoder, ProbabilityRegressor(alpha=0, tol=1e-12, **params))


def check_transformed_inference(pipe, X, y, link):
    """Check a fitted pipeline's inference on its sparse transformed features."""
    transformed = pipe[:-1].transform(X)
    names = pipe[:-1].get_feature_names_out()
    assert hasattr(transformed, "tocsr")
    assert "onehotencoder__educ_2" in names
    results = pipe[-1].inference(transformed, y, cov_type="HC0", feature_names=names)
    table = results.coef_table()
    assert list(table.index) == ["intercept", *names]
    dense = transformed.toarray()
    dense_fit = fit(dense, y, link=link).inference(dense, y, cov_type="HC0")
    assert_close(table, dense_fit.coef_table(), rtol=1e-8)
    reference = glm(y, dense, link=link, cov_type="HC0")
    assert_close(table["coef"], reference.params)
    assert_close(table["std_err"], reference.bse)
    dummies = {f"onehotencoder__educ_{level}" for level in "234567"}
    assert set(results.binary_features) == dummies
    effects = results.partial_effects()
    assert list(effects.index) == list(names)
    margins = reference.get_margeff(dummy=True)
    assert_close(effects["effect"], margins.margeff)
    assert_close(effects["std_err"], margins.margeff_se)
    terms = [name for name in names if name.startswith("onehotencoder__")]
    expected = reference.wald_test(
        np.eye(len(names) + 1)[1 : 1 + len(terms)], use_f=False, scalar=True
    )
    assert_close(results.wald_test(terms).statistic, expected.statistic)
    frame = results.predict_interval(transformed[:5])
    assert_close(frame["mean"], pipe.predict(X.iloc[:5]), rtol=1e-10)


def test_pipeline_with_sparse_one_hot_features(voters):
    X, y = voters
    pipe = one_hot_pipeline().fit(X, y)
    check_transformed_inference(pipe, X, y, "logit")


def test_grid_search_best_estimator_inference(voters):
    X, y = voters
    search = GridSearchCV(
        one_hot_pipeline(), {"probabilityregressor__link": ["logit", "probit"]}, cv=3
    ).fit(X, y)
    best = search.best_estimator_
    check_transformed_inference(best, X, y, best[-1].link)


def test_feature_names_are_checked(voters, spector):
    X, y = voters
    pipe = one_hot_pipeline().fit(X, y)
    transformed = pipe[:-1].transform(X)
    names = list(pipe[:-1].get_feature_names_out())
    wrong = {
        "length": names[:-1],
        "duplicates": [names[0], *names[:-1]],
    }
    for names_given in wrong.values():
        with pytest.raises(ValueError, match="feature_names"):
            pipe[-1].inference(transformed, y, feature_names=names_given)
        with pytest.raises(ValueError, match="feature_names"):
            pipe[-1].coef_table(transformed, y, feature_names=names_given)
    X, y = spector
    model = fit(X, y)
    with pytest.raises(ValueError, match="feature_names"):
        model.inference(X, y, feature_names=["a", "b", "c"])
    # The fitted names themselves are accepted.
    results = model.inference(X, y, feature_names=list(X.columns))
    assert list(results.coef_table().index) == ["intercept", *X.columns]


# 9. Penalised fits.


def penalised_outputs(results, X):
    """Call each output of ``results`` once, by name."""
    return {
        "coef_table": lambda: results.coef_table(),
        "partial_effects": lambda: results.partial_effects(),
        "wald_test": lambda: results.wald_test(["GPA"]),
        "predict_interval": lambda: results.predict_interval(X.iloc[:3]),
        "cov_params": lambda: results.cov_params(),
        "summary": lambda: results.summary(),
    }


def test_each_output_of_a_penalised_fit_warns(spector):
    X, y = spector
    model = ProbabilityRegressor(alpha=0.05).fit(X, y)
    results = model.inference(X, y)
    assert results.alpha == 0.05
    for name, output in penalised_outputs(results, X).items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            output()
        penalty = [w for w in caught if w.category is PenalizedInferenceWarning]
        assert len(penalty) == 1, name
        message = str(penalty[0].message)
        assert "alpha=0.05" in message and "alpha=0 " in message, name
        # The warning points at the caller, this file.
        assert penalty[0].filename == __file__, name
    with pytest.warns(PenalizedInferenceWarning):
        summary = results.summary()
    assert re.search(r"alpha:\s+0\.05", str(summary))
    assert "alpha=0.05" in str(summary)
    assert "0.05" in summary._repr_html_()
    with pytest.warns(PenalizedInferenceWarning, match="alpha=0.05"):
        model.coef_table(X, y)
    with pytest.warns(PenalizedInferenceWarning, match="alpha=0.05"):
        model.partial_effects_table(X, y)


def test_no_output_of_an_unpenalised_fit_warns(spector):
    X, y = spector
    results = fit(X, y).inference(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outputs = {
            name: output() for name, output in penalised_outputs(results, X).items()
        }
    assert caught == []
    assert re.search(r"alpha:\s+0\b", str(outputs["summary"]))
    assert "penalised" not in str(outputs["summary"])
    assert isinstance(results, InferenceResults)
    assert "alpha=0>" in repr(results)


@pytest.mark.parametrize("estimator", [ProbabilityRegressorCV, CrossEntropyRegressorCV])
def test_cv_estimators_infer_after_refit_and_warn(estimator, scotland):
    X, share, _ = scotland
    y = share if estimator is ProbabilityRegressorCV else 100 * share
    params = {} if estimator is ProbabilityRegressorCV else {"target_range": (0, 100)}
    cv = estimator(alphas=[1e-4, 1e-3, 1e-2], cv=4, tol=1e-12, **params).fit(X, y)
    with pytest.warns(PenalizedInferenceWarning, match=f"alpha={cv.alpha_:g}"):
        table = cv.inference(X, y).coef_table()
    assert_close(table["coef"], np.r_[cv.intercept_, cv.coef_], rtol=1e-12)
    plain = (
        ProbabilityRegressor
        if estimator is ProbabilityRegressorCV
        else CrossEntropyRegressor
    )
    single = plain(alpha=cv.alpha_, tol=1e-12, **params).fit(X, y)
    with pytest.warns(PenalizedInferenceWarning):
        expected = single.coef_table(X, y)
    assert_close(table, expected, rtol=1e-6)
    frozen = estimator(alphas=[1e-3, 1e-2], cv=4, refit=False, **params).fit(X, y)
    for method in ("inference", "coef_table", "partial_effects_table"):
        with pytest.raises(ValueError, match="refit=True"):
            getattr(frozen, method)(X, y)


# 10. Bad arguments.


def test_bad_arguments_are_refused(spector):
    X, y = spector
    model = fit(X, y)
    with pytest.raises(ValueError, match="scale"):
        model.inference(X, y, cov_type="HC1", scale="pearson")
    with pytest.raises(ValueError, match="scale"):
        model.inference(X, y, scale=2.0)
    results = model.inference(X, y)
    with pytest.raises(ValueError, match="'SAT'"):
        results.wald_test(["GPA", "SAT"])
    with pytest.raises(ValueError, match="one column per coefficient, 4"):
        results.wald_test(np.eye(3))
    with pytest.raises(ValueError, match="one number per restriction"):
        results.wald_test(np.eye(4)[:2], value=[0.0])
    with pytest.raises(TypeError, match=re.escape("['GPA']")):
        results.wald_test("GPA")
    with pytest.raises(ValueError, match="discrete"):
        results.partial_effects(discrete="yes")
    with pytest.raises(ValueError, match="discrete"):
        results.partial_effects(discrete=True)
    for level in (0.0, 1.0, 95, -0.5):
        for output in (
            results.coef_table,
            results.partial_effects,
            results.summary,
            lambda level: results.predict_interval(X, level=level),
        ):
            with pytest.raises(ValueError, match="level"):
                output(level=level)
        with pytest.raises(ValueError, match="level"):
            model.coef_table(X, y, level=level)


def test_wald_terms_may_be_any_array_of_names(spector):
    X, y = spector
    results = fit(X, y).inference(X, y)
    expected = results.wald_test(["GPA", "TUCE"])
    for terms in (X.columns[:2], np.array(["GPA", "TUCE"]), ("GPA", "TUCE")):
        assert results.wald_test(terms) == expected
    with pytest.raises(TypeError, match="mixes names and other values"):
        results.wald_test(["GPA", 1])
    with pytest.raises(ValueError, match="terms is empty"):
        results.wald_test([])
    with pytest.raises(TypeError, match="must hold numbers"):
        results.wald_test([[1.0, "x", 0.0, 0.0]])


def test_a_feature_named_intercept_is_refused(spector):
    X, y = spector
    renamed = X.rename(columns={"TUCE": "intercept"})
    model = fit(renamed, y)
    with pytest.raises(ValueError, match="named 'intercept'"):
        model.inference(renamed, y)
    without_intercept = fit(renamed, y, fit_intercept=False)
    assert "intercept" in without_intercept.inference(renamed, y).coef_table().index


def test_no_residual_degrees_of_freedom_give_nan_not_a_made_up_one(
    record_warnings,
):
    """As many parameters as rows: no dispersion, no t; R's summary.glm says NaN."""
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(4, 3)), rng.uniform(0.2, 0.8, size=4)
    model = fit(X, y)
    with record_warnings() as caught:
        results = model.inference(
            X, y, cov_type="nonrobust", scale="pearson", use_t=True
        )
    assert any("No residual degrees of freedom" in str(w.message) for w in caught)
    assert results.df_resid == 0
    assert np.isnan(results.scale)
    table = results.coef_table()
    assert table[["std_err", "t", "p_value", "ci_low"]].isna().all().all()
    test = results.wald_test(["x0"])
    assert np.isnan(test.statistic) and np.isnan(test.p_value)


def test_missing_string_cluster_labels_are_named(spector):
    X, y = spector
    model = fit(X, y)
    labels = np.array(["a", "b"] * 16, dtype=object)
    labels[5] = np.nan
    for groups in (labels, pd.Series(labels).astype("category")):
        with pytest.raises(ValueError, match="first at index 5"):
            model.inference(X, y, cov_type="cluster", groups=groups)
