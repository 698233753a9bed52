"""Import of a published ranking table: Chỉ số, Năm, Đơn vị, Điểm, Xếp hạng ("47/63" or 47), Tổng số,
Nhóm, Thay đổi điểm, Thay đổi bậc, Ghi chú, and per field or component a score ("Lĩnh vực 3") and
optionally its rank and changes ("Thay đổi bậc lĩnh vực 1"): see components.py.

An empty score is unknown (NULL), never zero. Only the columns the file has are written: a file without
"Nhóm" keeps the stored groups, and an empty component cell keeps what is stored. The index and year
may be given once in the options ``index`` and ``year`` instead of as columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers.cells import (
    CellError,
    change_in_places,
    change_in_points,
    decimal,
    limited,
    rank,
    show,
    text,
    whole,
)
from models.importers.components import Catalog, component_values
from models.importers.lookup import UnitLookup
from models.importers.result import Batch, Step
from models.importers.sheet import Cells, Column, Table
from models.indices import ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.lineage import year_period
from models.units import Unit

COLUMNS = (
    Column("index", "Chỉ số", ("Mã chỉ số", "Tên chỉ số"), required=False),
    Column("year", "Năm", ("Năm đánh giá",), required=False),
    Column("unit", "Đơn vị", ("Mã đơn vị", "Tên đơn vị", "Cơ quan, đơn vị", "Địa phương", "Tỉnh")),
    Column("score", "Điểm", ("Điểm số", "Tổng điểm", "Kết quả")),
    Column("rank", "Xếp hạng", ("Thứ hạng", "Hạng", "Xếp thứ"), required=False),
    Column("rank_total", "Tổng số", ("Tổng số đơn vị", "Trên tổng số"), required=False),
    Column("group_label", "Nhóm", ("Nhóm xếp hạng", "Xếp loại"), required=False),
    Column("score_delta", "Thay đổi điểm", ("Tăng giảm điểm", "Thay đổi điểm số"), required=False),
    Column("rank_delta", "Thay đổi bậc", ("Tăng giảm bậc", "Thay đổi thứ hạng", "Thay đổi xếp hạng"), required=False),
    Column("note", "Ghi chú", required=False),
)
_LABELS = {c.key: c.header for c in COLUMNS}


@dataclass
class _Line:
    row: int
    index: ScoreIndex
    unit: Unit
    year: int
    values: dict[str, object]  # IndexResult attribute -> value, for the columns the file has
    components: dict[int, tuple[IndexComponent, dict[str, object]]] = field(default_factory=dict)  # by id


def _score(index: ScoreIndex, value: object) -> Decimal:
    score = decimal(value)
    if score < 0 or (index.max_score is not None and score > index.max_score):
        raise CellError("bad_value", f"Điểm {show(score)} ngoài thang 0–{show(index.max_score)} của {index.code}")
    return score


def _ranks(cells: Cells, table: Table) -> dict[str, object]:
    """rank and rank_total from "47/63", or a plain rank and the Tổng số column."""
    if not table.has("rank") and not table.has("rank_total"):
        return {}
    unknown: tuple[int | None, int | None] = (None, None)
    place, total = cells.get("rank", rank, unknown)
    listed = cells.get("rank_total", whole, None)
    if listed is not None and total is not None and listed != total:
        cells.fail("rank_total", "bad_value", f"Tổng số {listed} khác với xếp hạng {place}/{total}")
    total = total or listed
    if place is not None and total is not None and place > total:
        cells.fail("rank", "bad_value", f"Xếp hạng {place} lớn hơn tổng số {total}")
    return {"rank": place, "rank_total": total} if table.has("rank") else {"rank_total": total}


def _read(
    cells: Cells, indices: Catalog, lookup: UnitLookup, defaults: tuple[ScoreIndex | None, int | None]
) -> _Line | None:
    table, row = cells.table, cells.row
    index = cells.get("index", indices.find, defaults[0], required=defaults[0] is None)
    year = cells.get("year", _year, defaults[1], required=defaults[1] is None)
    period = year_period(year) if year is not None else None  # the unit valid in the result's year
    unit = cells.get("unit", lambda v: lookup.find(text(v), period), None, required=True)
    values: dict[str, object] = {"score": cells.get("score", lambda v: _score(index, v) if index else decimal(v), None)}
    values.update(_ranks(cells, table))
    if table.has("score_delta"):
        values["score_delta"] = cells.get("score_delta", change_in_points, None)
    if table.has("rank_delta"):
        values["rank_delta"] = cells.get("rank_delta", change_in_places, None)
    if table.has("group_label"):
        values["group_label"] = cells.get("group_label", limited(64), None)
    if table.has("note"):
        values["note"] = cells.get("note", limited(255), "")
    components: dict[int, tuple[IndexComponent, dict[str, object]]] = {}
    for header, value in row.extra.items() if index else ():
        try:
            if index and (named := indices.component(index, header)):
                component, attribute = named
                components.setdefault(component.id, (component, {}))[1].update(
                    component_values(component, attribute, value)
                )
        except CellError as exc:
            cells.fail(header, exc.code, exc.reason)
    if not cells.ok or index is None or year is None or unit is None:
        return None
    return _Line(row.number, index, unit, year, values, components)


def _year(value: object) -> int:
    year = whole(value)
    if not 1990 <= year <= 2100:
        raise CellError("bad_value", f"Năm {year} không hợp lệ")
    return year


def _defaults(
    table: Table, options: Mapping[str, object], indices: Catalog, batch: Batch
) -> tuple[ScoreIndex | None, int | None] | None:
    """The index and year the options give for rows that leave them out; an error when neither the
    file nor the options say which."""
    try:
        index = indices.find(options["index"]) if options.get("index") else None
        year = _year(options["year"]) if options.get("year") else None
    except CellError as exc:
        batch.error(0, "", "missing_option", exc.reason)
        return None
    for key, given, header in (("index", index, "Chỉ số"), ("year", year, "Năm")):
        if given is None and not table.has(key):
            batch.error(table.header_row, header, "missing_column", f"Thiếu cột {header}")
    return None if batch.failed else (index, year)


async def _stored(
    session: AsyncSession, years: set[int]
) -> tuple[dict[tuple[int, int, int], IndexResult], dict[tuple[int, int], ComponentResult]]:
    query = select(IndexResult).where(IndexResult.year.in_(years))
    results = {(r.index_id, r.unit_id, r.year): r for r in (await session.execute(query)).scalars()}
    ids = [r.id for r in results.values()]
    parts: dict[tuple[int, int], ComponentResult] = {}
    if ids:
        query_parts = select(ComponentResult).where(ComponentResult.result_id.in_(ids))
        parts = {(c.result_id, c.component_id): c for c in (await session.execute(query_parts)).scalars()}
    return results, parts


def _shown(key: str, value: object, values: Mapping[str, object]) -> str:
    """ "Xếp hạng 47/63", "Thay đổi bậc +7" for a change line."""
    if key == "rank" and value is not None and values.get("rank_total") is not None:
        return f"{_LABELS[key]} {value}/{values['rank_total']}"
    if key in ("score_delta", "rank_delta") and isinstance(value, int | Decimal) and value > 0:
        return f"{_LABELS[key]} +{show(value)}"
    return f"{_LABELS[key]} {show(value)}"


def _name(line: _Line) -> str:
    return f"{line.index.code} {line.year} – {line.unit.code}"


def _creation(session: AsyncSession, line: _Line) -> Step:
    async def create() -> None:
        result = IndexResult(index_id=line.index.id, unit_id=line.unit.id, year=line.year, **line.values)
        session.add(result)
        await session.flush()
        for component_id, (_, values) in line.components.items():
            session.add(ComponentResult(result_id=result.id, component_id=component_id, **values))

    return create


def _update(
    session: AsyncSession, result: IndexResult, line: _Line, parts: dict[tuple[int, int], ComponentResult]
) -> Step:
    async def update() -> None:
        for key, value in line.values.items():
            setattr(result, key, value)
        for component_id, (_, values) in line.components.items():
            if (stored := parts.get((result.id, component_id))) is None:
                session.add(ComponentResult(result_id=result.id, component_id=component_id, **values))
                continue
            for key, value in values.items():
                setattr(stored, key, value)

    return update


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    indices = await Catalog.load(session)
    defaults = _defaults(table, options, indices, batch)
    if defaults is None:
        return
    lookup = await UnitLookup.load(session, batch.scope)
    lines: list[_Line] = []
    first_row: dict[tuple[int, int, int], int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        line = _read(cells, indices, lookup, defaults)
        if line is None:
            continue
        if (seen := first_row.setdefault((line.index.id, line.unit.id, line.year), row.number)) != row.number:
            cells.fail("unit", "duplicate", f"Kết quả {_name(line)} trùng với dòng {seen}")
            continue
        lines.append(line)
    if batch.failed:
        return
    results, parts = await _stored(session, {line.year for line in lines})
    for line in lines:
        result = results.get((line.index.id, line.unit.id, line.year))
        if result is None:
            given = "; ".join(
                _shown(k, v, line.values) for k, v in line.values.items() if v not in (None, "") and k != "rank_total"
            )
            parts_given = f"; {len(line.components)} lĩnh vực/thành phần" if line.components else ""
            batch.create(f"Thêm kết quả {_name(line)}: {given}{parts_given}", _creation(session, line))
            continue
        changes = [
            f"{_LABELS[key]} {show(getattr(result, key))} → {show(value)}"
            for key, value in line.values.items()
            if getattr(result, key) != value
        ]
        for component_id, (component, values) in line.components.items():
            stored = parts.get((result.id, component_id))
            changes += [
                f"thành phần {component.number}: {_shown(key, getattr(stored, key, None), {})} → {show(value)}"
                for key, value in values.items()
                if getattr(stored, key, None) != value or stored is None
            ]
        if changes:
            batch.update(f"Sửa kết quả {_name(line)}: {'; '.join(changes)}", _update(session, result, line, parts))
        else:
            batch.same()
