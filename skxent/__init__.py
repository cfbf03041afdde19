"""Cross-entropy regression for probabilities, proportions and bounded targets."""

from . import metrics
from ._cv import CrossEntropyRegressorCV, ProbabilityRegressorCV
from ._regressors import CrossEntropyRegressor, ProbabilityRegressor

__all__ = [
    "CrossEntropyRegressor",
    "CrossEntropyRegressorCV",
    "ProbabilityRegressor",
    "ProbabilityRegressorCV",
    "metrics",
]
__version__ = "0.1.0"
