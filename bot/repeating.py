"""A chat action ("typing…") kept up while a slow answer is prepared, for every channel."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable


@contextlib.asynccontextmanager
async def repeating(
    action: Callable[[], Awaitable[object]], every: float, *, after: float = 0.0
) -> AsyncIterator[None]:
    """Call ``action`` after ``after`` seconds and then every ``every`` seconds until the block ends; a
    failed call is ignored (a missed chat action is harmless)."""

    async def keep() -> None:
        await asyncio.sleep(after)
        while True:
            with contextlib.suppress(Exception):
                await action()
            await asyncio.sleep(every)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
