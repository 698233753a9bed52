"""A lease: a named role that one process at a time plays (running the scheduler), on SQLite and
PostgreSQL alike, without advisory locks.

The ``leases`` row says who holds it until when. Taking or renewing it is one statement on both
databases: ``INSERT … ON CONFLICT (name) DO UPDATE SET holder = :me, expires_at = … WHERE holder = :me OR
expires_at < :now RETURNING holder`` — a row comes back only to the process that now holds the lease;
the database's row lock lets only one of racing processes win. The holder renews well before the expiry;
a holder that dies stops renewing, and once its lease has expired the next process to try takes it over.
Expiry is measured by the database's clock (``jobs.claims.database_now``: PostgreSQL's
``clock_timestamp()``, the OS clock for SQLite's one host), so machines whose clocks disagree still
agree on who holds the lease.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.claims import database_now
from models.clock import Clock
from models.system import Lease as LeaseRow

log = logging.getLogger(__name__)
SCHEDULER = "scheduler"
LEASES: Table = LeaseRow.__table__  # type: ignore[assignment]


class SchedulerLease:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], holder: str, *, seconds: float,
        clock: Clock | None = None, name: str = SCHEDULER,
    ) -> None:  # fmt: skip
        # ``clock`` is accepted for the callers' sake and not used: the lease runs on the database's clock
        self.sessions, self.holder, self.seconds, self.clock, self.name = sessions, holder, seconds, clock, name
        self.duration = timedelta(seconds=seconds)

    async def acquire(self) -> bool:
        """Take the lease, or renew it when held; True when this process holds it now."""
        insert = postgresql.insert if self.sessions.kw["bind"].dialect.name == "postgresql" else sqlite.insert
        async with self.sessions() as session, session.begin():
            now = await database_now(session)
            row = insert(LEASES).values(name=self.name, holder=self.holder, expires_at=now + self.duration)
            statement = row.on_conflict_do_update(
                index_elements=[LEASES.c.name],
                set_={"holder": row.excluded.holder, "expires_at": row.excluded.expires_at},
                where=(LEASES.c.holder == self.holder) | (LEASES.c.expires_at < now),
            ).returning(LEASES.c.holder)
            return (await session.execute(statement)).first() is not None

    async def release(self) -> None:
        """Give the lease up at once (a clean shutdown), so another process need not wait for it to expire."""
        async with self.sessions() as session, session.begin():
            now = await database_now(session)
            await session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == self.name, LeaseRow.holder == self.holder)
                .values(expires_at=now - timedelta(seconds=1))
                .execution_options(synchronize_session=False)
            )
