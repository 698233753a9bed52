"""The bot in polling mode against the fake Bot API: the first words of a conversation."""

from __future__ import annotations

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, STRANGER


async def test_stranger_gets_only_the_registration_prompt(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_text(STRANGER, "/help")
    reply = await tg.next_sent(STRANGER)
    assert "chưa đăng ký" in reply.text
    assert "/start" in reply.text


async def test_registered_admin_gets_the_command_list(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_text(ADMIN, "/help")
    reply = await tg.next_sent(ADMIN)
    assert "/moi" in reply.text
    assert reply.kind == "message"
    assert "<b>" in reply.html  # HTML parse mode, accepted by the server's strict parser
