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
from models.importers.national import catalogued, entry_period, guarded, named, reference_unit, titled
from models.importers.result import Batch, Note, RowError, Step
from models.importers.sheet import Cells, Column, Table
from models.indices import YEARLY, ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.lineage import code_clash, year_period
from models.naming import PROVINCE_LEVEL
from models.provinces import ProvinceEntry
from models.resolver import spelled, without_kind
from models.text import fold
from models.units import Unit

COLUMNS = (
    Column("index", "Chỉ số", ("Mã chỉ số", "Tên chỉ số"), required=False),
    Column("year", "Năm", ("Năm đánh giá",), required=False),
    Column(
        "unit",
        "Đơn vị",
        (
            "Mã đơn vị",
            "Tên đơn vị",
            "Cơ quan, đơn vị",
            "Địa phương",
            "Tỉnh",
            "Tỉnh, thành phố",
            "Tỉnh/thành phố",
            "Tỉnh, thành phố trực thuộc Trung ương",
            "Tên tỉnh, thành phố",
        ),
    ),
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
    unit: Unit | None  # None: a province of the built-in list not stored yet (``reference``)
    year: int
    values: dict[str, object]  # IndexResult attribute -> value, for the columns the file has
    components: dict[int, tuple[IndexComponent, dict[str, object]]] = field(default_factory=dict)  # by id
    reference: ProvinceEntry | None = None  # the province to create first, as reference data


def _score(index: ScoreIndex, value: object) -> Decimal:
    score = decimal(value)
    low = index.min_score if index.min_score is not None else Decimal(0)
    if score < low or (index.max_score is not None and score > index.max_score):
        high = show(index.max_score) if index.max_score is not None else ""
        raise CellError(
            "out_of_scale",
            f"Điểm {show(score)} ngoài thang {show(low)}–{high} của {index.code}",
            score=score,
            places=places(score),
            low=low,
            high=index.max_score,
            index=index.code,
            percent=str(index.score_kind) == "percent",
        )
    return score


def _ranks(cells: Cells, table: Table) -> dict[str, object]:
    """rank and rank_total from "47/63", or a plain rank and the Tổng số column."""
    if not table.has("rank") and not table.has("rank_total"):
        return {}
    unknown: tuple[int | None, int | None] = (None, None)
    place, total = cells.get("rank", rank, unknown)
    listed = cells.get("rank_total", whole, None)
    if listed is not None and total is not None and listed != total:
        reason = f"Tổng số {listed} khác với xếp hạng {place}/{total}"
        cells.fail(
            "rank_total",
            "bad_value",
            reason,
            {"why": "total_differs", "listed": listed, "place": place, "total": total},
        )
    total = total or listed
    if place is not None and total is not None and place > total:
        reason = f"Xếp hạng {place} lớn hơn tổng số {total}"
        cells.fail("rank", "bad_value", reason, {"why": "rank_above_total", "place": place, "total": total})
    return {"rank": place, "rank_total": total} if table.has("rank") else {"rank_total": total}


def _read(
    cells: Cells, indices: Catalog, lookup: UnitLookup, defaults: tuple[ScoreIndex | None, int | None]
) -> _Line | None:
    table, row = cells.table, cells.row
    index = cells.get("index", indices.find, defaults[0], required=defaults[0] is None)
    year = cells.get("year", _year, defaults[1], required=defaults[1] is None)
    period = year_period(year) if year is not None else None  # the unit valid in the result's year
    reference: ProvinceEntry | None = None

    def unit_named(value: object) -> Unit | None:
        """The unit a row names; a province of the built-in list not stored yet (``reference``) when the
        name means none, or only a commune or district of the same bare name ("Long An")."""
        nonlocal reference
        written = text(value)
        try:
            found = lookup.find(written, period)
        except CellError as exc:
            if exc.code not in ("unknown_unit", "abolished_unit") or (reference := catalogued(written, year)) is None:
                raise
            return None
        bare = without_kind(spelled(written))[0] is None and fold(written) != fold(found.code)
        if found.kind not in PROVINCE_LEVEL and bare and (entry := catalogued(written, year)) is not None:
            reference = entry
            return None
        return found

    unit = cells.get("unit", unit_named, None, required=True)
    values: dict[str, object] = {"score": cells.get("score", lambda v: _score(index, v) if index else decimal(v), None)}
    values["score_places"] = places(values["score"])
    values.update(_ranks(cells, table))
    if table.has("score_delta"):
        values["score_delta"] = cells.get("score_delta", change_in_points, None)
        values["delta_places"] = places(values["score_delta"])
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
            cells.fail(header, exc.code, exc.reason, exc.params)
    if not cells.ok or index is None or year is None or (unit is None and reference is None):
        return None
    return _Line(row.number, index, unit, year, values, components, reference)


def places(value: object) -> int | None:
    """The decimals ``value`` was written with ("47,345": 3, "85,90": 2); None for no value."""
    if not isinstance(value, Decimal):
        return None
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else None


def _year(value: object) -> int:
    year = whole(value)
    if not 1990 <= year <= 2100:
        raise CellError("bad_value", f"Năm {year} không hợp lệ", why="year", value=year)
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
        batch.error(
            0,
            "",
            "missing_option",
            exc.reason,
            {"why": "result_option", "problem": RowError(0, "", exc.code, exc.reason, exc.params)},
        )
        return None
    title_index, title_year = titled(table.above, indices)  # a published table says them in its title
    index = index or (title_index if not table.has("index") else None)
    year = year or (title_year if not table.has("year") else None)
    for key, given, header in (("index", index, "Chỉ số"), ("year", year, "Năm")):
        if given is None and not table.has(key):
            reason = f"Thiếu cột {header}"
            batch.error(table.header_row, header, "missing_column", reason, {"why": "index_or_year", "column": key})
    return None if batch.failed else (index, year)


async def _stored(
    session: AsyncSession, years: set[int]
) -> tuple[dict[tuple[int, int, int], IndexResult], dict[tuple[int, int], ComponentResult]]:
    query = select(IndexResult).where(IndexResult.year.in_(years), YEARLY)  # this file holds yearly results
    results = {(r.index_id, r.unit_id, r.year): r for r in (await session.execute(query)).scalars()}
    ids = [r.id for r in results.values()]
    parts: dict[tuple[int, int], ComponentResult] = {}
    if ids:
        query_parts = select(ComponentResult).where(ComponentResult.result_id.in_(ids))
        parts = {(c.result_id, c.component_id): c for c in (await session.execute(query_parts)).scalars()}
    return results, parts


def _shown(key: str, value: object, values: Mapping[str, object]) -> dict[str, object]:
    """One value of a change line ("Xếp hạng 47/63", "Thay đổi bậc +7"): said by the template."""
    total = values.get("rank_total") if key == "rank" and value is not None else None
    return {"what": key, "value": value, "total": total}


def _name(line: _Line) -> dict[str, object]:
    """ "PAR 2023 – Tỉnh Lạng Sơn (LS)": the result by its index, year and unit, as a preview is read
    (the unit a ``NamedUnit``, which the templates name in the reader's language: "Lạng Sơn Province")."""
    unit: Unit | ProvinceEntry | None = line.unit if line.unit is not None else line.reference
    assert unit is not None
    return {"index": line.index.code, "year": line.year, "name": named(unit), "unit_code": unit.code}


def _text(line: _Line) -> str:
    """The same, in Vietnamese: the log and the fallback of an error."""
    unit = line.unit if line.unit is not None else line.reference
    assert unit is not None
    return f"{line.index.code} {line.year} – {unit.name} ({unit.code})"


def _creation(session: AsyncSession, line: _Line, provinces: dict[str, Unit]) -> Step:
    async def create() -> None:
        unit = line.unit
        if unit is None:
            assert line.reference is not None  # a line names a stored unit or one of the built-in list
            unit = await reference_unit(session, line.reference, provinces)
        result = IndexResult(index_id=line.index.id, unit_id=unit.id, year=line.year, **line.values)
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


async def _check_references(session: AsyncSession, lines: list[_Line], batch: Batch) -> None:
    """A province of the built-in list to be created needs its official code free."""
    for entry in {line.reference for line in lines if line.reference is not None}:
        if (clash := await code_clash(session, entry.code, entry_period(entry))) is not None:
            row = next(line.row for line in lines if line.reference == entry)
            batch.error(
                row,
                _LABELS["unit"],
                "reference_code_taken",
                f"{entry.name} chưa có trong hệ thống và mã {entry.code} của nó đã dùng cho {clash[0].name}",
                {"name": named(entry), "code": entry.code, "other": named(clash[0])},
            )


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    indices = await Catalog.load(session)
    defaults = _defaults(table, options, indices, batch)
    if defaults is None:
        return
    lookup = await UnitLookup.load(session, batch.scope, provinces=True)
    lines: list[_Line] = []
    first_row: dict[tuple[int, object, int], int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        line = _read(cells, indices, lookup, defaults)
        if line is None:
            continue
        who: object = line.unit.id if line.unit is not None else line.reference
        if (seen := first_row.setdefault((line.index.id, who, line.year), row.number)) != row.number:
            reason = f"Kết quả {_text(line)} trùng với dòng {seen}"
            cells.fail(
                "unit", "duplicate", reason, {"why": "result", "row": seen, "index": line.index.code, "year": line.year}
            )
            continue
        lines.append(line)
    await _check_references(session, lines, batch)
    if batch.failed:
        return
    results, parts = await _stored(session, {line.year for line in lines})
    kept = await guarded(session, [line.unit for line in lines if line.unit is not None], batch.scope)
    created: dict[str, Unit] = {}
    for line in lines:
        result = results.get((line.index.id, line.unit.id, line.year)) if line.unit is not None else None
        if result is None:
            given = [
                _shown(k, v, line.values)
                for k, v in line.values.items()
                if v not in (None, "") and k in _LABELS and k != "rank_total"
            ]
            note = Note("result.create", {**_name(line), "given": given, "components": len(line.components)})
            batch.create(note, _creation(session, line, created))
            continue
        changes: list[dict[str, object]] = [
            {"what": key, "old": getattr(result, key), "new": value, "component": None}
            for key, value in line.values.items()
            if key in _LABELS and getattr(result, key) != value
        ]
        for component_id, (component, values) in line.components.items():
            stored = parts.get((result.id, component_id))
            changes += [
                {"what": key, "old": getattr(stored, key, None), "new": value, "component": component.number}
                for key, value in values.items()
                if key in _LABELS and (getattr(stored, key, None) != value or stored is None)
            ]
        if changes and line.unit is not None and line.unit.id in kept:
            batch.error(
                line.row,
                _LABELS["unit"],
                "guarded_result",
                f"{line.unit.name} có cán bộ riêng trong hệ thống: kết quả {_text(line)} đã lưu khác với tệp, "
                "không được ghi đè từ tỉnh khác",
                {"unit": named(line.unit), "code": line.unit.code, "index": line.index.code, "year": line.year},
            )
        elif changes:
            note = Note("result.update", {**_name(line), "changes": changes})
            batch.update(note, _update(session, result, line, parts))
        else:
            batch.same()
