"""Lạng Sơn as the reports describe it (DOMAIN.md), plus a second province that must never leak in:
indices and results, two plans, two drives, the 18 targets of Resolution 60-NQ/TU, and officials.

Used by the scores, summary, drives and targets tests (handlers and queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock, Official, Role, ScoreKind, Unit, UnitKind
from models.importers.indices import PAR_FIELDS
from tests import factories as f

TODAY = date(2024, 6, 1)
# PAR INDEX 2023 fields: (rank 2022, rank 2023) -- field 1 fell 33 places, field 2 20, field 6 18.
PAR_FIELD_RANKS = [(20, 53), (30, 50), (40, 35), (30, 32), (25, 24), (22, 40), (50, 47), (45, 35)]
DRIVE_TITLE = "Đẩy mạnh hiện đại hoá bộ phận một cửa cấp huyện, cấp xã trên địa bàn tỉnh Lạng Sơn"
CRITERIA = [
    ("Trang thiết bị tại bộ phận một cửa", "20", "100"),
    ("Tỷ lệ hồ sơ trực tuyến", "30", "80"),
    ("Tỷ lệ hồ sơ được số hóa", "30", "100"),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", "20", "98"),
]


@dataclass
class Province:
    root: Unit
    department: Unit  # Sở Nội vụ
    district: Unit  # Huyện Hữu Lũng
    commune: Unit  # Xã Minh Sơn, Huyện Hữu Lũng
    other_district: Unit  # Huyện Cao Lộc
    leader: Official
    admin: Official
    chair: Official  # chair of Xã Minh Sơn
    officer: Official  # officer of Sở Nội vụ
    elsewhere: Official  # leader of Thái Nguyên


async def build(session: AsyncSession) -> Province:
    root = await f.unit(session, "LS", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    snv = await f.unit(session, "LS.SNV", UnitKind.DEPARTMENT, root, "Sở Nội vụ")
    huu_lung = await f.unit(session, "LS.HL", UnitKind.DISTRICT, root, "Huyện Hữu Lũng")
    minh_son = await f.unit(session, "LS.HL.MS", UnitKind.COMMUNE, huu_lung, "Xã Minh Sơn")
    hoa_lac = await f.unit(session, "LS.HL.HL", UnitKind.COMMUNE, huu_lung, "Xã Hòa Lạc")
    cao_loc = await f.unit(session, "LS.CL", UnitKind.DISTRICT, root, "Huyện Cao Lộc")
    dong_dang = await f.unit(session, "LS.CL.DD", UnitKind.TOWNSHIP, cao_loc, "Thị trấn Đồng Đăng")
    tn = await f.unit(session, "TN", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")
    tn_commune = await f.unit(session, "TN.X1", UnitKind.COMMUNE, tn, "Xã Phúc Xuân")

    await _indices(session, root, snv, tn)
    await _plans(session, root, snv, huu_lung, minh_son, tn, tn_commune)
    await _drives(session, snv, huu_lung, minh_son, hoa_lac, cao_loc, dong_dang, tn, tn_commune)
    await _targets(session, root, tn)
    people = Province(
        root,
        snv,
        huu_lung,
        minh_son,
        cao_loc,
        await f.official(session, root, Role.LEADER, name="Hồ Tiến Thiệu"),
        await f.official(session, snv, Role.ADMIN, name="Tổ thư ký"),
        await f.official(session, minh_son, Role.UNIT_HEAD, name="Chủ tịch xã"),
        await f.official(session, snv, Role.OFFICER, name="Chuyên viên"),
        await f.official(session, tn, Role.LEADER, name="Lãnh đạo Thái Nguyên"),
    )
    await session.commit()
    return people


async def _indices(session: AsyncSession, root: Unit, snv: Unit, tn: Unit) -> None:
    par = await f.score_index(session, "PAR", components=PAR_FIELDS, names=("Chỉ số CCHC", "PAR INDEX"))
    sipas = await f.score_index(
        session,
        "SIPAS",
        ScoreKind.PERCENT,
        components=[(f"Thành phần {n}", f"Component {n}") for n in range(1, 6)],
        names=("Chỉ số hài lòng về sự phục vụ hành chính", "Satisfaction index"),
    )
    papi = await f.score_index(session, "PAPI")
    cchc = await f.score_index(session, "CCHC", names=("Chỉ số CCHC của các sở, ngành", "Internal CCHC index"))
    await f.index_result(session, par, root, 2021, "87.11", 23, score_delta=f.d("3.31"), rank_delta=13)
    par_2022 = await f.index_result(session, par, root, 2022, None, 54)
    par_2023 = await f.index_result(session, par, root, 2023, "85.94", 47)
    for number, (before, after) in enumerate(PAR_FIELD_RANKS, start=1):
        await f.component_result(session, par_2022, number, rank=before)
        await f.component_result(session, par_2023, number, score="6.5" if number == 1 else None, rank=after)
    await f.index_result(session, sipas, root, 2021, "87.07", 31, score_delta=f.d("3.1"), rank_delta=8)
    await f.index_result(session, sipas, root, 2023, None, 55, rank_delta=4, note="trên 79%")
    await f.index_result(session, papi, root, 2022, None, 13, group_label="cao")
    await f.index_result(session, papi, root, 2023, None, 21, score_delta=f.d("-0.37"), group_label="trung bình cao")
    await f.index_result(session, cchc, snv, 2022, "85", 5, total=20)
    await f.index_result(session, cchc, snv, 2023, "88.5", 3, total=20)
    await f.index_result(session, par, tn, 2023, "91.5", 2)


async def _plans(
    session: AsyncSession, root: Unit, snv: Unit, district: Unit, commune: Unit, tn: Unit, tn_x: Unit
) -> None:
    """2023: 48 tasks, each with a cooperating unit that never reported (counts are by task): 40 done on
    time, 5 done late, 3 overdue. 2024, on 01/06/2024: 3 done on time, 1 late, 2 overdue, 1 in time,
    3 not yet due. Overdue assignments in 2024: Minh Sơn 2 (lead of 5, cooperating on 6), Hữu Lũng 1."""
    p2023 = await f.plan(session, 2023)
    p2023.issuing_unit_id = root.id
    for n in range(1, 49):
        progress, done = (100, date(2023, 6, 1)) if n <= 40 else (100, date(2023, 8, 1)) if n <= 45 else (60, None)
        await f.task(
            session, p2023, n, date(2023, 6, 30), snv, cooperating=[district], progress=progress, completed_on=done
        )
    p2024 = await f.plan(session, 2024)
    p2024.issuing_unit_id = root.id
    march, may = date(2024, 3, 31), date(2024, 5, 15)
    for n in (1, 2, 3):
        await f.task(session, p2024, n, march, snv, progress=100, completed_on=date(2024, 3, 20))
    await f.task(session, p2024, 4, march, snv, progress=100, completed_on=date(2024, 4, 15))
    await f.task(session, p2024, 5, may, commune, progress=50)
    await f.task(session, p2024, 6, may, district, cooperating=[commune], progress=30)
    await f.task(session, p2024, 7, date(2024, 6, 20), snv, progress=30)
    for n in (8, 9, 10):
        await f.task(session, p2024, n, date(2024, 12, 31), snv)
    other = await f.plan(session, 2024, code="TN-2024")
    other.issuing_unit_id = tn.id
    for n in range(1, 6):
        await f.task(session, other, n, date(2024, 1, 31), tn_x)


async def _drives(session: AsyncSession, snv: Unit, *units: Unit) -> None:
    """The one-stop drive, 01/05-30/09/2024, standings on 01/06/2024: Hữu Lũng 100; Cao Lộc and Minh Sơn
    85 (tied 2nd); Hòa Lạc 25; Đồng Đăng 0 (never measured). Sở Nội vụ was in an earlier drive."""
    huu_lung, minh_son, hoa_lac, cao_loc, dong_dang, tn, tn_x = units
    one_stop = await f.drive(
        session,
        "MOTCUA-2024",
        date(2024, 5, 1),
        date(2024, 9, 30),
        [huu_lung, minh_son, hoa_lac, cao_loc, dong_dang],
        CRITERIA,
        organiser=snv,
        title=DRIVE_TITLE,
    )
    on = date(2024, 5, 25)
    for unit, values in ((huu_lung, "100 80 100 98"), (minh_son, "100 80 50 98"), (cao_loc, "100 40 100 98")):
        for number, value in enumerate(values.split(), start=1):
            await f.measurement(session, one_stop, unit, number, on, value)
    await f.measurement(session, one_stop, minh_son, 3, date(2024, 5, 10), "20")  # older: ignored
    await f.measurement(session, one_stop, minh_son, 3, date(2024, 6, 15), "100")  # not yet: ignored
    await f.measurement(session, one_stop, hoa_lac, 1, on, "50")
    await f.measurement(session, one_stop, hoa_lac, 2, on, "40")
    await f.drive(
        session,
        "VTVL-2023",
        date(2023, 3, 1),
        date(2023, 12, 31),
        [snv],
        [("Đề án được phê duyệt", "100", "100")],
        organiser=snv,
        title="Xây dựng, phê duyệt đề án vị trí việc làm",
    )
    await f.drive(session, "TN-2024", date(2024, 5, 1), date(2024, 12, 31), [tn_x], CRITERIA, organiser=tn, title="TN")


async def _targets(session: AsyncSession, root: Unit, tn: Unit) -> None:
    """Resolution 60-NQ/TU: 18 targets, 10 met at 31/03/2024, 6 not, 2 never measured. Target 5 is the
    digitised-dossier rate: 5,6% then 86% during 2023 against 80%."""
    end_q1 = date(2024, 3, 31)
    for n in range(1, 19):
        if n == 5:
            history = [(date(2023, 1, 1), "5.6", None), (date(2023, 12, 31), "86", None), (end_q1, "86", True)]
            await f.target(session, 5, title="Tỷ lệ hồ sơ TTHC được số hóa", value="80", at=root, measured=history)
        elif n <= 16:
            await f.target(session, n, value="100", at=root, measured=[(end_q1, "90", n <= 10)])
        else:
            await f.target(session, n, value="100", at=root)
    await f.target(session, 1, programme="Nghị quyết Thái Nguyên", value="1", at=tn, measured=[(end_q1, "1", True)])


def router(sessions: async_sessionmaker[AsyncSession], today: date = TODAY) -> Router:
    clock = FrozenClock(at=datetime(today.year, today.month, today.day, 9, 0, tzinfo=DEFAULT_TZ))
    return Router(sessions, clock=clock, settings=HandlerConfig())


async def replies(bot: Router, who: Official, text: str) -> tuple[str, list[Reply]]:
    return await bot.handle(Incoming(channel="console", chat_id=f"u{who.id}", user_id=f"u{who.id}", text=text))


async def ask(bot: Router, who: Official, text: str, fmt: str = "text") -> str:
    """What the official reads after sending ``text``: every reply rendered, joined by blank lines."""
    lang, got = await replies(bot, who, text)
    return "\n\n".join(Renderer().render(lang, reply, fmt) for reply in got)
