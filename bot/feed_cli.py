"""``cchc-bot feed create NAME`` / ``cchc-bot feed revoke NUMBER``: the machine feed's consumer tokens
(``bot/dashboard/feed.py``), made and revoked by the admin who runs the server. A token is printed once
(only its hash is kept); both are lines of the audit log. Output from ``templates/cli/feed_*.j2``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feed = sub.add_parser("feed", help="the machine feed (JSON/CSV for the operations centre): consumer tokens")
    what = feed.add_subparsers(dest="feed_command", required=True)
    create = what.add_parser("create", help="a token for one consumer of the province's feed (printed once)")
    create.add_argument("name", help='who reads with it, e.g. "Trung tâm điều hành thông minh"')
    revoke = what.add_parser("revoke", help="revoke a consumer's token by the number create printed")
    revoke.add_argument("number", type=int)
    for one in (create, revoke):
        one.add_argument(
            "--province", help="the province's unit code (e.g. LS); needed when the database holds several"
        )


async def run_feed(config: Config, args: argparse.Namespace) -> int:
    import sys

    from bot.app import build
    from bot.cli import CliError
    from bot.imports import cli_scope
    from bot.problems import Problem
    from handlers.base import Reply
    from models.db import upgrade
    from models.feed import create_feed_token, revoke_feed_token
    from models.queries.accounts import audit

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    lang = config.bot.default_language
    base = config.dashboard.public_url.rstrip("/") or config.dashboard.path
    try:
        async with app.sessions.begin() as session:
            scope = await cli_scope(session, args.province)
            if isinstance(scope, Reply):
                print(app.renderer.render(lang, scope), file=sys.stderr)
                return 1
            if scope is None or scope.id is None:
                raise CliError("feed_refused", why="no_province")
            now = app.clock.now()
            if args.feed_command == "create":
                number, token = await create_feed_token(session, scope.id, args.name, now)
                audit(
                    session,
                    at=now,
                    actor_id=None,
                    action="feed.create",
                    subject=args.name[:64],
                    detail={"consumer_id": number},
                    province_id=scope.id,
                )
                done = Problem("feed_created", number=number, token=token, name=args.name, base=base)
            else:
                row = await revoke_feed_token(session, args.number, scope.id, now)
                if row is None:
                    raise CliError("feed_refused", why="unknown", number=args.number)
                audit(
                    session,
                    at=now,
                    actor_id=None,
                    action="feed.revoke",
                    subject=row.name,
                    detail={"consumer_id": row.id},
                    province_id=scope.id,
                )
                done = Problem("feed_revoked", number=row.id, name=row.name)
    finally:
        await app.close()
    print(done.line(lang))
    return 0
