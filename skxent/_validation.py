"""Domain checks on targets and sample weights, each in one place.

scikit-learn's ``validate_data`` and ``_check_sample_weight`` handle types,
shapes and finiteness of ``X``; these add what cross-entropy regression needs
and say what was expected, what was found and what to do instead.
"""

import numpy as np
from sklearn.utils import check_array
from sklearn.utils.validation import _check_sample_weight


def _describe_values(values):
    """'min=..., max=...' over the finite values, plus NaN and inf counts."""
    finite = values[np.isfinite(values)]
    parts = []
    if finite.size:
        parts.append(f"min={finite.min():.6g}, max={finite.max():.6g}")
    n_nan = int(np.isnan(values).sum())
    n_inf = int(np.isinf(values).sum())
    if n_nan:
        parts.append(f"{n_nan} NaN")
    if n_inf:
        parts.append(f"{n_inf} infinite")
    return ", ".join(parts)


def check_probability_targets(y):
    """Raise a ValueError unless every target is a finite number in [0, 1].

    Runs before scikit-learn's own finiteness check so that NaN and inf get
    the same explanation as values outside the range.
    """
    values = check_array(
        y, ensure_2d=False, dtype="numeric", ensure_all_finite=False, input_name="y"
    ).astype(np.float64, copy=False)
    if not np.all((values >= 0.0) & (values <= 1.0)):
        raise ValueError(
            "ProbabilityRegressor needs targets y in [0, 1] (probabilities or "
            f"proportions); got {_describe_values(values.ravel())}. For targets "
            "on another scale use CrossEntropyRegressor, which maps a known or "
            "learned target_range onto [0, 1]."
        )


def check_targets_in_range(y, target_range):
    """Raise a ValueError unless every ``y`` lies in ``target_range = (low, high)``."""
    low, high = target_range
    if not np.all((y >= low) & (y <= high)):
        outside = np.flatnonzero((y < low) | (y > high))
        first = outside[0]
        raise ValueError(
            f"y has {outside.size} values outside target_range=({low:g}, {high:g}): "
            f"{_describe_values(y)} (first at index {first}, y={y[first]:g}). "
            "Widen target_range or use target_range='auto' to learn it from y."
        )


def check_target_range(target_range):
    """Return ``(low, high)`` as floats, finite with ``low < high``."""
    message = (
        "target_range must be 'auto' or a pair (low, high) of finite numbers "
        f"with low < high; got {target_range!r}."
    )
    try:
        values = np.asarray(target_range, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(message) from error
    valid = values.shape == (2,) and np.all(np.isfinite(values))
    if not (valid and values[0] < values[1]):
        raise ValueError(message)
    return float(values[0]), float(values[1])


def check_sample_weight(sample_weight, X):
    """Sample weights as float64: finite, non-negative and not all zero."""
    sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
    if np.any(sample_weight < 0):
        negative = np.flatnonzero(sample_weight < 0)
        raise ValueError(
            f"sample_weight must be non-negative; found {negative.size} negative "
            f"values (first at index {negative[0]}: {sample_weight[negative[0]]:g})."
        )
    if not np.any(sample_weight > 0):
        raise ValueError(
            "sample_weight must contain at least one positive value; all "
            f"{sample_weight.size} are zero."
        )
    return sample_weight
