"""Drives: which one a unit sees, and standings from each participant's latest measurement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import UnitKind
from models.queries.drives import current_drive, drive_board, participants_within
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
    inside = await participants_within(session, drive, ls.district)
    assert inside == {ls.district.id, ls.commune.id, ls.commune.id + 1}


async def test_the_database_scores_exactly_like_the_rule(session: AsyncSession) -> None:
    """``current_ranking`` scores in SQL over scaled integers; ``drive_board`` with ``rules.criterion_points``
    in Python. Awkward values (a third, halves to round, over and under the target, negative, a zero
    target, a weight with four decimals) give the same points to the hundredth on both."""
    from random import Random

    from models.queries.drives import current_ranking

    root = await f.unit(session, "P", UnitKind.PROVINCE)
    units = [await f.unit(session, f"C{i}", UnitKind.COMMUNE, parent=root) for i in range(12)]
    criteria = [
        ("a third", "33.3333", "3"),
        ("halves", "12.5", "8"),
        ("zero target", "7.125", "0"),
        ("big", "20", "1800"),
        ("fine weight", "0.0150", "7"),
    ]
    drive = await f.drive(session, "X", date(2024, 1, 1), date(2024, 12, 31), units, criteria, organiser=root)
    rng = Random(7)
    values = ["-1", "0", "0.0001", "1", "2.5", "3", "4", "7.9999", "8", "99.5", "1799.9999", "1800", "2500"]
    for unit in units:
        for number in range(1, len(criteria) + 1):
            if rng.random() < 0.9:  # now and then never measured
                await f.measurement(session, drive, unit, number, date(2024, 3, 1), rng.choice(values))
                await f.measurement(session, drive, unit, number, date(2024, 2, 1), rng.choice(values))
    await session.flush()
    day = date(2024, 6, 1)
    ranking = await current_ranking(session, root, day, organised=True)
    board = await drive_board(session, (await current_drive(session, root, day, organised=True)), day)  # type: ignore[arg-type]
    assert ranking is not None and ranking.drive.code == "X"
    assert [(s.unit_id, s.points, s.rank) for s in ranking.standings] == [
        (s.unit_id, s.points, s.rank) for s in board.standings
    ]
    assert len({s.points for s in ranking.standings}) > 3  # the values really differ
