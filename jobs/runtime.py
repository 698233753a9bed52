"""What runs on its own inside ``cchc-bot run``: the dispatcher loop in every process, and the scheduler
in the one process that holds the scheduler lease.

``Runtime`` is an async context manager. Inside it, every process drains the outbox; every process also
tries to take the lease every third of its time, starts the scheduler when it gets it, and shuts it down
when it loses it — or when it could not renew it for so long that the lease may have passed to another
process (a database outage), so two schedulers never run at once. Leaving the block stops both and
gives the lease up, so another process takes over at its next try instead of at the expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

from jobs.dispatcher import Dispatcher
from jobs.lease import SchedulerLease

log = logging.getLogger(__name__)


class Scheduler(Protocol):
    """What the runtime needs of the scheduler (``jobs/scheduler.py``): start and shut down, either
    plain or awaitable."""

    def start(self) -> Any: ...

    def shutdown(self) -> Any: ...


async def _maybe_await(value: Any) -> None:
    if inspect.isawaitable(value):
        await value


class Runtime:
    def __init__(
        self,
        *,
        dispatcher: Dispatcher | None = None,
        lease: SchedulerLease | None = None,
        scheduler: Callable[[], Scheduler] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dispatcher, self.lease, self.make_scheduler, self.monotonic = dispatcher, lease, scheduler, monotonic
        self.scheduler: Scheduler | None = None  # the running one, while this process holds the lease
        self.stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Runtime:
        if self.dispatcher is not None:
            self._tasks.append(asyncio.create_task(self.dispatcher.run(self.stop), name="dispatcher"))
        if self.lease is not None and self.make_scheduler is not None:
            self._tasks.append(asyncio.create_task(self._hold(self.lease), name="scheduler lease"))
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._stop_scheduler("this process is stopping")
        if self.lease is not None and self.make_scheduler is not None:
            with contextlib.suppress(Exception):  # it expires anyway
                await self.lease.release()

    async def _hold(self, lease: SchedulerLease) -> None:
        every = lease.seconds / 3
        valid_until = 0.0  # monotonic time until which our lease surely holds
        while not self.stop.is_set():
            asked = self.monotonic()
            try:
                held = await lease.acquire()
                if held:
                    valid_until = asked + lease.seconds
            except Exception as exc:
                log.warning("scheduler lease: could not renew (%s)", exc)
                held = self.monotonic() < valid_until - every  # stop a renewal early, before it may pass on
            if held and self.scheduler is None:
                await self._start_scheduler(lease.holder)
            elif not held and self.scheduler is not None:
                await self._stop_scheduler("the lease passed to another process or could not be renewed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), every)

    async def _start_scheduler(self, holder: str) -> None:
        assert self.make_scheduler is not None
        try:
            scheduler = self.make_scheduler()
            await _maybe_await(scheduler.start())
        except Exception:
            log.exception("scheduler: could not start")
            return
        self.scheduler = scheduler
        log.info("scheduler: started in this process (%s holds the lease)", holder)

    async def _stop_scheduler(self, why: str) -> None:
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is None:
            return
        try:
            await _maybe_await(scheduler.shutdown())
        except Exception:
            log.exception("scheduler: shutdown failed")
        log.info("scheduler: stopped (%s)", why)
