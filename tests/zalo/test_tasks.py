"""/nhiemvu on Zalo: buttons become numbered options, and a reply with the number presses the button."""

from __future__ import annotations

import pytest

from bot.zalo.channel import ZaloChannel
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import OFFICER, options, say


@pytest.fixture
def bot_settings() -> dict[str, object]:
    return {"page_size": 3}  # the demo commune has 9 tasks: three pages


async def test_task_list_has_numbered_options_and_a_number_opens_the_task(zalo: FakeZalo, bot: ZaloChannel) -> None:
    listing = await say(zalo, OFFICER, "/nhiemvu")
    assert "Tuấn Sơn" in listing
    numbered = options(listing)
    assert len(numbered) >= 3, listing
    assert "<b>" not in listing and "&lt;" not in listing  # plain text, not Telegram's HTML

    detail = await say(zalo, OFFICER, "1")
    assert detail != listing
    assert "1. " not in listing.split("\n")[0]
    last = max(numbered)
    page_two = await say(zalo, OFFICER, "/nhiemvu")
    assert options(page_two) == numbered  # the same list again: the same options
    turned = await say(zalo, OFFICER, str(last))  # the last option turns the page
    assert turned != page_two


async def test_a_number_without_options_is_just_text(zalo: FakeZalo, bot: ZaloChannel) -> None:
    reply = await say(zalo, OFFICER, "7")
    assert "7" in reply  # the unknown-command answer quotes it


async def test_ids_stay_strings_and_every_send_goes_to_the_chat_id(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await say(zalo, OFFICER, "/help")
    sends = zalo.called("sendMessage")
    assert sends and all(call.params["chat_id"] == OFFICER for call in sends)
    assert all(isinstance(call.params["chat_id"], str) for call in sends)
