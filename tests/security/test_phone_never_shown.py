"""A number is never shown to other officials (issue 21 point 4): in the access matrix's world, with a
mobile number on every official, every command of the matrix (the officials' lists /canbo, leave and
stand-ins, the audit log, tasks, reports, summaries, invites, the dashboard's links ...) is asked by every
actor about every unit, each answer rendered in Vietnamese and English as the chat would show it: no answer
holds five digits in a row of anyone's number. An admin of the province reads at most "0912***678"."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import Incoming
from models import Official
from models.phones import digit_runs
from tests.security.test_access_matrix import ACTORS, CELLS, POLICY, _fill, build


async def test_no_answer_to_anyone_holds_an_officials_number(sessions: async_sessionmaker[AsyncSession]) -> None:
    world = await build(sessions)
    async with sessions() as session, session.begin():
        ids = list((await session.scalars(select(Official.id))).all())
        for n, official_id in enumerate(ids):
            await session.execute(update(Official).where(Official.id == official_id).values(phone=f"8497786{n:04d}"))
    runs = {run for n in range(len(ids)) for run in digit_runs(f"8497786{n:04d}")}
    renderer = Renderer()
    leaks: list[str] = []
    masked_seen = False
    for name, actor, relation in CELLS:
        target = ACTORS[actor][2].get(relation) if relation else None
        text = _fill(world, POLICY[name], target, actor, relation)
        _, replies = await world.router.handle(Incoming("console", actor, actor, text))
        for reply in replies:
            for lang in ("vi", "en"):
                shown = renderer.render(lang, reply).replace(" ", "").replace(".", "")
                masked_seen = masked_seen or "0977***" in shown
                if found := sorted(run for run in runs if run in shown):
                    leaks.append(f"{text!r} by {actor} ({lang}): {found[:3]}")
    assert not leaks, "\n".join(leaks)
    assert masked_seen  # /canbo shows the province's admins that a number is held, masked
