"""A national results table as the press prints it (issue 13, points 1 and 4), at the data layer (SQLite
and PostgreSQL): provinces by name, the ones not stored created from the built-in list as reference units,
the scope rule kept (another province with officials of its own is never overwritten; units below a
province stay the importer's own), scales checked and published precision kept."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import IndexResult, Role, ScoreIndex, Unit, UnitKind
from models.importers import ensure_indices, import_bytes
from models.scope import Scope
from models.tree import add_unit
from tests import factories as f
from tests.models.test_importers import ok, xlsx
from tests.said import changes

HEADER = ("STT", "Tỉnh, thành phố", "Điểm", "Xếp hạng")
PAR_2023 = {"index": "PAR INDEX", "year": 2023}


async def _province(session: AsyncSession) -> Unit:
    """A database as ``cchc-bot init`` leaves it: the province and the standard indices."""
    ls = await add_unit(session, code="20", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    await add_unit(session, code="TPLS", name="Thành phố Lạng Sơn", kind=UnitKind.CITY, parent=ls)
    await ensure_indices(session)
    await session.commit()
    return ls


async def _stored(session: AsyncSession) -> dict[str, tuple[str, str, Decimal | None, int | None]]:
    session.expunge_all()
    rows = await session.execute(select(Unit, IndexResult).join(IndexResult, IndexResult.unit_id == Unit.id))
    return {u.code: (u.name, str(u.kind), r.score, r.rank) for u, r in rows.all()}


async def test_a_national_table_with_names_as_printed_imports_with_no_other_step(session: AsyncSession) -> None:
    ls = await _province(session)
    data = xlsx(
        HEADER,
        (1, "Hải Phòng", "91,51", "1/63"),
        (2, "TP. Hồ Chí Minh", "90,2", "2/63"),
        (3, "Thừa Thiên Huế", "89,04", "3/63"),
        (4, "Hà Giang", "80,1", "60/63"),
        (47, "Lạng Sơn", "85,94", "47/63"),
    )

    result = ok(await import_bytes(session, "results", "qg.xlsx", data, options=PAR_2023, scope=Scope(ls)))
    await session.commit()

    assert result.created == 5
    stored = await _stored(session)
    assert stored["31"] == ("Thành phố Hải Phòng", "central_city", Decimal("91.51"), 1)
    assert stored["79"][:2] == ("Thành phố Hồ Chí Minh", "central_city")
    assert stored["46"][0] == "Thành phố Huế"
    assert stored["20"] == ("Tỉnh Lạng Sơn", "province", Decimal("85.94"), 47)  # not Thành phố Lạng Sơn
    ha_giang = (await session.execute(select(Unit).where(Unit.code == "02"))).scalar_one()
    assert (ha_giang.name, str(ha_giang.valid_to)) == ("Tỉnh Hà Giang", "2025-06-11")  # one of the 63 only
    assert any("Thành phố Hải Phòng (31)" in change for change in changes(result.changes))


async def test_importing_the_table_again_changes_nothing(session: AsyncSession) -> None:
    ls = await _province(session)
    data = xlsx(HEADER, (1, "Hải Phòng", "91,51", "1/63"), (2, "Lạng Sơn", "85,94", "47/63"))
    ok(await import_bytes(session, "results", "qg.xlsx", data, options=PAR_2023, scope=Scope(ls)))
    await session.commit()

    again = ok(await import_bytes(session, "results", "qg.xlsx", data, options=PAR_2023, scope=Scope(ls)))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


async def test_another_province_with_officials_of_its_own_is_never_overwritten(session: AsyncSession) -> None:
    ls = await _province(session)
    hp = await add_unit(session, code="31", name="Thành phố Hải Phòng", kind=UnitKind.CENTRAL_CITY)
    await f.official(session, hp, Role.ADMIN, name="Tổ thư ký Hải Phòng")
    par = (await session.execute(select(ScoreIndex).where(ScoreIndex.code == "PAR"))).scalar_one()
    await f.index_result(session, par, hp, 2023, "91.51", 1)
    await session.commit()

    same = xlsx(HEADER, (1, "Hải Phòng", "91,51", "1/63"))
    assert ok(await import_bytes(session, "results", "qg.xlsx", same, options=PAR_2023, scope=Scope(ls))).unchanged
    other = xlsx(HEADER, (1, "Hải Phòng", "90", "1/63"), (2, "Lạng Sơn", "85,94", "47/63"))
    result = await import_bytes(session, "results", "qg.xlsx", other, options=PAR_2023, scope=Scope(ls))
    await session.commit()

    assert [(e.row, e.code) for e in result.errors] == [(2, "guarded_result")]
    assert "Hải Phòng" in result.errors[0].reason
    assert (await _stored(session))["31"][2] == Decimal("91.51")


async def test_units_below_another_province_stay_out_of_reach(session: AsyncSession) -> None:
    ls = await _province(session)
    qn = await add_unit(session, code="22", name="Tỉnh Quảng Ninh", kind=UnitKind.PROVINCE)
    await add_unit(session, code="QN.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=qn)
    await session.commit()
    data = xlsx(("Chỉ số", "Năm", "Đơn vị", "Điểm"), ("CCHC", 2023, "QN.SNV", "88"), ("PAR", 2023, "Quảng Ninh", "88"))

    result = await import_bytes(session, "results", "kq.xlsx", data, scope=Scope(ls))

    assert [(e.row, e.code) for e in result.errors] == [(2, "outside_province")]


async def test_a_score_outside_the_index_scale_names_the_scale(session: AsyncSession) -> None:
    ls = await _province(session)
    data = xlsx(HEADER, (1, "Lạng Sơn", "85,3", "21/63"), (2, "Hải Phòng", "9,5", "63/63"))

    result = await import_bytes(session, "results", "papi.xlsx", data, options={"index": "PAPI", "year": 2023})

    assert [(e.row, e.code) for e in result.errors] == [(2, "out_of_scale"), (3, "out_of_scale")]
    assert "ngoài thang 10–80 của PAPI" in result.errors[0].reason
    assert (result.errors[0].params["low"], result.errors[0].params["high"]) == (Decimal(10), Decimal(80))
    assert ls.code == "20"


async def test_a_score_keeps_the_decimals_it_was_published_with(session: AsyncSession) -> None:
    ls = await _province(session)
    data = xlsx(
        ("Tỉnh, thành phố", "Điểm", "Xếp hạng", "Thay đổi điểm"),
        ("Tây Ninh", "47,345", "30/63", "+0,1200"),  # in 2024 the Tây Ninh of code 72, not today's (80)
        ("Lạng Sơn", "45,90", "40/63", "-0,4"),
    )

    ok(await import_bytes(session, "results", "papi.xlsx", data, options={"index": "PAPI", "year": 2024}))
    await session.commit()

    session.expunge_all()
    rows = await session.execute(select(Unit.code, IndexResult).join(Unit, Unit.id == IndexResult.unit_id))
    stored = {code: r for code, r in rows.all()}
    assert (stored["72"].score, stored["72"].score_places, stored["72"].delta_places) == (Decimal("47.345"), 3, 4)
    assert (stored[ls.code].score_places, stored[ls.code].delta_places) == (2, 1)


async def test_a_table_of_2026_names_todays_province_where_the_reform_moved_a_code(session: AsyncSession) -> None:
    await _province(session)
    ok(await import_bytes(session, "results", "t.xlsx", xlsx(HEADER, (1, "Long An", "80", "1/63")), options=PAR_2023))
    data = xlsx(HEADER, (1, "Tây Ninh", "81", "1/34"))

    ok(await import_bytes(session, "results", "t.xlsx", data, options={"index": "PAR", "year": 2026}))
    await session.commit()

    session.expunge_all()
    eighty = {
        u.name: (u.valid_from, u.valid_to)
        for u in (await session.execute(select(Unit).where(Unit.code == "80"))).scalars()
    }
    assert [str(d) for d in eighty["Tỉnh Long An"]] == ["None", "2025-06-11"]
    assert [str(d) for d in eighty["Tỉnh Tây Ninh"]] == ["2025-06-12", "None"]


async def _import_sample(session: AsyncSession, scope: Scope) -> None:
    from models.importers import import_file
    from tests.models.test_importers import SAMPLES

    result = ok(await import_file(session, "results", SAMPLES / "ket_qua_quoc_gia.xlsx", scope=scope))
    await session.commit()
    assert result.created + result.unchanged == 63


async def test_the_national_sample_imports_into_a_database_made_by_init(session: AsyncSession) -> None:
    from datetime import datetime

    from models import DEFAULT_TZ, FrozenClock
    from models.provinces import find_province
    from models.setup import init_province

    entry = find_province("Lạng Sơn")
    assert entry is not None
    made = await init_province(session, entry, FrozenClock(at=datetime(2026, 3, 2, 9, 0, tzinfo=DEFAULT_TZ)))
    await session.commit()

    await _import_sample(session, Scope(made.province))

    stored = await _stored(session)
    assert len(stored) == 63
    assert stored["20"] == ("Tỉnh Lạng Sơn", "province", Decimal("85.94"), 47)
    assert stored["31"] == ("Thành phố Hải Phòng", "central_city", None, None)  # named, not yet published here
    assert stored["46"][0] == "Thành phố Huế" and stored["79"][0] == "Thành phố Hồ Chí Minh"


async def test_the_national_sample_imports_into_the_demo_database(session: AsyncSession) -> None:
    from datetime import datetime

    from models import DEFAULT_TZ, FrozenClock
    from models.demo import load_demo

    await load_demo(session, FrozenClock(at=datetime(2026, 3, 2, 9, 0, tzinfo=DEFAULT_TZ)))
    await session.commit()
    ls = (await session.execute(select(Unit).where(Unit.code == "LS"))).scalar_one()

    await _import_sample(session, Scope(ls))

    session.expunge_all()
    query = select(Unit.code).join(IndexResult, IndexResult.unit_id == Unit.id).where(IndexResult.year == 2023)
    codes = set((await session.execute(query)).scalars())
    assert {"LS", "31", "79", "46", "02"} <= codes
    assert "20" not in codes  # Lạng Sơn is the demo's own "LS", found by its name
