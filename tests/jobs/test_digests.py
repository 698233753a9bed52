"""The weekly digests: unit heads get their unit's open tasks and what is due next; leaders the province."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.digests import leader_digest_pushes, unit_digest_pushes, week_of
from models import Official
from tests.jobs.conftest import NOW, SETTINGS, World


async def test_unit_heads_get_their_units_open_tasks_and_the_next_due(session: AsyncSession, world: World) -> None:
    pushes = {p.official_id: p for p in await unit_digest_pushes(session, NOW, SETTINGS)}
    assert set(pushes) == world.who("msh", "hl")  # officers get no digest
    msh = pushes[world.people["msh"]]
    assert msh.dedupe_key == f"digest:unit {world.units['MS']}:2024-W22:official {world.people['msh']}"
    assert msh.kind == "digest_unit"
    ctx = msh.context
    assert (ctx["open"], ctx["overdue"]) == (6, 1)
    assert [t["number"] for t in ctx["next"]] == [4, 2, 8]  # earliest due first, at most 3
    assert ctx["next_count"] == 4 and ctx["window"] == 30


async def test_leaders_get_the_provinces_sentence_and_most_overdue_units(session: AsyncSession, world: World) -> None:
    pushes = list(await leader_digest_pushes(session, NOW, SETTINGS))
    assert [p.official_id for p in pushes] == [world.people["leader"]]
    ctx = pushes[0].context
    assert pushes[0].dedupe_key == f"digest:province {world.units['LS']}:2024-W22:official {world.people['leader']}"
    assert ctx["province"]["name"] == "Tỉnh Lạng Sơn"
    assert ctx["plan"]["year"] == 2024 and ctx["plan"]["tasks"] == 9
    counts = ctx["plan"]["counts"]
    assert (counts["overdue"], counts["done_on_time"]) == (2, 1)
    assert ctx["moved"] == {"since": "2024-05-25", "completed": 0, "newly_overdue": 2, "reports": 0}
    assert {u["unit"]["code"]: u["count"] for u in ctx["overdue_units"]} == {"MS": 1, "YT": 1}


async def test_digests_are_optional(session: AsyncSession, world: World) -> None:
    for key in ("msh", "leader"):
        official = await session.get(Official, world.people[key])
        assert official is not None
        official.push_opt_out = True
    await session.flush()
    assert [p.official_id for p in await unit_digest_pushes(session, NOW, SETTINGS)] == [world.people["hl"]]
    assert list(await leader_digest_pushes(session, NOW, SETTINGS)) == []


def test_weeks_are_iso_weeks() -> None:
    assert week_of(NOW.date()) == "2024-W22"
