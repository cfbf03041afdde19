"""skxent on a dask.distributed LocalCluster against the in-memory fit.

For each number of rows, the same data (generated chunk by chunk, ``p``
columns of float64, fractional targets whose mean follows the model) are
fitted in memory first, with no cluster running, then on the cluster, where
they are generated on the workers. Printed per size: seconds and rows per
second of each (the better of two fits)
fit, iterations, the cluster's seconds per pass over ``X`` (its row sums),
the largest coefficient difference relative to the largest coefficient, and
the client's peak memory during the cluster fit (tracemalloc) against the
size of ``X``. Then, with dask-glm installed (the ``bench`` extra), skxent
and dask-glm's newton (its fastest exact solver) at ``alpha=0`` on the same
persisted arrays: seconds, the graph computations each fit submits
(``compute`` and ``persist`` calls, each a round trip), their ratio, and
each solution's mean cross-entropy in excess of the better one.

Run from the repository root with the ``dask`` extra installed::

    python benchmarks/bench_dask.py                 # 2 workers, up to 4M rows
    python benchmarks/bench_dask.py --rows 250000,1000000 --workers 2
"""

import argparse
import os
import platform
import time
import tracemalloc

import dask
import dask.array as da
import numpy as np
import sklearn
from distributed import Client, LocalCluster

import skxent
from skxent import ProbabilityRegressor
from skxent._dask import DaskRowBlocks


def generated(n_rows, n_features, chunk_rows, seed=0):
    """Lazy ``X`` and ``y`` (the same numbers wherever they are computed)."""
    rng = da.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_features), chunks=(chunk_rows, -1))
    coef = np.linspace(-1.0, 1.0, n_features)
    mean = 1 / (1 + da.exp(-(X @ coef + 0.2)))
    y = mean + 0.5 * da.minimum(mean, 1 - mean) * rng.uniform(
        -1.0, 1.0, size=n_rows, chunks=chunk_rows
    )
    return X, y


def in_memory_fits(sizes, n_features, chunk_rows):
    """Seconds and coefficients of the in-memory fits, with no cluster."""
    results = {}
    for n_rows in sizes:
        X, y = dask.compute(*generated(n_rows, n_features, chunk_rows))
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            model = ProbabilityRegressor().fit(X, y)
            seconds.append(time.perf_counter() - start)
        results[n_rows] = (min(seconds), model.coef_, X.nbytes)
        del X, y
    return results


def counted_sums():
    """Time every row sum on the cluster (one pass over X each)."""
    times = []
    original = DaskRowBlocks.sum

    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        result = original(self, *args, **kwargs)
        times.append(time.perf_counter() - start)
        return result

    DaskRowBlocks.sum = timed
    return times, lambda: setattr(DaskRowBlocks, "sum", original)


def counted_graphs():
    """Count the graphs the client submits to the cluster (``compute``, ``persist``)."""
    counts = [0]
    original = Client._graph_to_futures

    def counted(self, *args, **kwargs):
        counts[0] += 1
        return original(self, *args, **kwargs)

    Client._graph_to_futures = counted
    return counts, lambda: setattr(Client, "_graph_to_futures", original)


def mean_cross_entropy(X, y, coef, intercept):
    """Return the unweighted mean cross-entropy at ``coef, intercept``."""
    eta = X @ coef + intercept
    loss = da.logaddexp(0.0, eta) - y * eta
    return float(loss.mean().compute())


def skxent_fit(X, y):
    model = ProbabilityRegressor(alpha=0.0).fit(X, y)
    return model.coef_, model.intercept_


def dask_glm_fit(X, y):
    from dask_glm.algorithms import newton
    from dask_glm.families import Logistic

    # dask-glm fits no intercept of its own: a column of ones is appended.
    ones = da.ones((X.shape[0], 1), chunks=(X.chunks[0], 1))
    beta = newton(da.concatenate([X, ones], axis=1), y, family=Logistic, tol=1e-8)
    return beta[:-1], beta[-1]


def against_dask_glm(sizes, n_features, chunk_rows):
    """Fit skxent and dask-glm's newton, alpha=0, on the same persisted arrays."""
    try:
        import dask_glm  # noqa: F401
    except ImportError:
        print("\ndask-glm is not installed (pip install '.[bench]'): no comparison")
        return
    print(
        "\nAgainst dask-glm's newton (tol=1e-8), alpha=0, the better of two fits "
        "each, in turns; graphs: compute and persist calls per fit"
    )
    print(
        f"{'rows':>9s} {'skxent s':>9s} {'graphs':>6s} {'dask-glm s':>10s} "
        f"{'graphs':>6s} {'ratio':>6s} {'skxent excess':>13s} {'dask-glm excess':>15s}"
    )
    solvers = {"skxent": skxent_fit, "dask-glm": dask_glm_fit}
    for n_rows in sizes:
        X, y = dask.persist(*generated(n_rows, n_features, chunk_rows))
        seconds = {label: [] for label in solvers}
        graphs, objectives = {}, {}
        for _ in range(2):
            for label, fit in solvers.items():
                counts, restore = counted_graphs()
                start = time.perf_counter()
                coef, intercept = fit(X, y)
                seconds[label].append(time.perf_counter() - start)
                restore()
                graphs[label] = counts[0]
                objectives[label] = mean_cross_entropy(X, y, coef, intercept)
        best = min(objectives.values())
        ours, theirs = min(seconds["skxent"]), min(seconds["dask-glm"])
        print(
            f"{n_rows:9d} {ours:9.2f} {graphs['skxent']:6d} {theirs:10.2f} "
            f"{graphs['dask-glm']:6d} {ours / theirs:6.2f} "
            f"{(objectives['skxent'] - best) / best:13.1e} "
            f"{(objectives['dask-glm'] - best) / best:15.1e}"
        )
        del X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="250000,1000000,4000000")
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        f"skxent {skxent.__version__}, dask {dask.__version__}, numpy "
        f"{np.__version__}, scikit-learn {sklearn.__version__}, Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"LocalCluster of {args.workers} worker processes, 1 thread each; "
        f"{args.features} float64 features, chunks of {args.chunk_rows} rows"
    )
    sizes = [int(rows) for rows in args.rows.split(",")]
    in_memory = in_memory_fits(sizes, args.features, args.chunk_rows)
    header = (
        f"{'rows':>9s} {'cluster s':>9s} {'rows/s':>10s} {'in-memory s':>11s} "
        f"{'rows/s':>10s} {'ratio':>6s} {'iter':>4s} {'s/pass':>7s} "
        f"{'coef diff':>9s} {'client peak':>11s} {'X size':>8s}"
    )
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        print(header)
        for n_rows in sizes:
            X, y = dask.persist(*generated(n_rows, args.features, args.chunk_rows))
            seconds = []
            for _ in range(2):
                times, restore = counted_sums()
                tracemalloc.start()
                start = time.perf_counter()
                on_cluster = ProbabilityRegressor().fit(X, y)
                seconds.append(time.perf_counter() - start)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                restore()
            cluster_seconds = min(seconds)
            memory_seconds, memory_coef, nbytes = in_memory[n_rows]
            difference = np.max(np.abs(on_cluster.coef_ - memory_coef)) / np.max(
                np.abs(memory_coef)
            )
            print(
                f"{n_rows:9d} {cluster_seconds:9.2f} {n_rows / cluster_seconds:10.3g} "
                f"{memory_seconds:11.2f} {n_rows / memory_seconds:10.3g} "
                f"{cluster_seconds / memory_seconds:6.1f} {on_cluster.n_iter_:4d} "
                f"{np.median(times):7.3f} {difference:9.1e} "
                f"{peak / 2**20:9.1f}MB {nbytes / 2**20:6.0f}MB"
            )
            del X, y
        against_dask_glm(sizes, args.features, args.chunk_rows)


if __name__ == "__main__":
    main()
