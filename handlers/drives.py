"""/thidua: the competition drive the official's unit is in, and its leaderboard.

Argument forms: ``/thidua`` (the unit's place, points, gap to the leader, criteria), ``/thidua bxh [trang]``
(also ``bangxephang``, ``top``: the leaderboard, ten a page, with the unit's own place).
"""

from __future__ import annotations

from handlers.access import own_unit, sees_everything
from handlers.base import Button, Commands, Reply, Request, UserError, is_number
from handlers.pages import page_of
from models import Unit
from models.queries.drives import Ranking, current_ranking, participants_within, unit_criteria
from models.queries.scores import province_of
from models.queries.units import unit_names
from models.text import fold

commands = Commands()

BOARD_WORDS = frozenset({"bxh", "bangxephang", "top", "leaderboard"})
PODIUM = 3
SHOWN_WITHIN = 10


@commands.command(
    "thidua",
    in_groups=True,
    aliases=("drive", "thiduadua"),
    intents={"bang xep hang$": ["bxh"], "bang xep hang thi dua": ["bxh"], "thi dua": []},
)
async def drive(request: Request) -> Reply:
    """The current drive: title, dates and "còn N ngày" (or "đã kết thúc"), the unit's rank x/N, points
    and gap to the leader, each criterion with its weight and the unit's latest value against the target;
    units of the official's subtree that take part; the top three. ``bxh``: the leaderboard."""
    assert request.official is not None
    words = fold(" ".join(request.args)).replace("bang xep hang", "bxh").split()
    page = next((int(w) for w in words if is_number(w)), None)
    own = await own_unit(request)
    leader = sees_everything(request.official)
    scope = await province_of(request.session, own) if leader else own
    today = request.clock.today()
    board = await current_ranking(request.session, scope, today, organised=leader)
    if board is None:
        raise UserError("errors/drive_none")
    found = board.drive
    chart = {"kind": "drive_leaderboard", "drive_id": found.id}
    if BOARD_WORDS.intersection(words) or page is not None:
        return await _leaderboard(request, board, own, page, chart)
    me = board.standing_of(own.id)
    within: set[int] = set()
    if not leader:
        within = await participants_within(request.session, found, own) - {own.id}
    others = [s for s in board.standings if s.unit_id in within][:SHOWN_WITHIN]
    top = board.standings[:PODIUM]
    bottom = board.standings[max(PODIUM, len(board.standings) - PODIUM) :] if leader else []
    shown = [*top, *bottom, *others, *([me] if me else [])]
    return Reply(
        "drives/current",
        {
            "drive": found,
            "today": today,
            "total": len(board.standings),
            "me": me,
            "criteria": await unit_criteria(request.session, found, own.id, today) if me else [],
            "within": others,
            "top": top,
            "bottom": bottom,
            "names": await unit_names(request.session, {s.unit_id for s in shown} | {own.id}),
            "own_id": own.id,
        },
        buttons=[[Button("drives.leaderboard", "/thidua bxh")]],
        chart=chart,
    )


async def _leaderboard(
    request: Request, board: Ranking, own: Unit, page: int | None, chart: dict[str, object]
) -> Reply:
    """Ten units a page, ties sharing a rank, the official's unit marked (and added below when on
    another page); buttons turn the page in place."""
    number, pages, items = page_of(board.standings, page or 1, request.settings.page_size)
    me = board.standing_of(own.id)
    names = await unit_names(request.session, {s.unit_id for s in items} | ({me.unit_id} if me else set()))
    row = [Button("common.prev_page", f"/thidua bxh {number - 1}")] if number > 1 else []
    row += [Button("common.next_page", f"/thidua bxh {number + 1}")] if number < pages else []
    return Reply(
        "drives/leaderboard",
        {
            "drive": board.drive,
            "today": request.clock.today(),
            "items": items,
            "me": me,
            "me_shown": me is not None and me in items,
            "names": names,
            "page": number,
            "pages": pages,
            "total": len(board.standings),
        },
        buttons=[row] if row else [],
        chart=dict(chart),
        edit=page is not None,
    )
