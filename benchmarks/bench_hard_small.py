"""A sweep of random small problems: does every fit converge, and in how many steps.

Each problem draws n in [20, 400), p in [1, 25), columns scaled by
``10**U(-2, 2)``, coefficients of random strength, an intercept, targets that
are hard 0/1 labels, beta-distributed fractions or tenths, weights or none,
a link (logit, probit, cloglog) and alpha in [1e-6, 1e-1] (log-uniform).
Hard labels with p near n are quasi-separated: their optimum's curvature is
far below the start's. Every problem is fitted with the defaults
(``tol=1e-10``, ``max_iter=100``); the script prints how many did not
converge (a ConvergenceWarning), the distribution of objective
evaluations, and the problems that did not converge.

Run from the repository root::

    python benchmarks/bench_hard_small.py                # 10 000 problems, ~4 minutes
    python benchmarks/bench_hard_small.py --problems 2000 --seed 1
"""

import argparse
import warnings

import numpy as np
from evaluation_count import counted_evaluations
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from skxent import ProbabilityRegressor


def random_problem(rng):
    """Return ``X, y, sample_weight, link, alpha`` of one random problem."""
    n_samples, n_features = int(rng.integers(20, 400)), int(rng.integers(1, 25))
    X = rng.standard_normal((n_samples, n_features))
    X *= 10.0 ** rng.uniform(-2.0, 2.0, n_features)
    strength = rng.uniform(0.0, 3.0) / np.sqrt(n_features)
    coef = rng.standard_normal(n_features) * strength / np.sqrt((X**2).mean(axis=0))
    mean = expit(X @ coef + rng.normal())
    kind = rng.integers(3)
    if kind == 0:
        y = (rng.random(n_samples) < mean).astype(np.float64)
    elif kind == 1:
        y = rng.beta(mean * 5.0 + 1e-3, (1.0 - mean) * 5.0 + 1e-3)
    else:
        y = np.round(mean * 10.0) / 10.0
    weights = None if rng.random() < 0.5 else rng.uniform(0.1, 5.0, n_samples)
    link = ("logit", "probit", "cloglog")[rng.integers(3)]
    return X, y, weights, link, 10.0 ** rng.uniform(-6.0, -1.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    counts, not_converged = [], []
    for index in range(arguments.problems):
        X, y, weights, link, alpha = random_problem(rng)
        if np.all(y == y[0]):
            continue
        with (
            counted_evaluations() as evaluations,
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            model = ProbabilityRegressor(alpha=alpha, link=link).fit(
                X, y, sample_weight=weights
            )
        counts.append(evaluations[0])
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            not_converged.append(
                f"problem {index}: n={X.shape[0]}, p={X.shape[1]}, {link}, "
                f"alpha={alpha:.2g}, {model.n_iter_} iterations"
            )
    counts = np.array(counts)
    print(
        f"{len(counts)} problems (seed {arguments.seed}), {len(not_converged)} not "
        "converged within max_iter=100"
    )
    percentiles = np.percentile(counts, [50, 90, 99, 99.9])
    print(
        "objective evaluations per fit: median {:.0f}, 90% {:.0f}, 99% {:.0f}, "
        "99.9% {:.0f}, most {}, mean {:.2f}".format(
            *percentiles, counts.max(), counts.mean()
        )
    )
    for line in not_converged:
        print(" ", line)


if __name__ == "__main__":
    main()
