"""A province across the 2025 reforms, built through the product's own functions (``models.tree.add_unit``,
``models.lineage.link``), for the tests of predecessors' data and of dated look-ups. Its own unit names
(not the demo's):

    20 Tỉnh Lạng Sơn
    ├─ HL Huyện Hữu Lũng (to 30/06/2025)
    │    ├─ 06457 Xã Minh Sơn, 06460 Xã Minh Hòa, 06463 Xã Hòa Thắng  ─┐ formed on 01/07/2025
    │    └─ 06466 Xã Yên Thịnh ──────────────────────────────────┐     │
    ├─ 06457 Xã Tuấn Sơn (from 01/07/2025; keeps Minh Sơn's code) ◄──┼─────┘   chair "ts"
    ├─ 06466 Xã Vân Nham (from 01/07/2025) ◄─────────────────────────┘         chair "vn"
    ├─ VQ Huyện Văn Quan (to 30/06/2025)
    │    ├─ 06700 Xã Tràng Các (to 31/12/2019) ── merged into ──┐
    │    └─ 06703 Xã Khánh Khê (01/01/2020 – 30/06/2025) ◄──────┘ ──┐
    ├─ 06703 Xã Khánh Khê (from 01/07/2025) ◄───────────────────────┘          head "kk"
    ├─ SNV Sở Nội vụ (admin "admin", director "snv") ◄── merged into on 01/03/2025 ── SLD Sở Lao động -
    │    Thương binh và Xã hội (to 28/02/2025)
    leader "leader" at the province.

Internal CCHC index: 2023 and 2024 for the old communes and departments, 2019 for Xã Tràng Các, 2025 for
the new communes and Sở Nội vụ. Plan 2023: 1 Minh Sơn done; 2 Minh Hòa overdue; 3 Yên Thịnh done; 4 Hòa
Thắng lead with Minh Sơn cooperating (a progress report with a document). Plan 2026: 1 Tuấn Sơn.
The clock stands at 15/01/2026.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import DEFAULT_TZ, LineageKind, Role, Unit, UnitKind
from models.lineage import link
from models.queries.tasks import assignment_of, record_progress
from models.tree import add_unit
from tests import factories as f

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=DEFAULT_TZ)
REFORM = date(2025, 7, 1)
ENDED = date(2025, 6, 30)
PEOPLE = {
    "leader": ("20", Role.LEADER, "Hồ Tiến Thiệu"),
    "admin": ("SNV", Role.ADMIN, "Trần Thị Hoa"),
    "snv": ("SNV", Role.UNIT_HEAD, "Lý Văn Nam"),
    "ts": ("TS", Role.UNIT_HEAD, "Hoàng Văn Tuấn"),
    "vn": ("VN", Role.UNIT_HEAD, "Nông Thị Vân"),
    "kk": ("KK", Role.UNIT_HEAD, "Lương Văn Khánh"),
}


async def _units(session: AsyncSession) -> dict[str, Unit]:
    """The units by a short key (codes repeat: "06457" is two units)."""
    ls = await add_unit(session, code="20", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
    hl = await add_unit(session, code="HL", name="Huyện Hữu Lũng", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED)
    vq = await add_unit(session, code="VQ", name="Huyện Văn Quan", kind=UnitKind.DISTRICT, parent=ls, valid_to=ENDED)
    u: dict[str, Unit] = {"20": ls, "HL": hl, "VQ": vq}
    for key, code, name in (
        ("MS", "06457", "Xã Minh Sơn"),
        ("MH", "06460", "Xã Minh Hòa"),
        ("HT", "06463", "Xã Hòa Thắng"),
        ("YT", "06466", "Xã Yên Thịnh"),
    ):
        u[key] = await add_unit(session, code=code, name=name, kind=UnitKind.COMMUNE, parent=hl, valid_to=ENDED)
    u["TC"] = await add_unit(
        session, code="06700", name="Xã Tràng Các", kind=UnitKind.COMMUNE, parent=vq, valid_to=date(2019, 12, 31)
    )
    u["KK.OLD"] = await add_unit(
        session,
        code="06703",
        name="Xã Khánh Khê",
        kind=UnitKind.COMMUNE,
        parent=vq,
        valid_from=date(2020, 1, 1),
        valid_to=ENDED,
    )
    for key, code, name in (
        ("TS", "06457", "Xã Tuấn Sơn"),
        ("VN", "06466", "Xã Vân Nham"),
        ("KK", "06703", "Xã Khánh Khê"),
    ):
        u[key] = await add_unit(session, code=code, name=name, kind=UnitKind.COMMUNE, parent=ls, valid_from=REFORM)
    u["SNV"] = await add_unit(session, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=ls)
    u["SLD"] = await add_unit(
        session,
        code="SLD",
        name="Sở Lao động - Thương binh và Xã hội",
        kind=UnitKind.DEPARTMENT,
        parent=ls,
        valid_to=date(2025, 2, 28),
    )
    for old in ("MS", "MH", "HT"):
        await link(session, u[old], u["TS"], LineageKind.FORMED_FROM, REFORM)
    await link(session, u["YT"], u["VN"], LineageKind.FORMED_FROM, REFORM)
    await link(session, u["TC"], u["KK.OLD"], LineageKind.MERGED_INTO, date(2020, 1, 1))
    await link(session, u["KK.OLD"], u["KK"], LineageKind.FORMED_FROM, REFORM)
    await link(session, u["SLD"], u["SNV"], LineageKind.MERGED_INTO, date(2025, 3, 1))
    return u


async def _results(session: AsyncSession, u: dict[str, Unit]) -> None:
    cchc = await f.score_index(session, "CCHC", names=("Chỉ số CCHC", "CCHC index"))
    for key, year, score, rank, total in (
        ("MS", 2023, "80.10", 90, 200),
        ("MS", 2024, "82.50", 60, 200),
        ("MH", 2024, "78.25", 120, 200),
        ("HT", 2024, "85.00", 30, 200),
        ("YT", 2024, "90.75", 5, 200),
        ("TC", 2019, "70.00", 150, 220),
        ("KK.OLD", 2024, "81.00", 70, 200),
        ("SLD", 2024, "84.40", 9, 20),
        ("SNV", 2024, "88.50", 3, 20),
        ("SNV", 2025, "90.00", 2, 16),
        ("TS", 2025, "86.20", 12, 65),
        ("VN", 2025, "87.30", 8, 65),
    ):
        await f.index_result(session, cchc, u[key], year, score, rank, total)


async def _plans(session: AsyncSession, u: dict[str, Unit]) -> None:
    old = await f.plan(session, 2023)
    await f.task(
        session,
        old,
        1,
        date(2023, 6, 30),
        u["MS"],
        progress=100,
        completed_on=date(2023, 6, 20),
        content="Niêm yết TTHC",
    )
    await f.task(session, old, 2, date(2023, 9, 30), u["MH"], progress=60, content="Số hóa hồ sơ một cửa xã Minh Hòa")
    await f.task(
        session,
        old,
        3,
        date(2023, 9, 30),
        u["YT"],
        progress=100,
        completed_on=date(2023, 9, 1),
        content="Kiểm tra công vụ xã Yên Thịnh",
    )
    four = await f.task(
        session, old, 4, date(2023, 12, 31), u["HT"], cooperating=[u["MS"]], content="Tuyên truyền CCHC liên xã"
    )
    assignment = await assignment_of(session, four.id, u["MS"].id)
    assert assignment is not None
    await record_progress(
        session,
        assignment,
        percent=50,
        note="Đã in tờ rơi",
        by_id=None,
        now=datetime(2023, 10, 2, 9, 0, tzinfo=DEFAULT_TZ),
        today=date(2023, 10, 2),
        evidence="file-ms-1",
        evidence_kind="document",
        evidence_channel="console",
    )
    current = await f.plan(session, 2026)
    await f.task(session, current, 1, date(2026, 6, 30), u["TS"], content="Vận hành trung tâm phục vụ hành chính công")


async def build_reform(session: AsyncSession) -> dict[str, int]:
    """The province above with its officials (chat ids: the keys of PEOPLE); the ids of the units by key."""
    u = await _units(session)
    for key, (unit_key, role, name) in PEOPLE.items():
        await f.official(session, u[unit_key], role, name=name, external_id=key)
    await _results(session, u)
    await _plans(session, u)
    await session.commit()
    return {key: unit.id for key, unit in u.items()}
