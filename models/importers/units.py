"""Import of the unit tree (Mã đơn vị, Tên đơn vị, Loại, Đơn vị cấp trên, Hiệu lực từ/đến).

A parent may come anywhere in the file or already be stored. Re-importing updates the name, kind and
validity of known codes and moves a unit whose parent changed (the paths of its subtree follow), as
when communes came directly under the province on 1/7/2025."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.importers.cells import CellError, day, name, text
from models.importers.result import Batch, Step
from models.importers.sheet import Cells, Column, Table
from models.text import fold
from models.tree import add_unit
from models.units import Unit

COLUMNS = (
    Column("code", "Mã đơn vị", ("Mã", "Mã ĐV", "Mã số")),
    Column("name", "Tên đơn vị", ("Tên", "Đơn vị")),
    Column("kind", "Loại", ("Loại đơn vị", "Cấp", "Loại hình")),
    Column("parent", "Đơn vị cấp trên", ("Mã đơn vị cấp trên", "Mã cấp trên", "Cấp trên", "Trực thuộc")),
    Column("valid_from", "Hiệu lực từ", ("Từ ngày", "Ngày hiệu lực"), required=False),
    Column("valid_to", "Hiệu lực đến", ("Đến ngày", "Hết hiệu lực"), required=False),
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
}
_BY_WORD = {fold(w): kind for kind, words in KIND_WORDS.items() for w in (*words, kind.value)}


@dataclass
class _Line:
    row: int
    code: str
    name: str
    kind: UnitKind
    parent: str  # code of the parent as written, "" for a root
    valid_from: date | None
    valid_to: date | None


def unit_kind(value: object) -> UnitKind:
    """The kind a file writes: "Huyện", "thi xa", "district"."""
    if kind := _BY_WORD.get(fold(text(value))):
        return kind
    raise CellError("bad_value", f"Loại đơn vị '{text(value)}' không hợp lệ (tỉnh, sở, huyện, xã, phường, ...)")


def kind_from_name(name: str) -> UnitKind | None:
    """ "Xã Minh Sơn" -> commune, when the kind column was left empty."""
    folded = fold(name)
    return next((_BY_WORD[w] for w in sorted(_BY_WORD, key=len, reverse=True) if folded.startswith(w + " ")), None)


def _read(cells: Cells) -> _Line | None:
    code = cells.get("code", name(64), "", required=True)
    title = cells.get("name", name(255), "", required=True)
    parent = cells.get("parent", name(64), "")
    kind = cells.get("kind", unit_kind, None) or kind_from_name(title)
    if kind is None and cells.ok:
        cells.fail("kind", "empty", "Không được để trống (tỉnh, sở, huyện, thành phố, thị xã, xã, phường, ...)")
    start = cells.get("valid_from", day, None)
    end = cells.get("valid_to", day, None)
    if start and end and start > end:
        cells.fail("valid_to", "bad_date", "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực")
    if not cells.ok or kind is None:
        return None
    return _Line(cells.row.number, code, title, kind, parent, start, end)


def _depths(lines: list[_Line], stored: dict[str, Unit], table: Table, batch: Batch) -> dict[str, int]:
    """Depth of each line's unit in the tree after the import; unknown parents and cycles are errors."""
    by_id = {u.id: u for u in stored.values()}
    parent_of = {code: fold(by_id[u.parent_id].code) if u.parent_id else "" for code, u in stored.items()}
    parent_of.update({fold(line.code): fold(line.parent) for line in lines})
    depths: dict[str, int] = {}
    for line in lines:
        if line.parent and fold(line.parent) not in parent_of:
            batch.error(line.row, table.headers["parent"], "unknown_unit", f"Không có đơn vị mã '{line.parent}'")
            continue
        chain = [fold(line.code)]
        while parent_of.get(chain[-1]) and parent_of[chain[-1]] not in chain:
            chain.append(parent_of[chain[-1]])
        if parent_of.get(chain[-1]):
            batch.error(line.row, table.headers["parent"], "cycle", "Đơn vị cấp trên tạo thành vòng lặp")
            continue
        depths[chain[0]] = len(chain)
    return depths


def _differences(unit: Unit, line: _Line, parent_code: str, table: Table) -> list[str]:
    found = []
    if unit.name != line.name:
        found.append(f"tên '{unit.name}' → '{line.name}'")
    if unit.kind != line.kind:
        found.append(f"loại {KIND_WORDS[UnitKind(unit.kind)][0]} → {KIND_WORDS[line.kind][0]}")
    if fold(parent_code) != fold(line.parent):
        found.append(f"cấp trên {parent_code or '(không)'} → {line.parent or '(không)'}")
    for key, old, new in (("valid_from", unit.valid_from, line.valid_from), ("valid_to", unit.valid_to, line.valid_to)):
        if table.has(key) and old != new:
            found.append(f"{table.headers[key]} {text(old) or '(trống)'} → {text(new) or '(trống)'}")
    return found


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    units = list((await session.execute(select(Unit).order_by(Unit.id))).scalars())
    stored = {fold(u.code): u for u in units}
    by_id = {u.id: u for u in units}
    lines: list[_Line] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        line = _read(cells)
        if line is None:
            continue
        if (seen := first_row.setdefault(fold(line.code), row.number)) != row.number:
            cells.fail("code", "duplicate", f"Mã đơn vị '{line.code}' trùng với dòng {seen}")
            continue
        lines.append(line)
    depths = _depths(lines, stored, table, batch)
    if batch.failed:
        return
    _check_scope(lines, stored, by_id, table, batch)
    if batch.failed:
        return
    for line in sorted(lines, key=lambda line: depths[fold(line.code)]):
        unit = stored.get(fold(line.code))
        if unit is None:
            batch.create(f"Thêm đơn vị {line.code} – {line.name}", _creation(session, line, stored, units))
            continue
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        differences = _differences(unit, line, parent.code if parent else "", table)
        if differences:
            change = f"Sửa đơn vị {unit.code}: {'; '.join(differences)}"
            batch.update(change, _update(line, unit, stored, units, table))
        else:
            batch.same()


def _check_scope(
    lines: list[_Line], stored: dict[str, Unit], by_id: dict[int, Unit], table: Table, batch: Batch
) -> None:
    """With a scope, every row stays inside the province: a stored unit of another province is not
    touched, and every unit of the file ends up below the province (its chain of parents, as the file
    and the database leave it, reaches the province), which itself keeps its parent."""
    scope = batch.scope
    if scope is None:
        return
    province = fold(scope.code)
    parent_of = {code: fold(by_id[u.parent_id].code) if u.parent_id else "" for code, u in stored.items()}
    # a stored unit of another province keeps its stored parent: the file cannot move it
    parent_of.update(
        {fold(line.code): fold(line.parent) for line in lines if scope.contains(stored.get(fold(line.code)))}
    )
    parent_of.update({fold(line.code): fold(line.parent) for line in lines if fold(line.code) not in stored})
    for line in lines:
        code = fold(line.code)
        unit = stored.get(code)
        if unit is not None and not scope.contains(unit):
            batch.outside(line.row, table.headers["code"], f"Đơn vị {line.code}")
            continue
        if code == province:
            stored_parent = by_id[unit.parent_id].code if unit is not None and unit.parent_id else ""
            if fold(stored_parent) != fold(line.parent):
                batch.outside(line.row, table.headers["parent"], f"Đơn vị cấp trên '{line.parent or '(không)'}'")
            continue
        seen = {code}
        while (code := parent_of.get(code, "")) and code != province and code not in seen:
            seen.add(code)
        if code != province:
            batch.outside(line.row, table.headers["parent"], f"Đơn vị cấp trên '{line.parent or '(không)'}'")


def _creation(session: AsyncSession, line: _Line, stored: dict[str, Unit], units: list[Unit]) -> Step:
    async def create() -> None:
        unit = await add_unit(
            session,
            code=line.code,
            name=line.name,
            kind=line.kind,
            parent=stored[fold(line.parent)] if line.parent else None,
            valid_from=line.valid_from,
            valid_to=line.valid_to,
        )
        stored[fold(line.code)] = unit
        units.append(unit)

    return create


def _update(line: _Line, unit: Unit, stored: dict[str, Unit], units: list[Unit], table: Table) -> Step:
    async def update() -> None:
        unit.name, unit.kind = line.name, line.kind
        if table.has("valid_from"):
            unit.valid_from = line.valid_from
        if table.has("valid_to"):
            unit.valid_to = line.valid_to
        parent = stored[fold(line.parent)] if line.parent else None
        if (parent.id if parent else None) != unit.parent_id:
            _move(unit, parent, units)

    return update


def _move(unit: Unit, parent: Unit | None, units: list[Unit]) -> None:
    """Put ``unit`` under ``parent``; the paths of its whole subtree are rewritten with it."""
    old, new = unit.path, f"{parent.path if parent else '/'}{unit.id}/"
    unit.parent_id = parent.id if parent else None
    for other in units:
        if other.path.startswith(old):
            other.path = new + other.path[len(old) :]
