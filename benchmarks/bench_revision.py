"""The working tree against an earlier revision, fits in turns in one process.

Timings on a shared machine drift by 10-40% within minutes, so two runs of
the suite, one per revision, cannot tell a change of 10% apart. Here the
package as it is at ``REVISION`` (``git archive``, imported as
``skxent_then``) and the working tree's fit the same data in turns, with a
peer. A first round (each solver once) warms up and is not timed; then
the order alternates (now, then, peer; peer, then, now; ...), so that
neither revision always runs first. Each fit's time is divided by the
other fits' of its round, and the medians of those ratios are printed with
their interquartile ranges. Both revisions must reach the same objective
(relative difference below 1e-9), or the problem is reported instead of
timed.

The problems are case a of ``bench_suite.py`` (well-conditioned, in C and
Fortran order and in float32) and two narrower ones, against scikit-learn's
GLM lbfgs, and case c's badly scaled columns against glum's lbfgs
(scikit-learn's stops far from the optimum there, after 1000 iterations).

Run from the repository root (``git archive`` reads the repository there)
with the ``bench`` extra installed::

    python benchmarks/bench_revision.py HEAD~1            # ~4 minutes
    python benchmarks/bench_revision.py v0.1 --rounds 3 --problems a,c
"""

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from bench_suite import synthetic
from scipy.special import log_expit
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._glm.glm import _GeneralizedLinearRegressor

import skxent

PEER_TOL = 1e-8

# name: (n_samples, n_features, scale_decades, alpha, layout, peer)
PROBLEMS = {
    "a": (200_000, 100, 0.0, 1e-4, "C", "scikit-learn lbfgs"),
    "a-F": (200_000, 100, 0.0, 1e-4, "F", "scikit-learn lbfgs"),
    "a-float32": (200_000, 100, 0.0, 1e-4, "float32", "scikit-learn lbfgs"),
    "narrow": (500_000, 50, 0.0, 1e-4, "C", "scikit-learn lbfgs"),
    "thin": (1_000_000, 5, 0.0, 1e-4, "C", "scikit-learn lbfgs"),
    "c": (150_000, 40, 2.0, 1e-6, "C", "glum lbfgs"),
}


class _BinomialGLM(_GeneralizedLinearRegressor):
    """scikit-learn's GLM with the binomial (logit) loss; its own solvers."""

    def _get_loss(self, **_):
        return HalfBinomialLoss()


def import_revision(revision, folder):
    """Import the package at ``revision`` as ``skxent_then`` from ``folder``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "skxent"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    (Path(folder) / "skxent").rename(Path(folder) / "skxent_then")
    sys.path.insert(0, folder)
    import skxent_then  # its imports within the package are relative

    return skxent_then


def peer_fit(peer, X, y, alpha):
    """Fit ``peer`` ("scikit-learn lbfgs" or "glum lbfgs") to ``tol=PEER_TOL``."""
    if peer == "glum lbfgs":
        import glum

        return glum.GeneralizedLinearRegressor(
            family="binomial",
            alpha=alpha,
            solver="lbfgs",
            gradient_tol=PEER_TOL,
            max_iter=1000,
        ).fit(X, y)
    return _BinomialGLM(alpha=alpha, solver="lbfgs", tol=PEER_TOL, max_iter=1000).fit(
        X, y
    )


def problem_data(name):
    """Return ``X``, ``y`` and alpha of the problem ``name``."""
    n_samples, n_features, scale_decades, alpha, layout, _ = PROBLEMS[name]
    X, y, _ = synthetic(n_samples, n_features, scale_decades)
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "float32":
        X = X.astype(np.float32)
    return X, y, alpha


def objective(model, X, y, alpha):
    """Return the penalised mean cross-entropy of a fitted binary ``model``."""
    eta = X.astype(np.float64) @ model.coef_ + model.intercept_
    loss = -np.mean(y * log_expit(eta) + (1.0 - y) * log_expit(-eta))
    return loss + 0.5 * alpha * model.coef_ @ model.coef_


def run(name, then, rounds):
    """Fit the problem ``name`` with each solver, in turns; print the ratios."""
    X, y, alpha = problem_data(name)
    peer = PROBLEMS[name][-1]
    solvers = {
        "now": lambda: skxent.ProbabilityRegressor(alpha=alpha).fit(X, y),
        "then": lambda: then.ProbabilityRegressor(alpha=alpha).fit(X, y),
        peer: lambda: peer_fit(peer, X, y, alpha),
    }
    now, earlier = (
        objective(solvers[revision](), X, y, alpha) for revision in ("now", "then")
    )
    solvers[peer]()
    if abs(now - earlier) > 1e-9 * abs(earlier):
        print(f"{name:10s} objectives differ: now {now!r}, then {earlier!r}")
        return
    seconds = {solver: [] for solver in solvers}
    order = list(solvers)
    for _ in range(rounds):
        for solver in order:
            start = time.perf_counter()
            solvers[solver]()
            seconds[solver].append(time.perf_counter() - start)
        order.reverse()
    seconds = {solver: np.array(times) for solver, times in seconds.items()}

    def ratio(numerator, denominator):
        low, median, high = np.percentile(
            seconds[numerator] / seconds[denominator], [25, 50, 75]
        )
        return f"{median:.3f} ({low:.2f}-{high:.2f})"

    medians = ", ".join(f"{s} {np.median(t):.3f} s" for s, t in seconds.items())
    print(
        f"{name:10s} {X.shape[0]}x{X.shape[1]} {X.dtype}: {medians}\n"
        f"{'':10s} now/then {ratio('now', 'then')}, "
        f"now/{peer} {ratio('now', peer)}, "
        f"then/{peer} {ratio('then', peer)}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="a git revision, e.g. HEAD~1")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    args = parser.parse_args()
    # The objectives are compared instead (see run).
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        then = import_revision(args.revision, folder)
        print(
            f"now: {Path(skxent.__file__).parent}; then: {args.revision}; "
            f"median (interquartile range) of {args.rounds} rounds' paired ratios"
        )
        for name in args.problems.split(","):
            run(name, then, args.rounds)


if __name__ == "__main__":
    main()
