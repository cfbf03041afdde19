"""coef_table and partial_effects_table against statsmodels and by simulation."""

import builtins
import re
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import sparse
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from statsmodels.stats.sandwich_covariance import cov_white_simple

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent._inference import (
    COV_TYPES,
    _group_sums,
    inference_sums,
    parameter_covariance,
)
from skxent._row_blocks import RowBlocks
from skxent._separation import separated_rows_message

COLUMNS = ["coef", "std_err", "z", "p_value", "ci_low", "ci_high"]


def unscaled_data(n_samples=2000, seed=0):
    """Make ``(X, y, weights)`` with noise that is not binomial.

    Fractional targets, column scales from 1e-2 to 1e2, uneven weights, and
    noise beyond the binomial's (so robust and model-based errors differ).
    """
    rng = np.random.default_rng(seed)
    scales = np.array([1e-2, 1e-1, 1.0, 1e1, 1e2])
    X = rng.normal(size=(n_samples, scales.size)) * scales + scales
    eta = 0.3 + (
        rng.normal(size=n_samples) * 0.2 + X / scales @ [0.5, -0.4, 0.3, 0.2, -0.6]
    )
    y = np.clip(expit(eta) + rng.normal(scale=0.05, size=n_samples), 0.0, 1.0)
    weights = rng.uniform(0.5, 3.0, size=n_samples)
    return X, y, weights


def statsmodels_fit(X, y, weights, cov_type, groups=None, link=None):
    family = sm.families.Binomial(link=link)
    model = sm.GLM(
        y, sm.add_constant(np.asarray(X)), family=family, var_weights=weights
    )
    kwargs = {"cov_kwds": {"groups": groups}} if cov_type == "cluster" else {}
    with warnings.catch_warnings():
        # statsmodels warns that cluster errors with var_weights are
        # "not fully supported"; the formula is the one compared here.
        warnings.simplefilter("ignore")
        return model.fit(cov_type=cov_type, tol=1e-14, **kwargs)


def assert_close(actual, expected, rtol):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol)


@pytest.fixture(params=["star98", "unscaled"])
def dataset(request, star98):
    """Each data set the tables are compared to statsmodels' on."""
    return star98 if request.param == "star98" else unscaled_data()


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
def test_coef_table_matches_statsmodels(dataset, cov_type):
    X, y, weights = dataset
    groups = np.random.default_rng(1).integers(0, 25, size=len(y))
    groups = groups if cov_type == "cluster" else None
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    table = model.coef_table(
        X, y, sample_weight=weights, cov_type=cov_type, groups=groups
    )
    reference = statsmodels_fit(X, y, weights, cov_type, groups)
    assert list(table.columns) == COLUMNS
    assert_close(table["coef"], reference.params, 1e-6)
    assert_close(table["std_err"], reference.bse, 1e-6)
    assert_close(table["z"], reference.tvalues, 1e-6)
    assert_close(table["p_value"], reference.pvalues, 1e-5)
    # A bound near zero is a difference of two close numbers: compared to
    # 1e-6 of the interval's half width too.
    difference = np.abs(table[["ci_low", "ci_high"]].to_numpy() - reference.conf_int())
    tolerance = 1e-6 * (
        np.abs(reference.conf_int()) + np.asarray(reference.bse)[:, np.newaxis]
    )
    assert np.all(difference <= tolerance)


def test_hc1_is_hc0_with_the_small_sample_factor(dataset):
    """Compare HC1 to statsmodels' white sandwich with its correction.

    statsmodels' GLM returns HC0 for every HCx (statsmodels issue #7798).
    """
    X, y, weights = dataset
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    table = model.coef_table(X, y, sample_weight=weights, cov_type="HC1")
    reference = statsmodels_fit(X, y, weights, "nonrobust")
    n_samples, n_params = len(y), X.shape[1] + 1
    hc1 = cov_white_simple(reference, use_correction=True)
    assert_close(table["std_err"], np.sqrt(np.diag(hc1)), 1e-6)
    hc0 = model.coef_table(X, y, sample_weight=weights, cov_type="HC0")
    assert_close(
        table["std_err"] / hc0["std_err"],
        np.sqrt(n_samples / (n_samples - n_params)),
        1e-12,
    )


@pytest.mark.parametrize("link", ["probit", "cloglog"])
@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0"])
def test_other_links_match_statsmodels(link, cov_type, star98):
    """Match statsmodels' choices for non-canonical links.

    Model-based errors from the expected information, robust ones with the
    observed Hessian as bread.
    """
    X, y, weights = star98
    X = X.iloc[:, :6]
    model = ProbabilityRegressor(alpha=0, link=link).fit(X, y, sample_weight=weights)
    table = model.coef_table(X, y, sample_weight=weights, cov_type=cov_type)
    links = {
        "probit": sm.families.links.Probit(),
        "cloglog": sm.families.links.CLogLog(),
    }
    reference = statsmodels_fit(X, y, weights, cov_type, link=links[link])
    assert_close(table["std_err"], reference.bse, 1e-6)


def test_level_sets_the_interval_width(star98):
    X, y, weights = star98
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    table = model.coef_table(X, y, sample_weight=weights, level=0.9)
    reference = statsmodels_fit(X, y, weights, "HC0")
    # HC1's errors are HC0's times a constant; the interval scales with them.
    factor = np.sqrt(len(y) / (len(y) - X.shape[1] - 1))
    half_width = (reference.conf_int(alpha=0.1)[:, 1] - reference.params) * factor
    assert_close(table["ci_high"] - table["coef"], half_width, 1e-6)


def test_partial_effects_match_statsmodels_margeff():
    X, y, _ = unscaled_data(seed=3)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    for cov_type in ("nonrobust", "HC0"):
        table = model.partial_effects_table(X, y, cov_type=cov_type)
        reference = statsmodels_fit(X, y, None, cov_type).get_margeff()
        assert list(table.columns) == ["effect", *COLUMNS[1:]]
        assert_close(table["effect"], reference.margeff, 1e-6)
        assert_close(table["std_err"], reference.margeff_se, 1e-6)


def test_weights_are_variance_weights_and_effects_average_over_them():
    """Count a row of weight 2 twice, in the estimates and model-based errors.

    The information sums over rows.
    """
    X, y, _ = unscaled_data(n_samples=300, seed=4)
    weights = np.where(np.arange(300) % 3 == 0, 2.0, 1.0)
    repeated = np.repeat(np.arange(300), weights.astype(int))
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    expanded = ProbabilityRegressor(alpha=0).fit(X[repeated], y[repeated])
    for method in ("coef_table", "partial_effects_table"):
        weighted = getattr(model, method)(
            X, y, sample_weight=weights, cov_type="nonrobust"
        )
        rows = getattr(expanded, method)(X[repeated], y[repeated], cov_type="nonrobust")
        np.testing.assert_allclose(weighted.to_numpy(), rows.to_numpy(), rtol=1e-6)


def test_soft_labels_match_multinomial_logit():
    """Match statsmodels' MNLogit on one-hot rows.

    The symmetric (sum-to-zero) coefficients' contrasts with class 0 are
    MNLogit's parameters, with the same covariance, and the average partial
    effects agree.
    """
    rng = np.random.default_rng(5)
    X = rng.normal(size=(1500, 3)) * [1.0, 10.0, 0.1]
    eta = np.column_stack(
        [np.zeros(1500), X @ [[0.5, -0.3], [0.05, 0.08], [2.0, -1.0]]]
    )
    probabilities = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    labels = (rng.uniform(size=(1500, 1)) > probabilities.cumsum(axis=1)).sum(axis=1)
    one_hot = np.eye(3)[labels]
    model = ProbabilityRegressor(alpha=0).fit(X, one_hot)
    reference = sm.MNLogit(labels, sm.add_constant(X)).fit(
        disp=False, tol=1e-12, maxiter=200
    )
    params = np.vstack([model.coef_.T, model.intercept_])
    sums = inference_sums(
        params,
        RowBlocks(X),
        one_hot,
        np.ones(1500),
        model._fitted_link,
        True,
        groups=None,
        n_groups=0,
        weight_exponent=0,
    )
    covariance = parameter_covariance(sums, params, "nonrobust", 0.0, 3).matrix
    for k in (1, 2):
        contrast = np.zeros((4, 3))
        contrast[:, k], contrast[:, 0] = 1.0, -1.0
        # statsmodels puts the constant first.
        order = [3, 0, 1, 2]
        assert_close(
            (params[:, k] - params[:, 0])[order], reference.params[:, k - 1], 1e-6
        )
        std_errs = []
        for row in range(4):
            vector = np.zeros((4, 3))
            vector[row] = contrast[row]
            std_errs.append(np.sqrt(vector.ravel() @ covariance @ vector.ravel()))
        assert_close(np.array(std_errs)[order], reference.bse[:, k - 1], 1e-6)
    table = model.partial_effects_table(X, one_hot, cov_type="nonrobust")
    margins = reference.get_margeff()
    assert table.index.names == ["class", "term"]
    assert_close(table["effect"].to_numpy().reshape(3, 3).T, margins.margeff, 1e-6)
    assert_close(table["std_err"].to_numpy().reshape(3, 3).T, margins.margeff_se, 1e-6)
    coefficients = model.coef_table(X, one_hot)
    assert coefficients.shape == (12, 6)
    assert list(coefficients.loc[1].index) == ["intercept", "x0", "x1", "x2"]
    assert_close(
        coefficients.loc[2, "coef"], np.r_[model.intercept_[2], model.coef_[2]], 1e-12
    )


def test_penalised_sandwich_matches_the_spread_of_refits():
    """With alpha > 0, give the covariance of the penalised estimator.

    The standard deviation of the coefficients over data sets drawn from the
    same model agrees with the reported standard errors.
    """
    rng = np.random.default_rng(6)
    n_samples, coef = 400, np.array([1.0, -0.5, 0.25])
    X = rng.normal(size=(n_samples, 3))
    trials = rng.integers(5, 30, size=n_samples)
    mean = expit(0.2 + X @ coef)
    estimates, std_errs = [], []
    for _ in range(300):
        share = rng.binomial(trials, mean) / trials
        model = ProbabilityRegressor(alpha=0.05).fit(X, share, sample_weight=trials)
        table = model.coef_table(X, share, sample_weight=trials, cov_type="nonrobust")
        estimates.append(table["coef"].to_numpy())
        std_errs.append(table["std_err"].to_numpy())
    spread = np.std(estimates, axis=0)
    assert_close(np.mean(std_errs, axis=0), spread, 0.12)
    # The unpenalised formula would be too wide: shrinkage lowers the spread.
    unpenalised = ProbabilityRegressor(alpha=0).fit(X, mean, sample_weight=trials)
    wide = unpenalised.coef_table(X, mean, sample_weight=trials, cov_type="nonrobust")
    assert np.all(wide["std_err"].to_numpy()[1:] > 1.3 * spread[1:])


def test_collinear_columns_are_reported_as_nan():
    X, y, weights = unscaled_data(n_samples=500, seed=7)
    duplicated = np.column_stack([X, X[:, 2]])
    model = ProbabilityRegressor(alpha=0).fit(duplicated, y, sample_weight=weights)
    reduced = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    for method in ("coef_table", "partial_effects_table"):
        with pytest.warns(UserWarning, match=re.escape("['x2', 'x5']")):
            table = getattr(model, method)(duplicated, y, sample_weight=weights)
        expected = getattr(reduced, method)(X, y, sample_weight=weights)
        assert table.loc[["x2", "x5"]].isna().all().all()
        kept = [name for name in expected.index if name != "x2"]
        np.testing.assert_allclose(table.loc[kept], expected.loc[kept], rtol=1e-6)


def test_constant_column_with_intercept_is_not_identified_without_penalty():
    X, y, weights = unscaled_data(n_samples=300, seed=8)
    X[:, 1] = 3.0
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    # The intercept, collinear with the constant column, is named too.
    with pytest.warns(
        UserWarning, match=re.escape("identify the coefficients of ['intercept', 'x1']")
    ):
        table = model.coef_table(X, y, sample_weight=weights)
    assert table.loc[["intercept", "x1"]].isna().all().all()
    assert np.isfinite(table.drop(index=["x1", "intercept"])).all().all()
    penalised = ProbabilityRegressor(alpha=1e-3).fit(X, y, sample_weight=weights)
    for method in ("coef_table", "partial_effects_table"):
        with pytest.warns(UserWarning, match=r"\['x1'\] are fixed by the penalty"):
            table = getattr(penalised, method)(X, y, sample_weight=weights)
        # The penalty holds the coefficient at 0 whatever the data: no spread.
        assert abs(table.iloc[:, 0]["x1"]) < 1e-12
        assert table.loc["x1", "std_err"] == 0.0
        assert table.loc["x1", ["z", "p_value"]].isna().all()
        assert table.loc["x1", "ci_low"] == table.loc["x1", "ci_high"]
        assert np.isfinite(table.drop(index="x1")).all().all()
        assert (table.drop(index="x1")["std_err"] > 0).all()


def test_sparse_and_float32_inputs_give_the_dense_tables():
    X, y, weights = unscaled_data(n_samples=400, seed=9)
    X[np.abs(X) < np.median(np.abs(X), axis=0)] = 0.0
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    dense = model.coef_table(
        X, y, sample_weight=weights, cov_type="cluster", groups=np.arange(400) % 7
    )
    for container in (sparse.csr_matrix, sparse.csc_matrix):
        table = model.coef_table(
            container(X),
            y,
            sample_weight=weights,
            cov_type="cluster",
            groups=np.arange(400) % 7,
        )
        np.testing.assert_allclose(table, dense, rtol=1e-10)
    effects = model.partial_effects_table(
        sparse.csr_matrix(X), y, sample_weight=weights
    )
    np.testing.assert_allclose(
        effects, model.partial_effects_table(X, y, sample_weight=weights), rtol=1e-10
    )
    model32 = ProbabilityRegressor(alpha=0).fit(
        X.astype(np.float32), y, sample_weight=weights
    )
    table32 = model32.coef_table(X.astype(np.float32), y, sample_weight=weights)
    np.testing.assert_allclose(
        table32["std_err"],
        model.coef_table(X, y, sample_weight=weights)["std_err"],
        rtol=1e-4,
    )


def test_names_and_no_intercept(star98):
    X, y, weights = star98
    model = ProbabilityRegressor(alpha=0, fit_intercept=False).fit(
        X, y, sample_weight=weights
    )
    table = model.coef_table(X, y, sample_weight=weights)
    assert list(table.index) == list(X.columns)
    reference = sm.GLM(
        y, np.asarray(X), family=sm.families.Binomial(), var_weights=weights
    ).fit(cov_type="HC0", tol=1e-14)
    hc0 = model.coef_table(X, y, sample_weight=weights, cov_type="HC0")
    assert_close(hc0["std_err"], reference.bse, 1e-6)
    unnamed = ProbabilityRegressor(alpha=0).fit(X.to_numpy(), y, sample_weight=weights)
    assert list(unnamed.coef_table(X.to_numpy(), y, sample_weight=weights).index) == [
        "intercept"
    ] + [f"x{j}" for j in range(X.shape[1])]


def test_cross_entropy_regressor_reports_the_unit_scale_model():
    X, y, weights = unscaled_data(n_samples=500, seed=10)
    scores = 20.0 + 60.0 * y
    model = CrossEntropyRegressor(target_range=(20, 80), alpha=0).fit(
        X, scores, sample_weight=weights
    )
    unit = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(
        model.coef_table(X, scores, sample_weight=weights),
        unit.coef_table(X, y, sample_weight=weights),
        rtol=1e-6,
    )
    effects = model.partial_effects_table(X, scores, sample_weight=weights)
    unit_effects = unit.partial_effects_table(X, y, sample_weight=weights)
    np.testing.assert_allclose(
        effects[["effect", "std_err"]],
        60.0 * unit_effects[["effect", "std_err"]],
        rtol=1e-6,
    )
    np.testing.assert_allclose(effects["z"], unit_effects["z"], rtol=1e-6)
    auto = CrossEntropyRegressor(alpha=0).fit(X, scores, sample_weight=weights)
    with pytest.raises(ValueError, match="outside the fitted target_range_"):
        auto.coef_table(X, scores + 100.0, sample_weight=weights)


def test_bad_arguments_are_refused(star98):
    X, y, weights = star98
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    with pytest.raises(InvalidParameterError, match="cov_type"):
        model.coef_table(X, y, cov_type="HC3")
    with pytest.raises(InvalidParameterError, match="level"):
        model.coef_table(X, y, level=95)
    with pytest.raises(ValueError, match="needs groups"):
        model.coef_table(X, y, cov_type="cluster")
    with pytest.raises(ValueError, match="only with cov_type='cluster'"):
        model.coef_table(X, y, groups=np.arange(len(y)))
    with pytest.raises(ValueError, match="groups with at least 2 clusters"):
        model.coef_table(X, y, cov_type="cluster", groups=np.zeros(len(y)))
    with pytest.raises(ValueError, match="groups has 3 labels"):
        model.coef_table(X, y, cov_type="cluster", groups=[1, 2, 3])
    with pytest.raises(ValueError, match="missing labels"):
        model.coef_table(
            X, y, cov_type="cluster", groups=np.r_[np.nan, np.ones(len(y) - 1)]
        )
    with pytest.raises(ValueError, match=r"y must hold probabilities"):
        model.coef_table(X, y + 1.0)
    with pytest.raises(ValueError, match=r"fitted on targets of shape \(n_samples, \)"):
        model.coef_table(X, np.column_stack([y, 1.0 - y]))
    with pytest.raises(ValueError, match="feature names should match"):
        model.coef_table(X.iloc[:, :3], y)
    with pytest.warns(UserWarning, match="do not minimise the objective"):
        model.coef_table(X, np.clip(y * 1.3, 0, 1), sample_weight=weights)


def test_without_pandas_the_message_says_what_to_install(monkeypatch, star98):
    X, y, weights = star98
    model = ProbabilityRegressor(alpha=0).fit(X.to_numpy(), y, sample_weight=weights)
    # scikit-learn looks pandas up in sys.modules; only an import fails.
    real_import = builtins.__import__

    def import_without_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", import_without_pandas)
    with pytest.raises(ImportError, match="pip install pandas"):
        model.coef_table(X.to_numpy(), y, sample_weight=weights)


def test_unfitted_model_raises(star98):
    X, y, _ = star98
    with pytest.raises(NotFittedError):
        ProbabilityRegressor().coef_table(X, y)


TABLES = ["coef_table", "partial_effects_table"]


def _groups_and_weights_with_zeros(trials):
    """Return 12 groups, and ``trials`` with 0 on groups 8 to 11 and on rows 0 and 5."""
    groups = np.arange(len(trials)) % 12
    weights = np.where(groups < 8, trials, 0.0)
    weights[[0, 5]] = 0.0
    return groups, weights


@pytest.mark.parametrize("method", TABLES)
@pytest.mark.parametrize("cov_type", COV_TYPES)
def test_rows_of_zero_weight_change_nothing(make_proportions, cov_type, method):
    """The tables with rows of zero weight are those of the other rows alone.

    Whole clusters of zero weight count neither in ``G`` nor in ``n`` of the
    small-sample factors.
    """
    X, y, trials = make_proportions(n_samples=300, n_features=3)
    groups, weights = _groups_and_weights_with_zeros(trials)
    kept = weights > 0
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    table = getattr(model, method)(
        X,
        y,
        sample_weight=weights,
        cov_type=cov_type,
        groups=groups if cov_type == "cluster" else None,
    )
    expected = getattr(model, method)(
        X[kept],
        y[kept],
        sample_weight=weights[kept],
        cov_type=cov_type,
        groups=groups[kept] if cov_type == "cluster" else None,
    )
    np.testing.assert_allclose(table, expected, rtol=1e-10)


def test_fewer_than_two_clusters_of_positive_weight_are_refused(make_proportions):
    X, y, trials = make_proportions(n_samples=120, n_features=3)
    groups = np.arange(120) % 4
    weights = np.where(groups == 0, trials, 0.0)
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="groups with at least 2 clusters.*got 1"):
        model.coef_table(X, y, sample_weight=weights, cov_type="cluster", groups=groups)


@pytest.mark.parametrize("method", TABLES)
@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "cluster"])
def test_robust_errors_of_constant_targets_are_undefined(
    estimator, targets_for, make_fractional_data, record_warnings, cov_type, method
):
    """Every row is fitted exactly: the scores, and the sandwich, are rounding.

    Their standard errors are 0, with z, p-values and intervals NaN and a
    warning, instead of z statistics of about 20.
    """
    X, _, _ = make_fractional_data(n_samples=200)
    y = targets_for(estimator, np.full(200, 0.5))
    model = estimator.fit(X, y)
    groups = np.arange(200) % 10 if cov_type == "cluster" else None
    with record_warnings() as caught:
        table = getattr(model, method)(X, y, cov_type=cov_type, groups=groups)
    assert (table["std_err"] == 0.0).all()
    assert table[["z", "p_value", "ci_low", "ci_high"]].isna().all().all()
    [warning] = caught
    assert "zero up to rounding" in str(warning.message)
    assert warning.filename == __file__


@pytest.mark.parametrize("value", [0.3, 1e-5, 1.0 - 1e-10])
@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_constant_targets_are_rounding_relative_to_their_size(
    make_fractional_data, record_warnings, link, value
):
    """Scores of targets near 0 or 1 are rounding relative to ``mu + t``."""
    X, _, weights = make_fractional_data(n_samples=200)
    y = np.full(200, value)
    model = ProbabilityRegressor(link=link).fit(X, y, sample_weight=weights)
    with record_warnings() as caught:
        table = model.coef_table(X, y, sample_weight=weights)
    assert (table["std_err"] == 0.0).all()
    assert ["zero up to rounding" in str(w.message) for w in caught] == [True]


def test_model_based_errors_of_constant_targets_stay(make_fractional_data):
    """The binomial variance needs no residuals: z is 0, the p-value 1."""
    X, _, _ = make_fractional_data(n_samples=200)
    y = np.full(200, 0.5)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    table = model.coef_table(X, y, cov_type="nonrobust")
    reference = statsmodels_fit(X, y, None, "nonrobust")
    assert_close(table["std_err"], reference.bse, 1e-6)
    assert_close(table["p_value"], 1.0, 1e-12)


def test_small_scores_above_rounding_are_estimated(make_fractional_data):
    """Targets 1e-7 off a logistic model give small but measured robust errors."""
    X, _, _ = make_fractional_data(n_samples=200)
    rng = np.random.default_rng(11)
    y = expit(X @ [0.5, -0.2, 0.1] + 0.3) + 1e-7 * rng.normal(size=200)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = model.coef_table(X, y, cov_type="HC0")
    nonrobust = model.coef_table(X, y, cov_type="nonrobust")
    ratio = table["std_err"] / nonrobust["std_err"]
    assert np.all((ratio > 1e-9) & (ratio < 1e-5))


# Factors on all the weights, to the ends of the float range (2**-1060 is
# subnormal, and exact on integer weights).
WEIGHT_FACTORS = [2.0**-1060, 1e-300, 1e-170, 1.0, 1e155, 1e300]


@pytest.mark.parametrize("method", TABLES)
@pytest.mark.parametrize("cov_type", COV_TYPES)
@pytest.mark.parametrize("factor", WEIGHT_FACTORS)
def test_a_common_factor_on_the_weights_changes_no_robust_error(
    make_proportions, record_warnings, factor, cov_type, method
):
    """The fit and the robust errors ignore it; model-based errors scale as trials.

    Those are divided by ``sqrt(factor)``, the weights being trial counts.
    """
    X, y, trials = make_proportions(n_samples=200, n_features=3)
    groups = np.arange(200) % 9 if cov_type == "cluster" else None
    unscaled = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=trials)
    reference = getattr(unscaled, method)(
        X, y, sample_weight=trials, cov_type=cov_type, groups=groups
    )
    with record_warnings() as caught:
        model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=factor * trials)
        table = getattr(model, method)(
            X, y, sample_weight=factor * trials, cov_type=cov_type, groups=groups
        )
    assert caught == []
    units = np.sqrt(factor) if cov_type == "nonrobust" else 1.0
    assert_close(table.iloc[:, 0], reference.iloc[:, 0], 1e-8)
    assert_close(table["std_err"] * units, reference["std_err"], 1e-8)
    assert_close(table["z"] / units, reference["z"], 1e-8)


@pytest.mark.parametrize(
    ("link", "cov_type"),
    [
        ("probit", "nonrobust"),
        ("probit", "HC1"),
        ("cloglog", "nonrobust"),
        ("cloglog", "HC1"),
        ("logit", "HC1"),
    ],
)
def test_separated_rows_are_named_as_the_cause(
    make_fractional_data, record_warnings, link, cov_type
):
    """Rows fitted at 0 or 1 make the bread singular; not collinear columns.

    Nor, without a penalty, does the penalty fix anything.
    """
    X, _, _ = make_fractional_data(n_samples=100)
    y = (X[:, 0] > 0) * 1.0
    with record_warnings():
        model = ProbabilityRegressor(alpha=0, link=link).fit(X, y)
    with record_warnings() as caught:
        table = model.coef_table(X, y, cov_type=cov_type)
    [warning] = caught
    message = str(warning.message)
    assert message == (
        "Standard errors, z statistics, p-values and intervals are undefined "
        f"(NaN): {separated_rows_message(100, 100)}"
    )
    assert warning.filename == __file__
    assert table["std_err"].isna().all() and table["p_value"].isna().all()
    np.testing.assert_array_equal(table["coef"], np.r_[model.intercept_, model.coef_])


@pytest.mark.parametrize("method", TABLES)
def test_errors_name_the_public_estimator(
    estimator, targets_for, make_fractional_data, method
):
    X, y, _ = make_fractional_data()
    y = targets_for(estimator, y)
    model = estimator.fit(X, y)
    caller = re.escape(f"of {type(estimator).__name__}.{method} must")
    with pytest.raises(InvalidParameterError, match="'cov_type' parameter " + caller):
        getattr(model, method)(X, y, cov_type="HC3")
    with pytest.raises(InvalidParameterError, match="'level' parameter " + caller):
        getattr(model, method)(X, y, level=95)


@pytest.mark.parametrize("method", TABLES)
def test_class_labels_name_the_tables(make_soft_labels, method):
    """The columns of a DataFrame of shares label the classes of the tables."""
    pd = pytest.importorskip("pandas")
    data = make_soft_labels(n_samples=200, n_features=2, n_classes=3)
    shares = pd.DataFrame(data.soft, columns=["low", "mid", "high"])
    model = ProbabilityRegressor().fit(data.X, shares)
    table = getattr(model, method)(data.X, shares)
    assert list(table.index.get_level_values("class").unique()) == [
        "low",
        "mid",
        "high",
    ]
    unnamed = getattr(ProbabilityRegressor().fit(data.X, data.soft), method)(
        data.X, data.soft
    )
    np.testing.assert_allclose(table.to_numpy(), unnamed.to_numpy(), rtol=1e-10)
    assert list(unnamed.index.get_level_values("class").unique()) == [0, 1, 2]


def test_a_blocks_cluster_sums_hold_only_its_own_clusters():
    """A block's score sums take memory for the clusters it holds, not for all.

    Its sums are a sparse (clusters, parameters) array with rows for its own
    clusters only; added over blocks they are the dense per-cluster sums.
    """
    rng = np.random.default_rng(7)
    design = np.column_stack([rng.normal(size=(60, 2)), np.ones(60)])
    scores = rng.normal(size=(60, 1))
    groups = np.repeat([3, 17, 40_000], 20)
    sums = _group_sums(design, scores, groups, 100_000)
    assert sparse.issparse(sums)
    assert sums.shape == (100_000, 3)
    np.testing.assert_array_equal(np.unique(sums.nonzero()[0]), [3, 17, 40_000])
    for code in (3, 17, 40_000):
        rows = groups == code
        np.testing.assert_allclose(
            sums[[code]].toarray()[0], design[rows].T @ scores[rows, 0], rtol=1e-12
        )
