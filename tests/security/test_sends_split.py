"""Long messages reach Telegram in pieces it accepts (issue 11, "sends"): each piece within 4,096 UTF-16
units and valid HTML for the fake Bot API's entity parser (as strict as Telegram's), whatever the text:
emoji, Vietnamese in NFD, long bold, ``<pre>`` and link spans, cut anywhere."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.ext import ExtBot

from bot.push_path import PushSender
from bot.render import Renderer
from bot.split import split_text, utf16_len
from bot.telegram.limits import PacingLimiter
from bot.telegram.send import MAX_TEXT
from bot.zalo.send import MAX_TEXT as ZALO_MAX
from bot.zalo.send import split_text as zalo_split
from jobs.sender import Result
from tests.fakes.telegram_html import parse
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.jobs.support import templates
from tests.telegram.support import FAST

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết được khen thưởng ")
SPANS = {
    "bold": "<b>" + "từ " * 2000 + "</b>",
    "pre": "<pre>" + "\n".join(f"dòng {i}: {'ê' * 30}" for i in range(400)) + "</pre>",
    "code in pre": '<pre><code class="language-python">' + "x = 1  # 😀\n" * 800 + "</code></pre>",
    "link": '<a href="https://cchc.langson.gov.vn/?q=1&amp;p=2">' + "liên kết " * 900 + "</a>",
    "emoji": "<i>" + "😀" * 5000 + "</i>",
    "nfd": "<u>" + NFD * 300 + "</u>",
}


def plain(html: str) -> str:
    return parse(html)[0]


def same_words(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


@pytest.mark.parametrize("name", list(SPANS))
def test_long_spans_split_into_pieces_telegram_parses(name: str) -> None:
    text = SPANS[name]
    pieces = split_text(text, MAX_TEXT, html=True)
    assert len(pieces) > 1
    for piece in pieces:
        assert utf16_len(piece) <= MAX_TEXT  # the raw HTML, so the parsed text is within too
        text_of_piece, entities = parse(piece)  # raises where Telegram answers "can't parse entities"
        kinds = {e["type"] for e in entities if e["offset"] == 0 and e["length"] == utf16_len(text_of_piece)}
        assert kinds  # the whole piece keeps its formatting
        assert not unicodedata.combining(text_of_piece[0])
    assert same_words("".join(plain(p) for p in pieces), plain(text))


def test_the_link_keeps_its_address_in_every_piece() -> None:
    for piece in split_text(SPANS["link"], MAX_TEXT, html=True):
        urls = {e.get("url") for e in parse(piece)[1] if e["type"] == "text_link"}
        assert urls == {"https://cchc.langson.gov.vn/?q=1&p=2"}


def test_zalo_pieces_keep_letters_whole_within_two_thousand_units() -> None:
    text = ("😀 " + NFD) * 400
    pieces = zalo_split(text)
    assert all(0 < utf16_len(p) <= ZALO_MAX for p in pieces)
    assert all(not unicodedata.combining(p[0]) for p in pieces)
    assert same_words("".join(pieces), text)


WORD = st.sampled_from(["từ", "😀", NFD.split()[0], "👨\u200d👩\u200d👧", "a&amp;b", "&lt;x&gt;", "ê\u0301", "x" * 30])
SEP = st.sampled_from([" ", "\n", "  ", ""])
TAGS = st.sampled_from(["b", "i", "u", "s", "code", "pre", "tg-spoiler", 'a href="https://x.vn/?a=1&amp;b=2"'])


@st.composite
def html_text(draw: st.DrawFn, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(TAGS)
            parts.append(f"<{tag}>{draw(html_text(depth + 1))}</{tag.split()[0]}>")
        else:
            parts.append(draw(WORD) * draw(st.integers(1, 8)) + draw(SEP))
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(html_text(), st.integers(min_value=150, max_value=400))
def test_any_html_splits_into_valid_pieces(text: str, limit: int) -> None:
    pieces = split_text(text, limit, html=True)
    for piece in pieces:
        assert utf16_len(piece) <= limit
        parse(piece)
        assert plain(piece).strip()
        assert not unicodedata.combining(plain(piece).lstrip()[0])
    assert same_words("".join(plain(p) for p in pieces), plain(text))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.user(100_000)
        yield server


async def test_telegram_accepts_every_piece_of_a_long_bold_reply(fake: FakeTelegram, tmp_path: Path) -> None:
    async with ExtBot(TOKEN, base_url=fake.base_url, rate_limiter=PacingLimiter(FAST)) as bot:
        sender = PushSender(Renderer(templates(tmp_path / "templates")), telegram=bot)
        for text in SPANS.values():
            outcome = await sender._telegram(bot, "100000", text)
            assert outcome.result is Result.SENT, outcome.reason
    refused = [c for c in fake.calls if c.method == "sendMessage" and c.status != 200]
    assert refused == []
