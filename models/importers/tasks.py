"""Import of a plan's tasks (STT, Nội dung nhiệm vụ, Lĩnh vực, Cơ quan chủ trì, Cơ quan phối hợp,
Thời gian hoàn thành) into the plan named by the options ``plan`` (code), ``year`` and ``title``.

A changed row updates its task and its assignments; assignments that stay keep their progress.
Tasks of the plan that the file does not list are left alone. Section rows ("II | CẢI CÁCH THỂ CHẾ")
are skipped and give their field to the tasks below them when the row itself names none.

Lead and cooperating cells may name groups ("Các sở, ban, ngành; UBND các xã, phường": models/groups.py),
which become one assignment for every unit of the group valid in the plan's year. A recurring deadline
("Hằng quý") gives each new assignment the first period's due date (``assignments.due_on``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import groups
from models.enums import DeadlineKind
from models.importers.assignments import Assignees, Wanted, apply_changes, describe_changes, wanted_roles
from models.importers.cells import CellError, limited, positive, text, whole
from models.importers.indices import field_number
from models.importers.lookup import UnitLookup
from models.importers.result import Batch, Note, Step
from models.importers.sheet import Cells, Column, Table
from models.lineage import year_period
from models.naming import NamedUnit
from models.plans import Assignment, Plan, Task
from models.rules import DeadlineError, DeadlineRangeError, DeadlineYearError, recurrence, resolve_deadline
from models.scope import Scope
from models.units import Unit

COLUMNS = (
    Column("number", "STT", ("TT", "Số TT", "Số thứ tự")),
    Column(
        "content",
        "Nội dung nhiệm vụ",
        ("Nội dung", "Nhiệm vụ", "Tên nhiệm vụ", "Nội dung công việc", "Nhiệm vụ, giải pháp", "Nội dung thực hiện"),
    ),
    Column("field", "Lĩnh vực", ("Lĩnh vực CCHC", "Lĩnh vực cải cách"), required=False),
    Column(
        "lead",
        "Cơ quan chủ trì",
        (
            "Đơn vị chủ trì",
            "Chủ trì",
            "Cơ quan, đơn vị chủ trì",
            "Cơ quan chủ trì thực hiện",
            "Cơ quan thực hiện",
            "Đơn vị thực hiện",
            "Cơ quan chủ trì, tham mưu",
        ),
    ),
    Column(
        "cooperate",
        "Cơ quan phối hợp",
        ("Đơn vị phối hợp", "Phối hợp", "Cơ quan, đơn vị phối hợp", "Cơ quan phối hợp thực hiện"),
        required=False,
    ),
    Column(
        "deadline",
        "Thời gian hoàn thành",
        (
            "Thời hạn",
            "Thời hạn hoàn thành",
            "Hạn hoàn thành",
            "Thời gian thực hiện",
            "Tiến độ hoàn thành",
            "Thời gian",
            "Tiến độ",
        ),
    ),
    Column("product", "Sản phẩm", ("Sản phẩm đầu ra", "Kết quả đầu ra", "Hình thức văn bản"), required=False),
    Column("note", "Ghi chú", (), required=False),
)
_SECTION_NUMBER = re.compile(r"[IVXLC]+\.?|[A-Z]\.?", re.IGNORECASE)
_DEADLINE_HELP = "vd: 30/6/2023, quý II, tháng 6, 6 tháng đầu năm, thường xuyên"


@dataclass
class _Line:
    row: int
    number: int
    content: str
    field: int | None
    lead: Assignees
    cooperating: Assignees | None  # None when the file has no such column: keep what is stored
    deadline_text: str
    deadline_kind: DeadlineKind
    due_date: date
    expanded: list[tuple[str, str, int]]  # (role: lead or cooperate, group key, units) for the preview
    product: str | None = None  # None when the file has no such column: keep what is stored
    note: str | None = None

    @property
    def recurrence(self) -> str | None:
        every = recurrence(self.deadline_text) if self.deadline_kind == DeadlineKind.RECURRING else None
        return every.rule if every else None

    @property
    def first_due(self) -> date | None:
        """A recurring task's first period's due date (None for a one-off deadline)."""
        every = recurrence(self.deadline_text) if self.deadline_kind == DeadlineKind.RECURRING else None
        return every.periods(self.due_date.year)[0][1] if every else None


@dataclass
class _Target:
    """The plan the tasks go to; created by the first step when it does not exist yet."""

    code: str
    year: int
    title: str
    plan: Plan | None = None


def deadline(value: object, year: int) -> tuple[str, DeadlineKind, date]:
    """The deadline as written, its kind and the day it resolves to. An Excel date cell is a DATE."""
    if isinstance(value, datetime | date):
        due = value.date() if isinstance(value, datetime) else value
        if abs(due.year - year) > 1:
            raise CellError("bad_date", _far(due, year), why="far_deadline", due=due, year=year)
        return text(due), DeadlineKind.DATE, due
    written = limited(100)(value)
    try:
        kind, due = resolve_deadline(written, year)
    except DeadlineYearError as exc:
        raise CellError("bad_date", _far(exc.due, year), why="far_deadline", due=exc.due, year=year) from None
    except DeadlineRangeError:
        reason = f"Thời hạn '{written}' có hai ngày không thành một khoảng: ghi ngày kết thúc (vd: 30/6/{year})"
        raise CellError("bad_date", reason, why="deadline_range", value=written, year=year) from None
    except DeadlineError:
        reason = f"Không đọc được thời hạn '{written}' ({_DEADLINE_HELP})"
        raise CellError("bad_date", reason, why="not_deadline", value=written, year=year) from None
    return written, kind, due


def _far(due: date, year: int) -> str:
    return f"Thời hạn {due:%d/%m/%Y} không thuộc năm kế hoạch {year} (±1 năm): kiểm tra lại năm"


def task_field(value: object) -> int:
    number = field_number(text(value))
    if number is None:
        reason = f"Lĩnh vực '{text(value)}' không rõ: ghi số 1–8 hoặc tên lĩnh vực"
        raise CellError("bad_value", reason, why="field", value=text(value))
    return number


def _quiet_deadline(value: object, year: int) -> date | None:
    """The day a deadline cell resolves to, or None (its error is reported where the cell is read)."""
    try:
        return deadline(value, year)[2]
    except CellError:
        return None


def _is_section(cells: Cells) -> bool:
    """ "I", "II.", "A" with no lead unit: a heading between tasks, not a task."""
    return bool(_SECTION_NUMBER.fullmatch(text(cells.row["number"]))) and not text(cells.row["lead"])


@dataclass
class _Groups:
    """What the group words of a plan's cells expand to: the province's units valid in the plan's year."""

    province: Unit | None
    units: list[Unit]

    def expand(
        self, cell: str, lookup: UnitLookup, on: date | None, year: int, lead: bool = False
    ) -> tuple[Assignees, list[str]]:
        """The units ``cell`` names, itself or through groups, and the groups it used. "Các cơ quan, đơn
        vị liên quan" names no unit: left out of cooperating units, not enough for a lead."""
        parts = groups.split(cell)
        if not parts.groups and lookup.knows(cell.strip()):  # one name with commas: "Sở Văn hóa, Thể thao và Du lịch"
            return Assignees.of([lookup.find(cell.strip(), on=on)]), []
        named = lookup.find_many(parts.names, on) if parts.names else []
        found = Assignees.of(named)
        for key in parts.groups:
            members = groups.members(key, self.province, self.units) if self.province is not None else []
            if not members:
                raise CellError(
                    "empty_group",
                    f"'{groups.WRITTEN[key]}': không có đơn vị nào như vậy trong năm {year}",
                    group=key,
                    year=year,
                )
            for unit in members:
                if unit.id not in found.via:
                    found.units.append(unit)
                    found.via[unit.id] = key
        if not found.units and lead and parts.vague:
            raise CellError("vague_lead", f"'{cell}' không chỉ rõ cơ quan chủ trì: ghi tên đơn vị hoặc một nhóm")
        if not found.units and not parts.vague:
            raise CellError(
                "unknown_unit", f"Không tìm thấy đơn vị '{cell}' (theo mã hoặc tên)", why="not_found", text=cell
            )
        return found, parts.groups


def _read(
    table: Table, cells: Cells, lookup: UnitLookup, year: int, section_field: int | None, within: _Groups
) -> _Line | None:
    number = cells.get("number", positive, 0, required=True)
    content = cells.get("content", text, "", required=True)
    in_field = cells.get("field", task_field, section_field)
    due_day = _quiet_deadline(cells.row["deadline"], year)  # chooses between old and new units of one year
    nothing: tuple[Assignees, list[str]] | None = None
    lead = cells.get("lead", lambda v: within.expand(text(v), lookup, due_day, year, True), nothing, required=True)
    cooperating: tuple[Assignees, list[str]] | None = None
    if table.has("cooperate"):
        none: tuple[Assignees, list[str]] = (Assignees([], {}), [])
        cooperating = cells.get("cooperate", lambda v: within.expand(text(v), lookup, due_day, year), none)
    unread = ("", DeadlineKind.DATE, date.min)
    written, kind, due = cells.get("deadline", lambda v: deadline(v, year), unread, required=True)
    if not cells.ok or lead is None:
        return None
    leads, lead_groups = lead
    expanded = [("lead", key, sum(1 for v in leads.via.values() if v == key)) for key in lead_groups]
    helpers: Assignees | None = None
    if cooperating is not None:
        others, other_groups = cooperating
        kept = [u for u in others.units if u.id not in leads.via]
        helpers = Assignees(kept, {u.id: others.via[u.id] for u in kept})
        expanded += [("cooperate", key, sum(1 for v in helpers.via.values() if v == key)) for key in other_groups]
    line = _Line(cells.row.number, number, content, in_field, leads, helpers, written, kind, due, expanded)
    if table.has("product"):
        line.product = cells.get("product", limited(500), "")
    if table.has("note"):
        line.note = cells.get("note", text, "")
    return line if cells.ok else None


async def _target(session: AsyncSession, options: Mapping[str, object], batch: Batch) -> _Target | None:
    """The plan of the options, or an error naming the option that is missing or wrong."""
    code = text(options.get("plan"))
    if not code or len(code) > 64:
        reason = "Chưa cho biết mã kế hoạch (plan, tối đa 64 ký tự) để nhập nhiệm vụ"
        batch.error(0, "", "missing_option", reason, {"why": "plan", "size": 64})
        return None
    plan = (await session.execute(select(Plan).where(Plan.code == code))).scalar_one_or_none()
    year = plan.year if plan else None
    try:
        year = whole(options["year"]) if options.get("year") else year
    except CellError:
        batch.error(
            0,
            "",
            "missing_option",
            f"Năm '{text(options['year'])}' không hợp lệ",
            {"why": "year", "value": text(options["year"])},
        )
        return None
    if year is None or (plan is not None and plan.year != year):
        if plan is not None:
            reason, params = (
                f"Kế hoạch {code} là của năm {plan.year}",
                {"why": "plan_year", "plan": code, "year": plan.year},
            )
        else:
            reason, params = "Chưa cho biết năm (year) của kế hoạch mới", {"why": "new_plan_year", "plan": code}
        batch.error(0, "", "missing_option", reason, params)
        return None
    title = text(options.get("title")) or (plan.title if plan else default_title(year))
    if plan is not None and batch.scope is not None and not await _plan_in_scope(session, plan, batch.scope):
        named = _said_title(plan.title, plan.year)  # a defaulted title adds nothing to the code in any language
        batch.outside(0, "", f"Kế hoạch {code}", subject="plan", name=f"{code} – {named}" if named else code)
        return None
    return _Target(code, year, title, plan)


def default_title(year: int) -> str:
    """The title of a plan imported without one: its official name, so stored in Vietnamese."""
    return f"Kế hoạch cải cách hành chính năm {year}"


def _said_title(title: str, year: int) -> str | None:
    """A plan's title as a message parameter: None for the default one, which the templates say in the
    reader's language ("Administrative reform plan 2026"), since it is not a name the file gave."""
    return None if title == default_title(year) else title


async def _plan_in_scope(session: AsyncSession, plan: Plan, scope: Scope) -> bool:
    """True when ``plan`` was issued in ``scope``'s province. A plan with no issuing unit (made before
    revision 0002 and not backfilled) is the province's only when every unit it assigns lies in it:
    importing into it then records the province as its issuer."""
    if plan.issuing_unit_id is not None:
        issuer = await session.get(Unit, plan.issuing_unit_id)
        return scope.contains(issuer)
    paths = (
        await session.execute(
            select(Unit.path)
            .join(Assignment, Assignment.unit_id == Unit.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan.id)
            .distinct()
        )
    ).scalars()
    found = list(paths)
    return bool(found) and all(scope.contains_path(path) for path in found)


def _plan_steps(session: AsyncSession, target: _Target, batch: Batch) -> None:
    issuer = batch.scope.id if batch.scope is not None else None
    if target.plan is None:

        async def create() -> None:
            target.plan = Plan(code=target.code, year=target.year, title=target.title, issuing_unit_id=issuer)
            session.add(target.plan)
            await session.flush()

        said = {"code": target.code, "year": target.year, "title": _said_title(target.title, target.year)}
        batch.also(Note("plan.create", said), create)
        return
    if target.plan.issuing_unit_id is None and issuer is not None:
        plan = target.plan

        async def adopt() -> None:
            plan.issuing_unit_id = issuer

        province = batch.scope.province if batch.scope else None
        named = NamedUnit(province.name or province.code, province.kind, province.code) if province else ""
        batch.also(Note("plan.adopt", {"code": target.code, "issuer": named}), adopt)
    if target.plan.title != target.title:
        plan = target.plan

        async def rename() -> None:
            plan.title = target.title

        old, new = _said_title(plan.title, plan.year), _said_title(target.title, target.year)
        batch.also(Note("plan.rename", {"code": target.code, "year": target.year, "old": old, "new": new}), rename)


def _read_all(table: Table, batch: Batch, lookup: UnitLookup, year: int, within: _Groups) -> list[_Line]:
    lines: list[_Line] = []
    first_row: dict[int, int] = {}
    section_field: int | None = None
    for row in table.rows:
        cells = Cells(table, row, batch)
        if _is_section(cells):
            batch.result.skipped_rows.append(row.number)
            section_field = field_number(text(row["content"]))
            continue
        line = _read(table, cells, lookup, year, section_field, within)
        if line is None:
            continue
        if (seen := first_row.setdefault(line.number, row.number)) != row.number:
            cells.fail("number", "duplicate", f"STT {line.number} trùng với dòng {seen}")
            continue
        lines.append(line)
    return lines


async def _stored(session: AsyncSession, plan: Plan | None) -> tuple[dict[int, Task], dict[int, dict[int, Assignment]]]:
    """The plan's tasks by number and their assignments by task id and unit id."""
    if plan is None:
        return {}, {}
    tasks = {t.number: t for t in (await session.execute(select(Task).where(Task.plan_id == plan.id))).scalars()}
    assigned: dict[int, dict[int, Assignment]] = {t.id: {} for t in tasks.values()}
    query = select(Assignment).join(Task, Task.id == Assignment.task_id).where(Task.plan_id == plan.id)
    for assignment in (await session.execute(query)).scalars():
        assigned[assignment.task_id][assignment.unit_id] = assignment
    return tasks, assigned


def _field_given(table: Table, line: _Line) -> bool:
    """A file without a field column (and no section headings) leaves the stored field alone."""
    return table.has("field") or line.field is not None


def _task_changes(task: Task, line: _Line, table: Table) -> list[dict[str, object]]:
    """What a row changes of its stored task, as parts of a ``task.update`` note."""
    found: list[dict[str, object]] = []
    if task.content != line.content:
        found.append({"what": "content"})
    if _field_given(table, line) and task.field != line.field:
        found.append({"what": "field", "old": task.field, "new": line.field})
    if (task.deadline_text, task.deadline_kind, task.due_date, task.recurrence) != (
        line.deadline_text,
        line.deadline_kind,
        line.due_date,
        line.recurrence,
    ):
        found.append({"what": "deadline", "old": task.deadline_text, **_deadline(line)})
    if line.product is not None and task.product != line.product:
        found.append({"what": "product"})
    if line.note is not None and task.note != line.note:
        found.append({"what": "note"})
    return found


def _creation(session: AsyncSession, target: _Target, line: _Line) -> Step:
    async def create() -> None:
        if target.plan is None:  # the plan's own step runs first
            raise RuntimeError("plan not created before its tasks")
        task = Task(
            plan_id=target.plan.id,
            number=line.number,
            content=line.content,
            field=line.field,
            deadline_text=line.deadline_text,
            deadline_kind=line.deadline_kind,
            due_date=line.due_date,
            recurrence=line.recurrence,
            product=line.product or "",
            note=line.note or "",
        )
        session.add(task)
        await session.flush()
        await apply_changes(session, task.id, {}, wanted_roles(line.lead, line.cooperating, {}), line.first_due)

    return create


def _update(
    session: AsyncSession,
    task: Task,
    line: _Line,
    keep_field: bool,
    current: dict[int, Assignment],
    wanted: Wanted,
) -> Step:
    async def update() -> None:
        if task.recurrence != line.recurrence:  # a new rule: every unit's open period starts again
            for assignment in current.values():
                assignment.due_on = line.first_due
        task.content, task.deadline_text = line.content, line.deadline_text
        task.deadline_kind, task.due_date, task.recurrence = line.deadline_kind, line.due_date, line.recurrence
        if not keep_field:
            task.field = line.field
        task.product = task.product if line.product is None else line.product
        task.note = task.note if line.note is None else line.note
        await apply_changes(session, task.id, current, wanted, line.first_due)

    return update


def _deadline(line: _Line) -> dict[str, object]:
    """What the plan wrote ("Quý II") and the day it means, for a change line: "Quý II (30/06/2023)"."""
    due = f"{line.due_date:%d/%m/%Y}"
    return {"written": "" if line.deadline_text in (due, "") else line.deadline_text, "due": line.due_date}


def _names(found: Assignees, expanded: list[tuple[str, str, int]], role: str) -> list[dict[str, object]]:
    """SNV, "UBND các xã, phường → 65 đơn vị": units named themselves by code, groups once."""
    own: list[dict[str, object]] = [{"code": u.code} for u in found.units if found.via[u.id] is None]
    return own + [{"group": key, "count": n} for r, key, n in expanded if r == role]


def _describe(line: _Line) -> Note:
    content = line.content if len(line.content) <= 60 else line.content[:59].rstrip() + "…"
    cooperating = _names(line.cooperating, line.expanded, "cooperate") if line.cooperating else []
    lead = _names(line.lead, line.expanded, "lead")
    params = {"number": line.number, "content": content, "lead": lead, "cooperating": cooperating}
    return Note("task.create", {**params, **_deadline(line)})


async def _province(session: AsyncSession, batch: Batch, plan: Plan | None, lookup: UnitLookup) -> Unit | None:
    """The province whose units a group means: the import's, the plan's issuer's, or the only one."""
    if batch.scope is not None:
        return batch.scope.province
    if plan is not None and plan.issuing_unit_id is not None and plan.issuing_unit_id in lookup.by_id:
        issuer = lookup.by_id[plan.issuing_unit_id]
        return lookup.by_id.get(int(issuer.path.strip("/").split("/")[0]), issuer)
    roots = [u for u in lookup.by_id.values() if u.parent_id is None and u.valid_during(*lookup.period)]
    with_children = [r for r in roots if any(u.parent_id == r.id for u in lookup.by_id.values())]
    return with_children[0] if len(with_children) == 1 else None


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    target = await _target(session, options, batch)
    if target is None:
        return
    # the units valid in the plan's year: an abolished one is refused with its successor named
    lookup = await UnitLookup.load(session, batch.scope, year_period(target.year))
    province = await _province(session, batch, target.plan, lookup)
    valid = [u for u in lookup.by_id.values() if u.valid_during(*lookup.period)]
    lines = _read_all(table, batch, lookup, target.year, _Groups(province, valid))
    if batch.failed:
        return
    _plan_steps(session, target, batch)
    stored, assigned = await _stored(session, target.plan)
    for line in lines:
        task = stored.get(line.number)
        if task is None:
            batch.create(_describe(line), _creation(session, target, line))
            continue
        current = assigned[task.id]
        wanted = wanted_roles(line.lead, line.cooperating, current)
        changes = _task_changes(task, line, table) + describe_changes(current, wanted, lookup)
        if changes:
            step = _update(session, task, line, not _field_given(table, line), current, wanted)
            batch.update(Note("task.update", {"number": line.number, "changes": changes}), step)
        else:
            batch.same()
