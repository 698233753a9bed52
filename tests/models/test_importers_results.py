"""Importing published index results: exact decimal-comma scores, "47/63" ranks, unknown values left
NULL, components, and the standard indices."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ComponentResult, IndexComponent, IndexResult, ScoreIndex, ScoreKind
from models.importers import ensure_indices, import_bytes, import_file
from tests.models.test_importers import SAMPLES, counts, csv_bytes, ok, sample_units, xlsx
from tests.said import changes, reason

HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng")


async def results(session: AsyncSession) -> dict[tuple[str, int], IndexResult]:
    session.expunge_all()
    query = select(ScoreIndex.code, IndexResult).join(ScoreIndex, ScoreIndex.id == IndexResult.index_id)
    return {(code, r.year): r for code, r in (await session.execute(query)).all()}


async def ready(session: AsyncSession) -> None:
    await sample_units(session)
    await ensure_indices(session)
    await session.commit()


async def test_bom_semicolon_csv_with_decimal_commas_comes_back_exact(session: AsyncSession) -> None:
    await ready(session)

    result = ok(await import_file(session, "results", SAMPLES / "ket_qua_chi_so.csv"))
    await session.commit()

    stored = await results(session)
    par = stored[("PAR", 2023)]
    assert result.created == 5
    assert par.score == Decimal("85.94")
    assert str(par.score) == "85.94"
    assert (par.rank, par.rank_total, par.rank_delta) == (47, 63, 7)
    assert (stored[("PAR", 2021)].score_delta, stored[("PAR", 2021)].rank_delta) == (Decimal("3.31"), 13)


async def test_an_empty_score_stays_unknown_with_its_note_and_published_changes(session: AsyncSession) -> None:
    await ready(session)

    ok(await import_file(session, "results", SAMPLES / "ket_qua_chi_so.csv"))
    await session.commit()

    stored = await results(session)
    sipas, papi = stored[("SIPAS", 2023)], stored[("PAPI", 2023)]
    assert (sipas.score, sipas.rank, sipas.note) == (None, 55, "trên 79%")
    assert (papi.score, papi.score_delta, papi.rank_delta) == (None, Decimal("-0.37"), -8)
    assert papi.group_label == "Trung bình cao"


async def test_a_plain_comma_csv_without_bom_works(session: AsyncSession) -> None:
    await ready(session)
    data = csv_bytes(HEADER, ("PAR INDEX", "2021", "Tỉnh Lạng Sơn", "87,11", "23/63"))

    ok(await import_bytes(session, "results", "kq.csv", data))
    await session.commit()

    par = (await results(session))[("PAR", 2021)]
    assert (par.score, par.rank, par.rank_total) == (Decimal("87.11"), 23, 63)


async def test_a_plain_rank_takes_its_total_from_the_total_column(session: AsyncSession) -> None:
    await ready(session)
    data = xlsx((*HEADER, "Tổng số"), ("PCI", 2019, "LS", 65.4, 12, 63), ("DTI", 2023, "LS", "", 40, ""))

    ok(await import_bytes(session, "results", "kq.xlsx", data))
    await session.commit()

    stored = await results(session)
    assert (stored[("PCI", 2019)].score, stored[("PCI", 2019)].rank, stored[("PCI", 2019)].rank_total) == (
        Decimal("65.4"),
        12,
        63,
    )
    assert (stored[("DTI", 2023)].rank, stored[("DTI", 2023)].rank_total) == (40, None)


async def test_index_and_year_may_be_given_as_options(session: AsyncSession) -> None:
    await ready(session)
    data = xlsx(("Đơn vị", "Điểm", "Xếp hạng"), ("LS", "85,94", "47/63"))

    ok(await import_bytes(session, "results", "par.xlsx", data, options={"index": "PAR INDEX", "year": 2023}))
    await session.commit()

    assert (await results(session))[("PAR", 2023)].score == Decimal("85.94")


async def test_without_index_column_or_option_the_column_is_missing(session: AsyncSession) -> None:
    await ready(session)
    data = xlsx(("Đơn vị", "Điểm", "Xếp hạng"), ("LS", "85,94", "47/63"))

    result = await import_bytes(session, "results", "par.xlsx", data)

    assert [(e.column, e.code) for e in result.errors] == [("Chỉ số", "missing_column"), ("Năm", "missing_column")]


async def test_component_scores_ranks_and_changes_are_stored_per_field(session: AsyncSession) -> None:
    await ready(session)
    header = (
        *HEADER,
        "Lĩnh vực 1",
        "Lĩnh vực 2 - Xếp hạng",
        "Thay đổi bậc lĩnh vực 1",
        "Cải cách tài chính công",
        "Tỉnh",
    )
    data = xlsx(header, ("PAR", 2023, "LS", "85,94", "47/63", "7,5", "40/63", "giảm 33 bậc", "6,1", "Lạng Sơn"))

    result = ok(await import_bytes(session, "results", "kq.xlsx", data))
    await session.commit()
    again = ok(await import_bytes(session, "results", "kq.xlsx", data))

    query = select(IndexComponent.number, ComponentResult).join(
        IndexComponent, IndexComponent.id == ComponentResult.component_id
    )
    parts = {number: c for number, c in (await session.execute(query)).all()}
    assert result.created == 1
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (parts[1].score, parts[1].rank_delta) == (Decimal("7.5"), -33)
    assert (parts[2].score, parts[2].rank, parts[2].rank_total) == (None, 40, 63)
    assert parts[6].score == Decimal("6.1")


async def test_a_changed_score_updates_the_result(session: AsyncSession) -> None:
    await ready(session)
    ok(await import_bytes(session, "results", "kq.xlsx", xlsx(HEADER, ("PAR", 2023, "LS", "85,9", "47/63"))))
    await session.commit()

    result = ok(await import_bytes(session, "results", "kq.xlsx", xlsx(HEADER, ("PAR", 2023, "LS", "85,94", "47/63"))))
    await session.commit()

    assert (result.created, result.updated) == (0, 1)
    assert changes(result.changes) == ["Sửa kết quả PAR 2023 – Tỉnh Lạng Sơn (LS): Điểm 85,9 → 85,94"]
    assert (await results(session))[("PAR", 2023)].score == Decimal("85.94")


async def test_bad_rows_are_reported_and_nothing_is_written(session: AsyncSession) -> None:
    await ready(session)
    before = await counts(session)
    data = xlsx(
        (*HEADER, "Lĩnh vực 1"),
        ("XYZ", 2023, "LS", "80", "1/63", ""),
        ("PAR", 2023, "Tỉnh Không Có", "80", "1/63", ""),
        ("PAR", 2023, "LS", "185", "64/63", ""),
        ("PCI", 2023, "LS", "abc", "12", "7"),
        ("SIPAS", 2023, "LS", "80", "12", ""),
        ("SIPAS", 2023, "LS", "81", "12", ""),
    )

    result = await import_bytes(session, "results", "kq.xlsx", data)
    await session.commit()

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Chỉ số", "unknown_index"),
        (3, "Đơn vị", "unknown_unit"),
        (4, "Điểm", "out_of_scale"),
        (4, "Xếp hạng", "bad_value"),
        (5, "Điểm", "bad_number"),
        (5, "Lĩnh vực 1", "unknown_component"),
        (7, "Đơn vị", "duplicate"),
    ]
    assert await counts(session) == before


async def test_standard_indices_are_created_once_with_their_components(session: AsyncSession) -> None:
    first = await ensure_indices(session)
    await session.commit()
    second = await ensure_indices(session)
    await session.commit()

    assert sorted(first) == sorted(second) == ["766", "CCHC", "DTI", "PAPI", "PAR", "PCI", "SIPAS"]
    assert first["SIPAS"].score_kind == ScoreKind.PERCENT
    assert first["PAR"].max_score == Decimal(100)
    query = select(ScoreIndex.code, IndexComponent.number).join(ScoreIndex, ScoreIndex.id == IndexComponent.index_id)
    numbers = (await session.execute(query)).all()
    assert sorted(n for code, n in numbers if code == "PAR") == list(range(1, 9))
    assert sorted(n for code, n in numbers if code == "SIPAS") == list(range(1, 6))
    assert all(i.name_vi and i.name_en for i in second.values())


async def test_a_papi_dimension_outside_1_to_10_is_a_row_error_naming_the_scale(session: AsyncSession) -> None:
    await ready(session)
    before = await counts(session)
    data = xlsx(
        (*HEADER, "Lĩnh vực 1", "Lĩnh vực 2"),
        ("PAPI", 2023, "LS", "45", "", "0,8", "5"),
        ("PAPI", 2022, "LS", "45", "", "6", "10,2"),
    )

    result = await import_bytes(session, "results", "kq.xlsx", data)
    await session.commit()

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Lĩnh vực 1", "bad_value"),
        (3, "Lĩnh vực 2", "bad_value"),
    ]
    assert [reason(e, "vi") for e in result.errors] == [
        "điểm 0,8 nằm ngoài thang điểm của lĩnh vực/thành phần này (1–10).",
        "điểm 10,2 nằm ngoài thang điểm của lĩnh vực/thành phần này (1–10).",
    ]
    assert reason(result.errors[0], "en") == "the score 0.8 is outside the scale of this field or component (1–10)."
    assert await counts(session) == before


async def test_a_papi_dimension_at_either_end_of_its_scale_is_stored(session: AsyncSession) -> None:
    await ready(session)
    data = xlsx((*HEADER, "Lĩnh vực 1", "Lĩnh vực 2"), ("PAPI", 2023, "LS", "45", "", "1", "10"))

    ok(await import_bytes(session, "results", "kq.xlsx", data))
    await session.commit()

    stored = (await session.execute(select(ComponentResult.score).order_by(ComponentResult.score))).scalars()
    assert list(stored) == [Decimal(1), Decimal(10)]
