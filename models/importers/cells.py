"""Reading one cell: text, whole numbers, exact decimals ("85,94"), dates, ranks ("47/63") and
published changes ("+3,31", "giảm 8 bậc"). Failures raise CellError with a code, parameters (``why``
names the case of a code that has several, ``value`` the cell as written) and a Vietnamese reason; the
sentences users read are in templates/imports/_problems.j2.

A formula Excel never computed is ``Uncomputed`` (never a blank): ``computed`` refuses it with its cell.
Codes and names (``name``) refuse invisible and bidirectional control characters, which would make a
"new" unit look exactly like a real one."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, DecimalException

from models.text import fold, hidden_character

PLACES = Decimal("0.0001")  # models.base.Exact keeps four decimal places
PLACES_COUNT = 4
LARGEST = Decimal(10) ** 14  # and stores them scaled in a 64-bit integer
_MINUS = str.maketrans({"−": "-", "–": "-", "\u00a0": " "})
_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_RANK = re.compile(r"(\d+)\s*/\s*(\d+)")
_UP = ("tang", "len")
_DOWN = ("giam", "xuong")
LONGEST_NUMBER = 40  # characters: "1.234.567.890,1234" is 18; beyond that it is not a number we store


class CellError(ValueError):
    def __init__(self, code: str, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell with no saved value: Excel (or another program) wrote it and never computed it."""

    cell: str  # "D7"
    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


def computed(value: object) -> None:
    """CellError when ``value`` is a formula without a saved value."""
    if isinstance(value, Uncomputed):
        raise CellError(
            "uncomputed_formula",
            f"Ô {value.cell} là công thức chưa có giá trị: mở tệp trong Excel và lưu lại",
            cell=value.cell,
        )


def clipped(value: object, size: int = LONGEST_NUMBER) -> str:
    """The cell's text for a message, cut to ``size`` characters."""
    written = text(value)
    return written if len(written) <= size else written[: size - 1] + "…"


def text(value: object) -> str:
    """A cell as the user typed it, stripped; numbers without a spurious ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).translate(_MINUS).strip()


def limited(size: int) -> Callable[[object], str]:
    """A text reader that refuses more than ``size`` characters (the width of the column it fills)."""

    def read(value: object) -> str:
        written = text(value)
        if len(written) > size:
            raise CellError(
                "bad_value", f"Dài quá {size} ký tự ({len(written)})", why="too_long", size=size, length=len(written)
            )
        return written

    return read


def name(size: int) -> Callable[[object], str]:
    """A code or a name: ``limited`` text with no invisible or bidirectional control character."""
    read_limited = limited(size)

    def read(value: object) -> str:
        written = read_limited(value)
        visible(written)
        return written

    return read


def visible(written: str) -> None:
    """CellError naming the first invisible or bidirectional control character of ``written``."""
    if found := hidden_character(written):
        code_point, label = found
        raise CellError(
            "hidden_character",
            f"Có ký tự ẩn {code_point} ({label}) trong '{clipped(written)}': hãy gõ lại ô này",
            char=code_point,
            label=label,
        )


def whole(value: object) -> int:
    """A whole number that fits an integer column: 12, 12.0, "12", "12." """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2**31:
        number = int(value)
    elif re.fullmatch(r"[+-]?\d{1,10}", raw := text(value).rstrip(".")):
        number = int(raw)
    if number is None or abs(number) >= 2**31:
        raise CellError("bad_number", f"'{clipped(value)}' không phải số nguyên", why="not_whole", value=clipped(value))
    return number


def positive(value: object) -> int:
    """A row number (STT, TT): a whole number from 1 up."""
    number = whole(value)
    if number < 1:
        raise CellError(
            "bad_number", f"'{clipped(value)}' phải là số nguyên dương", why="not_positive", value=clipped(value)
        )
    return number


def decimal(value: object) -> Decimal:
    """An exact number: 85,94 and 85.94 alike, 1.234,5 and 1,234.5, a trailing %. A lone dot is a decimal
    point (scores exported by an English Excel read 42.519), so write a thousand as 1000 or 1.000,0.
    Excel's binary floats are rounded to the four places that are stored."""
    if isinstance(value, bool):
        raise CellError("bad_number", f"'{value}' không phải số", why="not_number", value=str(value))
    written = re.sub(r"\s+", "", text(value)).rstrip("%")
    if not isinstance(value, int | float) and len(written) > LONGEST_NUMBER:
        raise CellError(
            "bad_number",
            f"'{clipped(value)}' dài quá {LONGEST_NUMBER} ký tự, không phải số",
            why="too_long",
            value=clipped(value),
            size=LONGEST_NUMBER,
        )
    try:  # the checks come before any arithmetic: 1e999999999999 overflows any context
        if isinstance(value, int | float):
            result = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        else:
            result = Decimal(_normalise_separators(written))
        if not result.is_finite() or (result and result.adjusted() >= LARGEST.adjusted()):
            raise CellError("bad_number", f"'{clipped(value)}' không phải số hoặc quá lớn", **_too_large(value))
        if result and result.adjusted() < -PLACES_COUNT - 1:
            raise CellError("bad_number", f"'{clipped(value)}' có quá 4 chữ số thập phân", **_too_precise(value))
        if result != result.quantize(PLACES):
            if not isinstance(value, float):
                raise CellError("bad_number", f"'{clipped(value)}' có quá 4 chữ số thập phân", **_too_precise(value))
            result = result.quantize(PLACES, ROUND_HALF_UP)
    except DecimalException:
        raise CellError(
            "bad_number", f"'{clipped(value)}' không phải số", why="not_number", value=clipped(value)
        ) from None
    return result


def _too_large(value: object) -> dict[str, object]:
    return {"why": "too_large", "value": clipped(value)}


def _too_precise(value: object) -> dict[str, object]:
    return {"why": "too_precise", "value": clipped(value), "places": PLACES_COUNT}


def _normalise_separators(raw: str) -> str:
    if "," in raw and "." in raw:  # the last one is the decimal mark
        thousands, mark = (".", ",") if raw.rfind(",") > raw.rfind(".") else (",", ".")
        return raw.replace(thousands, "").replace(mark, ".")
    if raw.count(",") == 1:
        return raw.replace(",", ".")
    if raw.count(",") > 1:
        return raw.replace(",", "")
    if raw.count(".") > 1:  # 1.800.000; a single dot stays a decimal point: scores are written 42.519 too
        return raw.replace(".", "")
    return raw


def day(value: object) -> date:
    """A date: an Excel date cell, 30/6/2023, 30-06-2023, 30.06.2023 or 2023-06-30."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if m := _YMD.fullmatch(raw):
        year, month, dd = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.fullmatch(raw):
        dd, month, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
    else:
        raise CellError("bad_date", f"'{raw}' không phải ngày (dd/mm/yyyy)", why="not_date", value=clipped(raw))
    try:
        return date(year, month, dd)
    except ValueError:
        raise CellError("bad_date", f"'{raw}' không phải ngày có thật", why="no_such_day", value=clipped(raw)) from None


def rank(value: object) -> tuple[int, int | None]:
    """A rank, "47/63" (with its total) or 47."""
    if m := _RANK.fullmatch(text(value)):
        place, total = int(m[1]), int(m[2])
        if not 1 <= place <= total:
            raise CellError(
                "bad_value", f"'{clipped(value)}': thứ hạng phải từ 1 đến tổng số", why="rank", value=clipped(value)
            )
        return place, total
    place = whole(value)
    if place < 1:
        raise CellError("bad_value", f"'{text(value)}': thứ hạng phải từ 1 trở lên", why="rank", value=clipped(value))
    return place, None


def _direction(value: object) -> tuple[int, str]:
    """The sign a published change is written with ("+7", "tăng 7 bậc", "giảm 0,37 điểm") and the number."""
    words = fold(text(value))
    sign = -1 if words.startswith(_DOWN) else 1
    for word in (*_UP, *_DOWN, "bac", "diem"):
        words = words.replace(word, "")
    return sign, words.strip()


def change_in_places(value: object) -> int:
    """A published change of rank; positive when the unit moved up ("tăng 7 bậc" or "+7")."""
    sign, number = _direction(value)
    if number == "khong doi":
        return 0
    return sign * whole(number)


def change_in_points(value: object) -> Decimal:
    """A published change of score ("+3,31", "−0,37", "giảm 0,37 điểm")."""
    if isinstance(value, int | float):
        return decimal(value)
    sign, number = _direction(value)
    if number == "khong doi":
        return Decimal(0)
    return sign * decimal(number)


def show(value: object) -> str:
    """A stored value in a change line: 85,94 with a decimal comma; "(trống)" for nothing."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return text(value)
