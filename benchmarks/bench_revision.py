"""The working tree against an earlier revision, fits in turns in one process.

Timings on a shared machine drift by 10-40% within minutes, so two runs of
the suite, one per revision, cannot tell a change of 10% apart. Here the
package as it is at ``REVISION`` (``git archive``, imported as
``skxent_then``) and the working tree's fit the same data in turns, with
scikit-learn's GLM lbfgs as the peer, in random order each round; each
fit's time is divided by the other fits' of its round, and the medians of
those ratios are printed. The problems are case a of ``bench_suite.py``
(well-conditioned, in C and Fortran order and in float32) and a narrower
one, against scikit-learn's GLM lbfgs, and case c's badly scaled columns
against glum's lbfgs (scikit-learn's stops far from the optimum there,
after 1000 iterations).

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/bench_revision.py HEAD~1            # ~3 minutes
    python benchmarks/bench_revision.py v0.1 --rounds 3 --problems a,c
"""

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from io import BytesIO
from pathlib import Path

import numpy as np
from bench_suite import synthetic
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
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
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


def run(name, then, rounds, rng):
    """Fit the problem ``name`` with each solver, in turns; print the ratios."""
    X, y, alpha = problem_data(name)
    peer = PROBLEMS[name][-1]
    solvers = {
        "now": lambda: skxent.ProbabilityRegressor(alpha=alpha).fit(X, y),
        "then": lambda: then.ProbabilityRegressor(alpha=alpha).fit(X, y),
        peer: lambda: peer_fit(peer, X, y, alpha),
    }
    seconds = {solver: [] for solver in solvers}
    for _ in range(rounds):
        for solver in rng.permutation(list(solvers)):
            start = time.perf_counter()
            solvers[solver]()
            seconds[solver].append(time.perf_counter() - start)
    seconds = {solver: np.array(times) for solver, times in seconds.items()}

    def ratio(numerator, denominator):
        return float(np.median(seconds[numerator] / seconds[denominator]))

    medians = ", ".join(f"{s} {np.median(t):.3f} s" for s, t in seconds.items())
    print(
        f"{name:10s} {X.shape[0]}x{X.shape[1]} {X.dtype}: {medians}\n"
        f"{'':10s} now/then {ratio('now', 'then'):.3f}, "
        f"now/{peer} {ratio('now', peer):.3f}, "
        f"then/{peer} {ratio('then', peer):.3f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="a git revision, e.g. HEAD~1")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        then = import_revision(args.revision, folder)
        print(
            f"now: the working tree; then: {args.revision}; median of "
            f"{args.rounds} rounds' paired ratios"
        )
        for name in args.problems.split(","):
            run(name, then, args.rounds, rng)


if __name__ == "__main__":
    main()
