"""The demo as its users read it in 2026: the leader's /tomtat and the drive name today's communes and
wards ("UBND xã Tuấn Sơn"), never a district or a unit abolished in 2025; the demo accounts speak for
today's offices."""

from __future__ import annotations

import re

from handlers.router import Router
from tests.handlers._demo_support import ask

# names a 2026 screen must not show: a district, or a unit that ended in 2025
GONE = ("Minh Sơn", "Đồng Đăng, huyện", "Thị trấn", "thị trấn", "Thông tin và Truyền thông", "Kế hoạch và Đầu tư")
DISTRICT = re.compile(r"\bhuyện\b", re.IGNORECASE)  # a word: "trò chuyện" is no district


def assert_today_only(text: str) -> None:
    assert not DISTRICT.search(text), text
    assert not [name for name in GONE if name in text], text


async def test_leaders_summary_names_todays_communes_not_districts(demo: Router) -> None:
    text = await ask(demo, "leader", "/tomtat")
    assert "Kế hoạch CCHC năm 2026" in text
    overdue = text.split("quá hạn nhất")[1].split("Thi đua")[0]
    assert "UBND xã Tuấn Sơn: 1 lượt chủ trì, 1 lượt phối hợp" in overdue  # lead first, cooperating apart
    leaders = text.split("Dẫn đầu")[1]
    assert re.search(r"1\. UBND (xã|phường) ", leaders)
    assert_today_only(text)


async def test_current_drive_ranks_65_communes_and_wards(demo: Router) -> None:
    text = await ask(demo, "chair", "/thidua")
    assert "65 đơn vị tham gia" in text
    assert re.search(r"UBND xã Tuấn Sơn: xếp thứ \d+/65", text)
    board = await ask(demo, "chair", "/thidua bxh")
    assert "trang 1/7" in board  # 65 places, ten a page
    assert_today_only(text + board)


async def test_the_ward_chair_reads_the_wards_tasks(demo: Router) -> None:
    text = await ask(demo, "ward", "/nhiemvu")
    assert "Nhiệm vụ CCHC năm 2026 – UBND phường Kỳ Lừa" in text
    assert_today_only(text)


async def test_the_commune_chairs_tasks_are_tuan_sons(demo: Router) -> None:
    text = await ask(demo, "chair", "/nhiemvu")
    assert "Nhiệm vụ CCHC năm 2026 – UBND xã Tuấn Sơn" in text and "quá hạn" in text
    assert_today_only(text)
