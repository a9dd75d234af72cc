"""The two significance tests the experiment report publishes, in plain Python.

- First contact resolution is a proportion per variant: a two-proportion z-test with the
  pooled proportion, two-sided.
- CSAT scores are ordinal (1 to 5) with many ties, so their test is Mann-Whitney U with the
  normal approximation, tie correction and continuity correction (what scipy's
  ``mannwhitneyu`` does by default for samples with ties), two-sided.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TestResult:
    statistic: float | None
    p_value: float | None


NOT_TESTABLE = TestResult(None, None)


def _two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> TestResult:
    if n_a == 0 or n_b == 0:
        return NOT_TESTABLE
    pooled = (hits_a + hits_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return NOT_TESTABLE  # both all hits or all misses: nothing to tell apart
    z = (hits_a / n_a - hits_b / n_b) / spread
    return TestResult(z, _two_sided(z))


def mann_whitney_u(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """U of sample ``a`` and its two-sided p-value."""
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        return NOT_TESTABLE
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks: dict[float, float] = {}
    position = 0
    counts = Counter(v for v, _ in ranked)
    for value in sorted(counts):
        ties = counts[value]
        ranks[value] = position + (ties + 1) / 2  # the mean rank of the tied run
        position += ties
    u1 = sum(ranks[v] for v in a) - n1 * (n1 + 1) / 2
    n = n1 + n2
    tie_term = sum(t**3 - t for t in counts.values())
    variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0:
        return NOT_TESTABLE  # every score the same
    mean = n1 * n2 / 2
    # Continuity: move |U - mean| half a step towards the mean.
    z = max(abs(u1 - mean) - 0.5, 0) / math.sqrt(variance)
    return TestResult(u1, min(1.0, _two_sided(z)))
