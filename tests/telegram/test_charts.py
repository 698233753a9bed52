"""Charts on Telegram: offered with a "📊" button, drawn by matplotlib while the chat shows "typing",
sent as a PNG photo, and re-sent by Telegram file id when asked again."""

from __future__ import annotations

import struct

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.telegram_world import Sent
from tests.telegram.support import LEADER, OFFICER, STRANGER, say

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def ask_chart(tg: FakeTelegram, user: int, message: Sent) -> tuple[Sent, list[Sent]]:
    """Press the "📊" button of ``message``; the photo that comes and the chat actions shown before it."""
    offer = [d for d in message.button_data() if d.startswith("/bieudo ")]
    assert len(offer) == 1, message.button_data()
    await tg.press(user, message.message_id, offer[0])
    return await photo_after(tg, user)


async def photo_after(tg: FakeTelegram, chat: int) -> tuple[Sent, list[Sent]]:
    """The next photo in ``chat`` and the chat actions shown before it."""
    actions: list[Sent] = []
    while True:
        sent = await tg.next_sent(chat, timeout=15, actions=True)
        if sent.kind == "photo":
            return sent, actions
        assert sent.kind == "action", f"expected a chart, got {sent.kind}: {sent.text[:80]}"
        actions.append(sent)


def assert_matplotlib_png(content: bytes) -> None:
    assert content.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", content[16:24])
    assert content[12:16] == b"IHDR" and width > 300 and height > 200
    assert b"Matplotlib" in content  # the tEXt "Software" chunk matplotlib writes
    assert content.endswith(b"IEND\xaeB`\x82")


async def test_summary_comes_with_a_png_chart_drawn_while_typing(tg: FakeTelegram, bot: TelegramChannel) -> None:
    summary = await say(tg, LEADER, "/tomtat")
    assert "PAR INDEX" in summary.text
    await tg.no_more(LEADER)  # offered, not drawn
    chart, actions = await ask_chart(tg, LEADER, summary)
    assert [a.action for a in actions][:1] == ["typing"]
    assert_matplotlib_png(chart.content)


async def test_the_same_chart_again_is_resent_by_file_id(tg: FakeTelegram, bot: TelegramChannel) -> None:
    detail = await say(tg, LEADER, "/diem par")
    first, _ = await ask_chart(tg, LEADER, detail)
    assert_matplotlib_png(first.content)
    again, actions = await ask_chart(tg, LEADER, await say(tg, LEADER, "/diem par"))
    assert not actions  # nothing to draw
    uploads = [c.params.get("photo") for c in tg.called("sendPhoto")]
    assert uploads[-1] and isinstance(uploads[-1], str)  # a file id, not a new upload
    assert again.content == first.content


async def test_drive_standings_come_with_a_bar_chart(tg: FakeTelegram, bot: TelegramChannel) -> None:
    standing = await say(tg, OFFICER, "/thidua")
    assert "Tuấn Sơn" in standing.text
    chart, _ = await ask_chart(tg, OFFICER, standing)
    assert_matplotlib_png(chart.content)


async def test_a_stranger_cannot_get_a_chart_with_a_forged_button(tg: FakeTelegram, bot: TelegramChannel) -> None:
    prompt = await say(tg, STRANGER, "/diem")
    await tg.press(STRANGER, prompt.message_id, "/bieudo drive_leaderboard 1")
    refusal = await tg.next_sent(STRANGER)
    assert "chưa đăng ký" in refusal.text
    await tg.no_more(STRANGER)
    assert not tg.called("sendPhoto")


async def test_a_chart_offered_in_a_group_is_drawn_there(tg: FakeTelegram, bot: TelegramChannel) -> None:
    group = -1009876543
    tg.group(group)
    await tg.send_text(OFFICER, "/thidua@cchc_test_bot", chat_id=group)
    standing = await tg.next_sent(group)
    offer = [d for d in standing.button_data() if d.startswith("/bieudo ")]
    await tg.press(OFFICER, standing.message_id, offer[0], chat_id=group)
    chart, _ = await photo_after(tg, group)
    assert_matplotlib_png(chart.content)
