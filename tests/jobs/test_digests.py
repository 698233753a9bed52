"""The weekly digests: unit heads get their unit's open tasks and what is due next; leaders the province."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
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
    progress = ctx["plan"]["progress"]
    assert (progress["overdue"], progress["done_on_time"], progress["came_due"]) == (2, 1, 3)
    assert progress["rate"] == "33.33"  # 1 done ÷ (1 done + 2 overdue), cut to two decimals
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


def rendered(kind: str, context: dict[str, object], lang: str = "vi") -> str:
    """The push as its official reads it, from the JSON the outbox keeps."""
    return Renderer().render(lang, Reply(f"push/{kind}", json.loads(json.dumps(context))), "text")


async def test_the_digests_say_the_reporting_sentence_as_nhiemvu_says_it(session: AsyncSession, world: World) -> None:
    leader = rendered("digest_leader", next(iter(await leader_digest_pushes(session, NOW, SETTINGS))).context)
    assert "Kế hoạch CCHC năm 2024: 9 nhiệm vụ. 1/3 nhiệm vụ đến hạn đã hoàn thành, đạt 33,33% (đúng hạn: 1," in leader
    assert "UBND xã Minh Sơn, huyện Hữu Lũng: 1 lượt chủ trì" in leader
    english = rendered("digest_leader", next(iter(await leader_digest_pushes(session, NOW, SETTINGS))).context, "en")
    assert "9 tasks. 1/3 tasks that came due are done, 33.33% (on time: 1," in english
    unit = {p.official_id: p for p in await unit_digest_pushes(session, NOW, SETTINGS)}[world.people["msh"]]
    text = rendered("digest_unit", unit.context)
    progress = unit.context["progress"]
    assert f"{progress['done']}/{progress['came_due']} nhiệm vụ đến hạn đã hoàn thành" in text
    assert f"Tổng số {progress['total']} nhiệm vụ. " in text


async def test_both_digests_name_the_tasks_at_risk_one_to_two_weeks_ahead_with_why(
    session: AsyncSession, world: World
) -> None:
    msh = next(p for p in await unit_digest_pushes(session, NOW, SETTINGS) if p.official_id == world.people["msh"])
    # task 1 (due 08/06, 7 days ahead, 0 %, never reported) is warned of; task 2 (due in 3 days) is the
    # deadline reminders' business, not the warning's
    assert [r["task"]["number"] for r in msh.context["risks"]] == [1]
    assert msh.context["risk_count"] == 1 and msh.context["risk_days"] == [7, 14]
    text = Renderer().render("vi", Reply("push/digest_unit", json.loads(json.dumps(msh.context))))
    assert "Có nguy cơ chậm (hạn sau 7–14 ngày nữa):" in text
    assert "Nhiệm vụ số 1: Nhiệm vụ 1 – hạn 08/06/2024: còn 7 ngày, chưa có tiến độ, chưa báo cáo lần nào." in text
    (leader,) = list(await leader_digest_pushes(session, NOW, SETTINGS))
    assert leader.context["risk_count"] == 1  # task 1 once, by its lead unit (Minh Sơn), as the sentence counts
    english = Renderer().render("en", Reply("push/digest_leader", json.loads(json.dumps(leader.context))))
    assert "task 1, due 08/06/2024: 7 days left, no progress yet, never reported" in english
