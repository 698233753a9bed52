"""Binding a Zalo account with an invite: `/start <code>` works exactly as on Telegram."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from bot.zalo.channel import ZaloChannel
from models import ChatAccount
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import ADMIN, STRANGER, say


async def test_start_with_an_invite_binds_the_zalo_account(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    prompt = await say(zalo, STRANGER, "/nhiemvu")
    assert "/start" in prompt  # not registered yet

    invite = await say(zalo, ADMIN, "/moi 06457 canbo Nguyễn Văn Bình")
    code = re.search(r"/start ([A-Z0-9]{6,})", invite)
    assert code is not None, invite
    welcome = await say(zalo, STRANGER, f"/start {code.group(1)}")
    assert "Tuấn Sơn" in welcome
    tasks = await say(zalo, STRANGER, "/nhiemvu")
    assert "Tuấn Sơn" in tasks

    async with app.sessions() as session:
        account = (
            await session.execute(
                select(ChatAccount).where(ChatAccount.channel == "zalo", ChatAccount.external_id == STRANGER)
            )
        ).scalar_one()
    assert account.chat_id == STRANGER  # the Zalo id as Zalo sent it: a string, never a number

    other = zalo.user("Người khác")
    again = await say(zalo, other, f"/start {code.group(1)}")
    assert "đã được sử dụng" in again  # single use
