import numpy as np
import pytest

from skxent._link import LOGIT, SOFTMAX
from skxent._objective import LinearObjective
from skxent._row_blocks import RowBlocks
from skxent._separation import SEPARATED_LOSS, bound_classes, count_separated_rows


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


def test_count_separated_rows_counts_hard_rows_fitted_at_their_bound():
    X = np.array([[-40.0], [-1.0], [40.0], [0.5], [40.0]])
    targets = np.array([0.0, 0.0, 1.0, 0.5, 0.0])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    params = np.array([1.0])  # eta = x, no intercept
    objective = LinearObjective(RowBlocks(X), targets, weights, 0.0, False, LOGIT)
    n_separated, n_hard = count_separated_rows(objective, params)
    # Rows 0 and 2 are fitted within exp(-40) of their targets; row 1 is
    # not; row 3 is not hard; row 4 has no weight.
    assert (n_separated, n_hard) == (2, 3)


def test_count_separated_rows_of_one_hot_targets():
    X = np.array([[50.0], [-50.0], [0.1]])
    targets = np.eye(2)[[0, 1, 0]]
    params = np.array([[1.0, -1.0]])
    objective = LinearObjective(RowBlocks(X), targets, np.ones(3), 0.0, False, SOFTMAX)
    n_separated, n_hard = count_separated_rows(objective, params)
    assert (n_separated, n_hard) == (2, 3)
    assert SEPARATED_LOSS < 1e-6
