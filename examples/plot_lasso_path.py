"""
The lasso path: which district characteristics enter, and when
==============================================================

With ``l1_ratio=1`` the penalty is the lasso's, ``alpha`` times the sum of
the coefficients' absolute values, and the fit sets the coefficients whose
evidence is weaker than the penalty to exactly 0.0. Fitted along a
decreasing grid of ``alpha``, features enter the model one after another:
the lasso path. :class:`skxent.ProbabilityRegressorCV` with
``l1_ratio=1.0`` chooses ``alpha`` on that path by cross-validation.

The data are statsmodels' ``star98``: for 303 California school districts,
the share of students above the national median in maths, with the number
of students as ``sample_weight``, and 20 district characteristics with
their interactions, many strongly correlated. The features are
standardised first, so that one ``alpha`` treats every column alike.
"""

# %%
# The data and the cross-validated lasso
# --------------------------------------
# With ``l1_ratio > 0`` the grid of penalties starts at the smallest
# ``alpha`` at which every coefficient is 0 (the model is then the
# intercept alone) and goes down three decades.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler
from statsmodels.datasets import star98

from skxent import ProbabilityRegressor, ProbabilityRegressorCV

data = star98.load_pandas().data
trials = (data["NABOVE"] + data["NBELOW"]).to_numpy(dtype=float)
pass_rate = data["NABOVE"].to_numpy() / trials
features = data.drop(columns=["NABOVE", "NBELOW"])
names = features.columns.to_numpy()
X = StandardScaler().fit_transform(features)

cv = KFold(n_splits=5, shuffle=True, random_state=0)
search = ProbabilityRegressorCV(l1_ratio=1.0, cv=cv)
search.fit(X, pass_rate, sample_weight=trials)
selected = search.coef_ != 0
print(
    f"{search.alphas_.size} penalties from {search.alphas_[0]:.3g} down to "
    f"{search.alphas_[-1]:.3g}"
)
print(
    f"alpha_ = {search.alpha_:.3g}: {np.count_nonzero(selected)} of "
    f"{len(names)} coefficients non-zero"
)
for name, coef in zip(names[selected], search.coef_[selected], strict=True):
    print(f"  {name:<24} {coef:+.3f}")

# %%
# The path
# --------
# :class:`skxent.ProbabilityRegressor` with ``warm_start=True`` fitted at
# each ``alpha`` of a finer grid over the same range, each fit starting
# from the previous solution, whose zeros are mostly those of the next.
# Every fit is exact (a coefficient is 0.0 or at its optimum to ``tol``),
# so the path's kinks are where features enter or leave.
alphas = np.geomspace(search.alphas_[0], search.alphas_[-1], 60)
model = ProbabilityRegressor(l1_ratio=1.0, warm_start=True)
path = []
for alpha in alphas:
    model.set_params(alpha=alpha).fit(X, pass_rate, sample_weight=trials)
    path.append(model.coef_.copy())
path = np.array(path)
print(
    f"non-zero coefficients along the path: {np.count_nonzero(path, axis=1).tolist()}"
)
# The largest alpha at which each feature is non-zero: where it enters.
entering = [
    (alphas[np.flatnonzero(path[:, j])[0]], j) for j in np.flatnonzero(path.any(axis=0))
]
for alpha, j in sorted(entering, reverse=True)[:8]:
    at_best = "non-zero" if selected[j] else "zero"
    print(f"  {names[j]:<24} enters at alpha {alpha:.3g}, {at_best} at alpha_")

# %%
# Features that are non-zero at ``alpha_`` are drawn in colour, the others
# in grey. The first feature to enter is the one with the largest
# weighted covariance with the residuals of the intercept-only model (the
# gradient that sets the top of the grid): here a three-way interaction
# built on the share of minority teachers, correlated 0.44 to 0.55 with
# the shares of low-income, Black and Hispanic students. It stands in for
# them until they enter, and then leaves. The number of non-zero
# coefficients does not only grow as ``alpha`` decreases. The lower panel
# shows the held-out weighted cross-entropy of each penalty (mean over the
# folds and one standard deviation), whose minimum is ``alpha_``; below it
# the curve is flat: the extra features neither help nor harm much.
fig, (path_axes, score_axes) = plt.subplots(
    2, 1, figsize=(7, 8), sharex=True, height_ratios=[3, 2]
)
for index in np.flatnonzero(~selected):
    path_axes.plot(alphas, path[:, index], color="0.7", linewidth=0.8)
for color, index in enumerate(np.flatnonzero(selected)):
    path_axes.plot(alphas, path[:, index], color=f"C{color}", label=names[index])
path_axes.plot([], [], color="0.7", linewidth=0.8, label="zero at alpha_")
path_axes.axvline(search.alpha_, color="k", linestyle="--", linewidth=1)
path_axes.set(
    xscale="log",
    ylabel="coefficient (standardised features)",
    title="Lasso path of the pass rate (l1_ratio=1)",
)
path_axes.legend(fontsize="small", loc="lower left")

cross_entropy = -search.scores_
mean, spread = cross_entropy.mean(axis=0), cross_entropy.std(axis=0)
score_axes.fill_between(
    search.alphas_, mean - spread, mean + spread, color="C0", alpha=0.25
)
score_axes.plot(search.alphas_, mean, color="C0", marker=".")
score_axes.axvline(search.alpha_, color="k", linestyle="--", linewidth=1)
score_axes.set(
    xscale="log",
    xlabel="alpha (decreasing to the right)",
    ylabel="held-out cross-entropy",
    title="Five-fold cross-validation: mean and one standard deviation",
)
score_axes.invert_xaxis()  # shared: the path reads from the largest alpha
fig.tight_layout()

# %%
# Standard errors after selection
# -------------------------------
# The coefficients at ``alpha_`` come with no standard errors: the features
# were chosen because they fitted these rows well, so intervals computed as
# if they had been chosen in advance would be too narrow, and the
# estimators refuse.
try:
    search.coef_table(X, pass_rate, sample_weight=trials)
except ValueError as error:
    print(str(error).split(". ")[0] + ".")

# %%
# What they suggest instead: select on one half of the districts, and fit
# the selected features without a penalty on the other half, where the
# selection is fixed in advance and the usual (robust) standard errors
# hold. Each half has half the data, so the intervals are wider than those
# of one fit on all the rows would be. The half need not select the
# features all the rows did: among correlated features, which ones the
# lasso keeps varies with the data.
halves = np.random.default_rng(0).permutation(len(pass_rate)) % 2 == 0
selection = ProbabilityRegressorCV(l1_ratio=1.0, cv=cv).fit(
    X[halves], pass_rate[halves], sample_weight=trials[halves]
)
kept = selection.coef_ != 0
refit = ProbabilityRegressor(alpha=0).fit(
    X[~halves][:, kept], pass_rate[~halves], sample_weight=trials[~halves]
)
table = refit.coef_table(
    X[~halves][:, kept],
    pass_rate[~halves],
    sample_weight=trials[~halves],
    feature_names=names[kept],
)
print(f"selected on the first half: {np.count_nonzero(kept)} features")
print(table[["coef", "std_err", "p_value"]].round(4))
plt.show()
