"""``cchc-bot import`` in the configured language: the problems of a bad file and the dry run of a good one
are sentences of the templates, in English when ``[bot].default_language`` is "en"."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot import config as configuration
from bot.imports import cli_scope, run_import
from bot.render import Renderer
from handlers.base import Reply
from models import UnitKind
from tests import factories as f
from tests.models.test_importers import xlsx

HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến")
BAD = [
    ("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", "", ""),
    ("X1", "Xã An", "Hạng I", "LS", "", ""),
    ("X2", "Xã Bình", "Xã", "KHONGCO", "", ""),
    ("X4", "Xã Cường", "Xã", "LS", "01/07/2025", "31/13/2025"),
    ("X5", "Xã Dương", "Xã", "LS", "", ""),
    ("X5", "Xã Dương Mới", "Xã", "LS", "", ""),
]
GOOD = [("LS", "Tỉnh Lạng Sơn", "Tỉnh", "", "", ""), ("X9", "Xã Đông", "Xã", "LS", "01/07/2025", "")]
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


def english(db_url: str) -> configuration.Config:
    config = configuration.replace(configuration.load(None, environ={}), "database", url=db_url)
    return configuration.replace(config, "bot", default_language="en")


async def import_units(config: configuration.Config, file: Path, *, dry_run: bool = False) -> int:
    options = {"plan": None, "year": None, "title": None, "drive": None, "province": None}
    return await run_import(config, argparse.Namespace(kind="units", file=file, dry_run=dry_run, **options))


def without_the_files_words(text: str, rows: list[tuple[str, ...]]) -> str:
    for word in sorted({*HEADER, *(cell for row in rows for cell in row)}, key=len, reverse=True):
        text = text.replace(word, "") if word else text
    return text


async def test_an_english_cli_says_the_problems_of_a_bad_file_in_english(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "don_vi.xlsx"
    file.write_bytes(xlsx(HEADER, *BAD))

    assert await import_units(english(db_url), file) == 1

    err = capsys.readouterr().err
    assert "don_vi.xlsx was not imported: 4 problems found checking unit list. Nothing was written." in err
    assert "- Row 3, column “Loại”: “Hạng I” is not a kind of unit." in err
    assert "- Row 5, column “Hiệu lực đến”: cannot read the date “31/13/2025”: there is no such day." in err
    assert "- Row 7, column “Mã đơn vị”: the unit code “X5” is also on row 6, both valid at the same time." in err
    assert VIETNAMESE.findall(without_the_files_words(err, BAD)) == [], err


async def test_an_english_dry_run_lists_the_changes_by_name_in_english(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "don_vi.xlsx"
    file.write_bytes(xlsx(HEADER, *GOOD))

    assert await import_units(english(db_url), file, dry_run=True) == 0

    out = capsys.readouterr().out
    assert "- Add the unit Tỉnh Lạng Sơn (code LS)\n" in out
    assert "- Add the unit Xã Đông (code X9), under Tỉnh Lạng Sơn, valid from 01/07/2025" in out
    assert VIETNAMESE.findall(without_the_files_words(out, GOOD)) == [], out


async def test_a_cli_that_needs_the_province_names_each_one(session: AsyncSession) -> None:
    await f.unit(session, "20", UnitKind.PROVINCE, name="Tỉnh Lạng Sơn")
    await f.unit(session, "19", UnitKind.PROVINCE, name="Tỉnh Thái Nguyên")

    needed, unknown = await cli_scope(session, None), await cli_scope(session, "99")

    assert isinstance(needed, Reply) and isinstance(unknown, Reply)
    assert Renderer().render("vi", needed).endswith("một trong: 19 (Tỉnh Thái Nguyên), 20 (Tỉnh Lạng Sơn).")
    assert Renderer().render("en", unknown) == (
        "No province has the code 99. The provinces: 19 (Tỉnh Thái Nguyên), 20 (Tỉnh Lạng Sơn)."
    )


TASK_HEADER = ("TT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Thời hạn")
BAD_TASKS = [
    ("1", "Rà soát thủ tục hành chính", "1", "Sở Không Có", "30/6/2026"),
    ("2", "Niêm yết thủ tục", "1", "X9", "sớm nhất có thể"),
    ("3", "Báo cáo CCHC", "Lĩnh vực lạ", "X9", "30/6/2030"),
]
RESULT_HEADER = ("Chỉ số", "Năm", "Đơn vị", "Điểm", "Xếp hạng", "Tổng số")
BAD_RESULTS = [("XYZ", "2023", "LS", "80", "47/63", "62"), ("PAR", "1800", "LS", "80", "", "")]


async def import_kind(config: configuration.Config, kind: str, file: Path, **given: object) -> int:
    options: dict[str, object] = {"plan": None, "year": None, "title": None, "drive": None, "province": None}
    return await run_import(config, argparse.Namespace(kind=kind, file=file, dry_run=False, **{**options, **given}))


def without_words(text: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    for word in sorted({*header, *(cell for row in rows for cell in row)}, key=len, reverse=True):
        text = text.replace(word, "") if word else text
    return text


async def test_an_english_cli_says_the_problems_of_a_bad_task_file_in_english(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    units, tasks = tmp_path / "don_vi.xlsx", tmp_path / "ke_hoach.xlsx"
    units.write_bytes(xlsx(HEADER, *GOOD))
    tasks.write_bytes(xlsx(TASK_HEADER, *BAD_TASKS))
    assert await import_kind(english(db_url), "units", units) == 0
    capsys.readouterr()

    assert await import_kind(english(db_url), "tasks", tasks, plan="KH-2026", year="2026") == 1

    err = capsys.readouterr().err
    assert "ke_hoach.xlsx was not imported" in err
    assert "no unit “Sở Không Có” was found (by code or name)" in err
    assert "cannot read the deadline “sớm nhất có thể”" in err
    assert "the field “Lĩnh vực lạ” is unclear" in err
    assert "the deadline 30/06/2030 is not in the plan's year 2026" in err
    assert VIETNAMESE.findall(without_words(err, TASK_HEADER, BAD_TASKS)) == [], err


async def test_an_english_cli_says_the_problems_of_a_bad_results_file_in_english(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    units, results = tmp_path / "don_vi.xlsx", tmp_path / "ket_qua.xlsx"
    units.write_bytes(xlsx(HEADER, *GOOD))
    results.write_bytes(xlsx(RESULT_HEADER, *BAD_RESULTS))
    assert await import_kind(english(db_url), "units", units) == 0
    capsys.readouterr()

    assert await import_kind(english(db_url), "results", results) == 1

    err = capsys.readouterr().err
    assert "ket_qua.xlsx was not imported" in err
    assert "there is no index “XYZ”" in err
    assert "the total 62 differs from the rank 47/63" in err
    assert "the year 1800 is not valid (1990 to 2100)" in err
    assert VIETNAMESE.findall(without_words(err, RESULT_HEADER, BAD_RESULTS)) == [], err
