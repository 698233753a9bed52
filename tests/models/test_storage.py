"""The storage types keep exact scores and aware times on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, Official, Role, ScoreIndex, ScoreKind, Unit, UnitKind


async def test_score_comes_back_exact(session: AsyncSession) -> None:
    session.add(
        ScoreIndex(
            code="PAR",
            name_vi="Chỉ số CCHC",
            name_en="PAR INDEX",
            score_kind=ScoreKind.POINTS,
            max_score=Decimal("85.94"),
        )
    )
    await session.commit()
    stored = (await session.execute(select(ScoreIndex.max_score))).scalar_one()
    assert stored == Decimal("85.94")
    assert str(stored) == "85.94"


async def test_times_come_back_aware(session: AsyncSession) -> None:
    province = Unit(code="LS", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE, path="")
    session.add(province)
    await session.flush()
    at = datetime(2024, 6, 1, 8, 30, tzinfo=DEFAULT_TZ)
    session.add(Official(full_name="Nguyễn Văn A", role=Role.ADMIN, unit_id=province.id, created_at=at))
    await session.commit()
    session.expunge_all()
    stored = (await session.execute(select(Official.created_at))).scalar_one()
    assert stored.tzinfo is not None
    assert stored == at
    assert stored.astimezone(UTC).hour == 1
