"""/xephang … xlsx on the console: the file is saved in ``[console].export_dir`` and its path printed
after the reply."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from bot import config as configuration
from bot.app import build, prepare
from bot.console import chat


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


async def test_the_table_is_saved_and_its_path_printed(tmp_path: Path) -> None:
    config = configuration.replace(
        configuration.load(None, environ={}), "database", url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    )
    folder = tmp_path / "out"
    app = build(configuration.replace(config, "console", export_dir=str(folder)))
    try:
        await prepare(app)
        out = io.StringIO()
        assert await chat(app, "chair", stdin=Pipe("/xephang 766 excel\n"), stdout=out) == 0
    finally:
        await app.close()
    text = out.getvalue()
    assert re.search(r"Bảng xếp hạng Chỉ số 766 tháng \d{1,2}/\d{4} của các xã, phường \(tệp Excel\)\.", text)
    saved = re.search(r"Đã lưu tệp: (\S+xephang_766_\d{4}-\d{2}\.xlsx)", text)
    assert saved is not None, text
    path = Path(saved[1])
    assert path.parent == folder
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [row[1].value for row in sheet.iter_rows(min_row=3) if row[1].font.bold] == ["Xã Tuấn Sơn"]
