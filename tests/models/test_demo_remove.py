"""``remove_demo``: the demo goes out whole, and stays in (nothing deleted) while real data refers to it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    DEFAULT_TZ,
    AuditEntry,
    ChatAccount,
    Drive,
    FrozenClock,
    IndexComponent,
    IndexResult,
    Official,
    Plan,
    Role,
    ScoreIndex,
    Target,
    Task,
    Unit,
    UnitKind,
    UnitLineage,
)
from models.base import Base
from models.demo import load_demo
from models.demo.remove import DemoInUse, demo_removed, remove_demo
from models.enums import LineageKind
from models.lineage import link
from models.queries.accounts import ChatIdentity, create_invite, redeem_invite
from tests import factories as f

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=DEFAULT_TZ)
CLOCK = FrozenClock(at=NOW)


async def _count(session: AsyncSession, model: type[Base]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _unit(session: AsyncSession, code: str) -> Unit:
    return (await session.execute(select(Unit).where(Unit.code == code))).scalar_one()


async def _loaded(session: AsyncSession) -> None:
    await load_demo(session, CLOCK)
    await session.commit()


async def test_removing_the_demo_leaves_only_the_standard_indices(session: AsyncSession) -> None:
    await _loaded(session)
    removed = await remove_demo(session, CLOCK)
    await session.commit()
    assert removed is not None and removed.units > 50 and removed.officials == 6 and removed.plans == 2
    for model in (Unit, Official, ChatAccount, Plan, Task, Drive, IndexResult, Target):
        assert await _count(session, model) == 0, model.__name__
    assert await _count(session, ScoreIndex) == 7 and await _count(session, IndexComponent) == 26
    assert [a.action for a in (await session.execute(select(AuditEntry))).scalars()] == ["demo.remove"]
    assert await demo_removed(session)
    assert await remove_demo(session, CLOCK) is None  # nothing left to remove


async def test_the_demo_lineage_goes_out_with_its_units(session: AsyncSession) -> None:
    await _loaded(session)
    assert await _count(session, UnitLineage) > 40  # the 1/7/2025 reform, the 2024 merger, the departments
    assert await remove_demo(session, CLOCK) is not None
    await session.commit()
    assert await _count(session, UnitLineage) == 0 and await _count(session, Unit) == 0


async def test_a_real_unit_linked_to_a_demo_unit_refuses_the_removal(session: AsyncSession) -> None:
    await _loaded(session)
    real = await f.unit(session, "06457-REAL", UnitKind.COMMUNE, name="Xã Tuấn Sơn (imported)")
    await link(session, await _unit(session, "LS.HL.MINHSON"), real, LineageKind.FORMED_FROM, date(2025, 7, 1))
    await session.commit()
    refusal = await _refused(session, "link")
    assert refusal.subject == "unit_lineage"


async def test_a_database_without_the_demo_has_nothing_to_remove(session: AsyncSession) -> None:
    await f.unit(session, "20", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    await session.commit()
    assert await remove_demo(session, CLOCK) is None
    assert await _count(session, Unit) == 1 and not await demo_removed(session)


async def _refused(session: AsyncSession, kind: str) -> DemoInUse:
    units = await _count(session, Unit)
    with pytest.raises(DemoInUse) as refused:
        await remove_demo(session, CLOCK)
    await session.rollback()
    assert refused.value.kind == kind
    assert await _count(session, Unit) == units and await _count(session, Plan) >= 2  # nothing deleted
    assert not await demo_removed(session)
    return refused.value


async def test_a_real_official_registered_at_a_demo_unit_refuses_the_removal(session: AsyncSession) -> None:
    await _loaded(session)
    commune = await _unit(session, "06457")
    invite = await create_invite(session, commune, Role.OFFICER, "Nguyễn Văn An", None, NOW, timedelta(days=1))
    await redeem_invite(session, invite.code, ChatIdentity("telegram", "5550001", "5550001", "An"), NOW)
    await session.commit()
    refusal = await _refused(session, "official")
    assert refusal.subject == "Nguyễn Văn An (06457)" and refusal.count == 1


async def test_a_real_plan_that_assigns_a_demo_unit_refuses_the_removal(session: AsyncSession) -> None:
    await _loaded(session)
    plan = await f.plan(session, 2026, code="KH-CCHC-2026")
    await f.task(session, plan, 1, date(2026, 6, 30), await _unit(session, "LS.SNV"))
    await session.commit()
    assert (await _refused(session, "plan")).subject == "KH-CCHC-2026"


async def test_a_real_unit_below_the_demo_province_refuses_the_removal(session: AsyncSession) -> None:
    await _loaded(session)
    await f.unit(session, "TTRA", UnitKind.AGENCY, parent=await _unit(session, "LS"), name="Thanh tra tỉnh")
    await session.commit()
    assert (await _refused(session, "unit")).subject == "TTRA"


async def test_a_result_imported_for_a_demo_unit_refuses_the_removal(session: AsyncSession) -> None:
    await _loaded(session)
    par = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "PAR"))).scalar_one()
    session.add(IndexResult(index_id=par.id, unit_id=(await _unit(session, "LS")).id, year=2024, rank=20))
    await session.commit()
    assert (await _refused(session, "result")).subject == "PAR 2024 LS"


async def test_the_codes_a_units_file_recorded_for_demo_units_go_out_with_them(session: AsyncSession) -> None:
    from models.importers import import_file
    from models.scope import Scope
    from models.units import UnitAlias
    from tests.models.test_importers import SAMPLES, ok

    await _loaded(session)
    ok(await import_file(session, "units", SAMPLES / "don_vi.xlsx", scope=Scope(await _unit(session, "LS"))))
    await session.commit()
    assert await _count(session, UnitAlias) == 14  # SNV, HL, TPLS … of the province's own file

    removed = await remove_demo(session, CLOCK)
    await session.commit()

    assert removed is not None
    assert await _count(session, UnitAlias) == 0 and await _count(session, Unit) == 0
