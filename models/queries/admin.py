"""What the secretariat's admins read and change about people: the officials of a unit, revoking one,
and the audit log of their province."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.phones import masked
from models.plans import Assignment, Plan, Task
from models.queries.accounts import audit
from models.queries.units import UnitName, unit_names
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
    phone: str = ""  # masked ("0912***678"): an admin of the province sees that a number is held, never it


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
            official.id,
            OfficialLine(
                official.id, official.full_name, official.role, official.active, [],
                masked(official.phone) if official.phone else "",
            ),
        )  # fmt: skip
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
class AssignmentRef:
    """What an audit entry's ``assignment:N`` is, in words: task ``number`` of the ``year`` plan, at ``unit``."""

    number: int
    year: int
    unit: UnitName


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str  # "" for the command line or the system
    action: str
    subject: str
    detail: dict[str, Any]
    # what the subject names, resolved for the reader (never an internal id): a progress report's task
    # and unit, a revoked official's name; None with ``gone`` True: the object no longer exists
    assignment: AssignmentRef | None = None
    official: str | None = None
    gone: bool = False


def _subject_id(subject: str, kind: str) -> int | None:
    prefix, _, number = subject.partition(":")
    return int(number) if prefix == kind and number.isdigit() else None


async def _assignments(session: AsyncSession, ids: set[int]) -> dict[int, tuple[int, int, int]]:
    """assignment id -> (task number, plan year, unit id), for the ids that still exist."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Assignment.id, Task.number, Plan.year, Assignment.unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Assignment.id.in_(ids))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Official.id, Official.full_name).where(Official.id.in_(ids)))
    return {official_id: name for official_id, name in rows}


async def recent_audit(session: AsyncSession, province: Unit, limit: int = 15) -> list[AuditLine]:
    """The latest entries of the audit log made in ``province``: those that name it (imports, the
    command line's invites) and, for entries that name no province, those made by its officials. An
    entry of the command line that names no province (before revision 0002) is shown to no province.
    Each subject is said in words: a progress report names its task's number and the unit, a revocation
    the official; a subject deleted since is marked ``gone``."""
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
        .where(AuditEntry.action.not_in(("account.wrong_code", "feed.read")))  # reads of the feed are not changes
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    entries = [(e, name) for e, name in rows]
    wanted = {i for e, _ in entries if (i := _subject_id(e.subject, "assignment")) is not None}
    people = {i for e, _ in entries if (i := _subject_id(e.subject, "official")) is not None}
    assignments = await _assignments(session, wanted)
    units = await unit_names(session, sorted({unit_id for _, _, unit_id in assignments.values()}))
    officials = await _names(session, people)
    lines = []
    for e, name in entries:
        line = AuditLine(e.at, name or "", e.action, e.subject, e.detail or {})
        if (assignment_id := _subject_id(e.subject, "assignment")) is not None:
            found = assignments.get(assignment_id)
            ref = AssignmentRef(found[0], found[1], units[found[2]]) if found else None
            line = replace(line, assignment=ref, gone=ref is None)
        elif (official_id := _subject_id(e.subject, "official")) is not None:
            person = officials.get(official_id)
            line = replace(line, official=person, gone=person is None)
        lines.append(line)
    return lines
