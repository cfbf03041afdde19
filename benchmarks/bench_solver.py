"""skxent's solver against plain L-BFGS and its peers, timed in one run.

Two claims, each printed as ratios measured in this run:

1. On well-conditioned data skxent is not slower than a plain L-BFGS, and
   it ends at the exact optimum where plain L-BFGS does not.
2. On ill-conditioned data (statsmodels' star98 proportions with trial
   counts as weights; columns with scales spread over four decades) skxent
   reaches the exact optimum (largest relative coefficient error <= 1e-6)
   where plain L-BFGS and scikit-learn's GLM lbfgs stop far from it. glum's
   lbfgs, which standardises the columns itself, reaches it on the second
   case but not on star98.

"Plain L-BFGS" is ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)``
from zero on the objective as a user would write it (``X @ coef``,
``log_expit``, ``X.T @ residual``), run to its limit (``gtol=1e-10``,
``ftol=64 eps``, at most 1000 iterations as for the peers). A second row
runs the same L-BFGS on skxent's objective function: the difference between
the two rows is
what skxent's one-read evaluation saves, the difference between that row
and skxent's is what preconditioning and the Newton finish cost or save.

Run from the repository root, with the ``bench`` extra installed
(``pip install ".[bench]"``; glum is used when present)::

    python benchmarks/bench_solver.py            # 1M x 100: ~3 GiB, ~6 minutes
    python benchmarks/bench_solver.py --quick    # 200k x 50: ~1 minute

scikit-learn's times on the small problems are mostly its OpenMP threads
and OpenBLAS's contending for two cores; its coefficient errors do not
depend on them.

Columns: seconds (best of 3 for fits under 2 s), that time in units of one
bare ``X @ v`` plus ``X.T @ u`` (the least one gradient must read),
``ratio`` = seconds / skxent's seconds, objective evaluations where known,
``f - f*`` against an exact Newton reference, and the largest relative
coefficient error.
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from scipy.special import expit, log_expit

import skxent
from skxent import ProbabilityRegressor
from skxent._loss import BINARY_LOSSES
from skxent._objective import objective_value_and_gradient

EXACT = 1e-6
FTOL = 64 * np.finfo(np.float64).eps


def synthetic(n_samples, n_features, scale_decades=0.0, seed=0):
    """Beta targets around ``expit(X @ b + 0.3)`` with 5% exact 0s and 5% exact 1s."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    mean = expit(X @ (rng.standard_normal(n_features) / np.sqrt(n_features)) + 0.3)
    y = rng.beta(mean * 5.0, (1.0 - mean) * 5.0)
    y[rng.random(n_samples) < 0.05] = 1.0
    y[rng.random(n_samples) < 0.05] = 0.0
    if scale_decades:
        X *= 10.0 ** rng.uniform(-scale_decades, scale_decades, n_features)
    return X, y, np.ones(n_samples)


def star98():
    import statsmodels.api as sm

    data = sm.datasets.star98.load_pandas()
    trials = data.endog.sum(axis=1).to_numpy(np.float64)
    y = data.endog["NABOVE"].to_numpy(np.float64) / trials
    return data.exog.to_numpy(np.float64), y, trials


def textbook_objective(params, X, y, weights, alpha):
    """The objective and gradient as a user would write them for ``minimize``."""
    coef, intercept = params[:-1], params[-1]
    eta = X @ coef + intercept
    loss = -(y * log_expit(eta) + (1.0 - y) * log_expit(-eta))
    residual = weights * (expit(eta) - y)
    value = weights @ loss + 0.5 * alpha * (coef @ coef)
    return value, np.append(X.T @ residual + alpha * coef, residual.sum())


def newton_reference(X, y, weights, alpha, start):
    """Exact optimum: full Newton steps (``X1.T V X1`` formed) from a good start."""
    params = start.copy()
    X1 = np.column_stack([X, np.ones(X.shape[0])])
    penalty = np.diag(np.append(np.full(X.shape[1], alpha), 0.0))
    for _ in range(8):
        eta = X1 @ params
        gradient = X1.T @ (weights * (expit(eta) - y)) + penalty @ params
        curvature = weights * expit(eta) * expit(-eta)
        hessian = X1.T @ (curvature[:, None] * X1) + penalty
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        params -= step
        if np.max(np.abs(step)) <= 1e-15 * np.max(np.abs(params)):
            break
    return params


def plain_lbfgs(function):
    def fit(X, y, sample_weight, alpha, counter):
        weights = sample_weight / sample_weight.sum()

        def counted(params):
            counter[0] += 1
            return function(params, X, y, weights, alpha)

        result = minimize(
            counted,
            np.zeros(X.shape[1] + 1),
            method="L-BFGS-B",
            jac=True,
            options={"gtol": 1e-10, "ftol": FTOL, "maxiter": 1000, "maxfun": 2000},
        )
        return result.x

    return fit


def skxent_fit(X, y, sample_weight, alpha, counter):
    model = ProbabilityRegressor(alpha=alpha).fit(X, y, sample_weight=sample_weight)
    counter[0] = model.n_iter_
    return np.append(model.coef_, model.intercept_)


def sklearn_glm_lbfgs(X, y, sample_weight, alpha, counter):
    from sklearn._loss.loss import HalfBinomialLoss
    from sklearn.linear_model._glm.glm import _GeneralizedLinearRegressor

    class BinomialRegressor(_GeneralizedLinearRegressor):
        def _get_loss(self, xp=None, device=None):
            return HalfBinomialLoss()

    model = BinomialRegressor(alpha=alpha, solver="lbfgs", tol=1e-8, max_iter=1000)
    model.fit(X, y, sample_weight=sample_weight)
    counter[0] = model.n_iter_
    return np.append(model.coef_, model.intercept_)


def glum_lbfgs(X, y, sample_weight, alpha, counter):
    import glum

    model = glum.GeneralizedLinearRegressor(
        family="binomial",
        alpha=alpha,
        l1_ratio=0.0,
        solver="lbfgs",
        gradient_tol=1e-8,
        max_iter=1000,
    )
    model.fit(X, y, sample_weight=sample_weight)
    counter[0] = model.n_iter_
    return np.append(model.coef_, model.intercept_)


def statsmodels_irls(X, y, sample_weight, alpha, counter):
    import statsmodels.api as sm

    result = sm.GLM(
        y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=sample_weight
    ).fit(tol=1e-12)
    counter[0] = result.fit_history["iteration"]
    return np.append(result.params[1:], result.params[0])


def solvers(with_statsmodels):
    """Name -> (fit, what its counter counts)."""
    out = {
        "skxent ProbabilityRegressor": (skxent_fit, "iterations"),
        "plain L-BFGS, textbook objective": (
            plain_lbfgs(textbook_objective),
            "evaluations",
        ),
        "plain L-BFGS, skxent's objective": (
            plain_lbfgs(
                lambda params, X, y, weights, alpha: objective_value_and_gradient(
                    params, X, y, weights, alpha, True, BINARY_LOSSES["logit"]
                )
            ),
            "evaluations",
        ),
        "scikit-learn GLM lbfgs": (sklearn_glm_lbfgs, "iterations"),
    }
    try:
        import glum  # noqa: F401

        out["glum lbfgs"] = (glum_lbfgs, "iterations")
    except ImportError:
        pass
    if with_statsmodels:
        out["statsmodels GLM IRLS"] = (statsmodels_irls, "iterations")
    return out


def timed(fit, X, y, sample_weight, alpha):
    """Best time of up to 3 runs (one run when a fit takes over 2 s)."""
    best = np.inf
    for _ in range(3):
        counter = [0]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params = fit(X, y, sample_weight, alpha, counter)
        seconds = time.perf_counter() - start
        best = min(best, seconds)
        if seconds > 2.0:
            break
    return best, params, counter[0]


def pass_pair_seconds(X):
    """One bare ``X @ v`` plus ``X.T @ u``: what any gradient must read."""
    v, u = np.ones(X.shape[1]), np.ones(X.shape[0])
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        X @ v
        X.T @ u
        best = min(best, time.perf_counter() - start)
    return best


def objective(X, y, weights, alpha, params):
    return textbook_objective(params, X, y, weights, alpha)[0]


def run_case(name, X, y, sample_weight, alpha):
    weights = sample_weight / sample_weight.sum()
    print(f"\n== {name}: X {X.shape[0]} x {X.shape[1]}, alpha={alpha:g}")
    pair = pass_pair_seconds(X)
    results = {}
    for solver, (fit, counted) in solvers(with_statsmodels=alpha == 0).items():
        results[solver] = timed(fit, X, y, sample_weight, alpha) + (counted,)
    values = {
        solver: objective(X, y, weights, alpha, result[1])
        for solver, result in results.items()
    }
    best = results[min(values, key=values.get)]
    reference = newton_reference(X, y, weights, alpha, best[1])
    optimum = objective(X, y, weights, alpha, reference)
    base_seconds = results["skxent ProbabilityRegressor"][0]
    print(
        f"{'solver':34s} {'seconds':>8s} {'passes':>7s} {'ratio':>6s} "
        f"{'count':>16s} {'f - f*':>9s} {'max rel err':>11s}"
    )
    errors = {}
    for solver, (seconds, params, count, counted) in results.items():
        gap = values[solver] - optimum
        errors[solver] = float(np.max(np.abs(params - reference) / np.abs(reference)))
        print(
            f"{solver:34s} {seconds:8.3f} {seconds / pair:7.1f} "
            f"{seconds / base_seconds:6.2f} {f'{count} {counted}':>16s} "
            f"{gap:9.1e} {errors[solver]:11.1e}"
        )
    return results, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data")
    args = parser.parse_args()
    n_easy, p_easy = (200_000, 50) if args.quick else (1_000_000, 100)
    n_scaled, p_scaled = (50_000, 20) if args.quick else (200_000, 50)
    print(
        f"skxent {skxent.__version__}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs"
    )
    easy, easy_errors = run_case(
        "well-conditioned", *synthetic(n_easy, p_easy), alpha=1e-4
    )
    _, star98_errors = run_case("star98", *star98(), alpha=0.0)
    _, scaled_errors = run_case(
        "scaled columns", *synthetic(n_scaled, p_scaled, scale_decades=2), alpha=1e-6
    )

    print("\n== Claims")
    skxent_seconds = easy["skxent ProbabilityRegressor"][0]
    plain = "plain L-BFGS, textbook objective"
    print(
        f"well-conditioned: skxent time / {plain} time = "
        f"{skxent_seconds / easy[plain][0]:.2f} (claim: <= 1); max rel err "
        f"{easy_errors['skxent ProbabilityRegressor']:.1e} against "
        f"{easy_errors[plain]:.1e}"
    )
    own = "plain L-BFGS, skxent's objective"
    print(
        f"  (for comparison: skxent time / {own} time = "
        f"{skxent_seconds / easy[own][0]:.2f}, which stops at max rel err "
        f"{easy_errors[own]:.1e}: the same evaluations, without "
        "preconditioning and Newton finish)"
    )
    for case, errors in (("star98", star98_errors), ("scaled columns", scaled_errors)):
        reached = ", ".join(
            f"{solver} {'yes' if error <= EXACT else 'no'} ({error:.0e})"
            for solver, error in errors.items()
        )
        print(f"{case}: exact optimum (max rel err <= {EXACT:g}): {reached}")


if __name__ == "__main__":
    main()
