"""The preconditioner: the change of variables that whitens the objective's Hessian.

Checked against the Hessian built column by column from the objective's
Hessian products, and against moments of ``X`` computed directly.
"""

import numpy as np
import pytest
from scipy import sparse
from scipy.linalg import null_space
from scipy.special import expit

from skxent import _preconditioning, _row_blocks
from skxent._link import BINARY_LINKS, LOGIT, SOFTMAX, Logit, Softmax
from skxent._objective import LinearObjective
from skxent._preconditioning import (
    PreconditionedObjective,
    curvature_moments,
    measure_curvature,
    preconditioner_from,
)
from skxent._row_blocks import RowBlocks


class UnitCurvature(Logit):
    """The logit with curvature 1 everywhere: the row weights are the weights."""

    def curvature(self, targets, raw_prediction):
        return np.ones_like(raw_prediction)


class GivenMean(Softmax):
    """The softmax whose curvature is given by its targets, the rows ``mu``."""

    def curvature(self, targets, raw_prediction):
        return targets


def preconditioner_of(X, weights, alpha, fit_intercept, origin, mean=None):
    """Build the preconditioner at ``origin`` for given curvatures.

    Row curvature weights ``weights`` (binary), or rows ``mean`` of predicted
    probabilities (softmax).
    """
    if mean is None:
        objective = LinearObjective(
            RowBlocks(X),
            np.zeros(len(X)),
            weights,
            alpha,
            fit_intercept,
            UnitCurvature(),
        )
    else:
        objective = LinearObjective(
            RowBlocks(X), mean, weights, alpha, fit_intercept, GivenMean()
        )
    return preconditioner_from(
        measure_curvature(objective, origin), origin, alpha, fit_intercept
    )


def make_ill_conditioned_design(n_samples=300, n_features=6, seed=0):
    """Make ``(X, weights)``: columns of scales 1e-2..1e2 about 5, two correlated.

    Columns 0 and 1 are correlated at about 0.99 (beyond their scales); the
    weights are uniform in [0.1, 1] over ``n_samples``.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    X = X * 10.0 ** rng.uniform(-2, 2, size=n_features) + 5.0
    X[:, 1] += 0.99 * X[:, 0]
    return X, rng.uniform(0.1, 1.0, size=n_samples) / n_samples


def full_hessian(X, curvature_weights, alpha, fit_intercept):
    """Return the binary model's Hessian for row curvature weights."""
    objective = LinearObjective(
        RowBlocks(X), None, curvature_weights, alpha, fit_intercept, LOGIT
    )
    curvature = np.ones(len(X))
    n_params = X.shape[1] + fit_intercept
    return np.column_stack(
        [objective.hessian_product(e, curvature) for e in np.eye(n_params)]
    )


def transform_matrix(preconditioner):
    return np.column_stack(
        [preconditioner.step(e).ravel() for e in np.eye(preconditioner.n_variables)]
    )


def exact_moments(X, weights, fit_intercept):
    center = weights @ X / weights.sum() if fit_intercept else np.zeros(X.shape[1])
    centered = X - center
    gram = centered.T @ (centered * weights[:, np.newaxis])
    spread = np.sqrt(np.diag(gram))
    return center, np.diag(gram), gram / np.outer(spread, spread)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_columns_of_tiny_and_huge_scale_are_both_whitened(fit_intercept):
    """Judge each column's curvature against its own magnitude.

    A column of values near 1e-8 beside one near 1e8 (curvatures 1e-32
    apart) is data, not rounding noise.
    """
    X, weights = make_ill_conditioned_design(n_features=4)
    X = X * [1e-8, 1.0, 1e8, 1.0]
    origin = np.zeros(X.shape[1] + fit_intercept)
    preconditioner = preconditioner_of(X, weights, 0.0, fit_intercept, origin)
    transform = transform_matrix(preconditioner)
    whitened = transform.T @ full_hessian(X, weights, 0.0, fit_intercept) @ transform
    np.testing.assert_allclose(whitened, np.eye(len(origin)), atol=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("layout", ["C", "F", "csr", "csc"])
def test_moments_over_all_rows_are_exact(set_block_elements, fit_intercept, layout):
    X, weights = make_ill_conditioned_design()
    X[np.abs(X) < 0.01] = 0.0
    X_layout = {
        "C": np.ascontiguousarray,
        "F": np.asfortranarray,
        "csr": sparse.csr_array,
        "csc": sparse.csc_array,
    }[layout](X)
    set_block_elements(70)
    moments = curvature_moments(
        RowBlocks(X_layout), weights, weights.sum(), fit_intercept
    )
    center, squares, correlation = exact_moments(X, weights, fit_intercept)
    np.testing.assert_allclose(moments.center, center, rtol=1e-12, atol=1e-15)
    # The sparse sums are uncentered: column 0 (mean 5, spread 0.01) keeps
    # about ten digits, more than a preconditioner needs.
    np.testing.assert_allclose(moments.squares, squares, rtol=1e-8)
    np.testing.assert_allclose(moments.correlation, correlation, atol=1e-8)


def counting_sums(monkeypatch):
    """Record the row counts of the RowBlocks summed over."""
    summed = []
    original = RowBlocks.sum

    def sum_and_count(self, *args, **kwargs):
        summed.append(self.shape[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(RowBlocks, "sum", sum_and_count)
    return summed


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sampled_moments_need_no_pass_over_well_sampled_columns(
    monkeypatch, fit_intercept
):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 4)) * [1.0, 1e-3, 1e3, 1.0] + [0.0, 1e8, 5.0, 1.0]
    X[:, 3] = rng.exponential(size=20_000)
    weights = rng.uniform(0.5, 1.5, size=20_000)
    monkeypatch.setattr(_row_blocks, "MIN_SAMPLED_ROWS", 2000)
    monkeypatch.setattr(_row_blocks, "ROWS_PER_FEATURE", 1)
    summed = counting_sums(monkeypatch)
    moments = curvature_moments(RowBlocks(X), weights, weights.sum(), fit_intercept)
    assert max(summed) == 2000
    center, squares, correlation = exact_moments(X, weights, fit_intercept)
    spread = np.sqrt(squares / weights.sum())
    # Within a few standard errors of the 2000 sampled rows.
    assert np.all(np.abs(moments.center - center) < 0.1 * spread)
    np.testing.assert_allclose(moments.squares, squares, rtol=0.15)
    np.testing.assert_allclose(moments.correlation, correlation, atol=0.1)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_poorly_sampled_columns_are_summed_over_all_rows(monkeypatch, fit_intercept):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20_000, 4))
    X[:, 1] = 0.0
    X[rng.choice(20_000, size=15, replace=False), 1] = 1.0  # a rare dummy
    X[:, 2] = 3.0  # constant
    X[:, 3] = rng.standard_cauchy(size=20_000)  # heavy tails
    weights = rng.uniform(0.5, 1.5, size=20_000)
    monkeypatch.setattr(_row_blocks, "MIN_SAMPLED_ROWS", 2000)
    monkeypatch.setattr(_row_blocks, "ROWS_PER_FEATURE", 1)
    summed = counting_sums(monkeypatch)
    moments = curvature_moments(RowBlocks(X), weights, weights.sum(), fit_intercept)
    assert summed.count(20_000) == 1
    center, squares, _ = exact_moments(X, weights, fit_intercept)
    np.testing.assert_allclose(moments.center[1:], center[1:], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(moments.squares[1:], squares[1:], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(moments.squares[0], squares[0], rtol=0.15)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "offset, rtol",
    # Uncentered sums of a column whose mean is 1e4 times its spread lose 8 of
    # 16 digits; at 1e8 they would keep none, and the column is summed again,
    # centered.
    [(0.0, 1e-12), (1e4, 1e-6), (1e8, 1e-10)],
)
def test_sparse_moments_keep_digits_when_a_mean_dwarfs_its_spread(
    set_block_elements, fit_intercept, offset, rtol
):
    X, weights = make_ill_conditioned_design(n_samples=3000)
    X[:, 2] = X[:, 2] / X[:, 2].std() + offset
    center, squares, _ = exact_moments(X, weights, fit_intercept)
    set_block_elements(700)
    moments = curvature_moments(
        RowBlocks(sparse.csr_array(X)), weights, weights.sum(), fit_intercept
    )
    np.testing.assert_allclose(moments.center, center, rtol=1e-12)
    np.testing.assert_allclose(moments.squares[2], squares[2], rtol=rtol)
    others = [0, 1, 3, 4, 5]
    np.testing.assert_allclose(moments.squares[others], squares[others], rtol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_whitens_the_hessian(fit_intercept, alpha):
    X, weights = make_ill_conditioned_design()
    origin = np.zeros(X.shape[1] + fit_intercept)
    preconditioner = preconditioner_of(X, weights, alpha, fit_intercept, origin)
    transform = transform_matrix(preconditioner)
    whitened = transform.T @ full_hessian(X, weights, alpha, fit_intercept) @ transform
    np.testing.assert_allclose(whitened, np.eye(len(origin)), atol=1e-8)


def test_sampled_rows_still_whiten_approximately(monkeypatch):
    X, weights = make_ill_conditioned_design(n_samples=4000)
    monkeypatch.setattr(_row_blocks, "MIN_SAMPLED_ROWS", 400)
    monkeypatch.setattr(_row_blocks, "ROWS_PER_FEATURE", 1)
    preconditioner = preconditioner_of(X, weights, 0.0, True, np.zeros(7))
    transform = transform_matrix(preconditioner)
    eigenvalues = np.linalg.eigvalsh(
        transform.T @ full_hessian(X, weights, 0.0, True) @ transform
    )
    assert 0.5 < eigenvalues.min() and eigenvalues.max() < 2.0


def test_gradient_is_the_adjoint_of_step():
    X, weights = make_ill_conditioned_design()
    origin = np.random.default_rng(3).normal(size=7)
    preconditioner = preconditioner_of(X, weights, 0.1, True, origin)
    rng = np.random.default_rng(4)
    z, g = rng.normal(size=7), rng.normal(size=7)
    assert preconditioner.step(z) @ g == pytest.approx(z @ preconditioner.gradient(g))
    np.testing.assert_array_equal(preconditioner.step(np.zeros(7)), np.zeros(7))


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
    X, _ = make_ill_conditioned_design()
    X = make_x(X)
    weights = np.full(len(X), 0.25 / len(X))
    preconditioner = preconditioner_of(
        X,
        weights,
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
    X, weights = make_ill_conditioned_design()
    monkeypatch.setattr(_preconditioning, "MAX_FEATURES_FOR_WHITENING", 3)
    preconditioner = preconditioner_of(X, weights, 0.0, True, np.zeros(7))
    transform = transform_matrix(preconditioner)
    whitened = transform.T @ full_hessian(X, weights, 0.0, True) @ transform
    np.testing.assert_allclose(np.diag(whitened), 1.0, rtol=1e-10)


def softmax_hessian(X, mean, weights, alpha, fit_intercept):
    """Return the softmax model's Hessian where it predicts the rows ``mean``."""
    objective = LinearObjective(
        RowBlocks(X), None, weights, alpha, fit_intercept, SOFTMAX
    )
    shape = (X.shape[1] + fit_intercept, mean.shape[1])
    return np.column_stack(
        [
            objective.hessian_product(e.reshape(shape), mean).ravel()
            for e in np.eye(np.prod(shape))
        ]
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 1e-3, 0.3])
def test_softmax_preconditioner_whitens_a_cold_start_hessian(fit_intercept, alpha):
    """Whiten exactly with alpha = 0, approximately with a penalty.

    Exact but for the shift shared by all classes, which has no curvature;
    with alpha > 0 the penalty (the same for every class) is only
    approximately a Kronecker factor, and is rescaled for a typical class
    direction.
    """
    X, weights = make_ill_conditioned_design()
    class_probabilities = np.array([0.5, 0.3, 0.15, 0.05])
    mean = np.tile(class_probabilities, (len(X), 1))
    origin = np.zeros((X.shape[1] + fit_intercept, 4))
    preconditioner = preconditioner_of(X, weights, alpha, fit_intercept, origin, mean)
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
    X, weights = make_ill_conditioned_design()
    rng = np.random.default_rng(5)
    mean = rng.dirichlet(np.ones(3), size=len(X))
    origin = rng.normal(size=(7, 3))
    preconditioner = preconditioner_of(X, weights, 0.1, True, origin, mean)
    z, g = rng.normal(size=21), rng.normal(size=(7, 3))
    assert np.vdot(preconditioner.step(z), g) == pytest.approx(
        z @ preconditioner.gradient(g)
    )
    assert preconditioner.step(z).shape == origin.shape


# ------------------------------------------------ masks and the coefficient part


def masked_preconditioner(mask, alpha, fit_intercept, n_classes=None, seed=0):
    """Build the preconditioner of a logit (or softmax) objective, with ``mask``.

    At a random origin, on :func:`make_ill_conditioned_design`'s data with
    random targets. Return it with its objective.
    """
    X, weights = make_ill_conditioned_design(seed=seed)
    rng = np.random.default_rng(seed)
    n_params = X.shape[1] + fit_intercept
    if n_classes is None:
        targets, link = rng.uniform(size=len(X)), LOGIT
        origin = rng.normal(scale=0.01, size=n_params)
    else:
        targets, link = rng.dirichlet(np.ones(n_classes), size=len(X)), SOFTMAX
        origin = rng.normal(scale=0.01, size=(n_params, n_classes))
    objective = LinearObjective(
        RowBlocks(X), targets, weights, alpha, fit_intercept, link
    )
    curvature = measure_curvature(objective, origin)
    return preconditioner_from(curvature, origin, alpha, fit_intercept, mask), objective


FEATURE_MASK = np.array([True, False, True, True, False, True])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_classes", [None, 3], ids=["logit", "softmax"])
def test_a_mask_keeps_the_other_coefficients_exactly_at_the_origin(
    n_classes, fit_intercept
):
    rng = np.random.default_rng(1)
    mask = (
        FEATURE_MASK
        if n_classes is None
        # Elementwise for the softmax: a feature may move in some classes.
        else np.column_stack([FEATURE_MASK, FEATURE_MASK, ~FEATURE_MASK])
        & (rng.uniform(size=(6, 3)) < 0.8)
    )
    alpha = np.array([0.1, 0.0, 0.3, 1e-3, 0.1, 0.2])
    preconditioner, _ = masked_preconditioner(mask, alpha, fit_intercept, n_classes)
    params = preconditioner.origin + preconditioner.step(
        rng.normal(size=preconditioner.n_variables)
    )
    coef = params[:6] if fit_intercept else params
    origin_coef = preconditioner.origin[:6]
    np.testing.assert_array_equal(coef[~mask], origin_coef[~mask])
    assert np.all(coef[mask] != origin_coef[mask])


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_a_masked_preconditioner_whitens_the_hessian_of_what_moves(fit_intercept):
    """Exactly, all rows being sampled: on the moving coefficients and intercept."""
    X, weights = make_ill_conditioned_design()
    alpha = np.array([0.1, 0.0, 0.3, 1e-3, 0.1, 0.2])
    objective = LinearObjective(
        RowBlocks(X), np.zeros(len(X)), weights, alpha, fit_intercept, UnitCurvature()
    )
    origin = np.zeros(6 + fit_intercept)
    preconditioner = preconditioner_from(
        measure_curvature(objective, origin), origin, alpha, fit_intercept, FEATURE_MASK
    )
    transform = transform_matrix(preconditioner)
    assert transform.shape == (6 + fit_intercept, 4 + fit_intercept)
    whitened = transform.T @ full_hessian(X, weights, alpha, fit_intercept) @ transform
    np.testing.assert_allclose(whitened, np.eye(4 + fit_intercept), atol=1e-8)
    rng = np.random.default_rng(2)
    z, g = rng.normal(size=4 + fit_intercept), rng.normal(size=6 + fit_intercept)
    assert preconditioner.step(z) @ g == pytest.approx(z @ preconditioner.gradient(g))


def centered_coefficient_hessian(X, row_curvatures, alpha):
    """Return ``(X - m).T diag(v) (X - m) + diag(alpha)``, written with numpy.

    ``m`` is the curvature-weighted mean of the columns: the coefficients'
    Hessian when the intercept moves by ``-m @ dcoef`` with them.
    """
    center = row_curvatures @ X / row_curvatures.sum()
    centered = X - center
    return centered.T @ (row_curvatures[:, np.newaxis] * centered) + np.diag(
        np.broadcast_to(alpha, X.shape[1])
    )


@pytest.mark.parametrize("alpha", [0.0, 0.2, np.array([0.1, 0.0, 0.3, 1e-3, 2.0, 0.2])])
def test_the_coefficient_hessian_product_is_the_exact_centered_hessian(alpha):
    """Few rows, all of them sampled: the estimate is the Hessian itself."""
    X, weights = make_ill_conditioned_design()
    assert _row_blocks.sampled_rows(*X.shape).step == 1
    rng = np.random.default_rng(6)
    targets, origin = rng.uniform(size=len(X)), rng.normal(scale=0.01, size=7)
    objective = LinearObjective(RowBlocks(X), targets, weights, alpha, True, LOGIT)
    curvature = measure_curvature(objective, origin)
    mean = expit(X @ origin[:-1] + origin[-1])
    expected = centered_coefficient_hessian(X, weights * mean * (1 - mean), alpha)
    product = curvature.coefficient_hessian_product(alpha)
    actual = np.column_stack([product(e) for e in np.eye(6)])
    np.testing.assert_allclose(actual, expected, rtol=1e-10)
    np.testing.assert_allclose(
        curvature.coefficient_scales(alpha), np.sqrt(np.diag(expected)), rtol=1e-10
    )


@pytest.mark.parametrize("alpha", [0.0, np.array([0.1, 0.0, 0.3, 1e-3, 2.0, 0.2])])
def test_the_softmax_coefficient_hessian_product_is_exact_at_a_cold_start(alpha):
    """Every row predicts the same probabilities ``mu``: ``H = G (x) C + alpha``.

    ``C = diag(mu) - mu mu.T`` is each row's curvature, ``G`` the weighted
    Gram matrix of the centered columns.
    """
    X, weights = make_ill_conditioned_design()
    class_probabilities = np.array([0.5, 0.3, 0.15, 0.05])
    rng = np.random.default_rng(7)
    origin = np.zeros((7, 4))
    origin[-1] = np.log(class_probabilities)
    targets = rng.dirichlet(np.ones(4), size=len(X))
    objective = LinearObjective(RowBlocks(X), targets, weights, alpha, True, SOFTMAX)
    curvature = measure_curvature(objective, origin)
    classes = np.diag(class_probabilities) - np.outer(
        class_probabilities, class_probabilities
    )
    gram = centered_coefficient_hessian(X, weights, 0.0)
    direction = rng.normal(size=(6, 4))
    expected = gram @ direction @ classes + (
        np.broadcast_to(alpha, 6)[:, np.newaxis] * direction
    )
    actual = curvature.coefficient_hessian_product(alpha)(direction)
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-14)


def _hessian_by_products(problem, z):
    identity = np.eye(problem.n_variables)
    product = problem.hessian_product_at(z)
    return np.column_stack([product(column) for column in identity])


@pytest.mark.parametrize("link_name", ["logit", "probit", "cloglog", "softmax"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("masked", [False, True])
def test_the_hessian_in_the_preconditioners_basis_is_the_exact_one(
    link_name, fit_intercept, masked
):
    """Columns of very different scales and means, per-feature alpha.

    The Hessian summed in the basis (and the one summed with an evaluation)
    equals the Hessian products' columns, and is not reused at another
    point; a softmax with a mask has no basis.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 100.0, 0.0, 5.0]
    if link_name == "softmax":
        link, targets = SOFTMAX, rng.dirichlet(np.ones(3), 60)
    else:
        link, targets = BINARY_LINKS[link_name], rng.random(60)
    alpha = np.array([0.3, 0.1, 0.0, 1.0])
    objective = LinearObjective(
        RowBlocks(X), targets, np.full(60, 1 / 60), alpha, fit_intercept, link
    )
    origin = rng.normal(size=(4 + fit_intercept,) + targets.shape[1:]) * 0.03
    mask = None
    if masked:
        mask = np.ones((4,) + targets.shape[1:], dtype=bool)
        mask[1] = False
    preconditioner = preconditioner_from(
        measure_curvature(objective, origin), origin, alpha, fit_intercept, mask
    )
    problem = PreconditionedObjective(objective, preconditioner, dense_hessians=True)
    if masked and link_name == "softmax":
        assert problem.hessian_basis is None
        return
    z = rng.normal(size=problem.n_variables) * 0.1
    plain = PreconditionedObjective(objective, preconditioner)
    expected = _hessian_by_products(plain, z)
    np.testing.assert_allclose(problem.hessian_at(z), expected, atol=1e-12)
    # Summed with the evaluation at z: the same matrix, no pass of its own.
    problem.value_and_gradient(z)
    assert (
        problem.objective._latest_loss.loss_hessian(
            problem.params(z), problem.hessian_basis
        )
        is not None
    )
    np.testing.assert_allclose(problem.hessian_at(z), expected, atol=1e-12)
    # The basis maps z as the preconditioner does, one product each way.
    np.testing.assert_allclose(
        problem.params(z), preconditioner.origin + preconditioner.step(z)
    )
    gradient = rng.normal(size=origin.shape)
    np.testing.assert_allclose(
        problem.hessian_basis.gradient(gradient), preconditioner.gradient(gradient)
    )
    elsewhere = 2 * z
    np.testing.assert_allclose(
        problem.hessian_at(elsewhere),
        _hessian_by_products(plain, elsewhere),
        atol=1e-12,
    )


def test_a_hessian_summed_in_another_basis_is_not_reused(make_fractional_data):
    X, y, _ = make_fractional_data(n_samples=80)
    objective = LinearObjective(
        RowBlocks(X), y, np.full(len(y), 1 / len(y)), 0.0, True, LOGIT
    )
    origin = np.zeros(X.shape[1] + 1)
    curvature = measure_curvature(objective, origin)
    first = PreconditionedObjective(
        objective, preconditioner_from(curvature, origin, 0.0, True), True
    )
    first.value_and_gradient(np.zeros(first.n_variables))
    # A preconditioner for another alpha: another basis at the same point.
    second = PreconditionedObjective(
        objective, preconditioner_from(curvature, origin, 10.0, True), True
    )
    z = np.zeros(second.n_variables)
    np.testing.assert_allclose(
        second.hessian_at(z),
        _hessian_by_products(
            PreconditionedObjective(objective, second.preconditioner), z
        ),
        atol=1e-12,
    )
