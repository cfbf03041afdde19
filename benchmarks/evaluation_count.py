"""Count skxent's objective evaluations in a block of code (for the benchmarks)."""

import contextlib

from skxent._objective import LinearObjective


@contextlib.contextmanager
def counted_evaluations():
    """Count the objective evaluations and Hessians that read ``X`` inside.

    Yields a list whose one entry is the count so far (each a pass over
    ``X``); an evaluation the objective already holds (a warm start's first)
    is not counted, nor a Hessian summed in an evaluation's pass.
    """
    original = LinearObjective.value_and_gradient
    original_hessian = LinearObjective.hessian
    evaluations = [0]

    def counting(self, params, dtype=None):
        if self._latest_loss.get(params, dtype) is None:
            evaluations[0] += 1
        return original(self, params, dtype)

    def counting_hessian(self, params, basis):
        if self._latest_loss.loss_hessian(params, basis) is None:
            evaluations[0] += 1
        return original_hessian(self, params, basis)

    LinearObjective.value_and_gradient = counting
    LinearObjective.hessian = counting_hessian
    try:
        yield evaluations
    finally:
        LinearObjective.value_and_gradient = original
        LinearObjective.hessian = original_hessian
