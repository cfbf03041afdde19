"""``skxent.utils.estimator_checks``: the checks expected to fail, and why.

That each expected failure has a stand-in, a test of the same property on
probability targets, is asserted in ``test_common.py`` beside the stand-ins.
"""

from functools import partial

from sklearn.utils.estimator_checks import (
    _yield_all_checks,
    estimator_checks_generator,
)

from skxent import CrossEntropyRegressor, ProbabilityRegressor
from skxent.utils.estimator_checks import (
    _PROBABILITY_REGRESSOR_EXPECTED_FAILURES,
    expected_failed_checks,
)


def _check_name(check):
    while hasattr(check, "__wrapped__"):
        check = check.__wrapped__
    return check.func.__name__ if isinstance(check, partial) else check.__name__


def test_expected_failed_checks_are_real_check_names():
    """The expected-failure list names checks that exist for ProbabilityRegressor."""
    assert expected_failed_checks(CrossEntropyRegressor()) == {}
    estimator = ProbabilityRegressor()
    expected = expected_failed_checks(estimator)
    assert expected == _PROBABILITY_REGRESSOR_EXPECTED_FAILURES
    assert expected is not _PROBABILITY_REGRESSOR_EXPECTED_FAILURES
    check_names = {
        _check_name(check) for check in _yield_all_checks(estimator, legacy=True)
    } | {
        _check_name(check)
        for _, check in estimator_checks_generator(estimator, legacy=True)
    }
    assert "check_regressors_train" in check_names
    unknown = set(expected) - check_names
    assert not unknown, f"not scikit-learn checks: {sorted(unknown)}"
    assert all(isinstance(reason, str) and reason for reason in expected.values())
