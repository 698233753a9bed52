"""Finding the units a file names: by code, or by exact name ignoring case, diacritics and a leading
"UBND", or by "name, parent name" when a name alone is shared ("Xã Minh Sơn, huyện Hữu Lũng").
All units are loaded once per import (a province has a few hundred) instead of one query per cell."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers.cells import CellError, visible
from models.text import fold
from models.units import Unit

if TYPE_CHECKING:
    from models.scope import Scope

_PREFIX = re.compile(r"^(ubnd|uy ban nhan dan)\s+")
_LISTS = re.compile(r"[;\n]")


def name_key(name: str) -> str:
    return _PREFIX.sub("", fold(name).replace(" ,", ","))


@dataclass
class UnitLookup:
    by_code: dict[str, Unit] = field(default_factory=dict)
    by_name: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[int, Unit] = field(default_factory=dict)
    outside: dict[str, Unit] = field(default_factory=dict)  # codes of units outside the scope
    scope: Scope | None = None

    @classmethod
    async def load(cls, session: AsyncSession, scope: Scope | None = None) -> UnitLookup:
        """Every unit, or with ``scope`` only the province's: a unit of another province is never found
        (by its code it is named as outside the province, by its name it is unknown)."""
        units = list((await session.execute(select(Unit).order_by(Unit.id))).scalars())
        lookup = cls(by_id={u.id: u for u in units}, scope=scope)
        for unit in units:
            if scope is not None and not scope.contains(unit):
                lookup.outside[fold(unit.code)] = unit
                continue
            lookup.by_code[fold(unit.code)] = unit
            lookup.by_name[name_key(unit.name)].append(unit)
            parent = lookup.by_id.get(unit.parent_id) if unit.parent_id else None
            if parent is not None:
                lookup.by_name[f"{name_key(unit.name)}, {name_key(parent.name)}"].append(unit)
        return lookup

    def knows(self, text: str) -> bool:
        return fold(text) in self.by_code or name_key(text) in self.by_name

    def find(self, text: str) -> Unit:
        """The one unit ``text`` names; CellError ``unknown_unit`` or ``ambiguous_unit`` otherwise, or
        ``hidden_character`` when it holds a character that cannot be seen."""
        visible(text)
        if unit := self.by_code.get(fold(text)):
            return unit
        if (unit := self.outside.get(fold(text))) and self.scope is not None:
            raise CellError("outside_province", f"Đơn vị '{text}' không thuộc tỉnh {self.scope.code}")
        named = self.by_name.get(name_key(text), [])
        if len(named) == 1:
            return named[0]
        if named:
            codes = ", ".join(u.code for u in named)
            raise CellError("ambiguous_unit", f"'{text}' trùng tên nhiều đơn vị ({codes}): hãy ghi mã đơn vị")
        raise CellError("unknown_unit", f"Không tìm thấy đơn vị '{text}' (theo mã hoặc tên)")

    def find_many(self, text: str) -> list[Unit]:
        """Units listed with ',' ';' or new lines; "Xã X, huyện Y" stays one name when it is one.
        Every name that is not found is reported in the one error."""
        visible(text)
        units: list[Unit] = []
        problems: list[CellError] = []
        for name in self._names(text):
            try:
                unit = self.find(name)
            except CellError as exc:
                problems.append(exc)
                continue
            if unit not in units:
                units.append(unit)
        if problems:
            codes = [p.code for p in problems]
            code = next((c for c in ("outside_province", "unknown_unit") if c in codes), "ambiguous_unit")
            raise CellError(code, "; ".join(p.reason for p in problems))
        return units

    def _names(self, text: str) -> list[str]:
        names: list[str] = []
        for part in _LISTS.split(text):
            pieces = [p.strip() for p in part.split(",")]
            i = 0
            while i < len(pieces):
                if i + 1 < len(pieces) and self.knows(f"{pieces[i]}, {pieces[i + 1]}"):
                    names.append(f"{pieces[i]}, {pieces[i + 1]}")
                    i += 2
                    continue
                if pieces[i]:
                    names.append(pieces[i])
                i += 1
        return names
