import numpy as np
import pytest
from scipy import sparse
from scipy.linalg import null_space

from skxent import _preconditioning, _row_blocks
from skxent._loss import BINARY_LOSSES, SOFTMAX_LOSS, softmax_curvature_factors
from skxent._objective import hessian_vector_product
from skxent._preconditioning import (
    build_preconditioner,
    centre_and_squares,
    centred_weighted_gram,
)
from skxent._row_blocks import RowBlocks


def make_design(n=300, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * 10.0 ** rng.uniform(-2, 2, size=p) + 5.0
    X[:, 1] += 0.99 * X[:, 0]
    return X, rng.uniform(0.1, 1.0, size=n) / n


def full_hessian(X, curvature_weights, alpha, fit_intercept):
    """The binary model's Hessian for curvature times weight ``curvature_weights``."""
    n_params = X.shape[1] + fit_intercept
    return np.column_stack(
        [
            hessian_vector_product(
                e,
                RowBlocks(X),
                np.ones(len(X)),
                curvature_weights,
                alpha,
                fit_intercept,
                BINARY_LOSSES["logit"],
            )
            for e in np.eye(n_params)
        ]
    )


def transform_matrix(preconditioner):
    return np.column_stack(
        [preconditioner.step(e).ravel() for e in np.eye(preconditioner.n_variables)]
    )


def test_gram_is_the_centred_weighted_product():
    X, weights = make_design()
    center = X.mean(axis=0)
    expected = (X - center).T @ ((X - center) * weights[:, np.newaxis])
    np.testing.assert_allclose(centred_weighted_gram(X, weights, center), expected)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "offset, rtol",
    # Uncentred sums of a column whose mean is 1e4 times its spread lose 8 of
    # 16 digits; at 1e8 they would keep none, and the column is summed again,
    # centred.
    [(0.0, 1e-12), (1e4, 1e-6), (1e8, 1e-10)],
)
def test_centre_and_squares_keep_digits_when_a_mean_dwarfs_its_spread(
    monkeypatch, fit_intercept, offset, rtol
):
    X, weights = make_design(n=3000)
    X[:, 2] = X[:, 2] / X[:, 2].std() + offset
    expected_center = (
        weights @ X / weights.sum() if fit_intercept else np.zeros(X.shape[1])
    )
    expected_squares = weights @ (X - expected_center) ** 2
    monkeypatch.setattr(_row_blocks, "BLOCK_ELEMENTS", 700)
    center, squares = centre_and_squares(RowBlocks(X), weights, fit_intercept)
    np.testing.assert_allclose(center, expected_center, rtol=1e-12)
    np.testing.assert_allclose(squares[2], expected_squares[2], rtol=rtol)
    others = [0, 1, 3, 4, 5]
    np.testing.assert_allclose(squares[others], expected_squares[others], rtol=1e-8)


def test_gram_reads_x_in_blocks(monkeypatch):
    X, weights = make_design(n=50)
    expected = centred_weighted_gram(X, weights, np.zeros(X.shape[1]))
    monkeypatch.setattr(_row_blocks, "BLOCK_ELEMENTS", 7)
    blocked = centred_weighted_gram(X, weights, np.zeros(X.shape[1]))
    np.testing.assert_allclose(blocked, expected, rtol=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_whitens_the_hessian(fit_intercept, alpha):
    X, weights = make_design()
    origin = np.zeros(X.shape[1] + fit_intercept)
    preconditioner = build_preconditioner(
        RowBlocks(X), weights, None, alpha, fit_intercept, origin
    )
    transform = transform_matrix(preconditioner)
    whitened = transform.T @ full_hessian(X, weights, alpha, fit_intercept) @ transform
    np.testing.assert_allclose(whitened, np.eye(len(origin)), atol=1e-8)


def test_sampled_rows_still_whiten_approximately(monkeypatch):
    X, weights = make_design(n=4000)
    monkeypatch.setattr(_preconditioning, "MIN_SAMPLED_ROWS", 400)
    monkeypatch.setattr(_preconditioning, "ROWS_PER_FEATURE", 1)
    preconditioner = build_preconditioner(
        RowBlocks(X), weights, None, 0.0, True, np.zeros(7)
    )
    transform = transform_matrix(preconditioner)
    eigenvalues = np.linalg.eigvalsh(
        transform.T @ full_hessian(X, weights, 0.0, True) @ transform
    )
    assert 0.5 < eigenvalues.min() and eigenvalues.max() < 2.0


def test_gradient_is_the_adjoint_of_step():
    X, weights = make_design()
    origin = np.random.default_rng(3).normal(size=7)
    preconditioner = build_preconditioner(
        RowBlocks(X), weights, None, 0.1, True, origin
    )
    rng = np.random.default_rng(4)
    z, g = rng.normal(size=7), rng.normal(size=7)
    assert preconditioner.step(z) @ g == pytest.approx(z @ preconditioner.gradient(g))
    np.testing.assert_allclose(preconditioner.params(np.zeros(7)), origin)


@pytest.mark.parametrize(
    "make_x",
    [
        lambda X: np.column_stack([X, X[:, 0]]),  # duplicate column
        lambda X: np.column_stack([X, np.full(len(X), 3.0)]),  # constant column
        lambda X: np.column_stack([X, np.zeros(len(X))]),  # zero column
        lambda X: X[:4],  # more features than samples
        lambda X: np.zeros_like(X),  # no information at all
    ],
    ids=["duplicate", "constant", "zero", "p>n", "all-zero"],
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_rank_deficient_designs_give_finite_maps(make_x, fit_intercept):
    X, _ = make_design()
    X = make_x(X)
    weights = np.full(len(X), 0.25 / len(X))
    preconditioner = build_preconditioner(
        RowBlocks(X),
        weights,
        None,
        0.0,
        fit_intercept,
        np.zeros(X.shape[1] + fit_intercept),
    )
    transform = transform_matrix(preconditioner)
    assert np.all(np.isfinite(transform))
    whitened = transform.T @ full_hessian(X, weights, 0.0, fit_intercept) @ transform
    # Close to the identity on the directions the data determine, and zero
    # (not huge) on the others: rounding noise there is not amplified.
    eigenvalues = np.linalg.eigvalsh(whitened)
    assert np.all((np.abs(eigenvalues - 1) < 1e-4) | (np.abs(eigenvalues) < 1e-6))


def test_many_features_use_jacobi_scaling(monkeypatch):
    X, weights = make_design()
    monkeypatch.setattr(_preconditioning, "MAX_FEATURES_FOR_WHITENING", 3)
    preconditioner = build_preconditioner(
        RowBlocks(X), weights, None, 0.0, True, np.zeros(7)
    )
    transform = transform_matrix(preconditioner)
    whitened = transform.T @ full_hessian(X, weights, 0.0, True) @ transform
    np.testing.assert_allclose(np.diag(whitened), 1.0, rtol=1e-10)


def softmax_hessian(X, mean, weights, alpha, fit_intercept):
    shape = (X.shape[1] + fit_intercept, mean.shape[1])
    return np.column_stack(
        [
            hessian_vector_product(
                e.reshape(shape),
                RowBlocks(X),
                mean,
                weights,
                alpha,
                fit_intercept,
                SOFTMAX_LOSS,
            ).ravel()
            for e in np.eye(np.prod(shape))
        ]
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 1e-3, 0.3])
def test_softmax_preconditioner_whitens_a_cold_start_hessian(fit_intercept, alpha):
    """Exact with alpha = 0 but for the shift shared by all classes, which has
    no curvature; with alpha > 0 the penalty (the same for every class) is
    only approximately a Kronecker factor, and is rescaled for a typical
    class direction."""
    X, weights = make_design()
    class_probabilities = np.array([0.5, 0.3, 0.15, 0.05])
    mean = np.tile(class_probabilities, (len(X), 1))
    origin = np.zeros((X.shape[1] + fit_intercept, 4))
    preconditioner = build_preconditioner(
        RowBlocks(X),
        *softmax_curvature_factors(mean, weights),
        alpha,
        fit_intercept,
        origin,
    )
    transform = transform_matrix(preconditioner)
    whitened = (
        transform.T
        @ softmax_hessian(X, mean, weights, alpha, fit_intercept)
        @ transform
    )
    # Leave out the shift shared by all classes (z columns along ones): no
    # curvature from the data there, and the gradient has no component along
    # it, so the solver never moves that way.
    n_rows = X.shape[1] + fit_intercept
    differences = null_space(np.ones((1, 4)))
    basis = np.kron(np.eye(n_rows), differences)
    eigenvalues = np.linalg.eigvalsh(basis.T @ whitened @ basis)
    if alpha == 0:
        np.testing.assert_allclose(eigenvalues, 1.0, rtol=1e-8)
    else:
        # Measured: condition numbers of about 35, here where columns of
        # scales 1e-2..1e2 make the penalty dominate some directions.
        assert eigenvalues.max() / eigenvalues.min() < 100


def test_softmax_gradient_is_the_adjoint_of_step():
    X, weights = make_design()
    rng = np.random.default_rng(5)
    mean = rng.dirichlet(np.ones(3), size=len(X))
    origin = rng.normal(size=(7, 3))
    preconditioner = build_preconditioner(
        RowBlocks(X), *softmax_curvature_factors(mean, weights), 0.1, True, origin
    )
    z, g = rng.normal(size=21), rng.normal(size=(7, 3))
    assert np.vdot(preconditioner.step(z), g) == pytest.approx(
        z @ preconditioner.gradient(g)
    )
    assert preconditioner.step(z).shape == origin.shape


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_moments_and_gram_equal_the_dense_ones(fmt, fit_intercept):
    X, curvature_weights = make_design()
    X[np.abs(X) < 0.8] = 0.0
    X_sparse = sparse.csr_array(X).asformat(fmt)
    center, squares = _preconditioning.centre_and_squares(
        RowBlocks(X), curvature_weights, fit_intercept
    )
    sparse_center, sparse_squares = _preconditioning.centre_and_squares(
        RowBlocks(X_sparse), curvature_weights, fit_intercept
    )
    np.testing.assert_allclose(sparse_center, center, rtol=1e-12, atol=1e-15)
    # Both from uncentred sums, summed in different orders: column 0 (mean 5,
    # spread 0.01) keeps about ten digits, more than a preconditioner needs.
    np.testing.assert_allclose(sparse_squares, squares, rtol=1e-8)
    np.testing.assert_allclose(
        _preconditioning.centred_weighted_gram(X_sparse, curvature_weights, center),
        _preconditioning.centred_weighted_gram(X, curvature_weights, center),
        rtol=1e-10,
        atol=1e-14,
    )
