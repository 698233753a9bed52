"""/tailen as an admin reads it: the problems of a bad file and the preview of a good one are sentences in
the admin's language, and the preview names units by their names."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import FileRef
from models.importers import ensure_indices
from tests.handlers.conftest import Ask
from tests.models.test_importers import xlsx

HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến")
BAD = [
    ("X1", "Xã An", "Hạng I", "LS", "", ""),
    ("X2", "Xã Bình", "Xã", "KHONGCO", "", ""),
    ("X3", "Văn phòng Đoàn ĐBQH", "", "LS", "", ""),
    ("X4", "Xã Cường", "Xã", "HL", "01/07/2025", "31/13/2025"),
    ("X5", "Xã Dương", "Xã", "HL", "01/07/2025", "01/01/2025"),
]
GOOD = [("X9", "Xã Đông", "Xã", "HL", "", "")]
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


def upload(rows: list[tuple[str, ...]]) -> FileRef:
    data = xlsx(HEADER, *rows)
    return FileRef("f1", "don_vi.xlsx", size=len(data), content=data)


def without_the_files_words(text: str, rows: list[tuple[str, ...]]) -> str:
    """``text`` without the headers, cells and unit names that come from the file or the database."""
    for word in sorted({*HEADER, *(cell for row in rows for cell in row), "Huyện Hữu Lũng"}, key=len, reverse=True):
        text = text.replace(word, "") if word else text
    return text


async def test_an_english_admin_reads_the_problems_of_a_bad_file_in_english(ask: Ask) -> None:
    await ask("/language en", as_="admin")

    text = await ask("/tailen donvi", as_="admin", file=upload(BAD))

    assert "don_vi.xlsx was not imported" in text and "Checking unit list: 5 problems. Nothing was written." in text
    assert "Row 2, column “Loại”: “Hạng I” is not a kind of unit" in text
    assert "there is no unit with the code “KHONGCO”" in text
    assert "Row 4, column “Loại”: the kind of unit is missing" in text
    assert "cannot read the date “31/13/2025”: there is no such day" in text
    assert "the last day of validity, 01/01/2025, is before the first, 01/07/2025" in text
    assert VIETNAMESE.findall(without_the_files_words(text, BAD)) == [], text


async def test_a_vietnamese_admin_reads_them_as_a_secretary_writes(ask: Ask) -> None:
    text = await ask("/tailen donvi", as_="admin", file=upload(BAD))

    assert "Dòng 5, cột “Hiệu lực đến”: không đọc được ngày “31/13/2025”: lịch không có ngày này." in text
    assert "Dòng 3, cột “Đơn vị cấp trên”: không có đơn vị nào mã “KHONGCO”" in text
    assert "ngày hết hiệu lực 01/01/2025 lại trước ngày bắt đầu hiệu lực 01/07/2025" in text


async def test_the_preview_names_units_by_name_in_the_admins_language(ask: Ask) -> None:
    vietnamese = await ask("/tailen donvi", as_="admin", file=upload(GOOD))
    assert "Thêm đơn vị Xã Đông (mã X9), trực thuộc Huyện Hữu Lũng" in vietnamese
    await ask("/tailen huy", as_="admin")
    await ask("/language en", as_="admin")

    english = await ask("/tailen donvi", as_="admin", file=upload(GOOD))

    assert "Importing unit list would make: 1 new, 0 updated, 0 unchanged." in english
    assert "Add the unit Xã Đông (code X9), under Huyện Hữu Lũng" in english
    assert VIETNAMESE.findall(without_the_files_words(english, GOOD)) == [], english


TASK_HEADER = ("TT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn")
BAD_TASKS = [
    ("1", "Rà soát thủ tục hành chính", "1", "Sở Không Có", "30/6/2024"),
    ("2", "Niêm yết thủ tục", "1", "Sở Nội vụ", "sớm nhất có thể"),
    ("3", "Báo cáo CCHC", "Lĩnh vực lạ", "Sở Nội vụ", "30/6/2030"),
    ("4", "Khảo sát mức độ hài lòng", "1", "Các cơ quan, đơn vị liên quan", "Quý II"),
]
RESULT_HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng", "Tổng số")
BAD_RESULTS = [
    ("XYZ", "2023", "LS", "80", "1", "63"),
    ("PAPI", "2023", "LS", "85,3", "21", "63"),
    ("PAR", "2023", "LS", "80", "47/63", "62"),
    ("PAR", "1800", "LS", "80", "", ""),
]


def sheet(name: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> FileRef:
    data = xlsx(header, *rows)
    return FileRef("f2", name, size=len(data), content=data)


def without(text: str, header: tuple[str, ...], rows: list[tuple[str, ...]], *also: str) -> str:
    for word in sorted({*header, *(cell for row in rows for cell in row), *also}, key=len, reverse=True):
        text = text.replace(word, "") if word else text
    return text


async def test_an_english_admin_reads_a_bad_task_file_in_english(ask: Ask) -> None:
    await ask("/language en", as_="admin")

    text = await ask("/tailen kehoach KH-2024 2024", as_="admin", file=sheet("ke_hoach.xlsx", TASK_HEADER, BAD_TASKS))

    assert "ke_hoach.xlsx was not imported" in text
    assert "no unit “Sở Không Có” was found" in text
    assert "cannot read the deadline “sớm nhất có thể”" in text
    assert "the field “Lĩnh vực lạ” is unclear" in text
    assert "the deadline 30/06/2030 is not in the plan's year 2024" in text
    assert "does not say who leads" in text
    leftover = without(
        text, TASK_HEADER, BAD_TASKS, "các cơ quan, đơn vị liên quan", "Các sở, ban, ngành", "UBND các xã, phường"
    )
    assert VIETNAMESE.findall(leftover) == [], text


async def test_an_english_admin_reads_a_bad_results_file_in_english(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        await ensure_indices(session)
        await session.commit()
    await ask("/language en", as_="admin")

    text = await ask("/tailen ketqua", as_="admin", file=sheet("ket_qua.xlsx", RESULT_HEADER, BAD_RESULTS))

    assert "ket_qua.xlsx was not imported" in text
    assert "there is no index “XYZ”" in text
    assert "the score 85.3 is outside the scale of PAPI (10–80 points)" in text
    assert "the total 62 differs from the rank 47/63" in text
    assert "the year 1800 is not valid" in text
    assert VIETNAMESE.findall(without(text, RESULT_HEADER, BAD_RESULTS)) == [], text
