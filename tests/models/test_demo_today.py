"""The demo is today's Lạng Sơn: loaded on a 2026 day, everything about the current year is on units that
exist today (the 65 communes and wards of 1/7/2025, the departments as merged on 1/3/2025), while the 2023
plan and the 2024 drive stay on the units of their time, reachable from their successors through lineage."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    DEFAULT_TZ,
    Assignment,
    ChatAccount,
    Drive,
    DriveMeasurement,
    DriveParticipant,
    FrozenClock,
    IndexResult,
    Official,
    Plan,
    ScoreIndex,
    Task,
    Unit,
    UnitKind,
)
from models.demo import load_demo
from models.enums import LineageKind
from models.lineage import predecessors, successors_on, unit_on
from models.units import UnitLineage

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)
TODAY = NOW.date()
REFORM = date(2025, 7, 1)
DEPARTMENTS_MERGED = date(2025, 3, 1)

# The research table (Nghị quyết 1672/NQ-UBTVQH15, Điều 1) restricted to the old units the demo holds:
# new unit's official code -> the demo's codes of the communes, wards and townships it was formed from.
FORMED_FROM = {
    "05983": {"LS.TP.CHILANG"},
    "06187": {"LS.TP.HOANGVANTHU", "LS.CL.CAOLOC", "LS.CL.TANLIEN", "LS.CL.GIACAT"},
    "05977": {"LS.TP.VINHTRAI", "LS.TP.DONGKINH", "LS.TP.MAIPHA"},
    "05986": {"LS.TP.TAMTHANH"},
    "06184": {"LS.CL.DONGDANG"},
    "06220": {"LS.CL.HAIYEN"},
    "06124": {"LS.VL.NASAM", "LS.VL.HOANGVIET"},
    "06172": {"LS.VL.TANTHANH", "LS.VL.TANMY"},
    "06148": {"LS.VL.THANHLONG"},
    "06040": {"LS.TD.THATKHE"},
    "06004": {"LS.TD.QUOCKHANH"},
    "06046": {"LS.TD.DETHAM", "LS.TD.HUNGSON"},
    "06058": {"LS.TD.DAOVIEN"},
    "06112": {"LS.BG.BINHGIA"},
    "06079": {"LS.BG.HONGPHONG"},
    "06091": {"LS.BG.THIENTHUAT"},
    "06115": {"LS.BG.TANVAN"},
    "06073": {"LS.BG.HOATHAM"},
    "06253": {"LS.VQ.VANQUAN"},
    "06316": {"LS.VQ.TANDOAN"},
    "06298": {"LS.VQ.YENPHUC"},
    "06280": {"LS.VQ.DIEMHE"},
    "06286": {"LS.VQ.KHANHKHE"},
    "06325": {"LS.BS.BACSON", "LS.BS.LONGDONG", "LS.BS.BACQUYNH"},
    "06364": {"LS.BS.VULE"},
    "06349": {"LS.BS.HUNGVU"},
    "06385": {"LS.HL.HUULUNG", "LS.HL.DONGTAN", "LS.HL.HOSON"},
    "06457": {"LS.HL.MINHSON", "LS.HL.HOATHANG"},
    "06391": {"LS.HL.YENBINH"},
    "06463": {"LS.CHL.DONGMO", "LS.CHL.CHILANG"},
    "06481": {"LS.CHL.CHIENTHANG"},
    "06505": {"LS.CHL.YTICH"},
    "06475": {"LS.CHL.BANGMAC"},
    "06529": {"LS.LB.LOCBINH"},
    "06526": {"LS.LB.NADUONG", "LS.LB.TUDOAN"},
    "06565": {"LS.LB.KHUATXA", "LS.LB.TAMGIA"},
    "06613": {"LS.DL.DINHLAP"},
    "06616": {"LS.DL.NTTHAIBINH", "LS.DL.LAMCA"},
    "06625": {"LS.DL.BACXA"},
    "06637": {"LS.DL.CUONGLOI"},
}
# Nghị quyết 04/NQ-HĐND: (predecessor, successor, how) on 1/3/2025.
DEPARTMENT_LINKS = {
    ("LS.SKHDT", "LS.STC", LineageKind.MERGED_INTO),
    ("LS.SGTVT", "LS.SXD", LineageKind.MERGED_INTO),
    ("LS.STNMT", "LS.SNNMT", LineageKind.FORMED_FROM),
    ("LS.SNNPTNT", "LS.SNNMT", LineageKind.FORMED_FROM),
    ("LS.STTTT", "LS.SKHCN", LineageKind.MERGED_INTO),
    ("LS.SLDTBXH", "LS.SNV", LineageKind.MERGED_INTO),
    ("LS.BDT", "LS.SDTTG", LineageKind.FORMED_FROM),
}


@pytest.fixture
async def units(session: AsyncSession) -> dict[str, Unit]:
    """The demo loaded on 10/03/2026; its units by code."""
    await load_demo(session, FrozenClock(at=NOW))
    await session.commit()
    return {u.code: u for u in (await session.execute(select(Unit))).scalars()}


async def _plan_units(session: AsyncSession, plan_code: str) -> list[Unit]:
    query = (
        select(Unit)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.code == plan_code)
        .distinct()
    )
    return list((await session.execute(query)).scalars())


async def _drive(session: AsyncSession, code: str) -> tuple[Drive, list[Unit]]:
    drive = (await session.execute(select(Drive).where(Drive.code == code))).scalar_one()
    query = (
        select(Unit)
        .join(DriveParticipant, DriveParticipant.unit_id == Unit.id)
        .where(DriveParticipant.drive_id == drive.id)
    )
    return drive, list((await session.execute(query)).scalars())


def _abolished(found: list[Unit], day: date) -> list[str]:
    return sorted(f"{u.code} {u.name}" for u in found if not u.valid_on(day))


async def test_no_current_year_task_drive_place_official_or_account_is_on_an_abolished_unit(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    assigned = await _plan_units(session, "KH-CCHC-DEMO")
    assert _abolished(assigned, TODAY) == []
    assert units["06457"] in assigned and units["LS.SKHCN"] in assigned
    drive, taking_part = await _drive(session, "TD-DEMO")
    assert drive.starts_on <= TODAY <= drive.ends_on
    assert _abolished(taking_part, drive.starts_on) == _abolished(taking_part, drive.ends_on) == []
    staffed = (
        await session.execute(
            select(Unit, ChatAccount.external_id)
            .join(Official, Official.unit_id == Unit.id)
            .join(ChatAccount, ChatAccount.official_id == Official.id)
        )
    ).all()
    assert len(staffed) == 6
    assert _abolished([unit for unit, _ in staffed], TODAY) == []
    offices = {key: unit.code for unit, key in staffed}
    assert (offices["chair"], offices["officer"], offices["ward"]) == ("06457", "06457", "06187")
    districts = {UnitKind.DISTRICT, UnitKind.CITY, UnitKind.TOWN, UnitKind.TOWNSHIP}
    assert not [u for u in [*assigned, *taking_part] if UnitKind(u.kind) in districts]


async def test_the_current_drive_ranks_all_65_communes_and_wards_of_today(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    drive, taking_part = await _drive(session, "TD-DEMO")
    assert len(taking_part) == 65
    assert {UnitKind(u.kind) for u in taking_part} == {UnitKind.COMMUNE, UnitKind.WARD}
    assert sum(1 for u in taking_part if UnitKind(u.kind) == UnitKind.WARD) == 4
    assert {u.valid_from for u in taking_part} == {REFORM}
    measured = (
        await session.execute(
            select(DriveParticipant.unit_id)
            .join(DriveMeasurement, DriveMeasurement.participant_id == DriveParticipant.id)
            .where(DriveParticipant.drive_id == drive.id, DriveMeasurement.measured_on <= TODAY)
            .distinct()
        )
    ).scalars()
    assert set(measured) == {u.id for u in taking_part}  # every one has a place on the leaderboard


async def test_the_2023_plan_and_the_2024_drive_stay_on_the_units_of_their_time(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    in_2023 = await _plan_units(session, "KH-CCHC-2023")
    assert all(u.valid_during(date(2023, 1, 1), date(2023, 12, 31)) for u in in_2023)
    codes = {u.code for u in in_2023}
    assert {"LS.HL", "LS.HL.MINHSON", "LS.STTTT", "LS.SKHDT"} <= codes
    assert not [u for u in in_2023 if u.valid_from is not None and u.valid_from >= DEPARTMENTS_MERGED]
    drive, taking_part = await _drive(session, "TD-MOTCUA-2024")
    assert (drive.starts_on, drive.ends_on) == (date(2024, 5, 1), date(2024, 9, 30))
    assert len(taking_part) == 11 + 58  # the districts and the city, and every old commune of the demo
    assert {u.valid_to for u in taking_part} == {date(2025, 6, 30), date(2024, 11, 30)}
    names = {u.code: u.name for u in taking_part}
    assert names["LS.VQ.TRANGCAC"] == "Xã Tràng Các" and names["LS.VQ.KHANHKHE"] == "Xã Khánh Khê"
    assert names["LS.CL.DONGDANG"] == "Thị trấn Đồng Đăng"


async def test_every_new_unit_is_linked_to_the_demo_units_it_was_formed_from(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    by_id = {u.id: u for u in units.values()}
    links = (await session.execute(select(UnitLineage))).scalars().all()
    reform = {(by_id[x.successor_id].code, by_id[x.predecessor_id].code) for x in links if x.on == REFORM}
    assert reform == {(new, old) for new, olds in FORMED_FROM.items() for old in olds}
    assert {LineageKind(x.how) for x in links if x.on == REFORM} == {LineageKind.FORMED_FROM}
    departments = {
        (by_id[x.predecessor_id].code, by_id[x.successor_id].code, LineageKind(x.how))
        for x in links
        if x.on == DEPARTMENTS_MERGED
    }
    assert departments == DEPARTMENT_LINKS
    tuan_son = await predecessors(session, units["06457"])
    assert {u.name for u in tuan_son} == {"Xã Minh Sơn", "Xã Hòa Thắng"}
    ky_lua = await predecessors(session, units["06187"])
    assert {u.name for u in ky_lua} == {"Phường Hoàng Văn Thụ", "Thị trấn Cao Lộc", "Xã Tân Liên", "Xã Gia Cát"}


async def test_khanh_khe_carries_on_the_old_khanh_khe_which_took_in_trang_cac_in_2024(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    history = await predecessors(session, units["06286"])
    assert [u.code for u in history] == ["LS.VQ.KHANHKHE", "LS.VQ.TRANGCAC"]  # nearest first
    merged = (
        await session.execute(
            select(UnitLineage).where(
                UnitLineage.predecessor_id == units["LS.VQ.TRANGCAC"].id,
                UnitLineage.successor_id == units["LS.VQ.KHANHKHE"].id,
            )
        )
    ).scalar_one()
    assert (merged.on, LineageKind(merged.how)) == (date(2024, 12, 1), LineageKind.MERGED_INTO)
    assert await successors_on(session, units["LS.VQ.TRANGCAC"], TODAY) == [units["06286"]]
    assert await unit_on(session, "Xã Khánh Khê", date(2024, 6, 1)) == [units["LS.VQ.KHANHKHE"]]
    assert await unit_on(session, "Xã Khánh Khê", TODAY) == [units["06286"]]


async def test_official_codes_and_names_resolve_today_to_the_new_units(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    assert [u.name for u in await unit_on(session, "06457", TODAY)] == ["Xã Tuấn Sơn"]
    assert [u.name for u in await unit_on(session, "06187", TODAY)] == ["Phường Kỳ Lừa"]
    assert await unit_on(session, "UBND xã Tuấn Sơn", TODAY) == [units["06457"]]
    assert await unit_on(session, "Xã Minh Sơn", TODAY) == []  # abolished on 01/07/2025
    assert await successors_on(session, units["LS.HL.MINHSON"], TODAY) == [units["06457"]]
    assert await unit_on(session, "06457", date(2025, 6, 30)) == []  # the new commune did not exist yet


async def test_a_new_commune_has_its_predecessors_internal_index_of_2024(
    session: AsyncSession, units: dict[str, Unit]
) -> None:
    history = [u.id for u in await predecessors(session, units["06457"])]
    rows = (
        await session.execute(
            select(Unit.name, IndexResult.score)
            .join(IndexResult, IndexResult.unit_id == Unit.id)
            .join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
            .where(ScoreIndex.code == "CCHC", IndexResult.year == 2024, Unit.id.in_(history))
        )
    ).all()
    assert {name for name, _ in rows} == {"Xã Minh Sơn", "Xã Hòa Thắng"}
    assert all(score is not None for _, score in rows)
    own = await session.scalar(
        select(IndexResult.id).where(IndexResult.unit_id == units["06457"].id, IndexResult.year == 2024)
    )
    assert own is None  # the 2024 figures are the predecessors', not invented for Tuấn Sơn


async def test_the_demo_refuses_a_clock_before_the_reform(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="Xã Tuấn Sơn, which does not exist on 10/03/2025"):
        await load_demo(session, FrozenClock(at=datetime(2025, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)))


async def test_loaded_in_the_second_half_of_2025_the_current_items_still_take_only_the_new_units(
    session: AsyncSession,
) -> None:
    day = date(2025, 8, 1)  # the plan's year and the running drive's period both reach back before 1/7/2025
    await load_demo(session, FrozenClock(at=datetime(2025, 8, 1, 9, 0, tzinfo=DEFAULT_TZ)))
    await session.commit()
    drive, taking_part = await _drive(session, "TD-DEMO")
    assert drive.starts_on < REFORM
    assert len(taking_part) == 65 and _abolished(taking_part, day) == []
    assert _abolished(await _plan_units(session, "KH-CCHC-DEMO"), day) == []
