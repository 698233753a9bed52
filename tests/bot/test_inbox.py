"""The inbox every channel shares (``bot/inbox.py``) and what it asks the router: group policy, downloads,
charts and the sender's language, as a channel sees them (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.inbox import Chats, Inbox, Seen
from handlers.base import FileRef, HandlerConfig, Incoming
from handlers.router import InGroup, Parsed, Router
from handlers.uploads import MAX_UPLOAD_BYTES
from models import DEFAULT_TZ, FrozenClock, Role, UnitKind
from tests import factories as f

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)


def message(text: str = "", who: str = "ms", **fields: object) -> Incoming:
    return Incoming("console", f"chat-{who}", who, text, **fields)  # type: ignore[arg-type]


@pytest.fixture
async def inbox(sessions: async_sessionmaker[AsyncSession]) -> Inbox:
    async with sessions() as session:
        province = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
        await f.official(session, province, Role.ADMIN, name="Trần Thị Hoa", external_id="admin", language="en")
        await f.official(session, province, Role.OFFICER, name="Nguyễn Văn An", external_id="ms")
        await session.commit()
    settings = HandlerConfig(bot_username="cchc_bot")
    return Inbox(Router(sessions, clock=FrozenClock(at=NOW), settings=settings))


def spreadsheet(name: str = "ketqua.xlsx", size: int = 1000, kind: str = "document") -> FileRef:
    return FileRef("file-1", name=name, kind=kind, size=size)


async def test_in_a_group_only_what_is_for_the_bot_and_for_everyone_there_is_answered(inbox: Inbox) -> None:
    verdict = inbox.router.group_verdict
    assert verdict(message("/diem@cchc_bot par", is_group=True)).group is InGroup.ANSWER
    assert verdict(message("/diem@cchc_bot par", is_group=True)).parsed == Parsed("diem", ["par"])
    assert verdict(message("/nhiemvu@cchc_bot", is_group=True)).group is InGroup.REFUSE
    assert verdict(message("/diem", is_group=True)).group is InGroup.IGNORE  # not written to this bot
    assert verdict(message("/diem@other_bot", is_group=True)).group is InGroup.IGNORE
    assert verdict(message("nhiem vu qua han", is_group=True)).group is InGroup.IGNORE
    assert verdict(message(callback="/nhiemvu 12", is_group=True)).group is InGroup.REFUSE  # a pressed button
    assert verdict(message(callback="/bieudo drive_leaderboard 3", is_group=True)).group is InGroup.ANSWER
    # a message delivered for its mention (Zalo): the command needs no @name, free text is refused
    assert verdict(message("/thidua", is_group=True, addressed=True)).group is InGroup.ANSWER
    assert verdict(message("/nhiemvu", is_group=True, addressed=True)).group is InGroup.REFUSE
    assert verdict(message("xin chao", is_group=True, addressed=True)).group is InGroup.REFUSE
    assert verdict(message("nhiem vu")).group is InGroup.ANSWER  # a private chat: the router reads it later


async def test_a_refusal_in_a_group_comes_in_the_senders_language_and_silence_costs_nothing(inbox: Inbox) -> None:
    refused = await inbox.answer(message("/nhiemvu@cchc_bot", "admin", is_group=True))
    assert (refused.group, refused.lang, refused.replies) == (InGroup.REFUSE, "en", [])
    ignored = await inbox.answer(message("good morning", "admin", is_group=True))
    assert (ignored.group, ignored.replies) == (InGroup.IGNORE, [])
    answered = await inbox.answer(message("/help@cchc_bot", "admin", is_group=True))
    assert answered.group is InGroup.ANSWER and answered.command == "help" and answered.replies
    assert await inbox.language(message(who="admin")) == "en"
    assert await inbox.language(message(who="nobody")) == "vi"


async def test_only_a_file_the_upload_command_reads_from_one_who_may_upload_is_downloaded(inbox: Inbox) -> None:
    assert await inbox.may_download(message(who="admin", file=spreadsheet())) == MAX_UPLOAD_BYTES
    assert await inbox.may_download(message("/tailen ketqua", "admin", file=spreadsheet("a.CSV"))) == MAX_UPLOAD_BYTES
    assert await inbox.may_download(message(who="ms", file=spreadsheet())) is None  # an officer may not upload
    assert await inbox.may_download(message(who="nobody", file=spreadsheet())) is None
    assert await inbox.may_download(message(who="admin", file=spreadsheet("scan.pdf"))) is None
    assert await inbox.may_download(message(who="admin", file=spreadsheet(size=MAX_UPLOAD_BYTES + 1))) is None
    assert await inbox.may_download(message(who="admin", file=spreadsheet(kind="photo"))) is None
    assert await inbox.may_download(message(who="admin", file=spreadsheet(), is_group=True)) is None


async def test_a_chart_button_is_answered_by_the_router_with_the_chart_itself(inbox: Inbox) -> None:
    answer = await inbox.answer(message(callback="/bieudo index_history PAR 12"))
    (reply,) = answer.replies
    assert reply.chart_now and reply.chart == {"kind": "index_history", "index": "PAR", "unit_id": "12"}
    (forged,) = (await inbox.answer(message(callback="/bieudo index_history PAR x"))).replies
    assert forged.template == "telegram/button_expired" and forged.chart is None
    (stranger,) = (await inbox.answer(message(callback="/bieudo drive_leaderboard 1", who="nobody"))).replies
    assert stranger.template == "account/register_prompt" and stranger.chart is None


async def test_one_chats_messages_wait_for_their_turn_without_holding_up_other_chats() -> None:
    chats = Chats(at_once=1)
    done: list[str] = []

    async def work(name: str) -> str:
        await asyncio.sleep(0.02)
        done.append(name)
        return name

    results = await asyncio.gather(
        chats.in_order("a", work("a1")), chats.in_order("a", work("a2")), chats.in_order("b", work("b1"))
    )
    assert results == ["a1", "a2", "b1"]
    assert done == ["a1", "b1", "a2"]  # a2 waited for a1 without a slot, so b1 went first


async def test_background_work_is_awaited_with_what_it_started() -> None:
    chats = Chats()
    done: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.01)
        done.append("second")

    async def first() -> None:
        chats.later(second())
        done.append("first")

    chats.later(first())
    await chats.drain()
    assert done == ["first", "second"]


def test_an_update_seen_lately_is_dropped() -> None:
    by_count = Seen(ttl=None, size=2)
    assert [by_count.first_time(k) for k in (1, 1, 2, 3, 1)] == [True, False, True, True, True]
    by_time = Seen(ttl=0.0)
    assert by_time.first_time("x") and by_time.first_time("x")  # expired at once
    assert Seen().first_time(None) and Seen().first_time(None)  # no key: never a duplicate
