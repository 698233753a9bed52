"""The demo as `make run` loads it, on 10/03/2026 (every task status occurs that day), and what a demo
account reads: shared by the tests that check answers on the demo data (the ``demo`` fixture, in
conftest.py, loads it)."""

from __future__ import annotations

from datetime import datetime

from bot.render import Renderer
from handlers.base import Incoming
from handlers.router import Router
from models import DEFAULT_TZ

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)


async def ask(router: Router, account: str, text: str) -> str:
    """What the demo account ``account`` (a console key: leader, chair, ward ...) reads after ``text``."""
    lang, replies = await router.handle(Incoming("console", account, account, text))
    return "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)
