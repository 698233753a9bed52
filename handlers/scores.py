"""/diem: published index results (PAR INDEX, SIPAS, PAPI, PCI, DTI, the internal CCHC index).

Argument forms: ``/diem`` (the latest year of each index), ``/diem 2023`` (each index in 2023),
``/diem par [năm] [đơn vị]`` (one index's year with its fields and the fields that fell most),
``/diem <đơn vị>``. Rankings are public to every registered official, so any unit may be named.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.access import own_unit, sees_everything
from handlers.base import Button, Reply, Request, UserError, command, is_number
from models import Unit
from models.queries.scores import (
    IndexInfo,
    find_index,
    find_ranked_unit,
    index_detail,
    latest_results,
    list_indices,
    province_of,
    result_years,
)
from models.queries.units import UnitName, unit_name
from models.text import fold


@dataclass(frozen=True)
class Ask:
    index: IndexInfo | None = None
    year: int | None = None
    unit: Unit | None = None  # named in the message; None: the asking official's default


def as_year(word: str) -> int | None:
    return int(word) if is_number(word) and 1900 <= int(word) <= 2999 else None


async def parse(request: Request, province: Unit) -> Ask:
    """``[index code] [year] [unit code or name]``, each part optional, in that order."""
    words = list(request.args)
    index = await find_index(request.session, words[0]) if words else None
    if index is not None:
        words = words[1:]
        if words and fold(words[0]) == "index":  # "/diem par index 2023"
            words = words[1:]
    year = as_year(words[0]) if words else None
    if year is not None:
        words = words[1:]
    if not words:
        return Ask(index, year)
    text = " ".join(words)
    unit = await find_ranked_unit(request.session, text, province)
    if unit is not None:
        return Ask(index, year, unit)
    if index is None and year is None:
        codes = [i.code for i in await list_indices(request.session)]
        raise UserError("errors/scores_unknown_index", text=words[0], codes=codes)
    raise UserError("errors/scores_unknown_unit", text=text)


@command("diem", aliases=("scores", "chiso"), intents=("diem", "diem so", "chi so", "ket qua chi so"))
async def scores(request: Request) -> Reply:
    """The unit's latest result in each index: score, rank "47/63", change in places and points, group
    and note, unknown values as "chưa có số liệu". Leaders, admins and officials of the province's own
    office see the province's results; a department, district or commune sees its internal CCHC index.
    With an index code: that index's year in detail, its fields and the fields that fell most."""
    assert request.official is not None
    own = await own_unit(request)
    province = await province_of(request.session, own)
    ask = await parse(request, province)
    default = province if sees_everything(request.official) or own.id == province.id else own
    subject = ask.unit or default
    if ask.index is None:
        fallback = province if ask.unit is None and subject.id != province.id else None
        return await _overview(request, subject, ask.year, named=ask.unit is not None, fallback=fallback)
    detail = await index_detail(request.session, ask.index, subject.id, ask.year)
    if detail is None and ask.unit is None and subject.id != province.id:
        subject = province  # a department asking for PAR INDEX means the province's
        detail = await index_detail(request.session, ask.index, subject.id, ask.year)
    name = await unit_name(request.session, subject.id)
    if detail is None:
        years = await result_years(request.session, subject.id, ask.index.id)
        raise UserError("errors/scores_no_year", index=ask.index, year=ask.year, years=years, unit=name)
    return Reply(
        "scores/detail",
        {"detail": detail, "unit": name},
        chart={"kind": "index_history", "index": ask.index.code, "unit_id": subject.id},
    )


async def _overview(
    request: Request, subject: Unit, year: int | None, *, named: bool, fallback: Unit | None = None
) -> Reply:
    """The latest year of each index; a unit with no results of its own is shown the province's."""
    lines = await latest_results(request.session, subject.id, year)
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
        },
        buttons=[buttons[i : i + 3] for i in range(0, len(buttons), 3)],
    )
