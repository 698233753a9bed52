"""Import of the 766 service index (Quyết định 766/QĐ-TTg, 23/6/2022) as provinces republish it from the
national public service portal: one row per unit with its five groups (công khai, minh bạch 18; tiến độ
giải quyết 20; dịch vụ trực tuyến 22; mức độ hài lòng 18; số hóa hồ sơ 22), the total and optionally the
rank and grade, for a month, quarter, half or year.

The period comes from a "Kỳ" column, else the option ``period``, else the table's title ("KẾT QUẢ … THÁNG
10/2026"). Units are found by code or by name as written ("UBND xã Văn Quan") among those valid in the
period, within the importing province. A group above its maximum, a total that is not the sum of the
groups (beyond what rounding each published figure can explain) or a unit not found is an error of its row.
Re-importing a period replaces the stored figures of its units (a change line each; the same figures
change nothing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers.cells import CellError, decimal, limited, rank, show, text
from models.importers.lookup import UnitLookup
from models.importers.national import named
from models.importers.periods import TablePeriod, days_of, in_title, period
from models.importers.result import Batch, Note, Step
from models.importers.results import places
from models.importers.sheet import Cells, Column, Table
from models.indices import ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.standard_indices import SERVICE_766_GROUPS, ensure_indices
from models.units import Unit

INDEX = "766"
GROUPS = len(SERVICE_766_GROUPS)
COLUMNS = (
    Column(
        "unit",
        "Đơn vị",
        (
            "Tên đơn vị",
            "Mã đơn vị",
            "Cơ quan, đơn vị",
            "Tên cơ quan, đơn vị",
            "Tên cơ quan",
            "Địa phương",
            "Xã, phường",
            "Tên xã, phường",
            "Xã, phường, đặc khu",
            "Sở, ban, ngành",
        ),
    ),
    Column("total", "Tổng điểm", ("Điểm", "Tổng", "Tổng cộng", "Điểm tổng", "Điểm tổng hợp"), required=False),
    Column("g1", "Công khai, minh bạch", ("Công khai minh bạch thông tin",)),
    Column("g2", "Tiến độ giải quyết", ("Tiến độ, kết quả giải quyết", "Tiến độ giải quyết hồ sơ")),
    Column("g3", "Dịch vụ trực tuyến", ("Dịch vụ công trực tuyến", "Cung cấp dịch vụ trực tuyến")),
    Column("g4", "Mức độ hài lòng", ("Hài lòng", "Mức độ hài lòng của người dân, doanh nghiệp")),
    Column("g5", "Số hóa hồ sơ", ("Số hóa hồ sơ, kết quả giải quyết",)),
    Column("rank", "Xếp hạng", ("Thứ hạng", "Hạng", "Xếp thứ"), required=False),
    Column("grade", "Xếp loại", ("Mức xếp loại",), required=False),
    Column("period", "Kỳ", ("Kỳ đánh giá", "Tháng", "Thời gian"), required=False),
)
_LABELS = {c.key: c.header for c in COLUMNS}


@dataclass
class _Line:
    row: int
    unit: Unit
    period: TablePeriod
    total: Decimal
    total_places: int | None
    groups: list[Decimal]
    group_places: list[int | None]
    rank: tuple[int | None, int | None]
    grade: str | None

    @property
    def values(self) -> dict[str, object]:
        """What the row writes into the result (the groups go to its components)."""
        values: dict[str, object] = {"score": self.total, "score_places": self.total_places}
        values.update(rank=self.rank[0], rank_total=self.rank[1], group_label=self.grade)
        return values


def _group_score(number: int) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        score, high = decimal(value), SERVICE_766_GROUPS[number - 1][2]
        if not Decimal(0) <= score <= high:
            reason = f"Điểm {show(score)} ngoài thang 0–{show(high)} của nhóm {SERVICE_766_GROUPS[number - 1][0]}"
            raise CellError("group_out_of_scale", reason, score=score, places=places(score), group=number, high=high)
        return score

    return parse


def _total(index: ScoreIndex) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        score, high = decimal(value), index.max_score or Decimal(100)
        if not Decimal(0) <= score <= high:
            raise CellError(
                "out_of_scale",
                f"Điểm {show(score)} ngoài thang 0–{show(high)} của {INDEX}",
                score=score,
                places=places(score),
                low=Decimal(0),
                high=high,
                index=index.code,
                percent=False,
            )
        return score

    return parse


def tolerance(written: list[int | None]) -> Decimal:
    """How far a published total may be from the sum of its published groups: each figure (``written``:
    the decimals of each) is off by half a unit of its last place at most. The most decimals any figure
    shows is the table's precision: Excel drops trailing zeros of a number (12,0 reads as 12)."""
    most = max((p for p in written if p is not None), default=2)
    return Decimal(len(written)) / 2 * Decimal(10) ** -most


def _checked_total(cells: Cells, total: Decimal | None, groups: list[Decimal], written: list[int | None]) -> None:
    added = sum(groups, Decimal(0))
    if total is not None and abs(total - added) > tolerance(written):
        reason = f"Tổng điểm {show(total)} khác tổng các nhóm {show(added)}"
        params = {"total": total, "sum": added, "places": max((p or 0) for p in written)}
        cells.fail("total", "total_mismatch", reason, params)


def _period_of(cells: Cells, default: TablePeriod | None) -> TablePeriod | None:
    if not cells.table.has("period"):
        return default
    year = default[0] if default else None
    return cells.get("period", lambda v: period(v, year), default, required=default is None)


def _read(cells: Cells, index: ScoreIndex, lookup: UnitLookup, default: TablePeriod | None) -> _Line | None:
    found = _period_of(cells, default)
    days = days_of(found) if found else None
    unit = cells.get("unit", lambda v: lookup.find(text(v), days), None, required=True)
    groups = [cells.get(f"g{n}", _group_score(n), None, required=True) for n in range(1, GROUPS + 1)]
    total = cells.get("total", _total(index), None, required=cells.table.has("total"))
    unranked: tuple[int | None, int | None] = (None, None)
    score_rank = cells.get("rank", rank, unranked)
    grade = cells.get("grade", limited(64), None)
    if not all(g is not None for g in groups):
        return None
    scores = [g for g in groups if g is not None]
    written = [places(g) for g in scores]
    _checked_total(cells, total, scores, [*written, places(total)] if total is not None else written)
    if not cells.ok or unit is None or found is None:
        return None
    total = total if total is not None else sum(scores, Decimal(0))
    total_places = places(total) if cells.table.has("total") else max((p or 0) for p in written)
    return _Line(cells.row.number, unit, found, total, total_places, scores, written, score_rank, grade)


def _default_period(table: Table, options: Mapping[str, object], batch: Batch) -> TablePeriod | None:
    """The period of rows that do not say theirs: the option, else the title's. An error when neither
    they nor a "Kỳ" column say it."""
    if options.get("period"):
        try:
            return period(options["period"])
        except CellError as exc:
            batch.error(0, "", exc.code, exc.reason, exc.params)
            return None
    found = in_title(table.above)
    if found is None and not table.has("period"):
        reason = "Không biết kỳ của bảng: tiêu đề không ghi, không có cột Kỳ và khi nhập cũng chưa chọn"
        batch.error(table.header_row, _LABELS["period"], "missing_column", reason, {"why": "period"})
    return found


async def _stored(
    session: AsyncSession, index: ScoreIndex, lines: list[_Line]
) -> tuple[dict[tuple[int, int, str, int], IndexResult], dict[tuple[int, int], ComponentResult]]:
    """The stored results of the file's units in the file's years (not yearly rows of another kind)."""
    query = select(IndexResult).where(
        IndexResult.index_id == index.id,
        IndexResult.unit_id.in_({line.unit.id for line in lines}),
        IndexResult.year.in_({line.period[0] for line in lines}),
    )
    results = {(r.unit_id, r.year, r.period, r.period_number): r for r in (await session.execute(query)).scalars()}
    parts: dict[tuple[int, int], ComponentResult] = {}
    if ids := [r.id for r in results.values()]:
        found = await session.execute(select(ComponentResult).where(ComponentResult.result_id.in_(ids)))
        parts = {(c.result_id, c.component_id): c for c in found.scalars()}
    return results, parts


def _name(line: _Line) -> dict[str, object]:
    year, kind, number = line.period
    return {
        "index": INDEX,
        "year": year,
        "period": kind,
        "number": number,
        "name": named(line.unit),
        "unit_code": line.unit.code,
    }


def _creation(session: AsyncSession, index: ScoreIndex, line: _Line, groups: list[IndexComponent], source: str) -> Step:
    async def create() -> None:
        year, kind, number = line.period
        result = IndexResult(
            index_id=index.id, unit_id=line.unit.id, year=year, period=kind, period_number=number, source=source
        )
        for key, value in line.values.items():
            setattr(result, key, value)
        session.add(result)
        await session.flush()
        for group, score, written in zip(groups, line.groups, line.group_places, strict=True):
            session.add(ComponentResult(result_id=result.id, component_id=group.id, score=score, score_places=written))

    return create


def _replacement(
    session: AsyncSession,
    result: IndexResult,
    line: _Line,
    groups: list[IndexComponent],
    parts: dict[tuple[int, int], ComponentResult],
) -> Step:
    async def replace() -> None:
        for key, value in line.values.items():
            setattr(result, key, value)
        for group, score, written in zip(groups, line.groups, line.group_places, strict=True):
            if (stored := parts.get((result.id, group.id))) is None:
                session.add(
                    ComponentResult(result_id=result.id, component_id=group.id, score=score, score_places=written)
                )
            else:
                stored.score, stored.score_places = score, written

    return replace


def _changes(
    result: IndexResult, line: _Line, groups: list[IndexComponent], parts: dict[tuple[int, int], ComponentResult]
) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = [
        {"what": key, "group": None, "old": getattr(result, key), "new": value}
        for key, value in line.values.items()
        if key in ("score", "rank", "group_label") and getattr(result, key) != value
    ]
    for number, (group, score) in enumerate(zip(groups, line.groups, strict=True), start=1):
        old = stored.score if (stored := parts.get((result.id, group.id))) is not None else None
        if old != score:
            changes.append({"what": "group", "group": number, "old": old, "new": score})
    return changes


async def _lines(
    session: AsyncSession, table: Table, index: ScoreIndex, default: TablePeriod | None, batch: Batch
) -> list[_Line]:
    lookup = await UnitLookup.load(session, batch.scope)
    lines: list[_Line] = []
    first_row: dict[tuple[int, TablePeriod], int] = {}
    for row in table.rows:
        cells = Cells(table, row, batch)
        line = _read(cells, index, lookup, default)
        if line is None:
            continue
        if (seen := first_row.setdefault((line.unit.id, line.period), row.number)) != row.number:
            reason = f"Kết quả {line.unit.name} của kỳ này trùng với dòng {seen}"
            year, kind, number = line.period
            params = {"why": "period_result", "row": seen, "year": year, "period": kind, "number": number}
            cells.fail("unit", "duplicate", reason, params)
            continue
        lines.append(line)
    return lines


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    index = (await ensure_indices(session))[INDEX]
    default = _default_period(table, options, batch)
    if batch.failed:
        return
    lines = await _lines(session, table, index, default, batch)
    if batch.failed:
        return
    query = select(IndexComponent).where(IndexComponent.index_id == index.id).order_by(IndexComponent.number)
    groups = list((await session.execute(query)).scalars())[:GROUPS]
    results, parts = await _stored(session, index, lines)
    for line in lines:
        result = results.get((line.unit.id, *line.period))
        if result is None:
            note = Note("service.create", {**_name(line), "score": line.total, "groups": line.groups})
            batch.create(note, _creation(session, index, line, groups, batch.source))
        elif changes := _changes(result, line, groups, parts):
            note = Note("service.update", {**_name(line), "changes": changes})
            batch.update(note, _replacement(session, result, line, groups, parts))
        else:
            batch.same()


__all__ = ["COLUMNS", "INDEX", "prepare", "tolerance"]
