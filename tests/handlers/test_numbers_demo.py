"""Every number sentence true, read on the demo as its users would (issue 15): a published bound is the
value ("trên 79%"), an unknown score is said apart from the changes that are known, changes and ranks in
words ("giảm 0,37 điểm", "xếp thứ 47/63"); targets phrased as targets ("chưa đạt mục tiêu: trong nhóm 30
tỉnh dẫn đầu", a bound that meets the target counted met); the help's /canbo example works; in both
languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.router import Router
from models.queries.scores import Bound
from models.queries.targets import assess
from models.targets import Target, TargetMeasurement
from tests.handlers._demo_support import ask


async def test_scores_say_what_is_known_and_what_is_not_never_both(demo: Router) -> None:
    text = await ask(demo, "leader", "/diem")
    assert "PAR INDEX 2023: 85,94 điểm, xếp thứ 47/63, tăng 7 bậc" in text
    assert "SIPAS 2023: trên 79%, xếp thứ 55/63, tăng 4 bậc\n" in text
    papi = (
        "PAPI 2023: xếp thứ 21/63, giảm 8 bậc, giảm 0,37 điểm; chưa có số liệu điểm số; "
        "nhóm trung bình cao (năm trước: cao)"
    )
    assert papi in text
    assert "chưa có số liệu (" not in text and "chưa có số liệu," not in text and "−" not in text

    fields = await ask(demo, "leader", "/diem par 2023")
    assert "Xếp thứ 47/63" in fields
    assert (
        "1. Công tác chỉ đạo, điều hành cải cách hành chính: giảm 33 bậc; chưa có số liệu điểm số và thứ hạng" in fields
    )
    assert "3. Cải cách thủ tục hành chính: chưa có số liệu\n" in fields  # nothing known: said once
    assert "chưa có số liệu, giảm" not in fields

    assert "Kết quả: trên 79%\n" in await ask(demo, "leader", "/diem sipas 2023")
    earlier = await ask(demo, "leader", "/diem par 2021")
    assert "So với năm 2020: tăng 13 bậc, tăng 3,31 điểm" in earlier


async def test_scores_in_english(demo: Router) -> None:
    await ask(demo, "leader", "/ngonngu en")
    text = await ask(demo, "leader", "/diem")
    assert "SIPAS 2023: above 79%, ranked 55/63, up 4 places" in text
    papi = (
        "PAPI 2023: ranked 21/63, down 8 places, down 0.37 points; score not available; "
        "upper-middle group (previous year: high)"
    )
    assert papi in text
    assert "trên" not in text and "trung bình" not in text and "not available," not in text
    fields = await ask(demo, "leader", "/diem par 2023")
    assert "Compared with 2022: up 7 places" in fields
    assert "Direction and management of administrative reform: down 33 places; score and rank not available" in fields
    assert "Compared with 2020: up 8 places, up 3.10 percentage points" in await ask(demo, "leader", "/diem sipas 2021")


async def test_targets_are_phrased_as_targets(demo: Router) -> None:
    text = await ask(demo, "leader", "/chitieu")
    assert ": xếp thứ 47/63 — chưa đạt mục tiêu: trong nhóm 30 tỉnh dẫn đầu (PAR INDEX 2023)\n" in text
    assert "47 bậc" not in text and "không quá 30" not in text  # a rank is a place, not a change of places
    assert "đạt trên 85%: chưa đạt mục tiêu: từ 85% trở lên (SIPAS 2023: trên 79%, xếp thứ 55/63)" in text
    assert "thuộc nhóm cao: chưa đạt mục tiêu (PAPI 2023: nhóm trung bình cao, xếp thứ 21/63)" in text
    assert "61,35% — đạt mục tiêu: từ 50% trở lên" in text and "10,6% — đạt mục tiêu: từ 10% trở lên" in text
    assert "chưa có số liệu" not in text and "10,60%" not in text
    detail = await ask(demo, "leader", "/chitieu 1")
    assert "Giai đoạn 2021–2030; mục tiêu: trong nhóm 30 tỉnh dẫn đầu." in detail
    assert "• 31/03/2024: xếp thứ 47/63 — chưa đạt (PAR INDEX 2023)" in detail

    await ask(demo, "leader", "/ngonngu en")
    english = await ask(demo, "leader", "/chitieu")
    assert ": ranked 47/63 — target not met: among the top 30 provinces (PAR INDEX 2023)" in english
    assert "target not met: at least 85%" in english
    assert "target at most" not in english and "not available" not in english


async def test_a_bound_above_the_target_meets_it(demo: Router, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        sipas = (await session.execute(select(Target).where(Target.number == 2))).scalar_one()
        session.add(TargetMeasurement(target_id=sipas.id, measured_on=date(2025, 6, 30), value=None, note="trên 85%"))
        await session.commit()
    text = await ask(demo, "leader", "/chitieu")
    assert "đạt trên 85%: trên 85% — đạt mục tiêu: từ 85% trở lên\n" in text
    assert "Nghị quyết 60-NQ/TU: 11/18 chỉ tiêu đạt và vượt" in text
    await ask(demo, "leader", "/ngonngu en")
    assert "above 85% — target met: at least 85%" in await ask(demo, "leader", "/chitieu")


def test_a_bound_is_assessed_only_when_it_decides() -> None:
    above = Bound("above", Decimal("85"), 0)
    assert assess(None, Decimal("85"), True, None, above) is True
    assert assess(None, Decimal("90"), True, None, above) is None  # "trên 85%" may fall short of 90%
    assert assess(None, Decimal("85"), True, False, above) is False  # the published assessment stands
    assert assess(None, Decimal("30"), False, None, Bound("below", Decimal("20"), 0)) is True


async def test_the_helps_canbo_example_works_and_its_error_suggests_canbo(demo: Router) -> None:
    help_text = await ask(demo, "admin", "/help")
    example = next(line for line in help_text.splitlines() if "/canbo " in line and "Cán bộ đã đăng ký" in line)
    command = example[example.rindex("/canbo ") :].split(")")[0].strip()  # the example, not the command's name
    listed = await ask(demo, "admin", command)
    assert "Cán bộ đăng ký tại UBND xã Tuấn Sơn" in listed and "Hoàng Văn Minh (demo)" in listed
    unknown = await ask(demo, "admin", "/canbo MINHSON")
    assert "Không tìm thấy đơn vị “MINHSON”" in unknown and "/canbo Xã Tuấn Sơn" in unknown and "/moi" not in unknown
    assert "Cán bộ đăng ký tại UBND xã Tuấn Sơn" in await ask(demo, "admin", "/canbo Xã Tuấn Sơn")
