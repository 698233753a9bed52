"""/nhacnho (admins: the pushes waiting in the outbox), /tatnhac and /batnhac (optional pushes off and on)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.due import due_pushes
from jobs.kinds import PushRules
from jobs.outbox import enqueue
from models import Official
from models.settings import RemindersConfig, ScheduleConfig
from tests.handlers.conftest import NOW, Ask, Bot


async def queue_reminders(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Today's reminders, with overdue notices every day after the 7th (the tasks here are 32 and 62 days
    overdue: no weekly notice day falls today)."""
    rules = PushRules(RemindersConfig(overdue_repeat_days=1), ScheduleConfig(catch_up_days=0))
    async with sessions() as session, session.begin():
        return await enqueue(session, await due_pushes(session, NOW, rules, ["reminders"]))


async def opted_out(sessions: async_sessionmaker[AsyncSession], key: str) -> bool:
    async with sessions() as session:
        name = {"ms": "Nguyễn Văn An"}[key]
        official = (await session.execute(select(Official).where(Official.full_name == name))).scalar_one()
        return official.push_opt_out


async def test_admin_sees_pending_pushes_by_kind_and_the_next_few(
    bot: Bot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    queued = await queue_reminders(sessions)
    assert queued > 0
    text = await bot.ask("/nhacnho", as_="admin")
    assert f"Tin nhắn chủ động chờ gửi: {queued}" in text
    assert "Nhiệm vụ quá hạn" in text and "Sắp gửi" in text and "09:00 01/06/2024" in text


async def test_an_empty_outbox_says_nothing_is_waiting(bot: Bot) -> None:
    assert "Không có tin nhắn nào đang chờ" in await bot.ask("/nhacnho", as_="admin")


async def test_only_admins_may_see_the_outbox(bot: Bot) -> None:
    assert "Tin nhắn chủ động" not in await bot.ask("/nhacnho", as_="ms")


async def test_an_official_turns_optional_pushes_off_and_on(
    bot: Bot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = await bot.ask("/tatnhac")
    assert "Đã tắt các tin nhắn không bắt buộc" in text and "vẫn nhận nhắc hạn" in text
    assert await opted_out(sessions, "ms")
    assert "đã được tắt từ trước" in await bot.ask("tat nhac")
    assert "Đã bật lại" in await bot.ask("/batnhac")
    assert not await opted_out(sessions, "ms")


async def test_help_lists_the_push_commands_for_the_right_roles(bot: Bot) -> None:
    officer = await bot.ask("/help")
    assert "/tatnhac" in officer and "/batnhac" in officer and "/nhacnho" not in officer
    assert "/nhacnho" in await bot.ask("/help", as_="admin")


async def test_choosing_the_channel_for_pushes(ask: Ask, sessions: async_sessionmaker[AsyncSession]) -> None:
    from models import ChatAccount

    assert "kênh đồng chí nhắn gần nhất" in await ask("/kenh", as_="ms")
    assert "chưa liên kết tài khoản Telegram hoặc Zalo" in await ask("/kenh zalo", as_="ms")
    async with sessions() as session:
        official = (
            await session.execute(select(ChatAccount.official_id).where(ChatAccount.external_id == "ms"))
        ).scalar_one()
        for channel in ("telegram", "zalo"):
            session.add(ChatAccount(official_id=official, channel=channel, external_id=f"ms-{channel}",
                                    chat_id=f"ms-{channel}", created_at=NOW))  # fmt: skip
        await session.commit()
    assert "Chọn kênh nhận tin: /kenh telegram, /kenh zalo" in await ask("/kenh", as_="ms")
    assert "Đã lưu. Tin nhắn nhắc việc được gửi qua Zalo" in await ask("/kenh Zalo", as_="ms")
    async with sessions() as session:
        assert (await session.get(Official, official)).push_channel == "zalo"  # type: ignore[union-attr]
    assert "Không có kênh “viber”" in await ask("/kenh viber", as_="ms")
    assert "kênh đồng chí nhắn gần nhất" in await ask("/kenh tự động", as_="ms")
