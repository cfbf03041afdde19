"""Small data, one thread: skxent against scikit-learn's newton-cholesky.

On a few hundred to a few thousand rows a fit's time is mostly fixed costs
(validation, the solver's setup, the Python around each pass over ``X``),
not arithmetic on the data: this is where model selection on small data
spends its time. The problems are statsmodels' star98 (proportions, trial
counts as weights, alpha=0) and generated fractional targets with
n_samples in {300, 1000, 3000} and n_features in {5, 20, 50} (standard
normal columns, alpha=1e-4).

Every solver runs with BLAS held to one thread. The fits are timed in
rounds, the solvers in turns within each round (a batch of fits lasting
about 50 ms per solver); the script prints each solver's median time per
fit, skxent's time over newton-cholesky's (the median and the largest of
the rounds' ratios), skxent's passes over ``X`` (objective evaluations plus
Hessians) and the objective each solver reached, relative to the best.
statsmodels' GLM (IRLS) is shown beside them where alpha=0.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/bench_small.py             # ~3 minutes
    python benchmarks/bench_small.py --rounds 3  # quicker, noisier

Seconds on a shared machine drift by 10-40%; instructions do not. Under
valgrind's callgrind, ``--instructions`` counts the instructions per fit
(of 10 fits after 3 unmeasured, zeroing and reading callgrind's counters
around them), which repeat to a fraction of a percent from run to run::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        python benchmarks/bench_small.py --instructions     # ~6 minutes
"""

import argparse
import os
import re
import statistics
import subprocess
import time
import warnings

import numpy as np
from evaluation_count import counted_evaluations
from scipy.special import expit
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._glm.glm import _GeneralizedLinearRegressor
from threadpoolctl import threadpool_limits

from skxent import ProbabilityRegressor
from skxent.metrics import cross_entropy_loss

TARGET_RATIO = 1.0
PEER_TOL = 1e-8
BATCH_SECONDS = 0.05


class _BinomialRegressor(_GeneralizedLinearRegressor):
    def _get_loss(self, xp=None, device=None):
        return HalfBinomialLoss()


def star98():
    import statsmodels.api as sm

    data = sm.datasets.star98.load_pandas()
    counts = data.endog.to_numpy(dtype=np.float64)
    trials = counts.sum(axis=1)
    X = np.ascontiguousarray(data.exog.to_numpy(dtype=np.float64))
    return "star98 303x20", X, counts[:, 0] / trials, trials, 0.0


def generated(n_samples, n_features, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    coef = rng.standard_normal(n_features) / np.sqrt(n_features)
    mean = expit(X @ coef + 0.5)
    y = rng.beta(mean * 8.0 + 1e-3, (1.0 - mean) * 8.0 + 1e-3)
    return f"generated {n_samples}x{n_features}", X, y, None, 1e-4


def skxent_fit(X, y, weights, alpha):
    model = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=weights)
    return model.coef_, model.intercept_


def newton_cholesky_fit(X, y, weights, alpha):
    model = _BinomialRegressor(
        alpha=alpha, solver="newton-cholesky", tol=PEER_TOL, max_iter=1000
    ).fit(X, y, sample_weight=weights)
    return model.coef_, model.intercept_


def statsmodels_irls_fit(X, y, weights, alpha):
    import statsmodels.api as sm

    result = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=weights
    ).fit(tol=1e-12)
    return result.params[1:], result.params[0]


def objective(X, y, weights, alpha, coef, intercept):
    """Return the weighted mean cross-entropy plus ``alpha / 2 * ||coef||^2``."""
    eta = X @ coef + intercept
    loss = cross_entropy_loss(y, expit(eta), sample_weight=weights)
    return loss + 0.5 * alpha * float(coef @ coef)


def batch_seconds(fit, arguments, n_fits):
    start = time.perf_counter()
    for _ in range(n_fits):
        fit(*arguments)
    return (time.perf_counter() - start) / n_fits


def _callgrind_control(*options):
    """Run ``callgrind_control`` with ``options`` on this process; return its output."""
    command = ["callgrind_control", *options, str(os.getpid())]
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout
    except OSError as error:
        raise SystemExit(
            f"--instructions needs valgrind's callgrind_control: {error}"
        ) from error


def instructions_so_far():
    """Return the instructions callgrind has counted in this process since zeroed.

    It prints one line per thread (``Th 1  12,345,678``, ``Th10 ...``);
    without any, this process is not running under callgrind.
    """
    counters = re.findall(
        r"^\s*Th\s*\d+\s+([\d,]+)", _callgrind_control("-e", "Ir"), re.M
    )
    if not counters:
        raise SystemExit(
            "--instructions counts with callgrind: run this script under "
            "valgrind --tool=callgrind (see the module's docstring)"
        )
    return sum(int(counter.replace(",", "")) for counter in counters)


def instructions_per_fit(fit, arguments, n_fits=10):
    """Count the instructions of ``n_fits`` fits under callgrind, per fit."""
    for _ in range(3):
        fit(*arguments)
    _callgrind_control("--zero")
    for _ in range(n_fits):
        fit(*arguments)
    return instructions_so_far() / n_fits


def count(problem):
    """Print skxent's and newton-cholesky's instructions per fit, and their ratio."""
    name, X, y, weights, alpha = problem
    arguments = (X, y, weights, alpha)
    counts = {
        label: instructions_per_fit(fit, arguments)
        for label, fit in (
            ("skxent", skxent_fit),
            ("newton-cholesky", newton_cholesky_fit),
        )
    }
    ratio = counts["skxent"] / counts["newton-cholesky"]
    print(
        f"{name:22s} skxent {counts['skxent'] / 1e6:7.2f} M, newton-cholesky "
        f"{counts['newton-cholesky'] / 1e6:7.2f} M instructions per fit: {ratio:.2f}",
        flush=True,
    )


def run(problem, rounds):
    name, X, y, weights, alpha = problem
    arguments = (X, y, weights, alpha)
    solvers = {"skxent": skxent_fit, "newton-cholesky": newton_cholesky_fit}
    if alpha == 0:
        solvers["statsmodels IRLS"] = statsmodels_irls_fit
    objectives = {
        label: objective(X, y, weights, alpha, *fit(*arguments))
        for label, fit in solvers.items()
    }
    with counted_evaluations() as evaluations:
        skxent_fit(*arguments)
    n_fits = {
        label: max(1, int(BATCH_SECONDS / batch_seconds(fit, arguments, 3)))
        for label, fit in solvers.items()
    }
    seconds = {label: [] for label in solvers}
    for _ in range(rounds):
        for label, fit in solvers.items():
            seconds[label].append(batch_seconds(fit, arguments, n_fits[label]))
    ratios = [
        ours / peer
        for ours, peer in zip(
            seconds["skxent"], seconds["newton-cholesky"], strict=True
        )
    ]
    best = min(objectives.values())
    print(f"\n{name}, alpha={alpha:g}; skxent passes over X: {evaluations[0]}")
    for label in solvers:
        print(
            f"  {label:17s} {statistics.median(seconds[label]) * 1e3:8.3f} ms"
            f"  objective excess {(objectives[label] - best) / best:9.1e}"
        )
    print(
        f"  skxent / newton-cholesky: median {statistics.median(ratios):.2f}, "
        f"largest {max(ratios):.2f}"
    )
    return statistics.median(ratios), max(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per fit (run under valgrind --tool=callgrind)",
    )
    arguments = parser.parse_args()
    problems = [star98()] + [
        generated(n_samples, n_features)
        for n_samples in (300, 1000, 3000)
        for n_features in (5, 20, 50)
    ]
    results = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if arguments.instructions:
            instructions_so_far()  # Under callgrind, or stop here.
            for problem in problems:
                count(problem)
            return
        for problem in problems:
            results.append((problem[0], *run(problem, arguments.rounds)))
    print("\n== Target: skxent at most 1.0x newton-cholesky, one thread")
    for name, median_ratio, largest_ratio in results:
        verdict = "met " if median_ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{verdict} {name:22s} median {median_ratio:.2f}, largest "
            f"{largest_ratio:.2f}"
        )


if __name__ == "__main__":
    main()
