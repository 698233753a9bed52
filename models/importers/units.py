"""Import of the unit tree (Mã đơn vị, Tên đơn vị, Loại, Đơn vị cấp trên, Hiệu lực từ/đến, Hình thành từ).

A parent may come anywhere in the file or already be stored. Re-importing updates the name, kind and
validity of known codes and moves a unit whose parent changed (the paths of its subtree follow), as
when communes came directly under the province on 1/7/2025.

Units are dated: a code names one unit on a day, so the reform's new commune may carry the official code
of a commune it was formed from, from the day after that one ended; two units with one code valid on the
same day are a row error. "Hình thành từ" lists the units (codes or names, separated by ; or ,) a unit
was formed from: they are recorded as its predecessors, and one still open is ended the day before.
A row whose code is not stored may still be a stored unit: the one its code was recorded as an alias of,
or the one unit of the province its name names (the province's own file, "SNV", for the unit stored as
"LS.SNV"); the file's code is then recorded as an alias of that unit (``models.units.UnitAlias``), so the
province's other files may name the unit by it. The matching of rows to stored units and the lineage are
in ``models/importers/unit_rows.py``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import LineageKind, UnitKind
from models.importers.cells import CellError, clipped, day, limited, name, text
from models.importers.result import Batch, Note, Step
from models.importers.sheet import Cells, Column, Table
from models.importers.unit_rows import Line, Node, Nodes
from models.lineage import link
from models.resolver import Resolver, aliases_of
from models.text import fold
from models.tree import add_unit
from models.units import Unit, UnitAlias, UnitLineage

COLUMNS = (
    Column("code", "Mã đơn vị", ("Mã", "Mã ĐV", "Mã số")),
    Column("name", "Tên đơn vị", ("Tên", "Đơn vị")),
    Column("kind", "Loại", ("Loại đơn vị", "Cấp", "Loại hình")),
    Column("parent", "Đơn vị cấp trên", ("Mã đơn vị cấp trên", "Mã cấp trên", "Cấp trên", "Trực thuộc")),
    Column("valid_from", "Hiệu lực từ", ("Từ ngày", "Ngày hiệu lực"), required=False),
    Column("valid_to", "Hiệu lực đến", ("Đến ngày", "Hết hiệu lực"), required=False),
    Column("formed_from", "Hình thành từ", ("Sáp nhập từ", "Đơn vị cũ", "Hợp nhất từ", "Trên cơ sở"), False),
)
KIND_WORDS: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.PROVINCE: ("tỉnh",),
    UnitKind.DEPARTMENT: ("sở", "ban", "ngành", "sở, ban, ngành"),
    UnitKind.DISTRICT: ("huyện",),
    UnitKind.CITY: ("thành phố", "tp"),
    UnitKind.TOWN: ("thị xã", "tx"),
    UnitKind.COMMUNE: ("xã",),
    UnitKind.WARD: ("phường",),
    UnitKind.TOWNSHIP: ("thị trấn", "tt"),
    UnitKind.AGENCY: ("cơ quan", "đơn vị", "khác"),
    UnitKind.CENTRAL_CITY: ("thành phố trực thuộc trung ương", "tp trực thuộc trung ương", "tp tw", "thành phố tw"),
    UnitKind.SPECIAL_ZONE: ("đặc khu",),
    UnitKind.CENTER: ("trung tâm", "trung tâm phục vụ hành chính công"),
}
_BY_WORD = {fold(w): kind for kind, words in KIND_WORDS.items() for w in (*words, kind.value)}


def unit_kind(value: object) -> UnitKind:
    """The kind a file writes: "Huyện", "thi xa", "district"."""
    if kind := _BY_WORD.get(fold(text(value))):
        return kind
    reason = f"Loại đơn vị '{text(value)}' không hợp lệ (tỉnh, sở, huyện, xã, phường, ...)"
    raise CellError("bad_value", reason, why="unit_kind", value=clipped(value))


def kind_from_name(name: str) -> UnitKind | None:
    """ "Xã Minh Sơn" -> commune, when the kind column was left empty."""
    folded = fold(name)
    return next((_BY_WORD[w] for w in sorted(_BY_WORD, key=len, reverse=True) if folded.startswith(w + " ")), None)


def _read(cells: Cells) -> Line | None:
    code = cells.get("code", name(64), "", required=True)
    title = cells.get("name", name(255), "", required=True)
    parent = cells.get("parent", name(64), "")
    kind = cells.get("kind", unit_kind, None) or kind_from_name(title)
    if kind is None and cells.ok:
        reason = "Không được để trống (tỉnh, sở, huyện, thành phố, thị xã, xã, phường, ...)"
        cells.fail("kind", "empty", reason, {"why": "unit_kind"})
    start = cells.get("valid_from", day, None)
    end = cells.get("valid_to", day, None)
    if start and end and start > end:
        reason = "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực"
        cells.fail("valid_to", "bad_date", reason, {"why": "ends_before_start", "start": start, "end": end})
    formed_from = cells.get("formed_from", limited(2000), "")
    if not cells.ok or kind is None:
        return None
    return Line(cells.row.number, code, title, kind, parent, start, end, formed_from)


def _parents(nodes: Nodes, table: Table, batch: Batch) -> dict[int, Node | None]:
    """The parent node of each node (by ``id()``): a row's as its file names it, a stored unit's its own."""
    parent_of: dict[int, Node | None] = {}
    for node in nodes.all():
        if isinstance(node, Unit):
            parent_of[id(node)] = nodes.stored_parent(node)
        elif node.via and node.unit is not None and not node.parent:
            parent_of[id(node)] = nodes.stored_parent(node.unit)  # found by alias or name: stays where it is
        elif node.parent:
            parent = nodes.parent_node(node.parent, node.period)
            if parent is None:
                reason = f"Không có đơn vị mã '{node.parent}'"
                params = {"why": "parent", "code": node.parent}
                batch.error(node.row, table.headers["parent"], "unknown_unit", reason, params)
            parent_of[id(node)] = parent
        else:
            parent_of[id(node)] = None
    return parent_of


def _depths(nodes: Nodes, parent_of: dict[int, Node | None], table: Table, batch: Batch) -> dict[int, int]:
    """Depth of each row's unit in the tree after the import; cycles are errors."""
    depths: dict[int, int] = {}
    for line in nodes.lines:
        chain: list[Node] = [line]
        while (parent := parent_of.get(id(chain[-1]))) is not None and all(parent is not n for n in chain):
            chain.append(parent)
        if parent_of.get(id(chain[-1])) is not None:
            batch.error(
                line.row, table.headers["parent"], "cycle", "Đơn vị cấp trên tạo thành vòng lặp", {"code": line.code}
            )
            continue
        depths[id(line)] = len(chain)
    return depths


def _check_scope(nodes: Nodes, parent_of: dict[int, Node | None], table: Table, batch: Batch) -> None:
    """With a scope, every row stays inside the province: a stored unit of another province is not
    touched, and every unit of the file ends up below the province (its chain of parents, as the file
    and the database leave it, reaches the province), which itself keeps its parent."""
    scope = batch.scope
    if scope is None:
        return
    province = nodes.of_unit.get(scope.id) if scope.id is not None else None
    for line in nodes.lines:
        if line.unit is not None and not scope.contains(line.unit):
            batch.outside(line.row, table.headers["code"], f"Đơn vị {line.code}", subject="unit", name=line.unit.name)
            continue
        is_province = line is province or (province is None and line.key == fold(scope.code))
        if is_province:
            stored = line.unit.parent_id if line.unit is not None else None
            parent = parent_of.get(id(line))
            if (
                parent.id if isinstance(parent, Unit) else parent.unit.id if parent and parent.unit else None
            ) != stored:
                _parent_outside(batch, line, table)
            continue
        node: Node | None = line
        seen: list[Node] = []
        while node is not None and all(node is not n for n in seen):
            seen.append(node)
            if node is province or (isinstance(node, Line) and province is None and node.key == fold(scope.code)):
                break
            kept = node if isinstance(node, Unit) else node.unit
            if kept is not None and not scope.contains(kept):
                node = None  # a stored unit of another province keeps its stored parent: never reaches ours
                break
            node = parent_of.get(id(node))
        else:
            node = None
        if node is None:
            _parent_outside(batch, line, table)


def _parent_outside(batch: Batch, line: Line, table: Table) -> None:
    what = f"Đơn vị cấp trên '{line.parent or '(không)'}'"
    batch.outside(line.row, table.headers["parent"], what, subject="parent", name=line.parent)


def _lineage(nodes: Nodes, stored_links: set[tuple[int, int]], table: Table, batch: Batch) -> list[tuple[Line, Node]]:
    """The (successor row, predecessor) pairs of the file's "Hình thành từ", ending predecessors still
    open; errors for names not found and for a predecessor the file keeps open."""
    pairs: list[tuple[Line, Node]] = []
    for line in nodes.lines:
        if not line.formed_from:
            continue
        found, problems = nodes.predecessors(line)
        for predecessor in found:
            if line.valid_from is not None and (
                problem := nodes.end(predecessor, line.valid_from - timedelta(days=1), line)
            ):
                problems.append(problem)
            unit = predecessor if isinstance(predecessor, Unit) else predecessor.unit
            if not (unit is not None and line.unit is not None and (unit.id, line.unit.id) in stored_links):
                pairs.append((line, predecessor))
        column = "valid_from" if line.valid_from is None else "formed_from"
        for problem in problems:
            batch.error(line.row, table.headers.get(column, column), "unknown_unit", problem.reason, problem.params)
    return pairs


def _differences(
    unit: Unit, line: Line, parent: Node | None, old_parent: Unit | None, table: Table
) -> list[dict[str, object]]:
    """What a row changes in a stored unit, one entry per field (``what``, ``old``, ``new``), as the
    template of the note ``unit.update`` says it: names, kinds (as UnitKind values) and dates."""
    found: list[dict[str, object]] = []
    if unit.name != line.name:
        found.append({"what": "name", "old": unit.name, "new": line.name})
    if unit.kind != line.kind:
        found.append({"what": "kind", "old": UnitKind(unit.kind).value, "new": line.kind.value})
    parent_id = parent.id if isinstance(parent, Unit) else parent.unit.id if parent and parent.unit else None
    if parent_id != unit.parent_id or (parent is not None and parent_id is None):
        new = parent.name if parent is not None else None
        found.append({"what": "parent", "old": old_parent.name if old_parent else None, "new": new})
    for key, old, new_day in (
        ("valid_from", unit.valid_from, line.valid_from),
        ("valid_to", unit.valid_to, line.valid_to),
    ):
        if (table.has(key) or (key == "valid_to" and line.ended_by)) and old != new_day:
            found.append({"what": key, "old": old, "new": new_day})
    return found


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    units = list((await session.execute(select(Unit).order_by(Unit.id))).scalars())
    by_id = {u.id: u for u in units}
    links = {(p, s) for p, s in (await session.execute(select(UnitLineage.predecessor_id, UnitLineage.successor_id)))}
    lines = [line for row in table.rows if (line := _read(Cells(table, row, batch))) is not None]
    scope = batch.scope
    mine = [u for u in units if scope is None or scope.contains(u)]
    aliases = await aliases_of(session)
    nodes = Nodes.build(units, lines, Resolver(mine, by_id, aliases), aliases)
    for problem in nodes.problems:
        column = table.headers.get(problem.column, problem.column)
        batch.error(problem.line.row, column, problem.code, problem.reason, problem.params)
    parent_of = _parents(nodes, table, batch)
    pairs = _lineage(nodes, links, table, batch)
    for line, other, shared in nodes.clashes():
        params: dict[str, object] = {"code": line.code, "shared": shared}
        if isinstance(other, Line):
            reason = f"Mã đơn vị '{line.code}' trùng với dòng {other.row}"
            params.update(why="unit_code_in_file", row=other.row)
        else:
            reason = f"Mã đơn vị '{line.code}' đã dùng cho {other.name}"
            params.update(why="unit_code_stored", name=other.name)
        on = f" (cùng hiệu lực ngày {shared:%d/%m/%Y})" if shared else " (cùng hiệu lực)"
        batch.error(line.row, table.headers["code"], "duplicate", reason + on, params)
    if batch.failed:
        return
    depths = _depths(nodes, parent_of, table, batch)
    if batch.failed:
        return
    _check_scope(nodes, parent_of, table, batch)
    if batch.failed:
        return
    batch.steps.append(_dates_first(nodes))
    for line in sorted(lines, key=lambda line: depths[id(line)]):
        parent = parent_of.get(id(line))
        if line.unit is None:
            note = Note(
                "unit.create",
                {
                    "code": line.code,
                    "name": line.name,
                    "parent": parent.name if parent is not None else None,
                    "valid_from": line.valid_from,
                },
            )
            batch.create(note, _creation(session, line, parent, units))
            continue
        old_parent = by_id.get(line.unit.parent_id) if line.unit.parent_id else None
        differences = _differences(line.unit, line, parent, old_parent, table)
        if differences:
            note = Note("unit.update", {"code": line.unit.code, "name": line.unit.name, "changes": differences})
            batch.update(note, _update(line, line.unit, parent, units, table))
        if line.via == "name":
            note = Note("unit.alias", {"code": line.code, "name": line.unit.name, "unit_code": line.unit.code})
            (batch.also if differences else batch.update)(note, _alias(session, line, line.unit, batch.source))
        elif not differences:
            batch.same()
    for unit in units:
        if unit.id in nodes.closed:
            successor = nodes.closed_by[unit.id]
            params = {"code": unit.code, "name": unit.name, "from_day": nodes.closed[unit.id] + timedelta(days=1)}
            note = Note("unit.end", {**params, "successor": successor.name, "successor_code": successor.code})
            batch.update(note, _nothing)
    for successor, predecessor in pairs:
        params = {"code": successor.code, "name": successor.name}
        note = Note("unit.link", {**params, "from_code": predecessor.code, "from_name": predecessor.name})
        batch.also(note, _link(session, successor, predecessor))


async def _nothing() -> None:
    """Ending a stored unit is done by ``_dates_first``."""


def _dates_first(nodes: Nodes) -> Step:
    """Before any unit is written, the stored units the file ends get their last day, so a successor
    taking the code the next day is never seen beside them."""

    async def dates() -> None:
        for unit in nodes.stored:
            if unit.id in nodes.closed:
                unit.valid_to = nodes.closed[unit.id]
        for line in nodes.lines:
            if line.unit is not None and line.ended_by:
                line.unit.valid_to = line.valid_to

    return dates


def _unit_of(node: Node | None) -> Unit | None:
    if node is None or isinstance(node, Unit):
        return node
    return node.unit or node.made


def _creation(session: AsyncSession, line: Line, parent: Node | None, units: list[Unit]) -> Step:
    async def create() -> None:
        line.made = await add_unit(
            session,
            code=line.code,
            name=line.name,
            kind=line.kind,
            parent=_unit_of(parent),
            valid_from=line.valid_from,
            valid_to=line.valid_to,
        )
        units.append(line.made)

    return create


def _update(line: Line, unit: Unit, parent: Node | None, units: list[Unit], table: Table) -> Step:
    async def update() -> None:
        unit.name, unit.kind = line.name, line.kind
        if table.has("valid_from"):
            unit.valid_from = line.valid_from
        if table.has("valid_to") or line.ended_by:
            unit.valid_to = line.valid_to
        new_parent = _unit_of(parent)
        if (new_parent.id if new_parent else None) != unit.parent_id:
            _move(unit, new_parent, units)

    return update


def _alias(session: AsyncSession, line: Line, unit: Unit, source: str) -> Step:
    async def record() -> None:
        session.add(UnitAlias(unit_id=unit.id, alias=line.code, folded=fold(line.code), kind="code", source=source))

    return record


def _link(session: AsyncSession, successor: Line, predecessor: Node) -> Step:
    async def link_them() -> None:
        new, old = _unit_of(successor), _unit_of(predecessor)
        if new is None or old is None or successor.valid_from is None:  # written by the steps before
            raise RuntimeError("lineage written before its units")
        await link(session, old, new, LineageKind.FORMED_FROM, successor.valid_from)

    return link_them


def _move(unit: Unit, parent: Unit | None, units: list[Unit]) -> None:
    """Put ``unit`` under ``parent``; the paths of its whole subtree are rewritten with it."""
    old, new = unit.path, f"{parent.path if parent else '/'}{unit.id}/"
    unit.parent_id = parent.id if parent else None
    for other in units:
        if other.path.startswith(old):
            other.path = new + other.path[len(old) :]
