"""Who is who in the Zalo end-to-end tests, and the few moves of a chat user."""

from __future__ import annotations

from bot import config as configuration
from bot.config import Config
from tests.fakes.zalo_server import TOKEN, FakeZalo
from tests.fakes.zalo_world import Sent
from tests.telegram.support import demo_config

# Zalo user ids are 20 hex characters; these four are bound to demo officials in the template database.
ADMIN, OFFICER, LEADER, CHAIR = (f"{n:x}" * 20 for n in (10, 11, 12, 13))
STRANGER = "f0" * 10
DEMO_KEYS = {ADMIN: "admin", OFFICER: "officer", LEADER: "leader", CHAIR: "chair"}
NAMES = {ADMIN: "Quản trị", OFFICER: "Cán bộ", LEADER: "Lãnh đạo", CHAIR: "Chủ tịch", STRANGER: "Người lạ"}


def zalo_config(url: str, base_url: str, **zalo: object) -> Config:
    """The demo configuration with the Zalo channel pointed at the fake server (fast polls, no budget file)."""
    config = demo_config(url)
    settings: dict[str, object] = {"token": TOKEN, "base_url": base_url, "poll_timeout": 1,
                                   "min_poll_interval_ms": 0, "budget_file": ""}  # fmt: skip
    return configuration.replace(config, "zalo", **{**settings, **zalo})


async def say(zalo: FakeZalo, user: str, text: str) -> str:
    """Send ``text`` as ``user``; the bot's whole answer (every piece, joined by a blank line)."""
    await zalo.send_text(user, text)
    return "\n\n".join(piece.text for piece in await zalo.next_reply(user))


async def say_until(zalo: FakeZalo, user: str, text: str, wanted: str) -> str:
    """``say``, then the answer's later pieces until one holds ``wanted``: a file built in a worker
    (openpyxl, python-docx) may outlast ``next_reply``'s pause between pieces on a loaded machine."""
    answer = await say(zalo, user, text)
    while wanted not in answer:
        answer += "\n\n" + "\n\n".join(piece.text for piece in await zalo.next_reply(user))
    return answer


def options(text: str) -> dict[int, str]:
    """The numbered options at the end of an answer: {1: "label", ...}."""
    found: dict[int, str] = {}
    for line in text.splitlines():
        number, dot, label = line.partition(". ")
        if dot and number.isdigit():
            found[int(number)] = label
    return found


def texts(pieces: list[Sent]) -> list[str]:
    return [piece.text for piece in pieces]
