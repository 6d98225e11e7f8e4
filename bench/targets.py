"""The issue's targets, each judged met or missed from measured figures."""
from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    text: str
    value: float
    aim: float
    at_most: bool = False  # met when value <= aim (latency), else when value >= aim (throughput)

    @property
    def met(self) -> bool:
        return self.value <= self.aim if self.at_most else self.value >= self.aim

    def line(self) -> str:
        verdict = "met   " if self.met else "MISSED"
        return f"{verdict}  {self.text:<52}{self.value:>8.2f}  (aim {'<=' if self.at_most else '>='} {self.aim:g})"


def median_ratio(pairs: list[tuple[float, float]]) -> float:
    """The median of numerator/denominator over interleaved (denominator, numerator) pairs."""
    return statistics.median(numerator / denominator for denominator, numerator in pairs)
