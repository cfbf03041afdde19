"""
Inference: robust standard errors and average partial effects
=============================================================

Economists fit fractional targets by the fractional logit of Papke and
Wooldridge and report robust standard errors and average partial effects.
:class:`skxent.ProbabilityRegressor` gives both as tables: ``coef_table``
and ``partial_effects_table``.

The data are statsmodels' ``star98``: for 303 California school districts
the share of students above the national median in maths, with the number
of students, and the districts' characteristics. The model here uses the
main effects only, so that each coefficient has one meaning.
"""

# %%
# The fit
# -------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.datasets import star98

from skxent import ProbabilityRegressor

data = star98.load_pandas().data
trials = data["NABOVE"] + data["NBELOW"]
pass_rate = data["NABOVE"] / trials
features = [
    "LOWINC",  # % low-income students
    "PERASIAN",  # % Asian students
    "PERBLACK",  # % Black students
    "PERHISP",  # % Hispanic students
    "PERMINTE",  # % minority teachers
    "AVYRSEXP",  # teachers' mean years of experience
    "AVSALK",  # teachers' mean salary, $1000
    "PERSPENK",  # spending per pupil, $1000
    "PTRATIO",  # pupils per teacher
    "PCTAF",  # % taking college credit courses
    "PCTCHRT",  # % of schools that are charter schools
    "PCTYRRND",  # % of schools on a year-round calendar
]
X = data[features]
model = ProbabilityRegressor(alpha=0).fit(X, pass_rate, sample_weight=trials)

# %%
# Coefficients with robust standard errors
# ----------------------------------------
# The default ``cov_type="HC1"`` is the sandwich estimator with a small
# sample correction. Coefficients are changes in the log odds of a student
# being above the median per unit of the feature.
pd.set_option("display.width", 120)
table = model.coef_table(X, pass_rate, sample_weight=trials)
print(table.round(4))

# %%
# Why robust: the nonrobust standard errors assume binomial variance
# ------------------------------------------------------------------
# Students in one district are not independent draws: the pass rates vary
# between similar districts far more than binomial sampling allows. The
# nonrobust standard errors (the inverse Fisher information) assume it does
# not, and are much too small.
nonrobust = model.coef_table(X, pass_rate, sample_weight=trials, cov_type="nonrobust")
print(
    pd.DataFrame(
        {
            "nonrobust": nonrobust["std_err"],
            "HC1": table["std_err"],
            "ratio": table["std_err"] / nonrobust["std_err"],
        }
    ).round(4)
)

# %%
# The same numbers as statsmodels
# -------------------------------
# statsmodels' GLM with the binomial family and the trials as
# ``var_weights`` fits the same model; its HC0 standard errors, times the
# HC1 factor ``n / (n - k)``, are skxent's.
reference = sm.GLM(
    pass_rate, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials
).fit(cov_type="HC0")
n_rows, n_params = X.shape[0], X.shape[1] + 1
statsmodels_hc1 = reference.bse.to_numpy() * np.sqrt(n_rows / (n_rows - n_params))
print(
    "largest relative difference in coefficients: "
    f"{np.max(np.abs(table['coef'] / reference.params.to_numpy() - 1)):.1e}, "
    f"in standard errors: {np.max(np.abs(table['std_err'] / statsmodels_hc1 - 1)):.1e}"
)

# %%
# Average partial effects
# -----------------------
# A coefficient in log odds is hard to read. The average partial effect of
# a feature is the change in the predicted pass rate per unit of the
# feature, averaged over the districts (weighted by students), with a
# delta-method standard error.
effects = model.partial_effects_table(X, pass_rate, sample_weight=trials)
effects_nonrobust = model.partial_effects_table(
    X, pass_rate, sample_weight=trials, cov_type="nonrobust"
)
print(effects.round(5))

# %%
# The effects and their 95% intervals, in percentage points of the pass
# rate per unit of each feature. The nonrobust intervals (grey) are
# narrower than the data support; the robust ones (blue) are the ones to
# report.
fig, ax = plt.subplots(figsize=(7, 5.5))
positions = np.arange(len(features))
for offset, (label, frame, color) in enumerate(
    [("nonrobust", effects_nonrobust, "grey"), ("robust (HC1)", effects, "C0")]
):
    ax.errorbar(
        100 * frame["effect"],
        positions + 0.15 * (offset - 0.5),
        xerr=100 * (frame["ci_high"] - frame["ci_low"]) / 2,
        fmt="o",
        color=color,
        capsize=3,
        label=label,
    )
ax.axvline(0, color="k", linewidth=0.8)
ax.set_yticks(positions, features)
ax.invert_yaxis()
ax.set(
    xlabel="average partial effect on the pass rate (percentage points per unit)",
    title="star98: average partial effects with 95% intervals",
)
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
