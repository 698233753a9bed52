"""/xephang: an index's whole published table for a year, the asker's unit highlighted with the units
just above and below it and the gaps.

Argument forms: ``/xephang par`` (the latest year), ``/xephang par 2023``, ``/xephang cchc 2023 so``
(a level: ``tinh``, ``so``, ``xa``, ``huyen``), ``… trang 2``. National indices rank the provinces stored;
the province's internal index ranks its communes or departments (a commune sees communes, a department
departments; a leader chooses, communes by default). Rankings are public like /diem; an internal table
is only ever the asker's own province's (``Level.within``).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.access import history_of, own_unit
from handlers.base import Button, Commands, Reply, Request, UserError, is_number
from handlers.pages import page_buttons, page_of
from models import Unit
from models.naming import DISTRICT_LEVEL, LOCAL, PROVINCIAL_BODIES
from models.queries.rankings import Level, Row, Table, ranking_levels, ranking_table, ranking_years
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


@dataclass
class Ask:
    index: IndexInfo
    year: int | None = None
    level: str | None = None  # a key of models.queries.rankings.LEVELS, typed
    page: int = 1
    paging: bool = False

    def command_line(self, year: int | None, level: str, page: int | None = None) -> str:
        """The command that shows this table (on ``page``): what a button sends; without a year, the
        level's latest."""
        words = ["/xephang", self.index.code.lower(), str(year or ""), SHORT[level]]
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
    rest = words[1:]
    for i, word in enumerate(rest):
        before = rest[i - 1] if i else ""
        if word in ("trang", "page", "index"):
            continue
        if before in ("trang", "page"):
            if not is_number(word):
                raise UserError("errors/bad_number", text=request.args[i + 1], command="xephang")
            ask.page, ask.paging = max(1, int(word)), True
        elif is_number(word) and 1900 <= int(word) <= 2999:
            ask.year = int(word)
        elif word in LEVEL_WORDS:
            ask.level = LEVEL_WORDS[word]
        else:
            raise UserError("errors/rankings_bad_word", text=request.args[i + 1], index=index)
    return ask


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


@commands.command("xephang", in_groups=True, aliases=("rankings", "ranking"), intents=("xep hang",))
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
    years = await ranking_years(request.session, ask.index, where)
    year = ask.year if ask.year is not None else years[0]
    if year not in years:
        raise UserError("errors/rankings_no_year", index=ask.index, year=year, years=years, level=level)
    table = await ranking_table(request.session, ask.index, year, where)
    mine = province if level == "provinces" else own
    heads = await _heads(request, table, mine)
    page, pages, rows = page_of(table.rows, ask.page, ROWS_PER_PAGE)
    start = (page - 1) * ROWS_PER_PAGE
    wanted = {row.unit_id for head in heads for row in [head.row, *head.above, *head.below]}
    names = await unit_names(request.session, wanted | {row.unit_id for row in rows})
    buttons = page_buttons(page, pages, lambda p: ask.command_line(year, level, p))
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
            "years": years,
        },
        buttons=buttons + ([others] if others else []),
        edit=ask.paging,
        chart={
            "kind": "ranking_table",
            "index": ask.index.code,
            "year": year,
            "level": level,
            "unit_id": heads[0].row.unit_id if heads else mine.id,
        },
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
