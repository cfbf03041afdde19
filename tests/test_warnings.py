"""Every warning the package raises points at the user's line.

Lower layers return what happened; the public method the user called raises
it through ``warn_at_caller``, which gives the warning the first frame
outside skxent, scikit-learn and joblib. Here that frame is a line of this
file: each warning's ``filename`` must be ``__file__``. What each warning
says is tested with the code it is about (``test_fit.py``,
``test_inference.py``, ``test_common.py``, ``test_metrics.py``,
``test_dask.py``).
"""

import inspect
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    UndefinedMetricWarning,
)
from sklearn.model_selection import cross_validate

import skxent
from skxent import CrossEntropyRegressor, ProbabilityRegressor, _separation
from skxent._warnings import warn_at_caller
from skxent.metrics import d2_cross_entropy_score


def test_a_direct_call_warns_at_its_own_line(record_warnings):
    with record_warnings() as caught:
        line = inspect.currentframe().f_lineno + 1
        warn_at_caller("what happened", UserWarning)
    [warning] = caught
    assert warning.category is UserWarning
    assert str(warning.message) == "what happened"
    assert (warning.filename, warning.lineno) == (__file__, line)


def test_frames_of_scikit_learn_and_joblib_are_skipped(
    make_fractional_data, record_warnings
):
    """A fit inside cross_validate warns at the line that called cross_validate."""
    X, _, _ = make_fractional_data(n_samples=100)
    separable = (X[:, 0] > 0).astype(float)
    with record_warnings() as caught:
        line = inspect.currentframe().f_lineno + 1
        cross_validate(ProbabilityRegressor(alpha=0), X, separable, cv=2)
    assert len(caught) == 2  # one per fold
    for warning in caught:
        assert "the features separate" in str(warning.message)
        assert (warning.filename, warning.lineno) == (__file__, line)


def _fitted(X, y, weights, **parameters):
    return ProbabilityRegressor(**parameters).fit(X, y, sample_weight=weights)


def _duplicated(X):
    return np.column_stack([X, X[:, 0]])


def _with_a_constant(X):
    return np.column_stack([X, np.full(len(X), 3.0)])


def _frame(X):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])


def _with_program_limit(elements, call):
    """Run ``call`` with the separation check's linear program limited."""
    limit = _separation.MAX_PROGRAM_ELEMENTS
    _separation.MAX_PROGRAM_ELEMENTS = elements
    try:
        return call()
    finally:
        _separation.MAX_PROGRAM_ELEMENTS = limit


def _on_dask(fit):
    """Run ``fit(da)``, with dask's synchronous scheduler, in this process."""
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    with dask.config.set(scheduler="sync"):
        fit(da)


# name: (a call of the public API on (X, y, weights), the warning's category
# and words from its message)
WARNINGS = {
    "max_iter reached": (
        lambda X, y, w: ProbabilityRegressor(max_iter=1).fit(X, y, sample_weight=w),
        ConvergenceWarning,
        "it reached max_iter=1",
    ),
    "stopped by rounding": (
        lambda X, y, w: ProbabilityRegressor(tol=1e-20).fit(X, y, sample_weight=w),
        ConvergenceWarning,
        "it stopped before max_iter=100. No further step reduced the gradient",
    ),
    "separation": (
        lambda X, y, w: ProbabilityRegressor(alpha=0).fit(X, (X[:, 0] > 0) * 1.0),
        ConvergenceWarning,
        "the features separate",
    ),
    "constant targets": (
        lambda X, y, w: ProbabilityRegressor().fit(X, np.ones(len(X))),
        ConvergenceWarning,
        "Every target of positive weight is 1",
    ),
    "absent classes": (
        lambda X, y, w: ProbabilityRegressor().fit(X, np.eye(3)[(X[:, 0] > 0) * 1]),
        ConvergenceWarning,
        "Classes [2] have probability 0",
    ),
    "column y, ProbabilityRegressor": (
        lambda X, y, w: ProbabilityRegressor().fit(X, y[:, np.newaxis]),
        DataConversionWarning,
        "A column-vector y was passed",
    ),
    "column y, CrossEntropyRegressor": (
        lambda X, y, w: CrossEntropyRegressor().fit(X, y[:, np.newaxis]),
        DataConversionWarning,
        "A column-vector y was passed",
    ),
    "column y, coef_table": (
        lambda X, y, w: _fitted(X, y, w, alpha=0).coef_table(X, y[:, np.newaxis], w),
        DataConversionWarning,
        "A column-vector y was passed",
    ),
    "column y, on dask arrays": (
        lambda X, y, w: _on_dask(
            lambda da: ProbabilityRegressor().fit(
                da.from_array(X, chunks=(40, -1)),
                da.from_array(y[:, np.newaxis], chunks=(40, -1)),
            )
        ),
        DataConversionWarning,
        "A column-vector y was passed",
    ),
    "coef_table on other data": (
        lambda X, y, w: _fitted(X, y, w, alpha=0).coef_table(X, 0.5 + y / 2, w),
        UserWarning,
        "do not minimise the objective",
    ),
    "partial_effects_table on other data": (
        lambda X, y, w: _fitted(X, y, w, alpha=0).partial_effects_table(
            X, 0.5 + y / 2, w
        ),
        UserWarning,
        "do not minimise the objective",
    ),
    "coef_table, unidentified": (
        lambda X, y, w: _fitted(_duplicated(X), y, w, alpha=0).coef_table(
            _duplicated(X), y, w
        ),
        UserWarning,
        "do not identify the coefficients of ['x0', 'x3']",
    ),
    "partial_effects_table, unidentified": (
        lambda X, y, w: _fitted(_duplicated(X), y, w, alpha=0).partial_effects_table(
            _duplicated(X), y, w
        ),
        UserWarning,
        "do not identify the coefficients of ['x0', 'x3']",
    ),
    "coef_table, fixed by the penalty": (
        lambda X, y, w: _fitted(_with_a_constant(X), y, w, alpha=1e-3).coef_table(
            _with_a_constant(X), y, w
        ),
        UserWarning,
        "The coefficients of ['x3'] are fixed by the penalty alone",
    ),
    "partial_effects_table, fixed by the penalty": (
        lambda X, y, w: _fitted(
            _with_a_constant(X), y, w, alpha=1e-3
        ).partial_effects_table(_with_a_constant(X), y, w),
        UserWarning,
        "The coefficients of ['x3'] are fixed by the penalty alone",
    ),
    "coef_table, scores zero up to rounding": (
        lambda X, y, w: (
            ProbabilityRegressor()
            .fit(X, np.full(len(X), 0.5))
            .coef_table(X, np.full(len(X), 0.5))
        ),
        UserWarning,
        "The scores of the fit are zero up to rounding",
    ),
    "coef_table, separated rows": (
        lambda X, y, w: (
            ProbabilityRegressor(link="probit", alpha=0)
            .fit(X, (X[:, 0] > 0) * 1.0)
            .coef_table(X, (X[:, 0] > 0) * 1.0)
        ),
        UserWarning,
        "intervals are undefined (NaN): With alpha=0, the features separate",
    ),
    "separation too large to decide": (
        lambda X, y, w: _with_program_limit(
            0, lambda: ProbabilityRegressor(alpha=0).fit(X, (X[:, 0] > 0) * 1.0)
        ),
        ConvergenceWarning,
        "are fitted with probabilities numerically 0 or 1",
    ),
    "feature names at predict, none at fit": (
        lambda X, y, w: ProbabilityRegressor().fit(X, y).predict(_frame(X)),
        UserWarning,
        "X has feature names, but ProbabilityRegressor was fitted without",
    ),
    "no feature names at predict": (
        lambda X, y, w: ProbabilityRegressor().fit(_frame(X), y).predict(X),
        UserWarning,
        "X does not have valid feature names",
    ),
    "no feature names in coef_table": (
        lambda X, y, w: ProbabilityRegressor().fit(_frame(X), y).coef_table(X, y),
        UserWarning,
        "X does not have valid feature names",
    ),
    "D^2 of one sample": (
        lambda X, y, w: d2_cross_entropy_score(y[:1], y[1:2]),
        UndefinedMetricWarning,
        "D^2 is not defined for fewer than two samples",
    ),
    "separation, on dask arrays": (
        lambda X, y, w: _on_dask(
            lambda da: ProbabilityRegressor(alpha=0).fit(
                da.from_array(X, chunks=(40, -1)), da.from_array(X[:, 0] > 0) * 1.0
            )
        ),
        ConvergenceWarning,
        "the features separate",
    ),
    "constant targets, on dask arrays": (
        lambda X, y, w: _on_dask(
            lambda da: ProbabilityRegressor().fit(
                da.from_array(X, chunks=(40, -1)), da.ones(len(X), chunks=40)
            )
        ),
        ConvergenceWarning,
        "Every target of positive weight is 1",
    ),
}


@pytest.mark.parametrize("case", WARNINGS)
def test_every_warning_points_at_the_users_line(
    case, make_fractional_data, record_warnings
):
    call, category, words = WARNINGS[case]
    X, y, weights = make_fractional_data(n_samples=100)
    with record_warnings() as caught:
        call(X, y, weights)
    assert [w.category for w in caught if words in str(w.message)] == [category]
    # Any other warning the call raises points at the user's line too.
    assert [w.filename for w in caught] == [__file__] * len(caught)


def test_the_package_warns_only_through_warn_at_caller():
    """A module that called ``warnings.warn`` itself would point at its own line."""
    package = Path(skxent.__file__).parent
    direct = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "_warnings.py" and "warnings.warn(" in path.read_text()
    ]
    assert direct == []
