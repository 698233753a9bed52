"""/baocao on the demo (10/03/2026, the open period quý I/2026): the text saying what the report's two files
hold, the unit each role gets, the sub-words that reach the units' inputs, and /baocao 12 80 still saving
a task's progress as when /baocao was /capnhat's alias."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.base import Incoming, Reply
from handlers.router import Router
from models import UnitKind
from models.queries.report_inputs import inputs_of
from models.text import fold
from models.units import Unit, UnitAlias
from tests import factories as f
from tests.handlers._demo_support import ask


async def replies(demo: Router, account: str, text: str) -> list[Reply]:
    _, said = await demo.handle(Incoming("console", account, account, text))
    return said


async def unit_id(demo: Router, code: str) -> int:
    async with demo.sessions() as session:
        return int(await session.scalar(select(Unit.id).where(Unit.code == code)) or 0)


async def document(demo: Router, account: str, text: str) -> dict[str, Any] | None:
    said = await replies(demo, account, text)
    assert len(said) == 1
    return said[0].document


async def test_a_commune_chair_gets_the_communes_report_of_the_open_quarter(demo: Router) -> None:
    assert await document(demo, "chair", "/baocao") == {
        "kind": "report",
        "unit_id": await unit_id(demo, "06457"),
        "period": "2026-Q1",
    }
    said = await ask(demo, "chair", "/baocao")
    assert "Dự thảo báo cáo CCHC quý I/2026 của UBND xã Tuấn Sơn: tệp Word và phụ lục (tệp Excel)." in said
    assert "Số liệu của kỳ (từ 15/12/2025 đến 14/03/2026): 3/5 nhiệm vụ đến hạn đã hoàn thành, đạt 60,00%" in said
    assert "Đơn vị chưa gửi ý kiến cho kỳ này (/ykienbaocao)." in said


async def test_a_department_head_names_the_period_as_officials_write_it(demo: Router) -> None:
    stp = await unit_id(demo, "LS.STP")
    for typed, period in [
        ("/baocao quý 3 2026", "2026-Q3"),
        ("/baocao q3", "2026-Q3"),
        ("/baocao quy III/2026", "2026-Q3"),
        ("/baocao 6 tháng", "2026-H1"),
        ("/baocao năm 2025", "2025"),
        ("/baocao nam", "2026"),
        ("/baocao quy 1 2026", "2026-Q1"),
    ]:
        assert await document(demo, "head", typed) == {"kind": "report", "unit_id": stp, "period": period}, typed
    assert "báo cáo CCHC 6 tháng đầu năm 2026 của Sở Tư pháp" in await ask(demo, "head", "/baocao 6 thang")


async def test_leaders_get_the_province_and_may_name_any_unit_of_it(demo: Router) -> None:
    province = await unit_id(demo, "LS")
    assert await document(demo, "leader", "/baocao") == {"kind": "report", "unit_id": province, "period": "2026-Q1"}
    said = await ask(demo, "leader", "/baocao")
    assert "Dự thảo báo cáo CCHC quý I/2026 của UBND tỉnh Lạng Sơn" in said
    assert "Ý kiến của các đơn vị: 0/76 đơn vị đã gửi" in said
    named = await document(demo, "admin", "/baocao 6 thang LS.STP")
    assert named == {"kind": "report", "unit_id": await unit_id(demo, "LS.STP"), "period": "2026-H1"}
    assert "của UBND xã Tuấn Sơn" in await ask(demo, "admin", "/baocao quy 1 Xã Tuấn Sơn")
    by_code = await document(demo, "leader", "/baocao 06457")  # a commune's code, not a task number
    assert by_code == {"kind": "report", "unit_id": await unit_id(demo, "06457"), "period": "2026-Q1"}


async def test_a_unit_whose_name_starts_with_a_period_word_is_the_unit_not_a_period(demo: Router) -> None:
    """ "Năm Sơn" is not "năm" + "Sơn", "Quý Sơn" not a quarter: when the words read as a period leave no
    unit, the whole text names the unit (by name or by one of its aliases), for the open period."""
    async with demo.sessions() as session:
        ls = await session.scalar(select(Unit).where(Unit.code == "LS"))
        assert ls is not None
        nam = await f.unit(session, "LS.NS", UnitKind.COMMUNE, ls, name="Xã Năm Sơn")
        quy = await f.unit(session, "LS.QS", UnitKind.COMMUNE, ls, name="Xã Quý Sơn")
        session.add(UnitAlias(unit_id=quy.id, alias="Quý 1 mới", folded=fold("Quý 1 mới"), kind="name"))
        await session.commit()
    for typed, unit, period in [
        ("/baocao Năm Sơn", nam.id, "2026-Q1"),
        ("/baocao năm 2025 Năm Sơn", nam.id, "2025"),
        ("/baocao quý 3 Năm Sơn", nam.id, "2026-Q3"),
        ("/baocao Quý Sơn", quy.id, "2026-Q1"),
        ("/baocao 6 tháng Quý Sơn", quy.id, "2026-H1"),
        ("/baocao Quý 1 mới", quy.id, "2026-Q1"),  # an alias that reads as a period and a word left over
    ]:
        assert await document(demo, "leader", typed) == {"kind": "report", "unit_id": unit, "period": period}, typed
    assert await document(demo, "leader", "/baocao năm 2025") == {
        "kind": "report",
        "unit_id": await unit_id(demo, "LS"),
        "period": "2025",
    }  # a whole period is still the period
    assert "“son ha”" in await ask(demo, "leader", "/baocao năm Sơn Hà")  # no unit "Sơn Hà" nor "Năm Sơn Hà"


async def test_a_unit_head_may_not_ask_for_another_units_report(demo: Router) -> None:
    said = await ask(demo, "head", "/baocao Sở Nội vụ")
    assert "thuộc đơn vị khác, đồng chí không xem được" in said
    assert await document(demo, "head", "/baocao Sở Nội vụ") is None


async def test_a_bad_period_is_quoted_with_the_forms(demo: Router) -> None:
    said = await ask(demo, "chair", "/baocao quý 5")
    assert "Không có kỳ báo cáo hay đơn vị “quy 5”" in said and "quý I, 6 tháng, quý III và năm" in said
    assert "“abc”" in await ask(demo, "leader", "/baocao abc")


async def test_a_year_with_no_plan_still_sends_the_files_and_says_so(demo: Router) -> None:
    assert await document(demo, "leader", "/baocao nam 2030") is not None
    said = await ask(demo, "leader", "/baocao nam 2030")
    assert "Năm 2030 chưa có kế hoạch CCHC: báo cáo ghi “chưa có số liệu” ở các phần về nhiệm vụ." in said


async def test_in_english(demo: Router) -> None:
    await ask(demo, "leader", "/ngonngu en")
    said = await ask(demo, "leader", "/baocao")
    assert "Draft reform report for Q1 2026 of" in said and "Units' inputs: 0/76 units have sent theirs" in said
    assert "No reporting period or unit “quy 5”" in await ask(demo, "leader", "/baocao quy 5")


async def test_nhap_and_tinhhinh_reach_the_units_inputs(demo: Router) -> None:
    said = await ask(demo, "chair", "/baocao nhap noibat Giải quyết 98% hồ sơ đúng hạn")
    assert "Kết quả nổi bật (vừa lưu): Giải quyết 98% hồ sơ đúng hạn" in said
    async with demo.sessions() as session:
        rows = await inputs_of(session, [await unit_id(demo, "06457")], "2026-Q1")
    assert [(r.item, r.text) for r in rows] == [("highlights", "Giải quyết 98% hồ sơ đúng hạn")]
    assert "Ý kiến của đơn vị: đã gửi 1/3 mục." in await ask(demo, "chair", "/baocao")
    status = await ask(demo, "leader", "/baocao tinhhinh")
    assert "Ý kiến cho báo cáo CCHC quý I/2026" in status and "Đã gửi: 1/76 đơn vị" in status
    assert "Ý kiến của các đơn vị: 1/76 đơn vị đã gửi" in await ask(demo, "leader", "/baocao")
    assert "/tinhhinhbaocao" in await ask(demo, "chair", "/baocao tinhhinh")  # the leaders' command: refused


async def test_a_task_number_then_a_percent_still_reports_progress(demo: Router) -> None:
    by_baocao = await ask(demo, "chair", "/baocao 11 55 đã trình")
    assert by_baocao.startswith("Đã ghi nhận tiến độ 55% của nhiệm vụ số 11 cho UBND xã Tuấn Sơn.\nGhi chú: đã trình")
    by_capnhat = await ask(demo, "chair", "/capnhat 11 60 đã trình")
    assert by_capnhat == by_baocao.replace("55%", "60%")
    assert "Đã ghi nhận tiến độ" not in await ask(demo, "chair", "/baocao 6 tháng")  # a period, not task 6


async def test_the_report_phrases_reach_baocao_and_progress_stays_with_capnhat(demo: Router) -> None:
    assert "Dự thảo báo cáo CCHC quý I/2026" in await ask(demo, "leader", "báo cáo quý 1 2026")
    assert "Dự thảo báo cáo CCHC" in await ask(demo, "leader", "báo cáo CCHC")
    assert "Dự thảo" not in await ask(demo, "chair", "báo cáo tiến độ")
