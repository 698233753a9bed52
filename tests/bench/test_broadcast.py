"""Smoke test of the broadcast benchmark's database: seeded over the current migrations (a schema change
that its raw SQL does not follow fails here, not on the next benchmark run)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is a folder of the repository, not installed

from bench.broadcast import seed


async def test_the_broadcast_database_is_seeded_over_the_current_schema(tmp_path: Path) -> None:
    url = await seed(tmp_path / "broadcast.db", 25)
    assert url.endswith("broadcast.db")
    db = sqlite3.connect(tmp_path / "broadcast.db")
    try:
        assert db.execute("select count(*) from outbox where status = 'pending'").fetchone() == (25,)
        assert db.execute("select count(*) from chat_accounts where channel = 'telegram'").fetchone() == (25,)
    finally:
        db.close()
