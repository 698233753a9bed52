"""The console channel: chat with the bot in a terminal, as one of the officials bound to a console
account (the demo creates chair, officer, ward, head, leader, admin), or as a new account that
registers with an invite code (``cchc-bot chat --as moi``, then ``/start CODE``). Works interactively and
with piped input (reads lines, prints the replies, stops at the end of input). A reply's file
(``Reply.document``: /xephang … xlsx) is saved in ``[console].export_dir`` and its path printed.

Like every channel, it only converts: a typed line becomes an ``Incoming`` for the inbox
(``bot/inbox.py``), and the answer is printed as text with buttons as numbered options. One person at
one terminal writes one line after another, so each line is answered before the next is read."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from bot.app import App
from bot.exports import Exports
from bot.inbox import Inbox
from handlers.base import Incoming, Reply
from models import ChatAccount, Official

CHANNEL = "console"
ACCOUNT_LENGTH = 64  # a chat account's external id (models.units.ChatAccount)
QUIT = {"/quit", "/exit", "/thoat", "quit", "exit", "thoat"}


async def accounts(app: App) -> list[tuple[str, str, str]]:
    """(key, name, title) of every console account, for the --as choice."""
    async with app.sessions() as session:
        rows = await session.execute(
            select(ChatAccount.external_id, Official.full_name, Official.title)
            .join(Official, Official.id == ChatAccount.official_id)
            .where(ChatAccount.channel == CHANNEL, Official.active.is_(True))
            .order_by(ChatAccount.id)
        )
        return [(key, name, title) for key, name, title in rows]


def render(app: App, lang: str, replies: list[Reply]) -> str:
    return "\n\n".join(app.renderer.render(lang, reply, "text", numbered_buttons=True) for reply in replies)


async def save_files(app: App, lang: str, replies: list[Reply], folder: Path) -> list[Reply]:
    """The files the replies send, saved in ``folder``: one line each saying where."""
    said = []
    for reply in replies:
        built = await Exports(app.sessions, app.renderer).files(lang, reply.document) if reply.document else []
        for file in built:
            path = folder / file.filename
            await asyncio.to_thread(_write, path, file.content)
            said.append(Reply("console/file_saved", {"path": str(path)}))
    return said


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


async def chat(app: App, account: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the chat until end of input or /quit. Returns the process exit code.

    ``account`` not bound to an official (a new name, or the demo's default on a database without the
    demo): the chat starts unregistered, and ``/start CODE`` (or the code on its own) registers it with
    an invite, as on Telegram; the same ``--as`` name speaks as that official from then on."""
    lang = app.config.bot.default_language
    if not account.strip() or len(account) > ACCOUNT_LENGTH:
        stdout.write(app.renderer.render(lang, Reply("console/bad_account", {"length": ACCOUNT_LENGTH})) + "\n")
        return 2
    known = await accounts(app)
    match = next((entry for entry in known if entry[0] == account), None)
    if match is None:
        banner = Reply("console/unregistered", {"account": account, "accounts": known})
    else:
        banner = Reply("console/banner", {"name": match[1], "title": match[2]})
    display_name = match[1] if match is not None else account
    inbox = Inbox(app.router)
    interactive = stdin.isatty()
    stdout.write(app.renderer.render(lang, banner) + "\n")
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT:
            break
        if not interactive:
            stdout.write(f"\n> {text}\n")
        incoming = Incoming(channel=CHANNEL, chat_id=account, user_id=account, text=text, display_name=display_name)
        answer = await inbox.answer(incoming, numbered_buttons=True)
        saved = await save_files(app, answer.lang, answer.replies, Path(app.config.console.export_dir))
        stdout.write(render(app, answer.lang, [*answer.replies, *saved]) + "\n")
        stdout.flush()
    return 0
