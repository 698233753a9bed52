"""/baocao: the periodic CCHC report of a unit as two files (the .docx draft and its .xlsx appendix), and
the sub-words that reach the units' inputs.

Forms: ``/baocao [quý 1|6 tháng|quý 3|năm] [2026]`` for the asker's own unit (leaders and the secretariat:
their province); ``/baocao [period] <unit>`` for any unit the asker may see (handlers/access.py). Without a
period: the one whose report is due next (``models.report_inputs.open_period``); without a year: this one;
a bare year: the annual report. ``/baocao nhap …`` is ``/ykienbaocao …``; ``/baocao tinhhinh [period]`` is
``/tinhhinhbaocao``. ``/baocao 12 80 …`` (a task number, then a percent) is ``/capnhat 12 80 …``: /baocao
was /capnhat's alias, and what people typed then still works.

The files are built by the channel (``bot/exports.py``, kind "report"); the text says what they hold.
"""

from __future__ import annotations

import dataclasses
import re

from handlers import progress, report_inputs
from handlers.access import own_unit, require_visible, sees_everything
from handlers.base import Commands, Reply, Request, UserError, is_number
from models import Unit
from models.queries.report import ReportPeriod, UnitInput, report_data, report_period
from models.queries.report_inputs import answered_ids, inputs_for_report
from models.queries.scores import province_of
from models.queries.units import find_unit
from models.report_inputs import open_period
from models.text import fold

commands = Commands()

_PERIOD = re.compile(r"^(?:(?:quy|q) ?(iv|i{1,3}|[1-4])|(6 thang)(?: dau nam)?|(ca nam|nam))(?: ?/ ?| |$)")
_YEAR = re.compile(r"^(?:nam )?(\d{4})(?: |$)")
_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
SUB_WORDS = {"nhap": report_inputs.answer, "tinhhinh": report_inputs.status}


@commands.command(
    "baocao", aliases=("report",), intents={"bao cao quy": ["quy"], "bao cao cchc": [], "bao cao dinh ky": []}
)
async def report(request: Request) -> Reply | list[Reply]:
    """The report's files with a line on what they hold, or the command a sub-word or a task number names."""
    word = fold(request.args[0]) if request.args else ""
    if word in SUB_WORDS:
        return await SUB_WORDS[word](_without_first(request))
    text = " ".join(fold(a) for a in request.args)
    if is_number(word) and len(word) < 4 and _PERIOD.match(text) is None:  # "/baocao 12 80": task 12's progress
        return await progress.update_progress(request)
    period, unit = await _target(request, text)
    return await _files(request, unit, period)


async def _target(request: Request, text: str) -> tuple[ReportPeriod, Unit]:
    """The period and the unit the words name. A unit whose name starts with a period's word ("Năm Căn",
    "Quý Sơn") is the unit when the words read as a period leave a rest that names no unit: the whole text
    names it, for the period due next."""
    try:
        period, rest = _period(request, text)
        return period, await _unit(request, rest)
    except UserError:
        if not text or (named := await find_unit(request.session, text)) is None:
            raise
    return _period(request, "")[0], await require_visible(request, named.id)


def _without_first(request: Request) -> Request:
    return dataclasses.replace(request, args=request.args[1:])


def _period(request: Request, text: str) -> tuple[ReportPeriod, str]:
    """The period the words start with (the open one when they name none) and the words left."""
    typed = text
    found = _PERIOD.match(text)
    letter = ""
    if found is not None:
        quarter = _QUARTER.get(found[1] or "") or int(found[1] or 0)
        letter = f"Q{quarter}" if quarter else ("H1" if found[2] else "Q4")
        text = text[found.end() :].strip()
    year = _YEAR.match(text)
    if year is not None:
        text = text[year.end() :].strip()
    if found is None and year is None:
        due_day = request.settings.reports.due_day
        period = report_period(open_period(request.clock.today(), due_day).key)
    else:
        number = int(year[1]) if year is not None else request.clock.today().year
        period = report_period(f"{number}-{letter}" if letter else str(number))
    if period is None:
        raise UserError("errors/report_bad_period", text=typed[:40])
    return period, text


async def _unit(request: Request, text: str) -> Unit:
    """The unit named by ``text`` (the asker must see it), or by default the asker's own unit (a leader's:
    the province)."""
    own = await own_unit(request)
    if not text:
        assert request.official is not None
        return await province_of(request.session, own) if sees_everything(request.official) else own
    named = await find_unit(request.session, text)
    if named is None:  # a second period ("quý 3 năm 2025 quý 4") or a unit that does not exist
        raise UserError("errors/report_bad_period", text=text[:40])
    return await require_visible(request, named.id)


async def _files(request: Request, unit: Unit, period: ReportPeriod) -> Reply:
    province = await province_of(request.session, unit)
    is_province = province.id == unit.id
    owing, rows = await inputs_for_report(request.session, unit, province, period.token, period.end)
    inputs = [UnitInput(r.unit_id, r.item, r.text) for r in rows]
    data = await report_data(request.session, unit, period, inputs=inputs, tz=request.clock.tz)
    context = {"r": data, "owing": len(owing), "given": len(await answered_ids(request.session, owing, period.token))}
    context |= {"items": len(rows), "is_province": is_province}
    document = {"kind": "report", "unit_id": unit.id, "period": period.token}
    return Reply("report/files", context, document=document)


__all__ = ["commands", "report"]
