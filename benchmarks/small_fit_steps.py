"""Where a small fit's time goes, step by step, one thread.

Fits generated data (``bench_small.py``'s, 300 x 5 by default) and
statsmodels' star98 many times with timers around the steps of a fit (the
functions named below, replaced in their modules by timed wrappers), and
prints each step's milliseconds per fit and calls per fit. Steps nest: an
L-BFGS-B call includes the evaluations it makes, and the solver includes
both. For scale it also times one scipy L-BFGS-B iteration on a two-line
quadratic of as many variables (scipy's own cost per call, which the
design's L-BFGS step pays on any data) and scikit-learn's newton-cholesky
on the same data.

Run from the repository root with the ``bench`` extra installed::

    python benchmarks/small_fit_steps.py             # ~20 seconds
    python benchmarks/small_fit_steps.py --shape 1000x20
"""

import argparse
import functools
import time
import warnings

import numpy as np
from bench_small import generated, newton_cholesky_fit, skxent_fit, star98
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

import skxent._data
import skxent._fit
import skxent._preconditioning
import skxent._solver
import skxent._validation
from skxent import ProbabilityRegressor

# (label, owner, attribute): the steps timed, in the order printed.
STEPS = [
    ("parameter validation (scikit-learn)", ProbabilityRegressor, "_validate_params"),
    ("data validation, all", skxent._data, "validate_training_data"),
    ("  of which scikit-learn's validate_data", skxent._validation, "_validate_X"),
    ("preconditioner: curvature", skxent._fit, "measure_curvature"),
    ("preconditioner: map", skxent._fit, "preconditioner_from"),
    ("solver, all", skxent._fit, "minimize_smooth_convex"),
    ("  scipy's L-BFGS-B call", skxent._solver, "minimize"),
    (
        "  evaluations (value, gradient)",
        skxent._preconditioning.PreconditionedObjective,
        "value_and_gradient",
    ),
    (
        "  Hessians in z",
        skxent._preconditioning.PreconditionedObjective,
        "hessian_at",
    ),
    ("  Newton solves", skxent._solver, "_newton_solver"),
    ("checks of the solution", skxent._fit, "why_not_finite"),
]


def _timed(function, totals, label):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds, calls = totals.get(label, (0.0, 0))
            totals[label] = (seconds + time.perf_counter() - start, calls + 1)

    return timed


def per_fit_seconds(fit, arguments, n_fits):
    start = time.perf_counter()
    for _ in range(n_fits):
        fit(*arguments)
    return (time.perf_counter() - start) / n_fits


def scipy_call_seconds(n_variables, n_calls=2000):
    """One L-BFGS-B iteration on ``x @ x / 2``, with the solver's options."""

    def value_and_gradient(x):
        return 0.5 * float(x @ x), x.copy()

    options = {"maxiter": 1, "maxfun": 20, "gtol": 1e-10, "ftol": 1e-14, "maxls": 50}
    start_point = np.ones(n_variables)
    start = time.perf_counter()
    for _ in range(n_calls):
        minimize(
            value_and_gradient,
            start_point,
            method="L-BFGS-B",
            jac=True,
            options=options,
        )
    return (time.perf_counter() - start) / n_calls


def report(problem, n_fits):
    name, X, y, weights, alpha = problem
    arguments = (X, y, weights, alpha)
    for _ in range(20):
        skxent_fit(*arguments)
    totals = {}
    # What each owner defines itself (None where it inherits the attribute).
    originals = [
        (owner, attribute, vars(owner).get(attribute)) for _, owner, attribute in STEPS
    ]
    for label, owner, attribute in STEPS:
        setattr(owner, attribute, _timed(getattr(owner, attribute), totals, label))
    try:
        timed_fit = per_fit_seconds(skxent_fit, arguments, n_fits)
    finally:
        for owner, attribute, function in originals:
            if function is None:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, function)
    fit = per_fit_seconds(skxent_fit, arguments, n_fits)
    peer = per_fit_seconds(newton_cholesky_fit, arguments, n_fits)
    print(
        f"\n{name}: skxent {fit * 1e3:.2f} ms per fit ({timed_fit * 1e3:.2f} ms "
        f"with the timers), newton-cholesky {peer * 1e3:.2f} ms"
    )
    for label, _, _ in STEPS:
        seconds, calls = totals.get(label, (0.0, 0))
        print(f"  {label:42s} {seconds / n_fits * 1e3:6.3f} ms  x{calls / n_fits:.1f}")
    n_variables = X.shape[1] + 1
    print(
        f"  (one scipy L-BFGS-B iteration on a quadratic of {n_variables} "
        f"variables: {scipy_call_seconds(n_variables) * 1e3:.3f} ms)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="300x5", help="generated data's n x p")
    parser.add_argument("--fits", type=int, default=400)
    arguments = parser.parse_args()
    n_samples, n_features = (int(size) for size in arguments.shape.split("x"))
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for problem in (generated(n_samples, n_features), star98()):
            report(problem, arguments.fits)


if __name__ == "__main__":
    main()
