"""The rows of a units file against the stored tree, now that a code names a unit only on a day.

Every unit after the import is a *node*: a row of the file (``Line``, which may update a stored unit) or a
stored unit the file does not mention. A row updates the stored unit with its code whose validity it
shares (the same first day preferred); a row formed from a unit with its own code is a new unit (the
reform's new commune keeping a predecessor's official code). Parents, predecessors and clashes are
worked out between nodes, so a reused code is never mistaken for another unit.

A row whose code is not stored is the unit its code is an alias of (``models.units.UnitAlias``, recorded by
an earlier import), else the one stored unit of the province its name names (``models.resolver``: the same
kind, under the row's parent when the file gives one, sharing a day with the row): the province's own file
naming by its own codes ("SNV") units stored under others ("LS.SNV"). Such a row keeps what the file leaves
empty (a stored last day is never wiped by an empty cell) and the stored name when the file writes the same
name; a row whose name names several stored units, or whose code is an alias of another unit than its name
names, is a row error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.enums import UnitKind
from models.importers.lookup import name_key
from models.lineage import Period, overlap
from models.naming import display_name
from models.resolver import Resolver
from models.text import fold
from models.units import Unit, UnitAlias

_SEPARATORS = re.compile(r"[;,\n]")


@dataclass(eq=False)
class Line:
    row: int
    code: str
    name: str
    kind: UnitKind
    parent: str  # code of the parent as written, "" for a root
    valid_from: date | None
    valid_to: date | None
    formed_from: str = ""
    unit: Unit | None = None  # the stored unit this row updates; None: a new unit
    made: Unit | None = None  # the unit once written
    ended_by: str = ""  # the code of the successor whose row ended this unit (valid_to set by the import)
    via: str = ""  # how ``unit`` was found when not by its code: "alias" (a recorded alias), "name"

    @property
    def key(self) -> str:
        return fold(self.code)

    @property
    def period(self) -> Period:
        return self.valid_from, self.valid_to

    def names_as_predecessor(self, unit: Unit) -> bool:
        """True when the row's "Hình thành từ" names ``unit`` (by code or by name)."""
        pieces = [piece for piece in _SEPARATORS.split(self.formed_from) if piece.strip()]
        return any(fold(p) == fold(unit.code) or name_key(p) == name_key(unit.name) for p in pieces)


Node = Line | Unit


@dataclass(frozen=True)
class LinkProblem:
    """Why a row's "Hình thành từ" cannot be recorded: the Vietnamese fallback and the parameters of the
    sentence (``why`` names it in templates/*/imports/_problems.j2, code ``unknown_unit``)."""

    reason: str
    params: dict[str, object]


def node_period(node: Node) -> Period:
    return (node.valid_from, node.valid_to)


def day_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be matched to the stored units (``column``: the key of the column to name)."""

    line: Line
    column: str
    code: str
    reason: str
    params: dict[str, object]


@dataclass
class Nodes:
    """The units as the import leaves them, by code and by name."""

    stored: list[Unit]
    lines: list[Line]
    stored_codes: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))  # folded code
    alias_codes: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))  # folded alias code
    problems: list[RowProblem] = field(default_factory=list)
    by_code: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    of_unit: dict[int, Node] = field(default_factory=dict)
    closed: dict[int, date] = field(default_factory=dict)  # stored unit id -> its new last day
    closed_by: dict[int, Line] = field(default_factory=dict)  # stored unit id -> the row that ended it

    @classmethod
    def build(
        cls, stored: list[Unit], lines: list[Line], names: Resolver | None = None, aliases: Iterable[UnitAlias] = ()
    ) -> Nodes:
        """``names``: the stored units a row of an unknown code may be found among by name (the
        province's); ``aliases``: their aliases."""
        nodes = cls(stored, lines)
        nodes._match()
        if names is not None:
            mine = {u.id: u for u in names.units}
            for alias in aliases:
                if alias.kind == "code" and alias.unit_id in mine:
                    nodes.alias_codes[alias.folded].append(mine[alias.unit_id])
            nodes._match_aliases(names)
        for unit in stored:
            nodes.of_unit.setdefault(unit.id, unit)
        for node in nodes.all():
            nodes.by_code[fold(node.code)].append(node)
            nodes.by_name[name_key(node.name)].append(node)
        return nodes

    def _match(self) -> None:
        """Pair each row with the stored unit it updates: same code and a shared day, the same first day
        first; never a unit the row says it was formed from."""
        codes = self.stored_codes
        for unit in self.stored:
            codes[fold(unit.code)].append(unit)
        taken: set[int] = set()
        for exact in (True, False):
            for line in self.lines:
                if line.unit is not None:
                    continue
                for unit in codes.get(line.key, []):
                    if unit.id in taken or (not exact and line.names_as_predecessor(unit)):
                        continue
                    if (exact and unit.valid_from == line.valid_from) or (
                        not exact and overlap(line.period, (unit.valid_from, unit.valid_to))[0]
                    ):
                        line.unit = unit
                        taken.add(unit.id)
                        self.of_unit[unit.id] = line
                        break

    def _match_aliases(self, names: Resolver) -> None:
        """Pair each row of an unknown code with the stored unit its code is an alias of, else the one
        its name names; parents first, as a row is looked for under its parent's unit."""
        taken = {line.unit.id for line in self.lines if line.unit is not None}
        in_file = {line.key: line for line in self.lines}
        decided = {id(line) for line in self.lines if line.unit is not None}
        # a row with a stored code the row is not (a reused code, a clash) is not looked for by name
        waiting = [line for line in self.lines if line.unit is None and line.key not in self.stored_codes]
        decided |= {id(line) for line in self.lines if line.unit is None and line.key in self.stored_codes}
        while waiting:
            ready = [line for line in waiting if self._parent_settled(line, in_file, decided)]
            if not ready:
                break  # a cycle of parents in the file: reported as such later
            settled = {id(line) for line in ready}
            waiting = [line for line in waiting if id(line) not in settled]
            for line in ready:
                decided.add(id(line))
                unit = self._find(line, names, in_file, taken)
                if unit is not None:
                    taken.add(unit.id)
                    line.unit = unit
                    self.of_unit[unit.id] = line
                    self._keep_stored(line, unit, names)

    def _parent_settled(self, line: Line, in_file: dict[str, Line], decided: set[int]) -> bool:
        parent = in_file.get(fold(line.parent)) if line.parent else None
        return parent is None or parent is line or id(parent) in decided

    def _parent_unit(self, line: Line, in_file: dict[str, Line]) -> tuple[bool, Unit | None]:
        """(whether the row's parent is a stored unit or none, that unit)."""
        if not line.parent:
            return True, None
        if (parent := in_file.get(fold(line.parent))) is not None:
            return parent.unit is not None, parent.unit
        found = self.stored_codes.get(fold(line.parent), []) + self.alias_codes.get(fold(line.parent), [])
        found = [u for u in found if overlap(line.period, node_period(u))[0]] or found
        return bool(found), found[-1] if found else None

    def _find(self, line: Line, names: Resolver, in_file: dict[str, Line], taken: set[int]) -> Unit | None:
        stored, parent = self._parent_unit(line, in_file)
        if not stored:
            return None  # under a unit the file adds: a new unit too
        by_alias = [
            u
            for u in self.alias_codes.get(line.key, [])
            if u.id not in taken and overlap(line.period, node_period(u))[0]
        ]
        by_name = [
            u
            for u in names.named(line.name)
            if u.id not in taken
            and u.kind == line.kind
            and overlap(line.period, node_period(u))[0]
            and (not line.parent or (parent is not None and u.parent_id == parent.id))
        ]
        if len(by_alias) == 1:
            if by_name and by_alias[0] not in by_name:
                self._alias_taken(line, by_alias[0], by_name, names)
                return None
            line.via = "alias"
            return by_alias[0]
        candidates = by_alias or by_name
        if len(candidates) > 1:
            text = line.code if by_alias else line.name
            named = [(self._name(u, names), u.code) for u in candidates]
            reason = f"'{text}' trùng tên nhiều đơn vị ({', '.join(code for _, code in named)}): hãy ghi mã đơn vị"
            self.problems.append(
                RowProblem(
                    line, "code" if by_alias else "name", "ambiguous_unit", reason, {"text": text, "candidates": named}
                )
            )
            return None
        if by_name:
            line.via = "name"
            return by_name[0]
        return None

    def _alias_taken(self, line: Line, unit: Unit, named: list[Unit], names: Resolver) -> None:
        reason = f"Mã '{line.code}' đã được ghi nhận là mã của {unit.name} ({unit.code}), không phải của {line.name}"
        params: dict[str, object] = {
            "why": "unit_alias_taken",
            "code": line.code,
            "name": self._name(unit, names),
            "unit_code": unit.code,
            "named": ", ".join(f"{self._name(u, names)} ({u.code})" for u in named),
        }
        self.problems.append(RowProblem(line, "code", "duplicate", reason, params))

    @staticmethod
    def _name(unit: Unit, names: Resolver) -> str:
        parent = names.known.get(unit.parent_id) if unit.parent_id else None
        return display_name(unit.name, unit.kind, parent.name if parent else None, parent.kind if parent else None)

    @staticmethod
    def _keep_stored(line: Line, unit: Unit, names: Resolver) -> None:
        """What the file leaves empty stays as stored; the same name written another way keeps the stored
        spelling."""
        if line.valid_from is None:
            line.valid_from = unit.valid_from
        if line.valid_to is None:
            line.valid_to = unit.valid_to
        if unit in names.named(line.name):
            line.name = unit.name

    def all(self) -> list[Node]:
        """Every node: the rows, then the stored units no row updates."""
        return [*self.lines, *(u for u in self.stored if self.of_unit.get(u.id) is u)]

    def coded(self, code: str) -> list[Node]:
        """The nodes with ``code``, else those of the stored units it is an alias of."""
        found = self.by_code.get(fold(code))
        return found or [self.of_unit[u.id] for u in self.alias_codes.get(fold(code), []) if u.id in self.of_unit]

    def parent_node(self, code: str, child: Period) -> Node | None:
        """The unit ``code`` names as a parent of a unit valid in ``child``: one sharing a day with it,
        else the last one with the code."""
        found = self.coded(code)
        sharing = [n for n in found if overlap(child, node_period(n))[0]]
        candidates = sharing or found
        return candidates[-1] if candidates else None

    def stored_parent(self, unit: Unit) -> Node | None:
        return self.of_unit.get(unit.parent_id) if unit.parent_id else None

    def predecessors(self, line: Line) -> tuple[list[Node], list[LinkProblem]]:
        """The units ``line`` was formed from (each valid on the day before it began), and a problem for
        each one that cannot be found or is ambiguous."""
        found: list[Node] = []
        problems: list[LinkProblem] = []
        if line.valid_from is None:
            return [], [
                LinkProblem("Cần ghi 'Hiệu lực từ' của đơn vị hình thành từ đơn vị khác", {"why": "needs_start"})
            ]
        before = line.valid_from - timedelta(days=1)
        for piece in (p.strip() for p in _SEPARATORS.split(line.formed_from)):
            if not piece:
                continue
            named = self.coded(piece) or self.by_name.get(name_key(piece), [])
            named = [n for n in named if n is not line and overlap((before, before), node_period(n))[0]]
            if len(named) == 1:
                if named[0] not in found:
                    found.append(named[0])
            elif named:
                codes = ", ".join(n.code for n in named)
                reason = f"'{piece}' trùng tên nhiều đơn vị ({codes}): hãy ghi mã"
                problems.append(LinkProblem(reason, {"why": "ambiguous_predecessor", "name": piece, "codes": codes}))
            else:
                reason = f"Không tìm thấy đơn vị '{piece}' còn hoạt động ngày {day_text(before)}"
                problems.append(LinkProblem(reason, {"why": "unknown_predecessor", "name": piece, "day": before}))
        return found, problems

    def end(self, node: Node, last_day: date, successor: Line) -> LinkProblem | None:
        """End a predecessor still open on ``successor``'s first day; a problem when the file itself says it
        goes on."""
        if node.valid_to is not None and node.valid_to <= last_day:
            return None
        if isinstance(node, Line):
            if node.valid_to is not None and not node.ended_by:
                reason = f"{node.name} (dòng {node.row}) còn hiệu lực đến {day_text(node.valid_to)}"
                params: dict[str, object] = {"why": "predecessor_goes_on", "name": node.name, "row": node.row}
                return LinkProblem(reason, {**params, "until": node.valid_to, "starts": successor.valid_from})
            node.valid_to, node.ended_by = last_day, successor.code
        else:
            self.closed[node.id] = last_day
            self.closed_by[node.id] = successor
        return None

    def final_period(self, node: Node) -> Period:
        if isinstance(node, Unit) and node.id in self.closed:
            return node.valid_from, self.closed[node.id]
        return node_period(node)

    def clashes(self) -> list[tuple[Line, Node, date | None]]:
        """Each row whose code another unit holds on a shared day, with that unit and the first such day."""
        found: list[tuple[Line, Node, date | None]] = []
        for group in self.by_code.values():
            for i, node in enumerate(group):
                for other in group[i + 1 :]:
                    shared, day = overlap(self.final_period(node), self.final_period(other))
                    if not shared:
                        continue
                    line = other if isinstance(other, Line) else node
                    if isinstance(line, Line):
                        found.append((line, node if line is other else other, day))
        return found
