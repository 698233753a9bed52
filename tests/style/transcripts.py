"""Golden transcripts: every command as each demo role reads it, in both languages, with the pushes the jobs
send that official on the same data (issue 15, point 7).

The demo (``models.demo.load_demo``, what ``make run`` loads into an empty database) is loaded on
``NOW``; every status exists on any day since its dates are counted from the load day. Each role talks
to its own copy of that database through the router, as the console does, and its replies are rendered
in text format. The pushes are what ``jobs.due.due_pushes`` computes on the same copy for each day from
``NOW`` on (then back to the drive's start for a kind no later day produces): the first of each kind
(and of each drive milestone) addressed to the role's official, stored as the outbox stores it (JSON)
and rendered in the official's language.

A transcript reads like the chat: "> /nhiemvu" then the answer, "[…]" for its buttons; then "## Push
deadline (16/03/2026)" and the push.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from jobs.due import due_pushes
from jobs.kinds import KINDS, PushRules
from models import DEFAULT_TZ, ChatAccount, FrozenClock, Leave, Official
from models.db import create_engine, session_factory
from models.demo import load_demo

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)  # a Tuesday: Q1's review and the drive's end ahead
FOLDER = Path(__file__).resolve().parent.parent / "golden" / "transcripts"
LANGUAGES = ("vi", "en")
PUSH_DAYS = [*range(0, 60), *range(-1, -60, -1)]  # days from NOW, in the order a push is looked for

# The roles of the issue, by demo console key (models/demo/officials.csv).
ROLES = {
    "officer": "commune officer",
    "chair": "commune chair",
    "head": "department head",
    "leader": "province leader",
    "admin": "secretariat admin",
}

# What everybody asks: each argument form of the everyday commands, some mistakes, free text.
EVERYDAY = [
    "/start",
    "/help",
    "/nhiemvu",
    "/nhiemvu tatca",
    "/nhiemvu quahan",
    "/nhiemvu tronghan",
    "/nhiemvu hoanthanh",
    "/nhiemvu linhvuc 2",
    "/nhiemvu linhvuc 9",
    "/nhiemvu linhvuc abc",
    "/nhiemvu 999",
    "nhiem vu qua han",
    "/diem",
    "/diem 2023",
    "/diem par",
    "/diem par 2023",
    "/diem sipas 2023",
    "/diem papi 2023",
    "/diem cchc",
    "/diem xyz",
    "/xephang par 2023",
    "/xephang cchc",
    "/xephang xyz",
    "/sosanh",
    "/sosanh cchc",
    "/sosanh xyz",
    "/tomtat",
    "/thidua",
    "/thidua bxh",
    "/chitieu",
    "/capnhat",
    "huy",
    "/kenh",
    "/ngonngu",
    "/tatnhac",
    "/batnhac",
]
# Each role's own: a task of its unit in each status (``/nhiemvu N``), the admin's commands, a refusal.
OWN = {
    "officer": ["/nhiemvu 10", "/nhiemvu 11", "/nhiemvu 9", "/nhiemvu 5", "/capnhat 11", "huy", "/canbo"],
    "chair": ["/nhiemvu 10", "/nhiemvu 11", "/nhiemvu 9", "/nhiemvu 18", "/moi"],
    "head": ["/nhiemvu 5", "/nhiemvu 6", "/nhiemvu 4", "/nhiemvu 7", "/nhatky"],
    "leader": ["/nhiemvu 5", "/nhiemvu 21", "/diem par 2023 06457", "/tomtat 2023"],
    "admin": [
        "/nhiemvu 2",
        "/nhiemvu 1",
        "/canbo",
        "/canbo 06457",
        "/canbo MINHSON",
        "/nhatky",
        "/nhacnho",
        "/moi",
        "/moi Xã Tuấn Sơn chutich Nguyễn Văn An",
        "/moi Xã Không Có chutich Nguyễn Văn An",
        "/thuhoi",
        "/tailen",
    ],
}


def commands(role: str) -> list[str]:
    return EVERYDAY + OWN[role]


def transcript_path(role: str, lang: str) -> Path:
    return FOLDER / f"{role}.{lang}.txt"


async def load_demo_file(path: Path, migrated: Path) -> None:
    """A copy of the migrated ``migrated`` database at ``path``, with the demo loaded on NOW."""
    shutil.copyfile(migrated, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with session_factory(engine)() as session:
            await load_demo(session, FrozenClock(at=NOW))
            await session.commit()
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class PushSeen:
    day: date
    kind: str
    context: dict[str, Any]  # as the outbox keeps it (JSON)


async def demo_pushes(path: Path) -> dict[str, list[PushSeen]]:
    """Demo console key -> the first push of each kind (each drive milestone apart) that official gets."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    found: dict[str, dict[str, PushSeen]] = {key: {} for key in ROLES}
    try:
        async with session_factory(engine)() as session:
            accounts = select(ChatAccount.official_id, ChatAccount.external_id).where(ChatAccount.channel == "console")
            keys = {official: key for official, key in (await session.execute(accounts)).all()}
            # the officer is away for the demo's first two days: their catch-up comes on the third
            officer = next(official for official, key in keys.items() if key == "officer")
            first, last = NOW.date(), NOW.date() + timedelta(days=1)
            session.add(
                Leave(official_id=officer, starts_on=first, ends_on=last, created_by_id=officer, created_at=NOW)
            )
            await session.flush()
            for days in PUSH_DAYS:
                when = NOW + timedelta(days=days)
                for push in await due_pushes(session, when, PushRules()):
                    key = keys.get(push.official_id)
                    if key not in found:
                        continue
                    variant = push.kind + (f" {push.context.get('milestone')}" if "milestone" in push.context else "")
                    context = json.loads(json.dumps(push.context))
                    found[key].setdefault(variant, PushSeen(when.date(), push.kind, context))
    finally:
        await engine.dispose()
    order = {kind: i for i, kind in enumerate(KINDS)}
    return {
        key: sorted(seen.values(), key=lambda p: (order[p.kind], p.day, json.dumps(p.context, sort_keys=True)))
        for key, seen in found.items()
    }


async def transcript(path: Path, role: str, lang: str, pushes: list[PushSeen]) -> str:
    """The transcript of ``role`` in ``lang`` on the demo database at ``path`` (changed by the commands)."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = session_factory(engine)
    renderer = Renderer()
    try:
        async with sessions() as session:
            account = select(ChatAccount.official_id).where(
                ChatAccount.channel == "console", ChatAccount.external_id == role
            )
            official_id = (await session.execute(account)).scalar_one()
            await session.execute(update(Official).where(Official.id == official_id).values(language=lang))
            who = (await session.execute(select(Official).where(Official.id == official_id))).scalar_one()
            header = f"# {ROLES[role]}: {who.full_name}, {who.title} ({role}, {lang}), {NOW:%d/%m/%Y %H:%M}"
            await session.commit()
        router = Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig())
        parts = [header, HEADER_NOTE]
        for text in commands(role):
            answer_lang, replies = await router.handle(Incoming("console", role, role, text))
            parts.append(f"> {text}\n" + "\n\n".join(_said(renderer, answer_lang, r) for r in replies))
        for push in pushes:
            body = renderer.render(lang, Reply(f"push/{push.kind}", push.context), "text")
            parts.append(f"## Push {push.kind} ({push.day:%d/%m/%Y})\n{body}")
    finally:
        await engine.dispose()
    return "\n\n".join(parts).rstrip() + "\n"


HEADER_NOTE = (
    "(tests/style/test_transcripts.py: the demo through the router and the renderer, text format; "
    "`make transcripts` records it again)"
)


def _said(renderer: Renderer, lang: str, reply: Reply) -> str:
    text = renderer.render(lang, reply, "text")
    labels = [renderer.label(lang, b, "text") for row in reply.buttons for b in row]
    return text + (f"\n[{' | '.join(labels)}]" if labels else "")


def answer_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a transcript the bot wrote (not the header, commands or push headings), numbered from 1."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(("# ", "> ", "## Push ", "(tests/style/")):
            continue
        yield number, line
