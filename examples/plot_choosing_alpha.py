"""
Choosing alpha: cross-validation along a warm-started path
==========================================================

:class:`skxent.ProbabilityRegressorCV` chooses the penalty ``alpha`` by
cross-validation: on each fold it fits the model at every penalty of a grid
chosen from the data, from the largest to the smallest, each fit starting
from the previous solution, and scores each fit by the weighted
cross-entropy of the fold's held-out rows. The penalty with the best mean
score is then fitted on all the data.

The data are statsmodels' ``star98``: for 303 California school districts,
the share of students above the national median in maths, with the number
of students as ``sample_weight``, and 20 district characteristics with
their interactions. The features are standardised first, so that one
``alpha`` shrinks every coefficient alike. The search is then repeated with
``GridSearchCV``, one cold fit per fold and penalty, on the same folds.
"""

# %%
# The data and the cross-validated model
# --------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.datasets import star98

from skxent import ProbabilityRegressor, ProbabilityRegressorCV
from skxent.metrics import make_neg_cross_entropy_scorer

data = star98.load_pandas().data
trials = (data["NABOVE"] + data["NBELOW"]).to_numpy(dtype=float)
pass_rate = data["NABOVE"].to_numpy() / trials
X = data.drop(columns=["NABOVE", "NBELOW"])

cv = KFold(n_splits=5, shuffle=True, random_state=0)
model = make_pipeline(StandardScaler(), ProbabilityRegressorCV(alphas=20, cv=cv))
model.fit(X, pass_rate, probabilityregressorcv__sample_weight=trials)
search = model[-1]
print(
    f"{search.alphas_.size} penalties from {search.alphas_[0]:.3g} down to "
    f"{search.alphas_[-1]:.3g}, {search.scores_.shape[0]} folds"
)
print(f"alpha_ = {search.alpha_:.4g}")

# %%
# Held-out cross-entropy along the path
# -------------------------------------
# ``scores_`` holds one score per fold and penalty: minus the weighted mean
# cross-entropy of the fold's held-out districts, so greater is better.
# Plotted as the cross-entropy itself, lower is better. The folds differ
# from each other more than the penalties do (some held-out districts are
# harder to predict than others), so compare the shapes of the fold curves,
# not their levels: the choice is the penalty of the lowest mean.
cross_entropy = -search.scores_
mean = cross_entropy.mean(axis=0)
spread = cross_entropy.std(axis=0)
best = np.flatnonzero(search.alphas_ == search.alpha_)[0]
better = np.count_nonzero(cross_entropy[:, best] < cross_entropy[:, -1])
print(
    f"mean held-out cross-entropy at alpha_ {mean[best]:.5f} "
    f"(standard deviation over the folds {spread[best]:.5f}), "
    f"at the smallest alpha {mean[-1]:.5f}; alpha_ is better on {better} "
    f"of the {cross_entropy.shape[0]} folds"
)

fig, scores_axes = plt.subplots(figsize=(6.5, 4.5))
scores_axes.plot(search.alphas_, cross_entropy.T, color="grey", linewidth=0.8)
scores_axes.fill_between(
    search.alphas_,
    mean - spread,
    mean + spread,
    color="C0",
    alpha=0.25,
    label="mean $\\pm$ one standard deviation",
)
scores_axes.plot(search.alphas_, mean, color="C0", linewidth=2.5, label="mean")
scores_axes.plot([], [], color="grey", linewidth=0.8, label="each fold")
scores_axes.axvline(search.alpha_, color="C3", linestyle="--", label="alpha_")
scores_axes.set(
    xscale="log",
    xlabel="alpha",
    ylabel="held-out weighted mean cross-entropy",
    title="Held-out cross-entropy, five folds",
)
scores_axes.legend(loc="lower right", fontsize="small")
fig.tight_layout()

# %%
# The coefficients along the path
# -------------------------------
# ``coef_path_`` holds every fold's coefficients at every penalty; their
# mean over the folds shows what the penalty does. At the largest ``alpha``
# every coefficient is shrunk to near zero: the model predicts about the
# mean pass rate. As ``alpha`` decreases the coefficients grow, first along
# the directions the data determine well. The interactions and the main
# effects they are built from are strongly correlated: along their
# differences the data say little, and even the smallest ``alpha`` of the
# grid holds them far below their unpenalised values.
X_scaled = model[:-1].transform(X)
unpenalised = ProbabilityRegressor(alpha=0).fit(
    X_scaled, pass_rate, sample_weight=trials
)
print(
    f"largest |coefficient|: {np.abs(search.coef_path_[:, -1]).mean(axis=0).max():.2f}"
    f" at the smallest alpha (mean over the folds), "
    f"{np.abs(unpenalised.coef_).max():.2f} unpenalised"
)
fig, coef_axes = plt.subplots(figsize=(6.5, 4.5))
coef_axes.plot(search.alphas_, search.coef_path_.mean(axis=0), linewidth=1)
coef_axes.axvline(search.alpha_, color="C3", linestyle="--")
coef_axes.set(
    xscale="log",
    xlabel="alpha",
    ylabel="coefficient (standardised features)",
    title="Coefficients, mean over the folds",
)
fig.tight_layout()

# %%
# Against GridSearchCV
# --------------------
# The same search, on the same standardised features and the same folds:
# ``GridSearchCV`` fits :class:`skxent.ProbabilityRegressor` once per fold
# and penalty from a cold start, and scores each fit with the weighted
# cross-entropy, the weights routed to the fits and the scorer by
# scikit-learn's metadata routing. The path saves in two ways: each fold's
# rows are copied and set up once for the whole path (and once more if the
# near-best penalties are fitted on), and each fit starts at the solution
# of its neighbour. Its fits also stop at a gradient of 1e-6 rather than
# ``tol``: they only rank the penalties, and the held-out scores they give
# differ from those of the exact fits far less than the folds do; the
# penalties whose mean scores come within 1e-6 of the best are fitted on
# to ``tol`` before the choice. The refit at ``alpha_`` runs to ``tol``.
# Both searches end with a fit on all the data.
start = time.perf_counter()
path_search = ProbabilityRegressorCV(alphas=20, cv=cv).fit(
    X_scaled, pass_rate, sample_weight=trials
)
path_seconds = time.perf_counter() - start

with sklearn.config_context(enable_metadata_routing=True):
    weighted_cross_entropy = make_neg_cross_entropy_scorer().set_score_request(
        sample_weight=True
    )
    grid_search = GridSearchCV(
        ProbabilityRegressor().set_fit_request(sample_weight=True),
        {"alpha": path_search.alphas_},
        cv=cv,
        scoring=weighted_cross_entropy,
    )
    start = time.perf_counter()
    grid_search.fit(X_scaled, pass_rate, sample_weight=trials)
    grid_seconds = time.perf_counter() - start

grid_scores = np.array(
    [grid_search.cv_results_[f"split{fold}_test_score"] for fold in range(5)]
)
n_fits = path_search.scores_.size
print(
    f"ProbabilityRegressorCV: {path_seconds:.2f} s "
    f"({path_search.n_iter_path_.sum()} solver iterations for its {n_fits} "
    "fits along the paths)"
)
print(f"GridSearchCV:           {grid_seconds:.2f} s ({n_fits} cold fits)")
print(
    f"alpha chosen: {path_search.alpha_:.4g} and "
    f"{grid_search.best_params_['alpha']:.4g}, the same: "
    f"{path_search.alpha_ == grid_search.best_params_['alpha']}"
)
print(
    "largest difference between their held-out scores: "
    f"{np.abs(path_search.scores_ - grid_scores).max():.1e}"
)
plt.show()
