"""Where the data live: ``backend_for`` picks the backend from ``X`` alone.

(That the package never imports dask for data in memory is tested in a
fresh interpreter, in ``test_dask.py``.)
"""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skxent._data import DASK, IN_MEMORY, backend_for, is_dask_array
from skxent._row_blocks import RowBlocks


@pytest.mark.parametrize(
    "X",
    [
        np.ones((3, 2)),
        np.ones((3, 2), dtype=np.float32),
        [[1.0, 2.0], [3.0, 4.0]],
        pd.DataFrame({"a": [1.0, 2.0]}),
        sparse.csr_array(np.eye(2)),
        sparse.csc_matrix(np.eye(2)),
    ],
    ids=["ndarray", "float32", "list", "DataFrame", "csr_array", "csc_matrix"],
)
def test_everything_but_a_dask_array_is_in_memory(X):
    assert backend_for(X) is IN_MEMORY
    assert not is_dask_array(X)


def test_a_dask_array_is_fitted_where_it_lives():
    da = pytest.importorskip("dask.array")
    X = da.ones((4, 2), chunks=2)
    assert is_dask_array(X)
    assert backend_for(X) is DASK


def test_in_memory_rows_are_blocked_and_predicted_in_this_process():
    X = np.arange(6.0).reshape(3, 2)
    with IN_MEMORY.row_blocks(X) as blocks:
        assert isinstance(blocks, RowBlocks)
        assert blocks.X is X
    np.testing.assert_array_equal(
        IN_MEMORY.predict(X, lambda rows: rows.sum(axis=1), None), [1.0, 5.0, 9.0]
    )
