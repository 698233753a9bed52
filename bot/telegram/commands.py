"""The command menu Telegram shows next to the text box (setMyCommands), in Vietnamese and English.

Everyone sees the commands an officer may use, in the language of their Telegram app (``vi`` or
``en``, the configured default otherwise). Admins, leaders and unit heads whose role adds commands get
their own menu in their chosen language, scoped to their private chat (``BotCommandScopeChat``), so
admin commands are shown only to admins. A chat's menu is refreshed when its official registers or
changes language.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.render import Renderer
from bot.telegram.accounts import CHANNEL, chats_by_role
from handlers.base import Commands, Reply
from handlers.router import Router
from models import Role

log = logging.getLogger(__name__)
LANGUAGES = ("vi", "en")
BASE_ROLE = Role.OFFICER


def menu(commands: Commands, role: Role | None) -> list[str]:
    """Command names for ``role`` (None: someone not registered yet, who sees the officer's menu)."""
    role = role or BASE_ROLE
    return [c.name for c in commands.unique() if c.listed and role in c.roles]


def bot_commands(renderer: Renderer, lang: str, names: list[str]) -> list[BotCommand]:
    text = renderer.render(lang, Reply("telegram/commands", {"names": names}), "text")
    lines = [line.split(" ", 1) for line in text.splitlines() if line.strip()]
    return [BotCommand(name, about.strip()[:256]) for name, about in lines]


class Menus:
    def __init__(self, bot: Bot, renderer: Renderer, router: Router, default_lang: str) -> None:
        self.bot, self.renderer, self.router, self.default_lang = bot, renderer, router, default_lang
        self.sessions, self.commands = router.sessions, router.commands

    async def publish(self) -> None:
        """The default menus in both languages, then the menus of the chats whose role adds commands."""
        names = menu(self.commands, None)
        try:
            await self.bot.set_my_commands(bot_commands(self.renderer, self.default_lang, names))
            for lang in LANGUAGES:
                await self.bot.set_my_commands(bot_commands(self.renderer, lang, names), language_code=lang)
            for chat_id, role, lang in await chats_by_role(self.sessions, frozenset(Role) - {BASE_ROLE}):
                await self._set_chat(chat_id, role, lang)
        except TelegramError as exc:
            log.warning("could not publish the command menus: %s", exc)

    async def refresh(self, user_id: str, chat_id: str) -> None:
        """After /start or /ngonngu: this private chat's menu for the official's role and language."""
        who = await self.router.who(CHANNEL, user_id)
        if who is None:
            return
        try:
            await self._set_chat(chat_id, who.role, who.language, always=True)
        except TelegramError as exc:
            log.warning("could not set the command menu of chat %s: %s", chat_id, exc)

    async def _set_chat(self, chat_id: str, role: Role, lang: str, *, always: bool = False) -> None:
        names = menu(self.commands, role)
        if names == menu(self.commands, None) and not always:
            return
        await self.bot.set_my_commands(
            bot_commands(self.renderer, lang, names), scope=BotCommandScopeChat(int(chat_id))
        )
