"""``init_province``: a real province's unit and the standard indices, idempotent, beside other provinces."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, AuditEntry, FrozenClock, IndexComponent, ScoreIndex, Unit, UnitKind
from models.demo import load_demo
from models.provinces import ProvinceEntry, find_province
from models.setup import CodeTaken, init_province
from tests import factories as f

CLOCK = FrozenClock(at=datetime(2026, 3, 2, 9, 0, tzinfo=DEFAULT_TZ))


def _entry(text: str) -> ProvinceEntry:
    entry = find_province(text)
    assert entry is not None
    return entry


async def _components(session: AsyncSession, code: str) -> list[IndexComponent]:
    query = (
        select(IndexComponent)
        .join(ScoreIndex, ScoreIndex.id == IndexComponent.index_id)
        .where(ScoreIndex.code == code)
        .order_by(IndexComponent.number)
    )
    return list((await session.execute(query)).scalars())


async def test_init_on_a_fresh_database_makes_the_province_and_the_standard_indices(session: AsyncSession) -> None:
    result = await init_province(session, _entry("Lạng Sơn"), CLOCK)
    await session.commit()
    assert result.created and result.changed
    province = (await session.execute(select(Unit))).scalar_one()
    assert (province.code, province.name, province.kind, province.parent_id) == (
        "20",
        "Tỉnh Lạng Sơn",
        UnitKind.PROVINCE,
        None,
    )
    indices = {i.code: i for i in (await session.execute(select(ScoreIndex))).scalars()}
    assert set(indices) == {"PAR", "SIPAS", "PAPI", "PCI", "DTI", "CCHC", "766"}
    assert indices["PAR"].max_score == Decimal(100) and indices["PAPI"].max_score == Decimal(80)
    par = await _components(session, "PAR")
    assert par[0].name_vi == "Công tác chỉ đạo, điều hành cải cách hành chính" and len(par) == 8
    assert len(await _components(session, "SIPAS")) == 5
    service = await _components(session, "766")
    assert [(c.name_vi, c.max_score) for c in service] == [
        ("Công khai, minh bạch", Decimal(18)),
        ("Tiến độ giải quyết", Decimal(20)),
        ("Dịch vụ trực tuyến", Decimal(22)),
        ("Mức độ hài lòng", Decimal(18)),
        ("Số hóa hồ sơ", Decimal(22)),
    ]
    assert indices["766"].name_vi == "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)"
    papi = await _components(session, "PAPI")
    assert [c.name_vi for c in papi] == [
        "Tham gia của người dân ở cấp cơ sở",
        "Công khai, minh bạch trong việc ra quyết định ở địa phương",
        "Trách nhiệm giải trình với người dân",
        "Kiểm soát tham nhũng trong khu vực công",
        "Thủ tục hành chính công",
        "Cung ứng dịch vụ công",
        "Quản trị môi trường",
        "Quản trị điện tử",
    ]
    assert {c.max_score for c in papi} == {Decimal(10)}  # 8 dimensions of 1-10: the 10-80 scale


async def test_init_twice_changes_nothing_and_says_so(session: AsyncSession) -> None:
    await init_province(session, _entry("20"), CLOCK)
    await session.commit()
    again = await init_province(session, _entry("Lang Son"), CLOCK)
    await session.commit()
    assert not again.created and not again.changed and again.added_indices == () and again.added_components == 0
    assert await session.scalar(select(func.count()).select_from(Unit)) == 1
    assert await session.scalar(select(func.count()).select_from(IndexComponent)) == 26
    assert await session.scalar(select(func.count()).where(AuditEntry.action == "province.init")) == 1


async def test_init_of_a_second_province_adds_it_beside_the_first(session: AsyncSession) -> None:
    await init_province(session, _entry("Lạng Sơn"), CLOCK)
    second = await init_province(session, _entry("Cao Bằng"), CLOCK)
    await session.commit()
    assert second.created and second.others == ("20",) and second.added_indices == ()
    roots = (await session.execute(select(Unit.code, Unit.name).order_by(Unit.code))).all()
    assert [tuple(r) for r in roots] == [("04", "Tỉnh Cao Bằng"), ("20", "Tỉnh Lạng Sơn")]


async def test_init_finds_a_province_stored_under_another_code_by_its_name(session: AsyncSession) -> None:
    await load_demo(session, CLOCK)  # the demo's province is "LS", "Tỉnh Lạng Sơn"
    await session.commit()
    result = await init_province(session, _entry("Lạng Sơn"), CLOCK)
    assert not result.created and result.province.code == "LS"


async def test_init_refuses_a_unit_code_that_another_unit_has(session: AsyncSession) -> None:
    cao_bang = await f.unit(session, "CB", UnitKind.PROVINCE, name="Tỉnh Cao Bằng")
    await f.unit(session, "LS", UnitKind.DEPARTMENT, parent=cao_bang, name="Sở Nội vụ")
    await session.commit()
    with pytest.raises(CodeTaken):
        await init_province(session, _entry("Lạng Sơn"), CLOCK, code="LS")


async def test_init_of_a_centrally_run_city_stores_it_as_one(session: AsyncSession) -> None:
    """Hải Phòng is a thành phố trực thuộc trung ương, not a city inside a province: its chair is "UBND
    thành phố Hải Phòng" and it is a province-level root like Lạng Sơn, found again by a second init."""
    await init_province(session, _entry("Lạng Sơn"), CLOCK)
    result = await init_province(session, _entry("Hải Phòng"), CLOCK)
    await session.commit()
    city = result.province
    assert (city.name, city.kind, city.parent_id) == ("Thành phố Hải Phòng", UnitKind.CENTRAL_CITY, None)
    again = await init_province(session, _entry("Hải Phòng"), CLOCK)
    assert not again.created and again.province.id == city.id
