"""Count skxent's objective evaluations in a block of code (for the benchmarks)."""

import contextlib

from skxent._objective import LinearObjective


@contextlib.contextmanager
def counted_evaluations():
    """Count the objective-and-gradient evaluations that read ``X`` inside.

    Yields a list whose one entry is the count so far; an evaluation the
    objective already holds (a warm start's first) is not counted.
    """
    original = LinearObjective.value_and_gradient
    evaluations = [0]

    def counting(self, params, dtype=None):
        if self._latest_loss.get(params, dtype) is None:
            evaluations[0] += 1
        return original(self, params, dtype)

    LinearObjective.value_and_gradient = counting
    try:
        yield evaluations
    finally:
        LinearObjective.value_and_gradient = original
