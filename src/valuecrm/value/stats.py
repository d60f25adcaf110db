"""The statistics of the value report, with the standard library only (no scipy here):
a two-proportion z-test for rates and a distribution-free confidence interval for a median.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist, median

_NORMAL = NormalDist()


@dataclass(frozen=True)
class ProportionTest:
    z: float | None
    p_value: float | None

    def significant(self, alpha: float) -> bool:
        return self.p_value is not None and self.p_value < alpha


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> ProportionTest:
    """Two-sided test that x1/n1 and x2/n2 come from the same rate, with the pooled
    standard error: z = (p2 - p1) / sqrt(p (1 - p) (1/n1 + 1/n2)), p = (x1 + x2) / (n1 + n2).
    No test (None) when a sample is empty or every outcome is the same (no variance)."""
    if n1 <= 0 or n2 <= 0 or not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        return ProportionTest(None, None)
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return ProportionTest(None, None)
    z = (x2 / n2 - x1 / n1) / math.sqrt(variance)
    return ProportionTest(z, 2 * (1 - _NORMAL.cdf(abs(z))))


@dataclass(frozen=True)
class MedianInterval:
    n: int
    median: float | None
    low: float | None
    high: float | None
    confidence: float | None  # the exact coverage of [low, high]


def median_interval(values, confidence: float = 0.95) -> MedianInterval:
    """The median with a distribution-free interval from order statistics: the number of
    values below the true median is Binomial(n, 1/2), so [x_(j), x_(n+1-j)] covers it with
    probability 1 - 2 P(B <= j - 1); j is the largest rank that keeps at least `confidence`.
    Exact binomial sums up to n = 1000, the normal approximation above. With fewer than 6
    values no interval reaches 95%: the interval is None."""
    data = sorted(float(v) for v in values)
    n = len(data)
    if n == 0:
        return MedianInterval(0, None, None, None, None)
    j = _rank(n, confidence)
    if j is None:
        return MedianInterval(n, median(data), None, None, None)
    return MedianInterval(n, median(data), data[j - 1], data[n - j],
                          1 - 2 * _binom_cdf(j - 1, n))


def _rank(n: int, confidence: float) -> int | None:
    tail = (1 - confidence) / 2
    if n > 1000:
        j = math.floor(n / 2 - _NORMAL.inv_cdf(1 - tail) * math.sqrt(n) / 2)
        return max(j, 1)
    best, below, total = None, 0, 2 ** n
    for j in range(1, n // 2 + 1):
        below += math.comb(n, j - 1)  # P(B <= j - 1) x 2^n, kept exact
        if below / total > tail:
            break
        best = j
    return best


def _binom_cdf(k: int, n: int) -> float:
    """P(B <= k) for B ~ Binomial(n, 1/2), exactly (integers until the one division)."""
    if k < 0:
        return 0.0
    if n > 1000:
        return _NORMAL.cdf((k + 0.5 - n / 2) / (math.sqrt(n) / 2))
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
