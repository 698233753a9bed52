"""Officials and their chat accounts: an official of a province, invite codes (creating and redeeming
them), the audit log.

``create_invite`` is shared by the admin command ``/moi`` and the CLI ``cchc-bot invite``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from models.system import AuditEntry
from models.tree import subtree_clause
from models.units import ChatAccount, Invite, Official, Unit

# No 0/O, 1/I/L: a code read aloud or copied from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


async def official_in(session: AsyncSession, official_id: int, province: Unit) -> tuple[Official, Unit] | None:
    """An official of ``province`` with their unit (None: no such official there)."""
    row = (
        await session.execute(
            select(Official, Unit)
            .join(Unit, Unit.id == Official.unit_id)
            .where(Official.id == official_id, subtree_clause(province))
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def looks_like_code(text: str) -> bool:
    """True when ``text`` is one word that may be an invite code (a code typed on its own after the
    registration prompt): its length, letters of its alphabet, any case."""
    word = text.strip().upper()
    return len(word) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in word)


def audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str = "",
    detail: dict[str, Any] | None = None,
    province_id: int | None = None,
) -> None:
    """Add one line to the audit log (written with the rest of the unit of work). ``province_id``: the
    province the change was made in, needed when there is no actor (the command line) for /nhatky."""
    session.add(
        AuditEntry(
            at=at, actor_id=actor_id, action=action, subject=subject, detail=detail or {}, province_id=province_id
        )
    )


async def create_invite(
    session: AsyncSession,
    unit: Unit,
    role: Role,
    full_name: str,
    created_by_id: int | None,
    now: datetime,
    ttl: timedelta,
    province_id: int | None = None,
    official: Official | None = None,
) -> Invite:
    """A new single-use code for ``unit`` and ``role`` that expires ``ttl`` after ``now``; ``official``: the
    listed official it is for (their unit, role and name), whom redeeming it binds the chat to."""
    code = new_code()
    while (await session.execute(select(Invite.id).where(Invite.code == code))).first() is not None:
        code = new_code()
    invite = Invite(
        code=code,
        unit_id=unit.id,
        role=role,
        full_name=full_name.strip(),
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + ttl,
        official_id=official.id if official is not None else None,
    )
    session.add(invite)
    await session.flush()
    audit(
        session,
        at=now,
        actor_id=created_by_id,
        action="invite.create",
        subject=code,
        detail={"unit_id": unit.id, "role": str(role), "full_name": invite.full_name}
        | ({"official": official.id} if official is not None else {}),
        province_id=province_id,
    )
    return invite


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    TOO_MANY = "too_many"  # too many wrong codes lately: no code is even looked at


# Guessing a code: 31⁸ ≈ 8.5 × 10¹¹ codes, a handful alive at a time. Wrong codes are counted per chat
# account (a wrong code names no province, so there is nothing else to count it against) and in all:
# - one chat account may type WRONG_CODES_PER_ACCOUNT wrong codes an hour, then it is told how long to wait;
# - past WRONG_CODES_IN_ALL wrong codes an hour from everyone together (a flood), an account that typed
#   a wrong code in the last hour must wait out that hour; an account with no wrong code lately still
#   has its code checked, so a flood never closes registration for a legitimate invitee of any
#   province: a correct code works unless that chat account itself is locked. The flood only slows
#   guessing to one code an hour per chat account the guesser controls.
WRONG_CODES_PER_ACCOUNT = 5
WRONG_CODES_IN_ALL = 100
WRONG_CODE = "account.wrong_code"
WINDOW = timedelta(hours=1)


async def code_wait(session: AsyncSession, channel: str, external_id: str, now: datetime) -> timedelta:
    """How long this chat account must wait before a code it types is looked at (zero: now)."""
    since = now - WINDOW
    recent = (AuditEntry.action == WRONG_CODE) & (AuditEntry.at > since)
    mine = list(
        (
            await session.execute(
                select(AuditEntry.at)
                .where(recent, AuditEntry.subject == f"{channel}:{external_id}")
                .order_by(AuditEntry.at.desc())
                .limit(WRONG_CODES_PER_ACCOUNT)
            )
        ).scalars()
    )
    if not mine:
        return timedelta(0)
    if len(mine) >= WRONG_CODES_PER_ACCOUNT:
        return max(mine[WRONG_CODES_PER_ACCOUNT - 1] + WINDOW - now, timedelta(seconds=1))
    in_all = await session.scalar(
        select(func.count()).select_from(select(AuditEntry.id).where(recent).limit(WRONG_CODES_IN_ALL).subquery())
    )
    if (in_all or 0) >= WRONG_CODES_IN_ALL:
        return max(mine[0] + WINDOW - now, timedelta(seconds=1))
    return timedelta(0)


def record_wrong_code(
    session: AsyncSession, channel: str, external_id: str, problem: InviteProblem, now: datetime
) -> None:
    audit(
        session,
        at=now,
        actor_id=None,
        action=WRONG_CODE,
        subject=f"{channel}:{external_id}",
        detail={"problem": problem.value},
    )


class InviteRefused(Exception):
    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ChatIdentity:
    channel: str
    external_id: str
    chat_id: str
    display_name: str = ""
    bot: str = ""  # Zalo: the bot the account registers on (``ChatAccount.bot``)


async def usable_invite(session: AsyncSession, code: str, now: datetime) -> Invite:
    """The invite of ``code`` while it may be redeemed (nothing is written); ``InviteRefused`` otherwise."""
    invite = (await session.execute(select(Invite).where(Invite.code == code.strip().upper()))).scalar_one_or_none()
    if invite is None:
        raise InviteRefused(InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        raise InviteRefused(InviteProblem.USED)
    if invite.expires_at <= now:
        raise InviteRefused(InviteProblem.EXPIRED)
    if invite.official_id is not None:
        listed = await session.get(Official, invite.official_id)
        if listed is not None and not listed.active:
            raise InviteRefused(InviteProblem.EXPIRED)  # revoked since the invite was sent
    return invite


async def redeem_invite(session: AsyncSession, code: str, who: ChatIdentity, now: datetime) -> Official:
    """Create the official an invite stands for and bind the chat account to them; an invite made for an
    official of the secretariat's list (``Invite.official_id``, sent by ZNS) binds it to that official.

    Raises ``InviteRefused`` for an unknown, used or expired code. Marking the invite used is one
    conditional UPDATE, so two people racing with the same code cannot both succeed.
    """
    invite = await usable_invite(session, code, now)
    listed = await session.get(Official, invite.official_id) if invite.official_id is not None else None
    claimed = await session.execute(
        update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise InviteRefused(InviteProblem.USED)
    if listed is not None:  # an official of the secretariat's list: the chat is bound to them
        official = listed
    else:
        official = Official(
            full_name=invite.full_name or who.display_name or who.external_id,
            title=invite.title,
            role=invite.role,
            unit_id=invite.unit_id,
            created_at=now,
        )
        session.add(official)
        await session.flush()
    account = (
        await session.execute(
            select(ChatAccount).where(ChatAccount.channel == who.channel, ChatAccount.external_id == who.external_id)
        )
    ).scalar_one_or_none()
    if account is None:
        account = ChatAccount(channel=who.channel, external_id=who.external_id, created_at=now)
        session.add(account)
    account.official_id = official.id  # an account of a deactivated official moves to the new one
    account.chat_id, account.display_name, account.last_seen_at = who.chat_id, who.display_name, now
    account.bot = who.bot
    await session.execute(update(Invite).where(Invite.id == invite.id).values(used_by_id=official.id))
    audit(session, at=now, actor_id=official.id, action="account.register", subject=invite.code)
    await session.flush()
    return official
