"""/tailen as an admin reads it: the problems of a bad file and the preview of a good one are sentences in
the admin's language, and the preview names units by their names."""

from __future__ import annotations

import re

from handlers.base import FileRef
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

    assert "don_vi.xlsx was not imported" in text and "5 problem(s)" in text
    assert 'Row 2, column "Loại": «Hạng I» is not a kind of unit' in text
    assert "there is no unit with the code «KHONGCO»" in text
    assert 'Row 4, column "Loại": the kind of unit is missing' in text
    assert "cannot read the date «31/13/2025»: there is no such day" in text
    assert "the last day of validity, 01/01/2025, is before the first, 01/07/2025" in text
    assert VIETNAMESE.findall(without_the_files_words(text, BAD)) == [], text


async def test_a_vietnamese_admin_reads_them_as_a_secretary_writes(ask: Ask) -> None:
    text = await ask("/tailen donvi", as_="admin", file=upload(BAD))

    assert "Dòng 5, cột «Hiệu lực đến»: không đọc được ngày «31/13/2025»: lịch không có ngày này." in text
    assert "Dòng 3, cột «Đơn vị cấp trên»: không có đơn vị nào mã «KHONGCO»" in text
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
