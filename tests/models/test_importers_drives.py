"""Importing a competition drive's criteria and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Drive, DriveCriterion, DriveMeasurement, DriveParticipant, Unit
from models.importers import import_bytes, import_file
from tests.models.test_importers import DRIVE, SAMPLES, counts, csv_bytes, ok, sample_units, xlsx
from tests.said import changes

MEASURED = {"drive": DRIVE["drive"]}
HEADER = ("Đơn vị", "Tiêu chí", "Ngày", "Giá trị")


async def sample_drive(session: AsyncSession) -> None:
    await sample_units(session)
    ok(await import_file(session, "drive_criteria", SAMPLES / "thi_dua_tieu_chi.xlsx", options=DRIVE))
    await session.commit()


async def test_criteria_create_the_drive_with_weights_and_targets(session: AsyncSession) -> None:
    await sample_drive(session)

    drive = (await session.execute(select(Drive))).scalar_one()
    criteria = {c.number: c for c in (await session.execute(select(DriveCriterion))).scalars()}

    assert (drive.code, drive.starts_on, drive.ends_on) == ("TD-MOTCUA-2024", date(2024, 5, 1), date(2024, 9, 30))
    assert sum(c.weight for c in criteria.values()) == Decimal(100)
    assert (criteria[4].name, criteria[4].target_value, criteria[4].measure) == (
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        Decimal(98),
        "%",
    )


async def test_the_dry_run_of_new_criteria_says_the_drive_and_each_weight_and_target(session: AsyncSession) -> None:
    await sample_units(session)

    result = ok(
        await import_file(session, "drive_criteria", SAMPLES / "thi_dua_tieu_chi.xlsx", options=DRIVE, dry_run=True)
    )

    said = changes(result.changes)
    assert said[0] == "Tạo đợt thi đua “Hiện đại hóa bộ phận một cửa” (mã TD-MOTCUA-2024)"
    assert all(line.startswith("Thêm tiêu chí ") and " điểm khi đạt " in line for line in said[1:]), said
    english = changes(result.changes, "en")
    assert english[0] == "Create the drive “Hiện đại hóa bộ phận một cửa” (code TD-MOTCUA-2024)"
    assert all(" points for reaching " in line for line in english[1:]), english


async def test_changed_criterion_is_updated_and_the_others_stay(session: AsyncSession) -> None:
    await sample_drive(session)
    data = xlsx(("TT", "Tiêu chí", "Trọng số", "Chỉ tiêu"), (2, "Tỷ lệ hồ sơ nộp trực tuyến", 25, "85,5"))

    result = ok(await import_bytes(session, "criteria", "tc.xlsx", data, options={"drive": DRIVE["drive"]}))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    criteria = {c.number: c for c in (await session.execute(select(DriveCriterion))).scalars()}
    assert criteria[2].target_value == Decimal("85.5")
    assert len(criteria) == 5


async def test_measurements_make_their_units_participants(session: AsyncSession) -> None:
    await sample_drive(session)

    result = ok(await import_file(session, "drive_measurements", SAMPLES / "thi_dua_so_lieu.csv", options=MEASURED))
    await session.commit()

    query = select(Unit.code).join(DriveParticipant, DriveParticipant.unit_id == Unit.id)
    assert sorted((await session.execute(query)).scalars()) == ["CL", "HL", "HL-MS", "TPLS"]
    assert result.created == 9
    assert sum(1 for c in changes(result.changes) if "vào đợt thi đua" in c) == 4
    values = {m.value for m in (await session.execute(select(DriveMeasurement))).scalars()}
    assert Decimal("40.75") in values


async def test_a_changed_measurement_updates_its_value(session: AsyncSession) -> None:
    await sample_drive(session)
    ok(await import_file(session, "drive_measurements", SAMPLES / "thi_dua_so_lieu.csv", options=MEASURED))
    await session.commit()

    data = csv_bytes(HEADER, ("HL", "2", "31/05/2024", "63"), ("HL", "1", "31/05/2024", "80"), delimiter=";")
    result = ok(await import_bytes(session, "measurements", "so_lieu.csv", data, options=MEASURED))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert changes(result.changes) == ["Sửa số liệu của Huyện Hữu Lũng, tiêu chí 2, ngày 31/05/2024: 62,5% → 63%"]
    assert changes(result.changes, "en") == [
        "Change the measurement for Huyện Hữu Lũng, criterion 2, 31/05/2024: 62.5% → 63%"
    ]


async def test_unknown_criterion_unit_and_duplicate_measurements_are_row_errors(session: AsyncSession) -> None:
    await sample_drive(session)
    before = await counts(session)
    data = csv_bytes(
        HEADER,
        ("HL", "9", "31/05/2024", "50"),
        ("Huyện Không Có", "1", "31/05/2024", "50"),
        ("HL", "Tỷ lệ hồ sơ nộp trực tuyến", "31/5/2024", "50"),
        ("HL", "2", "2024-05-31", "51"),
        ("CL", "1", "31/05", "50"),
    )

    result = await import_bytes(session, "drive_measurements", "so_lieu.csv", data, options=MEASURED)
    await session.commit()

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Tiêu chí", "unknown_criterion"),
        (3, "Đơn vị", "unknown_unit"),
        (5, "Giá trị", "duplicate"),
        (6, "Ngày", "bad_date"),
    ]
    assert await counts(session) == before


async def test_measurements_need_an_existing_drive(session: AsyncSession) -> None:
    await sample_units(session)

    result = await import_file(
        session, "drive_measurements", SAMPLES / "thi_dua_so_lieu.csv", options={"drive": "KHONG-CO"}
    )

    assert [(e.row, e.code) for e in result.errors] == [(0, "unknown_drive")]
