"""Issue 12 at the data layer (SQLite and PostgreSQL): the unit a code or name means in the year a
question is about, a drive's participants valid in the drive's period, and lineage walked backwards
through every generation. The province: ``tests/handlers/_history_fixtures.py``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DriveParticipant, Unit
from models.importers import import_bytes
from models.lineage import predecessors, successors, year_period
from models.queries.scores import ranked_units
from tests.handlers._history_fixtures import build_reform
from tests.models.test_importers import ok, xlsx

CRITERIA = ("TT", "Tiêu chí", "Trọng số", "Chỉ tiêu")
MEASURED = ("Đơn vị", "Tiêu chí", "Ngày", "Giá trị")


async def _names(session: AsyncSession, text: str, period: tuple[date | None, date | None]) -> list[str]:
    province = (await session.execute(select(Unit).where(Unit.code == "20"))).scalar_one()
    return [unit.name for unit in await ranked_units(session, text, province, period)]


async def test_a_code_names_the_old_commune_in_2024_the_new_one_in_2026_and_both_in_2025(
    session: AsyncSession,
) -> None:
    await build_reform(session)

    assert await _names(session, "06457", year_period(2024)) == ["Xã Minh Sơn"]
    assert await _names(session, "06457", year_period(2026)) == ["Xã Tuấn Sơn"]
    assert await _names(session, "06457", year_period(2025)) == ["Xã Minh Sơn", "Xã Tuấn Sơn"]  # older first
    assert await _names(session, "UBND xã Tuấn Sơn", year_period(2026)) == ["Xã Tuấn Sơn"]
    today = date(2026, 1, 15)
    assert await _names(session, "xa minh son", (today, today)) == ["Xã Minh Sơn"]  # only its history left
    assert await _names(session, "Xã Không Có", (today, today)) == []


async def test_lineage_goes_back_through_every_generation_and_never_sideways(session: AsyncSession) -> None:
    ids = await build_reform(session)
    by_id = {unit.id: unit for unit in (await session.execute(select(Unit))).scalars()}

    khanh_khe = [u.id for u in await predecessors(session, by_id[ids["KK"]])]
    assert khanh_khe == [ids["KK.OLD"], ids["TC"]]  # nearest first
    tuan_son = {u.id for u in await predecessors(session, by_id[ids["TS"]])}
    assert tuan_son == {ids["MS"], ids["MH"], ids["HT"]}  # not Yên Thịnh, which formed Vân Nham
    assert [u.id for u in await successors(session, by_id[ids["TC"]])] == [ids["KK.OLD"], ids["KK"]]


async def _drive(session: AsyncSession, code: str, starts: str, ends: str, *rows: tuple[object, ...]) -> object:
    options = {"drive": code, "title": f"Thi đua {code}", "starts_on": starts, "ends_on": ends}
    ok(
        await import_bytes(
            session, "criteria", "tc.xlsx", xlsx(CRITERIA, (1, "Tỷ lệ hồ sơ trực tuyến", 100, 80)), options=options
        )
    )
    return await import_bytes(session, "measurements", "sl.xlsx", xlsx(MEASURED, *rows), options={"drive": code})


async def test_a_drive_takes_the_unit_its_code_names_in_the_drives_period(session: AsyncSession) -> None:
    ids = await build_reform(session)
    ok(await _drive(session, "TD-2024", "01/05/2024", "30/09/2024", ("06457", 1, "31/05/2024", "62,5")))
    ok(await _drive(session, "TD-2026", "01/01/2026", "30/06/2026", ("06457", 1, "31/01/2026", "70")))
    await session.commit()

    joined = (await session.execute(select(DriveParticipant.unit_id).order_by(DriveParticipant.id))).scalars()
    assert list(joined) == [ids["MS"], ids["TS"]]


async def test_a_drive_refuses_a_participant_abolished_before_its_period_naming_the_successor(
    session: AsyncSession,
) -> None:
    await build_reform(session)
    result = await _drive(session, "TD-2026", "01/01/2026", "30/06/2026", ("Xã Minh Sơn", 1, "31/01/2026", "70"))

    assert [(e.row, e.code) for e in result.errors] == [(2, "abolished_unit")]
    assert (
        result.errors[0].reason == "Xã Minh Sơn đã kết thúc hoạt động từ 01/07/2025; đơn vị kế thừa: UBND xã Tuấn Sơn"
    )
    assert (await session.execute(select(DriveParticipant))).first() is None


async def test_in_a_drive_across_the_reform_a_reused_code_names_the_unit_of_the_measurements_day(
    session: AsyncSession,
) -> None:
    ids = await build_reform(session)
    rows = (("06457", 1, "31/05/2025", "60"), ("06457", 1, "31/08/2025", "75"))
    ok(await _drive(session, "TD-2025", "01/05/2025", "30/09/2025", *rows))
    await session.commit()

    joined = (await session.execute(select(DriveParticipant.unit_id).order_by(DriveParticipant.unit_id))).scalars()
    assert list(joined) == sorted([ids["MS"], ids["TS"]])
