"""The machine feed: a consumer's token reads its own province's tasks, results and drive as JSON and
CSV (figures as stored), nothing of another province; no token, a wrong one or a revoked one: 401; over
the per-minute budget: 429; every answer a line in the audit log (not in /nhatky's changes). The tokens
come from ``cchc-bot feed create`` and go with ``cchc-bot feed revoke``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cli
from bot.render import Renderer
from handlers.base import Incoming
from models import AuditEntry, FeedToken
from models.feed import create_feed_token, revoke_feed_token
from models.queries.accounts import audit
from tests.bot.dashboard.support import CONFIG, served
from tests.bot.test_setup_cli import config_for, init
from tests.security.test_access_matrix import NOW, SECRET, TASK_OF, build

FEED = CONFIG.model_copy(update={"feed_per_minute": 5})


async def test_a_consumer_reads_its_province_as_json_and_csv_and_nothing_else(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await build(sessions)
    async with sessions.begin() as session:
        _, token = await create_feed_token(session, world.units["P"].id, "IOC Tỉnh P", NOW)
    bearer = {"Authorization": f"Bearer {token}"}
    async with served(sessions, NOW, FEED) as site:
        tasks = (await site.get("/api/nhiemvu.json", **bearer)).json()
        assert tasks["province"] == "P"
        assert sorted(r["task"] for r in tasks["rows"]) == sorted(n for code, n in TASK_OF.items() if code != "QA")
        assert {r["status"] for r in tasks["rows"]} == {"not_yet_due"} and SECRET not in str(tasks)
        results = (await site.get("/api/chiso.csv", **bearer)).content.decode("utf-8-sig")
        table = list(csv.DictReader(io.StringIO(results)))
        assert {r["unit_code"] for r in table} == {"P", "A", "B", "C", "D", "D2", "H", "H2"}
        assert next(r for r in table if r["index"] == "PAR")["score"] == "80.00"  # exact, as stored
        drive = (await site.get("/api/thidua.json", **bearer)).json()["rows"]
        assert [r["unit_code"] for r in drive] == ["A", "B", "C"] and drive[0]["drive"] == "TD-P"
        assert (await site.get("/api/khac.json", **bearer)).status_code == 404
    async with sessions() as session:
        reads = await session.scalar(select(func.count()).where(AuditEntry.action == "feed.read"))
    assert reads == 3
    async with sessions.begin() as session:
        audit(
            session, at=NOW, actor_id=None, action="feed.create", subject="IOC Tỉnh P", province_id=world.units["P"].id
        )
    _, replies = await world.router.handle(Incoming("console", "admin_d", "admin_d", "/nhatky"))
    said = Renderer().render("vi", replies[0])
    assert "cấp khóa đọc dữ liệu tự động cho IOC Tỉnh P" in said and said.count("dòng lệnh quản trị") == 1


async def test_no_wrong_or_revoked_token_reads_and_the_budget_holds(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await build(sessions)
    async with sessions.begin() as session:
        number, token = await create_feed_token(session, world.units["P"].id, "IOC", NOW)
    async with served(sessions, NOW, FEED) as site:
        assert (await site.get("/api/nhiemvu.json")).status_code == 401
        assert (await site.get("/api/nhiemvu.json", Authorization="Bearer guessed")).status_code == 401
        answers = [(await site.get("/api/thidua.csv", Authorization=f"Bearer {token}")) for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        assert int(answers[-1].headers["retry-after"]) > 0
        async with sessions.begin() as session:
            assert await revoke_feed_token(session, number, world.units["Q"].id, NOW) is None  # not Q's
            assert await revoke_feed_token(session, number, world.units["P"].id, NOW) is not None
        assert (await site.get("/api/thidua.csv", Authorization=f"Bearer {token}")).status_code == 401


async def test_two_processes_serving_the_feed_share_one_budget_per_consumer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Two webhook workers (two servers on one database): a consumer's reads of the minute are counted
    together, and another consumer's budget is its own."""
    world = await build(sessions)
    async with sessions.begin() as session:
        _, first = await create_feed_token(session, world.units["P"].id, "IOC", NOW)
        _, second = await create_feed_token(session, world.units["P"].id, "Văn phòng", NOW)
    async with served(sessions, NOW, FEED) as one, served(sessions, NOW, FEED) as two:
        codes = []
        for i in range(6):
            site = one if i % 2 else two
            codes.append((await site.get("/api/chiso.json", Authorization=f"Bearer {first}")).status_code)
        assert codes == [200] * 5 + [429]
        assert (await one.get("/api/chiso.json", Authorization=f"Bearer {second}")).status_code == 200
    later = NOW + timedelta(seconds=61)
    async with served(sessions, later, FEED) as three:  # a minute on, or after a restart: the budget is back
        assert (await three.get("/api/chiso.json", Authorization=f"Bearer {first}")).status_code == 200


async def test_the_command_line_creates_and_revokes_a_token(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn", code="LS") == 0
    capsys.readouterr()
    args = cli.parser().parse_args(["feed", "create", "Trung tâm điều hành thông minh"])
    assert await cli.COMMANDS["feed"](config, args) == 0
    said = capsys.readouterr().out
    assert "Đã cấp khóa số 1 cho Trung tâm điều hành thông minh:" in said and "Authorization: Bearer" in said
    args = cli.parser().parse_args(["feed", "revoke", "1"])
    assert await cli.COMMANDS["feed"](config, args) == 0
    assert "Đã thu hồi khóa số 1" in capsys.readouterr().out
    args = cli.parser().parse_args(["feed", "revoke", "7"])
    with pytest.raises(cli.CliError) as refused:
        await cli.COMMANDS["feed"](config, args)
    assert refused.value.line("vi") == "Tỉnh không có khóa đọc dữ liệu số 7."
    from models.db import create_engine, session_factory

    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            row = (await session.execute(select(FeedToken))).scalar_one()
            assert row.revoked_at is not None and len(row.token_hash) == 64
    finally:
        await engine.dispose()
