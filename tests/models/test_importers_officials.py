"""The secretariat's list of officials (kind ``officials``, issue 21 point 4): roles at each unit, mobile
numbers however written kept as 84xxxxxxxxx, bad numbers and duplicates refused by row with the number
masked, matched by unit and name so a second import changes nothing, only within the uploader's province."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, FrozenClock, Official, Role, Unit, UnitKind
from models.importers import ImportResult, RowError, import_bytes, import_file
from models.phones import PhoneProblem, digit_runs, masked, national
from models.provinces import find_province
from models.scope import Scope
from models.setup import init_province
from tests import factories
from tests.models.test_importers import SAMPLES, counts, ok, xlsx
from tests.said import changes, reason

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=DEFAULT_TZ)
CLOCK = FrozenClock(at=NOW)
HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại")


async def lang_son(session: AsyncSession) -> Scope:
    """A database made by ``init`` with today's units of Lạng Sơn (samples/don_vi_lang_son_2025.csv)."""
    entry = find_province("Lạng Sơn")
    assert entry is not None
    made = await init_province(session, entry, CLOCK)
    await session.commit()
    scope = Scope(made.province)
    ok(await import_file(session, "units", SAMPLES / "don_vi_lang_son_2025.csv", scope=scope, clock=CLOCK))
    await session.commit()
    return scope


def reasons(errors: list[RowError], lang: str = "vi") -> list[str]:
    return [reason(error, lang) for error in errors]


async def officials(session: AsyncSession) -> dict[str, Official]:
    found = (await session.scalars(select(Official))).all()
    return {o.full_name: o for o in found}


async def run(session: AsyncSession, scope: Scope, *rows: tuple[object, ...], dry_run: bool = False) -> ImportResult:
    return await import_bytes(
        session, "canbo", "can_bo.xlsx", xlsx(HEADER, *rows), scope=scope, clock=CLOCK, dry_run=dry_run
    )


@pytest.mark.parametrize(
    "written", ["0912 345 678", "0912.345.678", "+84 912345678", "84912345678", "0912-345-678", "(+84) 912 345 678"]
)
def test_a_mobile_number_is_read_however_it_is_written(written: str) -> None:
    assert national(written) == "84912345678"


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("0205 3812 345", "landline"),
        ("02053812345", "landline"),
        ("0912 345 67", "length"),
        ("09123456789", "length"),
        ("0112 345 678", "prefix"),
        ("0502 345 678", "prefix"),
        ("+1 415 555 0100", "prefix"),
        ("không có", "not_number"),
    ],
)
def test_a_landline_a_wrong_length_or_an_unused_prefix_is_refused(written: str, why: str) -> None:
    with pytest.raises(PhoneProblem) as refused:
        national(written)
    assert refused.value.why == why


def test_a_number_is_shown_masked() -> None:
    assert masked("84912345678") == "0912***678"
    assert masked("0912 345 678") == "0912***678"
    assert masked("12") == "***"


async def test_the_sample_list_imports_roles_and_numbers_and_a_second_import_changes_nothing(
    session: AsyncSession,
) -> None:
    scope = await lang_son(session)
    path = SAMPLES / "can_bo.xlsx"

    preview = ok(await import_file(session, "officials", path, scope=scope, clock=CLOCK, dry_run=True))
    result = ok(await import_file(session, "officials", path, scope=scope, clock=CLOCK))
    await session.commit()

    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    said = changes(preview.changes)
    assert (
        said[0] == "Thêm cán bộ Lý Thị Thu Hà – Sở Nội vụ, quản trị (Tổ thư ký CCHC), "
        "Chuyên viên Phòng Cải cách hành chính, có số điện thoại"
    )
    assert not any(digit in line for line in said for digit in "0123456789"), said  # no number in a change line
    people = await officials(session)
    units = {u.id: u for u in (await session.scalars(select(Unit))).all()}
    assert {name: (o.role, units[o.unit_id].name, o.phone) for name, o in people.items()} == {
        "Lý Thị Thu Hà": (Role.ADMIN, "Sở Nội vụ", "84912345601"),
        "Hoàng Văn Tùng": (Role.UNIT_HEAD, "Sở Y tế", "84987654302"),
        "Nông Thị Lan": (Role.UNIT_HEAD, "Xã Tuấn Sơn", "84913200403"),
        "Vi Văn Đức": (Role.OFFICER, "Xã Văn Quan", "84356789104"),
        "Lường Thị Mai": (Role.UNIT_HEAD, "Xã Hữu Lũng", "84868111205"),  # "Phó Chủ tịch UBND xã": its head
        "Triệu Văn Bình": (Role.OFFICER, "Sở Y tế", None),
    }
    before = await counts(session)
    again = ok(await import_file(session, "officials", path, scope=scope, clock=CLOCK))
    assert (again.created, again.updated, again.unchanged, again.changes) == (0, 0, 6, [])
    assert {**await counts(session), "audit_log": 0} == {**before, "audit_log": 0}  # one more audit line only


async def test_a_changed_title_role_or_number_is_an_update_said_with_the_number_masked(session: AsyncSession) -> None:
    scope = await lang_son(session)
    ok(await run(session, scope, (1, "Vi Văn Đức", "Công chức", "Xã Văn Quan", "cán bộ", "0356 789 104")))
    await session.commit()

    result = ok(await run(session, scope, (1, "vi văn  đức", "Phó Chủ tịch", "Xã Văn Quan", "", "0979 000 111")))

    assert (result.created, result.updated) == (0, 1)
    assert changes(result.changes) == [
        "Sửa cán bộ Vi Văn Đức – Xã Văn Quan: chức vụ “Công chức” → “Phó Chủ tịch”; "
        "vai trò cán bộ, công chức → thủ trưởng đơn vị; số điện thoại 0356***104 → 0979***111"
    ]
    assert changes(result.changes, "en")[0].startswith("Update official Vi Văn Đức")
    assert (await officials(session))["Vi Văn Đức"].phone == "84979000111"


async def test_bad_numbers_and_duplicates_are_row_errors_with_the_number_masked_and_nothing_is_written(
    session: AsyncSession,
) -> None:
    scope = await lang_son(session)
    ok(await run(session, scope, (1, "Hoàng Văn Tùng", "Giám đốc", "Sở Y tế", "giám đốc", "0987 654 302")))
    await session.commit()
    before = await counts(session)

    result = await run(
        session,
        scope,
        (1, "Nguyễn Văn A", "", "Sở Nội vụ", "", "0205 3812 345"),
        (2, "Nguyễn Văn B", "", "Sở Nội vụ", "", "0912 345"),
        (3, "Nguyễn Văn C", "", "Sở Nội vụ", "", "0502 345 678"),
        (4, "Nguyễn Văn D", "", "Sở Nội vụ", "", "0977 860 419"),
        (5, "Nguyễn Văn E", "", "Sở Nội vụ", "", "0977.860.419"),
        (6, "Nguyễn Văn F", "", "Sở Nội vụ", "", "0987654302"),
        (7, "Nguyễn Văn D", "", "Sở Nội vụ", "", ""),
        (8, "Nguyễn Văn G", "", "Sở Du lịch", "", ""),
        (9, "Nguyễn Văn H", "", "Xã Tuấn Sơn", "giám đốc", ""),
        (10, "Nguyễn Văn I", "", "Sở Nội vụ", "bảo vệ", ""),
    )

    assert await counts(session) == before
    said = dict(zip((e.row for e in result.errors), reasons(result.errors), strict=True))
    assert said == {
        2: "số “0205***345” là số máy bàn; chỉ nhận số di động (10 chữ số, ví dụ 0912 345 678), vì mã mời gửi qua "
        "Zalo (ZNS) tới số di động.",
        3: "số “***” không đủ 10 chữ số của một số di động (ví dụ 0912 345 678 hoặc +84 912 345 678).",
        4: "số “0502***678” có đầu số không phải của mạng di động Việt Nam (03x, 05x, 07x, 08x, 09x). Đồng chí "
        "kiểm tra lại số.",
        6: "số “0977***419” trùng với số ở dòng 5: mỗi số di động chỉ dùng cho một cán bộ.",
        7: "số “0987***302” đã là số của đồng chí Hoàng Văn Tùng: mỗi số di động chỉ dùng cho một cán bộ.",
        8: "Nguyễn Văn D của đơn vị này đã có ở dòng 5.",
        9: said[9],
        10: said[10],
        11: said[11],
    }
    assert "Sở Du lịch" in said[9]
    assert said[10].startswith("vai trò “giám đốc” không dùng cho Xã Tuấn Sơn; dùng được: chutich")
    assert said[11].startswith("không rõ vai trò “bảo vệ”")
    for line in reasons(result.errors) + reasons(result.errors, "en"):  # numbers only masked
        assert not any(run in line.replace(" ", "").replace(".", "") for run in digit_runs("84977860419")), line
        assert "3812" not in line.replace(" ", ""), line


async def test_a_title_never_makes_an_admin_only_the_role_column_does(session: AsyncSession) -> None:
    scope = await lang_son(session)

    ok(await run(session, scope, (1, "Đặng Văn Kỳ", "Thư ký", "Sở Nội vụ", "", ""),
                 (2, "Đặng Thị Hoa", "Chuyên viên", "Sở Nội vụ", "quản trị", "")))  # fmt: skip

    people = await officials(session)
    assert (people["Đặng Văn Kỳ"].role, people["Đặng Thị Hoa"].role) == (Role.OFFICER, Role.ADMIN)


async def test_a_unit_or_a_number_of_another_province_is_refused(session: AsyncSession) -> None:
    scope = await lang_son(session)
    other = await factories.unit(session, "CB", UnitKind.PROVINCE, name="Tỉnh Cao Bằng")
    commune = await factories.unit(session, "CB.X1", UnitKind.COMMUNE, other, name="Xã Hòa An")
    stranger = await factories.official(session, commune, name="Người tỉnh khác")
    stranger.phone = "84912000111"
    await session.commit()

    result = await run(
        session,
        scope,
        (1, "Nguyễn Văn A", "", "CB.X1", "", ""),
        (2, "Nguyễn Văn B", "", "Sở Nội vụ", "", "0912 000 111"),
    )

    codes = [(e.row, e.code) for e in result.errors]
    assert codes == [(2, "outside_province"), (3, "duplicate")]
    said = reasons(result.errors)
    assert "Người tỉnh khác" not in said[1] and "một cán bộ khác" in said[1]  # another province's official unnamed


async def test_a_revoked_officials_number_passes_to_the_listed_one(session: AsyncSession) -> None:
    scope = await lang_son(session)
    ok(await run(session, scope, (1, "Cũ", "", "Sở Nội vụ", "", "0912 000 222")))
    people = await officials(session)
    people["Cũ"].active = False
    await session.commit()

    ok(await run(session, scope, (1, "Mới", "", "Sở Nội vụ", "", "0912 000 222")))
    await session.commit()

    people = await officials(session)
    assert (people["Cũ"].phone, people["Mới"].phone) == (None, "84912000222")
