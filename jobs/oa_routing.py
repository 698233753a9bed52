"""Where a push to an official on the province's Zalo Official Account goes (docs/ZALO_OA.md, "Routing").

The OA may message a user only within a window after their last interaction (``[zalo_oa].window_hours``;
``models.zalo_oa.OaUser``). For an official whose chat is on the OA, the dispatcher asks ``OaRouting``:

- window open → the OA message, everything merged as on any channel;
- window closed → each urgent push (deadline, overdue, escalation) whose kind has a ZNS template goes by
  ZNS to the official's phone, one message each, while the month's cap has room and within ZNS hours;
  the rest (and the urgent ones ZNS cannot carry) go by the official's other channel (Telegram, the Zalo
  bot) when they have one; otherwise they wait (``WAITING``) and are merged into one OA message when the
  official next writes (``release_waiting``, called by the OA channel; the dispatcher is woken).

A non-urgent push never costs a ZNS message. Waiting rows stay pending in the outbox (never lost) and
are looked at again every ``RECHECK`` in case another route opened (a new month's cap, a new channel);
they are marked sent only once, when their one message went (never doubled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from jobs import claims, zns_spend
from jobs.claims import Chat, Claimed
from models.enums import OutboxStatus
from models.settings_oa import ZNS_KINDS, ZaloOaConfig
from models.system import OutboxMessage
from models.units import ChatAccount, Official
from models.zalo_oa import OaUser

OA = "zalo_oa"
ZNS = "zns"
WAITING = "waiting for the official to write on the Zalo OA"  # the last_error of a waiting row
RECHECK = timedelta(hours=6)


@dataclass
class Routed:
    """One official's rows: the messages to send (each with its chat) and the rows that wait."""

    messages: list[tuple[Chat, list[Claimed]]] = field(default_factory=list)
    waiting: list[Claimed] = field(default_factory=list)
    until: datetime | None = None  # when to look at the waiting rows again (None: after ``RECHECK``)


class OaRouting:
    def __init__(self, config: ZaloOaConfig, tz: ZoneInfo) -> None:
        self.config, self.tz = config, tz
        self.window = timedelta(hours=config.window_hours)

    def zns_hours(self, now: datetime) -> bool:
        hour = now.astimezone(self.tz).hour
        return self.config.zns.hours_from <= hour < self.config.zns.hours_until

    def zns_opens(self, now: datetime) -> datetime:
        """The next time ZNS hours begin after ``now`` (an urgent push waits no longer than that)."""
        local = now.astimezone(self.tz)
        start = local.replace(hour=self.config.zns.hours_from, minute=0, second=0, microsecond=0)
        return start if start > local else start + timedelta(days=1)

    async def route(
        self,
        session: AsyncSession,
        now: datetime,
        found: dict[int, Chat | None],
        rows: dict[int, list[Claimed]],
        channels: frozenset[str],
    ) -> dict[int, Routed]:
        """The routes of the officials whose chat is on the OA (the others are not in the answer)."""
        on_oa = {oid: chat for oid, chat in found.items() if chat is not None and chat.channel == OA}
        if not on_oa:
            return {}
        open_ = await self._open_windows(session, now, on_oa)
        phones = await self._phones(session, on_oa)
        others = await claims.chats(session, list(on_oa), channels - {OA, ZNS})
        zns_room = await zns_spend.room(session, now, self.config.zns) if ZNS in channels else 0
        zns_now = ZNS in channels and self.zns_hours(now)
        routed: dict[int, Routed] = {}
        for official_id, chat in sorted(on_oa.items()):
            group = rows[official_id]
            route = routed[official_id] = Routed()
            if chat.chat_id in open_:
                route.messages.append((chat, group))
                continue
            rest: list[Claimed] = []
            phone = phones.get(official_id)
            for row in group:
                if zns_now and phone and zns_room > 0 and self.zns_carries(row):
                    # the chat names the official: the sender reads the number, no log line holds it
                    route.messages.append((Chat(None, ZNS, f"official:{official_id}", chat.language), [row]))
                    zns_room -= 1
                else:
                    rest.append(row)
            other = others.get(official_id)
            if rest and other is not None:
                route.messages.append((other, rest))
            else:
                route.waiting.extend(rest)
                if ZNS in channels and phone and zns_room > 0 and not zns_now and any(map(self.zns_carries, rest)):
                    route.until = min(now + RECHECK, self.zns_opens(now))  # ZNS only waits for its hours
        return routed

    def zns_carries(self, row: Claimed) -> bool:
        return row.kind in ZNS_KINDS and row.kind in self.config.zns.templates

    async def _open_windows(self, session: AsyncSession, now: datetime, chats: dict[int, Chat]) -> set[str]:
        """The OA user ids (of ``chats``) whose window is open at ``now``."""
        users = sorted({chat.chat_id for chat in chats.values()})
        rows = await session.execute(
            select(OaUser.user_id).where(
                OaUser.user_id.in_(users), OaUser.followed.is_(True), OaUser.last_interaction_at > now - self.window
            )
        )
        return set(rows.scalars())

    async def _phones(self, session: AsyncSession, chats: dict[int, Chat]) -> dict[int, str]:
        rows = await session.execute(
            select(Official.id, Official.phone).where(Official.id.in_(list(chats)), Official.phone.is_not(None))
        )
        return {official_id: phone for official_id, phone in rows if phone}


async def interacted(session: AsyncSession, user_id: str, now: datetime, *, followed: bool = True) -> None:
    """Record an interaction of OA user ``user_id`` (a message, a button, a follow): their window opens.
    An unfollow closes it."""
    user = await session.get(OaUser, user_id)
    if user is None:
        user = OaUser(user_id=user_id, followed=followed, updated_at=now)
        session.add(user)
    user.followed, user.updated_at = followed, now
    user.last_interaction_at = now if followed else None


async def window_closed(session: AsyncSession, user_id: str, now: datetime) -> None:
    """The OA refused a message because the window had closed: forget the last interaction."""
    await session.execute(
        update(OaUser).where(OaUser.user_id == user_id).values(last_interaction_at=None, updated_at=now)
    )


async def release_waiting(session: AsyncSession, user_id: str, now: datetime) -> int:
    """Make the waiting pushes of the official(s) bound to OA user ``user_id`` due now, to be merged into
    one OA message; how many rows."""
    officials = select(ChatAccount.official_id).where(ChatAccount.channel == OA, ChatAccount.external_id == user_id)
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.official_id.in_(officials),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.last_error == WAITING,
        )
        .values(not_before=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
