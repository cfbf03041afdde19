"""Warnings that point at the user's line.

A public method raises the warnings its lower layers return through
:func:`warn_at_caller`, which gives the warning the first frame outside
skxent and the scikit-learn machinery that called it (``_fit_context``,
``validate_params``, a ``GridSearchCV``): the line in the user's code, found
by walking the stack rather than by a ``stacklevel`` counted by hand for each
call path. (Python 3.12's ``skip_file_prefixes`` does the same; the package
supports 3.10.) A fit run by joblib in a worker thread or process has no
user frame on its stack: its warnings point at the worker's code.
"""

import contextlib
import os
import sys
import threading
import warnings
from pathlib import Path

import joblib
import sklearn

_LIBRARY_FOLDERS = tuple(
    str(Path(module.__file__).parent) + os.sep
    for module in (sys.modules[__package__], sklearn, joblib)
)


class PenalizedInferenceWarning(UserWarning):
    """Inference on a model fitted with a penalty (``alpha > 0``).

    Each output of :meth:`~skxent.ProbabilityRegressor.inference` (tables,
    tests, intervals, summary) raises it for a penalised fit: the estimate
    is shrunk, and the standard errors are those of the penalised estimate.
    Silence it with ``warnings.filterwarnings("ignore",
    category=skxent.PenalizedInferenceWarning)`` once that is understood.
    """


# The frame of a ``with`` block's exit, between skxent and the user.
_CONTEXTLIB = contextlib.__file__


def warn_at_caller(message, category):
    """Warn at the first frame outside skxent, scikit-learn and joblib.

    It calls ``warnings.warn(message, category)`` with that frame's stacklevel.
    """
    frame = sys._getframe(0)
    stacklevel = 1
    while frame is not None and (
        frame.f_code.co_filename.startswith(_LIBRARY_FOLDERS)
        or frame.f_code.co_filename == _CONTEXTLIB
    ):
        frame = frame.f_back
        stacklevel += 1
    warnings.warn(message, category, stacklevel=stacklevel)


# One recording at a time: Python before 3.14 keeps one warnings state per
# process, which catch_warnings replaces and restores.
_RECORDING = threading.RLock()


@contextlib.contextmanager
def warnings_raised_at_caller():
    """Record the warnings raised inside, then raise each again at the user's line.

    For scikit-learn's ``validate_data``, which warns at its own line (feature
    names that do not match the fit's). The recordings of fits in several
    threads take turns, so that none restores the warnings state another
    replaced; a warning that another thread raises meanwhile is raised
    again here, not lost.
    """
    with _RECORDING:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            warn_at_caller(str(warning.message), warning.category)
