"""Alembic environment (async template): runs migrations on the URL set by models.db."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import models  # noqa: F401  (registers every table on Base.metadata)
from models.base import Base
from models.db import create_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename); dropping a table that others reference
        # fails while foreign keys are enforced, and the pragma only takes effect outside a transaction.
        # Every reference is checked before the commit below instead.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # Python's sqlite3 opens no transaction for CREATE TABLE: without this BEGIN, a migration stopped
        # half-way (a full disk) would leave half its tables behind, and the next attempt would fail on them.
        connection.exec_driver_sql("BEGIN")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            connection.rollback()
            raise RuntimeError(f"migration left {len(broken)} broken references (first: {broken[0]})")
        connection.commit()  # the BEGIN above: all of the migrations, or none
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


async def _run_async() -> None:
    lock_timeout = float(context.config.attributes.get("lock_timeout", 30))
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "", lock_timeout=lock_timeout)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
