"""``/moi zns`` in the access matrix's world (issue 21 point 4): every actor, by unit and by an official's
number, aimed at their own unit, one below, a sibling and province Q. Allowed exactly for an admin within
their province (as ``/moi``); a refused one queues nothing, and no answer to anyone holds another
official's number (at most masked, to the admin of the province) or names province Q's official.

The matrix's world is built as ``test_access_matrix.py`` builds it; each target unit gets one more
official, imported-like: not on a chat, with a phone. ZNS is configured with an ``invite`` template."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import Incoming
from handlers.router import Router
from models import FrozenClock, Official, OutboxMessage, Role
from models.phones import digit_runs
from models.settings_oa import ZnsConfig, ZnsTemplate
from tests.security.test_access_matrix import ACTORS, NOW, SEE_PROVINCE, SETTINGS, build

ZNS = ZnsConfig(templates={"invite": ZnsTemplate(template_id="250010", params={"code": "code"})})
PHONES = {"A": "84912000301", "B": "84912000302", "H": "84912000303", "H2": "84912000304", "D": "84912000305",
          "P": "84912000306", "QA": "84912000399"}  # fmt: skip


async def _queued(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "invite")) or 0)  # fmt: skip


async def test_moi_zns_only_for_an_admin_within_the_province_and_no_number_shown(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await build(sessions)
    listed: dict[str, int] = {}
    async with sessions() as session:
        for code, phone in PHONES.items():
            person = Official(full_name=f"Người trong danh sách {code}", role=Role.OFFICER,
                              unit_id=world.units[code].id, phone=phone, created_at=NOW)  # fmt: skip
            session.add(person)
            await session.flush()
            listed[code] = person.id
        await session.commit()
    wrong: list[str] = []
    for by_number in (False, True):
        for actor, (role, _, relations) in ACTORS.items():
            for relation, target in relations.items():
                router = Router(sessions, clock=FrozenClock(at=NOW), settings=replace(SETTINGS, zns=ZNS))
                text = f"/moi zns {listed[target] if by_number else target}"
                before = await _queued(sessions)
                _, replies = await router.handle(Incoming("console", actor, actor, text))
                grew = await _queued(sessions) - before
                said = " ".join(f"{r.template} {r.context}" for r in replies)
                want = role is Role.ADMIN and relation in SEE_PROVINCE
                got = replies[0].template == "account/invite_zns"
                where = f"{text} by {actor} ({relation})"
                if got != want or grew != (1 if want else 0):
                    wrong.append(f"{where}: expected {want}, got {replies[0].template}, queued {grew}")
                for code, phone in PHONES.items():
                    if any(run in said for run in digit_runs(phone)):
                        wrong.append(f"{where}: the number of {code}'s official is in the answer")
                if "Người trong danh sách QA" in said:
                    wrong.append(f"{where}: province Q's official named")
                async with sessions() as session, session.begin():  # the next cell may invite them again
                    await session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.kind == "invite"))
    assert not wrong, "\n".join(wrong)
