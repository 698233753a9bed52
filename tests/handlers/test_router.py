"""The one message path: parsing, identity, permissions, numbered buttons, transactions, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import Handler, HandlerConfig, Reply, Request, UserError
from handlers.registry import app_commands
from handlers.router import MENU_TTL, Parsed, Router, match_intent, parse_command
from models import AuditEntry, ChatAccount, FrozenClock
from tests.handlers.conftest import NOW, Ask, Bot

PROMPT = (
    "Đồng chí chưa đăng ký sử dụng Trợ lý CCHC.\n"
    "Đề nghị đồng chí liên hệ Tổ thư ký CCHC (Sở Nội vụ) để nhận mã mời, "
    "sau đó gửi: /start <mã mời> (hoặc chỉ gửi mã mời)"
)


@pytest.fixture
def temporary_command(bot: Bot) -> Callable[..., None]:
    """Register a command with this test's router only (each router answers the commands it is given)."""

    def add(name: str, handler: Handler, **options: Any) -> None:
        bot.router.commands.command(name, **options)(handler)

    return add


def test_parse_command_reads_name_args_and_addressee() -> None:
    assert parse_command("/nhiemvu@cchc_bot 12 quahan", "cchc_bot") == Parsed("nhiemvu", ["12", "quahan"])
    assert parse_command("/NhiemVu", "cchc_bot") == Parsed("nhiemvu", [])
    assert parse_command("/nhiemvu@other_bot 12", "cchc_bot") is None
    assert parse_command("nhiem vu") is None


def test_longest_intent_wins_and_keeps_the_rest_as_arguments() -> None:
    commands = app_commands()
    assert match_intent("Nhiệm vụ quá hạn", commands) == Parsed("nhiemvu", ["quahan"])
    assert match_intent("nhiem vu cua xa", commands) == Parsed("nhiemvu", ["cua", "xa"])
    assert match_intent("báo cáo tiến độ 12 80", commands) == Parsed("capnhat", ["12", "80"])
    assert match_intent("thời tiết hôm nay", commands) is None


def test_every_command_is_included_once_and_group_and_file_commands_come_from_their_registration() -> None:
    commands = app_commands()
    assert sorted(c.name for c in commands.unique() if c.in_groups) == [
        "bieudo",
        "chitieu",
        "diem",
        "help",
        "sosanh",
        "thidua",
        "xephang",
    ]
    assert commands.for_files() is not None and commands.for_files() is commands.get("tailen")
    with pytest.raises(ValueError, match="registered twice"):
        app_commands().include(app_commands())


async def test_unregistered_user_gets_only_the_prompt_for_every_command(ask: Ask, bot: Bot) -> None:
    assert bot.router.commands.by_key, "no command registered"
    for name, entry in sorted(bot.router.commands.by_key.items()):
        for line in (f"/{name}", f"/{name} 1", f"/{name} 2024 quahan"):
            text = await ask(line, as_="stranger")
            if entry.public and line != f"/{name}":
                assert text.endswith(PROMPT), (line, text)
                assert len(text.splitlines()) == 3, (line, text)  # one line on the code, then the prompt
            else:
                assert text == PROMPT, (line, text)
        for phrase, _ in entry.intents:
            assert await ask(phrase, as_="stranger") == PROMPT
    assert await ask("xin chào", as_="stranger") == PROMPT
    assert await ask(callback="/nhiemvu 2024 1", as_="stranger") == PROMPT


async def test_unregistered_user_in_a_flow_state_still_gets_only_the_prompt(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask("/capnhat 2", as_="ms")
    async with sessions() as session:
        account = (await session.execute(select(ChatAccount).where(ChatAccount.external_id == "ms"))).scalar_one()
        await session.delete(account)
        await session.commit()
    assert await ask("80", as_="ms") == PROMPT


async def test_role_without_permission_is_refused(ask: Ask) -> None:
    text = await ask("/moi MS canbo", as_="ms")
    assert text.startswith("Lệnh /moi không dành cho vai trò của đồng chí")


async def test_unknown_command_and_text_suggest_help(ask: Ask) -> None:
    assert "gõ /help để xem các lệnh" in await ask("/khongco")
    assert "chưa hiểu yêu cầu “thời tiết hôm nay”" in await ask("thời tiết hôm nay")


async def test_failure_rolls_back_and_gives_a_reference(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], temporary_command: Callable[..., None]
) -> None:
    async def broken(request: Request) -> Reply:
        request.session.add(AuditEntry(at=request.clock.now(), action="test.partial"))
        await request.session.flush()
        raise RuntimeError("boom")

    temporary_command("thuloi", broken)
    text = await ask("/thuloi")
    assert "gặp lỗi khi xử lý yêu cầu" in text
    assert "mã tham chiếu" in text
    async with sessions() as session:
        assert (await session.execute(select(AuditEntry).where(AuditEntry.action == "test.partial"))).first() is None


async def test_user_error_rolls_back_and_shows_its_template(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], temporary_command: Callable[..., None]
) -> None:
    async def refusing(request: Request) -> Reply:
        request.session.add(AuditEntry(at=request.clock.now(), action="test.refused"))
        await request.session.flush()
        raise UserError("errors/not_your_unit")

    temporary_command("thutuchoi", refusing)
    assert "thuộc đơn vị khác" in await ask("/thutuchoi")
    async with sessions() as session:
        assert (await session.execute(select(AuditEntry).where(AuditEntry.action == "test.refused"))).first() is None


async def test_group_chat_ignores_plain_text_but_answers_commands(ask: Ask, bot: Bot) -> None:
    assert await ask("nhiem vu qua han", group=True) == ""
    assert bot.last == []
    assert "quá hạn 62 ngày" in await ask("/nhiemvu@cchc_bot quahan", group=True)


async def test_numbered_reply_beyond_the_menu_is_plain_text(ask: Ask) -> None:
    await ask("/ngonngu", numbered=True)
    assert "chưa hiểu yêu cầu “7”" in await ask("7", numbered=True)
    assert "bằng tiếng Việt" in await ask("1", numbered=True)


async def test_numbered_menu_expires(ask: Ask, clock: FrozenClock) -> None:
    await ask("/ngonngu", numbered=True)
    clock.advance(MENU_TTL + timedelta(minutes=1))
    assert "chưa hiểu yêu cầu “2”" in await ask("2", numbered=True)


async def test_identity_marks_the_account_seen(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    clock.advance(timedelta(minutes=5))
    await ask("/help")
    async with sessions() as session:
        account = (await session.execute(select(ChatAccount).where(ChatAccount.external_id == "ms"))).scalar_one()
    assert account.last_seen_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("at_once", [1, 2])
async def test_messages_take_turns_at_most_at_once_at_a_time(
    at_once: int,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    settings: HandlerConfig,
    province: dict[str, int],
    bot: Bot,
    temporary_command: Callable[..., None],
) -> None:
    inside, most = [0], [0]

    async def slow(request: Request) -> Reply:
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        await asyncio.sleep(0.02)
        inside[0] -= 1
        return Reply("errors/unknown_command", {"text": "chậm"})

    temporary_command("cham", slow)
    bot = Bot(Router(sessions, clock=clock, settings=settings, at_once=at_once, commands=bot.router.commands))
    answers = await asyncio.gather(*(Bot(bot.router).ask("/cham", as_=who) for who in ("ms", "yt", "head", "leader")))
    assert all("“chậm”" in answer for answer in answers)  # every message answered, none lost while waiting
    assert most[0] == at_once
