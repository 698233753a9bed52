"""The province page over HTTP shows the plan as stored (issue 19 point 5 kept the figures while making
the page one pass): each unit's row of the heat map, the table by field and the reporting sentence, for the
plan of ``tests/models/test_queries_plan_board.py`` (lead and cooperating units, a task two units lead, a
recurring task, a task with no field), with a second province in the same database."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DEFAULT_TZ, Role, Unit
from models.db import create_engine, session_factory
from tests import factories as f
from tests.bot.dashboard.support import served
from tests.models.test_queries_plan_board import BY_FIELD, BY_UNIT, build

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)  # the day the figures were worked out for
CELLS = re.compile(r'<td class="n[^"]*">([^<]*)</td>')


def _rows(page: str, table: str, key: str) -> dict[int, list[str]]:
    """The number cells of each row of the table ``table`` (id), by its ``data-<key>``."""
    body = page.split(f'<table class="heat" id="{table}">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(rf'<tr data-{key}="(\d+)">(.*?)</tr>', body, re.S)
    return {int(value): CELLS.findall(cells) for value, cells in rows}


def _shown(counts: object, rate: str) -> list[str]:
    return [
        str(getattr(counts, name)) for name in ("done_on_time", "done_late", "in_time", "overdue", "not_yet_due")
    ] + [rate]


async def test_the_province_page_shows_each_units_and_fields_figures_as_stored(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        w = await build(session)
        leader = await f.official(session, w.p, Role.LEADER, name="leader_p")
        q = await session.get(Unit, w.qa.parent_id)
        assert q is not None
        q_leader = await f.official(session, q, Role.LEADER, name="leader_q")
        ids = {"A": w.a.id, "B": w.b.id, "D": w.d.id}
    async with served(sessions, NOW) as site:
        answer = await site.get("/tinh", await site.session_for(leader.id))
        assert answer.status_code == 200
        page = answer.text
        units = _rows(page, "heat", "unit")
        rates = {"A": "66,66%", "B": "50,00%", "D": "100,00%"}  # done ÷ (done + overdue), cut to two decimals
        assert units == {ids[code]: _shown(counts, rates[code]) for code, counts in BY_UNIT.items()}
        assert list(units) == [ids["B"], ids["A"], ids["D"]]  # most overdue first, then by name (Phường B, Xã A)
        fields = _rows(page, "fields", "field")
        field_rates = {0: "chưa có số liệu", 1: "100,00%", 3: "0,00%", 8: "100,00%"}
        assert fields == {n: _shown(counts, field_rates[n]) for n, counts in BY_FIELD.items()}
        sentence = re.search(r'<p class="sentence">(.*?)</p>', page, re.S)
        assert sentence is not None
        assert sentence.group(1) == (
            "2/3 nhiệm vụ đến hạn đã hoàn thành, đạt 66,66% (đúng hạn: 1, quá hạn: 1); "
            "chưa hoàn thành: 2 (trong hạn: 1, quá hạn: 1); chưa đến hạn: 1."
        )
        assert "Xã QA" not in page and f'data-unit="{w.qa.id}"' not in page  # named in P's plan, not P's unit

        other = (await site.get("/tinh", await site.session_for(q_leader.id))).text
        assert list(_rows(other, "heat", "unit")) == [w.qa.id]  # Q's plan; P's commune A, named in it, left out
        assert all(f'data-unit="{unit_id}"' not in other for unit_id in ids.values())


async def test_a_pages_reads_run_on_the_event_loops_thread(tmp_path: Path, sqlite_template: Path) -> None:
    """SQLite: a page only reads, so its SELECTs run on the loop's thread as a chat message's do
    (``models.db.reads_inline``), not through aiosqlite's thread and back."""
    path = tmp_path / "page.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    ran: list[tuple[int, str]] = []

    @event.listens_for(engine.sync_engine, "connect")
    def trace(dbapi_connection: Any, _record: Any) -> None:
        raw = dbapi_connection.driver_connection._conn
        raw.set_trace_callback(lambda sql: ran.append((threading.get_ident(), sql)))

    sessions = session_factory(engine)
    try:
        async with sessions.begin() as session:
            w = await build(session)
            leader = await f.official(session, w.p, Role.LEADER, name="leader_p")
        async with served(sessions, NOW) as site:
            token = await site.session_for(leader.id)
            ran.clear()
            assert (await site.get("/tinh", token)).status_code == 200
    finally:
        await engine.dispose()
    selects = [thread for thread, sql in ran if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) >= 8 and set(selects) == {threading.get_ident()}
