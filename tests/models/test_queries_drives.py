"""Drives: which one a unit sees, and standings from each participant's latest measurement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import UnitKind
from models.queries.drives import current_drive, drive_board, units_within
from tests import factories as f
from tests.handlers._scores_fixtures import DRIVE_TITLE, TODAY, build


async def test_standings_use_the_latest_measurement_as_of_the_day(session: AsyncSession) -> None:
    ls = await build(session)
    drive = await current_drive(session, ls.commune, TODAY)
    assert drive is not None and drive.title == DRIVE_TITLE
    board = await drive_board(session, drive, TODAY)
    assert [(s.rank, s.points, s.gap_to_leader) for s in board.standings] == [
        (1, Decimal(100), Decimal(0)),
        (2, Decimal(85), Decimal(15)),
        (2, Decimal(85), Decimal(15)),
        (4, Decimal(25), Decimal(75)),
        (5, Decimal(0), Decimal(100)),
    ]
    mine = board.values[ls.commune.id]
    third = board.criteria[2]
    assert (mine[third.id].value, mine[third.id].measured_on, mine[third.id].points) == (
        Decimal(50),
        date(2024, 5, 25),
        Decimal(15),
    )
    later = await drive_board(session, drive, date(2024, 6, 15))
    assert later.standing_of(ls.commune.id) is not None
    assert later.standing_of(ls.commune.id).rank == 1  # type: ignore[union-attr]


async def test_running_drive_first_then_the_latest_one(session: AsyncSession) -> None:
    ls = await build(session)
    assert (await current_drive(session, ls.department, TODAY)).code == "VTVL-2023"  # type: ignore[union-attr]
    mine = await current_drive(session, ls.root, TODAY)  # units below take part in both
    assert mine is not None and mine.code == "MOTCUA-2024"
    organised = await current_drive(session, ls.root, TODAY, organised=True)
    assert organised is not None and organised.code == "MOTCUA-2024"
    before = await current_drive(session, ls.root, date(2023, 1, 15), organised=True)
    assert before is not None and before.code == "VTVL-2023"  # none started yet: the next to start


async def test_another_provinces_drive_is_not_offered(session: AsyncSession) -> None:
    await build(session)
    lone = await f.unit(session, "X", UnitKind.PROVINCE)
    assert await current_drive(session, lone, TODAY, organised=True) is None


async def test_participants_within_a_subtree(session: AsyncSession) -> None:
    ls = await build(session)
    drive = await current_drive(session, ls.district, TODAY)
    assert drive is not None
    board = await drive_board(session, drive, TODAY)
    inside = await units_within(session, [s.unit_id for s in board.standings], ls.district)
    assert inside == {ls.district.id, ls.commune.id, ls.commune.id + 1}
