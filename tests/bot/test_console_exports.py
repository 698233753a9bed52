"""/xephang … xlsx on the console: the file is saved in ``[console].export_dir`` and its path printed
after the reply."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from bot import config as configuration
from bot.app import build, prepare
from bot.console import chat


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


async def _chat(tmp_path: Path, who: str, line: str) -> tuple[str, Path]:
    """What the demo's console chat prints for ``line`` said as ``who``, and the folder files go to."""
    config = configuration.replace(
        configuration.load(None, environ={}), "database", url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    )
    folder = tmp_path / "out"
    app = build(configuration.replace(config, "console", export_dir=str(folder)))
    try:
        await prepare(app)
        out = io.StringIO()
        assert await chat(app, who, stdin=Pipe(line + "\n"), stdout=out) == 0
    finally:
        await app.close()
    return out.getvalue(), folder


async def test_the_table_is_saved_and_its_path_printed(tmp_path: Path) -> None:
    text, folder = await _chat(tmp_path, "chair", "/xephang 766 excel")
    assert re.search(r"Bảng xếp hạng Chỉ số 766 tháng \d{1,2}/\d{4} của các xã, phường \(tệp Excel\)\.", text)
    saved = re.search(r"Đã lưu tệp: (\S+xephang_766_\d{4}-\d{2}\.xlsx)", text)
    assert saved is not None, text
    path = Path(saved[1])
    assert path.parent == folder
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold] == ["Xã Tuấn Sơn"]


async def test_the_reports_two_files_are_saved_and_both_paths_printed(tmp_path: Path) -> None:
    text, folder = await _chat(tmp_path, "admin", "/baocao 6 thang 2026 LS.STP")
    assert "Dự thảo báo cáo CCHC 6 tháng đầu năm 2026 của Sở Tư pháp" in text
    saved = re.findall(r"Đã lưu tệp: (\S+)", text)
    assert [Path(p).name for p in saved] == [
        "bao_cao_cchc_ls_stp_2026-H1.docx",
        "bao_cao_cchc_ls_stp_2026-H1_phu_luc.xlsx",
    ]
    assert all(Path(p).parent == folder for p in saved)
    assert Document(saved[0]).paragraphs  # a Word file python-docx opens
    assert [ws.title for ws in load_workbook(saved[1]).worksheets][-1] == "Theo nhiệm vụ"
