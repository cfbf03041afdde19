"""
Quickstart: a bounded target, three models, one table
=====================================================

scikit-learn's diabetes data set measures disease progression one year after
baseline on a bounded scale. Least squares ignores the bounds;
:class:`skxent.CrossEntropyRegressor` maps the target's range onto [0, 1],
fits a logistic-link linear model by cross-entropy and maps predictions
back, so they never leave the range.

The three models are compared under the same 5-fold cross-validation, each
in a ``Pipeline`` with a ``StandardScaler``. The regularisation strength of
the two penalised models is chosen by an inner cross-validation: for
``Ridge`` by ``GridSearchCV``, for the cross-entropy model by
:class:`skxent.CrossEntropyRegressorCV`, which fits each inner fold's path
of penalties from warm starts and scores them by held-out cross-entropy.
"""

# %%
# Three models, one cross-validation
# ----------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_predict,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skxent import CrossEntropyRegressorCV

X, y = load_diabetes(return_X_y=True)
n_samples, n_features = X.shape
print(
    f"diabetes: {n_samples} samples, {n_features} features,"
    f" y from {y.min():g} to {y.max():g}"
)

models = {
    "LinearRegression": make_pipeline(StandardScaler(), LinearRegression()),
    "Ridge (alpha by CV)": GridSearchCV(
        make_pipeline(StandardScaler(), Ridge()),
        {"ridge__alpha": np.logspace(-2, 3, 6)},
    ),
    "CrossEntropyRegressorCV": make_pipeline(
        StandardScaler(), CrossEntropyRegressorCV()
    ),
}

cv = KFold(n_splits=5, shuffle=True, random_state=0)
print(f"\n{'model':38s} {'R^2':>7s} {'MAE':>7s} {'fit s':>7s}")
for name, model in models.items():
    scores = cross_validate(
        model, X, y, cv=cv, scoring=["r2", "neg_mean_absolute_error"]
    )
    print(
        f"{name:38s} {scores['test_r2'].mean():7.3f} "
        f"{-scores['test_neg_mean_absolute_error'].mean():7.1f} "
        f"{scores['fit_time'].mean():7.3f}"
    )

# %%
# The fitted range
# ----------------
# ``target_range="auto"`` (the default) learns the range from the training
# targets; predictions stay within it.
model = make_pipeline(StandardScaler(), CrossEntropyRegressorCV()).fit(X, y)
low, high = model[-1].target_range_
print(f"\nlearned target range: ({low:g}, {high:g}), alpha_ = {model[-1].alpha_:.3g}")
print(
    f"predictions on the training data: [{model.predict(X).min():.1f}, "
    f"{model.predict(X).max():.1f}]"
)

# %%
# Observed against cross-validated predictions
# --------------------------------------------
# Least squares is a straight line in every feature; the cross-entropy
# model bends towards the bounds, where the targets are crowded.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), sharex=True, sharey=True)
for ax, (name, estimator) in zip(
    axes,
    [("LinearRegression", LinearRegression()), ("CrossEntropyRegressorCV", model[-1])],
    strict=True,
):
    predicted = cross_val_predict(
        make_pipeline(StandardScaler(), estimator), X, y, cv=cv
    )
    ax.scatter(predicted, y, s=12, alpha=0.5)
    ax.plot(
        [low, high], [low, high], color="grey", linestyle="--", label="y = prediction"
    )
    ax.axvline(low, color="C3", linewidth=0.8, label="learned target range")
    ax.axvline(high, color="C3", linewidth=0.8)
    ax.set(
        xlabel="cross-validated prediction",
        title=f"{name}, R^2 {r2_score(y, predicted):.3f}",
    )
axes[0].set_ylabel("observed disease progression")
axes[0].legend(loc="upper left")
fig.tight_layout()
plt.show()
