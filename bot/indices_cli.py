"""``cchc-bot indices list|add|component``: the secretariat keeps the indices the province is ranked on
(``models.index_catalog``). Output comes from ``templates/cli/indices_*.j2`` in the configured
default language; a refusal is one line (``CliError``), never a traceback."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def score_argument(text: str) -> Decimal:
    """A scale's end as typed: "80", "100", "47,5" (argparse says the error in one line)."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``indices`` command and its three subcommands."""
    indices = sub.add_parser("indices", help="the indices the province is ranked on: list, add, components")
    what = indices.add_subparsers(dest="indices_command", required=True)
    what.add_parser("list", help="every index with its scale and its components")
    add = what.add_parser("add", help="add an index: its code, its Vietnamese name, its kind and scale")
    add.add_argument("code", help='the code files and /diem use, e.g. "PCI", "CCHC-XA"')
    add.add_argument("name", help='the Vietnamese name, e.g. "Chỉ số năng lực cạnh tranh cấp tỉnh"')
    add.add_argument("--name-en", default="", help="the English name (default: the Vietnamese one)")
    add.add_argument("--kind", default="points", help="points (default) or percent")
    add.add_argument("--min", type=score_argument, help="the bottom of the scale (PAPI: 10; default 0)")
    add.add_argument("--max", type=score_argument, help="the top of the scale (PAR INDEX: 100; percent: 100)")
    add.add_argument("--publisher", default="", help="who publishes it")
    part = what.add_parser("component", help="add or rename a component (field) of an index, by its number")
    part.add_argument("index", help="the index's code, e.g. PAR")
    part.add_argument("number", type=int, help="its number in report order: 1, 2 …")
    part.add_argument("name", help="its Vietnamese name")
    part.add_argument("--name-en", default="", help="its English name")
    part.add_argument("--min", type=score_argument, help="the bottom of its scale (PAPI's dimensions: 1; default 0)")
    part.add_argument("--max", type=score_argument, help="its top score, where fixed")


async def run_indices(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.cli import CliError
    from bot.problems import Problem
    from handlers.base import Reply
    from models.db import upgrade
    from models.index_catalog import IndexRefused, add_index, list_catalog, set_component

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    lang = config.bot.default_language
    try:
        async with app.sessions() as session:
            try:
                if args.indices_command == "list":
                    reply = Reply("cli/indices_list", {"indices": await list_catalog(session)})
                    print(app.renderer.render(lang, reply))
                    return 0
                if args.indices_command == "add":
                    index = await add_index(
                        session,
                        args.code,
                        args.name,
                        name_en=args.name_en,
                        kind=args.kind,
                        low=args.min,
                        high=args.max,
                        publisher=args.publisher,
                    )
                    kind = str(index.score_kind)
                    scale = {"low": index.min_score, "high": index.max_score}
                    done = Problem("indices_added", code=index.code, name=index.name_vi, kind=kind, **scale)
                else:
                    component, added = await set_component(
                        session, args.index, args.number, args.name, name_en=args.name_en, low=args.min, high=args.max
                    )
                    named = {"number": component.number, "name": component.name_vi, "added": added}
                    done = Problem("indices_component", index=args.index.strip().upper(), **named)
            except IndexRefused as refused:
                await session.rollback()
                raise CliError("indices_refused", kind=refused.kind, **refused.context) from None
            await session.commit()
    finally:
        await app.close()
    print(done.line(lang))
    return 0
