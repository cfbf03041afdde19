from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import approx_fprime

from skxent import _row_blocks
from skxent._link import BINARY_LINKS, SOFTMAX
from skxent._objective import LinearObjective
from skxent._row_blocks import RowBlocks

LOSSES = {**BINARY_LINKS, "softmax": SOFTMAX}


def objective_value_and_gradient(
    params, blocks, targets, weights, alpha, fit_intercept, link, dtype=None
):
    objective = LinearObjective(blocks, targets, weights, alpha, fit_intercept, link)
    return objective.value_and_gradient(params, dtype=dtype)


def curvature_at(params, blocks, targets, fit_intercept, link):
    objective = LinearObjective(blocks, targets, None, 0.0, fit_intercept, link)
    return objective.curvature_at(params)


def hessian_vector_product(
    vector, blocks, curvature, weights, alpha, fit_intercept, link
):
    objective = LinearObjective(blocks, None, weights, alpha, fit_intercept, link)
    return objective.hessian_product(vector, curvature)


def make_problem(loss_name, fit_intercept, seed=0, n=60, p=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1, 3.0][:p]
    if loss_name == "softmax":
        targets = rng.dirichlet(np.ones(3), size=n)
        targets[:5] = np.eye(3)[rng.integers(3, size=5)]
        params = rng.normal(scale=0.3, size=(p + fit_intercept, 3))
    else:
        targets = rng.uniform(size=n)
        targets[:5] = 0.0
        targets[5:10] = 1.0
        params = rng.normal(scale=0.3, size=p + fit_intercept)
    weights = rng.uniform(0.0, 3.0, size=n)
    weights /= weights.sum()
    return X, targets, weights, params


def definition(params, X, targets, weights, alpha, fit_intercept, loss):
    """The objective written out from the link, without _loss's stable forms."""
    coef = params[: X.shape[1]]
    intercept = params[-1] if fit_intercept else 0.0
    mu = loss.inverse(X @ coef + intercept)
    if targets.ndim == 2:
        cross_entropy = -(targets * np.log(mu)).sum(axis=1)
    else:
        cross_entropy = -(targets * np.log(mu) + (1 - targets) * np.log(1 - mu))
    return weights @ cross_entropy + 0.5 * alpha * np.sum(coef**2)


def evaluate(params, X, targets, weights, alpha, fit_intercept, loss):
    return objective_value_and_gradient(
        params, RowBlocks(X), targets, weights, alpha, fit_intercept, loss
    )


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_value_matches_definition(loss_name, fit_intercept, alpha):
    X, targets, weights, params = make_problem(loss_name, fit_intercept)
    # Small enough that no predicted probability rounds to 0 or 1, where
    # the definition is no reference.
    params = 0.1 * params
    args = (X, targets, weights, alpha, fit_intercept, LOSSES[loss_name])
    value, _ = evaluate(params, *args)
    assert value == pytest.approx(definition(params, *args), rel=1e-12)


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_gradient_matches_finite_differences(loss_name, fit_intercept, alpha):
    X, targets, weights, params = make_problem(loss_name, fit_intercept)
    args = (X, targets, weights, alpha, fit_intercept, LOSSES[loss_name])

    def value(flat):
        return evaluate(flat.reshape(params.shape), *args)[0]

    _, gradient = evaluate(params, *args)
    assert gradient.shape == params.shape
    np.testing.assert_allclose(
        gradient.ravel(),
        approx_fprime(params.ravel(), value, 1e-7),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_hessian_vector_product_matches_gradient_differences(
    loss_name, fit_intercept, alpha
):
    X, targets, weights, params = make_problem(loss_name, fit_intercept)
    loss = LOSSES[loss_name]
    vector = np.random.default_rng(1).normal(size=params.shape)

    def gradient(p):
        return evaluate(p, X, targets, weights, alpha, fit_intercept, loss)[1]

    step = 1e-6
    expected = (gradient(params + step * vector) - gradient(params - step * vector)) / (
        2 * step
    )
    curvature = curvature_at(params, RowBlocks(X), targets, fit_intercept, loss)
    product = hessian_vector_product(
        vector, RowBlocks(X), curvature, weights, alpha, fit_intercept, loss
    )
    np.testing.assert_allclose(product, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss_name", ["logit", "softmax"])
def test_intercept_is_not_penalised(loss_name):
    X, targets, weights, params = make_problem(loss_name, True)
    loss = LOSSES[loss_name]
    _, gradient_free = evaluate(params, X, targets, weights, 0.0, True, loss)
    _, gradient_penalised = evaluate(params, X, targets, weights, 2.0, True, loss)
    np.testing.assert_array_equal(gradient_penalised[-1], gradient_free[-1])
    np.testing.assert_allclose(
        gradient_penalised[:-1] - gradient_free[:-1], 2.0 * params[:-1]
    )


@pytest.mark.parametrize("loss_name", LOSSES)
def test_weights_act_like_repeated_rows(loss_name):
    X, targets, _, params = make_problem(loss_name, True, n=20)
    loss = LOSSES[loss_name]
    counts = np.arange(20) % 3
    weights = counts / counts.sum()
    repeated = np.repeat(np.arange(20), counts)
    uniform = np.full(repeated.size, 1.0 / repeated.size)
    weighted = evaluate(params, X, targets, weights, 0.1, True, loss)
    expanded = evaluate(
        params, X[repeated], targets[repeated], uniform, 0.1, True, loss
    )
    assert weighted[0] == pytest.approx(expanded[0], rel=1e-12)
    np.testing.assert_allclose(weighted[1], expanded[1], rtol=1e-10, atol=1e-14)


def test_finite_at_huge_raw_predictions():
    X = np.array([[1.0], [-1.0]])
    value, gradient = evaluate(
        np.array([1e4, 0.0]),
        X,
        np.array([0.0, 1.0]),
        np.array([0.5, 0.5]),
        0.0,
        True,
        BINARY_LINKS["logit"],
    )
    assert value == pytest.approx(1e4)
    assert np.all(np.isfinite(gradient))


def test_softmax_is_unchanged_by_a_shift_shared_by_all_classes():
    X, targets, weights, params = make_problem("softmax", True)
    value, gradient = evaluate(params, X, targets, weights, 0.0, True, SOFTMAX)
    shifted, _ = evaluate(params + 5.0, X, targets, weights, 0.0, True, SOFTMAX)
    assert shifted == pytest.approx(value, rel=1e-12)
    # ... so the gradient has no component along that shift.
    np.testing.assert_allclose(gradient.sum(axis=1), 0.0, atol=1e-13)


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("make_X", [np.asarray, np.asfortranarray, sparse.csr_array])
def test_blocks_and_threads_give_the_same_results(
    monkeypatch, loss_name, fit_intercept, make_X
):
    X, targets, weights, params = make_problem(loss_name, fit_intercept)
    X[np.abs(X) < 0.5] = 0.0
    X = make_X(X)
    loss = LOSSES[loss_name]
    vector = np.linspace(-1.0, 1.0, params.size).reshape(params.shape)

    def evaluate_all(blocks):
        curvature = curvature_at(params, blocks, targets, fit_intercept, loss)
        value, gradient = objective_value_and_gradient(
            params, blocks, targets, weights, 0.5, fit_intercept, loss
        )
        product = hessian_vector_product(
            vector, blocks, curvature, weights, 0.5, fit_intercept, loss
        )
        return curvature, value, gradient, product

    whole = evaluate_all(RowBlocks(X))
    # About one row per block, and three chunks of rows in three threads.
    monkeypatch.setattr(_row_blocks, "BLOCK_ELEMENTS", 3)
    with ThreadPoolExecutor(3) as executor:
        blocks = RowBlocks(X, executor, n_chunks=3)
        assert len(blocks.chunks) == 3
        n_blocks = sum(
            len(list(blocks.blocks(chunk, X.dtype))) for chunk in blocks.chunks
        )
        assert n_blocks > 50
        blocked = evaluate_all(blocks)
    # The probit's curvature cancels in its tails, amplifying the rounding
    # of X @ coef, which is summed in another order row by row.
    for blocked_result, expected, rtol in zip(
        blocked, whole, [1e-11, 1e-13, 1e-13, 1e-13], strict=True
    ):
        np.testing.assert_allclose(blocked_result, expected, rtol=rtol, atol=1e-16)


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_gives_the_dense_values(loss_name, fmt):
    X, targets, weights, params = make_problem(loss_name, True)
    X[np.abs(X) < 1.0] = 0.0
    X_sparse = sparse.csr_array(X).asformat(fmt)
    args = (targets, weights, 0.3, True, LOSSES[loss_name])
    value, gradient = evaluate(params, X, *args)
    sparse_value, sparse_gradient = evaluate(params, X_sparse, *args)
    assert sparse_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(sparse_gradient, gradient, rtol=1e-12, atol=1e-15)
    blocks, sparse_blocks = RowBlocks(X), RowBlocks(X_sparse)
    curvature = curvature_at(params, blocks, targets, True, LOSSES[loss_name])
    np.testing.assert_allclose(
        curvature_at(params, sparse_blocks, targets, True, LOSSES[loss_name]),
        curvature,
    )
    vector = np.ones_like(params)
    np.testing.assert_allclose(
        hessian_vector_product(vector, sparse_blocks, curvature, *args[1:]),
        hessian_vector_product(vector, blocks, curvature, *args[1:]),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("loss_name", LOSSES)
@pytest.mark.parametrize("make_sparse", [np.asarray, sparse.csr_array])
def test_float32_products_round_the_gradient_and_float64_ones_do_not(
    loss_name, make_sparse
):
    X, targets, weights, params = make_problem(loss_name, True, n=3000)
    X32 = X.astype(np.float32)
    args = (targets, weights, 0.1, True, LOSSES[loss_name])
    # The float32 data read in float64: the reference.
    value, gradient = evaluate(params, X32.astype(np.float64), *args)
    rounded_value, rounded_gradient = evaluate(params, make_sparse(X32), *args)
    exact_value, exact_gradient = objective_value_and_gradient(
        params, RowBlocks(make_sparse(X32)), *args, dtype=np.float64
    )
    assert exact_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(exact_gradient, gradient, rtol=1e-12, atol=1e-15)
    assert rounded_value == pytest.approx(value, rel=1e-6)
    rounding = np.max(np.abs(rounded_gradient - gradient))
    # scipy sums a sparse product in one float32 accumulator per column.
    assert 1e-12 < rounding < 1e-5
