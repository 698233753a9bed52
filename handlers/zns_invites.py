"""``/moi zns <số>`` and ``/moi zns <đơn vị>`` (and ``cchc-bot invite UNIT --zns``): invite codes sent by ZNS
to the phones of officials of the secretariat's list (the ``officials`` import).

``<số>`` is an official's number as /canbo shows it; a unit (code or name, in operation today) invites
every official of it who is not on a chat yet and has a number. The codes are made as by /moi (bound to
the listed official: redeeming one on any channel registers them) and the messages are queued for the
Zalo OA's ZNS sender. The admin reads the numbers masked ("0912***678"), never in full. Refused in one
line: no ZNS invite template, no phone, already registered, revoked, an invite still waiting, the month's
ZNS cap without room."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.base import Reply, UserError
from models.queries.accounts import official_in
from models.queries.units import unit_name
from models.queries.zns_invites import (
    ZnsRefusal,
    listed_at,
    registered,
    send_invites,
    waiting,
    zns_room,
)
from models.settings_oa import INVITE_KIND, ZnsConfig
from models.text import fold
from models.units import Official, Unit

WORD = "zns"  # /moi zns …


def refused(reason: ZnsRefusal, **context: object) -> UserError:
    return UserError("errors/zns_invite", reason=reason.value, **context)


async def zns_invite_reply(
    session: AsyncSession,
    *,
    unit: Unit,
    people: list[Official],
    one: bool,
    actor_id: int | None,
    now: datetime,
    ttl: timedelta,
    config: ZnsConfig | None,
    tz: ZoneInfo,
    within: Unit | None,
    bot_username: str = "",
) -> Reply:
    """Send invites by ZNS to ``people`` of ``unit`` (``one``: the one official asked for by number, whose
    every refusal is said; a unit: those who can be invited are, the others are counted)."""
    if config is None or INVITE_KIND not in config.templates:
        raise refused(ZnsRefusal.OFF)
    ids = [person.id for person in people]
    on_chat, queued = await registered(session, ids), await waiting(session, ids)
    said = await unit_name(session, unit.id)
    if one:
        person = people[0]
        reason = (
            ZnsRefusal.REVOKED if not person.active
            else ZnsRefusal.REGISTERED if person.id in on_chat
            else ZnsRefusal.WAITING if person.id in queued
            else ZnsRefusal.NO_PHONE if not person.phone
            else None
        )  # fmt: skip
        if reason is not None:
            raise refused(reason, name=person.full_name, unit=said)
    chosen = [p for p in people if p.active and p.phone and p.id not in on_chat and p.id not in queued]
    if not chosen:
        raise refused(ZnsRefusal.NOBODY, unit=said, registered=len(on_chat))
    room = await zns_room(session, now, config)
    if room < len(chosen):
        raise refused(ZnsRefusal.CAP, room=room, wanted=len(chosen))
    bot = bot_username.lstrip("@")
    invited = await send_invites(
        session, chosen, unit, said.name, actor_id=actor_id, now=now, ttl=ttl, config=config, tz=tz,
        province_id=within.id if within is not None else None,
        link=f"https://t.me/{bot}?start=" if bot else "",
    )  # fmt: skip
    later = not config.hours_from <= now.astimezone(tz).hour < config.hours_until  # sent when ZNS hours begin
    without = [p.full_name for p in people if p.active and not p.phone and p.id not in on_chat]
    return Reply(
        "account/invite_zns",
        {
            "unit": said,
            "invited": invited,
            "hours_from": config.hours_from if later else None,
            "without_phone": [] if one else without,
            "registered": 0 if one else len(on_chat),
        },
    )


async def people_of(session: AsyncSession, text: str, province: Unit | None) -> tuple[Official, Unit] | None:
    """The official a number names (within ``province``), or None when ``text`` is not such a number (a unit's
    code written with its leading 0, "06385", is a unit's)."""
    if not text.isdigit() or text.startswith("0") or len(text) > 9 or province is None:
        return None
    found = await official_in(session, int(text), province)
    if found is None:
        raise UserError("errors/unknown_official", number=text)
    return found


async def unit_people(session: AsyncSession, unit: Unit, name: str = "") -> list[Official]:
    """The active officials of ``unit``; with ``name``, only those of that name (case aside)."""
    people = await listed_at(session, unit)
    if name:
        people = [p for p in people if fold(p.full_name) == fold(name)]
    return people
