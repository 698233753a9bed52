"""What the secretariat's admins read and change about people: the officials of a unit, revoking one,
and the audit log of their province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.queries.accounts import audit
from models.system import AuditEntry
from models.tree import subtree_clause
from models.units import ChatAccount, Invite, Official, Unit


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


async def revoke(session: AsyncSession, official: Official, *, by_id: int, now: datetime) -> list[str]:
    """Deactivate ``official``: from now on their chats are treated as unregistered and get no pushes.
    Their chat accounts stay bound, so an invite redeemed later moves them to the new registration.
    Every unredeemed invite they created is cancelled (it expires now; one audit line each), so a
    revoked admin cannot come back with a code minted before. The cancelled codes are returned."""
    official.active = False
    audit(session, at=now, actor_id=by_id, action="official.revoke", subject=f"official:{official.id}")
    open_invites = (
        await session.execute(
            select(Invite).where(Invite.created_by_id == official.id, Invite.used_at.is_(None), Invite.expires_at > now)
        )
    ).scalars()
    cancelled = []
    for invite in open_invites:
        invite.expires_at = now
        cancelled.append(invite.code)
        audit(
            session,
            at=now,
            actor_id=by_id,
            action="invite.cancel",
            subject=invite.code,
            detail={"created_by": official.id, "reason": "official.revoke"},
        )
    await session.flush()
    return cancelled


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str  # "" for the command line or the system
    action: str
    subject: str
    detail: dict[str, Any]


async def recent_audit(session: AsyncSession, province: Unit, limit: int = 15) -> list[AuditLine]:
    """The latest entries of the audit log made in ``province``: those that name it (imports, the
    command line's invites) and, for entries that name no province, those made by its officials. An
    entry of the command line that names no province (before revision 0002) is shown to no province."""
    in_province = select(Official.id).join(Unit, Unit.id == Official.unit_id).where(subtree_clause(province))
    rows = await session.execute(
        select(AuditEntry, Official.full_name)
        .outerjoin(Official, Official.id == AuditEntry.actor_id)
        .where(
            or_(
                AuditEntry.province_id == province.id,
                and_(AuditEntry.province_id.is_(None), AuditEntry.actor_id.in_(in_province)),
            )
        )
        .where(AuditEntry.action != "account.wrong_code")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [AuditLine(e.at, name or "", e.action, e.subject, e.detail or {}) for e, name in rows]
