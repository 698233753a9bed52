"""The built-in list of Vietnam's provinces and centrally-run cities with their official codes: the 34 since
12/06/2025 (Nghị quyết 202/2025/QH15) and, for history, the 63 before with the one each became part of.

The list is ``models/data/provinces.csv``; its header says where it comes from. ``find_province`` reads what
an operator types (``20``, ``Lạng Sơn``, ``Lang Son``, ``Tỉnh Lạng Sơn``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from models.text import fold

REFORM_DAY = date(2025, 6, 12)  # Nghị quyết 202/2025/QH15 in force: 63 units became 34
CENTRAL_CITY = "thành phố trực thuộc trung ương"
_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


@dataclass(frozen=True)
class ProvinceEntry:
    """One province or centrally-run city of the list."""

    code: str  # the official two-digit code, "20"
    name: str  # "Tỉnh Lạng Sơn", "Thành phố Hải Phòng"
    kind: str  # "tỉnh" or "thành phố trực thuộc trung ương"
    current: bool  # one of the 34 since 12/06/2025 (else one of the 63 before)
    became: str  # for one of the 63: the code of the current unit it became (part of)
    aliases: tuple[str, ...] = ()

    @property
    def central_city(self) -> bool:
        return self.kind == CENTRAL_CITY

    @property
    def short_name(self) -> str:
        """ "Lạng Sơn" of "Tỉnh Lạng Sơn"."""
        return re.sub(r"^(Tỉnh|Thành phố)\s+", "", self.name)


@dataclass(frozen=True)
class Catalogue:
    current: tuple[ProvinceEntry, ...]
    before: tuple[ProvinceEntry, ...]

    def successor(self, entry: ProvinceEntry) -> ProvinceEntry:
        """The current unit one of the 63 became (part of)."""
        return next(e for e in self.current if e.code == entry.became)

    def predecessors(self, entry: ProvinceEntry) -> list[ProvinceEntry]:
        """The units of the 63 a current one was formed from (itself alone where nothing merged)."""
        return [e for e in self.before if e.became == entry.code]


@cache
def catalogue() -> Catalogue:
    text = files("models").joinpath("data", "provinces.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    entries = [
        ProvinceEntry(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            current=row["period"] == "current",
            became=row["became"],
            aliases=tuple(a for a in row["aliases"].split("|") if a),
        )
        for row in csv.DictReader(lines)
    ]
    return Catalogue(tuple(e for e in entries if e.current), tuple(e for e in entries if not e.current))


def _key(text: str) -> str:
    folded = fold(text).replace("-", " ")
    return " ".join(_PREFIX.sub("", " ".join(folded.split())).split())


def _matches(entry: ProvinceEntry, wanted: str) -> bool:
    if wanted.isdigit():
        return wanted.zfill(2) == entry.code
    return _key(wanted) in {_key(entry.name), *(_key(a) for a in entry.aliases)}


def find_province(text: str, *, before: bool = False) -> ProvinceEntry | None:
    """The province ``text`` names, by code or by name with or without diacritics and "Tỉnh"/"Thành phố":
    one of the 34 first, else one of the 63 before 12/06/2025 (``current`` False); with ``before``, one of
    the 63 first (a table of 2024: "Tây Ninh" is code 72 then). None when none is."""
    wanted = text.strip()
    if not wanted:
        return None
    found = catalogue()
    order = (*found.before, *found.current) if before else (*found.current, *found.before)
    return next((e for e in order if _matches(e, wanted)), None)


__all__ = ["CENTRAL_CITY", "REFORM_DAY", "Catalogue", "ProvinceEntry", "catalogue", "find_province"]
