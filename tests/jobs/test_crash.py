"""Whatever happens to the processes, every push arrives and none twice (but for the one a crash
interrupted): a dispatcher killed with SIGKILL in the middle of a broadcast of 1,000 pushes and
restarted; two processes draining one PostgreSQL outbox side by side. Real processes
(``tests/jobs/worker.py``) send over HTTP to the fake Bot API server running in the test."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.telegram_server import FakeTelegram
from tests.jobs.support import FIRST_CHAT, people, queue, statuses, templates

ROOT = Path(__file__).resolve().parents[2]
BROADCAST = 1000


async def spawn(tmp_path: Path, name: str, *args: str) -> asyncio.subprocess.Process:
    """Start a worker; returns once it is ready (its stderr goes to a file, read on failure)."""
    err = (tmp_path / f"{name}.err").open("w")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs.worker", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=err
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    assert line.strip() == b"ready", (tmp_path / f"{name}.err").read_text()
    return proc


async def finish(proc: asyncio.subprocess.Process, timeout: float = 60) -> int:
    """Wait for a dispatch worker to end; how many messages it sent."""
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode == 0
    return int(out.decode().split()[-1])


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        for i in range(BROADCAST):
            fake.user(FIRST_CHAT + i)
        yield fake


async def broadcast(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await queue(session, await people(session, BROADCAST))
        await session.commit()


def arrivals(tg: FakeTelegram) -> Counter[int]:
    return Counter(s.chat_id for s in tg.sent if s.kind == "message")


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crash.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


async def test_a_broadcast_killed_midway_is_finished_by_the_next_process(
    tg: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> None:
    from models.db import create_engine, session_factory

    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    await broadcast(sessions)
    folder, go = str(templates(tmp_path / "templates")), tmp_path / "go"
    options = ("dispatch", sqlite_url, tg.base_url, folder, "--claim-seconds", "2")
    first, second = await asyncio.gather(
        spawn(tmp_path, "first", *options), spawn(tmp_path, "second", *options, "--go", str(go))
    )
    await tg.wait_for(lambda: len(tg.sent) >= BROADCAST // 3, timeout=60)
    first.kill()  # SIGKILL: no clean-up of any kind
    await first.wait()
    assert len(tg.sent) < BROADCAST, "the first process finished before it could be killed"
    go.touch()  # the restart: it sends the rest, and the rows the first had claimed once their claim expires
    await finish(second)
    got = arrivals(tg)
    assert set(got) == {FIRST_CHAT + i for i in range(BROADCAST)}  # none lost
    assert sum(got.values()) <= BROADCAST + 1  # at most the one send the kill interrupted, twice
    assert await statuses(sessions) == {"sent": BROADCAST}
    await engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_two_processes_drain_one_postgresql_outbox_without_sending_a_row_twice(
    tg: FakeTelegram, db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await broadcast(sessions)
    folder, go = str(templates(tmp_path / "templates")), tmp_path / "go"
    workers = await asyncio.gather(
        *(
            spawn(tmp_path, f"w{i}", "dispatch", db_url, tg.base_url, folder, "--go", str(go), "--in-flight", "4")
            for i in range(2)
        )
    )
    go.touch()
    counts = await asyncio.gather(*(finish(worker) for worker in workers))
    got = arrivals(tg)
    assert sum(counts) == BROADCAST and min(counts) > 0  # both took part
    assert got == Counter({FIRST_CHAT + i: 1 for i in range(BROADCAST)})  # each once, none twice
    assert await statuses(sessions) == {"sent": BROADCAST}
