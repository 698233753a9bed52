"""The OA's access token: read from the database (``models.zalo_oa.OaToken``), renewed before it expires.

Zalo's refresh token is single-use: two processes renewing at once would leave one of them (and then
everyone) with a spent token. So one process renews, the one holding the ``zalo_oa_tokens`` lease
(``jobs/lease.py``); it reads the row again once it holds the lease, calls Zalo with no transaction open,
and stores the new pair (kept in memory and stored at the next check when the database fails: the old
refresh token is spent). The others read the database again when their copy nears its expiry. On the
first start the database holds no token: the lease holder renews ``[zalo_oa].refresh_token``.

Tokens are never logged; a failed renewal logs Zalo's error code and name only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.zalo_oa.client import OaClient, OaError
from jobs.lease import SchedulerLease
from models.clock import Clock
from models.settings_oa import ZaloOaConfig
from models.zalo_oa import OaToken

log = logging.getLogger(__name__)
LEASE = "zalo_oa_tokens"
CHECK_SECONDS = 60.0
WAITS, WAIT_SECONDS = 10, 0.5  # a process without the lease waits this long for the holder's new token


class NoToken(Exception):
    """No usable access token (none stored yet and this process may not renew, or Zalo refused)."""


class Tokens:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: OaClient,
        config: ZaloOaConfig,
        clock: Clock,
        holder: str,
    ) -> None:
        self.sessions, self.client, self.config, self.clock = sessions, client, config, clock
        self.lease = SchedulerLease(sessions, holder, seconds=120, name=LEASE)
        self.margin = timedelta(minutes=config.renew_minutes)
        self._token = ""
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()
        self._unsaved: tuple[str, str, datetime, datetime] | None = None
        self.renewed = 0

    async def access(self) -> str:
        """The current access token (renewed first when due and this process holds the lease)."""
        now = self.clock.now()
        if self._token and self._expires is not None and now < self._expires - self.margin:
            return self._token
        await self.refresh()
        if not self._token:
            raise NoToken("no Zalo OA access token yet")
        return self._token

    async def refresh(self, *, force: bool = False) -> None:
        """Read the stored token; renew it when due (or ``force``: Zalo refused the one held) under the
        lease. A process without the lease whose token is unusable reads again for a few seconds, while
        the holder renews."""
        async with self._lock:
            for attempt in range(WAITS + 1):
                if await self._refresh_once(force=force) or attempt == WAITS:
                    return
                await asyncio.sleep(WAIT_SECONDS)

    async def _refresh_once(self, *, force: bool) -> bool:
        """One look at the database (and a renewal when due and the lease is ours); whether the token now
        held is usable. No transaction is open while the lease is taken or Zalo is called: a SQLite read
        transaction overtaken by another connection's write could not commit, and a renewed pair that is
        not stored is lost (the old refresh token is spent)."""
        if self._unsaved is not None and not await self._save(*self._unsaved):
            return bool(self._token)  # Zalo's new pair is held in memory until the database takes it
        refused = self._token if force else ""  # another process may have replaced it already
        row = await self._read()
        now = self.clock.now()
        if self._due(row, refused, now) and await self.lease.acquire():
            row = await self._read()  # the holder before us may have renewed meanwhile
            if self._due(row, refused, now):
                await self._renew(row.refresh_token if row is not None else self.config.refresh_token, now)
                row = await self._read() if self._unsaved is None else None
        if row is not None:
            self._token, self._expires = row.access_token, row.expires_at
        return bool(self._token) and self._token != refused and self._expires is not None and now < self._expires

    def _due(self, row: OaToken | None, refused: str, now: datetime) -> bool:
        return row is None or row.access_token == refused or now >= row.expires_at - self.margin

    async def _read(self) -> OaToken | None:
        async with self.sessions() as session:
            return await session.get(OaToken, self.config.oa_id)

    async def _renew(self, refresh: str, now: datetime) -> None:
        try:
            access, new_refresh, seconds = await self.client.renew(refresh)
        except OaError as exc:  # code and name only: the message never carries a token
            log.error("Zalo OA: the access token could not be renewed (%s %s)", exc.code, exc.message)
            return
        expires = now + timedelta(seconds=seconds)
        self._token, self._expires = access, expires
        self.renewed += 1
        log.info("Zalo OA: access token renewed, valid until %s", expires.isoformat(timespec="minutes"))
        await self._save(access, new_refresh, expires, now)

    async def _save(self, access: str, refresh: str, expires: datetime, now: datetime) -> bool:
        """Store a renewed pair; when the database fails, keep it to store at the next check."""
        try:
            async with self.sessions() as session, session.begin():
                row = await session.get(OaToken, self.config.oa_id)
                if row is None:
                    row = OaToken(oa_id=self.config.oa_id, access_token="", refresh_token="", expires_at=now,
                                  refreshed_at=now)  # fmt: skip
                    session.add(row)
                row.access_token, row.refresh_token, row.expires_at, row.refreshed_at = access, refresh, expires, now
        except Exception as exc:  # never the tokens in the line
            log.error("Zalo OA: the renewed token could not be stored (%s); kept in memory, stored later",
                      type(exc).__name__)  # fmt: skip
            self._unsaved = (access, refresh, expires, now)
            return False
        self._unsaved = None
        return True

    async def run(self, stop: asyncio.Event, every: float = CHECK_SECONDS) -> None:
        """Keep the token fresh until ``stop`` is set (a failure is logged and tried at the next check)."""
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception:
                log.exception("Zalo OA: token check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
