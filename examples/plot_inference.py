"""
Inference: cluster-robust tables, Wald tests and predicted pass rates
=====================================================================

Economists fit fractional targets by the fractional logit of Papke and
Wooldridge and report robust standard errors, joint tests and average
partial effects. :meth:`skxent.ProbabilityRegressor.inference` computes
them all in one pass over the data and returns an
:class:`skxent.InferenceResults`, whose methods give the tables, the
tests, intervals for predictions and a printable summary.

The data are statsmodels' ``star98``: for 303 California school districts
the share of students above the national median in a 1998 maths test, the
number of students tested, and the districts' characteristics. The model
uses main effects only, so that each coefficient has one meaning, and one
dummy built from the data: whether any of the district's schools runs on a
year-round calendar.

``star98`` holds no county or other grouping of the districts. To show
cluster-robust standard errors this example builds one: 30 bands of about
ten districts each with similar shares of low-income students, districts
whose communities are alike and may share influences the model leaves
out. With your own data, cluster on the grouping whose members share
unmeasured influences (county, region, school, respondent): the
standard errors are then valid however the rows within a group are
correlated, as long as the groups are independent of each other.
"""

# %%
# The data and the fit
# --------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.datasets import star98
from statsmodels.tools.sm_exceptions import SpecificationWarning

from skxent import ProbabilityRegressor

data = star98.load_pandas().data
trials = data["NABOVE"] + data["NBELOW"]  # students tested in the district
pass_rate = data["NABOVE"] / trials
X = data[
    [
        "LOWINC",  # % low-income students
        "PERASIAN",  # % Asian students
        "PERBLACK",  # % Black students
        "PERHISP",  # % Hispanic students
        "AVYRSEXP",  # teachers' mean years of experience
        "PERSPENK",  # spending per pupil, $1000
        "PTRATIO",  # pupils per teacher
    ]
].assign(YEARROUND=(data["PCTYRRND"] > 0).astype(float))  # the dummy
bands = pd.qcut(data["LOWINC"], 30, labels=False)  # the clusters built here
print(f"{len(X)} districts in {bands.nunique()} bands")
print(f"{X['YEARROUND'].mean():.0%} have a school on a year-round calendar")

# alpha=0: the unpenalised fit, whose standard errors are the classical ones.
model = ProbabilityRegressor(alpha=0).fit(X, pass_rate, sample_weight=trials)
results = model.inference(
    X, pass_rate, sample_weight=trials, cov_type="cluster", groups=bands
)
print(results)

# %%
# Coefficients with cluster-robust standard errors
# ------------------------------------------------
# The coefficients are changes in the log odds of a student being above
# the median per unit of the feature (a percentage point, a year, $1000,
# one pupil per teacher); the standard errors allow any correlation within
# a band and any variance of the pass rates.
pd.set_option("display.width", 120)
print(results.coef_table().round(4))

# %%
# How much the choice of standard errors matters
# ----------------------------------------------
# The nonrobust standard errors assume that the students of a district
# pass independently, each with the model's probability: binomial variance
# given the trials. Pass rates vary between similar districts far more
# than that, so they are much too small. The quasi-binomial ones
# (``scale="pearson"``) multiply them by the square root of the estimated
# overdispersion, one factor for every coefficient; the robust ones (HC1,
# and cluster for the bands) measure the spread of each coefficient's
# scores directly.
covariances = {
    "nonrobust": {"cov_type": "nonrobust"},
    "quasi-binomial": {"cov_type": "nonrobust", "scale": "pearson"},
    "HC1": {"cov_type": "HC1"},
    "cluster": {"cov_type": "cluster", "groups": bands},
}
fits = {
    name: model.inference(X, pass_rate, sample_weight=trials, **options)
    for name, options in covariances.items()
}
standard_errors = pd.DataFrame(
    {name: fit.coef_table()["std_err"] for name, fit in fits.items()}
)
print(standard_errors.round(4))
dispersion = fits["quasi-binomial"].scale
print(f"estimated dispersion, Pearson chi2 / (n - k): {dispersion:.1f}")

# %%
# The same numbers as statsmodels
# -------------------------------
# statsmodels' GLM with the binomial family and the students as
# ``var_weights`` fits the same model; its cluster-robust standard errors
# (with its default small-sample correction) are skxent's. (statsmodels
# warns that its robust covariances are not fully supported with
# ``var_weights``; this comparison is the check.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SpecificationWarning)
    reference = sm.GLM(
        pass_rate, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials
    ).fit(cov_type="cluster", cov_kwds={"groups": bands.to_numpy()})
table = results.coef_table()
print(
    "largest relative difference in coefficients: "
    f"{np.max(np.abs(table['coef'] / reference.params.to_numpy() - 1)):.1e}, "
    f"in standard errors: {np.max(np.abs(table['std_err'] / reference.bse - 1)):.1e}"
)

# %%
# A joint Wald test
# -----------------
# Do the shares of Asian, Black and Hispanic students matter at all, once
# the share of low-income students is in the model? The Wald test of the
# three coefficients being zero together uses the same cluster-robust
# covariance. With 30 clusters the chi-squared approximation rejects a
# true hypothesis too often; ``use_t=True`` gives the F test with
# ``clusters - 1`` denominator degrees of freedom (and t-based tables),
# the usual small-sample choice.
shares = ["PERASIAN", "PERBLACK", "PERHISP"]
print(results.wald_test(shares))
results_t = model.inference(
    X, pass_rate, sample_weight=trials, cov_type="cluster", groups=bands, use_t=True
)
print(results_t.wald_test(shares))

# %%
# A restriction matrix tests any linear hypothesis ``R @ coef = value``,
# its columns following the rows of ``coef_table``: here, that a point
# more of Black students and a point more of Hispanic students change the
# log odds alike.
terms = list(table.index)
R = np.zeros((1, len(terms)))
R[0, terms.index("PERBLACK")], R[0, terms.index("PERHISP")] = 1.0, -1.0
print(results.wald_test(R))

# %%
# Average partial effects
# -----------------------
# A coefficient in log odds is hard to read. The average partial effect of
# a continuous feature is the change of the predicted pass rate per unit of
# it, averaged over the districts (weighted by students). For a 0/1 column
# (``results.binary_features`` lists them) it is, by default, the average
# change of the predicted pass rate when the dummy goes from 0 to 1 in
# every district. Both come with delta-method standard errors from the
# same cluster-robust covariance.
print("binary features:", results.binary_features)
effects = results.partial_effects()
print(effects.loc[["LOWINC", "YEARROUND"]].round(4))
lowinc, yearround = effects.loc["LOWINC"], effects.loc["YEARROUND"]
print(
    f"10 more points of low-income students: {1000 * lowinc['effect']:+.1f} "
    "percentage points of pass rate; a year-round school: "
    f"{100 * yearround['effect']:+.1f} points "
    f"(95% CI {100 * yearround['ci_low']:+.1f} to {100 * yearround['ci_high']:+.1f})"
)

# %%
# The summary
# -----------
# The fit's statistics (deviance, pseudo R-squared, the binomial
# log-likelihood of the students' counts, the convergence check) with the
# coefficient table and notes. ``print`` gives text; in a notebook the
# summary shows as an HTML table.
print(results.summary())

# %%
# Predicted pass rates with intervals
# -----------------------------------
# ``predict_interval`` gives the predicted mean of new rows with a
# confidence interval, computed on the log-odds scale and mapped back, so
# it stays inside (0, 1). Here the share of low-income students varies
# over its observed range, every other feature held at its median across
# the districts, for districts with and without a year-round school.
grid = np.linspace(X["LOWINC"].min(), X["LOWINC"].max(), 100)
fig, ax = plt.subplots(figsize=(7, 4.8))
ax.scatter(
    X["LOWINC"],
    pass_rate,
    s=4 + 60 * trials / trials.max(),
    color="grey",
    alpha=0.4,
    label="districts (sized by students)",
)
for value, label, color in [
    (0.0, "no year-round school", "C0"),
    (1.0, "a year-round school", "C1"),
]:
    rows = pd.DataFrame([X.median()] * len(grid)).assign(LOWINC=grid, YEARROUND=value)
    frame = results.predict_interval(rows)
    ax.plot(grid, frame["mean"], color=color, label=label)
    ax.fill_between(grid, frame["ci_low"], frame["ci_high"], color=color, alpha=0.25)
ax.set(
    xlabel="% low-income students",
    ylabel="share of students above the median",
    title="star98: predicted pass rates, 95% cluster-robust intervals",
    ylim=(0, 1),
)
ax.legend()
fig.tight_layout()
plt.show()
