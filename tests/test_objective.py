"""The linear-model objective: its value, gradient and Hessian products.

Checked against the definition written out from the link, against finite
differences of itself, and for the invariances it has (weights as repeated
rows, blocks and threads, sparse and dense ``X``, a shift shared by all
classes).
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import approx_fprime

from skxent._link import BINARY_LINKS, SOFTMAX
from skxent._objective import (
    LinearObjective,
    coef_and_intercept,
    params_of,
    scale_rows,
)
from skxent._row_blocks import RowBlocks

LINKS = {**BINARY_LINKS, "softmax": SOFTMAX}


def definition(params, X, targets, weights, alpha, fit_intercept, link):
    """Return the objective written out from the link, without its stable forms."""
    coef = params[: X.shape[1]]
    intercept = params[-1] if fit_intercept else 0.0
    mu = link.inverse(X @ coef + intercept)
    if targets.ndim == 2:
        cross_entropy = -(targets * np.log(mu)).sum(axis=1)
    else:
        cross_entropy = -(targets * np.log(mu) + (1 - targets) * np.log(1 - mu))
    return weights @ cross_entropy + 0.5 * alpha * np.sum(coef**2)


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_value_matches_definition(link_name, fit_intercept, alpha, make_linear_problem):
    X, targets, weights, params = make_linear_problem(link_name, fit_intercept)
    # Small enough that no predicted probability rounds to 0 or 1, where
    # the definition is no reference.
    params = 0.1 * params
    link = LINKS[link_name]
    objective = LinearObjective(
        RowBlocks(X), targets, weights, alpha, fit_intercept, link
    )
    value, _ = objective.value_and_gradient(params)
    expected = definition(params, X, targets, weights, alpha, fit_intercept, link)
    assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_gradient_matches_finite_differences(
    link_name, fit_intercept, alpha, make_linear_problem
):
    X, targets, weights, params = make_linear_problem(link_name, fit_intercept)
    objective = LinearObjective(
        RowBlocks(X), targets, weights, alpha, fit_intercept, LINKS[link_name]
    )

    def value(flat):
        return objective.value_and_gradient(flat.reshape(params.shape))[0]

    _, gradient = objective.value_and_gradient(params)
    assert gradient.shape == params.shape
    np.testing.assert_allclose(
        gradient.ravel(),
        approx_fprime(params.ravel(), value, 1e-7),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_hessian_product_matches_gradient_differences(
    link_name, fit_intercept, alpha, make_linear_problem
):
    X, targets, weights, params = make_linear_problem(link_name, fit_intercept)
    objective = LinearObjective(
        RowBlocks(X), targets, weights, alpha, fit_intercept, LINKS[link_name]
    )
    vector = np.random.default_rng(1).normal(size=params.shape)

    def gradient(p):
        return objective.value_and_gradient(p)[1]

    step = 1e-6
    expected = (gradient(params + step * vector) - gradient(params - step * vector)) / (
        2 * step
    )
    product = objective.hessian_product(vector, objective.curvature_at(params))
    np.testing.assert_allclose(product, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("link_name", LINKS)
def test_curvature_sums_are_those_of_the_rows_curvature_matrices(
    link_name, make_linear_problem
):
    """The preconditioner's inputs: ``sum_i w_i C_i`` and each row's ``w_i tr C_i``."""
    X, targets, weights, params = make_linear_problem(link_name, True)
    link = LINKS[link_name]
    objective = LinearObjective(RowBlocks(X), targets, weights, 0.1, True, link)
    curvature = objective.curvature_at(params)
    eta = X @ params[:-1] + params[-1]
    np.testing.assert_allclose(curvature, link.curvature(targets, eta), rtol=1e-10)
    # The rows' curvature matrices, from the curvature applied to unit vectors.
    n_classes = 1 if targets.ndim == 1 else targets.shape[1]
    units = np.eye(n_classes)
    matrices = np.stack(
        [
            link.curvature_product(curvature, np.broadcast_to(unit, eta.shape))
            for unit in units
        ],
        axis=-1,
    ).reshape(len(X), n_classes, n_classes)
    total, matrix_sum = objective.curvature_sums(curvature)
    np.testing.assert_allclose(
        np.atleast_2d(matrix_sum),
        np.einsum("i,iab->ab", weights, matrices),
        rtol=1e-12,
    )
    assert total == pytest.approx(np.einsum("i,iaa->", weights, matrices), rel=1e-12)
    np.testing.assert_allclose(
        objective.curvature_weights(curvature),
        weights * np.trace(matrices, axis1=1, axis2=2),
        # The softmax's trace, 1 - ||mu||^2, is exact to eps, not relatively.
        rtol=1e-12,
        atol=1e-16,
    )


@pytest.mark.parametrize("link_name", ["logit", "softmax"])
def test_intercept_is_not_penalised(link_name, make_linear_problem):
    X, targets, weights, params = make_linear_problem(link_name, True)
    link = LINKS[link_name]
    free = LinearObjective(RowBlocks(X), targets, weights, 0.0, True, link)
    penalised = LinearObjective(RowBlocks(X), targets, weights, 2.0, True, link)
    _, gradient_free = free.value_and_gradient(params)
    _, gradient_penalised = penalised.value_and_gradient(params)
    np.testing.assert_array_equal(gradient_penalised[-1], gradient_free[-1])
    np.testing.assert_allclose(
        gradient_penalised[:-1] - gradient_free[:-1], 2.0 * params[:-1]
    )


@pytest.mark.parametrize("link_name", LINKS)
def test_weights_act_like_repeated_rows(link_name, make_linear_problem):
    X, targets, _, params = make_linear_problem(link_name, True, n_samples=20)
    link = LINKS[link_name]
    counts = np.arange(20) % 3
    weights = counts / counts.sum()
    repeated = np.repeat(np.arange(20), counts)
    uniform = np.full(repeated.size, 1.0 / repeated.size)
    weighted = LinearObjective(RowBlocks(X), targets, weights, 0.1, True, link)
    expanded = LinearObjective(
        RowBlocks(X[repeated]), targets[repeated], uniform, 0.1, True, link
    )
    value, gradient = weighted.value_and_gradient(params)
    expanded_value, expanded_gradient = expanded.value_and_gradient(params)
    assert value == pytest.approx(expanded_value, rel=1e-12)
    np.testing.assert_allclose(gradient, expanded_gradient, rtol=1e-10, atol=1e-14)


def test_finite_at_huge_raw_predictions():
    X = np.array([[1.0], [-1.0]])
    objective = LinearObjective(
        RowBlocks(X),
        np.array([0.0, 1.0]),
        np.array([0.5, 0.5]),
        0.0,
        True,
        BINARY_LINKS["logit"],
    )
    value, gradient = objective.value_and_gradient(np.array([1e4, 0.0]))
    assert value == pytest.approx(1e4)
    assert np.all(np.isfinite(gradient))


def test_softmax_is_unchanged_by_a_shift_shared_by_all_classes(make_linear_problem):
    X, targets, weights, params = make_linear_problem("softmax", True)
    objective = LinearObjective(RowBlocks(X), targets, weights, 0.0, True, SOFTMAX)
    value, gradient = objective.value_and_gradient(params)
    shifted, _ = objective.value_and_gradient(params + 5.0)
    assert shifted == pytest.approx(value, rel=1e-12)
    # ... so the gradient has no component along that shift.
    np.testing.assert_allclose(gradient.sum(axis=1), 0.0, atol=1e-13)


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("make_X", [np.asarray, np.asfortranarray, sparse.csr_array])
def test_blocks_and_threads_give_the_same_results(
    set_block_elements, link_name, fit_intercept, make_X, make_linear_problem
):
    X, targets, weights, params = make_linear_problem(link_name, fit_intercept)
    X[np.abs(X) < 0.5] = 0.0
    X = make_X(X)
    link = LINKS[link_name]
    vector = np.linspace(-1.0, 1.0, params.size).reshape(params.shape)

    def evaluate_all(blocks):
        objective = LinearObjective(blocks, targets, weights, 0.5, fit_intercept, link)
        curvature = objective.curvature_at(params)
        value, gradient = objective.value_and_gradient(params)
        product = objective.hessian_product(vector, curvature)
        return curvature, value, gradient, product

    whole = evaluate_all(RowBlocks(X))
    # About one row per block, and three chunks of rows in three threads.
    set_block_elements(3)
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


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_gives_the_dense_values(link_name, fmt, make_linear_problem):
    X, targets, weights, params = make_linear_problem(link_name, True)
    X[np.abs(X) < 1.0] = 0.0
    X_sparse = sparse.csr_array(X).asformat(fmt)
    link = LINKS[link_name]
    dense = LinearObjective(RowBlocks(X), targets, weights, 0.3, True, link)
    sparse_objective = LinearObjective(
        RowBlocks(X_sparse), targets, weights, 0.3, True, link
    )
    value, gradient = dense.value_and_gradient(params)
    sparse_value, sparse_gradient = sparse_objective.value_and_gradient(params)
    assert sparse_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(sparse_gradient, gradient, rtol=1e-12, atol=1e-15)
    curvature = dense.curvature_at(params)
    np.testing.assert_allclose(sparse_objective.curvature_at(params), curvature)
    vector = np.ones_like(params)
    np.testing.assert_allclose(
        sparse_objective.hessian_product(vector, curvature),
        dense.hessian_product(vector, curvature),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("link_name", LINKS)
@pytest.mark.parametrize("make_sparse", [np.asarray, sparse.csr_array])
def test_float32_products_round_the_gradient_and_float64_ones_do_not(
    link_name, make_sparse, make_linear_problem
):
    X, targets, weights, params = make_linear_problem(link_name, True, n_samples=3000)
    X32 = X.astype(np.float32)
    link = LINKS[link_name]
    # The float32 data read in float64: the reference.
    reference = LinearObjective(
        RowBlocks(X32.astype(np.float64)), targets, weights, 0.1, True, link
    )
    objective = LinearObjective(
        RowBlocks(make_sparse(X32)), targets, weights, 0.1, True, link
    )
    value, gradient = reference.value_and_gradient(params)
    rounded_value, rounded_gradient = objective.value_and_gradient(params)
    exact_value, exact_gradient = objective.value_and_gradient(params, dtype=np.float64)
    assert exact_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(exact_gradient, gradient, rtol=1e-12, atol=1e-15)
    assert rounded_value == pytest.approx(value, rel=1e-6)
    rounding = np.max(np.abs(rounded_gradient - gradient))
    # scipy sums a sparse product in one float32 accumulator per column.
    assert 1e-12 < rounding < 1e-5


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(4,), (4, 3)], ids=["binary", "softmax"])
def test_params_of_inverts_coef_and_intercept(fit_intercept, shape):
    """Map between the parameters' layout and the estimators'.

    The parameters have the intercept row last; the estimators a row of
    ``coef_`` per class, and ``intercept_`` 0.0 without an intercept.
    """
    params = np.arange(float(np.prod((shape[0] + fit_intercept,) + shape[1:])))
    params = params.reshape((shape[0] + fit_intercept,) + shape[1:])
    coef, intercept = coef_and_intercept(params, fit_intercept)
    np.testing.assert_array_equal(coef, params[:4].T)
    if fit_intercept:
        np.testing.assert_array_equal(intercept, params[-1])
    else:
        np.testing.assert_array_equal(intercept, np.zeros(shape[1:]))
    if len(shape) == 1:
        assert isinstance(intercept, float)
    np.testing.assert_array_equal(params_of(coef, intercept, fit_intercept), params)


@pytest.mark.parametrize("container", [np.asarray, sparse.csr_array])
def test_scale_rows_multiplies_each_row_by_its_weight(container):
    values = np.arange(6.0).reshape(3, 2)
    weights = np.array([2.0, 0.0, -1.0])
    scaled = scale_rows(container(values), weights)
    dense = scaled.toarray() if sparse.issparse(scaled) else scaled
    np.testing.assert_array_equal(dense, values * weights[:, np.newaxis])
    cube = np.ones((3, 2, 2))
    np.testing.assert_array_equal(
        scale_rows(cube, weights), cube * weights[:, np.newaxis, np.newaxis]
    )


@pytest.mark.parametrize("link_name", LINKS)
def test_with_alpha_reuses_the_latest_evaluation_without_reading_X(
    link_name, make_linear_problem
):
    """A path's next objective at the previous point adds only its own penalty."""
    X, targets, weights, params = make_linear_problem(link_name, True)
    blocks = RowBlocks(X)
    reads = []
    summing = blocks.sum
    blocks.sum = lambda *args, **kwargs: reads.append(1) or summing(*args, **kwargs)
    objective = LinearObjective(blocks, targets, weights, 0.5, True, LINKS[link_name])
    objective.value_and_gradient(params)
    assert len(reads) == 1
    penalised = objective.with_alpha(2.0)
    value, gradient = penalised.value_and_gradient(params)
    assert len(reads) == 1
    fresh = LinearObjective(RowBlocks(X), targets, weights, 2.0, True, LINKS[link_name])
    expected_value, expected_gradient = fresh.value_and_gradient(params)
    assert value == pytest.approx(expected_value, rel=1e-14)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-13, atol=1e-16)
    assert objective.alpha == 0.5 and penalised.alpha == 2.0
    # Another point, or another dtype of the products, is evaluated anew.
    penalised.value_and_gradient(params + 1e-3)
    penalised.value_and_gradient(params + 1e-3, dtype=np.float32)
    assert len(reads) == 3
