"""The A/B verdicts on known cases (the z-test itself: value/tests/test_stats.py)."""

from valuecrm.campaigns.queries import GroupResult, _verdict
from valuecrm.value.stats import two_proportion_z_test


def _group(name, converted, reached, holdout=None):
    group = GroupResult(name, None if name == "holdout" else 1, "email", reached, {}, reached,
                        0, 0, converted, {}, converted / reached)
    if holdout is not None:
        test = two_proportion_z_test(holdout.converted, holdout.reached, converted, reached)
        group.z, group.p_value = test.z, test.p_value
    return group


def test_a_clear_difference_is_significant():
    holdout = _group("holdout", 50, 1000)
    variant = _group("A", 90, 1000, holdout)
    # p1 = 0.05, p2 = 0.09: pooled 0.07, z = 0.04 / sqrt(0.07 * 0.93 * 0.002) = 3.506
    assert round(variant.z, 3) == 3.506
    assert _verdict(variant, holdout) == "better"
    assert _verdict(_group("B", 20, 1000, holdout), holdout) == "worse"


def test_a_small_difference_is_no_difference():
    holdout = _group("holdout", 50, 1000)
    assert _verdict(_group("A", 55, 1000, holdout), holdout) == "no_difference"


def test_small_samples_are_too_small_to_decide():
    holdout = _group("holdout", 1, 20)
    assert _verdict(_group("A", 10, 20, holdout), holdout) == "too_small"
    # Large groups with almost no conversions: too few expected conversions for the test.
    holdout = _group("holdout", 0, 60)
    assert _verdict(_group("A", 3, 60, holdout), holdout) == "too_small"
