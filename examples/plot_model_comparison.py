"""
Model comparison: fractional logit, least squares and gradient boosting
=======================================================================

Which model predicts the share of students above the national median in a
school district best? On statsmodels' ``star98`` data (303 California
districts, 20 features), this example compares, under the same nested
cross-validation:

- :class:`skxent.ProbabilityRegressor`, the fractional logit;
- ``Ridge``, least squares on the shares;
- ``HistGradientBoostingRegressor``, gradient-boosted trees on the shares.

Each district's share comes from a different number of students, so every
fit and every score is weighted by it, through scikit-learn's metadata
routing. Each model's hyper-parameters are chosen by an inner
``GridSearchCV`` on the training folds only.
"""

# %%
# Data and the three models
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import make_scorer, mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from statsmodels.datasets import star98

from skxent import ProbabilityRegressor

# Route sample_weight to the fits and scorers that ask for it.
sklearn.set_config(enable_metadata_routing=True)

data = star98.load_pandas().data
trials = (data["NABOVE"] + data["NBELOW"]).to_numpy(dtype=float)
pass_rate = data["NABOVE"].to_numpy() / trials
X = data.drop(columns=["NABOVE", "NBELOW"])

r2 = make_scorer(r2_score).set_score_request(sample_weight=True)
mae = make_scorer(mean_absolute_error, greater_is_better=False).set_score_request(
    sample_weight=True
)
inner_cv = KFold(n_splits=3, shuffle=True, random_state=1)


def weighted_pipeline(estimator):
    """Standardise (unweighted), then fit ``estimator`` with the weights."""
    return make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),
        estimator.set_fit_request(sample_weight=True),
    )


models = {
    "ProbabilityRegressor": GridSearchCV(
        weighted_pipeline(ProbabilityRegressor()),
        {"probabilityregressor__alpha": np.logspace(-6, -1, 6)},
        cv=inner_cv,
        scoring=r2,
    ),
    "Ridge": GridSearchCV(
        weighted_pipeline(Ridge()),
        {"ridge__alpha": np.logspace(-2, 3, 6)},
        cv=inner_cv,
        scoring=r2,
    ),
    "gradient boosting": GridSearchCV(
        HistGradientBoostingRegressor(random_state=0).set_fit_request(
            sample_weight=True
        ),
        {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [4, 8]},
        cv=inner_cv,
        scoring=r2,
    ),
}

# %%
# Nested cross-validation
# -----------------------
# Five outer folds; for each model, the weighted :math:`R^2` and mean
# absolute error of every outer fold, and how many of its out-of-fold
# predictions leave [0, 1].
outer_cv = KFold(n_splits=5, shuffle=True, random_state=0)
results = {}
for name, model in models.items():
    scores = cross_validate(
        model,
        X,
        pass_rate,
        cv=outer_cv,
        scoring={"r2": r2, "mae": mae},
        params={"sample_weight": trials},
        return_estimator=True,
        return_indices=True,
    )
    outside = sum(
        np.count_nonzero(np.abs(fitted.predict(X.iloc[test]) - 0.5) > 0.5)
        for fitted, test in zip(
            scores["estimator"], scores["indices"]["test"], strict=True
        )
    )
    results[name] = scores
    print(
        f"{name:21s} R^2 {scores['test_r2'].mean():.3f} "
        f"(+- {scores['test_r2'].std():.3f}), "
        f"MAE {-scores['test_mae'].mean():.4f}, "
        f"{outside} predictions outside [0, 1], "
        f"fit {scores['fit_time'].mean():.2f} s per outer fold"
    )

sklearn.set_config(enable_metadata_routing=False)

# %%
# The results, fold by fold
# -------------------------
# Lines join the scores of one outer fold: the folds differ more from each
# other than the models do, so the comparison that counts is within a fold.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
names = list(results)
positions = np.arange(len(names))
for ax, key, label in [
    (axes[0], "test_r2", "weighted $R^2$ (higher is better)"),
    (axes[1], "test_mae", "weighted mean absolute error (lower is better)"),
]:
    sign = -1 if key == "test_mae" else 1
    folds = np.array([sign * results[name][key] for name in names])
    ax.plot(positions, folds, color="grey", alpha=0.6, marker="o")
    ax.plot(positions, folds.mean(axis=1), "D", color="C3", markersize=9, label="mean")
    ax.set_xticks(positions, names)
    ax.set(xlim=(-0.4, len(names) - 0.6), ylabel=label)
    ax.legend()
fig.suptitle("star98 pass rates: the outer folds of a 5-fold cross-validation")
fig.tight_layout()
plt.show()
