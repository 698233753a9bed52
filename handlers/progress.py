"""/capnhat: report progress on one of the unit's tasks.

One line: ``/capnhat 12 80 đã trình UBND tỉnh https://...`` is saved at once (a link becomes evidence).
Guided: ``/capnhat`` → pick a task → percent → note, photo or document (or skip) → confirm. The answers
wait in the conversation state (database), and nothing is written before "Đồng ý".
Buttons of the guided form send ``/capnhat tiendo 50``, ``/capnhat boqua``, ``/capnhat dongy``,
``/capnhat huy``; typing the same answers works too.
A saved report not yet at 100% asks, with one tap, the unit's own word on its pace (issue 18, point 5):
``/capnhat danhgia <report> dungtiendo|nguyco|cham`` (đúng tiến độ, có nguy cơ chậm, chậm), stored with
the report; the slip risk (``models/risk.py``) reads it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from handlers.access import own_unit
from handlers.base import Button, Commands, Reply, Request, UserError, is_number
from handlers.conversation import end_flow, start_flow
from models import Assignment, ConversationState, Task, TaskStatus
from models.enums import SelfAssessment
from models.queries.periods import owed_period
from models.queries.risk import assess_report
from models.queries.tasks import assignment_of, plan_for, record_progress, task_by_number, task_numbers, unit_tasks
from models.queries.units import unit_name
from models.rules import Period, days_left, task_status
from models.text import fold

commands = Commands()

FLOW = "capnhat"
ASK_TASK, ASK_PERCENT, ASK_NOTE, ASK_CONFIRM = "task", "percent", "note", "confirm"
BUTTON_WORDS = ("tiendo", "boqua", "dongy", "huy")
YES = {"dong y", "dongy", "co", "ok", "yes", "y", "xac nhan", "confirm"}
NO = {"huy", "huy bo", "khong", "no", "cancel", "thoi"}
SKIP = {"-", "bo qua", "boqua", "skip", "khong co"}
PERCENTS = (25, 50, 75, 100)
ASSESSMENTS = {
    "dungtiendo": SelfAssessment.ON_TRACK,
    "nguyco": SelfAssessment.AT_RISK,
    "cham": SelfAssessment.LATE,
}
OPEN = (TaskStatus.OVERDUE, TaskStatus.IN_TIME, TaskStatus.NOT_YET_DUE)


@dataclass
class Draft:
    """The report being written, as kept in the conversation state."""

    number: int
    assignment_id: int
    content: str
    progress: int
    percent: int | None = None
    note: str = ""
    evidence: str = ""
    evidence_kind: str = ""
    evidence_channel: str = ""  # where the file was sent: its file id means something only there
    owed: dict[str, Any] | None = None  # a recurring task: the period reported on (``period``), as plain values

    @property
    def period(self) -> Period | None:
        if self.owed is None:
            return None
        first, due = date.fromisoformat(self.owed["first"]), date.fromisoformat(self.owed["due"])
        return Period(self.owed["every"], self.owed["number"], first, due)


@commands.command("capnhat", aliases=("update",), intents={"cap nhat": [], "bao cao tien do": []})
async def update_progress(request: Request) -> Reply | list[Reply]:
    """``/capnhat 12 80 ghi chú`` saves at once; ``/capnhat`` lists the open tasks to pick from;
    ``/capnhat 12`` asks for the percent. The guided form's buttons land here too."""
    args = request.args
    word = fold(args[0]) if args else ""
    if word == "danhgia":
        return await _assess(request, args[1:])
    if word in BUTTON_WORDS:
        return await _button(request, word, args[1:])
    if not args:
        return await _choose_task(request)
    number = _number(args[0])
    if len(args) == 1:
        return await _ask_percent(request, number)
    percent = _percent(args[1], number, guided=False)
    draft = await _draft(request, number)
    draft.percent, draft.note = percent, _raw_tail(request, 2)
    if request.incoming.file is not None:  # "/capnhat 12 100" as the caption of a scanned document
        _attach(request, draft)
    return await _save(request, draft)


@commands.flow(FLOW)
async def progress_flow(request: Request) -> Reply | list[Reply]:
    """Typed answers to the guided form: a task number, a percent, a note or a file, then yes or no."""
    assert request.state is not None
    text, step = request.incoming.text.strip(), request.state.step
    word = fold(text)
    if word in NO:
        return await _cancel(request)
    if step == ASK_TASK:
        return await _ask_percent(request, _number(text))
    draft = Draft(**_saved(request.state))
    if step == ASK_PERCENT:
        return await _take_percent(request, draft, text)
    if step == ASK_NOTE:
        if request.incoming.file is not None:
            _attach(request, draft)
        elif not text:
            return _note_question(draft)
        draft.note = "" if word in SKIP else text
        return await _ask_confirm(request, draft)
    if word in YES:
        return await _save(request, draft)
    return _confirm_question(draft)


def _attach(request: Request, draft: Draft) -> None:
    sent = request.incoming.file
    assert sent is not None
    draft.evidence, draft.evidence_kind, draft.evidence_channel = sent.file_id, sent.kind, request.incoming.channel


async def _button(request: Request, word: str, rest: list[str]) -> Reply | list[Reply]:
    state = request.state
    if state is None or state.flow != FLOW or "assignment_id" not in state.data:
        if word == "huy":
            return await _cancel(request)
        raise UserError("errors/flow_expired")
    draft = Draft(**_saved(state))
    if word == "huy":
        return await _cancel(request)
    if word == "tiendo":
        return await _take_percent(request, draft, rest[0] if rest else "")
    if word == "boqua" and draft.percent is not None:
        draft.note = ""
        return await _ask_confirm(request, draft)
    if word == "dongy" and state.step == ASK_CONFIRM:
        return await _save(request, draft)
    return _question(state.step, draft)


async def _choose_task(request: Request) -> Reply:
    """Step 1: the unit's open tasks, most urgent first, as buttons."""
    unit = await own_unit(request)
    plan = await plan_for(request.session, unit)
    if plan is None:
        raise UserError("errors/no_plan", year=None)
    lines = await unit_tasks(request.session, plan.id, unit.id, request.clock.today(), request.settings.due_soon_days)
    open_lines = sorted((ln for ln in lines if ln.status in OPEN), key=lambda ln: (OPEN.index(ln.status), ln.number))
    if not open_lines:
        return Reply("progress/nothing_open", {"plan": plan})
    await start_flow(request, FLOW, ASK_TASK, {})
    shown = open_lines[: request.settings.page_size]
    buttons = [Button("progress.task", f"/capnhat {ln.number}", {"number": ln.number}) for ln in shown]
    return Reply(
        "progress/choose_task",
        {"plan": plan, "lines": shown, "more": len(open_lines) - len(shown)},
        buttons=[buttons[i : i + 4] for i in range(0, len(buttons), 4)] + [[Button("common.no", "/capnhat huy")]],
    )


async def _ask_percent(request: Request, number: int) -> Reply:
    draft = await _draft(request, number)
    await start_flow(request, FLOW, ASK_PERCENT, asdict(draft))
    return _percent_question(draft)


async def _take_percent(request: Request, draft: Draft, text: str) -> Reply:
    draft.percent = _percent(text, draft.number, guided=True)
    await start_flow(request, FLOW, ASK_NOTE, asdict(draft))
    return _note_question(draft)


async def _ask_confirm(request: Request, draft: Draft) -> Reply:
    await start_flow(request, FLOW, ASK_CONFIRM, asdict(draft))
    return _confirm_question(draft)


def _question(step: str, draft: Draft) -> Reply:
    if step == ASK_NOTE:
        return _note_question(draft)
    if step == ASK_CONFIRM:
        return _confirm_question(draft)
    return _percent_question(draft)


def _percent_question(draft: Draft) -> Reply:
    choices = [Button("progress.percent", f"/capnhat tiendo {p}", {"value": p}) for p in PERCENTS]
    return Reply("progress/ask_percent", {"draft": draft}, buttons=[choices, [Button("common.no", "/capnhat huy")]])


def _note_question(draft: Draft) -> Reply:
    buttons = [[Button("progress.skip", "/capnhat boqua"), Button("common.no", "/capnhat huy")]]
    return Reply("progress/ask_note", {"draft": draft}, buttons=buttons)


def _confirm_question(draft: Draft) -> Reply:
    buttons = [[Button("common.yes", "/capnhat dongy"), Button("common.no", "/capnhat huy")]]
    return Reply("progress/confirm", {"draft": draft}, buttons=buttons)


async def _cancel(request: Request) -> Reply:
    await end_flow(request)
    return Reply("progress/cancelled")


async def _draft(request: Request, number: int) -> Draft:
    """Task ``number`` of the latest plan and the asking official's unit's assignment of it."""
    unit = await own_unit(request)
    plan = await plan_for(request.session, unit)
    if plan is None:
        raise UserError("errors/no_plan", year=None)
    task = await task_by_number(request.session, plan.id, number)
    if task is None:
        first, last, count = await task_numbers(request.session, plan.id)
        raise UserError("errors/unknown_task", number=number, year=plan.year, first=first, last=last, count=count)
    assignment = await assignment_of(request.session, task.id, unit.id)
    if assignment is None:
        raise UserError("errors/not_assigned", number=number, unit=await unit_name(request.session, unit.id))
    draft = Draft(number, assignment.id, task.content, assignment.progress)
    if (owed := owed_period(task, assignment)) is not None:
        draft.owed = {"every": owed.every, "number": owed.number, "first": str(owed.first), "due": str(owed.due)}
    return draft


async def _save(request: Request, draft: Draft) -> Reply:
    assignment = await request.session.get(Assignment, draft.assignment_id)
    unit = await own_unit(request)
    if assignment is None or assignment.unit_id != unit.id:  # reassigned since the form began
        await end_flow(request)
        raise UserError("errors/flow_expired")
    task = await request.session.get(Task, assignment.task_id)
    assert task is not None and draft.percent is not None and request.official is not None
    today = request.clock.today()
    owed = owed_period(task, assignment)  # a recurring task: the period this report is on
    report = await record_progress(
        request.session,
        assignment,
        percent=draft.percent,
        note=draft.note,
        by_id=request.official.id,
        now=request.clock.now(),
        today=today,
        evidence=draft.evidence,
        evidence_kind=draft.evidence_kind,
        evidence_channel=draft.evidence_channel,
    )
    if request.state is not None and request.state.flow == FLOW:
        await end_flow(request)
    due = assignment.due_on or task.due_date  # a recurring task's: the period owed after this report
    closed, after = (owed if owed is not None and report.percent >= 100 else None), owed_period(task, assignment)
    asks = [
        Button("progress.assessment", f"/capnhat danhgia {report.id} {word}", {"value": str(value)})
        for word, value in ASSESSMENTS.items()
    ]
    return Reply(
        "progress/saved",
        {
            "draft": draft,
            "report": report,
            "unit": await unit_name(request.session, unit.id),
            "owed": after,  # the period owed now; None for a one-off deadline
            "closed": closed,  # the period this report closed (and the days it was late), if it closed one
            "closed_late": max(0, (today - closed.due).days) if closed is not None else 0,
            "last": closed is not None and after == closed,  # the task's last period: the task is done
            "status": task_status(
                due, assignment.progress, assignment.completed_on, today, request.settings.due_soon_days
            ).value,
            "days_left": days_left(due, today),
            "due_date": due,
            "asks": report.percent < 100,
        },
        buttons=[asks] if report.percent < 100 else [],
    )


async def _assess(request: Request, rest: list[str]) -> Reply:
    """The one-tap self-assessment of a report the asking official's unit made (another unit's report id,
    forged or old: refused as not theirs)."""
    value = ASSESSMENTS.get(fold(rest[1])) if len(rest) == 2 and is_number(rest[0]) else None
    if value is None:
        raise UserError("errors/bad_assessment")
    unit = await own_unit(request)
    report = await assess_report(request.session, int(rest[0]), unit.id, value)
    if report is None:
        raise UserError("errors/not_your_unit")
    return Reply("progress/assessed", {"value": str(value), "number": report.number})


def _saved(state: ConversationState) -> dict[str, Any]:
    return {k: v for k, v in state.data.items() if k in Draft.__dataclass_fields__}


def _number(text: str) -> int:
    if not is_number(text.strip()) or not 1 <= int(text) <= 999:
        raise UserError("errors/bad_number", text=text[:30], command="capnhat")
    return int(text)


def _percent(text: str, number: int, *, guided: bool) -> int:
    value = text.strip().rstrip("%").strip()
    if not is_number(value) or int(value) > 100:
        raise UserError("errors/bad_percent", text=text[:30], number=number, guided=guided)
    return int(value)


def _raw_tail(request: Request, consumed: int) -> str:
    """The words after the first ``consumed`` arguments as the user typed them (free text arrives
    folded, without diacritics; the note keeps them)."""
    rest = request.args[consumed:]
    if not rest:
        return ""
    original = (request.incoming.callback or request.incoming.text).strip()
    tokens = original.split()
    if len(tokens) >= len(rest) and [fold(t) for t in tokens[-len(rest) :]] == [fold(a) for a in rest]:
        return original.split(maxsplit=len(tokens) - len(rest))[-1]
    return " ".join(rest)
