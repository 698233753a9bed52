"""/ykienbaocao: the unit's inputs to the periodic report; /tinhhinhbaocao: who has given them.

Who writes: unit heads and officers, for their own unit only (the write rule of /capnhat: an official
writes for the unit they belong to; the head is the one asked, an officer may type what the head
dictates). Leaders and the secretariat read who has answered; they write nothing here. Only the units
that report to the Sở Nội vụ owe inputs (``models.report_inputs.OWING_KINDS``).

Forms: ``/ykienbaocao`` asks the three items one by one (kết quả nổi bật, tồn tại hạn chế, kiến nghị),
showing what was saved; "giữ nguyên" / "bỏ qua" leave an item as it is, "xong" stops. Each answer is
saved at once. ``/ykienbaocao noibat <text>`` (``tontai``, ``kiennghi``) saves one item in one line.
Inputs are taken for the period whose report is due next, until its due date ([reports].due_day); a unit
that gave nothing by then writes for the closed period, late, for [reports].late_days more.
``/tinhhinhbaocao [period] [page]``: answered/total and the units still missing, a page at a time.

``answer`` and ``status`` are the entry points a ``/baocao nhap`` / ``/baocao tinhhinh`` may route to.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from handlers.access import own_unit
from handlers.base import LEADERS, Button, Commands, Reply, Request, UserError, is_number
from handlers.conversation import end_flow, start_flow
from handlers.pages import page_buttons, page_of
from handlers.periods import BadPeriod, take_period
from models import Role, Unit
from models.indices import PERIOD_HALF, PERIOD_QUARTER
from models.queries.report_inputs import answered_ids, answers, inputs_of, save_input
from models.queries.scores import province_of
from models.queries.units import unit_name, unit_names
from models.report_inputs import (
    HIGHLIGHTS,
    ISSUES,
    ITEMS,
    OWING_KINDS,
    PROPOSALS,
    ReportPeriod,
    late_period,
    open_period,
)
from models.text import fold

commands = Commands()

FLOW = "ykienbaocao"
WRITERS = frozenset({Role.UNIT_HEAD, Role.OFFICER})
ITEM_WORDS = {
    "noibat": HIGHLIGHTS,
    "ketqua": HIGHLIGHTS,
    "highlights": HIGHLIGHTS,
    "tontai": ISSUES,
    "hanche": ISSUES,
    "issues": ISSUES,
    "kiennghi": PROPOSALS,
    "dexuat": PROPOSALS,
    "proposals": PROPOSALS,
}
KEEP = {"giu nguyen", "giunguyen", "giu", "keep", "bo qua", "boqua", "skip", "-"}
STOP = {"xong", "huy", "thoi", "ket thuc", "done", "cancel", "stop"}
BUTTON_WORDS = {"giunguyen", "boqua", "xong"}


@commands.command(
    "ykienbaocao",
    roles=WRITERS,
    aliases=("nhapbaocao", "reportinput"),
    intents={"y kien bao cao": [], "nhap bao cao": []},
    listed=False,  # /help names it as /baocao nhap: one line for the report keeps /help one Zalo message
)
async def answer(request: Request) -> Reply:
    """The guided form, one item in one line, or a button of the form (giữ nguyên, bỏ qua, xong)."""
    _require(request, WRITERS, "ykienbaocao")
    word = fold(request.args[0]) if request.args else ""
    if word in BUTTON_WORDS:
        return await _button(request, word)
    unit = await _owing_unit(request)
    period, due = await _open(request, unit)
    if word in ITEM_WORDS:
        text = _text_after_word(request)
        if not text:
            return await _ask(request, unit, period, due, ITEM_WORDS[word])
        return await _save(request, unit, period, due, ITEM_WORDS[word], text, guided=False)
    if request.args:
        _check_named_period(request, period, due)
    return await _ask(request, unit, period, due, ITEMS[0])


@commands.flow(FLOW)
async def answer_flow(request: Request) -> Reply:
    """A typed answer to the item asked: its text, or "giữ nguyên"/"bỏ qua", or "xong"."""
    assert request.state is not None
    text, word = request.incoming.text.strip(), fold(request.incoming.text)
    if word in STOP:
        return await _finish(request)
    if word in KEEP:
        return await _next(request)
    unit, period, due = await _flow_target(request)
    return await _save(request, unit, period, due, request.state.step, text, guided=True)


@commands.command(
    "tinhhinhbaocao",
    roles=LEADERS,
    aliases=("reportstatus",),
    intents={"tinh hinh bao cao": []},
    listed=False,  # /help names it as /baocao tinhhinh
)
async def status(request: Request) -> Reply:
    """Units of the asker's province that owe inputs for the period: how many answered, who has not."""
    _require(request, LEADERS, "tinhhinhbaocao")
    words = [fold(w) for w in request.args]
    period, rest = _named_period(words)
    today = request.clock.today()
    if period is None:
        period = open_period(today, request.settings.reports.due_day)
    unknown = [w for w in rest if not is_number(w) and w != "trang"]
    if unknown:  # a word that names no period: say so rather than show another period
        raise UserError("errors/report_inputs_bad_period", text=" ".join(request.args)[:40])
    page = next((int(w) for w in rest if is_number(w)), 1)
    province = await province_of(request.session, await own_unit(request))
    due = period.due(request.settings.reports.due_day)
    found = await answers(request.session, province, period.key, min(today, due))
    number, pages, items = page_of(found.missing, page, request.settings.page_size)
    names = await unit_names(request.session, [u.id for u in items] + [province.id])
    closed = today > due + timedelta(days=request.settings.reports.late_days)  # units that gave nothing answer late
    context = {"period": period, "due": due, "today": today, "closed": closed, "province": names[province.id]}
    context |= {"answered": len(found.answered), "total": len(found.units), "missing": items, "names": names}
    context |= {"page": number, "pages": pages, "first": (number - 1) * request.settings.page_size}
    buttons = page_buttons(number, pages, lambda n: f"/tinhhinhbaocao {period.key} {n}")
    return Reply("report_inputs/status", context, buttons=buttons, edit=bool(rest and request.incoming.callback))


def _require(request: Request, roles: frozenset[Role], command: str) -> None:
    """The roles of the command checked again: another command (a ``/baocao`` open to everyone) may route
    here, and the router checked only its own roles."""
    if request.role not in roles:
        raise UserError("errors/not_allowed", command=command)


async def _owing_unit(request: Request) -> Unit:
    unit = await own_unit(request)
    if unit.kind not in OWING_KINDS or not unit.valid_on(request.clock.today()):
        raise UserError("errors/report_inputs_not_owed", unit=await unit_name(request.session, unit.id))
    return unit


async def _open(request: Request, unit: Unit) -> tuple[ReportPeriod, date]:
    """The period the unit writes for and the last day it may: the one whose report is due next, or, for
    a unit that gave nothing by the due date of the one just closed, that one until [reports].late_days
    after it (the overdue notices ask for them, as an overdue task is still reported done late). A unit
    that answered in time cannot edit after the due date; a late one edits until the late window ends."""
    r = request.settings.reports
    late = late_period(request.clock.today(), r.due_day, r.late_days)
    if late is not None:
        closed_at = datetime.combine(late.due(r.due_day) + timedelta(days=1), time(), tzinfo=request.clock.tz)
        if not await answered_ids(request.session, [unit.id], late.key, before=closed_at):
            return late, late.due(r.due_day) + timedelta(days=r.late_days)
    period = open_period(request.clock.today(), r.due_day)
    return period, period.due(r.due_day)


def _check_named_period(request: Request, period: ReportPeriod, due: date) -> None:
    """``/ykienbaocao quý III 2026``: the period typed must be the one open; an earlier one closed on its
    due date, a later one opens after the current one."""
    named, rest = _named_period([fold(w) for w in request.args])
    typed = " ".join(request.args)[:40]
    if named is None or rest:
        raise UserError("errors/report_inputs_usage", text=typed)
    if named < period:
        due_day = request.settings.reports.due_day
        raise UserError("errors/report_inputs_closed", period=named, due=named.due(due_day))
    if named > period:
        raise UserError("errors/report_inputs_not_open", period=named, open=period, due=due)


def _named_period(words: list[str]) -> tuple[ReportPeriod | None, list[str]]:
    """The reporting period in ``words`` (folded): "quy 1 2026", "6 thang 2026", "quy III/2026",
    "nam 2026", "2026", or a key ("2026-Q3"); and the other words."""
    try:
        found, said, rest = take_period(words)
    except BadPeriod as bad:
        raise UserError("errors/report_inputs_bad_period", text=str(bad)) from None
    if found is not None:
        quarter = found.number * 2 if found.kind == PERIOD_HALF else found.number
        if found.kind not in (PERIOD_QUARTER, PERIOD_HALF) or (found.kind == PERIOD_HALF and quarter == 4):
            raise UserError("errors/report_inputs_bad_period", text=said)
        return ReportPeriod(found.year, quarter), rest
    for i, word in enumerate(words):
        keyed = ReportPeriod.from_key(word)
        if keyed is not None and 2000 <= keyed.year <= 2100:
            return keyed, [w for w in words[:i] + words[i + 1 :] if w != "nam"]  # "năm 2026"
    return None, words


def _text_after_word(request: Request) -> str:
    """What was typed after the item word, as typed (line breaks and diacritics kept). The arguments are
    the message's last words, whatever came before them (``/ykienbaocao`` or a ``/baocao nhap`` routed
    here); words said as an intent arrive folded and are taken as they are."""
    typed = (request.incoming.callback or request.incoming.text).strip()
    tokens, args = typed.split(), request.args
    at = len(tokens) - len(args)  # where the item word is
    if not args or at < 0 or fold(tokens[at]) != fold(args[0]):
        return " ".join(args[1:])
    parts = typed.split(maxsplit=at + 1)
    return parts[at + 1].strip() if len(parts) == at + 2 else ""


async def _ask(request: Request, unit: Unit, period: ReportPeriod, due: date, item: str) -> Reply:
    data = {"unit_id": unit.id, "period": period.key, "due": due.isoformat()}
    await start_flow(request, FLOW, item, data)
    saved = {row.item: row.text for row in await inputs_of(request.session, [unit.id], period.key)}
    keep = Button("report_inputs.keep" if item in saved else "report_inputs.skip", "/ykienbaocao giunguyen")
    return Reply(
        "report_inputs/ask",
        {
            "item": item,
            "number": ITEMS.index(item) + 1,
            "saved": saved.get(item),
            "period": period,
            "due": due,
            "unit": await unit_name(request.session, unit.id),
            "limit": request.settings.reports.max_chars,
        },
        buttons=[[keep, Button("report_inputs.done", "/ykienbaocao xong")]],
    )


async def _button(request: Request, word: str) -> Reply:
    state = request.state
    if state is None or state.flow != FLOW:
        raise UserError("errors/report_inputs_expired")
    if word == "xong":
        return await _finish(request)
    return await _next(request)


async def _flow_target(request: Request) -> tuple[Unit, ReportPeriod, date]:
    """The unit and period of the form in progress; the form ends when the period closed meanwhile."""
    assert request.state is not None
    data = request.state.data
    period = ReportPeriod.from_key(str(data.get("period", "")))
    unit = await _owing_unit(request)
    if period is None or data.get("unit_id") != unit.id:  # moved to another unit since the form began
        await end_flow(request)
        raise UserError("errors/report_inputs_expired")
    due = date.fromisoformat(str(data["due"]))
    if request.clock.today() > due:  # closed meanwhile, unless this unit may still write it late
        now_open, late_due = await _open(request, unit)
        if now_open != period:
            await end_flow(request)
            raise UserError("errors/report_inputs_closed", period=period, due=due)
        due = late_due
    return unit, period, due


async def _next(request: Request) -> Reply:
    """The item after the one asked, or the summary after the last."""
    assert request.state is not None
    unit, period, due = await _flow_target(request)
    step = request.state.step
    following = ITEMS.index(step) + 1 if step in ITEMS else len(ITEMS)
    if following >= len(ITEMS):
        return await _finish(request)
    return await _ask(request, unit, period, due, ITEMS[following])


async def _save(
    request: Request, unit: Unit, period: ReportPeriod, due: date, item: str, text: str, *, guided: bool
) -> Reply:
    assert request.official is not None
    limit = request.settings.reports.max_chars
    if not text:
        raise UserError("errors/report_inputs_empty")  # a photo or a file sent as the answer
    if len(text) > limit:
        raise UserError("errors/report_inputs_too_long", start=text[:40], length=len(text), limit=limit)
    await save_input(
        request.session, unit.id, period.key, item, text, by_id=request.official.id, now=request.clock.now()
    )
    if guided:
        return await _next(request)
    return await _summary(request, unit, period, due, changed=item)


async def _finish(request: Request) -> Reply:
    unit, period, due = await _flow_target(request)
    await end_flow(request)
    return await _summary(request, unit, period, due, changed=None)


async def _summary(request: Request, unit: Unit, period: ReportPeriod, due: date, changed: str | None) -> Reply:
    saved = {row.item: row.text for row in await inputs_of(request.session, [unit.id], period.key)}
    return Reply(
        "report_inputs/saved",
        {
            "items": ITEMS,
            "saved": saved,
            "changed": changed,
            "period": period,
            "due": due,
            "unit": await unit_name(request.session, unit.id),
        },
    )


__all__ = ["answer", "commands", "status"]
