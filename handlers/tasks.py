"""/nhiemvu: the unit's tasks in the latest plan grouped by status, one task's detail, and for leaders
the whole province's counts by unit.

Argument forms: ``/nhiemvu [năm] [quahan|tronghan|chuadenhan|hoanthanh] [linhvuc N] [trang N]``,
``/nhiemvu [năm] 12`` (detail of task 12), ``/nhiemvu tatca [năm] [trang N]`` (leaders, admins),
``/nhiemvu nguyco``: the open tasks due within two weeks that the slip-risk rule flags, each with why
(``models/risk.py``): the unit's and those below it; for leaders and admins the province's.

A unit formed from others (the mergers of 2025) is shown its predecessors' assignments too, under a line
that says so, each predecessor named as it was then (``access.history_of`` says whose).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.access import history_of, own_unit, province_scope, require_visible, sees_everything, visible_path
from handlers.base import Attachment, Button, Commands, Reply, Request, UserError, is_number
from handlers.pages import page_buttons, page_of
from models import AssignmentRole, Plan, TaskStatus, Unit
from models.progress import Progress
from models.queries.periods import closed_periods
from models.queries.risk import at_risk
from models.queries.summary import plan_progress
from models.queries.tasks import (
    TaskLine,
    counts_by_unit_and_role,
    latest_reports,
    plan_for,
    report_evidence,
    task_detail,
    task_numbers,
    this_period_due,
)
from models.queries.tasks import unit_tasks as query_unit_tasks
from models.queries.units import unit_name, unit_names
from models.risk import WINDOW
from models.rules import StatusCounts
from models.standard_indices import PAR_FIELDS
from models.text import fold

commands = Commands()

FILTERS = {
    "quahan": "overdue",
    "overdue": "overdue",
    "tronghan": "in_time",
    "sapdenhan": "in_time",
    "intime": "in_time",
    "chuadenhan": "not_yet_due",
    "notdue": "not_yet_due",
    "hoanthanh": "done",
    "done": "done",
}
PHRASES = {"qua han": "quahan", "trong han": "tronghan", "chua den han": "chuadenhan", "hoan thanh": "hoanthanh"}
PHRASES |= {"sap den han": "sapdenhan", "tat ca": "tatca", "linh vuc": "linhvuc", "nguy co": "nguyco"}
OPEN_ORDER = (TaskStatus.OVERDUE, TaskStatus.IN_TIME, TaskStatus.NOT_YET_DUE)
RECENT_DONE = 3
MAX_UNITS = 10  # units named in a task's detail


@dataclass
class Query:
    year: int | None = None
    number: int | None = None
    status: str | None = None  # a value of FILTERS
    field: int | None = None
    page: int = 1
    everyone: bool = False
    paging: bool = False
    risk: bool = False

    def command_line(self, page: int) -> str:
        """The arguments that reproduce this query on another page (button data)."""
        words = ["/nhiemvu", "tatca" if self.everyone else ""]
        words += [str(self.year or ""), {v: k for k, v in FILTERS.items()}.get(self.status or "", "")]
        words += [f"linhvuc {self.field}" if self.field else "", f"trang {page}"]
        return " ".join(w for w in words if w)


def parse(args: list[str]) -> Query:
    """Read the arguments; unknown words are ignored ("nhiệm vụ của xã" is a fine question)."""
    text = " " + " ".join(fold(a) for a in args) + " "
    for phrase, word in PHRASES.items():
        text = text.replace(f" {phrase} ", f" {word} ")
    words, query = text.split(), Query()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in FILTERS:
            query.status = FILTERS[word]
        elif word in ("tatca", "all"):
            query.everyone = True
        elif word in ("nguyco", "risk"):
            query.risk = True
        elif word in ("linhvuc", "field"):
            query.field = _field(following)
        elif word in ("trang", "page"):
            if not is_number(following):
                raise UserError("errors/bad_number", text=following or word, command="nhiemvu")
            query.page, query.paging = max(1, int(following)), True
        elif is_number(word) and words[i - 1 : i] not in (["trang"], ["page"], ["linhvuc"], ["field"]):
            number = int(word)
            if 1 <= number <= 999:
                query.number = number
            elif 1900 <= number <= 2999:
                query.year = number
            else:
                raise UserError("errors/bad_number", text=word, command="nhiemvu")
    return query


def _field(typed: str) -> int:
    """The PAR INDEX field number typed after "linhvuc" (1 to 8); anything else is refused quoting it."""
    if not is_number(typed):
        raise UserError("errors/bad_field", text=typed, last=len(PAR_FIELDS))
    if not 1 <= int(typed) <= len(PAR_FIELDS):
        raise UserError("errors/bad_field", number=int(typed), last=len(PAR_FIELDS))
    return int(typed)


@commands.command(
    "nhiemvu",
    aliases=("tasks",),
    intents={"nhiem vu qua han": ["quahan"], "nhiem vu": [], "viec qua han": ["quahan"]},
)
async def tasks(request: Request) -> Reply:
    """The unit's tasks by status (overdue with days late first), a task's detail, or the province by unit."""
    query = parse(request.args)
    unit = await own_unit(request)
    plan = await plan_for(request.session, unit, query.year)
    if plan is None:
        raise UserError("errors/no_plan", year=query.year)
    if query.risk:
        return await _risks(request, unit, plan)
    if query.number is not None:
        return await _detail(request, unit, plan, query)
    if query.everyone:
        return await _by_unit(request, plan, query)
    return await _unit_list(request, unit, plan, query)


async def _unit_list(request: Request, unit: Unit, plan: Plan, query: Query) -> Reply:
    """The unit's own tasks; a leader or admin whose unit has none of its own (the province itself is
    rarely assigned any) lands on the province's view instead of "no tasks"."""
    today, soon = request.clock.today(), request.settings.due_soon_days
    own = await query_unit_tasks(request.session, plan.id, unit.id, today, soon)
    lines = _in_field(own, query.field)
    counts = Progress.of(line.status for line in lines)
    done = sorted((ln for ln in lines if ln.done), key=lambda ln: ln.completed_on or date.min, reverse=True)
    shown = _shown(lines, query.status)
    earlier: list[tuple[int, list[TaskLine]]] = []
    for predecessor in await history_of(request, unit):
        theirs = _in_field(await query_unit_tasks(request.session, plan.id, predecessor.id, today, soon), query.field)
        if theirs:
            earlier.append((predecessor.id, theirs))
    if not own and not earlier and request.official is not None and sees_everything(request.official):
        query.everyone = True  # its page buttons then say "tatca"
        return await _by_unit(request, plan, query)
    # one sequence to page through: the unit's own tasks first, then each predecessor's
    sequence = [(unit.id, ln) for ln in shown] + [
        (i, ln) for i, theirs in earlier for ln in _shown(theirs, query.status, history=True)
    ]
    page, pages, items = page_of(sequence, query.page, request.settings.page_size)
    numbers = list(dict.fromkeys(ln.number for _, ln in items))
    buttons = _rows([Button("tasks.detail", f"/nhiemvu {plan.year} {n}", {"number": n}) for n in numbers])
    buttons += page_buttons(page, pages, query.command_line)
    names = await unit_names(request.session, [i for i, _ in earlier]) if earlier else {}
    history = [
        (
            names[i],
            Progress.of(ln.status for ln in theirs),
            _groups([ln for k, ln in items if k == i]),
        )
        for i, theirs in earlier
    ]
    return Reply(
        "tasks/list",
        {
            "plan": plan,
            "unit": await unit_name(request.session, unit.id),
            "counts": counts,
            "groups": _groups([ln for k, ln in items if k == unit.id]),
            "own_shown": len(shown),
            "recent_done": done[:RECENT_DONE] if query.status is None and page == 1 else [],
            "history": [entry for entry in history if entry[2] or page == 1],
            "status": query.status,
            "field": query.field,
            "page": page,
            "pages": pages,
            "everyone": sees_everything(request.official) if request.official else False,
        },
        buttons=buttons,
        edit=query.paging,
    )


async def _risks(request: Request, unit: Unit, plan: Plan) -> Reply:
    """The open tasks due within ``WINDOW`` days at risk of finishing late, with why, as far as the asker
    sees (``access.visible_path``: their subtree; leaders and admins their province's tasks, each once by
    its lead unit, as /tomtat says them)."""
    assert request.official is not None
    province = sees_everything(request.official)  # the province's tasks each once, by their lead unit
    within = (await province_scope(request)).province if province else unit
    lines = await at_risk(
        request.session, [plan.id], request.clock.today(), (0, WINDOW), within=within, lead_only=province
    )
    shown = lines[: request.settings.page_size]
    names = await unit_names(request.session, {line.unit_id for line in shown})
    return Reply(
        "tasks/risk",
        {"plan": plan, "lines": [(names[line.unit_id], line) for line in shown], "more": len(lines) - len(shown)}
        | {"window": WINDOW, "unit": await unit_name(request.session, within.id)},
    )


def _in_field(lines: list[TaskLine], field: int | None) -> list[TaskLine]:
    return lines if field is None else [line for line in lines if line.field == field]


def _shown(lines: list[TaskLine], status: str | None, history: bool = False) -> list[TaskLine]:
    """The lines a status filter lists, in the order shown: open ones by status then deadline (overdue
    first), or the done ones latest first. A predecessor's (``history``) unfiltered: the open ones, then
    the done ones (its record is all there is of it)."""
    done = sorted((ln for ln in lines if ln.done), key=lambda ln: ln.completed_on or date.min, reverse=True)
    if status == "done":
        return done
    wanted = OPEN_ORDER if status is None else (TaskStatus(status),)
    shown = sorted((ln for ln in lines if ln.status in wanted), key=lambda ln: (wanted.index(ln.status), ln.due_date))
    return shown + done if history and status is None else shown


def _groups(items: list[TaskLine]) -> list[tuple[str, list[TaskLine]]]:
    groups: list[tuple[str, list[TaskLine]]] = []
    for line in items:
        key = "done" if line.done else line.status.value
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(line)
    return groups


def _rows(buttons: list[Button], width: int = 3) -> list[list[Button]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


async def _by_unit(request: Request, plan: Plan, query: Query) -> Reply:
    """Leaders and admins: the plan's reporting sentence (each task once, as /tomtat says it), then every
    unit with assignments in the plan, the most overdue first (per unit: its assignments, "lượt")."""
    if request.official is None or not sees_everything(request.official):
        raise UserError("errors/not_allowed", command="nhiemvu tatca")
    province = (await province_scope(request)).province
    today, soon = request.clock.today(), request.settings.due_soon_days
    by_role = await counts_by_unit_and_role(request.session, plan.id, today, soon, province)
    lead, helping = by_role.get(AssignmentRole.LEAD, {}), by_role.get(AssignmentRole.COOPERATE, {})
    none = StatusCounts()
    both = {u: (lead.get(u, none), helping.get(u, none)) for u in {*lead, *helping}}
    # lead counts first: a unit is ranked by the tasks it leads, then by those it cooperates on
    ordered = sorted(both.items(), key=lambda kv: (-kv[1][0].overdue, -kv[1][1].overdue, -kv[1][0].in_time, kv[0]))
    page, pages, items = page_of(ordered, query.page, request.settings.page_size)
    names = await unit_names(request.session, [unit_id for unit_id, _ in items])
    return Reply(
        "tasks/by_unit",
        {
            "plan": plan,
            "report": await plan_progress(request.session, plan, today, soon),  # each task once
            "rows": [(names[unit_id], c, helped) for unit_id, (c, helped) in items],
            "total": sum((a + b for a, b in both.values()), StatusCounts()),
            "unit_count": len(both),
            "page": page,
            "pages": pages,
        },
        buttons=page_buttons(page, pages, query.command_line),
        edit=query.paging,
    )


async def _detail(request: Request, own: Unit, plan: Plan, query: Query) -> Reply:
    """Task N: content, field, deadline, lead and cooperating units, visible progress and reports.
    A task given to many units names the first few and counts the rest (a chat message is short). The
    assignments of the official's unit's predecessors are shown apart, marked as theirs."""
    assert query.number is not None and request.official is not None
    today = request.clock.today()
    detail = await task_detail(request.session, plan, query.number, today, request.settings.due_soon_days)
    if detail is None:
        first, last, count = await task_numbers(request.session, plan.id)
        raise UserError("errors/unknown_task", number=query.number, year=plan.year, first=first, last=last, count=count)
    scope = visible_path(request.official, own)
    visible = [line for line, path in detail.lines if path.startswith(scope)]  # Unit.is_within
    earlier = {unit.id for unit in await history_of(request, own)}
    former = [line for line, path in detail.lines if line.unit_id in earlier and not path.startswith(scope)]
    if not visible and not former:
        raise UserError("errors/not_your_unit", number=query.number)
    lead = [line.unit_id for line, _ in detail.lines if line.role == "lead" and line.via_group is None]
    cooperating = [line.unit_id for line, _ in detail.lines if line.role == "cooperate" and line.via_group is None]
    shown = sorted(visible, key=lambda ln: (ln.role != "lead", ln.done, ln.days_left, ln.progress))[:MAX_UNITS]
    former = former[:MAX_UNITS]
    reports = await latest_reports(request.session, [line.assignment_id for line in (*visible, *former)])
    periods = await closed_periods(request.session, detail.task, [ln.assignment_id for ln in (*shown, *former)])
    own_line = next((ln for ln in (*shown, *former) if ln.unit_id == own.id), None)
    names = await unit_names(
        request.session,
        {
            *lead,
            *cooperating[:MAX_UNITS],
            *(ln.unit_id for ln in (*shown, *former)),
            *(r.unit_id for r in reports),
        },
    )
    mine = any(line.unit_id == own.id for line, _ in detail.lines)
    buttons = [[Button("tasks.update", f"/capnhat {query.number}", {"number": query.number})]] if mine else []
    if query.year is not None:
        buttons = []  # an earlier plan: nothing to report on
    files = [(i, r) for i, r in enumerate(reports, start=1) if r.evidence_kind in ("photo", "document")]
    for i, r in files:
        buttons.append([Button("tasks.open_evidence", f"/minhchung {r.id}", {"n": i, "kind": r.evidence_kind})])
    return Reply(
        "tasks/detail",
        {
            "plan": plan,
            "task": detail.task,
            "lead": [names[i] for i in lead],
            "cooperating": [names[i] for i in cooperating[:MAX_UNITS]],
            "more_cooperating": max(0, len(cooperating) - MAX_UNITS),
            "lead_groups": _groups_of(detail.lines, "lead"),
            "cooperating_groups": _groups_of(detail.lines, "cooperate"),
            "this_period": this_period_due(detail.task, today),
            "periods": periods,  # a recurring task: assignment id -> the periods its unit closed
            "own_periods": periods.get(own_line.assignment_id) if own_line is not None else None,
            "assignments": [(names[line.unit_id], line) for line in shown],
            "more_assignments": len(visible) - len(shown),
            "former": [(names[line.unit_id], line) for line in former],
            "counts": StatusCounts.of(line.status for line in visible),
            "reports": [(names[r.unit_id], r) for r in reports],
            "files": {r.id: i for i, r in files},
        },
        buttons=buttons,
    )


def _groups_of(lines: list[tuple[TaskLine, str]], role: str) -> list[tuple[str, int]]:
    """The groups the plan named for ``role`` ("communes"), each once with how many units it gave."""
    counted: dict[str, int] = {}
    for line, _ in lines:
        if line.role == role and line.via_group is not None:
            counted[line.via_group] = counted.get(line.via_group, 0) + 1
    return list(counted.items())


@commands.command("minhchung", aliases=("evidence",), listed=False)
async def evidence(request: Request) -> Reply:
    """``/minhchung <report id>`` (a button on a task's detail): the photo or document attached to a
    progress report, to those who may see the reporting unit's tasks. A file sent on another channel
    cannot be shown here (its id means nothing to this one): the answer says where it was sent."""
    report_id = int(request.args[0]) if request.args and is_number(request.args[0]) else None
    found = await report_evidence(request.session, report_id) if report_id is not None else None
    if found is None:
        raise UserError("errors/no_evidence")
    await require_visible(request, found.unit_id)  # another unit's report id, forged or old: refused
    here = found.channel == request.incoming.channel
    return Reply(
        "tasks/evidence",
        {"e": found, "unit": await unit_name(request.session, found.unit_id), "here": here},
        attachment=Attachment(found.kind, found.file_id, found.channel) if here else None,
    )
