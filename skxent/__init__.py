"""Cross-entropy regression for probabilities, proportions and bounded targets."""

from . import metrics
from ._cv import CrossEntropyRegressorCV, ProbabilityRegressorCV
from ._inference import WaldTest
from ._regressors import CrossEntropyRegressor, ProbabilityRegressor
from ._results import InferenceResults, InferenceSummary
from ._warnings import PenalizedInferenceWarning

__all__ = [
    "CrossEntropyRegressor",
    "CrossEntropyRegressorCV",
    "InferenceResults",
    "InferenceSummary",
    "PenalizedInferenceWarning",
    "ProbabilityRegressor",
    "ProbabilityRegressorCV",
    "WaldTest",
    "metrics",
]
__version__ = "0.1.0"
