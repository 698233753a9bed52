"""The one message path: Incoming -> (menu number | callback | command | intent | flow) -> identity and
permission check -> handler -> replies.

One database session and one transaction per message: a handler that raises leaves nothing written.

What a channel would otherwise decide for itself is asked here too, from the commands' registration:
whether a group message is for the bot and may be answered there (``group_verdict``, from
``in_groups=``; its ``Parsed`` goes on to ``answer``, so the line is read once), whether a file is worth
downloading before the message is answered (``may_download``, from ``takes_files=``/``files=`` and the
sender's role), and the sender's language for a channel's own messages (``language``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import Command, Commands, HandlerConfig, Incoming, Reply, Request, UserError, is_number
from models import ChatAccount, Clock, ConversationState, Official, Role, Unit
from models.db import reads_inline
from models.queries.accounts import looks_like_code
from models.queries.units import known_name, parent_of
from models.text import clean, fold

log = logging.getLogger(__name__)

MENU_TTL = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Parsed:
    command: str
    args: list[str] = field(default_factory=list)


class InGroup(Enum):
    """What becomes of a message in a group chat."""

    ANSWER = "answer"
    IGNORE = "ignore"  # not for this bot: stay silent
    REFUSE = "refuse"  # for this bot, but its answer is not for everyone there: point to the private chat


@dataclass(frozen=True)
class GroupVerdict:
    group: InGroup
    parsed: Parsed | None = None  # the command line as read for the verdict (passed on to ``Router.answer``)


@dataclass(frozen=True)
class Answer:
    """The router's answer to one message: the replies and what a channel may want to know about it."""

    lang: str  # to render the replies in (the sender's language, after a /ngonngu its new one)
    replies: list[Reply]
    command: str | None = None  # the registered name of the command that answered, if one did
    group: InGroup = InGroup.ANSWER  # IGNORE, REFUSE: the message was not handled (no replies)


@dataclass(frozen=True)
class Who:
    """The active official behind a chat account, as far as a channel needs to know."""

    role: Role
    language: str


def parse_command(text: str, bot_username: str = "") -> Parsed | None:
    """``/nhiemvu@cchc_bot 12 quahan`` -> Parsed("nhiemvu", ["12", "quahan"]); None when not a command."""
    text = text.strip()
    if not text.startswith("/"):
        return None
    parts = text[1:].split(maxsplit=1)
    if not parts:  # a lone "/": an unknown command
        return Parsed("", [])
    head, *rest = parts
    name, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    return Parsed(fold(name), rest[0].split() if rest else [])


def match_intent(text: str, commands: Commands) -> Parsed | None:
    """Free text such as "nhiem vu qua han" or "Nhiệm vụ quá hạn": the longest registered phrase wins; a
    phrase ending in "$" only when it is the whole message ("bảng xếp hạng" alone is /thidua's board,
    "bảng xếp hạng par" /xephang's table)."""
    folded = fold(text)
    best: tuple[tuple[int, bool], Command, tuple[str, ...]] | None = None
    for entry in commands.by_key.values():
        for phrase, args in entry.intents:
            words = phrase.removesuffix("$")
            fits = folded == words or (words == phrase and folded.startswith(phrase + " "))
            rank = (len(words), words != phrase)  # the same words: the whole-message phrase first
            if fits and (best is None or rank > best[0]):
                best = (rank, entry, args)
    if best is None:
        return None
    (length, _), entry, args = best
    return Parsed(entry.name, [*args, *folded[length:].split()])


class Router:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock,
        settings: HandlerConfig,
        default_lang: str = "vi",
        at_once: int = 0,
        commands: Commands | None = None,
    ) -> None:
        """``commands``: what the router answers (None: every command of the app, ``handlers.registry``).
        ``at_once``: how many messages may be in their database transaction at the same time (0: no
        limit). The others wait their turn, in order, before they start, holding nothing: a message's
        work is mostly Python on one thread, so more of them at once only add switching between them
        (``bench/README.md``, "Messages at once")."""
        self.turns = asyncio.Semaphore(at_once if at_once > 0 else sys.maxsize)
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.default_lang = default_lang
        if commands is None:
            from handlers.registry import app_commands  # the handler modules import this one's helpers

            commands = app_commands()
        self.commands = commands

    async def handle(self, incoming: Incoming, *, numbered_buttons: bool = False) -> tuple[str, list[Reply]]:
        """Answer one message. Returns the language to render in and the replies (``answer`` says more)."""
        answer = await self.answer(incoming, numbered_buttons=numbered_buttons)
        return answer.lang, answer.replies

    async def answer(
        self, incoming: Incoming, *, numbered_buttons: bool = False, parsed: Parsed | None = None
    ) -> Answer:
        """Answer one message.

        ``numbered_buttons``: the channel shows buttons as "1. …" lines, so a bare number in the next
        message presses the button with that number. ``parsed``: the command line as ``group_verdict``
        read it (not read again).
        """
        incoming = _cleaned(incoming)
        async with self.turns:
            with reads_inline():  # a message's reads are short: see models.db.reads_inline
                return await self._answer(incoming, numbered_buttons, parsed)

    async def _answer(self, incoming: Incoming, numbered_buttons: bool, parsed: Parsed | None) -> Answer:
        async with self.sessions() as session:
            official, account, unit, state = await self._identify(session, incoming)
            lang = official.language if official else self.default_lang
            state = await self._unexpired(session, state)
            request = Request(
                incoming, session, self.clock, self.settings, official, lang, state=state, unit=unit,
                commands=self.commands,
            )  # fmt: skip
            try:
                replies = await self._dispatch(request, parsed)
                if numbered_buttons:
                    await self._remember_menu(session, incoming, replies)
                if account is not None:
                    self._mark_seen(account, incoming)
                await session.commit()
                if official is not None:
                    lang = official.language  # /ngonngu answers in the language just chosen
            except UserError as refusal:
                await session.rollback()
                replies = [Reply(refusal.template, refusal.context)]
            except Exception:
                await session.rollback()
                reference = secrets.token_hex(4)
                log.exception("handler failed (ref %s) for %s chat %s", reference, incoming.channel, incoming.chat_id)
                replies = [Reply("errors/internal", {"reference": reference})]
            # after a rollback the official is expired: reading it here would need a query
            return Answer(lang, replies, request.command or None)

    def group_verdict(self, incoming: Incoming) -> GroupVerdict:
        """Whether a message may be answered where it was written, from the commands' registration. In a
        group, the bot answers a press of its button, a command written to it (``/diem@cchc_bot``) or
        any message the chat application delivered for naming it (``Incoming.addressed``), and only
        with a command registered ``in_groups``; other commands are refused there. Elsewhere: ANSWER."""
        if not incoming.is_group:
            return GroupVerdict(InGroup.ANSWER)
        line = clean(incoming.callback if incoming.callback is not None else incoming.text).strip()
        if incoming.callback is None and not incoming.addressed and not _names(line, self.settings.bot_username):
            return GroupVerdict(InGroup.IGNORE)
        parsed = parse_command(line, "" if incoming.addressed else self.settings.bot_username)
        entry = self.commands.get(parsed.command) if parsed else None
        return GroupVerdict(InGroup.ANSWER if entry is not None and entry.in_groups else InGroup.REFUSE, parsed)

    async def who(self, channel: str, user_id: str) -> Who | None:
        """The active official bound to this chat account (role and language), or None."""
        async with self.sessions() as session:
            row = (await session.execute(_WHO, {"channel": channel, "external_id": user_id})).first()
        return Who(Role(row[0]), row[1]) if row else None

    async def language(self, incoming: Incoming) -> str:
        """The sender's language, for a message of the channel itself (the default when unregistered)."""
        who = await self.who(incoming.channel, incoming.user_id)
        return who.language if who else self.default_lang

    async def may_download(self, incoming: Incoming) -> int | None:
        """How many bytes of ``incoming.file`` the channel may fetch before the message is answered (None:
        leave it): the file is one the command it goes to reads (``Command.files``: kind, name, size) and
        the sender may use that command. Never in a group."""
        file = incoming.file
        if file is None or incoming.is_group:
            return None
        parsed = parse_command(clean(incoming.text), self.settings.bot_username)
        entry = self.commands.get(parsed.command) if parsed else None
        if entry is None or entry.files is None:
            entry = self.commands.for_files()
        if entry is None or entry.files is None or not entry.files.admit(file):
            return None
        who = await self.who(incoming.channel, incoming.user_id)
        return entry.files.max_bytes if who is not None and who.role in entry.roles else None

    async def _identify(
        self, session: AsyncSession, incoming: Incoming
    ) -> tuple[Official | None, ChatAccount | None, Unit | None, ConversationState | None]:
        """The official, their chat account, their unit and any conversation in progress, in one query
        for a registered user (``_IDENTITY``, built once)."""
        row = (await session.execute(_IDENTITY, _keys(incoming))).first()
        if row is None:
            state = (await session.execute(_STATE, _keys(incoming))).scalar()
            return None, None, None, state
        official, account, unit, state, parent_name, parent_kind = row
        known_name(session, unit, parent_name, parent_kind)  # most answers name the official's unit
        return official, account, unit, state

    def _mark_seen(self, account: ChatAccount, incoming: Incoming) -> None:
        """Done last, just before the commit, and at most every few minutes: with SQLite, the first write
        of a transaction takes the database's one write lock until the commit."""
        now = self.clock.now()
        if account.last_seen_at is None or now - account.last_seen_at >= SEEN_EVERY:
            account.last_seen_at = now
        if not incoming.is_group and account.chat_id != incoming.chat_id:
            account.chat_id = incoming.chat_id
        if account.blocked and not incoming.is_group:  # a refused send marked it; writing again lifts that
            account.blocked = False

    async def _unexpired(self, session: AsyncSession, state: ConversationState | None) -> ConversationState | None:
        if state is not None and state.expires_at <= self.clock.now():
            await session.delete(state)
            await session.flush()
            return None
        return state

    async def _dispatch(self, request: Request, parsed: Parsed | None) -> list[Reply]:
        incoming, session, official, state = request.incoming, request.session, request.official, request.state
        flows = self.commands.flows
        text = incoming.callback or incoming.text
        menu = (state.data.get("menu") if state else None) or []
        pressed = bool(incoming.callback)  # a numbered choice below is a button press too
        if parsed is None and not pressed and is_number(text.strip()) and menu:
            choice = int(text.strip())
            if 1 <= choice <= len(menu):
                text, pressed = menu[choice - 1], True
        if parsed is None:
            parsed = parse_command(text, self.settings.bot_username)
        if parsed is None and incoming.is_group:
            return []  # in a group, the bot answers only commands addressed to it
        if parsed is None and official is None and looks_like_code(text):
            parsed = Parsed("start", [text.strip()])  # the code typed on its own, after the registration prompt
        if parsed is None and state is not None and state.flow in flows and not pressed:
            if official is None:
                return [Reply("account/register_prompt")]
            return _as_list(await flows[state.flow].handler(request))
        if parsed is None:
            parsed = match_intent(text, self.commands)
        entry = self.commands.get(parsed.command) if parsed else None
        if parsed is None or entry is None:
            if official is None:
                return [Reply("account/register_prompt")]
            if incoming.file is not None and (for_files := self.commands.for_files()) is not None:
                entry, parsed = for_files, Parsed(for_files.name)
            else:
                return [Reply("errors/unknown_command", {"text": text[:100]})]
        if official is None and not entry.public:
            return [Reply("account/register_prompt")]
        if official is not None and request.role not in entry.roles:
            return [Reply("errors/not_allowed", {"command": entry.name})]
        if state is not None and state.flow in flows and not pressed:
            await session.delete(state)  # a new command abandons a flow in progress
            await session.flush()
            request.state = None
        request.command, request.args = entry.name, parsed.args
        return _as_list(await entry.handler(request))

    async def _remember_menu(self, session: AsyncSession, incoming: Incoming, replies: list[Reply]) -> None:
        await self._remember_options(session, incoming, [b.data for r in replies for row in r.buttons for b in row])

    async def remember_pushed_menu(self, channel: str, chat_id: str, options: list[str]) -> None:
        """A push shown with numbered choices (Zalo, the console: "1. Nhắc lại sau 1 ngày: /nhaclai 812 1"):
        a bare number in the official's next message presses one, as after an answer. Pushes go to private
        chats, where the chat is the user (Zalo's ``chat.id`` equals ``from.id``)."""
        incoming = Incoming(channel=channel, chat_id=chat_id, user_id=chat_id, text="")
        async with self.sessions() as session, session.begin():
            await self._remember_options(session, incoming, options)

    async def _remember_options(self, session: AsyncSession, incoming: Incoming, options: list[str]) -> None:
        if not options:
            return
        state = (await session.execute(_STATE, _keys(incoming))).scalar()
        state = await self._unexpired(session, state)
        now = self.clock.now()
        if state is None:
            state = ConversationState(
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                external_id=incoming.user_id,
                flow="menu",
                data={},
                updated_at=now,
                expires_at=now + MENU_TTL,
            )
            session.add(state)
        state.data = {**state.data, "menu": options}
        state.updated_at = now
        if state.flow == "menu":
            state.expires_at = now + MENU_TTL


_PARENT = parent_of()
_THIS_STATE = and_(
    ConversationState.channel == bindparam("channel"),
    ConversationState.chat_id == bindparam("chat_id"),
    ConversationState.external_id == bindparam("external_id"),
)
# Who writes, from where, and what they were in the middle of: one query per message, built once
# (parameters: channel, external_id, chat_id).
_IDENTITY = (
    select(Official, ChatAccount, Unit, ConversationState, _PARENT.name, _PARENT.kind)
    .join(ChatAccount, ChatAccount.official_id == Official.id)
    .join(Unit, Unit.id == Official.unit_id)
    .outerjoin(_PARENT, _PARENT.id == Unit.parent_id)
    .outerjoin(ConversationState, _THIS_STATE)
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
        Official.active.is_(True),
    )
)
_STATE = select(ConversationState).where(_THIS_STATE)
_WHO = (
    select(Official.role, Official.language)
    .join(ChatAccount, ChatAccount.official_id == Official.id)
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
        Official.active.is_(True),
    )
)


def _names(line: str, bot_username: str) -> bool:
    """``/diem@cchc_bot …``: a command line written to this bot by name."""
    head = line.split(maxsplit=1)[0] if line else ""
    _, _, addressee = head.partition("@")
    return line.startswith("/") and bool(bot_username) and addressee.lower() == bot_username.lower()


def _keys(incoming: Incoming) -> dict[str, str]:
    return {"channel": incoming.channel, "external_id": incoming.user_id, "chat_id": incoming.chat_id}


def _as_list(result: Reply | list[Reply]) -> list[Reply]:
    return result if isinstance(result, list) else [result]


def _cleaned(incoming: Incoming) -> Incoming:
    """Every text field of the message through ``models.text.clean``, before anything reads or stores it."""
    file = incoming.file
    if file is not None and file.name != clean(file.name):
        file = dataclasses.replace(file, name=clean(file.name))
    return dataclasses.replace(
        incoming,
        text=clean(incoming.text),
        callback=clean(incoming.callback) if incoming.callback is not None else None,
        display_name=clean(incoming.display_name),
        file=file,
    )
