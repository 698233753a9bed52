"""Finding the units a file names: by code, or by exact name ignoring case, diacritics and a leading
"UBND", or by "name, parent name" when a name alone is shared ("Xã Minh Sơn, huyện Hữu Lũng"), or by an
alias the province's own files use ("SNV" for the unit stored as "LS.SNV", recorded by a units import).
All units (and aliases) are loaded once per import (a province has a few hundred) instead of one query per
cell.

Units are dated: a file about a period (a plan's year) finds the unit valid then, so a code reused by a
new commune after 1/7/2025 means the old commune in a 2024 plan and the new one in a 2026 plan. A unit
that no longer exists in the period is refused with the unit that carries it on named."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers.cells import CellError, visible
from models.importers.result import RowError
from models.lineage import Period, ended_on
from models.naming import PROVINCE_LEVEL, NamedUnit
from models.resolver import Resolver, aliases_of, spelled
from models.text import fold
from models.units import Unit, UnitLineage

if TYPE_CHECKING:
    from models.scope import Scope

_LISTS = re.compile(r"[;\n]")


def name_key(name: str) -> str:
    """A name folded the way the resolver compares names ("UBND TP. Lạng Sơn" -> "thanh pho lang son")."""
    return spelled(name)


@dataclass
class UnitLookup:
    names: Resolver = field(default_factory=lambda: Resolver([]))
    by_id: dict[int, Unit] = field(default_factory=dict)
    outside: dict[str, Unit] = field(default_factory=dict)  # codes of units outside the scope
    scope: Scope | None = None
    period: Period = (None, None)  # the days the file is about: a unit must be valid on one of them
    successors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        scope: Scope | None = None,
        period: Period = (None, None),
        *,
        provinces: bool = False,
    ) -> UnitLookup:
        """Every unit, or with ``scope`` only the province's: a unit of another province is never found
        (by its code it is named as outside the province, by its name it is unknown). ``provinces``: the
        other provinces themselves are found too (a national results table names them all; below a
        province, the scope still holds). ``period``: the first and last day the file is about (a plan's
        year); None for either: no limit."""
        units = list((await session.execute(select(Unit).order_by(Unit.id))).scalars())
        by_id = {u.id: u for u in units}
        found: list[Unit] = []
        outside: dict[str, Unit] = {}
        for unit in units:
            if scope is not None and not scope.contains(unit) and not (provinces and unit.kind in PROVINCE_LEVEL):
                outside[fold(unit.code)] = unit
                continue
            found.append(unit)
        lookup = cls(Resolver(found, by_id, await aliases_of(session)), by_id, outside, scope, period)
        links = await session.execute(select(UnitLineage.predecessor_id, UnitLineage.successor_id))
        for predecessor, successor in links.all():
            lookup.successors[predecessor].append(successor)
        return lookup

    def knows(self, text: str) -> bool:
        return bool(self.names.named(text))

    def find(self, text: str, period: Period | None = None, on: date | None = None) -> Unit:
        """The one unit ``text`` names valid in the period; CellError ``unknown_unit`` (with the closest
        names: "Có phải: …?"), ``ambiguous_unit`` (with the candidates' codes) or ``abolished_unit`` (with
        the successor named) otherwise, or ``hidden_character`` when it holds a character that cannot be
        seen. ``period`` (a row's own year) replaces the file's; ``on`` (a task's deadline) chooses
        between two units valid in it, as a code the reform reused names the old commune before 1/7/2025
        and the new one after."""
        visible(text)
        if period is not None:
            return self.during(period).find(text, None, on)
        named = self.names.codes.get(fold(text)) or []
        if not named and fold(text) in self.outside and self.scope is not None:
            raise CellError(
                "outside_province",
                f"Đơn vị '{text}' không thuộc tỉnh {self.scope.code}",
                text=text,
                subject="unit",
                name=text,
                province=self.scope.province.name or self.scope.code,
                province_code=self.scope.code,
            )
        named = named or self.names.named(text)
        valid = [u for u in named if u.valid_during(*self.period)]
        if len(valid) > 1 and on is not None and len(that_day := [u for u in valid if u.valid_on(on)]) == 1:
            return that_day[0]
        if len(valid) == 1:
            return valid[0]
        if valid:
            codes = ", ".join(u.code for u in valid)
            raise CellError(
                "ambiguous_unit",
                f"'{text}' trùng tên nhiều đơn vị ({codes}): hãy ghi mã đơn vị",
                text=text,
                candidates=[(self._name(u), u.code) for u in valid],
                # a code shared by two units (the reform reused it) tells them apart only by their dates
                periods=[(self._name(u), u.code, u.valid_from, u.valid_to) for u in valid],
                same_code=len({fold(u.code) for u in valid}) == 1,
            )
        if named:
            raise CellError("abolished_unit", self._not_valid(named[-1]), **self._not_valid_params(named[-1]))
        near = [u for u in self.names.closest(text) if u.valid_during(*self.period)]
        guess = f". Có phải: {', '.join(f'{self._name(u)} ({u.code})' for u in near)}?" if near else ""
        raise CellError(
            "unknown_unit",
            f"Không tìm thấy đơn vị '{text}' (theo mã hoặc tên){guess}",
            why="not_found",
            text=text,
            candidates=[(self._name(u), u.code) for u in near],
        )

    def during(self, period: Period) -> UnitLookup:
        """The same units, about another period."""
        return replace(self, period=period)

    def _not_valid(self, unit: Unit) -> str:
        """Why ``unit`` cannot be named in the period: it ended before (and what carries it on), or it
        began after."""
        end = self.period[1]
        if unit.valid_from is not None and end is not None and unit.valid_from > end:
            return f"{unit.name} bắt đầu hoạt động từ {unit.valid_from:%d/%m/%Y}, sau kỳ của tệp"
        ended = ended_on(unit)
        reason = (
            f"{unit.name} đã kết thúc hoạt động từ {ended:%d/%m/%Y}" if ended else f"{unit.name} không còn hoạt động"
        )
        heirs = [self._name(u) for u in self._heirs(unit)]
        return reason + (f"; đơn vị kế thừa: {', '.join(heirs)}" if heirs else "")

    def _not_valid_params(self, unit: Unit) -> dict[str, object]:
        """What the template needs to say ``_not_valid`` in either language."""
        end = self.period[1]
        name = self._name(unit)
        if unit.valid_from is not None and end is not None and unit.valid_from > end:
            return {"why": "not_yet", "name": name, "unit_code": unit.code, "day": unit.valid_from}
        heirs = [(self._name(u), u.code) for u in self._heirs(unit)]
        return {"why": "ended", "name": name, "unit_code": unit.code, "day": ended_on(unit), "heirs": heirs}

    def _heirs(self, unit: Unit) -> list[Unit]:
        """The units carrying ``unit`` on in the period, following lineage as far as it goes."""
        seen, frontier, found = {unit.id}, [unit.id], []
        while frontier:
            frontier = [s for p in frontier for s in self.successors.get(p, []) if s not in seen]
            seen.update(frontier)
            found += [self.by_id[s] for s in frontier if s in self.by_id and self.by_id[s].valid_during(*self.period)]
        return found

    def _name(self, unit: Unit) -> NamedUnit:
        """The Vietnamese display name, which templates say in the reader's language (a ``NamedUnit``)."""
        parent = self.by_id.get(unit.parent_id) if unit.parent_id else None
        return NamedUnit(
            unit.name, unit.kind, unit.code, parent.name if parent else None, parent.kind if parent else None
        )

    def find_many(self, text: str, on: date | None = None) -> list[Unit]:
        """Units listed with ',' ';' or new lines; "Xã X, huyện Y" stays one name when it is one.
        Every name that is not found is reported in the one error."""
        visible(text)
        units: list[Unit] = []
        problems: list[CellError] = []
        for name in self._names(text):
            try:
                unit = self.find(name, on=on)
            except CellError as exc:
                problems.append(exc)
                continue
            if unit not in units:
                units.append(unit)
        if problems:
            codes = [p.code for p in problems]
            code = next((c for c in ("outside_province", "unknown_unit") if c in codes), "ambiguous_unit")
            raise CellError(
                code,
                "; ".join(p.reason for p in problems),
                why="several",
                problems=[RowError(0, "", p.code, p.reason, p.params) for p in problems],
            )
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
