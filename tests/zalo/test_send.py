"""Sending on Zalo: pieces of at most 2,000 UTF-16 units cut at line ends (never inside a surrogate pair,
never empty), markdown only when configured (plain text again when Zalo refuses it), a reply retried
after 429 "Quota exceeded", "typing" while a slow answer is prepared, charts only with a public image URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from bot.app import App
from bot.zalo.channel import ZaloChannel
from bot.zalo.send import split_text, utf16_len
from models import ChatAccount, Official, Unit
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import LEADER, OFFICER, say

MOTTO = " ".join(["Đoàn kết, kỷ cương 📊🇻🇳"] * 120)  # 2,880 UTF-16 units on one line, emoji included


def lone_surrogates(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


@given(st.lists(st.sampled_from(["Nhiệm vụ ", "số hóa ", "📊", "🇻🇳", "\n", "x" * 50, " ", "👩‍💼", "ạ"]), max_size=400))
def test_split_text_keeps_every_piece_within_the_limit_and_loses_nothing(parts: list[str]) -> None:
    text = "".join(parts)
    pieces = split_text(text, 120)
    assert all(0 < utf16_len(piece) <= 120 and piece.strip() for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())  # only whitespace at the cuts is dropped


def test_split_text_never_cuts_a_surrogate_pair() -> None:
    text = "📊" * 1500  # 3,000 UTF-16 units, no space, no line end
    pieces = split_text(text)
    assert [utf16_len(p) for p in pieces] == [2000, 1000]
    assert "".join(pieces) == text


def test_split_text_sends_nothing_for_blank_text() -> None:
    assert split_text("\n \n") == []


async def test_long_summary_is_split_at_line_ends_within_zalo_limit(zalo: FakeZalo, bot: ZaloChannel, app: App) -> None:
    async with app.sessions() as session:
        unit_id = (
            await session.execute(
                select(Official.unit_id)
                .join(ChatAccount, ChatAccount.official_id == Official.id)
                .where(ChatAccount.channel == "zalo", ChatAccount.external_id == LEADER)
            )
        ).scalar_one()
        await session.execute(update(Unit).where(Unit.id == unit_id).values(name=f"UBND tỉnh Lạng Sơn – {MOTTO}"))
        await session.commit()
    await zalo.send_text(LEADER, "/tomtat")
    pieces = [piece.text for piece in await zalo.next_reply(LEADER)]
    assert len(pieces) >= 2
    assert all(0 < utf16_len(piece) <= 2000 for piece in pieces)
    assert not any(lone_surrogates(piece) for piece in pieces)
    joined = "".join(pieces)
    assert joined.count("📊") >= 120 and joined.count("🇻🇳") >= 120  # no emoji lost at a cut
    assert "PAR INDEX" in joined  # the rest of the summary follows the long title


async def test_a_reply_refused_for_quota_is_sent_again(zalo: FakeZalo, bot: ZaloChannel) -> None:
    bot.sender.quota_pauses = (0.05, 0.1)
    zalo.faults.add("sendMessage", 429)
    reply = await say(zalo, OFFICER, "/help")
    assert "/nhiemvu" in reply
    assert [c.status for c in zalo.calls if c.method == "sendMessage"][:2] == [429, 200]


async def test_typing_is_shown_while_a_slow_answer_is_prepared(
    zalo: FakeZalo, bot: ZaloChannel, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = app.router.answer

    async def slow(*args: object, **kwargs: object) -> object:
        import asyncio

        await asyncio.sleep(1.2)
        return await handle(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.router, "answer", slow)
    await zalo.send_text(OFFICER, "/help")
    first = await zalo.next_sent(OFFICER, actions=True)
    assert (first.kind, first.action) == ("action", "typing")
    await zalo.next_reply(OFFICER)


class TestMarkdown:
    @pytest.fixture
    def zalo_settings(self) -> dict[str, object]:
        return {"markdown": True}

    async def test_markdown_is_used_when_configured(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        await say(zalo, OFFICER, "/help")
        assert all(c.params.get("parse_mode") == "markdown" for c in zalo.called("sendMessage"))

    async def test_refused_markdown_falls_back_to_plain_text(self, zalo: FakeZalo, bot: ZaloChannel) -> None:
        zalo.refuse_markdown = True
        reply = await say(zalo, OFFICER, "/help")
        assert "/nhiemvu" in reply
        assert all(not c.params.get("parse_mode") for c in zalo.called("sendMessage"))


async def test_plain_text_by_default(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await say(zalo, OFFICER, "/help")
    assert all("parse_mode" not in c.params for c in zalo.calls if c.method == "sendMessage")


async def test_no_chart_without_a_public_image_url(zalo: FakeZalo, bot: ZaloChannel) -> None:
    await say(zalo, LEADER, "/diem par")
    assert not zalo.calls_of("sendPhoto")


class TestCharts:
    @pytest.fixture
    def zalo_settings(self, tmp_path: Path) -> dict[str, object]:
        return {"public_image_url": "https://img.example.gov.vn/zalo", "image_dir": str(tmp_path / "img")}

    async def test_chart_is_saved_and_sent_by_its_public_url(
        self, zalo: FakeZalo, bot: ZaloChannel, tmp_path: Path
    ) -> None:
        await zalo.send_text(LEADER, "/diem par")
        photo = next(s for s in await zalo.next_reply(LEADER, timeout=30, quiet=3) if s.kind == "photo")
        name = photo.photo.removeprefix("https://img.example.gov.vn/zalo/")
        saved = tmp_path / "img" / name
        assert saved.exists() and saved.read_bytes().startswith(b"\x89PNG")
