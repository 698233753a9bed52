"""/nhiemvu on Telegram: a list with inline buttons, a task's detail, pages turned by editing in place."""

from __future__ import annotations

import pytest

from bot.telegram.channel import TelegramChannel
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram.support import OFFICER, press, say


@pytest.fixture
def bot_settings() -> dict[str, object]:
    return {"page_size": 3}  # the demo commune has 7 tasks: three pages


async def test_task_list_button_opens_detail_and_next_page_edits_the_list(
    tg: FakeTelegram, bot: TelegramChannel
) -> None:
    listing = await say(tg, OFFICER, "/nhiemvu")
    assert listing.kind == "message"
    detail_buttons = [d for d in listing.button_data() if d.startswith("/nhiemvu ") and "trang" not in d]
    assert len(detail_buttons) == 3

    detail = await press(tg, OFFICER, listing, detail_buttons[0])
    assert detail.kind == "message"  # a detail is a new message below the list
    number = detail_buttons[0].split()[-1]
    assert f"{number}" in detail.text

    next_page = [d for d in listing.button_data() if d not in detail_buttons]
    assert next_page, "the list has a next-page button"
    page_two = await press(tg, OFFICER, listing, next_page[0])
    assert page_two.kind == "edit"
    assert page_two.message_id == listing.message_id
    assert page_two.text != listing.text
    assert tg.callbacks and all(tg.callbacks.values()), "every button press was answered"
    assert len(tg.called("editMessageText")) == 1


async def test_pressing_the_same_page_twice_is_harmless(tg: FakeTelegram, bot: TelegramChannel) -> None:
    listing = await say(tg, OFFICER, "/nhiemvu")
    detail_buttons = [d for d in listing.button_data() if d.startswith("/nhiemvu ") and "trang" not in d]
    next_page = next(d for d in listing.button_data() if d not in detail_buttons)
    first = await press(tg, OFFICER, listing, next_page)
    assert first.kind == "edit"
    await tg.press(OFFICER, listing.message_id, next_page)  # the user taps the old button again
    await tg.no_more(OFFICER)
    assert all(tg.callbacks.values())
