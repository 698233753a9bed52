"""/diem 766 on the demo (loaded on 10/03/2026: the 766 index of the 65 communes and wards for 09/2025 to
02/2026): the latest month with its five groups against their maxima, the rank among the province's
communes and wards, the change from the month before, the series; the commune chair's default view."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.charts import Charts
from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, IndexResult, ScoreIndex, Unit
from models.demo import load_demo
from models.queries.charts import index_history

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> Router:
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=NOW))
        await session.commit()
    return Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig())


async def replies(router: Router, account: str, text: str) -> list[Reply]:
    return (await router.handle(Incoming("console", account, account, text)))[1]


def said(replies: list[Reply], lang: str = "vi") -> str:
    return "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)


async def months_of(sessions: async_sessionmaker[AsyncSession], code: str) -> dict[tuple[int, int], Decimal]:
    """Tuấn Sơn's (06457) 766 totals by (year, month), and the February scores of every commune."""
    async with sessions() as session:
        rows = await session.execute(
            select(IndexResult.year, IndexResult.period_number, IndexResult.score)
            .join(Unit, Unit.id == IndexResult.unit_id)
            .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
            .where(ScoreIndex.code == "766", Unit.code == code)
        )
        return {(year, month): score for year, month, score in rows}


async def test_the_commune_chairs_scores_open_on_the_766_month(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = said(await replies(demo, "chair", "/diem"))
    own = await months_of(sessions, "06457")
    assert sorted(own) == [(2025, 9), (2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert "Chỉ số 766, tháng 2/2026 — UBND xã Tuấn Sơn" in text
    assert f"Kết quả: {own[(2026, 2)]:.2f}/100 điểm".replace(".", ",") in text
    assert re.search(r"Xếp thứ \d+/65 trong các xã, phường của tỉnh", text)
    assert "So với tháng 1/2026: " in text
    for group, top in (("Công khai, minh bạch", 18), ("Tiến độ giải quyết", 20), ("Dịch vụ trực tuyến", 22)):
        assert re.search(rf"{group}: \d+,\d\d/{top} điểm", text), group
    assert re.search(r"4\. Mức độ hài lòng: \d+,\d\d/18 điểm", text)
    assert re.search(r"5\. Số hóa hồ sơ: \d+,\d\d/22 điểm", text)
    assert "Nhóm còn thiếu nhiều điểm nhất: " in text
    trend = text.split("Diễn biến qua các kỳ")[1]
    assert trend.index("tháng 9/2025") < trend.index("tháng 12/2025") < trend.index("tháng 2/2026")
    english = said(await replies(demo, "chair", "/diem"), "en")
    assert "Index 766, February 2026" in english
    assert re.search(r"Ranked \d+/65 among the province's communes and wards", english)
    assert "Compared with January 2026: " in english


async def test_the_rank_counts_the_communes_with_a_higher_score_that_month(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        scores = (
            await session.execute(
                select(Unit.code, IndexResult.score)
                .join(Unit, Unit.id == IndexResult.unit_id)
                .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
                .where(ScoreIndex.code == "766", IndexResult.year == 2026, IndexResult.period_number == 2)
            )
        ).all()
    own = dict(scores)["06457"]
    place = 1 + sum(score > own for _, score in scores)

    text = said(await replies(demo, "chair", "/diem 766"))

    assert len(scores) == 65
    assert f"Xếp thứ {place}/65 trong các xã, phường của tỉnh" in text


@pytest.mark.parametrize("typed", ["/diem 766", "/diem dvc", "/diem chisodvc", "/diem DVC 2026"])
async def test_the_766_index_is_found_by_what_users_type(demo: Router, typed: str) -> None:
    assert "Chỉ số 766, tháng 2/2026 — UBND xã Tuấn Sơn" in said(await replies(demo, "chair", typed))


async def test_the_chair_still_reads_the_other_indices_by_year(demo: Router) -> None:
    text = said(await replies(demo, "chair", "/diem 2024"))
    assert "Chỉ số 766" not in text and "Kết quả chỉ số" in text


async def test_a_leaders_scores_stay_the_provinces_yearly_results(demo: Router) -> None:
    text = said(await replies(demo, "leader", "/diem"))
    assert "PAR INDEX" in text and "tháng" not in text


async def test_a_leader_reads_a_communes_766_month_by_naming_it(demo: Router) -> None:
    text = said(await replies(demo, "leader", "/diem 766 Tuấn Sơn"))
    assert "Chỉ số 766, tháng 2/2026 — UBND xã Tuấn Sơn" in text


async def test_the_766_reply_offers_its_line_chart(demo: Router) -> None:
    (reply,) = await replies(demo, "chair", "/diem 766")
    assert reply.chart is not None and reply.chart["kind"] == "index_history" and reply.chart["index"] == "766"


async def test_the_766_chart_is_a_line_over_the_months(
    demo: Router, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        unit_id = await session.scalar(select(Unit.id).where(Unit.code == "06457"))
        assert unit_id is not None
        history = await index_history(session, "766", unit_id)
    charts = Charts(sessions, FrozenClock(at=NOW), Renderer())

    png = await charts.draw("vi", {"kind": "index_history", "index": "766", "unit_id": unit_id})

    assert history is not None
    assert [(p.year, p.period, p.period_number) for p in history.points][:2] == [
        (2025, "month", 9),
        (2025, "month", 10),
    ]
    assert len(history.points) == 6
    assert charts._history_words("vi", history).ticks[-1] == "tháng 2/2026"
    assert charts._history_words("en", history).ticks[-1] == "February 2026"
    assert png is not None and png.startswith(b"\x89PNG")
