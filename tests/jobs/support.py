"""Builders for the dispatcher tests: officials with chat accounts, outbox rows, a sender that records,
and a template folder with one simple push ("Tin số N") beside the product's ``push/batch`` header."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import TEMPLATES
from jobs.sender import Outcome, Outgoing
from models import DEFAULT_TZ, ChatAccount, Official, OutboxMessage, OutboxStatus, Role, UnitKind
from tests import factories

T0 = datetime(2024, 6, 3, 9, 0, tzinfo=DEFAULT_TZ)  # a Monday morning
FIRST_CHAT = 100_000


def templates(folder: Path) -> Path:
    """A template folder: the product's own (for ``push/batch``) and ``push/note`` for the tests."""
    shutil.copytree(TEMPLATES, folder, dirs_exist_ok=True)
    (folder / "push" / "note.j2").write_text("{% trans %}Tin số {{ n }}{% endtrans %}\n", encoding="utf-8")
    catalog = folder / "locale" / "en" / "LC_MESSAGES"
    (catalog / "messages.mo").unlink(missing_ok=True)  # the .po below is read as it is
    with (catalog / "messages.po").open("a", encoding="utf-8") as po:
        po.write('\nmsgid "Tin số %(n)s"\nmsgstr "Notice no. %(n)s"\n')
    return folder


async def people(
    session: AsyncSession, count: int, *, channel: str = "telegram", role: Role = Role.OFFICER, first: int = 0
) -> list[int]:
    """``count`` officials of one commune, each with one chat account (chat id FIRST_CHAT + first + i)."""
    unit = await factories.unit(session, f"X{first}", UnitKind.COMMUNE)
    rows = [
        {"full_name": f"Cán bộ {first + i}", "role": role.value, "unit_id": unit.id, "language": "vi",
         "active": True, "push_opt_out": False, "created_at": T0}
        for i in range(count)
    ]  # fmt: skip
    ids = list(await session.scalars(insert(Official).returning(Official.id, sort_by_parameter_order=True), rows))
    accounts = [
        {"official_id": official, "channel": channel, "external_id": str(FIRST_CHAT + first + i),
         "chat_id": str(FIRST_CHAT + first + i), "display_name": "", "blocked": False, "created_at": T0}
        for i, official in enumerate(ids)
    ]  # fmt: skip
    await session.execute(insert(ChatAccount), accounts)
    return ids


async def queue(
    session: AsyncSession, official_ids: list[int], *, at: datetime = T0, urgent: bool = False, tag: str = "a"
) -> None:
    """One ``push/note`` row per official, due at ``at``."""
    rows = [
        {"dedupe_key": f"note:{tag}:{official}", "kind": "note", "official_id": official, "channel": "",
         "chat_id": "", "template": "push/note", "context": {"n": official}, "status": "pending", "urgent": urgent,
         "attempts": 0, "not_before": at, "last_error": "", "created_at": at}
        for official in official_ids
    ]  # fmt: skip
    if rows:
        await session.execute(insert(OutboxMessage), rows)


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {str(status): count for status, count in rows}


async def row(sessions: async_sessionmaker[AsyncSession], key: str) -> OutboxMessage:
    async with sessions() as session:
        found: OutboxMessage = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        ).scalar_one()
        return found


@dataclass
class Recorder:
    """A sender that records what it is given and answers from a script (default: sent)."""

    channels: frozenset[str] = frozenset({"telegram", "console"})
    script: list[Outcome] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    tried: list[Outgoing] = field(default_factory=list)

    async def send(self, out: Outgoing) -> Outcome:
        self.tried.append(out)
        outcome = self.script.pop(0) if self.script else Outcome.sent()
        if outcome.result == "sent":
            self.sent.append(out)
        return outcome


def later(at: datetime, **delta: Any) -> datetime:
    return at + timedelta(**delta)


__all__ = ["OutboxStatus", "Recorder", "later", "people", "queue", "row", "statuses", "templates"]
