"""``cchc-bot units alias``: a secretary records by hand the code the province's files use for a unit no
units file of theirs listed; files, commands and invites then name the unit by it. A refusal is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli
from tests.bot.test_setup_cli import config_for, import_file, init
from tests.models.test_importers import SAMPLES, xlsx


async def units(db_url: str, *words: str) -> int:
    args = cli.parser().parse_args(["units", *words])
    return await cli.COMMANDS["units"](config_for(db_url), args)


async def test_a_code_recorded_by_hand_names_the_unit_in_the_next_file(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn", code="LS") == 0
    assert await import_file(config, "units", SAMPLES / "don_vi.xlsx") == 0
    capsys.readouterr()

    assert await units(db_url, "alias", "Sở Nội vụ", "SNV-LS") == 0
    assert capsys.readouterr().out.strip() == (
        "Đã ghi nhận mã SNV-LS là của Sở Nội vụ (mã SNV): các tệp, lệnh và mã mời của tỉnh từ nay gọi đơn vị này"
        " bằng mã đó."
    )
    assert await units(db_url, "alias", "SNV", "snv-ls") == 0
    assert "đã được ghi nhận là của Sở Nội vụ (mã SNV) từ trước" in capsys.readouterr().out

    plan = tmp_path / "kh.xlsx"
    header = ("STT", "Nội dung nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    plan.write_bytes(xlsx(header, (1, "Kiểm tra CCHC", 1, "SNV-LS", "", "Quý III")))
    assert await import_file(config, "tasks", plan, plan="KH-2024", year=2024) == 0
    assert "1 mục mới" in capsys.readouterr().out


async def test_a_code_of_another_unit_and_an_unknown_unit_are_refused_in_one_line(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn", code="LS") == 0
    assert await import_file(config, "units", SAMPLES / "don_vi.xlsx") == 0
    capsys.readouterr()

    with pytest.raises(cli.CliError) as taken:
        await units(db_url, "alias", "Sở Nội vụ", "STP")
    assert taken.value.line("vi") == "“STP” đã dùng cho Sở Tư pháp (mã STP) cùng thời gian: một mã chỉ gọi một đơn vị"
    assert taken.value.line("en").startswith("“STP” is already used for Sở Tư pháp (code STP)")
    with pytest.raises(cli.CliError) as unknown:
        await units(db_url, "alias", "Sở Du lịch", "SDL")
    assert unknown.value.line("vi") == "không tìm thấy đơn vị “Sở Du lịch” (theo mã hoặc tên) trong tỉnh"
