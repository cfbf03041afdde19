"""skxent's L1 and elastic-net fits against glum's ``irls-cd`` at the same objective.

The objective is the weighted mean cross-entropy plus ``alpha * (l1_ratio *
sum_j P_j |coef_j| + (1 - l1_ratio) / 2 * sum_j P_j coef_j**2)``, the intercept
unpenalised. glum's ``GeneralizedLinearRegressor(family="binomial",
solver="irls-cd", P1=P, P2=P)`` minimises the same (half its binomial
deviance, normalised by the summed weights, is the weighted mean
cross-entropy less a constant), given the weights divided by their sum.

Problems (``--quick`` divides the generated rows by 5):

- star98: statsmodels' star98 proportions, trial counts as weights
  (20 features, ill-conditioned);
- breast cancer: scikit-learn's breast cancer data standardised, hard 0/1
  labels (30 features);
- generated: dense n=100_000, p=50, columns of scales 1e-2..1e2, beta
  targets around a model with 10 non-zero coefficients.

Each is fitted at ``alpha = alpha_max / 100`` and ``alpha_max / 10_000``
(``alpha_max``: the smallest alpha that zeroes every coefficient with
``l1_ratio=1``), for ``l1_ratio`` 1 and 0.5, without and with penalty
weights (some zero: those features are unpenalised). skxent runs with its
defaults (``max_iter=100``; a ConvergenceWarning is noted); glum with
``max_iter=1000`` and the loosest
``gradient_tol`` among 1e-6, 1e-8, 1e-10, 1e-12, 1e-14 whose objective is
within 1e-10 (relative) of the best either solver reaches (the tightest if
none is): glum is timed where it reaches the same objective, not beyond.

For each row: the relative objective gap of each solver to the better of the
two, whether the zero sets are identical, the non-zero counts (skxent/glum),
the seconds (median of the repeats, the two solvers taken in turns),
skxent's median seconds over glum's (``ratio``) and its fastest run's over
glum's fastest (``best``, less sensitive to a shared machine's load), and
glum's ``gradient_tol``; skxent's warnings and glum's stops at max_iter are
noted. The last lines check the targets of issue 23: skxent's gap at most
1e-10, and its time at most 1.0x glum's.

Run from the repository root with the ``bench`` extra installed
(``pip install ".[bench]"``)::

    python benchmarks/bench_l1.py            # 7 repeats
    python benchmarks/bench_l1.py --quick    # 3 repeats, 20_000 generated rows
    python benchmarks/bench_l1.py --quick --threads 1

On a machine whose cores other processes keep busy, threads that wait for a
core dominate the times: skxent's proximal Newton models (thousands of
small p x p products, on BLAS's threads) were measured 10-30 times slower
with both cores busy than with BLAS held to one thread, and glum's fits of
milliseconds (on OpenMP's threads) 100 times slower. ``--threads 1`` holds
BLAS and OpenMP to one thread for both solvers.
"""

import argparse
import os
import platform
import statistics
import time
import warnings
from dataclasses import dataclass

import glum
import numpy as np
from scipy.special import log_expit
from threadpoolctl import threadpool_limits

import skxent
from skxent import ProbabilityRegressor
from skxent._fit import l1_alpha_max
from skxent._link import LOGIT
from skxent._row_blocks import RowBlocks

SAME_OBJECTIVE = 1e-10
TARGET_RATIO = 1.0
GLUM_TOLERANCES = (1e-6, 1e-8, 1e-10, 1e-12, 1e-14)
ALPHA_FRACTIONS = (1e-2, 1e-4)
GLUM_MAX_ITER = 1000


@dataclass
class Problem:
    name: str
    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray
    penalty_weights: np.ndarray


# ---------------------------------------------------------------- the data


def star98():
    import statsmodels.api as sm

    data = sm.datasets.star98.load_pandas()
    trials = data.endog.sum(axis=1).to_numpy(np.float64)
    y = data.endog["NABOVE"].to_numpy(np.float64) / trials
    X = data.exog.to_numpy(np.float64)
    return Problem("star98", X, y, trials, _some_zero(X.shape[1]))


def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return Problem(
        "breast cancer", X, y.astype(np.float64), np.ones(len(y)), _some_zero(30)
    )


def generated(n_samples, n_features=50, n_effects=10, seed=0):
    """Beta targets of a sparse logit model; columns of scales 1e-2..1e2."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-2.0, 2.0, n_features)
    X = rng.standard_normal((n_samples, n_features)) * scales
    coef = np.zeros(n_features)
    effects = rng.choice(n_features, n_effects, replace=False)
    coef[effects] = rng.normal(size=n_effects) / np.sqrt(n_effects) / scales[effects]
    mean = np.clip(1.0 / (1.0 + np.exp(-(X @ coef + 0.3))), 1e-6, 1 - 1e-6)
    y = rng.beta(5.0 * mean, 5.0 * (1.0 - mean))
    return Problem(
        f"generated {n_samples}x{n_features}",
        X,
        y,
        np.ones(n_samples),
        _some_zero(n_features),
    )


def _some_zero(n_features):
    """Penalty weights 0 for every fifth feature, 0.5..2 for the others."""
    weights = np.linspace(0.5, 2.0, n_features)
    weights[::5] = 0.0
    return weights


# ---------------------------------------------------------- the objective


def objective(problem, alpha, l1_ratio, penalty_weights, coef, intercept):
    """Weighted mean cross-entropy plus the elastic net, in float64."""
    w = problem.sample_weight / problem.sample_weight.sum()
    eta = problem.X @ coef + intercept
    y = problem.y
    loss = -(y * log_expit(eta) + (1.0 - y) * log_expit(-eta))
    P = np.ones(len(coef)) if penalty_weights is None else penalty_weights
    penalty = l1_ratio * P @ np.abs(coef) + (1.0 - l1_ratio) / 2 * P @ coef**2
    return w @ loss + alpha * penalty


# ------------------------------------------------------------- the solvers


def skxent_fit(problem, alpha, l1_ratio, penalty_weights):
    model = ProbabilityRegressor(
        alpha=alpha,
        l1_ratio=l1_ratio,
        penalty_weights=penalty_weights,
    ).fit(problem.X, problem.y, sample_weight=problem.sample_weight)
    return model.coef_, model.intercept_


def glum_fit(gradient_tol):
    def fit(problem, alpha, l1_ratio, penalty_weights):
        P = np.ones(problem.X.shape[1]) if penalty_weights is None else penalty_weights
        model = glum.GeneralizedLinearRegressor(
            family="binomial",
            solver="irls-cd",
            alpha=alpha,
            l1_ratio=l1_ratio,
            P1=P,
            P2=P,
            gradient_tol=gradient_tol,
            max_iter=GLUM_MAX_ITER,
        ).fit(
            problem.X,
            problem.y,
            sample_weight=problem.sample_weight / problem.sample_weight.sum(),
        )
        return model.coef_, model.intercept_

    return fit


def quietly(fit, *arguments):
    """Run ``fit``, returning its result and the messages of its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit(*arguments)
    return result, [str(w.message) for w in caught]


def timed(fits, arguments, repeats):
    """Seconds of each fit's runs, the fits taken in turns (round-robin).

    In turns, so that a slow spell of a shared machine falls on both.
    """
    seconds = {name: [] for name in fits}
    for _ in range(repeats):
        for name, fit in fits.items():
            start = time.perf_counter()
            quietly(fit, *arguments)
            seconds[name].append(time.perf_counter() - start)
    return seconds


# ------------------------------------------------------------- the table


@dataclass
class Row:
    problem: str
    l1_ratio: float
    weighted: bool
    alpha: float
    skxent_gap: float
    glum_gap: float
    same_zeros: bool
    nonzero: int
    glum_nonzero: int
    skxent_seconds: list
    glum_seconds: list
    glum_tol: float
    notes: str

    @property
    def ratio(self):
        """Return skxent's median seconds over glum's."""
        return statistics.median(self.skxent_seconds) / statistics.median(
            self.glum_seconds
        )

    @property
    def best_ratio(self):
        """Return skxent's fastest run's seconds over glum's."""
        return min(self.skxent_seconds) / min(self.glum_seconds)


def run(problem, alpha, l1_ratio, penalty_weights, repeats):
    """Fit with skxent and glum at ``alpha``; return the :class:`Row`."""
    arguments = (problem, alpha, l1_ratio, penalty_weights)

    def value(coef, intercept):
        return objective(problem, alpha, l1_ratio, penalty_weights, coef, intercept)

    (skxent_coef, skxent_intercept), skxent_warnings = quietly(skxent_fit, *arguments)
    skxent_value = value(skxent_coef, skxent_intercept)
    glum_results = {}
    for tol in GLUM_TOLERANCES:
        (coef, intercept), messages = quietly(glum_fit(tol), *arguments)
        glum_results[tol] = (coef, intercept, value(coef, intercept), messages)
    best = min([skxent_value] + [result[2] for result in glum_results.values()])
    reaching = [
        tol
        for tol, result in glum_results.items()
        if result[2] - best <= SAME_OBJECTIVE * abs(best)
    ]
    glum_tol = reaching[0] if reaching else GLUM_TOLERANCES[-1]
    glum_coef, _, glum_value, glum_messages = glum_results[glum_tol]
    best = min(skxent_value, glum_value)
    seconds = timed(
        {"skxent": skxent_fit, "glum": glum_fit(glum_tol)}, arguments, repeats
    )
    notes = []
    if skxent_warnings:
        notes.append("skxent warned: " + "; ".join(sorted(set(skxent_warnings)))[:90])
    if any("IRLS failed to converge" in message for message in glum_messages):
        notes.append("glum reached max_iter")
    if not reaching:
        notes.append("no glum tol reached skxent's objective")
    return Row(
        problem=problem.name,
        l1_ratio=l1_ratio,
        weighted=penalty_weights is not None,
        alpha=alpha,
        skxent_gap=(skxent_value - best) / abs(best),
        glum_gap=(glum_value - best) / abs(best),
        same_zeros=bool(np.array_equal(skxent_coef == 0, glum_coef == 0)),
        nonzero=int(np.count_nonzero(skxent_coef)),
        glum_nonzero=int(np.count_nonzero(glum_coef)),
        skxent_seconds=seconds["skxent"],
        glum_seconds=seconds["glum"],
        glum_tol=glum_tol,
        notes="; ".join(notes),
    )


HEADER = (
    f"{'problem':19s} {'l1':>3s} {'P':>5s} {'alpha':>8s} {'skxent gap':>10s} "
    f"{'glum gap':>9s} {'zeros':>5s} {'nnz':>7s} {'skxent s':>9s} "
    f"{'glum s':>8s} {'ratio':>6s} {'best':>5s} {'glum tol':>8s}"
)


def print_row(row):
    print(
        f"{row.problem:19s} {row.l1_ratio:3.1f} {'some0' if row.weighted else '1':>5s} "
        f"{row.alpha:8.2e} {row.skxent_gap:10.1e} {row.glum_gap:9.1e} "
        f"{'same' if row.same_zeros else 'DIFF':>5s} "
        f"{row.nonzero:>3d}/{row.glum_nonzero:<3d} "
        f"{statistics.median(row.skxent_seconds):9.4f} "
        f"{statistics.median(row.glum_seconds):8.4f} {row.ratio:6.2f} "
        f"{row.best_ratio:5.2f} {row.glum_tol:8.0e}"
        + (f"  ({row.notes})" if row.notes else "")
    )


def largest_alpha(problem):
    """Return the smallest alpha that zeroes every coefficient at l1_ratio=1."""
    return l1_alpha_max(
        RowBlocks(problem.X),
        problem.y,
        problem.sample_weight,
        link=LOGIT,
        fit_intercept=True,
        l1_ratio=1.0,
        penalty_weights=None,
        tol=1e-10,
        max_iter=100,
    )


def check_targets(rows):
    """Print issue 23's targets with the measured extremes."""
    print("\n== Targets")
    worst_gap = max(row.skxent_gap for row in rows)
    worst_ratio = max(row.ratio for row in rows)
    median_ratio = statistics.median(row.ratio for row in rows)
    differing = sum(not row.same_zeros for row in rows)
    for label, measured, limit in [
        ("skxent's objective gap to the better solver, worst row", worst_gap, 1e-10),
        ("skxent / glum irls-cd time, worst row", worst_ratio, TARGET_RATIO),
        ("skxent / glum irls-cd time, median row", median_ratio, TARGET_RATIO),
    ]:
        print(
            f"{'met ' if measured <= limit else 'MISSED'} {label}: "
            f"{measured:.3g} (target {limit:g})"
        )
    print(f"rows whose zero sets differ: {differing} of {len(rows)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="generated rows / 5, 3 repeats"
    )
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="hold BLAS and OpenMP to this many threads (default: their own)",
    )
    arguments = parser.parse_args()
    # glum's OpenMP runtime is loaded (imported above) before the limit.
    with threadpool_limits(arguments.threads):
        run_all(arguments)


def run_all(arguments):
    """Print the table of every problem, alpha, l1_ratio and penalty weights."""
    repeats = arguments.repeats or (3 if arguments.quick else 7)
    n_generated = 100_000 // (5 if arguments.quick else 1)
    print(
        f"skxent {skxent.__version__}, glum {glum.__version__}, numpy "
        f"{np.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; {repeats} repeats, BLAS "
        f"and OpenMP threads: {arguments.threads or 'default'}"
    )
    print(HEADER)
    rows = []
    for problem in (star98(), breast_cancer(), generated(n_generated)):
        alpha_max = largest_alpha(problem)
        for fraction in ALPHA_FRACTIONS:
            for l1_ratio in (1.0, 0.5):
                for penalty_weights in (None, problem.penalty_weights):
                    row = run(
                        problem,
                        fraction * alpha_max,
                        l1_ratio,
                        penalty_weights,
                        repeats,
                    )
                    print_row(row)
                    rows.append(row)
    check_targets(rows)


if __name__ == "__main__":
    main()
