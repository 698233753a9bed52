"""Fuzzing the message path: generated messages (commands with malformed arguments, free text, Unicode
with combining marks, right-to-left marks and emoji, lone surrogates, 10,000-character messages,
injection strings) sent by every kind of user, typed or as a pressed button, through the router and both
renderers.

For every input: no unhandled exception (the router would answer ``errors/internal``), every reply and
button label renders as HTML and as plain text, nothing from the input reaches the HTML unescaped, and
nothing is written that the sender may not write (units, plans, tasks and assignments never change;
progress reports only from /capnhat by an official of the assigned unit; invites only from admins; report
inputs only from unit heads and officers).

``FUZZ_BATCHES`` × ``FUZZ_BATCH`` inputs per run (default 100 × 100 = 10,000; about a minute on SQLite).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.registry import app_commands
from handlers.router import Router
from models import Assignment, FrozenClock, Invite, Plan, ProgressReport, ReportInput, Role, Task, Unit
from models.db import create_engine, session_factory, upgrade
from tests.security.test_access_matrix import ACTORS, NOW, build

BATCHES = int(os.environ.get("FUZZ_BATCHES", "100"))
BATCH = int(os.environ.get("FUZZ_BATCH", "100"))
NASTY = (
    "'; DROP TABLE units; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "<b>đậm</b> &amp; <a href='x'>",
    "{{ 7*7 }}",
    "{% for x in range(9) %}x{% endfor %}",
    "%s%s%n%d",
    "\u202eRTL override\u202c",
    "\u200f\u200e\u061c",
    "e\u0301\u0301\u0301\u0323 tie\u0302\u0301ng Vie\u0323\u0302t",
    "Nhiệm vụ số 12 đã hoàn thành 100%",
    "👨‍👩‍👧‍👦🇻🇳😀" * 3,
    "\x00\x07\x1b[31m",
    "\ud800 lone surrogate \udfff",
    "１２",  # full-width digits
    "٣",  # an Arabic-Indic three
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "https://vb.example.vn/qd-12?a=<b>",
)
WORDS = (
    "tatca",
    "bxh",
    "quahan",
    "tronghan",
    "trang",
    "linhvuc",
    "2023",
    "2024",
    "1900",
    "xacnhan",
    "dongy",
    "huy",
    "tiendo",
    "loai",
    "canbo",
    "nguyco",  # /nhiemvu nguyco; /capnhat danhgia <report> nguyco|cham|dungtiendo
    "danhgia",
    "cham",
    "05/12",  # /vangmat's days: dd/mm, an end before the start, a day that is not one
    "1/1",
    "29/02",
    "lanhdao",
    "quantri",
    "vi",
    "en",
    "par",
    "sipas",
    "cchc",
    "A",
    "QA",
    "Xã A",
    # argument forms of issues 12 and 13: a day in place of a year, an official code, names as people write
    # them (several words, abbreviations, a department with its province), group words, role words
    "30/06/2025",
    "31/02/2026",
    "06457",
    "Hải Phòng",
    "TP.HCM",
    "Sở Nội vụ tỉnh Lạng Sơn",
    "UBND các xã, phường",
    "chutich",
    "giamdoc",
)
LONG = (
    "a" * 10_000,
    "Nhiệm vụ đã hoàn thành " * 430,
    "😀" * 5_000,
    "1 " * 5_000,
)


def _names() -> list[str]:
    commands = app_commands().by_key
    names = [f"/{key}" for key in commands]
    names += [f"/{key}@cchc_bot" for key in list(commands)[:3]]
    names += [phrase for entry in commands.values() for phrase, _ in entry.intents]
    return names


argument = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(NASTY),
    st.integers(-(10**12), 10**12).map(str),
    st.text(max_size=25),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
command_message = st.builds(
    lambda name, args: " ".join([name, *args]), st.sampled_from(_names()), st.lists(argument, max_size=5)
)
free_text = st.one_of(st.text(max_size=80), st.sampled_from(NASTY), st.sampled_from(LONG))
message = st.tuples(
    st.sampled_from(list(ACTORS)),
    st.one_of(command_message, command_message, free_text),
    st.booleans(),  # pressed as a button instead of typed
)
UNCHANGING = (Unit, Plan, Task, Assignment)
SNAPSHOT = select(
    *(select(func.count()).select_from(t).scalar_subquery().label(t.__tablename__) for t in UNCHANGING),
    select(func.count()).select_from(ProgressReport).scalar_subquery().label("reports"),
    select(func.count()).select_from(Invite).scalar_subquery().label("invites"),
    select(func.count()).select_from(ReportInput).scalar_subquery().label("inputs"),
)
REPORTERS = {"capnhat", "update", "baocao", "cap nhat", "bao cao tien do"}


def _may_report(actor: str, text: str) -> bool:
    """/capnhat (or a number answering its form) by a registered official: the router decides whether
    the unit is assigned; a report may be written, never by an unregistered chat."""
    return ACTORS[actor][0] is not None


class Fuzz:
    """One database, built once; each batch opens its own engine on its own event loop."""

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite+aiosqlite:///{path}"
        self.renderer = Renderer()
        self.inputs = 0
        asyncio.run(self._build())

    async def _build(self) -> None:
        await upgrade(self.url)
        engine = create_engine(self.url)
        try:
            await build(session_factory(engine))
        finally:
            await engine.dispose()

    async def batch(self, messages: list[tuple[str, str, bool]]) -> None:
        engine = create_engine(self.url)
        sessions = session_factory(engine)
        router = Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig(bot_username="cchc_bot"))
        try:
            for actor, text, pressed in messages:
                async with sessions() as session:
                    before = (await session.execute(SNAPSHOT)).one()
                typed, data = ("", text) if pressed else (text, None)
                lang, replies = await router.handle(
                    Incoming("console", actor, actor, typed, callback=data), numbered_buttons=not pressed
                )
                self.inputs += 1
                where = f"{actor} {'pressed' if pressed else 'typed'} {text[:120]!r}"
                assert replies, where
                for reply in replies:
                    assert reply.template != "errors/internal", where
                    self._renders(lang, reply, where)
                async with sessions() as session:
                    after = (await session.execute(SNAPSHOT)).one()
                assert after[:4] == before[:4], f"{where}: units, plans, tasks or assignments changed"
                if after.reports != before.reports:
                    assert _may_report(actor, text), f"{where}: a progress report was written"
                if after.invites != before.invites:
                    assert ACTORS[actor][0] is not None and ACTORS[actor][0].value == "admin", f"{where}: invite"
                if after.inputs != before.inputs:  # a unit's report inputs: its heads and officers only
                    assert ACTORS[actor][0] in (Role.OFFICER, Role.UNIT_HEAD), f"{where}: report input"
        finally:
            await engine.dispose()

    def _renders(self, lang: str, reply: Reply, where: str) -> None:
        html = self.renderer.render(lang, reply, "html")
        text = self.renderer.render(lang, reply, "text", numbered_buttons=True)
        assert html.strip() and text.strip(), f"{where}: empty answer {reply.template}"
        for nasty in ("<script>", "<a href='x'>", "<b>đậm</b>"):
            assert nasty not in html, f"{where}: {nasty!r} reached the HTML unescaped ({reply.template})"
        # "{{ 7*7 }}" from the user must never come out as 49 (a "49" the user typed, as in "-2249", may)
        ran = "49" in html and "{{ 7*7 }}" in str(reply.context) and "49" not in str(reply.context)
        assert not ran, f"{where}: a template ran user text"
        for row in reply.buttons:
            for button in row:
                assert self.renderer.label(lang, button, "html").strip(), f"{where}: empty label {button.label}"


def test_fuzz_the_message_path(tmp_path: Path) -> None:
    fuzz = Fuzz(tmp_path / "fuzz.db")

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: the failure names the very message, and shrinking 100 is slow
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.lists(message, min_size=BATCH, max_size=BATCH))
    def run(messages: list[tuple[str, str, bool]]) -> None:
        asyncio.run(fuzz.batch(messages))

    run()
    print(f"\nfuzz: {fuzz.inputs} inputs tried, none crashed the path or wrote what it should not")
    assert fuzz.inputs >= BATCHES * BATCH
