"""``cchc-bot zalo bots``: each configured Zalo bot with its officials of ``max_users`` and its messages this
month of ``monthly_budget`` (as ``/nhacnho`` shows admins; ``templates/cli/zalo_bots.j2``)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Config
from handlers.base import Reply
from models.queries.zalo_bots import bot_loads


def add_parser(sub: Any) -> None:
    zalo = sub.add_parser("zalo", help="the Zalo bots")
    zalo_sub = zalo.add_subparsers(dest="zalo_command", required=True)
    zalo_sub.add_parser("bots", help="each bot: officials registered of max_users, messages this month of its budget")


async def run_zalo(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build
    from models.db import upgrade

    app = build(config)
    try:
        await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
        month = app.clock.now().strftime("%Y-%m")
        async with app.sessions() as session:
            loads = await bot_loads(session, config.zalo.all_bots(), month)
        print(
            app.renderer.render(
                config.bot.default_language, Reply("cli/zalo_bots", {"bots": loads, "month": month}), "text"
            )
        )
        return 0
    finally:
        await app.close()
