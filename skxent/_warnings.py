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

import os
import sys
import warnings
from pathlib import Path

import joblib
import sklearn

_LIBRARY_FOLDERS = tuple(
    str(Path(module.__file__).parent) + os.sep
    for module in (sys.modules[__package__], sklearn, joblib)
)


def warn_at_caller(message, category):
    """Warn at the first frame outside skxent, scikit-learn and joblib.

    It calls ``warnings.warn(message, category)`` with that frame's stacklevel.
    """
    frame = sys._getframe(0)
    stacklevel = 1
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_FOLDERS):
        frame = frame.f_back
        stacklevel += 1
    warnings.warn(message, category, stacklevel=stacklevel)
