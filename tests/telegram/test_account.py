"""Registering on Telegram with an invite deep link, and the command menus Telegram shows."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bot.app import App
from bot.telegram.channel import TelegramChannel
from models import ChatAccount
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, OFFICER, STRANGER, say

DEFAULT = json.dumps({"type": "default"}, sort_keys=True)


async def test_invite_deep_link_binds_the_telegram_account(tg: FakeTelegram, bot: TelegramChannel, app: App) -> None:
    invite = await say(tg, ADMIN, "/moi 06457 canbo Nguyễn Văn Bình")
    link = re.search(r"https://t\.me/(\w+)\?start=(\w+)", invite.text)
    assert link is not None, invite.text
    assert link.group(1) == "cchc_test_bot"  # the config left bot_username empty: it came from getMe
    code = link.group(2)

    welcome = await say(tg, STRANGER, f"/start {code}")  # what Telegram sends when the link is opened
    assert "Nguyễn Văn Bình" in welcome.text and "Tuấn Sơn" in welcome.text
    assert "/nhiemvu" in welcome.text  # one message: who they are and the commands of their role
    tasks = await say(tg, STRANGER, "/nhiemvu")
    assert "Tuấn Sơn" in tasks.text

    async with app.sessions() as session:
        account = (
            await session.execute(
                select(ChatAccount).where(ChatAccount.channel == "telegram", ChatAccount.external_id == str(STRANGER))
            )
        ).scalar_one()
    assert account.chat_id == str(STRANGER)

    tg.user(STRANGER + 1)
    again = await say(tg, STRANGER + 1, f"/start {code}")
    assert "đã được sử dụng" in again.text  # single use


async def test_command_menus_in_both_languages_and_admin_commands_only_for_admins(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    admin_scope = json.dumps({"chat_id": ADMIN, "type": "chat"}, sort_keys=True)
    await tg.wait_for(lambda: (admin_scope, "") in tg.commands)
    names = {key: [c["command"] for c in commands] for key, commands in tg.commands.items()}
    for lang in ("", "vi", "en"):
        assert "nhiemvu" in names[(DEFAULT, lang)]
        assert "moi" not in names[(DEFAULT, lang)] and "tailen" not in names[(DEFAULT, lang)]
    assert tg.commands[(DEFAULT, "vi")] != tg.commands[(DEFAULT, "en")]  # descriptions are translated
    assert {"moi", "tailen"} <= set(names[(admin_scope, "")])
    officer_scope = json.dumps({"chat_id": OFFICER, "type": "chat"}, sort_keys=True)
    assert (officer_scope, "") not in tg.commands  # an officer's menu is the default one


async def test_english_speaker_gets_english_menu_after_changing_language(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    reply = await say(tg, OFFICER, "/ngonngu en")
    assert "English" in reply.text or "english" in reply.text.lower()
    officer_scope = json.dumps({"chat_id": OFFICER, "type": "chat"}, sort_keys=True)
    await tg.wait_for(lambda: (officer_scope, "") in tg.commands)
    descriptions = [c["description"] for c in tg.commands[(officer_scope, "")]]
    assert "The commands you may use" in descriptions
