import numpy as np
import pytest
from scipy import sparse

from skxent._link import LOGIT, SOFTMAX
from skxent._objective import LinearObjective
from skxent._row_blocks import RowBlocks
from skxent._separation import (
    CANDIDATE_LOSS,
    bound_classes,
    count_rows_near_bounds,
    count_separated_rows,
)


@pytest.mark.parametrize(
    "targets, weights, at_zero, at_one",
    [
        (np.array([0.0, 0.0, 0.4]), np.array([1.0, 1.0, 0.0]), [0], []),
        (np.array([1.0, 1.0, 0.4]), np.array([1.0, 1.0, 0.0]), [], [0]),
        (np.array([1.0, 0.0, 0.4]), np.array([1.0, 1.0, 1.0]), [], []),
        (np.eye(3)[[0, 1, 0]], np.ones(3), [2], []),
        (np.eye(3)[[0, 0, 1]], np.array([1.0, 1.0, 0.0]), [1, 2], [0]),
    ],
)
def test_bound_classes_look_at_rows_of_positive_weight(
    targets, weights, at_zero, at_one
):
    zero, one = bound_classes(RowBlocks(np.zeros((len(weights), 1))), targets, weights)
    assert zero.tolist() == at_zero and one.tolist() == at_one


def test_count_rows_near_bounds_counts_hard_rows_fitted_at_their_bound():
    X = np.array([[-40.0], [-1.0], [40.0], [0.5], [40.0]])
    targets = np.array([0.0, 0.0, 1.0, 0.5, 0.0])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    params = np.array([1.0])  # eta = x, no intercept
    objective = LinearObjective(RowBlocks(X), targets, weights, 0.0, False, LOGIT)
    (n_separated,), n_hard = count_rows_near_bounds(objective, params, [CANDIDATE_LOSS])
    # Rows 0 and 2 are fitted within exp(-40) of their targets; row 1 is
    # not; row 3 is not hard; row 4 has no weight.
    assert (n_separated, n_hard) == (2, 3)


def test_count_rows_near_bounds_of_one_hot_targets():
    X = np.array([[50.0], [-50.0], [0.1]])
    targets = np.eye(2)[[0, 1, 0]]
    params = np.array([[1.0, -1.0]])
    objective = LinearObjective(RowBlocks(X), targets, np.ones(3), 0.0, False, SOFTMAX)
    (n_separated,), n_hard = count_rows_near_bounds(objective, params, [CANDIDATE_LOSS])
    assert (n_separated, n_hard) == (2, 3)


X_LINE = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0]])


@pytest.mark.parametrize(
    "X, targets, fit_intercept, n_separated",
    [
        # Complete separation, with or without intercept.
        (X_LINE, np.array([0.0, 0.0, 0.0, 1.0, 1.0]), True, 5),
        (X_LINE, np.array([0.0, 0.0, 1.0, 1.0, 1.0]), True, 5),
        # Quasi-complete: the row at x = 0 has both a 0 and a 1, the others
        # are separated.
        (
            np.vstack([X_LINE, [[0.0]]]),
            np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
            True,
            4,
        ),
        # A fractional row at x = 0 keeps x's coefficient free but the
        # intercept at 0: still quasi-separated.
        (X_LINE, np.array([0.0, 0.0, 0.5, 1.0, 1.0]), True, 4),
        # Fractional rows on both sides make the optimum finite.
        (X_LINE, np.array([0.0, 0.2, 0.5, 0.7, 1.0]), True, 0),
        # Overlap: finite.
        (X_LINE, np.array([0.0, 1.0, 0.0, 1.0, 1.0]), True, 0),
        # Without intercept x separates rows only through the origin.
        (X_LINE + 3.0, np.array([0.0, 0.0, 0.0, 1.0, 1.0]), False, 0),
        # One-hot rows separated by x: classes 0 below 0, 1 above, 2 at 0.
        (X_LINE, np.eye(3)[[0, 0, 2, 1, 1]], True, 5),
        # Soft rows that mix every class keep it finite.
        (X_LINE, np.array([[0.2, 0.3, 0.5]] * 5), True, 0),
    ],
)
def test_count_separated_rows_decides_from_the_data(
    X, targets, fit_intercept, n_separated
):
    assert count_separated_rows(X, targets, fit_intercept) == n_separated
    assert count_separated_rows(sparse.csr_array(X), targets, fit_intercept) == (
        n_separated
    )


def test_count_separated_rows_is_blind_to_column_scales():
    """Columns of 1e-8 and 1e8 are scaled before the program is solved."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    targets = (X[:, 0] > 0).astype(float)
    targets[np.abs(X[:, 0]) < 0.3] = 0.5
    scaled = X * np.array([1e-8, 1e8])
    assert count_separated_rows(scaled, targets, True) == 0
    targets[np.abs(X[:, 0]) < 0.3] = (X[np.abs(X[:, 0]) < 0.3, 0] > 0).astype(float)
    assert count_separated_rows(scaled, targets, True) == 200
