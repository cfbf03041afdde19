"""The passes over X that a preconditioner from sampled rows leaves on case a.

Conjugate gradients (L-BFGS's quadratic model) on a Hessian of condition
number ``kappa`` reduce the error by at least ``(sqrt(kappa) - 1) /
(sqrt(kappa) + 1)`` per iteration, one pass over ``X`` each. That bound is
the slowest they can go, not the fastest; on curvatures spread evenly
between the extremes, as a sampled matrix's errors spread them, they go
about that fast, and the bound is a guide to the passes a preconditioner
leaves, not a proof. The preconditioner makes the Hessian near the
identity; how near depends on where its curvature is measured (the cold
start, or closer to the optimum) and on how many rows it is summed over.

For case a of ``bench_suite.py`` (quick size by default), this script
prints the condition number of the preconditioned Hessian at the optimum,
``T.T @ H @ T``, for preconditioners measured at the cold start, halfway to
the optimum and at the optimum, from 20,000 sampled rows (skxent's
default), 50,000 and all rows; that rate per pass, in decades of the
gradient; and the passes it needs to go from the cold start's gradient to
``tol``. It also times one pass (objective and gradient) against one exact
Hessian summed over all rows, the price of Newton's method.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/preconditioner_spectrum.py                 # ~1 minute
    python benchmarks/preconditioner_spectrum.py --n-samples 1000000
"""

import argparse
import itertools
import time

import numpy as np
from bench_suite import synthetic

import skxent._row_blocks
from skxent import ProbabilityRegressor
from skxent._fit import _cold_start
from skxent._link import BINARY_LINKS
from skxent._objective import HessianBasis, LinearObjective, params_of
from skxent._preconditioning import (
    PreconditionedObjective,
    measure_curvature,
    preconditioner_from,
)
from skxent._row_blocks import parallel_row_blocks, sampled_rows

ALPHA = 1e-4
TOL = ProbabilityRegressor().tol

# A condition number within rounding of 1: the preconditioner is the Hessian.
EXACT_KAPPA = 1e-9


def preconditioner_matrix(objective, point, max_rows):
    """``T`` as a matrix, for the curvature at ``point`` over about ``max_rows`` rows.

    Return it with the preconditioner and the number of rows sampled.
    """
    default = skxent._row_blocks.MIN_SAMPLED_ROWS
    skxent._row_blocks.MIN_SAMPLED_ROWS = max_rows
    try:
        curvature = measure_curvature(objective, point)
        rows = len(
            range(objective.blocks.shape[0])[sampled_rows(*objective.blocks.shape)]
        )
    finally:
        skxent._row_blocks.MIN_SAMPLED_ROWS = default
    preconditioner = preconditioner_from(
        curvature, point, objective.alpha, objective.fit_intercept
    )
    return preconditioner.hessian_basis().feature_map, preconditioner, rows


def seconds(function, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=100)
    args = parser.parse_args()
    X, y, sample_weight = synthetic(args.n_samples, args.n_features)
    n_params = args.n_features + 1
    model = ProbabilityRegressor(alpha=ALPHA, tol=1e-12).fit(X, y)
    optimum = params_of(model.coef_, model.intercept_, True)
    weights = sample_weight / sample_weight.sum()
    with parallel_row_blocks(X) as blocks:
        objective = LinearObjective(
            blocks, y, weights, ALPHA, True, BINARY_LINKS["logit"]
        )
        start = _cold_start(blocks, y, weights, True, objective.link)
        identity = HessianBasis(np.eye(n_params))
        hessian = objective.hessian(optimum, identity)

        _, default_preconditioner, _ = preconditioner_matrix(
            objective, start, skxent._row_blocks.MIN_SAMPLED_ROWS
        )
        _, start_gradient = PreconditionedObjective(
            objective, default_preconditioner
        ).value_and_gradient(np.zeros(n_params))
        decades = np.log10(np.max(np.abs(start_gradient)) / TOL)
        print(
            f"case a, {args.n_samples} x {args.n_features}: max |gradient| "
            f"{np.max(np.abs(start_gradient)):.2e} at the cold start, tol {TOL:g}: "
            f"{decades:.1f} decades to go"
        )
        print(
            f"{'curvature measured at':>22} {'rows':>8} {'kappa':>7} "
            f"{'decades/pass':>13} {'passes':>7}"
        )
        points = {
            "the cold start": start,
            "halfway": start + 0.5 * (optimum - start),
            "the optimum": optimum,
        }
        for label, point in points.items():
            for max_rows in (20_000, 50_000, args.n_samples):
                feature_map, _, rows = preconditioner_matrix(objective, point, max_rows)
                curvatures = np.linalg.eigvalsh(feature_map.T @ hessian @ feature_map)
                kappa = curvatures[-1] / curvatures[0]
                if kappa - 1 < EXACT_KAPPA:
                    # The Hessian itself: Newton's step, one pass.
                    print(f"{label:>22} {rows:>8} {kappa:7.3f} {'exact':>13} {1:7d}")
                    continue
                rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
                per_pass = -np.log10(rate)
                print(
                    f"{label:>22} {rows:>8} {kappa:7.3f} "
                    f"{per_pass:13.2f} {decades / per_pass:7.1f}"
                )

        # A new point each time: an evaluation at the latest point is not summed again.
        points = (optimum * (1.0 + 1e-3 * k) for k in itertools.count(1))
        pass_seconds = seconds(lambda: objective.value_and_gradient(next(points)))
        hessian_seconds = seconds(lambda: objective.hessian(next(points), identity))
    # An exact Hessian without skxent's machinery: the rows scaled by the
    # curvature, then BLAS's product.
    curvature = np.random.default_rng(0).random(len(X))
    gram_seconds = seconds(lambda: (X * curvature[:, np.newaxis]).T @ X)
    print(
        f"one pass {pass_seconds * 1e3:.1f} ms; one exact Hessian "
        f"{hessian_seconds * 1e3:.1f} ms ({hessian_seconds / pass_seconds:.1f} "
        f"passes); X.T @ diag(c) @ X in numpy {gram_seconds * 1e3:.1f} ms "
        f"({gram_seconds / pass_seconds:.1f} passes)"
    )


if __name__ == "__main__":
    main()
