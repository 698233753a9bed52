"""Reading the demo's data files (CSV with ``#`` comment lines, TOML) and the few value parsers they need."""

from __future__ import annotations

import csv
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

_PACKAGE = "models.demo"


def _text(name: str) -> str:
    return files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file, comment lines (starting with ``#``) and blank lines skipped, cells stripped."""
    lines = [line for line in _text(name).splitlines() if line.strip() and not line.startswith("#")]
    return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(lines)]


def read_toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_text(name))


def opt_decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def opt_int(text: str) -> int | None:
    return int(text) if text else None


def opt_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def flag(text: str) -> bool:
    if text not in {"true", "false"}:
        raise ValueError(f"expected true or false, got {text!r}")
    return text == "true"


def afternoon(day: date, tz: ZoneInfo) -> datetime:
    """A working-day moment on ``day`` (16:00 local) for rows that only know the date."""
    return datetime.combine(day, time(16, 0), tzinfo=tz)
