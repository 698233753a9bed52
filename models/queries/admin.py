"""What the secretariat's admins read and change about people: the officials of a unit, revoking one,
and the audit log of their province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.queries.accounts import audit
from models.system import AuditEntry
from models.tree import subtree_clause
from models.units import ChatAccount, Official, Unit


@dataclass(frozen=True)
class OfficialLine:
    id: int
    full_name: str
    role: str
    active: bool
    channels: list[str]  # "telegram", "zalo", "console": where the official is bound


async def officials_of(session: AsyncSession, unit: Unit) -> list[OfficialLine]:
    """Everyone registered at ``unit`` (not below it), active first, with the channels they are bound on."""
    rows = await session.execute(
        select(Official, ChatAccount.channel)
        .outerjoin(ChatAccount, ChatAccount.official_id == Official.id)
        .where(Official.unit_id == unit.id)
        .order_by(Official.active.desc(), Official.full_name, Official.id)
    )
    found: dict[int, OfficialLine] = {}
    for official, channel in rows:
        line = found.setdefault(
            official.id, OfficialLine(official.id, official.full_name, official.role, official.active, [])
        )
        if channel and channel not in line.channels:
            line.channels.append(channel)
    return list(found.values())


async def official_within(session: AsyncSession, official_id: int, province: Unit) -> Official | None:
    """The official ``official_id`` when they belong to a unit of ``province``; None otherwise."""
    return (
        await session.execute(
            select(Official)
            .join(Unit, Unit.id == Official.unit_id)
            .where(Official.id == official_id, subtree_clause(province))
        )
    ).scalar_one_or_none()


def revoke(session: AsyncSession, official: Official, *, by_id: int, now: datetime) -> None:
    """Deactivate ``official``: from now on their chats are treated as unregistered and get no pushes.
    Their chat accounts stay bound, so an invite redeemed later moves them to the new registration."""
    official.active = False
    audit(session, at=now, actor_id=by_id, action="official.revoke", subject=f"official:{official.id}")


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str  # "" for the command line or the system
    action: str
    subject: str
    detail: dict[str, Any]


async def recent_audit(session: AsyncSession, province: Unit, limit: int = 15) -> list[AuditLine]:
    """The latest entries of the audit log made by officials of ``province`` or by the command line."""
    in_province = select(Official.id).join(Unit, Unit.id == Official.unit_id).where(subtree_clause(province))
    rows = await session.execute(
        select(AuditEntry, Official.full_name)
        .outerjoin(Official, Official.id == AuditEntry.actor_id)
        .where(or_(AuditEntry.actor_id.is_(None), AuditEntry.actor_id.in_(in_province)))
        .where(AuditEntry.action != "account.wrong_code", AuditEntry.action != "bench.build")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [AuditLine(e.at, name or "", e.action, e.subject, e.detail or {}) for e, name in rows]
