"""Choosing alpha: skxent's CV estimators against GridSearchCV, timed in one run.

For each case, ``ProbabilityRegressorCV`` (a warm-started path of alphas on
each fold) and ``GridSearchCV(ProbabilityRegressor(), {"alpha":
alphas_})`` (a cold fit per alpha and fold) are given the same alphas, the
same 5-fold splitter and the same score (the held-out weighted mean
cross-entropy, weights routed to fits and scores), both single-threaded
(one BLAS thread, no parallel folds). Printed per case: each one's
seconds (best of ``--repeats`` runs taken in turns), the ratio CV /
GridSearchCV, whether both chose the same alpha, the largest relative
difference of the refitted coefficients, and the rows each read through
the objective's loss (passes over all of ``X``, the folds' rows counted
as the fractions they are).

Cases: ``standardised``, dense 200_000 x 20 (``--quick``: 50_000), features
standard normal, fractional targets with 5% exact 0 and 1; ``scaled``, the
same with the features' scales spread over 1e-2..1e2 (the grid chosen on the
scaled data); ``star98``, statsmodels' 303 districts x 20 standardised
features, trial counts as weights; ``soft``, 100_000 x 20 rows of 5 class
probabilities (``--quick``: 25_000).

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/bench_cv.py            # ~7 minutes
    python benchmarks/bench_cv.py --quick    # ~2 minutes
"""

import argparse
import time

import numpy as np
import sklearn
from scipy.special import expit, softmax
from sklearn.metrics import make_scorer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skxent._objective
from skxent import ProbabilityRegressor, ProbabilityRegressorCV
from skxent.metrics import cross_entropy_loss

N_ALPHAS = 20
TARGET_RATIO = 1 / 3


def fractional(n_samples, n_features, scale_decades=0.0, seed=0):
    """Beta targets about a logistic model, 5% exact 0s and 5% exact 1s."""
    rng = np.random.default_rng(seed)
    scales = np.logspace(-scale_decades / 2, scale_decades / 2, n_features)
    X = rng.standard_normal((n_samples, n_features)) * scales
    coef = rng.normal(0.0, 0.5, n_features) / scales
    mean = expit(X @ coef + 0.3)
    y = rng.beta(20 * mean, 20 * (1 - mean))
    bounds = rng.choice(n_samples, n_samples // 10, replace=False)
    y[bounds[: len(bounds) // 2]] = 0.0
    y[bounds[len(bounds) // 2 :]] = 1.0
    return X, y, np.ones(n_samples)


def star98():
    """Statsmodels' star98 proportions, standardised features, trials as weights."""
    from statsmodels.datasets import star98 as dataset

    data = dataset.load_pandas()
    successes, failures = data.endog["NABOVE"], data.endog["NBELOW"]
    trials = (successes + failures).to_numpy()
    X = StandardScaler().fit_transform(data.exog.to_numpy())
    return X, successes.to_numpy() / trials, trials


def soft_labels(n_samples, n_features, n_classes=5, seed=0):
    """Rows of class probabilities from a noisy softmax teacher."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    raw = X @ rng.normal(0.0, 0.5, (n_features, n_classes))
    y = softmax(raw + rng.normal(0.0, 0.5, raw.shape), axis=1)
    return X, y, np.ones(n_samples)


def cases(quick):
    n = 50_000 if quick else 200_000
    return {
        "standardised": lambda: fractional(n, 20),
        "scaled": lambda: fractional(n, 20, scale_decades=4.0),
        "star98": star98,
        "soft": lambda: soft_labels(n // 2, 20),
    }


class RowCounter:
    """Count the rows the objective's loss reads (a pass is n_samples of them)."""

    def __init__(self):
        self.rows = 0
        self._sum = skxent._objective.LinearObjective.value_and_gradient

    def __enter__(self):
        counter, original = self, self._sum

        def counted(objective, params, dtype=None):
            cached = objective._latest_loss.get(params, dtype)
            if cached is None:
                counter.rows += objective.blocks.shape[0]
            return original(objective, params, dtype)

        skxent._objective.LinearObjective.value_and_gradient = counted
        return self

    def __exit__(self, *exc_info):
        skxent._objective.LinearObjective.value_and_gradient = self._sum


def fit_cv(X, y, weights, splitter):
    return ProbabilityRegressorCV(alphas=N_ALPHAS, cv=splitter).fit(
        X, y, sample_weight=weights
    )


def fit_grid(X, y, weights, splitter, alphas):
    scorer = make_scorer(cross_entropy_loss, greater_is_better=False)
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(
            ProbabilityRegressor().set_fit_request(sample_weight=True),
            {"alpha": alphas},
            cv=splitter,
            scoring=scorer.set_score_request(sample_weight=True),
        )
        return search.fit(X, y, sample_weight=weights)


def run_case(name, make, repeats):
    X, y, weights = make()
    splitter = KFold(5, shuffle=True, random_state=0)
    cv_seconds, grid_seconds = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        with RowCounter() as cv_rows:
            model = fit_cv(X, y, weights, splitter)
        cv_seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        with RowCounter() as grid_rows:
            search = fit_grid(X, y, weights, splitter, model.alphas_)
        grid_seconds.append(time.perf_counter() - start)
    best = search.best_estimator_
    coef_difference = np.max(
        np.abs(best.coef_ - model.coef_) / np.maximum(np.abs(best.coef_), 1e-12)
    )
    ratio = min(cv_seconds) / min(grid_seconds)
    n_samples = X.shape[0]
    print(
        f"{name:>13} {X.shape[0]:>7} x {X.shape[1]:<3} {min(cv_seconds):9.3f} "
        f"{min(grid_seconds):9.3f} {ratio:7.3f} "
        f"{'yes' if ratio <= TARGET_RATIO else 'NO':>6} "
        f"{str(model.alpha_ == search.best_params_['alpha']):>6} "
        f"{coef_difference:9.1e} {cv_rows.rows / n_samples:8.1f} "
        f"{grid_rows.rows / n_samples:8.1f}"
    )
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default=None, help="comma-separated names")
    arguments = parser.parse_args()
    selected = cases(arguments.quick)
    if arguments.cases:
        selected = {name: selected[name] for name in arguments.cases.split(",")}
    print(
        f"{N_ALPHAS} alphas, 5 folds, one thread; target: CV at most "
        f"{TARGET_RATIO:.2f} of GridSearchCV's time"
    )
    print(
        f"{'case':>13} {'shape':>13} {'cv s':>9} {'grid s':>9} {'ratio':>7} "
        f"{'met':>6} {'same':>6} {'coef':>9} {'cv pass':>8} {'grid pass':>8}"
    )
    with threadpool_limits(1):
        for name, make in selected.items():
            run_case(name, make, arguments.repeats)


if __name__ == "__main__":
    main()
