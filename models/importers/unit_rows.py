"""The rows of a units file against the stored tree, now that a code names a unit only on a day.

Every unit after the import is a *node*: a row of the file (``Line``, which may update a stored unit) or a
stored unit the file does not mention. A row updates the stored unit with its code whose validity it
shares (the same first day preferred); a row formed from a unit with its own code is a new unit (the
reform's new commune keeping a predecessor's official code). Parents, predecessors and clashes are
worked out between nodes, so a reused code is never mistaken for another unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.enums import UnitKind
from models.importers.lookup import name_key
from models.lineage import Period, overlap
from models.text import fold
from models.units import Unit

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
class Problem:
    """Why a row's "Hình thành từ" cannot be recorded: the Vietnamese fallback and the parameters of the
    sentence (``why`` names it in templates/*/imports/_problems.j2, code ``unknown_unit``)."""

    reason: str
    params: dict[str, object]


def node_period(node: Node) -> Period:
    return (node.valid_from, node.valid_to)


def day_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


@dataclass
class Nodes:
    """The units as the import leaves them, by code and by name."""

    stored: list[Unit]
    lines: list[Line]
    by_code: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    of_unit: dict[int, Node] = field(default_factory=dict)
    closed: dict[int, date] = field(default_factory=dict)  # stored unit id -> its new last day
    closed_by: dict[int, Line] = field(default_factory=dict)  # stored unit id -> the row that ended it

    @classmethod
    def build(cls, stored: list[Unit], lines: list[Line]) -> Nodes:
        nodes = cls(stored, lines)
        nodes._match()
        for unit in stored:
            nodes.of_unit.setdefault(unit.id, unit)
        for node in nodes.all():
            nodes.by_code[fold(node.code)].append(node)
            nodes.by_name[name_key(node.name)].append(node)
        return nodes

    def _match(self) -> None:
        """Pair each row with the stored unit it updates: same code and a shared day, the same first day
        first; never a unit the row says it was formed from."""
        codes: dict[str, list[Unit]] = defaultdict(list)
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

    def all(self) -> list[Node]:
        """Every node: the rows, then the stored units no row updates."""
        return [*self.lines, *(u for u in self.stored if self.of_unit.get(u.id) is u)]

    def parent_node(self, code: str, child: Period) -> Node | None:
        """The unit ``code`` names as a parent of a unit valid in ``child``: one sharing a day with it,
        else the last one with the code."""
        found = self.by_code.get(fold(code), [])
        sharing = [n for n in found if overlap(child, node_period(n))[0]]
        candidates = sharing or found
        return candidates[-1] if candidates else None

    def stored_parent(self, unit: Unit) -> Node | None:
        return self.of_unit.get(unit.parent_id) if unit.parent_id else None

    def predecessors(self, line: Line) -> tuple[list[Node], list[Problem]]:
        """The units ``line`` was formed from (each valid on the day before it began), and a problem for
        each one that cannot be found or is ambiguous."""
        found: list[Node] = []
        problems: list[Problem] = []
        if line.valid_from is None:
            return [], [Problem("Cần ghi 'Hiệu lực từ' của đơn vị hình thành từ đơn vị khác", {"why": "needs_start"})]
        before = line.valid_from - timedelta(days=1)
        for piece in (p.strip() for p in _SEPARATORS.split(line.formed_from)):
            if not piece:
                continue
            named = self.by_code.get(fold(piece)) or self.by_name.get(name_key(piece), [])
            named = [n for n in named if n is not line and overlap((before, before), node_period(n))[0]]
            if len(named) == 1:
                if named[0] not in found:
                    found.append(named[0])
            elif named:
                codes = ", ".join(n.code for n in named)
                reason = f"'{piece}' trùng tên nhiều đơn vị ({codes}): hãy ghi mã"
                problems.append(Problem(reason, {"why": "ambiguous_predecessor", "name": piece, "codes": codes}))
            else:
                reason = f"Không tìm thấy đơn vị '{piece}' còn hoạt động ngày {day_text(before)}"
                problems.append(Problem(reason, {"why": "unknown_predecessor", "name": piece, "day": before}))
        return found, problems

    def end(self, node: Node, last_day: date, successor: Line) -> Problem | None:
        """End a predecessor still open on ``successor``'s first day; a problem when the file itself says it
        goes on."""
        if node.valid_to is not None and node.valid_to <= last_day:
            return None
        if isinstance(node, Line):
            if node.valid_to is not None and not node.ended_by:
                reason = f"{node.name} (dòng {node.row}) còn hiệu lực đến {day_text(node.valid_to)}"
                params: dict[str, object] = {"why": "predecessor_goes_on", "name": node.name, "row": node.row}
                return Problem(reason, {**params, "until": node.valid_to, "starts": successor.valid_from})
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
