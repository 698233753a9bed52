"""The completion rate as the government reports it, and the numbers of its sentence.

"16.051/16.274 nhiệm vụ đến hạn đã hoàn thành, đạt 98,62% (đúng hạn: 14.068, quá hạn: 1.983); chưa hoàn
thành: 5.863 (trong hạn: 5.640, quá hạn: 223)": the rate counts only what has come due, done ÷ (done +
not done and overdue); tasks still in time or not yet due are not in the denominator. It is written with
two decimals, truncated, never rounded up (98,6297…% is 98,62%): a province at 99,996% has not reached
100%. Computed here once, exactly (integers), for every sentence that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.rules import StatusCounts


def truncated_percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage cut (not rounded) to two decimals; None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return Decimal(part * 10_000 // whole).scaleb(-2)


@dataclass(frozen=True)
class Progress(StatusCounts):
    """How many tasks (or assignments) are in each status (``StatusCounts``), and the reporting sentence's
    rate."""

    @classmethod
    def from_counts(cls, counts: StatusCounts) -> Progress:
        return cls(counts.done_on_time, counts.done_late, counts.in_time, counts.overdue, counts.not_yet_due)

    @property
    def came_due(self) -> int:
        """The denominator: what is done plus what is overdue."""
        return self.done + self.overdue

    @property
    def rate(self) -> Decimal | None:
        """done ÷ came due, in percent, two decimals truncated; None when nothing came due."""
        return truncated_percent(self.done, self.came_due)
