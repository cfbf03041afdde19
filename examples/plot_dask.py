"""
Beyond one machine: fitting on a Dask cluster
=============================================

When the rows do not fit in one machine's memory, put them in a
`dask.array <https://docs.dask.org/en/stable/array.html>`_ chunked by rows
and pass it to ``fit`` as it is. skxent then computes every sum it needs
(the objective and its gradient, the preconditioner's moments, the learned
target range) on the workers that hold the chunks, one pass over the chunks
per evaluation, and brings back only vectors of the size of the
coefficients. ``predict`` on a dask array returns a lazy dask array.

This example starts a small cluster inside this process, generates a million
rows on its workers, fits them there, and checks the fit against the
in-memory fit of the same numbers. On a real cluster, connect to its
scheduler instead, and nothing else changes::

    from distributed import Client
    client = Client("tcp://scheduler-host:8786")

It needs dask and distributed: ``pip install ".[dask]"`` from a clone of
skxent.
"""

# %%
# A cluster and data generated on it
# ----------------------------------
import time

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster

from skxent import ProbabilityRegressor

# Two workers of one thread each, in this process (processes=True, the
# default, starts them as separate processes; on a real cluster they run on
# other machines).
cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
)
client = Client(cluster)

n_rows, n_features = 1_000_000, 10
coef = np.linspace(-1.0, 1.0, n_features)
rng = da.random.default_rng(0)
X = rng.normal(size=(n_rows, n_features), chunks=(125_000, -1))
mean = 1 / (1 + da.exp(-(X @ coef + 0.5)))
# Shares spread around their mean: a fractional target, E[y | X] = mean.
y = mean + 0.5 * da.minimum(mean, 1 - mean) * rng.uniform(
    -1, 1, size=n_rows, chunks=125_000
)
X, y = dask.persist(X, y)
print(f"X: {X.shape}, {X.nbytes / 2**20:.0f} MiB in {X.numblocks[0]} chunks of rows")

# %%
# The fit on the workers, and in memory
# -------------------------------------
start = time.perf_counter()
on_cluster = ProbabilityRegressor().fit(X, y)
cluster_seconds = time.perf_counter() - start

X_in_memory, y_in_memory = dask.compute(X, y)
start = time.perf_counter()
in_memory = ProbabilityRegressor().fit(X_in_memory, y_in_memory)
memory_seconds = time.perf_counter() - start

difference = np.max(np.abs(on_cluster.coef_ - in_memory.coef_))
print(f"on the cluster: {cluster_seconds:.2f} s, {on_cluster.n_iter_} iterations")
print(f"in memory:      {memory_seconds:.2f} s, {in_memory.n_iter_} iterations")
print(f"largest coefficient difference: {difference:.1e}")

# %%
# Lazy predictions, computed chunk by chunk
# -----------------------------------------
predictions = on_cluster.predict(X)
print(f"predict returns {type(predictions).__name__} of {predictions.numblocks} chunks")
sample = slice(0, 2000)
predicted, true_mean = dask.compute(predictions[sample], mean[sample])

fig, ax = plt.subplots(figsize=(5.5, 5))
ax.scatter(true_mean, predicted, s=4, alpha=0.5)
ax.plot([0, 1], [0, 1], color="grey", linestyle="--")
ax.set(
    xlabel="true mean share E[y | x]",
    ylabel="prediction of the fit on the cluster",
    title="2000 of the million rows",
    xlim=(0, 1),
    ylim=(0, 1),
)
fig.tight_layout()
plt.show()

client.close()
cluster.close()
