"""Cross-entropy regression for probabilities, proportions and bounded targets."""

from . import metrics
from ._regressors import CrossEntropyRegressor, ProbabilityRegressor

__all__ = ["CrossEntropyRegressor", "ProbabilityRegressor", "metrics"]
__version__ = "0.1.0"
