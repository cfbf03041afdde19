"""skxent on a dask.distributed LocalCluster against the in-memory fit.

For each number of rows, the same data (generated chunk by chunk, ``p``
columns of float64, fractional targets whose mean follows the model) are
fitted in memory first, with no cluster running, then on the cluster, where
they are generated on the workers. Printed per size: seconds and rows per
second of each (the better of two fits)
fit, iterations, the cluster's seconds per pass over ``X`` (its row sums),
the largest coefficient difference relative to the largest coefficient, and
the client's peak memory during the cluster fit (tracemalloc) against the
size of ``X``.

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


if __name__ == "__main__":
    main()
