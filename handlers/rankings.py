"""/xephang: an index's whole published table for a year or a period, the asker's unit highlighted with
the units just above and below it and the gaps; ``… xlsx`` sends the same table as an Excel file.

Argument forms: ``/xephang par`` (the latest year), ``/xephang par 2023``, ``/xephang cchc 2023 so``
(a level: ``tinh``, ``so``, ``xa``, ``huyen``), ``… trang 2``; an index published by period: ``/xephang
766`` (its latest month), ``/xephang 766 t10/2026``, ``quy III 2026``, ``6 thang 2026``, ``2026`` (the
year's table; handlers/periods.py reads the forms); ``/xephang 766 xlsx`` (or ``excel``). National indices
rank the provinces stored; the province's internal index ranks its communes or departments (a commune
sees communes, a department departments; a leader chooses, communes by default). Rankings are public
like /diem; an internal table is only ever the asker's own province's (``Level.within``).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.access import history_of, own_unit
from handlers.base import Button, Commands, Reply, Request, UserError, is_number
from handlers.pages import page_buttons, page_of
from handlers.periods import BadPeriod, take_period
from models import Unit
from models.indices import PERIOD_YEAR, PERIODS, Period
from models.naming import DISTRICT_LEVEL, LOCAL, PROVINCIAL_BODIES
from models.queries.rankings import Level, Row, Table, latest_period, ranking_levels, ranking_periods, ranking_table
from models.queries.scores import IndexInfo, find_index, list_indices, province_of
from models.queries.units import unit_names
from models.text import fold

commands = Commands()

ROWS_PER_PAGE = 20  # a table's page: a third of the provinces, a readable screen on a phone
LEVEL_WORDS = {
    "tinh": "provinces",
    "provinces": "provinces",
    "xa": "communes",
    "phuong": "communes",
    "communes": "communes",
    "so": "departments",
    "nganh": "departments",
    "departments": "departments",
    "huyen": "districts",
    "districts": "districts",
}
SHORT = {"provinces": "tinh", "communes": "xa", "departments": "so", "districts": "huyen"}
FILE_WORDS = ("xlsx", "excel")


@dataclass
class Ask:
    index: IndexInfo
    year: int | None = None
    level: str | None = None  # a key of models.queries.rankings.LEVELS, typed
    page: int = 1
    paging: bool = False
    period: Period | None = None  # a month, quarter or half typed ("t10/2026")
    typed: str = ""  # how it was typed, for a refusal
    file: bool = False  # "xlsx": the table as an Excel file

    def command_line(self, period: Period | None, level: str, page: int | None = None) -> str:
        """The command that shows this table (on ``page``): what a button sends; without a period, the
        level's latest."""
        words = ["/xephang", self.index.code.lower(), period.token if period else "", SHORT[level]]
        words += [f"trang {page}"] if page is not None else []
        return " ".join(word for word in words if word)


@dataclass(frozen=True)
class Head:
    """A marked unit's place: its row, the units just above and below it, and whether it is one of the
    units the asker's was formed from (a commune of 2024 in the table of a commune of 2026)."""

    row: Row
    above: list[Row]
    below: list[Row]
    earlier: bool = False


async def parse(request: Request) -> Ask:
    words = [fold(word) for word in request.args]
    codes = [info.code for info in await list_indices(request.session)]
    if not words:
        raise UserError("errors/rankings_usage", codes=codes)
    index = await find_index(request.session, words[0])
    if index is None:
        raise UserError("errors/rankings_unknown_index", text=request.args[0], codes=codes)
    ask = Ask(index)
    try:
        ask.period, ask.typed, rest = take_period(words[1:])
    except BadPeriod as bad:
        raise UserError("errors/rankings_bad_period", text=_as_typed(request.args, str(bad)), index=index) from None
    ask.typed = _as_typed(request.args, ask.typed)
    for i, word in enumerate(rest):
        before = rest[i - 1] if i else ""
        if word in ("trang", "page", "index"):
            continue
        if before in ("trang", "page"):
            if not is_number(word):
                raise UserError("errors/bad_number", text=_typed(request.args, word), command="xephang")
            ask.page, ask.paging = max(1, int(word)), True
        elif is_number(word) and 1900 <= int(word) <= 2999:
            ask.year, ask.typed = int(word), word
        elif word in LEVEL_WORDS:
            ask.level = LEVEL_WORDS[word]
        elif word in FILE_WORDS:
            ask.file = True
        else:
            raise UserError("errors/rankings_bad_word", text=_typed(request.args, word), index=index)
    return ask


def _as_typed(args: list[str], folded: str) -> str:
    """The words after the index code that read as ``folded``, as the user typed them ("quý III/2026"); a
    word folded to another length (rare) leaves the folded text."""
    typed = " ".join(args[1:])
    at = fold(typed).find(folded) if folded else -1
    return typed[at : at + len(folded)] if at >= 0 and len(fold(typed)) == len(typed) else folded


def _typed(args: list[str], folded: str) -> str:
    """The word as the user typed it (with its diacritics), for quoting back."""
    return next((arg for arg in args if fold(arg) == folded), folded)


def _period(ask: Ask, periods: list[Period], level: str) -> Period:
    """The period asked for (a year typed: that year's table), else the latest; a period without a table
    is refused with the periods there are (a yearly index: the years, as before)."""
    if ask.period is None and ask.year is None:
        return latest_period(periods)
    wanted = ask.period or Period(ask.year or 0)
    if wanted in periods:
        return wanted
    if all(p.kind == PERIOD_YEAR for p in periods):
        years = [p.year for p in periods]
        raise UserError("errors/rankings_no_year", index=ask.index, year=wanted.year, years=years, level=level)
    near = [p for p in periods if p.year == wanted.year] or periods
    raise UserError("errors/rankings_no_period", index=ask.index, typed=ask.typed, periods=near[:12], level=level)


def _examples(period: Period, periods: list[Period]) -> list[Period]:
    """Other tables to type: the one before of the same kind, and the latest of each other kind."""
    shown = [p for p in periods if p.kind == period.kind and p.key < period.key][:1]
    for kind in PERIODS:
        shown += [p for p in periods if p.kind == kind and kind != period.kind][:1]
    return shown


def _by_period(periods: list[Period]) -> bool:
    """An index published by period (its tables turn ◀/▶ through the periods; a yearly one's do not)."""
    return any(p.kind != PERIOD_YEAR for p in periods)


def _neighbour_periods(period: Period, periods: list[Period]) -> tuple[Period | None, Period | None]:
    """The periods of the same kind just before and just after ``period`` (``periods`` newest first)."""
    same = [p for p in periods if p.kind == period.kind]
    at = same.index(period)
    return (same[at + 1] if at + 1 < len(same) else None), (same[at - 1] if at > 0 else None)


def _own_level(unit: Unit) -> str:
    if unit.kind in LOCAL:
        return "communes"
    if unit.kind in PROVINCIAL_BODIES:
        return "departments"
    if unit.kind in DISTRICT_LEVEL:
        return "districts"
    return "provinces"


def _level(ask: Ask, own: Unit, levels: list[str]) -> str:
    """The level typed, else the asker's own kind where the index ranks it, else the provinces, else
    the communes (a leader's default), else whatever there is."""
    if ask.level is not None:
        if ask.level not in levels:
            raise UserError("errors/rankings_no_level", index=ask.index, level=ask.level, levels=levels)
        return ask.level
    for choice in (_own_level(own), "provinces", "communes"):
        if choice in levels:
            return choice
    return levels[0]


@commands.command("xephang", in_groups=True, aliases=("rankings", "ranking"), intents=("xep hang", "bang xep hang"))
async def rankings(request: Request) -> Reply:
    """The table a ranking review meeting reads: every unit with its score and published rank ("đồng
    hạng" for ties, "không xếp hạng" last), the asker's unit in bold with the units just above and below
    and the gaps in points, ◀/▶ pages (edited in place on Telegram), the other levels as buttons, and
    the "📊" chart of the whole table (bars, the unit's own coloured)."""
    ask = await parse(request)
    own = await own_unit(request)
    province = await province_of(request.session, own)
    levels = await ranking_levels(request.session, ask.index, province)
    if not levels:
        raise UserError("errors/rankings_no_data", index=ask.index)
    level = _level(ask, own, levels)
    where = Level(level, None if level == "provinces" else province)
    periods = await ranking_periods(request.session, ask.index, where)
    period = _period(ask, periods, level)
    mine = province if level == "provinces" else own
    when: int | str = period.year if period.kind == PERIOD_YEAR else period.token  # a year stays a number
    spec = {"index": ask.index.code, "year": when, "level": level}
    if ask.file:
        document = {"kind": "ranking_xlsx", **spec, "unit_id": mine.id}
        return Reply("rankings/file", {"index": ask.index, "period": period, "level": level}, document=document)
    table = await ranking_table(request.session, ask.index, period, where)
    heads = await _heads(request, table, mine)
    page, pages, rows = page_of(table.rows, ask.page, ROWS_PER_PAGE)
    start = (page - 1) * ROWS_PER_PAGE
    wanted = {row.unit_id for head in heads for row in [head.row, *head.above, *head.below]}
    names = await unit_names(request.session, wanted | {row.unit_id for row in rows})
    buttons = page_buttons(page, pages, lambda p: ask.command_line(period, level, p))
    earlier, later = _neighbour_periods(period, periods) if _by_period(periods) else (None, None)
    turns = [Button("rankings.earlier", ask.command_line(earlier, level), {"period": earlier})] if earlier else []
    turns += [Button("rankings.later", ask.command_line(later, level), {"period": later})] if later else []
    others = [
        Button("rankings.level", ask.command_line(None, other), {"level": other}) for other in levels if other != level
    ]
    return Reply(
        "rankings/table",
        {
            "table": table,
            "rows": list(enumerate(rows, start=start + 1)),
            "names": names,
            "heads": heads,
            "marked": [head.row.unit_id for head in heads],
            "ranked": sum(1 for row in table.rows if row.rank is not None),
            "page": page,
            "pages": pages,
            "years": [p.year for p in periods if p.kind == PERIOD_YEAR],
            "periods": periods,
            "examples": _examples(period, periods) if _by_period(periods) else [],
        },
        buttons=buttons + ([turns] if turns else []) + ([others] if others else []),
        edit=ask.paging or (ask.period is not None and ask.typed == ask.period.token),  # a ◀/▶ button
        chart={"kind": "ranking_table", **spec, "unit_id": heads[0].row.unit_id if heads else mine.id},
    )


async def _heads(request: Request, table: Table, mine: Unit) -> list[Head]:
    """The asker's unit in the table; when it is not there, the units it was formed from that are (the
    communes merged on 1/7/2025 in a table of 2024), as many as there are."""
    found = [(mine.id, False)] if table.position(mine.id) is not None else []
    if not found:
        earlier = await history_of(request, mine)
        found = [(unit.id, True) for unit in earlier if table.position(unit.id) is not None]
    heads = []
    for unit_id, earlier_one in found:
        at = table.position(unit_id)
        assert at is not None
        heads.append(Head(table.rows[at], table.above(unit_id), table.below(unit_id), earlier_one))
    return heads


__all__ = ["commands"]
