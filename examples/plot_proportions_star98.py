"""
Proportions with trial counts: pass rates of California schools
===============================================================

statsmodels' ``star98`` data hold, for 303 California school districts, the
number of students above and below the national median in a 1998 maths
test, with 20 district characteristics (percentages of low-income and
minority students, teachers' experience and salaries, spending, class sizes
and their interactions). The target is the share of students above the
median; each share comes from a different number of students, passed as
``sample_weight`` so that each district counts as much as its students.

The columns are on very different scales and strongly correlated: plain
L-BFGS solvers stop far from the optimum here, while
:class:`skxent.ProbabilityRegressor` reaches it, as the comparison with
statsmodels' IRLS shows. Then the fit is checked where it matters for
predictions: calibration and observed against predicted pass rates, on
cross-validated predictions.
"""

# %%
# The data
# --------
import matplotlib.pyplot as plt
import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_predict
from statsmodels.datasets import star98

from skxent import ProbabilityRegressor

data = star98.load_pandas().data
trials = (data["NABOVE"] + data["NBELOW"]).to_numpy(dtype=float)
pass_rate = data["NABOVE"].to_numpy() / trials
X = data.drop(columns=["NABOVE", "NBELOW"])
print(f"{X.shape[0]} districts, {X.shape[1]} features")
print(f"students per district: {trials.min():.0f} to {trials.max():.0f}")
print(f"pass rate: {pass_rate.min():.3f} to {pass_rate.max():.3f}")

# %%
# The fit, against statsmodels' IRLS
# ----------------------------------
# ``alpha=0`` fits the unpenalised model: with the trials as weights it is
# the binomial maximum-likelihood fit, the model statsmodels fits by
# iteratively reweighted least squares (Newton's method).
model = ProbabilityRegressor(alpha=0).fit(X, pass_rate, sample_weight=trials)

reference = sm.GLM(
    pass_rate, sm.add_constant(X), family=sm.families.Binomial(), var_weights=trials
).fit()
ours = np.r_[model.intercept_, model.coef_]
difference = np.abs(ours - reference.params.to_numpy()) / np.abs(reference.params)
print(f"skxent: {model.n_iter_} iterations")
print(f"largest relative difference from statsmodels: {difference.max():.1e}")

# %%
# Calibration on cross-validated predictions
# ------------------------------------------
# Each district's pass rate is predicted by a model fitted on the other
# folds. Least squares on the shares (weighted by trials too) is shown
# beside it. The calibration plot groups districts into ten bins of
# predicted pass rate and compares the mean prediction of each bin with its
# observed pass rate (students above the median over students in the bin).
cv = KFold(n_splits=5, shuffle=True, random_state=0)
models = {
    "ProbabilityRegressor": ProbabilityRegressor(alpha=0),
    "least squares": LinearRegression(),
}
predictions = {
    name: cross_val_predict(
        estimator, X, pass_rate, cv=cv, params={"sample_weight": trials}
    )
    for name, estimator in models.items()
}
for name, predicted in predictions.items():
    outside = np.count_nonzero((predicted < 0) | (predicted > 1))
    error = np.average(np.abs(predicted - pass_rate), weights=trials)
    print(
        f"{name:22s} mean absolute error {error:.4f}, "
        f"range [{predicted.min():.3f}, {predicted.max():.3f}], "
        f"{outside} outside [0, 1]"
    )


def calibration_curve(predicted, observed, weights, n_bins=10):
    """Weighted mean prediction and observed rate in quantile bins."""
    edges = np.quantile(predicted, np.linspace(0, 1, n_bins + 1))
    bins = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, n_bins - 1)
    mean_predicted = [
        np.average(predicted[bins == b], weights=weights[bins == b])
        for b in range(n_bins)
    ]
    mean_observed = [
        np.average(observed[bins == b], weights=weights[bins == b])
        for b in range(n_bins)
    ]
    return np.array(mean_predicted), np.array(mean_observed)


fig, calibration = plt.subplots(figsize=(6, 5.5))
for (name, predicted), marker in zip(predictions.items(), "os", strict=True):
    mean_predicted, mean_observed = calibration_curve(predicted, pass_rate, trials)
    calibration.plot(mean_predicted, mean_observed, marker=marker, label=name)
calibration.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect")
calibration.set(
    xlim=(0.1, 0.9),
    ylim=(0.1, 0.9),
    xlabel="mean predicted pass rate (bin)",
    ylabel="observed pass rate (bin)",
    title="Calibration, ten bins of districts",
)
calibration.legend()
fig.tight_layout()

# %%
# Observed against predicted
# --------------------------
# One point per district; the larger the district, the larger the point.
predicted = predictions["ProbabilityRegressor"]
fig, scatter = plt.subplots(figsize=(6, 5.5))
scatter.scatter(
    predicted,
    pass_rate,
    s=400 * np.sqrt(trials / trials.max()),
    alpha=0.5,
    edgecolor="k",
)
scatter.plot([0, 1], [0, 1], color="grey", linestyle="--")
scatter.set(
    xlim=(0, 1),
    ylim=(0, 1),
    xlabel="predicted pass rate (cross-validated)",
    ylabel="observed pass rate",
    title="ProbabilityRegressor, one point per district",
)
fig.tight_layout()
plt.show()
