"""In a group the bot answers only commands written to it, and only with what every member may see."""

from __future__ import annotations

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, OFFICER

GROUP = -1001234567


async def test_group_gets_answers_only_to_commands_addressed_to_the_bot(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.group(GROUP)
    for text in ("chào cả nhóm", "nhiem vu qua han", "/help", "/help@some_other_bot"):
        await tg.send_text(OFFICER, text, chat_id=GROUP)
    await tg.no_more(GROUP)

    await tg.send_text(OFFICER, "/help@cchc_test_bot", chat_id=GROUP)
    answer = await tg.next_sent(GROUP)
    assert "/nhiemvu" in answer.text


async def test_group_never_shows_task_details(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.group(GROUP)
    for text in ("/nhiemvu@cchc_test_bot", "/nhiemvu@CCHC_test_bot 5", "/moi@cchc_test_bot LS canbo"):
        await tg.send_text(ADMIN, text, chat_id=GROUP)
        refusal = await tg.next_sent(GROUP)
        assert "tin nhắn riêng" in refusal.text
        assert "https://t.me/cchc_test_bot" in refusal.text
        assert "Nhiệm vụ" not in refusal.text and "Mã mời" not in refusal.text
    await tg.no_more(GROUP)


async def test_start_with_an_invite_code_is_refused_in_a_group(tg: FakeTelegram, bot: TelegramChannel) -> None:
    tg.group(GROUP)
    await tg.send_text(ADMIN, "/start@cchc_test_bot ABCDEFGH", chat_id=GROUP)
    refusal = await tg.next_sent(GROUP)
    assert "tin nhắn riêng" in refusal.text
