"""Groups (off by default): only allowed groups, only messages that mention the bot, the mention stripped
before the command is read, and only what every member may see."""

from __future__ import annotations

import pytest

from bot.zalo.channel import ZaloChannel
from bot.zalo.updates import strip_mention
from tests.fakes.zalo_server import FakeZalo
from tests.fakes.zalo_world import BOT_NAME
from tests.zalo.support import OFFICER

GROUP = "9d" * 10
OTHER_GROUP = "7e" * 10


def test_strip_mention() -> None:
    names = (BOT_NAME, "bot.CchcLangSon")
    assert strip_mention(f"@{BOT_NAME} /diem", names) == "/diem"
    assert strip_mention("@bot.cchclangson   /thidua bxh", names) == "/thidua bxh"
    assert strip_mention("@Bot khác tên /help", names) == "/help"
    assert strip_mention("/help", names) is None


async def test_groups_are_ignored_by_default(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await zalo.send_text(OFFICER, f"@{BOT_NAME} /help", group=GROUP)
    await zalo.no_more(GROUP, wait=0.6)


class TestAllowedGroup:
    @pytest.fixture
    def zalo_settings(self) -> dict[str, object]:
        return {"groups": True, "group_allow": [GROUP]}

    async def test_a_mention_with_a_public_command_is_answered_in_the_group(
        self, zalo: FakeZalo, bot: ZaloChannel
    ) -> None:
        await zalo.send_text(OFFICER, f"@{BOT_NAME} /help", group=GROUP)
        reply = await zalo.next_sent(GROUP)
        assert "/diem" in reply.text

    async def test_private_commands_are_pointed_to_the_private_chat(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        await zalo.send_text(OFFICER, f"@{BOT_NAME} /nhiemvu", group=GROUP)
        reply = await zalo.next_sent(GROUP)
        assert "tin nhắn riêng" in reply.text

    async def test_no_mention_and_other_groups_are_ignored(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        await zalo.send_text(OFFICER, "/help", group=GROUP)
        await zalo.send_text(OFFICER, f"@{BOT_NAME} /help", group=OTHER_GROUP)
        await zalo.no_more(GROUP, wait=0.6)
        await zalo.no_more(OTHER_GROUP, wait=0.1)
