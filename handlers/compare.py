"""/sosanh: a unit against its peers (the province's average, the best and the worst of its kind; a
province against every province stored), over the years or periods published, with the components side
by side; or two units side by side.

Argument forms, in any order: an index code (``par``, ``766``, ``cchc``), a year (``2023``) or a period
(``thang 10/2026``, ``10/2026``, ``quy III/2026``), and unit names or codes, two of them separated by
``voi``/``với``/``vs``. ``/sosanh`` alone is the asker's own unit (a leader's: the province) on its
default index: the 766 index for a commune or department that has its results, else the internal CCHC
index; PAR INDEX for a province. Scope (``access``): a province may be named by anyone (national indices
are public); any other unit only by who may read it (their own subtree and its predecessors; leaders and
admins their province).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handlers.access import history_of, may_see, own_unit, sees_everything
from handlers.base import Commands, Reply, Request, UserError, is_number
from models import Unit
from models.indices import period_key
from models.lineage import Period, year_period
from models.naming import PROVINCE_LEVEL
from models.queries.compare import PeriodKey, Side, compare, periods_of, pick_period
from models.queries.score_periods import SERVICE_INDEX
from models.queries.scores import IndexInfo, closest_units, find_index, list_indices, province_of, ranked_units
from models.queries.units import unit_names
from models.text import fold

commands = Commands()

SEPARATORS = frozenset({"voi", "vs", "with"})
MONTH = re.compile(r"(\d{1,2})/(\d{4})")
QUARTER = re.compile(r"(i|ii|iii|iv|1|2|3|4)/(\d{4})")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass
class Ask:
    index: IndexInfo | None = None
    year: int | None = None
    period: PeriodKey | None = None
    names: list[list[str]] = field(default_factory=lambda: [[]])  # the words of each unit named, as typed

    @property
    def texts(self) -> list[str]:
        return [" ".join(words) for words in self.names if words]


def _year(word: str) -> int | None:
    return int(word) if is_number(word) and 1900 <= int(word) <= 2999 else None


def _period(word: str, before: str) -> PeriodKey | None:
    """``10/2026`` (a month; after ``thang`` too) or ``III/2026`` after ``quy``; None otherwise."""
    if before == "quy" and (found := QUARTER.fullmatch(word)):
        number = ROMAN.get(found[1]) or int(found[1])
        return int(found[2]), "quarter", number
    if (found := MONTH.fullmatch(word)) and 1 <= int(found[1]) <= 12:
        return int(found[2]), "month", int(found[1])
    return None


async def parse(request: Request) -> Ask:
    ask = Ask()
    words = list(request.args)
    folded = [fold(word) for word in words]
    for i, word in enumerate(folded):
        before, after = folded[i - 1] if i else "", folded[i + 1] if i + 1 < len(folded) else ""
        if word in ("thang", "quy", "nam") and (_period(after, word) or _year(after)):
            continue
        if word == "index" and ask.index is not None:
            continue
        if word in SEPARATORS:
            ask.names.append([])
        elif (period := _period(word, before)) is not None:
            ask.period, ask.year = period, period[0]
        elif (year := _year(word)) is not None:
            ask.year = year
        elif ask.index is None and (index := await find_index(request.session, word)):
            ask.index = index
        else:
            ask.names[-1].append(words[i])
    if len(ask.names) > 2 or any(not words for words in ask.names[1:]) or (len(ask.names) == 2 and not ask.names[0]):
        raise UserError("errors/compare_usage", text=" ".join(words))
    return ask


async def _named(request: Request, text: str, province: Unit, ask: Ask) -> Unit:
    """The unit ``text`` names in the year asked (today without one); refused when the asker may not
    read it; unknown: the resolver's nearest names (or, a lone word, the index codes)."""
    today = request.clock.today()
    period: Period = year_period(ask.year) if ask.year is not None else (today, today)
    units = await ranked_units(request.session, text, province, period)
    if units:
        return units[-1]  # the newer of a code the reform gave twice
    near = await closest_units(request.session, text, period)
    if ask.index is None and " " not in text and not near:
        codes = [info.code for info in await list_indices(request.session)]
        raise UserError("errors/compare_unknown_index", text=text, codes=codes)
    raise UserError("errors/compare_unknown_unit", text=text, near=near)


async def may_compare(request: Request, unit: Unit) -> bool:
    """A province is anyone's to compare (national indices are public); any other unit only the asker's
    own subtree and its predecessors, or a leader's or admin's province (``access``)."""
    assert request.official is not None
    own = await own_unit(request)
    if unit.kind in PROVINCE_LEVEL or may_see(request.official, own, unit):
        return True
    return unit.id in {earlier.id for earlier in await history_of(request, own)}


async def _visible(request: Request, unit: Unit, text: str) -> None:
    if not await may_compare(request, unit):
        raise UserError("errors/compare_not_yours", text=text)


async def _side(request: Request, unit: Unit) -> Side:
    return Side(unit, (unit.id, *(earlier.id for earlier in await history_of(request, unit))))


async def _sides(request: Request, ask: Ask, own: Unit, province: Unit) -> list[Side]:
    """The units compared: those named, else the asker's own (a leader's: the province; a department
    asking about a national index: its province, as /diem answers)."""
    assert request.official is not None
    units = []
    for text in ask.texts:
        unit = await _named(request, text, province, ask)
        await _visible(request, unit, text)
        units.append(unit)
    if units:
        return [await _side(request, unit) for unit in units]
    mine = province if sees_everything(request.official) else own
    side = await _side(request, mine)
    if ask.index is not None and mine.id != province.id and not await periods_of(request.session, ask.index, [side]):
        provincial = await _side(request, province)
        if await periods_of(request.session, ask.index, [provincial]):
            return [provincial]
    return [side]


async def _index(request: Request, ask: Ask, sides: list[Side]) -> IndexInfo:
    """The index typed, else the sides' default: PAR INDEX for provinces, the 766 index where it has
    results, else the internal CCHC index; else the first index with a result of theirs."""
    if ask.index is not None:
        return ask.index
    known = await list_indices(request.session)
    wanted = ["PAR"] if all(side.unit.kind in PROVINCE_LEVEL for side in sides) else [SERVICE_INDEX, "CCHC"]
    ordered = [i for code in wanted for i in known if i.code == code] + [i for i in known if i.code not in wanted]
    for info in ordered:
        if await periods_of(request.session, info, sides):
            return info
    if not ordered:
        raise UserError("errors/compare_usage", text=" ".join(request.args))
    return ordered[0]


@commands.command("sosanh", in_groups=True, aliases=("compare",), intents=("so sanh",))
async def compare_units(request: Request) -> Reply:
    """What a ranking review meeting puts on one page: for each year (or month) the unit's score and rank
    next to the average of its peers (how many), the best and the worst, and the gap; the components of
    the latest period side by side with the peers' average and best, the one furthest below the average
    marked. Two units: side by side with the differences."""
    own = await own_unit(request)
    province = await province_of(request.session, own)
    ask = await parse(request)
    sides = await _sides(request, ask, own, province)
    index = await _index(request, ask, sides)
    each = [await periods_of(request.session, index, [side]) for side in sides]
    periods = sorted(set().union(*each), key=lambda key: period_key(*key), reverse=True)
    names = await unit_names(request.session, [side.unit.id for side in sides])
    missing = [side for side, found in zip(sides, each, strict=True) if not found]
    if missing:
        raise UserError("errors/compare_no_data", index=index, unit=names[missing[0].unit.id], available=[])
    chosen = pick_period(periods, ask.year, ask.period)
    if chosen is None:
        wanted = ask.period or (ask.year, "year", 0)
        unit = names[sides[0].unit.id]
        raise UserError("errors/compare_no_data", index=index, unit=unit, available=periods[:6], wanted=wanted)
    found = await compare(request.session, index, sides, province, chosen, periods)
    if len(sides) == 1 and found.lines[0].spread.count < 2:
        raise UserError("errors/compare_no_peers", index=index, unit=names[sides[0].unit.id], peers=found.peers)
    shown = {m.unit_id for line in found.lines for marks in line.marks for m in marks}
    shown |= {m.unit_id for line in found.lines for m in [*line.spread.best, *line.spread.worst]}
    shown |= {m.unit_id for f in found.fields for m in [*f.spread.best]}
    names |= await unit_names(request.session, shown)
    context = {"found": found, "names": names, "sides": [names[s.unit.id] for s in sides]}
    if len(sides) > 1:
        return Reply("compare/two", context)
    year, period, number = chosen
    chart = {"kind": "compare", "index": index.code, "year": year, "period": period, "number": number}
    return Reply("compare/one", context, chart=chart | {"unit_id": sides[0].unit.id})


__all__ = ["commands", "may_compare"]
