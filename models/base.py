"""Declarative base and the column types every table shares.

Two types exist because SQLite would otherwise lose information:
- ``Exact`` stores a Decimal as a scaled integer, so 85.94 comes back as Decimal("85.94") on every
  backend (SQLite has no decimal type and would hand back a binary float).
- ``AwareDateTime`` stores UTC and always returns a timezone-aware datetime (SQLite drops the zone).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Exact(TypeDecorator[Decimal]):
    """A Decimal kept exactly, with four decimal places, as a 64-bit integer."""

    impl = BigInteger
    cache_ok = True
    SCALE = 10_000

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self.SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than four decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else exact(int(value))


def exact(stored: int) -> Decimal:
    """The Decimal an ``Exact`` column holds as ``stored`` (at least two decimals: 85.90, 100.00). A query
    that reads hundreds of scores to compare and add them may read the integers (``type_coerce(column,
    BigInteger)``) and make a Decimal of only those it shows."""
    return (Decimal(stored) / Exact.SCALE).normalize() + Decimal("0.00")


class AwareDateTime(TypeDecorator[datetime]):
    """A moment in time, stored as UTC, returned timezone-aware. Naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        utc: datetime = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
