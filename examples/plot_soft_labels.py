"""
Soft labels: annotators' votes as targets
=========================================

When several annotators label each item, the share of votes for each class
is a soft label: it says how ambiguous the item is. Fitting a classifier to
the majority vote throws that away. :class:`skxent.ProbabilityRegressor`
takes the rows of vote shares as 2-D ``y`` and fits the softmax
(multinomial logit) model to them directly.

The data are generated, so the true class probabilities are known: 3000
items with 4 features, 3 classes whose probabilities follow a softmax model,
and 5 annotators per item, each voting for a class drawn from the item's
true probabilities.
"""

# %%
# Votes, vote shares and the majority vote
# ----------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skxent import ProbabilityRegressor
from skxent.metrics import cross_entropy_loss

rng = np.random.default_rng(0)
n_items, n_features, n_classes, n_annotators = 3000, 4, 3, 5
X = rng.normal(size=(n_items, n_features))
true_probabilities = softmax(X @ rng.normal(size=(n_features, n_classes)), axis=1)
votes = np.array([rng.multinomial(n_annotators, p) for p in true_probabilities])
vote_shares = votes / n_annotators
majority = np.eye(n_classes)[votes.argmax(axis=1)]  # ties go to the first class
print("first items' votes:", votes[:3].tolist())
print("their vote shares: ", vote_shares[:3].tolist())

X_train, X_test, shares_train, _, majority_train, _, _, true_test = train_test_split(
    X, vote_shares, majority, true_probabilities, test_size=1000, random_state=0
)

# %%
# Fit to the vote shares and to the majority vote
# -----------------------------------------------
# Both are fitted by the same estimator; the majority vote is a one-hot row.
# They are scored against the true probabilities of held-out items, by
# cross-entropy (the lowest possible value is the true probabilities' own
# entropy) and by the largest error of a predicted probability.
fits = {
    "vote shares": ProbabilityRegressor(alpha=0).fit(X_train, shares_train),
    "majority vote": ProbabilityRegressor(alpha=0).fit(X_train, majority_train),
}
entropy = cross_entropy_loss(true_test, true_test)
print(f"entropy of the true probabilities: {entropy:.4f}")
for name, model in fits.items():
    predicted = model.predict(X_test)
    loss = cross_entropy_loss(true_test, predicted)
    error = np.abs(predicted - true_test).max()
    print(
        f"fitted to the {name:13s}: cross-entropy {loss:.4f}, largest error {error:.3f}"
    )

# %%
# Predicted against true probabilities
# ------------------------------------
# The majority vote turns an item that is 60% class A into a certain
# class A, so the model fitted to it predicts probabilities that are too
# extreme; the model fitted to the vote shares recovers the true ones.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), sharey=True)
for ax, (name, model) in zip(axes, fits.items(), strict=True):
    predicted = model.predict(X_test)
    for k in range(n_classes):
        ax.scatter(true_test[:, k], predicted[:, k], s=6, alpha=0.4, label=f"class {k}")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--")
    ax.set(
        xlabel="true probability",
        title=f"fitted to the {name}",
        xlim=(0, 1),
        ylim=(0, 1),
        aspect="equal",
    )
axes[0].set_ylabel("predicted probability (held-out items)")
axes[0].legend(markerscale=3)
fig.tight_layout()
plt.show()

# %%
# The same fit without repeating rows
# -----------------------------------
# scikit-learn's ``LogisticRegression`` takes only class labels. The usual
# work-around repeats every row once per class, with the vote shares as
# sample weights: the same objective, on a copy of ``X`` three times the
# size. With ``C = 1 / (alpha * n_samples)`` it fits the same model.
alpha = 1e-3
n_train = X_train.shape[0]
start = time.perf_counter()
soft = ProbabilityRegressor(alpha=alpha).fit(X_train, shares_train)
soft_seconds = time.perf_counter() - start

start = time.perf_counter()
repeated = LogisticRegression(C=1 / (alpha * n_train), tol=1e-10, max_iter=1000).fit(
    np.repeat(X_train, n_classes, axis=0),
    np.tile(np.arange(n_classes), n_train),
    sample_weight=shares_train.ravel(),
)
repeated_seconds = time.perf_counter() - start
difference = np.abs(soft.predict(X_test) - repeated.predict_proba(X_test)).max()
print(f"ProbabilityRegressor on the shares:      {soft_seconds * 1e3:6.1f} ms")
print(f"LogisticRegression on the repeated rows: {repeated_seconds * 1e3:6.1f} ms")
print(f"largest difference between their predictions: {difference:.1e}")
