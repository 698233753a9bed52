"""``cchc-bot indices list|add|component`` as the secretariat runs it (SQLite and PostgreSQL): the standard
indices with their scales, a new index with its scale checked on import, components added and renamed,
every refusal one line; and the national results table imported right after ``cchc-bot init``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import CliError, cmd_indices, parser
from tests.bot.test_setup_cli import SAMPLES, config_for, import_file, init


async def indices(db_url: str, *argv: str) -> int:
    return await cmd_indices(config_for(db_url), parser().parse_args(["indices", *argv]))


async def test_list_shows_each_index_with_its_scale_and_components(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await init(config_for(db_url), "Lạng Sơn") == 0
    capsys.readouterr()

    assert await indices(db_url, "list") == 0

    out = capsys.readouterr().out
    assert "PAPI — Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI): điểm, thang 10–80" in out
    assert "SIPAS — Chỉ số hài lòng về sự phục vụ hành chính (SIPAS): tỷ lệ phần trăm, thang 0–100" in out
    assert "   3. Cải cách thủ tục hành chính" in out
    assert "DTI — Chỉ số chuyển đổi số (DTI): điểm, thang 0–không cố định" in out
    papi = out[out.index("PAPI —") : out.index("PAR —")]
    assert papi.count("(thang 1–10)") == 8, papi  # each of PAPI's 8 dimensions runs 1–10


async def test_a_component_gets_a_bottom_with_min_and_keeps_it_when_renamed(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await init(config_for(db_url), "Lạng Sơn") == 0
    assert await indices(db_url, "add", "CCDV", "Chỉ số phục vụ người dân", "--max", "100") == 0
    assert await indices(db_url, "component", "CCDV", "1", "Công khai", "--min", "2", "--max", "20") == 0
    assert await indices(db_url, "component", "CCDV", "1", "Công khai, minh bạch") == 0
    capsys.readouterr()

    assert await indices(db_url, "list") == 0
    assert "   1. Công khai, minh bạch (thang 2–20)" in capsys.readouterr().out

    table = tmp_path / "ccdv.csv"
    table.write_text("Chỉ số;Năm;Tỉnh, thành phố;Điểm;Lĩnh vực 1\nCCDV;2024;Lạng Sơn;85,5;1,5\n", "utf-8")
    assert await import_file(config_for(db_url), "results", table) == 1
    assert "nằm ngoài thang điểm của lĩnh vực/thành phần này (2–20)" in capsys.readouterr().err


async def test_an_index_added_has_its_scale_checked_on_import(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await init(config_for(db_url), "Lạng Sơn") == 0
    added = await indices(db_url, "add", "ccdv", "Chỉ số phục vụ người dân", "--min", "10", "--max", "80")
    assert added == 0
    assert "Đã thêm chỉ số CCDV — Chỉ số phục vụ người dân (điểm, thang 10–80)" in capsys.readouterr().out
    assert await indices(db_url, "component", "CCDV", "1", "Công khai, minh bạch", "--max", "18") == 0
    assert await indices(db_url, "component", "ccdv", "1", "Công khai, minh bạch thông tin") == 0
    out = capsys.readouterr().out
    assert "Đã thêm thành phần 1 của chỉ số CCDV" in out and "Đã đổi tên thành phần 1" in out

    table = tmp_path / "ccdv.csv"
    table.write_text("Chỉ số;Năm;Tỉnh, thành phố;Điểm;Lĩnh vực 1\nCCDV;2024;Lạng Sơn;85,5;12\n", "utf-8")
    assert await import_file(config_for(db_url), "results", table) == 1
    assert "ngoài thang điểm của CCDV (10–80 điểm)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("add", "PAPI", "Trùng"), "đã có chỉ số mã PAPI"),
        (("add", "Chỉ số mới", "Tên"), "không dùng được làm mã chỉ số"),
        (("add", "NEW", " "), "cần có tên tiếng Việt"),
        (("add", "NEW", "Tên", "--kind", "stars"), "loại điểm “stars” không hợp lệ"),
        (("add", "NEW", "Tên", "--min", "80", "--max", "10"), "thang điểm không hợp lệ"),
        (
            ("component", "XYZ", "1", "Tên"),
            "không có chỉ số mã “XYZ” (các chỉ số: 766, CCHC, DTI, PAPI, PAR, PCI, SIPAS)",
        ),
        (("component", "PAR", "0", "Tên"), "số thứ tự thành phần 0 không hợp lệ"),
        (("component", "PAPI", "1", "Tên", "--min", "12"), "thang điểm không hợp lệ (12–10)"),
    ],
)
async def test_a_bad_request_is_refused_in_one_line(db_url: str, argv: tuple[str, ...], said: str) -> None:
    assert await init(config_for(db_url), "Lạng Sơn") == 0

    with pytest.raises(CliError) as refused:
        await indices(db_url, *argv)

    line = refused.value.line("vi")
    assert said in line and "\n" not in line


def test_a_scale_that_is_not_a_number_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["indices", "add", "NEW", "Tên", "--max", "tám mươi"])
    assert stopped.value.code == 2
    assert "'tám mươi' is not a number" in capsys.readouterr().err


async def test_the_national_sample_imports_right_after_init(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn") == 0

    assert await import_file(config, "results", SAMPLES / "ket_qua_quoc_gia.xlsx") == 0

    out, err = capsys.readouterr()
    assert "63 mục mới" in out and not err
