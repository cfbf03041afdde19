"""Fits on dask arrays and DataFrames.

Most run on a dask.distributed cluster of two worker processes, the inputs
users have (DataFrames, unknown chunk sizes) on dask's synchronous scheduler.
"""

import subprocess
import sys
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent import _dask as skxent_dask
from skxent._dask import DaskRowBlocks
from skxent._link import LOGIT
from skxent._objective import LinearObjective

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="3GiB",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


COEF = np.array([0.8, -0.5, 0.3, 0.0, 1.2, -0.7, 0.1, 0.4])


def generated_on_workers(n, chunk_rows, seed=0):
    """Make ``X``, fractional ``y`` and weights chunk by chunk on the workers.

    ``E[y | X] = expit(X @ COEF + 0.2)``.
    """
    rng = da.random.default_rng(seed)
    X = rng.normal(size=(n, len(COEF)), chunks=(chunk_rows, -1))
    mean = 1 / (1 + da.exp(-(X @ COEF + 0.2)))
    spread = 0.5 * da.minimum(mean, 1 - mean)
    y = mean + spread * rng.uniform(-1.0, 1.0, size=n, chunks=chunk_rows)
    weights = rng.uniform(0.5, 2.0, size=n, chunks=chunk_rows)
    return X, y, weights


def test_two_million_rows_are_fitted_without_gathering_X(client):
    X, y, weights = generated_on_workers(2_000_000, 250_000)
    tracemalloc.start()
    try:
        model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # X is 128 MB, y and the weights 16 MB each, and they stay on the workers:
    # the client holds sums of size p (and a few graphs).
    assert peak < 8 * 2**20
    assert model.n_features_in_ == len(COEF)
    # The mean model is right, so 2M rows pin the coefficients down.
    np.testing.assert_allclose(model.coef_, COEF, atol=0.01)
    assert abs(model.intercept_ - 0.2) < 0.01
    predictions = model.predict(X)
    assert isinstance(predictions, da.Array)
    assert predictions.chunks == (X.chunks[0],)


@pytest.mark.parametrize(
    "estimator, target",
    [
        (ProbabilityRegressor(alpha=0), lambda y: y),
        (ProbabilityRegressor(alpha=1e-3, link="probit"), lambda y: y),
        (CrossEntropyRegressor(alpha=1e-4), lambda y: 10 + 90 * y),
        (CrossEntropyRegressor(target_range=(0, 200)), lambda y: 10 + 90 * y),
        (
            ProbabilityRegressor(alpha=1e-4),
            lambda y: da.stack([0.6 * y, 0.4 * y, 1 - y], axis=1),
        ),
    ],
    ids=["logit", "probit", "auto range", "given range", "soft labels"],
)
def test_fits_equal_the_in_memory_fit(client, estimator, target):
    X, y, weights = generated_on_workers(120_000, 25_000, seed=1)
    y = target(y)
    on_cluster = estimator.fit(X, y, sample_weight=weights)
    coef, intercept = on_cluster.coef_, on_cluster.intercept_
    dask_predictions = on_cluster.predict(X)
    X_, y_, weights_ = (array.compute() for array in (X, y, weights))
    in_memory = estimator.fit(X_, y_, sample_weight=weights_)
    # 1e-8 relative to the coefficients' size: sums over chunks round
    # differently from sums over blocks, and tol=1e-10 lets that show.
    scale = np.max(np.abs(in_memory.coef_))
    np.testing.assert_allclose(coef, in_memory.coef_, rtol=1e-8, atol=1e-8 * scale)
    np.testing.assert_allclose(
        intercept, in_memory.intercept_, rtol=1e-8, atol=1e-8 * scale
    )
    np.testing.assert_allclose(
        dask_predictions.compute(), in_memory.predict(X_), rtol=1e-10
    )


def test_in_memory_targets_and_float32_X(client):
    X, y, _ = generated_on_workers(60_000, 20_000, seed=2)
    X32 = X.astype(np.float32)
    y_ = y.compute()
    model = ProbabilityRegressor().fit(X32, y_)
    assert model.coef_.dtype == np.float32
    in_memory = ProbabilityRegressor().fit(X32.compute(), y_)
    # Both stop at a float32 gradient of 1e-8 (see tol).
    scale = np.max(np.abs(in_memory.coef_))
    np.testing.assert_allclose(model.coef_, in_memory.coef_, atol=1e-6 * scale)


def test_bad_chunks_are_named(client):
    X, y, _ = generated_on_workers(100_000, 25_000, seed=3)
    with_nan = da.where(da.arange(100_000)[:, None] == 60_000, np.nan, X)
    with pytest.raises(
        ValueError, match="Input X contains NaN.*chunk of rows 50000 to 74999"
    ):
        ProbabilityRegressor().fit(with_nan, y)
    with pytest.raises(
        ValueError, match=r"y must hold probabilities.*chunk of rows \d+ to \d+\)"
    ):
        ProbabilityRegressor().fit(X, y + 1)
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        ProbabilityRegressor().fit(X[:50_000], y[:50_000], sample_weight=-y[:50_000])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        ProbabilityRegressor().fit(X[:50_000], y[:40_000])
    with pytest.raises(TypeError, match="y must hold numbers.*chunk of rows 0 to"):
        CrossEntropyRegressor().fit(X[:1000], np.array(["0.5"] * 1000))
    with pytest.raises(ValueError, match="at least one positive value"):
        ProbabilityRegressor().fit(X[:1000], y[:1000], sample_weight=np.zeros(1000))


def test_feature_magnitudes_are_judged_over_all_chunks(sync_scheduler):
    """As in memory: a column is too small only if every chunk's values are."""
    X = np.column_stack([np.linspace(-1.0, 1.0, 40), np.full(40, 1e-200)])
    X[15, 1] = 0.5
    y = np.linspace(0.1, 0.9, 40)
    ProbabilityRegressor().fit(da.from_array(X, chunks=(10, 2)), y)
    X[15, 1] = 1e-201
    for data in (X, da.from_array(X, chunks=(10, 2))):
        with pytest.raises(ValueError, match=r"^X: columns \[1\] stay below 1e-200"):
            ProbabilityRegressor().fit(data, y)


def test_separation_and_constant_targets_warn_as_in_memory(client):
    X, _, _ = generated_on_workers(4_000, 2_000, seed=4)
    hard = (X[:, 0] > 0).astype(np.float64)
    with pytest.warns(ConvergenceWarning, match="4000 of the 4000 rows"):
        ProbabilityRegressor(alpha=0).fit(X, hard)
    with pytest.warns(ConvergenceWarning, match="Every target of positive weight"):
        ProbabilityRegressor().fit(X, da.ones(4_000, chunks=2_000))


def _with_a_dummy(X):
    """``X`` with its column 3 replaced by a 0/1 column."""
    return da.concatenate(
        [X[:, :3], (X[:, 3:4] > 0).astype(X.dtype), X[:, 4:]], axis=1
    ).rechunk({1: -1})


def _assert_results_equal(lazy, eager, new_rows, new_rows_in_memory):
    """Every output of two InferenceResults agrees to 1e-10 (relative)."""
    for name in ("deviance", "null_deviance", "pearson_chi2", "scale", "pseudo_r2"):
        np.testing.assert_allclose(getattr(lazy, name), getattr(eager, name), 1e-10)
    for name in ("nobs", "n_groups", "binary_features", "df_resid", "use_t"):
        assert getattr(lazy, name) == getattr(eager, name)
    assert (lazy.log_likelihood is None) == (eager.log_likelihood is None)
    if eager.log_likelihood is not None:
        np.testing.assert_allclose(lazy.log_likelihood, eager.log_likelihood, 1e-10)
    lazy_summary, eager_summary = lazy.summary(), eager.summary()
    # The Newton decrement, rounding of a gradient near 0, may differ.
    assert [row for row in lazy_summary.statistics if row[0] != "Newton decrement"] == [
        row for row in eager_summary.statistics if row[0] != "Newton decrement"
    ]
    pd.testing.assert_frame_equal(
        lazy_summary.coef_table, eager_summary.coef_table, rtol=1e-10
    )
    for table in ("coef_table", "partial_effects", "cov_params"):
        pd.testing.assert_frame_equal(
            getattr(lazy, table)(), getattr(eager, table)(), rtol=1e-10
        )
    first, second = lazy.wald_test(["x1", "x3"]), eager.wald_test(["x1", "x3"])
    np.testing.assert_allclose(first.statistic, second.statistic, rtol=1e-10)
    np.testing.assert_allclose(first.p_value, second.p_value, rtol=1e-10)
    intervals = lazy.predict_interval(new_rows)
    assert hasattr(intervals, "dask")
    pd.testing.assert_frame_equal(
        intervals.compute(), eager.predict_interval(new_rows_in_memory), rtol=1e-10
    )


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "cluster"])
def test_inference_on_the_workers_equals_inference_in_memory(client, cov_type):
    """One results object from the chunks where they live, clusters spanning chunks.

    The groups are runs of 700 rows over chunks of 5 000: a group holds rows
    of two chunks at every chunk boundary that does not fall between groups.
    """
    import dask

    X, y, weights = generated_on_workers(20_000, 5_000, seed=3)
    X = _with_a_dummy(X)
    groups = da.arange(20_000, chunks=5_000) // 700
    X, y, weights, groups = dask.persist(X, y, weights, groups)
    X_new = X[:3_000].rechunk(1_000)
    model = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    group_labels = groups if cov_type == "cluster" else None
    lazy = model.inference(
        X, y, sample_weight=weights, cov_type=cov_type, groups=group_labels
    )
    X_local, y_local, w_local, g_local = dask.compute(X, y, weights, groups)
    eager = model.inference(
        X_local,
        y_local,
        sample_weight=w_local,
        cov_type=cov_type,
        groups=g_local if cov_type == "cluster" else None,
    )
    assert lazy.binary_features == ["x3"]
    _assert_results_equal(lazy, eager, X_new, X_local[:3_000])


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_model_based_dask_inference_with_t_and_pearson_scale(client, link):
    """The quasi-binomial t table, observed information, on the workers."""
    import dask

    X, y, weights = generated_on_workers(12_000, 4_000, seed=6)
    X = _with_a_dummy(X)
    X, y, weights = dask.persist(X, y, weights)
    model = ProbabilityRegressor(alpha=0, link=link).fit(X, y, sample_weight=weights)
    options = {
        "cov_type": "nonrobust",
        "information": "observed",
        "scale": "pearson",
        "use_t": True,
    }
    lazy = model.inference(X, y, sample_weight=weights, **options)
    X_local, y_local, w_local = dask.compute(X, y, weights)
    eager = model.inference(X_local, y_local, sample_weight=w_local, **options)
    assert "t" in lazy.coef_table().columns
    _assert_results_equal(lazy, eager, X[:2_500].rechunk(1_000), X_local[:2_500])


def test_intervals_of_a_dask_dataframe_keep_its_index(client):
    """Partitions of unknown sizes, an index that does not start at 0."""
    import dask.dataframe as dd

    rng = np.random.default_rng(9)
    frame = pd.DataFrame(
        rng.normal(size=(3_000, 3)),
        columns=["a", "b", "c"],
        index=pd.RangeIndex(1_000, 4_000),
    )
    share = expit(frame @ [0.5, -0.2, 0.1])
    model = ProbabilityRegressor(alpha=0).fit(frame, share)
    results = model.inference(frame, share)
    lazy = results.predict_interval(dd.from_pandas(frame, npartitions=3))
    computed = lazy.compute()
    assert computed.index.equals(frame.index)
    pd.testing.assert_frame_equal(computed, results.predict_interval(frame), rtol=1e-12)


def test_dask_inference_of_soft_labels_with_string_groups(client):
    """Rows of class probabilities, and cluster labels that are strings."""
    import dask

    rng = np.random.default_rng(4)
    X_local = rng.normal(size=(6_000, 3))
    scores = np.exp(X_local @ rng.normal(size=(3, 3)))
    y_local = scores / scores.sum(axis=1, keepdims=True)
    g_local = np.array([f"site {i // 250}" for i in range(6_000)], dtype=object)
    X, y = da.from_array(X_local, chunks=(1_600, 3)), da.from_array(y_local, 1_600)
    groups = da.from_array(g_local, chunks=1_600)
    X, y, groups = dask.persist(X, y, groups)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    lazy = model.inference(X, y, cov_type="cluster", groups=groups)
    eager = model.inference(X_local, y_local, cov_type="cluster", groups=g_local)
    assert lazy.n_groups == 24
    for table in ("coef_table", "partial_effects", "cov_params"):
        pd.testing.assert_frame_equal(
            getattr(lazy, table)(), getattr(eager, table)(), rtol=1e-10
        )
    pd.testing.assert_frame_equal(
        lazy.predict_interval(X[:500]).compute(),
        eager.predict_interval(X_local[:500]),
        rtol=1e-10,
    )


def test_dask_groups_are_checked_on_the_workers(client):
    X, y, _ = generated_on_workers(6_000, 2_000)
    model = ProbabilityRegressor(alpha=0).fit(X, y)
    labels = np.arange(6_000.0)
    labels[4_321] = np.nan
    with pytest.raises(ValueError, match="missing labels .first at index 4321"):
        model.inference(
            X, y, cov_type="cluster", groups=da.from_array(labels, chunks=1_500)
        )
    with pytest.raises(ValueError, match="at least 2 clusters"):
        model.inference(X, y, cov_type="cluster", groups=da.zeros(6_000, chunks=2_000))
    with pytest.raises(ValueError, match="groups has 5999 labels for 6000"):
        model.inference(X, y, cov_type="cluster", groups=da.zeros(5_999, chunks=2_000))


def test_an_evaluation_is_one_pass_over_the_chunks(monkeypatch):
    """With dask's synchronous scheduler, in this process: one task per chunk."""
    import dask

    X, y, weights = generated_on_workers(50_000, 10_000, seed=5)
    X, y, weights = dask.persist(X, y, weights / weights.sum(), scheduler="sync")
    calls = []
    in_dtype = skxent_dask._in_dtype

    def counting(function, dtype):
        block = in_dtype(function, dtype)

        def on_block(X_rows, *row_values):
            calls.append(len(X_rows))
            return block(X_rows, *row_values)

        return on_block

    monkeypatch.setattr(skxent_dask, "_in_dtype", counting)
    with dask.config.set(scheduler="sync"):
        objective = LinearObjective(DaskRowBlocks(X), y, weights, 1e-3, True, LOGIT)
        value, gradient = objective.value_and_gradient(np.full(len(COEF) + 1, 0.1))
    assert calls == [10_000] * 5
    X_, y_, w_ = (array.compute(scheduler="sync") for array in (X, y, weights))
    eta = X_ @ np.full(len(COEF), 0.1) + 0.1
    mu = expit(eta)
    expected = w_ @ -(y_ * np.log(mu) + (1 - y_) * np.log1p(-mu))
    np.testing.assert_allclose(value - 0.5e-3 * 0.08, expected, rtol=1e-12)
    np.testing.assert_allclose(gradient[-1], w_ @ (mu - y_), rtol=1e-10)


def test_the_package_does_not_import_dask():
    code = (
        "import sys, numpy as np; from skxent import ProbabilityRegressor; "
        "ProbabilityRegressor().fit(np.eye(3), [0.2, 0.5, 0.7]).predict(np.eye(3)); "
        "assert not any(m.split('.')[0] in ('dask', 'distributed') "
        "for m in sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Inputs users have: dask DataFrames and Series, and dask arrays whose chunk
# sizes are unknown (a DataFrame's values, a boolean selection). These run on
# dask's synchronous scheduler, in this process; the last one on the cluster.


@pytest.fixture
def sync_scheduler():
    import dask

    with dask.config.set(scheduler="sync"):
        yield


def _frame(X, partitions=4):
    dd = pytest.importorskip("dask.dataframe")
    columns = [f"f{j}" for j in range(X.shape[1])]
    return dd.from_pandas(pd.DataFrame(X, columns=columns), npartitions=partitions)


def _series(values, partitions=3):
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(pd.Series(values, name="share"), npartitions=partitions)


def _assert_same_fit(model, reference):
    # As for dask arrays: 1e-8 relative to the coefficients' size.
    scale = np.max(np.abs(reference.coef_))
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8 * scale)
    np.testing.assert_allclose(
        model.intercept_, reference.intercept_, atol=1e-8 * scale
    )


# name: (X, y, weights) in memory -> the inputs a user has
USERS_INPUTS = {
    "DataFrame X": lambda X, y, w: (_frame(X), y, w),
    "DataFrame X, Series y and weights": lambda X, y, w: (
        _frame(X),
        _series(y),
        _series(w, partitions=5),
    ),
    "DataFrame X, pandas y and weights": lambda X, y, w: (
        _frame(X),
        pd.Series(y),
        pd.Series(w),
    ),
    "numpy X, Series y and weights": lambda X, y, w: (X, _series(y), _series(w)),
    "pandas X, Series y": lambda X, y, w: (pd.DataFrame(X), _series(y), w),
    "array X, Series y": lambda X, y, w: (
        da.from_array(X, chunks=(150, -1)),
        _series(y),
        da.from_array(w, chunks=100),
    ),
    "unknown chunks X, known y": lambda X, y, w: (
        _frame(X).to_dask_array(),
        da.from_array(y, chunks=100),
        w,
    ),
    "unknown chunks X, Series y": lambda X, y, w: (_frame(X).values, _series(y), w),
}


@pytest.mark.parametrize("make_inputs", USERS_INPUTS.values(), ids=USERS_INPUTS)
def test_dask_frames_and_unknown_chunks_fit_as_numpy(
    sync_scheduler, make_fractional_data, make_inputs
):
    X, y, weights = make_fractional_data(n_samples=600, n_features=4, seed=6)
    model = ProbabilityRegressor(alpha=0).fit(*make_inputs(X, y, weights))
    reference = ProbabilityRegressor(alpha=0).fit(X, y, sample_weight=weights)
    _assert_same_fit(model, reference)


def test_a_boolean_selection_is_fitted_as_numpy(sync_scheduler, make_fractional_data):
    X, y, weights = make_fractional_data(n_samples=600, seed=7)
    keep = X[:, 0] > -0.5
    X_, y_, w_ = (da.from_array(a, chunks=100) for a in (X, y, weights))
    on_dask = da.from_array(keep, chunks=100)
    model = CrossEntropyRegressor(target_range=(0, 1)).fit(
        X_[on_dask], y_[on_dask], sample_weight=w_[on_dask]
    )
    reference = CrossEntropyRegressor(target_range=(0, 1)).fit(
        X[keep], y[keep], sample_weight=weights[keep]
    )
    _assert_same_fit(model, reference)


def test_soft_labels_in_a_dask_dataframe(sync_scheduler, make_soft_labels):
    data = make_soft_labels(n_samples=500, seed=8)
    model = ProbabilityRegressor().fit(
        _frame(data.X), _frame(data.soft, partitions=3), sample_weight=data.weights
    )
    reference = ProbabilityRegressor().fit(
        data.X, data.soft, sample_weight=data.weights
    )
    _assert_same_fit(model, reference)
    np.testing.assert_allclose(
        model.predict(_frame(data.X)).compute(), reference.predict(data.X), rtol=1e-8
    )
    # The class names are y's column names, as from pandas.
    names = [f"f{k}" for k in range(data.soft.shape[1])]
    assert model.target_names_.tolist() == names


@pytest.mark.parametrize(
    "fitted_on, unknown",
    [
        (lambda X: X, lambda X: _frame(X).values),
        (lambda X: pd.DataFrame(X, columns=["f0", "f1", "f2"]), _frame),
    ],
    ids=["array", "DataFrame"],
)
def test_predictions_of_unknown_chunk_sizes_are_computed_chunk_by_chunk(
    sync_scheduler, make_fractional_data, fitted_on, unknown
):
    X, y, _ = make_fractional_data(n_samples=300, seed=9)
    model = ProbabilityRegressor().fit(fitted_on(X), y)
    predictions = model.predict(unknown(X))
    assert isinstance(predictions, da.Array)
    assert np.isnan(predictions.shape[0])
    np.testing.assert_allclose(
        predictions.compute(), model.predict(fitted_on(X)), rtol=1e-12
    )


def test_dataframe_columns_are_the_feature_names(sync_scheduler, make_fractional_data):
    X, y, _ = make_fractional_data(n_samples=300, seed=10)
    model = ProbabilityRegressor().fit(_frame(X), y)
    in_pandas = ProbabilityRegressor().fit(
        pd.DataFrame(X, columns=["f0", "f1", "f2"]), y
    )
    np.testing.assert_array_equal(model.feature_names_in_, in_pandas.feature_names_in_)
    renamed = _frame(X).rename(columns={"f1": "other"})
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(renamed)
    # A dask array has no names to check: model.predict(array) warns (below).
    model = ProbabilityRegressor().fit(da.from_array(X, chunks=(100, -1)), y)
    assert not hasattr(model, "feature_names_in_")


# scikit-learn's words for feature names that do not match the fit's.
FEATURE_NAME_WARNINGS = {
    "names at fit, none at predict": (
        lambda X: pd.DataFrame(X, columns=["f0", "f1", "f2"]),
        lambda X: da.from_array(X, chunks=(100, -1)),
        "X does not have valid feature names, but ProbabilityRegressor was fitted",
    ),
    "none at fit, names at predict": (
        lambda X: da.from_array(X, chunks=(100, -1)),
        _frame,
        "X has feature names, but ProbabilityRegressor was fitted without",
    ),
}


@pytest.mark.parametrize(
    "fitted_on, predicted_on, words",
    FEATURE_NAME_WARNINGS.values(),
    ids=FEATURE_NAME_WARNINGS,
)
def test_feature_name_warnings_point_at_the_users_line(
    sync_scheduler,
    make_fractional_data,
    record_warnings,
    fitted_on,
    predicted_on,
    words,
):
    X, y, _ = make_fractional_data(n_samples=300, seed=11)
    model = ProbabilityRegressor().fit(fitted_on(X), y)
    with record_warnings() as caught:
        model.predict(predicted_on(X))
    assert [str(w.message)[: len(words)] for w in caught] == [words]
    assert [(w.category, w.filename) for w in caught] == [(UserWarning, __file__)]


def test_warnings_of_dataframe_fits_point_at_the_users_line(
    sync_scheduler, make_fractional_data, record_warnings
):
    X, y, _ = make_fractional_data(n_samples=300, seed=12)
    with record_warnings() as caught:
        ProbabilityRegressor().fit(_frame(X), _frame(y[:, None]))
        ProbabilityRegressor(alpha=0).fit(_frame(X), _series(1.0 * (X[:, 0] > 0)))
    package_warnings = [
        w for w in caught if w.category in (DataConversionWarning, ConvergenceWarning)
    ]
    assert [w.category for w in package_warnings] == [
        DataConversionWarning,
        ConvergenceWarning,
    ]
    assert "A column-vector y was passed" in str(package_warnings[0].message)
    assert "With alpha=0" in str(package_warnings[1].message)
    assert [w.filename for w in package_warnings] == [__file__] * 2


def test_what_cannot_be_fitted_is_named(sync_scheduler, make_fractional_data):
    X, y, _ = make_fractional_data(n_samples=300, seed=13)
    with_text = _frame(X).assign(city="Lyon")
    with pytest.raises(TypeError, match=r"X must hold numbers; .*\{'city': 'str'\}"):
        ProbabilityRegressor().fit(with_text, y)
    with pytest.raises(ValueError, match="Expected a 2-D X; got a dask Series"):
        ProbabilityRegressor().fit(_series(X[:, 0]), y)
    with pytest.raises(
        ValueError,
        match="X, y have inconsistent numbers of samples: X has 300, y has 290 rows",
    ):
        ProbabilityRegressor().fit(_frame(X), _series(y[:290]))
    with pytest.raises(ValueError, match="sample_weight has 299 rows"):
        ProbabilityRegressor().fit(
            _frame(X).values, y, sample_weight=_series(np.ones(299))
        )


def test_dask_dataframes_on_the_cluster(client):
    X, y, weights = generated_on_workers(60_000, 20_000, seed=14)
    frame = da.concatenate([X, y[:, None], weights[:, None]], axis=1).to_dask_dataframe(
        columns=[f"f{j}" for j in range(len(COEF))] + ["share", "trials"]
    )
    features = list(frame.columns[:-2])
    model = ProbabilityRegressor(alpha=0).fit(
        frame[features], frame["share"], sample_weight=frame["trials"]
    )
    in_memory = frame.compute()
    reference = ProbabilityRegressor(alpha=0).fit(
        in_memory[features], in_memory["share"], sample_weight=in_memory["trials"]
    )
    _assert_same_fit(model, reference)
    np.testing.assert_array_equal(model.feature_names_in_, features)
