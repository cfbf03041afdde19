"""Cross-entropy regression for probabilities, proportions and bounded targets."""

from ._regressors import CrossEntropyRegressor, ProbabilityRegressor

__all__ = ["CrossEntropyRegressor", "ProbabilityRegressor"]
__version__ = "0.1.0"
