"""The application: one engine, one session factory, one clock, one router, one renderer, built from
the configuration and shared by every channel."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Config
from bot.render import Renderer
from handlers.base import HandlerConfig
from handlers.registry import app_commands
from handlers.router import Router
from models import Clock
from models.db import create_engine, session_factory, upgrade

log = logging.getLogger(__name__)


@dataclass
class App:
    config: Config
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    router: Router
    renderer: Renderer

    async def close(self) -> None:
        await self.engine.dispose()


def build(config: Config, clock: Clock | None = None) -> App:
    clock = clock or Clock(config.bot.tz)
    database = config.database
    engine = create_engine(database.url, echo=database.echo, lock_timeout=database.lock_timeout_seconds)
    sessions = session_factory(engine)
    router = Router(
        sessions,
        clock=clock,
        settings=HandlerConfig(
            config.bot,
            config.telegram.bot_username,
            config.reports,
            config.dashboard,
            reminders=config.reminders,
            calendar=config.calendar,
            zns=config.zalo_oa.zns if config.zalo_oa.enabled else None,
            zalo=config.zalo,
        ),
        default_lang=config.bot.default_language,
        at_once=config.database.messages_at_once,
        commands=app_commands(),
    )
    return App(config, engine, sessions, clock, router, Renderer(tz=config.bot.tz))


def settle() -> None:
    """Once the bot has started: what start-up made and keeps for the process's life (modules, mappers,
    compiled statements, the configuration) is moved out of the garbage collector's reach (``gc.freeze``),
    so the full collections that fall during an answer walk only what answers made. Measured with
    ``python -m bench --only /sosanh`` (bench/README.md, session 9): the slowest answers were collections of
    the start-up's objects."""
    gc.collect()
    gc.freeze()


async def prepare(app: App, *, load_demo: bool | None = None) -> str | None:
    """Migrate the database and, when it is empty and the configuration allows, load the demo.
    Returns a one-line summary of the demo load, or None when nothing was loaded."""
    await upgrade(app.config.database.url, lock_timeout=app.config.database.lock_timeout_seconds)
    wanted = app.config.bot.load_demo_when_empty if load_demo is None else load_demo
    if not wanted:
        return None
    from models.demo import is_empty
    from models.demo import load_demo as load
    from models.demo.remove import demo_removed

    async with app.sessions() as session:
        if not await is_empty(session):
            return None
        if load_demo is None and await demo_removed(session):  # taken out on purpose: not again on its own
            return None
        summary = await load(session, app.clock)
        await session.commit()
    log.info("demo data loaded: %s", summary)
    return str(summary)
