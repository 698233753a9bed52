"""Replies as Telegram messages: long texts split at line ends, callback data over 64 bytes kept
server-side, escaping that Telegram's strict HTML parser accepts."""

from __future__ import annotations

from bot.telegram.buttons import PREFIX
from bot.telegram.channel import TelegramChannel
from bot.telegram.send import MAX_TEXT, split_text
from handlers.base import Button, Reply
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import ADMIN, press


def test_split_keeps_short_texts_whole() -> None:
    assert split_text("một\nhai") == ["một\nhai"]


def test_split_cuts_at_line_ends_within_the_limit() -> None:
    lines = [f"<b>Dòng {i}</b> " + "chữ " * 40 for i in range(200)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert "\n".join(pieces) == "\n".join(lines)  # nothing lost, every cut on a line end


def test_a_single_huge_line_is_cut_outside_tags_and_entities() -> None:
    line = ("a&amp;b <b>đậm</b> " * 600).strip()
    pieces = split_text(line, limit=500)
    assert all(len(piece) <= 500 for piece in pieces)
    for piece in pieces:
        assert piece.count("<b>") == piece.count("</b>")
        assert not piece.endswith("&amp") and not piece.startswith("amp;")


async def test_long_reply_arrives_as_several_valid_messages(tg: FakeTelegram, bot: TelegramChannel) -> None:
    text = "\n".join(f"<b>Nhiệm vụ {i}</b>: " + "Rà soát &amp; đơn giản hóa thủ tục. " * 6 for i in range(60))
    await bot.sender.send_text(str(ADMIN), text)
    pieces = [await tg.next_sent(ADMIN) for _ in range(4)]  # 14,000 characters
    await tg.no_more(ADMIN)
    assert pieces[0].text.startswith("Nhiệm vụ 0:") and "Nhiệm vụ 59" in pieces[-1].text
    assert "\n".join(p.text for p in pieces).count("Nhiệm vụ") == 60
    assert all(c.status == 200 for c in tg.calls if c.method == "sendMessage")


async def test_long_button_data_is_kept_server_side_and_still_works(tg: FakeTelegram, bot: TelegramChannel) -> None:
    line = "/help " + "đ" * 40  # 86 bytes: over Telegram's 64
    await bot.sender.send(str(ADMIN), "vi", Reply("telegram/button_expired", buttons=[[Button("common.yes", line)]]))
    message = await tg.next_sent(ADMIN)
    data = message.button_data()[0]
    assert data.startswith(PREFIX) and len(data.encode()) <= 64
    answer = await press(tg, ADMIN, message, data)
    assert "/moi" in answer.text  # /help ran


async def test_an_unknown_stored_button_says_it_expired(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await bot.sender.send(str(ADMIN), "vi", Reply("telegram/button_expired", buttons=[[Button("common.yes", "/help")]]))
    message = await tg.next_sent(ADMIN)
    await tg.press(ADMIN, message.message_id, PREFIX + "0" * 16)
    assert "hết hạn" in (await tg.next_sent(ADMIN)).text


async def test_user_text_is_escaped_for_telegram(tg: FakeTelegram, bot: TelegramChannel) -> None:
    await tg.send_text(ADMIN, "<b>xin chào</b> & <script>")
    reply = await tg.next_sent(ADMIN)
    assert "<script>" in reply.text  # shown to the user as typed...
    assert "&lt;script&gt;" in reply.html  # ...because it was escaped in the HTML sent
