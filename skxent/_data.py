"""Where the data live, chosen once per call: in memory, or in a dask cluster.

A :class:`Backend` bundles what the estimators do with data: validate it for
training and for prediction, open its row blocks (the one interface the
objective, the preconditioner, the checks and inference read ``X``
through), predict, and say whether inference can run there. Only
:func:`backend_for` looks at the type of ``X``; nothing below it branches on
where the data live. With ``X`` in memory the fit is in memory: ``y`` and
``sample_weight`` given as dask collections are computed first, as
scikit-learn's estimators compute them.
"""

from typing import NamedTuple

from ._dask import (
    dask_group_codes,
    dask_row_blocks,
    is_dask_array,
    is_dask_frame,
    predict_dask,
    refuse_dask_cross_validation,
    validate_dask_prediction_data,
    validate_dask_training_data,
)
from ._row_blocks import parallel_row_blocks
from ._validation import (
    group_codes,
    validate_prediction_data,
    validate_training_data,
)


class Backend(NamedTuple):
    """What the estimators do with data, for one place the data live.

    Attributes
    ----------
    validate_training_data : callable
        ``(estimator, X, y, sample_weight, *, reset, check_targets) ->
        TrainingData``.
    validate_prediction_data : callable
        ``(estimator, X) -> X``.
    row_blocks : callable
        ``(X, block_elements=None) ->`` a context manager giving the row
        blocks of ``X``.
    predict : callable
        ``(X, predict_rows, n_outputs) ->`` the predictions of every row.
    group_codes : callable
        ``(groups, cov_type, sample_weight) -> (codes, n_groups)``: the
        cluster codes of the rows for ``cov_type="cluster"``, ``(None, 0)``
        otherwise.
    check_cross_validation : callable
        ``(X) -> None``; raises a TypeError where the CV estimators cannot
        split the data into folds.
    """

    validate_training_data: object
    validate_prediction_data: object
    row_blocks: object
    predict: object
    group_codes: object
    check_cross_validation: object


def _is_dask_data(values):
    """Whether ``values`` is a dask array, DataFrame or Series."""
    return is_dask_array(values) or is_dask_frame(values)


def in_memory(values):
    """Return ``values``, computed if they are a dask array, DataFrame or Series."""
    return values.compute() if _is_dask_data(values) else values


def _validate_in_memory_training_data(
    estimator, X, y, sample_weight, *, reset, check_targets
):
    """Return ``validate_training_data`` of ``X`` in memory, dask ``y`` computed."""
    return validate_training_data(
        estimator,
        X,
        in_memory(y),
        in_memory(sample_weight),
        reset=reset,
        check_targets=check_targets,
    )


def _predict_in_memory(X, predict_rows, n_outputs):
    return predict_rows(X)


def _runs_in_memory(X):
    """Cross-validation runs on data in memory."""


IN_MEMORY = Backend(
    validate_training_data=_validate_in_memory_training_data,
    validate_prediction_data=validate_prediction_data,
    row_blocks=parallel_row_blocks,
    predict=_predict_in_memory,
    group_codes=group_codes,
    check_cross_validation=_runs_in_memory,
)

DASK = Backend(
    validate_training_data=validate_dask_training_data,
    validate_prediction_data=validate_dask_prediction_data,
    row_blocks=dask_row_blocks,
    predict=predict_dask,
    group_codes=dask_group_codes,
    check_cross_validation=refuse_dask_cross_validation,
)


def backend_for(X):
    """Return the :class:`Backend` of the data ``X``."""
    return DASK if _is_dask_data(X) else IN_MEMORY
