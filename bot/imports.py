"""The secretariat's command-line work: ``cchc-bot import`` and ``cchc-bot invite`` (``--zns``: codes sent
by ZNS to officials of the imported list, as ``/moi zns``).

Both go through the same code as the chat (the importers; the /moi handler's invite function) and print
the same templates, in the configured default language.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build
from bot.config import Config
from bot.fetch import FetchError, fetch
from handlers.base import Reply, UserError
from models.db import upgrade
from models.importers import import_bytes, import_file
from models.queries.units import unit_name
from models.scope import Scope, find_province, own_provinces, provinces


def refused(app: App, lang: str, refusal: Reply | UserError) -> int:
    """Print a refusal (a Reply, or a handler's UserError) as one paragraph on stderr; the exit status 1."""
    reply = refusal if isinstance(refusal, Reply) else Reply(refusal.template, refusal.context)
    print(app.renderer.render(lang, reply), file=sys.stderr)
    return 1


KIND_NAMES = {"criteria": "drive_criteria", "measurements": "drive_measurements", "dvc": "766", "canbo": "officials"}


async def cli_scope(session: AsyncSession, code: str | None, kind: str = "") -> Scope | Reply | None:
    """The province ``--province`` names; with no ``--province``, the database's only province (the only
    one holding units, when a national results table added the others as reference data), or no scope at
    all while the database holds no unit (the first units file). A units file may name a
    province that does not exist yet: it creates it and touches nothing stored. A Reply refuses
    (listing the provinces) otherwise."""
    found = await provinces(session)
    known = [unit.code for unit in found]
    named = [{"code": unit.code, "name": unit.name} for unit in found]  # what --province accepts, and whose
    if code:
        province = await find_province(session, code)
        if province is not None:
            return Scope(province)
        if kind == "units":
            return Scope.new(code.strip())
        return Reply("imports/unknown_province", {"code": code, "known": known, "provinces": named})
    if len(found) == 1:
        return Scope(found[0])
    if not found:
        return None
    own = await own_provinces(session)
    if len(own) == 1:
        return Scope(own[0])
    return Reply("imports/province_needed", {"known": known, "provinces": named})


async def _fetched(args: argparse.Namespace) -> tuple[str, bytes] | Reply | None:
    """With ``--from``: the name and bytes fetched, or a Reply saying why not; None for a file's path."""
    url = getattr(args, "from_url", None)
    if not url:
        return None
    try:
        return await fetch(url)
    except FetchError as failure:
        return Reply("imports/fetch_failed", {"code": failure.code, "url": failure.url, **failure.params})


async def run_import(config: Config, args: argparse.Namespace) -> int:
    kind = KIND_NAMES.get(args.kind, args.kind)
    options: dict[str, Any] = {
        key: value
        for key in ("plan", "year", "title", "drive", "starts_on", "ends_on", "period")
        if (value := getattr(args, key, None)) is not None
    }
    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    lang = config.bot.default_language
    try:
        fetched = await _fetched(args)
        if isinstance(fetched, Reply) or (fetched is None and (args.file is None or not args.file.is_file())):
            refusal = (
                fetched if isinstance(fetched, Reply) else Reply("imports/no_file", {"name": str(args.file or "")})
            )
            return refused(app, lang, refusal)
        name = fetched[0] if fetched else args.file.name
        async with app.sessions() as session:
            scope = await cli_scope(session, getattr(args, "province", None), kind)
            if isinstance(scope, Reply):
                return refused(app, lang, scope)
            run = {"dry_run": args.dry_run, "options": options, "clock": app.clock, "scope": scope}
            if fetched:
                result = await import_bytes(session, kind, name, fetched[1], **run)
            else:
                result = await import_file(session, kind, args.file, **run)
            context = {"name": name, "kind": kind, "options": options, "result": result}
            if not result.ok:
                await session.rollback()
                return refused(app, lang, Reply("imports/cli_errors", context))
            if args.dry_run:
                await session.rollback()
                print(app.renderer.render(lang, Reply("imports/cli_dry_run", context)))
                return 0
            await session.commit()
            print(app.renderer.render(lang, Reply("imports/cli_done", context)))
            return 0
    finally:
        await app.close()


async def run_invite(config: Config, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from bot.telegram import bot_username
    from handlers.account import invite_reply
    from handlers.roles import listed_words, parse_role

    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    lang = config.bot.default_language
    try:
        if getattr(args, "zns", False):
            return await _invite_by_zns(app, args)
        role = parse_role(args.role)
        if role is None:
            return refused(app, lang, Reply("errors/bad_role", {"groups": listed_words()}))
        async with app.sessions() as session:
            scope = await cli_scope(session, getattr(args, "province", None))
            if isinstance(scope, Reply):
                return refused(app, lang, scope)
            try:
                reply = await invite_reply(
                    session,
                    args.unit,
                    role,
                    args.name,
                    actor_id=None,
                    now=app.clock.now(),
                    ttl=timedelta(hours=config.bot.invite_ttl_hours),
                    bot_username=await bot_username(config.telegram),
                    within=scope.province if scope is not None else None,
                    role_text=args.role,
                )
            except UserError as refusal:
                return refused(app, lang, refusal)
            await session.commit()
        print(app.renderer.render(lang, reply))
        return 0
    finally:
        await app.close()


async def _invite_by_zns(app: App, args: argparse.Namespace) -> int:
    """``cchc-bot invite UNIT --zns [--name NAME]``: invite codes queued for ZNS, as ``/moi zns <unit>``."""
    from datetime import timedelta

    from bot.telegram import bot_username
    from handlers.account import operating_unit
    from handlers.zns_invites import unit_people, zns_invite_reply

    config, lang = app.config, app.config.bot.default_language
    async with app.sessions() as session:
        scope = await cli_scope(session, getattr(args, "province", None))
        if isinstance(scope, Reply):
            return refused(app, lang, scope)
        within = scope.province if scope is not None else None
        try:
            unit = await operating_unit(session, args.unit, app.clock.today(), within)
            people = await unit_people(session, unit, args.name)
            if args.name and not people:
                raise UserError("errors/zns_invite", reason="nobody", unit=await unit_name(session, unit.id))
            reply = await zns_invite_reply(
                session,
                unit=unit,
                people=people,
                one=bool(args.name) and len(people) == 1,
                actor_id=None,
                now=app.clock.now(),
                ttl=timedelta(hours=config.bot.invite_ttl_hours),
                config=config.zalo_oa.zns if config.zalo_oa.enabled else None,
                tz=config.bot.tz,
                within=within,
                bot_username=await bot_username(config.telegram),
            )
        except UserError as refusal:
            return refused(app, lang, refusal)
        await session.commit()
    print(app.renderer.render(lang, reply))
    return 0
