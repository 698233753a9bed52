"""The period a published table is about, as provinces write it: "Tháng 10/2026", "tháng 10 năm 2026",
"Quý III/2026", "Quý 3 năm 2026", "6 tháng đầu năm 2026", "Năm 2026" (in a title or a "Kỳ" cell), or as
an option is typed: "2026-10", "2026-Q3", "2026-H1", "2026", "10/2026".

A period is (year, kind, number) with the kinds of ``models.indices`` (number 0 for a year)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from models.importers.cells import CellError, clipped, text
from models.indices import PERIOD_HALF, PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR
from models.lineage import Period
from models.text import fold

TablePeriod = tuple[int, str, int]

_YEAR = r"((?:19|20)\d\d)"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# a date a title cites ("Quyết định 766/QĐ-TTg ngày 23 tháng 6 năm 2022") is not the period it is about
_CITED_DAY = re.compile(rf"\bngay \d{{1,2}} (?:thang )?\d{{1,2}} (?:nam )?{_YEAR}\b")
_WRITTEN = (
    (re.compile(rf"\b6 thang (dau|cuoi) nam {_YEAR}\b"), PERIOD_HALF),
    (re.compile(rf"\bthang (\d{{1,2}}) (?:nam )?{_YEAR}\b"), PERIOD_MONTH),
    (re.compile(rf"\bquy (iv|i{{1,3}}|[1-4]) (?:nam )?{_YEAR}\b"), PERIOD_QUARTER),
)
_WHOLE_YEAR = re.compile(rf"\bnam {_YEAR}\b")
_TYPED = (
    (re.compile(rf"^{_YEAR} ?(?:- ?)?q([1-4])$"), PERIOD_QUARTER),
    (re.compile(rf"^{_YEAR} ?(?:- ?)?h([12])$"), PERIOD_HALF),
    (re.compile(rf"^{_YEAR} ?- ?(\d{{1,2}})$"), PERIOD_MONTH),
)
_MONTH_YEAR = re.compile(rf"^(\d{{1,2}}) {_YEAR}$")  # "10/2026" once folded


def _words(written: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(written)).split())


def _valid(year: int, kind: str, number: int) -> TablePeriod | None:
    limit = {PERIOD_MONTH: 12, PERIOD_QUARTER: 4, PERIOD_HALF: 2}.get(kind, 0)
    return (year, kind, number) if 1 <= number <= limit or (kind == PERIOD_YEAR and number == 0) else None


def _number(kind: str, written: str) -> int:
    if kind == PERIOD_HALF:
        return 1 if written == "dau" else 2
    return _ROMAN.get(written) or int(written)


def in_title(above: list[str]) -> TablePeriod | None:
    """The one period the cells above a table's header name; None when they name none or several."""
    words = _CITED_DAY.sub(" ", _words(" ".join(above)))
    found: set[TablePeriod] = set()
    for pattern, kind in _WRITTEN:
        for match in pattern.finditer(words):
            if (period := _valid(int(match[2]), kind, _number(kind, match[1]))) is not None:
                found.add(period)
        words = pattern.sub(" ", words)
    if not found:
        found = {(int(match[1]), PERIOD_YEAR, 0) for match in _WHOLE_YEAR.finditer(words)}
    return found.pop() if len(found) == 1 else None


def period(value: object, year: int | None = None) -> TablePeriod:
    """A period written in a cell or typed as an option; a month alone ("10") is of ``year`` (the
    title's) when there is one. CellError ``bad_value`` otherwise."""
    if isinstance(value, datetime | date):  # Excel made "10/2026" a date
        return (value.year, PERIOD_MONTH, value.month)
    written = text(value)
    typed = written.strip().lower()
    for pattern, kind in _TYPED:
        if (match := pattern.fullmatch(typed)) and (found := _valid(int(match[1]), kind, int(match[2]))):
            return found
    words = _words(written)
    if re.fullmatch(_YEAR, words):
        return (int(words), PERIOD_YEAR, 0)
    if (match := _MONTH_YEAR.fullmatch(words)) and (found := _valid(int(match[2]), PERIOD_MONTH, int(match[1]))):
        return found
    if year is not None and words.isdecimal() and (found := _valid(year, PERIOD_MONTH, int(words))):
        return found
    if (found := in_title([written])) is not None:
        return found
    raise CellError("bad_value", f"Không đọc được kỳ '{clipped(value)}'", why="period", value=clipped(value), year=year)


def days_of(found: TablePeriod) -> Period:
    """The first and last day of a period."""
    year, kind, number = found
    first, last = {
        PERIOD_MONTH: (number, number),
        PERIOD_QUARTER: (3 * number - 2, 3 * number),
        PERIOD_HALF: (6 * number - 5, 6 * number),
    }.get(kind, (1, 12))
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


__all__ = ["TablePeriod", "days_of", "in_title", "period"]
