"""The channel-neutral message types and the command registry.

A channel turns what it receives into an ``Incoming``; the router finds the official and the handler;
the handler returns one or more ``Reply`` objects naming a template and its context; the channel renders
and sends them. Nothing here knows which chat application is on the other side.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Clock, ConversationState, Official, Role, Unit
from models.calendar import CalendarConfig, WorkCalendar
from models.settings import BotConfig, DashboardConfig, RemindersConfig, ReportsConfig, ZaloConfig
from models.settings_oa import ZnsConfig
from models.text import fold

ALL_ROLES: frozenset[Role] = frozenset(Role)
LEADERS: frozenset[Role] = frozenset({Role.LEADER, Role.ADMIN})
ADMINS: frozenset[Role] = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class FileRef:
    """A file a user sent. ``content`` is filled by the channel when the handler needs the bytes."""

    file_id: str
    name: str = ""
    kind: str = "document"  # document | photo
    size: int = 0
    content: bytes | None = None


@dataclass(frozen=True)
class Incoming:
    channel: str  # telegram | zalo | console
    chat_id: str
    user_id: str  # the sender's id on that channel, always a string
    text: str = ""
    callback: str | None = None  # the data of a pressed button
    file: FileRef | None = None
    display_name: str = ""
    is_group: bool = False
    message_id: str | None = None  # the message a button was on (for edit-in-place)
    addressed: bool = False  # delivered because it names the bot (Zalo's mention, stripped from ``text``)
    bot: str = ""  # Zalo: the [[zalo.bots]] name of the bot it came in on ("default": the [zalo] token's)


@dataclass(frozen=True)
class Attachment:
    """A file to send with a reply, by the id the channel gave it when a user sent it."""

    kind: str  # photo | document
    file_id: str
    channel: str  # the channel whose id it is: only that channel can send it


@dataclass(frozen=True)
class Button:
    """``label`` names a macro: "tasks.detail" is ``detail`` in ``templates/labels/tasks.j2``.
    ``args`` are passed to the macro. ``data`` is what pressing the button sends,
    written as a command line (``/nhiemvu 12``) so that a forged button is checked like typed text."""

    label: str
    data: str
    args: dict[str, Any] = field(default_factory=dict)
    url: str = ""  # opens this address instead of sending ``data`` (channels that have such buttons)
    web_app: bool = False  # with ``url``: opened as a Telegram Mini App inside the chat


@dataclass
class Reply:
    template: str  # e.g. "tasks/list" -> templates/tasks/list.j2
    context: dict[str, Any] = field(default_factory=dict)
    buttons: list[list[Button]] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # a chart a channel may draw (see bot/charts)
    edit: bool = False  # replace the message whose button was pressed, where the channel can
    attachment: Attachment | None = None  # sent with the text as its caption, by channels that hold it
    chart_now: bool = False  # ``chart`` is the answer itself (its button was pressed), not offered with a button
    document: dict[str, Any] | None = None  # a file a channel builds and sends with the text (see bot/exports)


@dataclass(frozen=True)
class HandlerConfig:
    """What handlers read of the configuration: the [bot] section as validated (``models/settings.py``),
    and the bot's Telegram username for deep links (``[telegram].bot_username``, or learnt from the Bot API
    at start; empty elsewhere). The keys handlers read most are named here too."""

    bot: BotConfig = field(default_factory=BotConfig)
    bot_username: str = ""
    reports: ReportsConfig = field(default_factory=ReportsConfig)  # [reports]: the days of the periodic report
    dashboard: DashboardConfig = field(default_factory=DashboardConfig)  # [dashboard]: /bangdieukhien's links
    reminders: RemindersConfig = field(default_factory=RemindersConfig)  # [reminders]: how far a snooze may go
    calendar: CalendarConfig = field(default_factory=CalendarConfig)  # [calendar]: the working days
    zns: ZnsConfig | None = None  # [zalo_oa.zns] when the Zalo OA runs: /moi zns sends invite codes by ZNS
    zalo: ZaloConfig = field(default_factory=ZaloConfig)  # [zalo]: its bots, their caps and links (/start, /nhacnho)

    @cached_property
    def work_calendar(self) -> WorkCalendar:
        return self.calendar.work_calendar()

    @property
    def due_soon_days(self) -> int:
        return self.bot.due_soon_days

    @property
    def invite_ttl_hours(self) -> int:
        return self.bot.invite_ttl_hours

    @property
    def page_size(self) -> int:
        return self.bot.page_size


@dataclass
class Request:
    """Everything a handler gets: who asks, what they typed, a database session for this one message."""

    incoming: Incoming
    session: AsyncSession
    clock: Clock
    settings: HandlerConfig
    official: Official | None
    lang: str
    command: str = ""
    args: list[str] = field(default_factory=list)
    state: ConversationState | None = None
    unit: Unit | None = None  # the official's unit, read with the official (``access.own_unit``)
    commands: Commands = field(default_factory=lambda: Commands())  # what the router answers (/help lists them)

    @property
    def role(self) -> Role | None:
        return Role(self.official.role) if self.official else None


class UserError(Exception):
    """A failure the user caused (bad arguments, an unknown task, a refused request). The router turns
    it into a reply with ``template`` and ``context``; nothing is written."""

    def __init__(self, template: str, **context: Any) -> None:
        super().__init__(template)
        self.template = template
        self.context = context


Handler = Callable[[Request], Awaitable["Reply | list[Reply]"]]


@dataclass(frozen=True)
class Files:
    """The files a ``takes_files`` command reads the bytes of. A channel downloads a file only when the
    router says the command it goes to reads it and the sender may use that command
    (``Router.may_download``); anything else reaches the handler without its content."""

    suffixes: tuple[str, ...]  # ".xlsx", ... (lower case)
    max_bytes: int
    kinds: frozenset[str] = frozenset({"document"})

    def admit(self, file: FileRef) -> bool:
        suffix = PurePath(file.name).suffix.lower()
        return file.kind in self.kinds and suffix in self.suffixes and file.size <= self.max_bytes


@dataclass(frozen=True)
class Command:
    name: str  # the ASCII command name, e.g. "nhiemvu"
    handler: Handler
    roles: frozenset[Role]
    aliases: tuple[str, ...] = ()
    intents: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("nhiem vu qua han", ("quahan",)), ...
    public: bool = False  # may be used by an unregistered chat (only /start)
    listed: bool = True  # shown in /help
    in_groups: bool = False  # answered in group chats
    takes_files: bool = False  # a file sent without a command goes here
    files: Files | None = None  # the files whose bytes it reads (downloaded by the channel first)


@dataclass(frozen=True)
class Flow:
    """A multi-step conversation: ``handler`` gets every non-command message while the state lasts."""

    name: str
    handler: Handler


class Commands:
    """A set of commands and conversation flows. Each handler module fills its own (``commands =
    Commands()`` and ``@commands.command(...)``); ``handlers/registry.py`` includes them all into the app's
    in one visible place, and the router answers from the one it is given."""

    def __init__(self) -> None:
        self.by_key: dict[str, Command] = {}  # name and aliases -> command
        self.flows: dict[str, Flow] = {}

    def command(
        self,
        name: str,
        *,
        roles: frozenset[Role] = ALL_ROLES,
        aliases: Sequence[str] = (),
        intents: Mapping[str, Sequence[str]] | Sequence[str] = (),
        public: bool = False,
        listed: bool = True,
        in_groups: bool = False,
        takes_files: bool = False,
        files: Files | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register a handler for ``/name``, its aliases, and free-text intents.

        ``intents`` are phrases without diacritics that a message may start with; a mapping gives the
        arguments a phrase stands for: ``{"nhiem vu qua han": ["quahan"], "nhiem vu": []}``; a phrase ending
        in "$" matches only a message that is the phrase alone (``router.match_intent``).
        ``in_groups``: answered in a group chat (answers everyone there may read). ``takes_files``: a file
        sent without a command goes to this one; ``files``: which files it reads the bytes of.
        """
        phrases = intents.items() if isinstance(intents, Mapping) else ((p, ()) for p in intents)
        frozen = tuple((fold(p), tuple(a)) for p, a in phrases)

        def register(handler: Handler) -> Handler:
            entry = Command(name, handler, roles, tuple(aliases), frozen, public, listed, in_groups, takes_files, files)
            self._add(entry)
            return handler

        return register

    def flow(self, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._add_flow(Flow(name, handler))
            return handler

        return register

    def include(self, *others: Commands) -> Commands:
        """Add every command and flow of ``others`` (a name registered twice is a programming error)."""
        for other in others:
            for entry in other.unique():
                self._add(entry)
            for each in other.flows.values():
                self._add_flow(each)
        return self

    def _add(self, entry: Command) -> None:
        for key in (entry.name, *entry.aliases):
            if key in self.by_key:
                raise ValueError(f"command /{key} registered twice")
            self.by_key[key] = entry

    def _add_flow(self, entry: Flow) -> None:
        if entry.name in self.flows:
            raise ValueError(f"flow {entry.name!r} registered twice")
        self.flows[entry.name] = entry

    def get(self, key: str) -> Command | None:
        return self.by_key.get(key)

    def unique(self) -> list[Command]:
        """Each command once, in registration order."""
        seen: dict[str, Command] = {}
        for entry in self.by_key.values():
            seen.setdefault(entry.name, entry)
        return list(seen.values())

    def for_files(self) -> Command | None:
        """The command a file sent without one goes to."""
        return next((entry for entry in self.unique() if entry.takes_files), None)


def is_number(word: str) -> bool:
    """A whole number as people type one in an argument: ASCII digits, at most nine of them. (``"¹"`` and
    ``"٣"`` pass ``str.isdigit``, and an id of 25 digits does not fit the database's integers.)"""
    return word.isascii() and word.isdecimal() and len(word) <= 9
