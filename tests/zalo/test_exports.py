"""/xephang … xlsx on Zalo (no documents in its Bot API): with a public URL, the file is saved under a
name nobody can guess and sent as a link line; without one, one line says where Excel files come."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.zalo.channel import ZaloChannel
from tests.fakes.zalo_server import FakeZalo
from tests.zalo.support import CHAIR, say

URL = "https://img.example.gov.vn/zalo"


async def test_without_a_public_url_one_line_says_where_files_come(zalo: FakeZalo, bot: ZaloChannel) -> None:
    text = await say(zalo, CHAIR, "/xephang 766 xlsx")
    lines = text.splitlines()
    assert re.fullmatch(r"Bảng xếp hạng Chỉ số 766 tháng \d{1,2}/\d{4} của các xã, phường \(tệp Excel\)\.", lines[0])
    assert lines[-1].startswith("Trên Zalo chưa gửi được tệp Excel") and "Telegram" in lines[-1]
    assert not zalo.calls_of("sendPhoto")


class TestWithPublicUrl:
    @pytest.fixture
    def zalo_settings(self, tmp_path: Path) -> dict[str, object]:
        return {"public_image_url": URL, "image_dir": str(tmp_path / "img")}

    async def test_the_file_is_sent_as_a_link_to_an_unguessable_name(
        self, zalo: FakeZalo, bot: ZaloChannel, tmp_path: Path
    ) -> None:
        text = await say(zalo, CHAIR, "/xephang 766 xlsx")
        link = re.search(
            rf"Tải tệp Excel: {re.escape(URL)}/([A-Za-z0-9_-]{{32}})/(xephang_766_\d{{4}}-\d{{2}}\.xlsx)", text
        )
        assert link is not None, text
        saved = tmp_path / "img" / link[1] / link[2]
        sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
        assert sheet is not None
        assert [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold] == ["Xã Tuấn Sơn"]
        again = await say(zalo, CHAIR, "/xephang 766 xlsx")
        assert link[1] not in again  # each file its own name

    async def test_the_report_comes_as_two_links_a_word_file_and_its_excel_appendix(
        self, zalo: FakeZalo, bot: ZaloChannel, tmp_path: Path
    ) -> None:
        text = await say(zalo, CHAIR, "/baocao quy 1 2026")
        while text.count("Tải tệp") < 2:  # the links follow once the files are built: later on a loaded machine
            text += "\n\n" + (await zalo.next_sent(CHAIR, 30)).text
        assert "Dự thảo báo cáo CCHC quý I/2026 của UBND xã Tuấn Sơn" in text
        links = re.findall(rf"Tải tệp (Word|Excel): {re.escape(URL)}/([A-Za-z0-9_-]{{32}})/(\S+)", text)
        assert [(kind, name) for kind, _, name in links] == [
            ("Word", "bao_cao_cchc_06457_2026-Q1.docx"),
            ("Excel", "bao_cao_cchc_06457_2026-Q1_phu_luc.xlsx"),
        ]
        _, folder, name = links[1]
        assert load_workbook(tmp_path / "img" / folder / name).worksheets


async def test_without_a_public_url_the_report_says_where_its_files_come(zalo: FakeZalo, bot: ZaloChannel) -> None:
    text = await say(zalo, CHAIR, "/baocao")
    assert text.splitlines()[-1].startswith("Trên Zalo chưa gửi được tệp Word, Excel")
