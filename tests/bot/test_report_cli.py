"""``cchc-bot report``: the demo's quarterly report written as files; a bad period, an unknown unit and a
year with no plan each told in one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot import cli
from tests.bot.test_setup_cli import config_for


async def run(db_url: str, *words: str) -> int:
    args = cli.parser().parse_args(list(words))
    return await cli.COMMANDS[args.command](config_for(db_url), args)


async def test_the_demo_report_is_written_with_its_appendix(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(db_url, "demo", "load") == 0
    out, xlsx = tmp_path / "bao_cao.docx", tmp_path / "phu_luc.xlsx"
    assert (
        await run(db_url, "report", "--unit", "LS", "--period", "2026-Q3", "--out", str(out), "--xlsx", str(xlsx)) == 0
    )
    assert capsys.readouterr().out.strip().endswith(f"Đã ghi báo cáo {out} và phụ lục {xlsx}.")
    doc = Document(io.BytesIO(out.read_bytes()))
    assert any(p.text == "Kết quả công tác cải cách hành chính quý III năm 2026" for p in doc.paragraphs)
    assert [ws.title for ws in load_workbook(xlsx).worksheets] == ["Theo đơn vị", "Theo nhiệm vụ"]


async def test_a_year_with_no_plan_still_writes_a_report_and_says_so(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(db_url, "demo", "load") == 0
    capsys.readouterr()
    out = tmp_path / "bao_cao.docx"
    assert await run(db_url, "report", "--unit", "LS", "--period", "2031", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert "Chưa có kế hoạch cải cách hành chính năm 2031" in said
    assert (tmp_path / "bao_cao_phu_luc.xlsx").exists()
    assert "Kết quả thực hiện nhiệm vụ: chưa có số liệu." in [p.text for p in Document(str(out)).paragraphs]


@pytest.mark.parametrize(
    ("words", "line"),
    [
        (["--unit", "LS", "--period", "2026-Q5"], "“2026-Q5” không phải kỳ báo cáo"),
        (["--unit", "XYZ", "--period", "2026"], "không tìm thấy đơn vị “XYZ”"),
    ],
)
async def test_bad_arguments_are_one_line(db_url: str, tmp_path: Path, words: list[str], line: str) -> None:
    assert await run(db_url, "demo", "load") == 0
    with pytest.raises(cli.CliError) as refused:
        await run(db_url, "report", *words, "--out", str(tmp_path / "x.docx"))
    said = refused.value.line("vi")
    assert line in said and "\n" not in said
    assert not (tmp_path / "x.docx").exists()
