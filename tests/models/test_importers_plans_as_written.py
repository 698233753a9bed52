"""Importing a plan as it is written: headers in their printed variants, group assignees expanded to the
units of the plan's year and kept as a group, recurring deadlines with a due date per period, product and
note kept, and the errors a secretary gets (the accepted headers, a group with no unit that year) in
Vietnamese and English."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import Renderer
from handlers.base import Reply
from models import DEFAULT_TZ, Assignment, AssignmentRole, DeadlineKind, Task, Unit, UnitKind
from models.importers import import_bytes
from models.queries.tasks import record_progress
from tests import factories as f
from tests.models.test_importers import ok, xlsx
from tests.said import change_line, changes

PLAN = {"plan": "KH-2026", "year": 2026}
HEADER = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì\nthực hiện", "CƠ QUAN PHỐI HỢP", "Thời gian\nhoàn thành")


async def province(session: AsyncSession) -> dict[str, Unit]:
    """Today's shape: two departments, an agency, two communes and a ward below the province, and a
    district that ended on 30/6/2025 with its commune."""
    ls = await f.unit(session, "20", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    units = {"LS": ls}
    for code, kind, name in (
        ("SNV", UnitKind.DEPARTMENT, "Sở Nội vụ"),
        ("STP", UnitKind.DEPARTMENT, "Sở Tư pháp"),
        ("VP", UnitKind.AGENCY, "Văn phòng UBND tỉnh"),
        ("06457", UnitKind.COMMUNE, "Xã Tuấn Sơn"),
        ("06385", UnitKind.COMMUNE, "Xã Hữu Lũng"),
        ("06187", UnitKind.WARD, "Phường Kỳ Lừa"),
    ):
        units[code] = await f.unit(session, code, kind, ls, name=name)
    old = await f.unit(session, "HL", UnitKind.DISTRICT, ls, name="Huyện Hữu Lũng")
    old.valid_to = date(2025, 6, 30)
    await session.commit()
    return units


async def assignments(session: AsyncSession, number: int) -> dict[str, tuple[str, str | None]]:
    session.expunge_all()
    rows = await session.execute(
        select(Unit.code, Assignment.role, Assignment.via_group)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.number == number)
    )
    return {code: (role, via) for code, role, via in rows.all()}


async def test_group_leads_expand_to_the_units_of_the_plan_year_and_keep_the_group(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(
        HEADER,
        (1, "Ban hành kế hoạch CCHC", "Các sở, ban, ngành;\nUBND các xã, phường", "Sở Nội vụ", "Trước 31/01/2026"),
        (2, "Rà soát văn bản", "Sở Tư pháp", "UBND các xã, phường, Văn phòng UBND tỉnh", "Quý II/2026"),
        (3, "Kiểm tra công vụ", "Sở Nội vụ", "Các cơ quan, đơn vị liên quan", "Quý III/2026"),
    )

    preview = ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN, dry_run=True))
    ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN))
    await session.commit()

    assert "chủ trì Các sở, ban, ngành → 3 đơn vị, UBND các xã, phường → 3 đơn vị" in change_line(preview.changes[1])
    first = await assignments(session, 1)
    assert first == {
        "SNV": ("lead", "departments"),  # lead through the group: not also cooperating
        "STP": ("lead", "departments"),
        "VP": ("lead", "departments"),
        "06457": ("lead", "communes"),
        "06385": ("lead", "communes"),
        "06187": ("lead", "communes"),
    }
    second = await assignments(session, 2)
    assert second["VP"] == ("cooperate", None) and second["06187"] == ("cooperate", "communes")
    assert "HL" not in second  # the district ended before the plan's year
    assert await assignments(session, 3) == {"SNV": ("lead", None)}  # "liên quan" names nobody


async def test_a_group_with_no_unit_that_year_is_one_row_error_in_both_languages(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(HEADER, (1, "Sắp xếp đơn vị hành chính", "UBND các huyện, thành phố", "", "Quý I/2026"))

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    [error] = result.errors
    assert (error.code, error.params["group"], error.params["year"]) == ("empty_group", "districts", 2026)
    context = {"name": "kh.xlsx", "kind": "tasks", "options": PLAN, "result": result}
    vi = Renderer().render("vi", Reply("imports/cli_errors", context))
    en = Renderer().render("en", Reply("imports/cli_errors", context))
    assert "“UBND các huyện, thành phố”: năm 2026 không có đơn vị nào như vậy" in vi
    assert "từ 1/7/2025 không còn cấp huyện" in vi
    assert "“UBND các huyện, thành phố”: there is no such unit in 2026" in en


@pytest.mark.parametrize(
    "header",
    [
        ("STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm", "Ghi chú"),
        (
            "Số TT",
            "NHIỆM VỤ",
            "Cơ quan chủ trì thực hiện",
            "Phối hợp",
            "Thời gian hoàn thành (dự kiến)",
            "Sản phẩm",
            "Ghi chú",
        ),
        (
            "tt",
            "noi dung nhiem vu",
            "co quan\nchu tri",
            "co quan phoi hop",
            "thoi gian\nhoan thanh",
            "san pham",
            "ghi chu",
        ),
    ],
)
async def test_headers_as_written_are_recognised(session: AsyncSession, header: tuple[str, ...]) -> None:
    await province(session)
    data = xlsx(header, (1, "Rà soát thủ tục", "Sở Nội vụ", "Sở Tư pháp", "30/6/2026", "Báo cáo", "Ưu tiên"))

    ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN))
    await session.commit()

    task = (await session.execute(select(Task))).scalar_one()
    assert (task.product, task.note, task.due_date) == ("Báo cáo", "Ưu tiên", date(2026, 6, 30))
    assert await assignments(session, 1) == {"SNV": ("lead", None), "STP": ("cooperate", None)}


async def test_a_missing_column_names_the_headers_it_may_be_written_as(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"), (1, "Rà soát thủ tục", "SNV"))

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    [error] = result.errors
    assert error.code == "missing_column" and error.params["missing"] == ["Thời gian hoàn thành"]
    assert "Thời hạn" in error.params["accepted"][0]
    context = {"name": "kh.xlsx", "kind": "tasks", "options": PLAN, "result": result}
    vi = Renderer().render("vi", Reply("imports/cli_errors", context))
    en = Renderer().render("en", Reply("imports/cli_errors", context))
    assert "Thiếu cột “Thời gian hoàn thành” (ghi một trong: Thời gian hoàn thành, Thời hạn," in vi
    assert "Missing column “Thời gian hoàn thành” (written as any of: Thời gian hoàn thành, Thời hạn," in en


async def test_a_recurring_deadline_opens_its_first_period_and_a_report_moves_it_on(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(HEADER, (1, "Báo cáo CCHC định kỳ", "UBND các xã, phường", "", "Trước ngày 15 của tháng cuối quý"))
    ok(await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN))
    await session.commit()

    task = (await session.execute(select(Task))).scalar_one()
    assert (task.deadline_kind, task.recurrence, task.due_date) == (
        DeadlineKind.RECURRING,
        "quarterly@15",
        date(2026, 12, 15),
    )
    rows = list((await session.execute(select(Assignment).order_by(Assignment.unit_id))).scalars())
    assert {a.due_on for a in rows} == {date(2026, 3, 15)}
    reported = rows[0]
    at = datetime(2026, 5, 20, 9, 0, tzinfo=DEFAULT_TZ)
    await record_progress(session, reported, percent=100, note="Đã báo cáo quý I", by_id=None, now=at, today=at.date())
    assert reported.due_on == date(2026, 6, 15)  # the first quarter is reported (late): the second is open
    assert rows[1].due_on == date(2026, 3, 15)  # still owes the first quarter's report
    assert AssignmentRole(reported.role) == AssignmentRole.LEAD


async def test_reimporting_a_group_keeps_progress_and_drops_what_the_group_no_longer_names(
    session: AsyncSession,
) -> None:
    await province(session)
    first = xlsx(HEADER, (1, "Số hoá hồ sơ", "UBND các xã, phường", "Sở Nội vụ", "Năm 2026"))
    ok(await import_bytes(session, "tasks", "kh.xlsx", first, options=PLAN))
    await session.commit()
    ward = (await session.execute(select(Unit).where(Unit.code == "06187"))).scalar_one()
    assignment = (await session.execute(select(Assignment).where(Assignment.unit_id == ward.id))).scalar_one()
    assignment.progress = 60
    await session.commit()

    again = xlsx(HEADER, (1, "Số hoá hồ sơ", "UBND các xã, phường", "Sở Nội vụ", "Năm 2026"))
    result = ok(await import_bytes(session, "tasks", "kh.xlsx", again, options=PLAN))
    await session.commit()
    changed = xlsx(HEADER, (1, "Số hoá hồ sơ", "Sở Nội vụ", "UBND các xã, phường", "Năm 2026"))
    swap = ok(await import_bytes(session, "tasks", "kh.xlsx", changed, options=PLAN, dry_run=True))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    kept = (await session.execute(select(Assignment).where(Assignment.unit_id == ward.id))).scalar_one()
    assert kept.progress == 60
    swapped = change_line(swap.changes[0])
    assert "Phường Kỳ Lừa" not in swapped and "06187: chủ trì → phối hợp" in swapped


async def test_naming_units_through_a_group_instead_of_one_by_one_is_a_change(session: AsyncSession) -> None:
    await province(session)
    one_by_one = xlsx(HEADER, (1, "Số hoá hồ sơ", "Xã Tuấn Sơn; Xã Hữu Lũng; Phường Kỳ Lừa", "", "Năm 2026"))
    ok(await import_bytes(session, "tasks", "kh.xlsx", one_by_one, options=PLAN))
    await session.commit()

    grouped = xlsx(HEADER, (1, "Số hoá hồ sơ", "UBND các xã, phường", "", "Năm 2026"))
    result = ok(await import_bytes(session, "tasks", "kh.xlsx", grouped, options=PLAN))
    await session.commit()

    assert changes(result.changes) == ["Sửa nhiệm vụ số 1: chủ trì ghi theo nhóm UBND các xã, phường: 3 đơn vị"]
    assert {via for _, via in (await assignments(session, 1)).values()} == {"communes"}


async def test_a_plan_before_the_reform_expands_districts_to_the_units_of_its_year(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(HEADER, (1, "Sắp xếp đơn vị hành chính cấp xã", "UBND các huyện, thành phố", "Sở Nội vụ", "Quý IV"))

    preview = ok(await import_bytes(session, "tasks", "kh.xlsx", data, options={"plan": "KH-2024", "year": 2024}))
    await session.commit()

    assert "chủ trì UBND các huyện, thành phố → 1 đơn vị" in change_line(preview.changes[1])
    assert await assignments(session, 1) == {"HL": ("lead", "districts"), "SNV": ("cooperate", None)}


async def test_related_bodies_cannot_lead_a_task(session: AsyncSession) -> None:
    await province(session)
    data = xlsx(HEADER, (1, "Tuyên truyền CCHC", "Các cơ quan, đơn vị liên quan", "Sở Nội vụ", "Quý IV/2026"))

    result = await import_bytes(session, "tasks", "kh.xlsx", data, options=PLAN)

    [error] = result.errors
    assert error.code == "vague_lead"
    context = {"name": "kh.xlsx", "kind": "tasks", "options": PLAN, "result": result}
    assert "không chỉ rõ ai chủ trì" in Renderer().render("vi", Reply("imports/cli_errors", context))
    assert "does not say who leads" in Renderer().render("en", Reply("imports/cli_errors", context))
