"""``cchc-bot units alias UNIT ALIAS``: record another code (or, with ``--name``, another name) a unit is
known by in the province's own files, for a file that names a unit no units file of the province listed
(``models.aliases``). Output comes from ``templates/cli/units_alias_*.j2`` in the configured default
language; a refusal is one line (``CliError``), never a traceback."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``units`` command and its ``alias`` subcommand."""
    units = sub.add_parser("units", help="the unit tree: record the codes the province's own files use")
    what = units.add_subparsers(dest="units_command", required=True)
    alias = what.add_parser("alias", help="record another code (or name) of a unit, as the province's files write it")
    alias.add_argument("unit", help='the unit by its code or name, e.g. "LS.SNV", "Sở Nội vụ"')
    alias.add_argument("alias", help='the code the files use, e.g. "SNV"')
    alias.add_argument("--name", action="store_true", help="the alias is another name of the unit, not a code")
    alias.add_argument("--province", help="the province's unit code (e.g. LS); needed when the database holds several")


async def run_units(config: Config, args: argparse.Namespace) -> int:
    import sys

    from bot.app import build
    from bot.cli import CliError
    from bot.imports import cli_scope
    from bot.problems import Problem
    from handlers.base import Reply
    from models.aliases import AliasRefused, record_alias
    from models.db import upgrade

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    lang = config.bot.default_language
    try:
        async with app.sessions() as session:
            scope = await cli_scope(session, args.province)
            if isinstance(scope, Reply):
                print(app.renderer.render(lang, scope), file=sys.stderr)
                return 1
            try:
                recorded = await record_alias(
                    session,
                    args.unit,
                    args.alias,
                    within=scope.province if scope is not None and scope.id is not None else None,
                    kind="name" if args.name else "code",
                    source="cchc-bot units alias",
                )
            except AliasRefused as refused:
                await session.rollback()
                raise CliError("units_alias_refused", kind=refused.kind, **refused.context) from None
            await session.commit()
            unit = recorded.unit
            done = Problem(
                "units_alias_done",
                alias=recorded.alias,
                kind=recorded.kind,
                name=unit.name,
                code=unit.code,
                added=recorded.added,
            )
    finally:
        await app.close()
    print(done.line(lang))
    return 0
