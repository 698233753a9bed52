"""Invite codes sent by ZNS to the phones of officials of the secretariat's list (docs/ZALO_OA.md,
"Registration by phone"), for ``/moi zns`` and ``cchc-bot invite --zns``.

Each invite is made as usual (``create_invite``, bound to the listed official) and one outbox row of kind
``invite`` is queued for the ZNS channel: the dispatcher's Zalo OA sender sends it with the
``[zalo_oa.zns.templates.invite]`` template to the official's phone, read when it is sent (the outbox holds
no number), and counts it in the month's spend. A row is queued only while the month's cap has room for it
besides the ZNS messages already waiting; outside ZNS hours it waits for them. A ZNS refusal is a dead
letter: the province's admins are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import OutboxStatus
from models.phones import masked
from models.queries.accounts import audit, create_invite
from models.settings_oa import INVITE_KIND, ZnsConfig
from models.system import OutboxMessage
from models.units import ChatAccount, Invite, Official, Unit
from models.zalo_oa import ZnsSpend

ZNS_CHANNEL = "zns"


class ZnsRefusal(StrEnum):
    OFF = "off"  # the Zalo OA does not run, or no ``invite`` template is configured
    NO_PHONE = "no_phone"
    REGISTERED = "registered"  # bound to a chat already: nothing to invite
    REVOKED = "revoked"
    WAITING = "waiting"  # an invite to them is still waiting to be sent
    CAP = "cap"  # the month's ZNS cap has no room left
    NOBODY = "nobody"  # a unit with no official to invite


@dataclass(frozen=True)
class Invited:
    """One invite sent by ZNS, as the admin who asked is told: the number only masked."""

    name: str
    phone: str  # masked: "0912***678"
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Sending:
    invited: list[Invited]
    at: datetime  # when the messages go: now, or when ZNS hours begin
    without_phone: list[str]  # the unit's unregistered officials without a number (named, not invited)
    registered: int  # the unit's officials already on a chat


async def zns_room(session: AsyncSession, now: datetime, config: ZnsConfig) -> int:
    """How many more ZNS messages the month's cap allows, less those waiting in the outbox."""
    if config.unit_price_vnd == 0:
        return 1_000_000
    row = await session.get(ZnsSpend, now.strftime("%Y-%m"))
    spent = row.vnd if row is not None else 0
    queued = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.channel == ZNS_CHANNEL, OutboxMessage.status == OutboxStatus.PENDING)
    )
    return max(0, (config.monthly_cap_vnd - spent) // config.unit_price_vnd - int(queued or 0))


def sending_time(now: datetime, config: ZnsConfig, tz: ZoneInfo) -> datetime:
    """``now`` within ZNS hours, else when they next begin."""
    local = now.astimezone(tz)
    if config.hours_from <= local.hour < config.hours_until:
        return now
    start = local.replace(hour=config.hours_from, minute=0, second=0, microsecond=0)
    return start if start > local else start + timedelta(days=1)


async def registered(session: AsyncSession, ids: list[int]) -> set[int]:
    """The officials among ``ids`` bound to a usable chat account."""
    rows = await session.scalars(
        select(ChatAccount.official_id).where(ChatAccount.official_id.in_(ids), ChatAccount.blocked.is_(False))
    )
    return set(rows.all())


async def waiting(session: AsyncSession, ids: list[int]) -> set[int]:
    """The officials among ``ids`` with an invite by ZNS not sent yet."""
    rows = await session.scalars(
        select(OutboxMessage.official_id).where(
            OutboxMessage.official_id.in_(ids),
            OutboxMessage.kind == INVITE_KIND,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
    )
    return {i for i in rows.all() if i is not None}


async def listed_at(session: AsyncSession, unit: Unit) -> list[Official]:
    """The active officials of ``unit`` (not below it), by name."""
    rows = await session.scalars(
        select(Official)
        .where(Official.unit_id == unit.id, Official.active.is_(True))
        .order_by(Official.full_name, Official.id)
    )
    return list(rows.all())


async def send_invites(
    session: AsyncSession,
    people: list[Official],
    unit: Unit,
    unit_said: str,
    *,
    actor_id: int | None,
    now: datetime,
    ttl: timedelta,
    config: ZnsConfig,
    tz: ZoneInfo,
    province_id: int | None,
    link: str = "",
) -> list[Invited]:
    """An invite for each of ``people`` (officials of ``unit``, each with a phone, checked by the caller)
    and its ZNS message queued. ``link``: the Telegram deep link without the code ("…?start=")."""
    at = sending_time(now, config, tz)
    done: list[Invited] = []
    for person in people:
        invite: Invite = await create_invite(
            session, unit, person.role, person.full_name, actor_id, now, ttl, province_id, official=person
        )
        local = invite.expires_at.astimezone(tz)
        context = {
            "name": person.full_name,
            "unit": unit_said,
            "code": invite.code,
            "expires_on": local.date().isoformat(),
            "expires_at": f"{local:%H:%M %d/%m/%Y}",
            "link": f"{link}{invite.code}" if link else "",
        }
        session.add(
            OutboxMessage(
                dedupe_key=f"{INVITE_KIND}:{invite.code}",
                kind=INVITE_KIND,
                official_id=person.id,
                channel=ZNS_CHANNEL,
                chat_id=f"official:{person.id}",  # the sender reads the phone then: no number in the outbox
                template=f"push/{INVITE_KIND}",
                context=context,
                status=OutboxStatus.PENDING,
                urgent=True,
                attempts=0,
                not_before=at,
                last_error="",
                created_at=now,
            )
        )
        audit(
            session, at=now, actor_id=actor_id, action="invite.zns", subject=invite.code,
            detail={"official": person.id}, province_id=province_id,
        )  # fmt: skip
        done.append(Invited(person.full_name, masked(person.phone or ""), invite.code, invite.expires_at))
    await session.flush()
    return done
