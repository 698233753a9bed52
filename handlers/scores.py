"""/diem: published index results (PAR INDEX, SIPAS, PAPI, PCI, DTI, the internal CCHC index).

Argument forms: ``/diem`` (the latest year of each index), ``/diem 2023`` (each index in 2023),
``/diem par [năm] [đơn vị]`` (one index's year with its fields and the fields that fell most),
``/diem <đơn vị>``, ``/diem 766`` (the 766 service index's latest month, quarter or year: its five groups
against their maxima, rank among the province's units of its kind, change from the previous period, the
series; a commune's ``/diem`` once it has 766 results). Rankings are public to every registered official,
so any unit may be named; a unit named is the one its code or name means in the year asked (today
without one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers.access import history_of, own_unit, sees_everything
from handlers.base import Button, Commands, Reply, Request, UserError, is_number
from models import Unit
from models.enums import UnitKind
from models.lineage import Period, year_period
from models.naming import LOCAL
from models.provinces import find_province
from models.queries.score_periods import SERVICE_INDEX, has_period_results, latest_period
from models.queries.scores import (
    IndexInfo,
    ResultLine,
    closest_units,
    find_index,
    index_detail,
    latest_results,
    list_indices,
    province_of,
    ranked_units,
    result_years,
)
from models.queries.units import UnitName, unit_name, unit_names
from models.text import fold

commands = Commands()

DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
COMMUNE_LEVEL = LOCAL | {UnitKind.SPECIAL_ZONE}  # whose /diem opens on the 766 index once it has results
History = list[tuple[UnitName, list[ResultLine]]]  # each predecessor, as it was named then, with its results


@dataclass(frozen=True)
class Ask:
    index: IndexInfo | None = None
    year: int | None = None
    unit: Unit | None = None  # named in the message; None: the asking official's default


class ChooseUnit(Exception):
    """The unit named means several units on the date asked: the official chooses (``Reply``)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.template)
        self.reply = reply


def as_year(word: str) -> int | None:
    return int(word) if is_number(word) and 1900 <= int(word) <= 2999 else None


def as_day(word: str) -> date | None:
    """A day written dd/mm/yyyy ("30/06/2025"), or None."""
    found = DAY.fullmatch(word)
    if found is None:
        return None
    try:
        return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


async def parse(request: Request, province: Unit) -> Ask:
    """``[index code] [year] [unit code or name]``, each part optional, in that order. A unit is the one
    its code or name means in the year asked (today without a year): "06457" is the old commune in 2024
    and the new one in 2026; when it means two units then, ``ChooseUnit``. A day in place of the year
    ("30/06/2025": that year's results) names the unit of that day."""
    words = list(request.args)
    index = await find_index(request.session, words[0]) if words else None
    if index is not None:
        words = words[1:]
        if words and fold(words[0]) == "index":  # "/diem par index 2023"
            words = words[1:]
    day = as_day(words[0]) if words else None
    year = day.year if day is not None else as_year(words[0]) if words else None
    if year is not None:
        words = words[1:]
    if not words:
        return Ask(index, year)
    text = " ".join(words)
    today = request.clock.today()
    period: Period = (day, day) if day else year_period(year) if year is not None else (today, today)
    units = await ranked_units(request.session, text, province, period)
    if len(units) > 1:
        raise ChooseUnit(await _choice(request, text, units, index, year))
    if units:
        return Ask(index, year, units[0])
    if (entry := find_province(text)) is not None:  # a province of the built-in list, not stored here yet
        raise UserError("errors/scores_province_not_stored", text=text, name=entry.name, code=entry.code)
    near = await closest_units(request.session, text, period)
    if index is None and year is None and len(words) == 1 and not near:
        codes = [i.code for i in await list_indices(request.session)]
        raise UserError("errors/scores_unknown_index", text=words[0], codes=codes)
    raise UserError("errors/scores_unknown_unit", text=text, near=near)


async def _choice(request: Request, text: str, units: list[Unit], index: IndexInfo | None, year: int | None) -> Reply:
    """A numbered choice between the units ``text`` means in ``year``: each button asks again with the
    unit's code; when the reform gave the code to both, with the last day of the year the unit held it
    (a code names one unit on a day)."""
    names = await unit_names(request.session, [unit.id for unit in units])
    choices = [names[unit.id] for unit in units]
    buttons = []
    for unit, choice in zip(units, choices, strict=True):
        when = str(year or "")
        if year is not None and sum(other.code == unit.code for other in units) > 1:
            last = date(year, 12, 31)
            when = f"{min(unit.valid_to or last, last):%d/%m/%Y}"
        words = ("/diem", index.code.lower() if index else "", when, unit.code)
        buttons.append([Button("account.unit_choice", " ".join(w for w in words if w), {"unit": choice})])
    return Reply(
        "account/choose_unit", {"text": text, "choices": choices, "listed": False, "year": year}, buttons=buttons
    )


@commands.command(
    "diem", in_groups=True, aliases=("scores", "chiso"), intents=("diem", "diem so", "chi so", "ket qua chi so")
)
async def scores(request: Request) -> Reply:
    """The unit's latest result in each index: score, rank "47/63", change in places and points, group
    and note, unknown values as "chưa có số liệu". Leaders, admins and officials of the province's own
    office see the province's results; a department, district or commune sees its internal CCHC index.
    With an index code: that index's year in detail, its fields and the fields that fell most.
    A unit formed from others (1/7/2025) is shown its predecessors' results too, under a line that says
    so, each named as it was then."""
    assert request.official is not None
    own = await own_unit(request)
    province = await province_of(request.session, own)
    try:
        ask = await parse(request, province)
    except ChooseUnit as choose:
        return choose.reply
    default = province if sees_everything(request.official) or own.id == province.id else own
    subject = ask.unit or default
    if ask == Ask() and subject.kind in COMMUNE_LEVEL and await has_period_results(request.session, subject.id):
        ask = Ask(await find_index(request.session, SERVICE_INDEX))  # a commune's default view: its 766 month
    if ask.index is not None and ask.index.code == SERVICE_INDEX:
        reply = await _period(request, ask.index, subject, province, ask.year)
        if reply is None and ask.unit is None and subject.id == province.id:
            reply = _units_scored(ask.index)
        if reply is not None:
            return reply
    history = await _history(request, subject, ask.year, ask.index)
    if ask.index is None:
        fallback = province if ask.unit is None and subject.id != province.id else None
        return await _overview(
            request, subject, ask.year, named=ask.unit is not None, fallback=fallback, history=history
        )
    detail = await index_detail(request.session, ask.index, subject.id, ask.year)
    if detail is None and history:
        return await _overview(request, subject, ask.year, named=ask.unit is not None, history=history, index=ask.index)
    if detail is None and ask.unit is None and subject.id != province.id:
        subject = province  # a department asking for PAR INDEX means the province's
        detail = await index_detail(request.session, ask.index, subject.id, ask.year)
    name = await unit_name(request.session, subject.id)
    if detail is None:
        years = await result_years(request.session, subject.id, ask.index.id)
        raise UserError("errors/scores_no_year", index=ask.index, year=ask.year, years=years, unit=name)
    return Reply(
        "scores/detail",
        {"detail": detail, "unit": name, "history": history},
        chart={"kind": "index_history", "index": ask.index.code, "unit_id": subject.id},
    )


async def _period(request: Request, index: IndexInfo, subject: Unit, province: Unit, year: int | None) -> Reply | None:
    """An index published by period (766): the latest period of ``subject`` (in ``year``), its groups, rank
    among the province's units of its kind, change and series; None when the unit has no result of it."""
    detail = await latest_period(request.session, index, subject, province, year)
    if detail is None:
        return None
    codes = [i.code for i in await list_indices(request.session) if i.code != index.code]
    return Reply(
        "scores/period",
        {"detail": detail, "unit": await unit_name(request.session, subject.id), "codes": codes},
        chart={"kind": "index_history", "index": index.code, "unit_id": subject.id},
    )


def _units_scored(index: IndexInfo) -> Reply:
    """A leader's ``/diem 766``: the index scores the province's communes and departments, not the
    province; their table is /xephang's."""
    line = f"/xephang {index.code.lower()}"
    return Reply("scores/units_scored", {"index": index}, buttons=[[Button("scores.rankings", line)]])


async def _history(request: Request, subject: Unit, year: int | None, index: IndexInfo | None) -> History:
    """The results of ``subject``'s predecessors the official may read (``access.history_of``): of
    ``year``, else each one's latest; only ``index``'s when given."""
    found = []
    for earlier in await history_of(request, subject):
        lines = await latest_results(request.session, earlier.id, year)
        lines = [line for line in lines if index is None or line.index.id == index.id]
        if lines:
            found.append((earlier.id, lines))
    names = await unit_names(request.session, [unit_id for unit_id, _ in found]) if found else {}
    return [(names[unit_id], lines) for unit_id, lines in found]


async def _overview(
    request: Request,
    subject: Unit,
    year: int | None,
    *,
    named: bool,
    fallback: Unit | None = None,
    history: History | None = None,
    index: IndexInfo | None = None,
) -> Reply:
    """The latest year of each index (or of ``index``); a unit with no results of its own is shown its
    predecessors' (``history``) and, when it asked about itself, the province's."""
    lines = [
        line
        for line in await latest_results(request.session, subject.id, year)
        if index is None or line.index.id == index.id
    ]
    without: UnitName | None = None
    if not lines and fallback is not None:
        lines = await latest_results(request.session, fallback.id, year)
        if lines:
            without, subject = await unit_name(request.session, subject.id), fallback
    latest = await latest_results(request.session, subject.id) if year is not None and not lines else []
    codes = [i.code for i in await list_indices(request.session)]
    suffix = f" {subject.code}" if named else ""
    buttons = [
        Button(
            "scores.detail",
            f"/diem {line.index.code.lower()} {line.year}{suffix}",
            {"code": line.index.code, "year": line.year},
        )
        for line in lines
    ]
    return Reply(
        "scores/overview",
        {
            "lines": lines,
            "unit": await unit_name(request.session, subject.id),
            "year": year,
            "codes": codes,
            "latest_years": sorted({line.year for line in latest}, reverse=True),
            "without": without,
            "history": history or [],
        },
        buttons=[buttons[i : i + 3] for i in range(0, len(buttons), 3)],
    )
