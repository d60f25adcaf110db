import math

from valuecrm.value.stats import median_interval, two_proportion_z_test


def test_two_proportion_z_test_on_a_textbook_case():
    # 45/100 vs 60/100: pooled 0.525, se = sqrt(0.525 * 0.475 * 0.02) = 0.070622
    result = two_proportion_z_test(45, 100, 60, 100)
    assert math.isclose(result.z, 0.15 / math.sqrt(0.525 * 0.475 * 0.02), rel_tol=1e-12)
    assert math.isclose(result.z, 2.1240, abs_tol=1e-4)
    assert math.isclose(result.p_value, 0.03367, abs_tol=1e-4)
    assert result.significant(0.05) and not result.significant(0.01)


def test_two_proportion_z_test_without_a_difference_or_variance():
    same = two_proportion_z_test(30, 100, 30, 100)
    assert same.z == 0 and same.p_value == 1
    assert two_proportion_z_test(10, 10, 20, 20).p_value is None  # all successes
    assert two_proportion_z_test(0, 0, 5, 10).p_value is None  # empty sample
    assert not two_proportion_z_test(0, 0, 5, 10).significant(0.05)


def test_median_interval_from_order_statistics():
    # n = 10: P(B <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024, so [x(2), x(9)].
    result = median_interval(range(1, 11))
    assert (result.n, result.median, result.low, result.high) == (10, 5.5, 2, 9)
    assert math.isclose(result.confidence, 1 - 2 * 11 / 1024)


def test_median_interval_needs_six_values_for_95_percent():
    assert median_interval([3, 1, 2, 5, 4]).low is None
    assert median_interval([3, 1, 2, 5, 4]).median == 3
    six = median_interval([6, 5, 4, 3, 2, 1])
    assert (six.low, six.high) == (1, 6)
    assert median_interval([]).median is None


def test_median_interval_for_large_samples_uses_the_normal_approximation():
    result = median_interval(range(2001))
    assert result.median == 1000
    # rank j = floor(n/2 - 1.96 sqrt(n)/2) = floor(1000.5 - 43.83) = 956
    assert result.low == 955 and result.high == 2001 - 956
    assert 0.94 < result.confidence < 0.96
