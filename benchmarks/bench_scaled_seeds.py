"""Badly scaled columns over many seeds: evaluations per iteration, exactness, time.

The problem of issue 22's second target: n=150_000, p=40, fractional
targets around ``expit(X @ b + 0.3)`` with 4% of them exactly 1, columns
scaled by ``10**U(-2, 2)``, alpha=1e-6. For each seed: skxent's iterations
and objective evaluations (a line search that rounding decides costs extra
evaluations per iteration), its objective's excess over a Newton reference
relative to the optimum, and its time over glum's lbfgs, best of 3 runs
taken in turns. The spread over the seeds is printed last.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/bench_scaled_seeds.py            # 8 seeds, ~2 minutes
    python benchmarks/bench_scaled_seeds.py --seeds 3
"""

import argparse
import time
import warnings

import numpy as np
from evaluation_count import counted_evaluations
from scipy.special import expit, log_expit

from skxent import ProbabilityRegressor

N_SAMPLES, N_FEATURES, ALPHA = 150_000, 40, 1e-6


def scaled_problem(seed):
    """Return ``X`` and ``y`` of one seed."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    mean = expit(X @ (rng.standard_normal(N_FEATURES) / np.sqrt(N_FEATURES)) + 0.3)
    y = rng.beta(mean * 5.0, (1.0 - mean) * 5.0)
    y[rng.random(N_SAMPLES) < 0.04] = 1.0
    X *= 10.0 ** rng.uniform(-2.0, 2.0, N_FEATURES)
    return X, y


def objective(X, y, coef, intercept):
    """Return the penalised mean cross-entropy, summed plainly."""
    eta = X @ coef + intercept
    loss = -np.mean(y * log_expit(eta) + (1.0 - y) * log_expit(-eta))
    return loss + 0.5 * ALPHA * coef @ coef


def newton_reference(X, y, coef, intercept):
    """Newton's method with the dense Hessian, from a fit's solution."""
    design = np.column_stack([X, np.ones(len(y))])
    params = np.r_[coef, intercept]
    penalty = np.r_[np.full(N_FEATURES, ALPHA), 0.0]
    for _ in range(6):
        mean = expit(design @ params)
        gradient = design.T @ (mean - y) / len(y) + penalty * params
        hessian = (design.T * (mean * (1.0 - mean))) @ design / len(y)
        params = params - np.linalg.solve(hessian + np.diag(penalty), gradient)
    return objective(X, y, params[:-1], params[-1])


def counted_fit(X, y):
    """Fit skxent; return the model and its objective evaluations."""
    with counted_evaluations() as evaluations:
        model = ProbabilityRegressor(alpha=ALPHA).fit(X, y)
    return model, evaluations[0]


def glum_fit(X, y):
    import glum

    glum.GeneralizedLinearRegressor(
        family="binomial",
        alpha=ALPHA,
        l1_ratio=0.0,
        solver="lbfgs",
        gradient_tol=1e-8,
        max_iter=1000,
    ).fit(X, y)


def skxent_fit(X, y):
    ProbabilityRegressor(alpha=ALPHA).fit(X, y)


def best_times(fits, X, y, repeats=3):
    """Best of ``repeats`` seconds of each fit, the fits taken in turns."""
    best = [np.inf] * len(fits)
    for _ in range(repeats):
        for index, fit in enumerate(fits):
            start = time.perf_counter()
            fit(X, y)
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    seeds = range(parser.parse_args().seeds)
    warnings.simplefilter("ignore")
    print(
        f"n={N_SAMPLES}, p={N_FEATURES}, alpha={ALPHA:g}, scales 1e-2..1e2, "
        "4% of targets exactly 1"
    )
    print("seed  iterations  evaluations  per iteration  rel excess  skxent/glum lbfgs")
    ratios, per_iteration, excesses = [], [], []
    for seed in seeds:
        X, y = scaled_problem(seed)
        model, evaluations = counted_fit(X, y)
        optimum = newton_reference(X, y, model.coef_, model.intercept_)
        excess = (objective(X, y, model.coef_, model.intercept_) - optimum) / optimum
        skxent_seconds, glum_seconds = best_times([skxent_fit, glum_fit], X, y)
        ratio = skxent_seconds / glum_seconds
        ratios.append(ratio)
        per_iteration.append(evaluations / model.n_iter_)
        excesses.append(excess)
        print(
            f"{seed:4d}  {model.n_iter_:10d}  {evaluations:11d}  "
            f"{evaluations / model.n_iter_:13.2f}  {excess:10.1e}  {ratio:17.2f}"
        )
    print(
        f"skxent/glum lbfgs: median {np.median(ratios):.2f}, slowest "
        f"{max(ratios):.2f}, fastest {min(ratios):.2f}; evaluations per "
        f"iteration at most {max(per_iteration):.2f}; largest relative excess "
        f"{max(excesses):.1e}"
    )


if __name__ == "__main__":
    main()
