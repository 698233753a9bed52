"""``cchc-bot init`` and ``cchc-bot demo remove`` as an operator runs them, on SQLite and PostgreSQL: a real
province without the demo, then real files imported into it; the demo taken out and not loaded again."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import config as configuration
from bot.app import build, prepare
from bot.cli import cmd_demo, cmd_init
from bot.imports import run_import
from models import Unit

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def config_for(db_url: str) -> configuration.Config:
    return configuration.replace(configuration.load(None, environ={}), "database", url=db_url)


async def init(config: configuration.Config, province: str, code: str | None = None) -> int:
    return await cmd_init(config, argparse.Namespace(command="init", province=province, code=code))


async def import_file(config: configuration.Config, kind: str, file: Path, **options: object) -> int:
    values: dict[str, object] = {"plan": None, "year": None, "title": None, "drive": None, "province": None}
    values.update(options)
    return await run_import(config, argparse.Namespace(kind=kind, file=file, dry_run=False, **values))


async def test_results_import_on_a_fresh_database_works_after_init(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn") == 0
    assert "Đã tạo Tỉnh Lạng Sơn (mã đơn vị 20)" in capsys.readouterr().out
    results = tmp_path / "ket_qua.csv"  # the sample, with the province's official code for the demo's "LS"
    results.write_text((SAMPLES / "ket_qua_chi_so.csv").read_text("utf-8-sig").replace(";LS;", ";20;"), "utf-8-sig")
    assert await import_file(config, "results", results) == 0
    out, err = capsys.readouterr()
    assert "5 mục mới" in out and "chưa có chỉ số nào" not in out + err


async def test_real_units_tasks_and_results_import_after_init_with_the_files_own_code(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "20", code="LS") == 0  # the sample files name the province "LS"
    assert await import_file(config, "units", SAMPLES / "don_vi.xlsx") == 0
    plan = {"plan": "KH-CCHC-2023", "year": 2023}
    assert await import_file(config, "tasks", SAMPLES / "ke_hoach_2023.xlsx", **plan) == 0
    assert await import_file(config, "results", SAMPLES / "ket_qua_chi_so.csv") == 0
    out = capsys.readouterr().out
    assert out.count("Đã nhập tệp") == 3 and "12 mục mới" in out and "5 mục mới" in out


async def test_init_twice_says_nothing_changed_and_a_second_province_is_added(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "Lang Son") == 0
    capsys.readouterr()
    assert await init(config, "Lạng Sơn") == 0
    assert "không có gì thay đổi" in capsys.readouterr().out
    assert await init(config, "Cao Bang") == 0
    out = capsys.readouterr().out
    assert "Đã tạo Tỉnh Cao Bằng (mã đơn vị 04)" in out and "còn có: 20" in out and "--province 04" in out


async def test_demo_remove_takes_the_demo_out_and_make_run_does_not_load_it_again(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    app = build(config)
    try:
        assert await prepare(app) is not None  # `make run` on an empty database: the demo is loaded
        assert await cmd_demo(config, argparse.Namespace(demo_command="remove")) == 0
        assert "đã gỡ dữ liệu demo: 156 đơn vị, 6 cán bộ, 2 kế hoạch" in capsys.readouterr().out
        assert await prepare(app) is None  # taken out on purpose: not loaded again on its own
        async with app.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Unit)) == 0
        assert await init(config, "Lạng Sơn") == 0
        assert await cmd_demo(config, argparse.Namespace(demo_command="remove")) == 0
        assert "không có dữ liệu demo" in capsys.readouterr().out
    finally:
        await app.close()


async def test_todays_real_unit_list_a_plan_on_it_and_an_invite_by_official_code(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The province's units as they are since 1/7/2025 (samples/don_vi_lang_son_2025.csv: the 65 communes
    and wards of Nghị quyết 1672/NQ-UBTVQH15 with their official codes, and the departments after
    1/3/2025) go into a database made by ``init``; a 2026 plan names them the way plans do; an invite
    is made by a commune's official code and a chair's word."""
    from bot.cli import cmd_invite

    config = config_for(db_url)
    assert await init(config, "Lạng Sơn") == 0
    assert await import_file(config, "units", SAMPLES / "don_vi_lang_son_2025.csv") == 0
    assert "79 mục mới" in capsys.readouterr().out
    plan = tmp_path / "ke_hoach_2026.csv"
    plan.write_text(
        "STT;Nội dung nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Thời hạn\n"
        "1;Rà soát thủ tục hành chính sau sắp xếp;Sở Nội vụ;Phường Kỳ Lừa;30/06/2026\n"
        "2;Số hóa hồ sơ một cửa;UBND xã Tuấn Sơn;Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn;Quý III\n",
        "utf-8-sig",
    )
    assert await import_file(config, "tasks", plan, plan="KH-CCHC-2026", year=2026) == 0
    assert "Đã nhập tệp" in capsys.readouterr().out
    invite = argparse.Namespace(command="invite", unit="06457", role="chutich", name="", province=None)
    assert await cmd_invite(config, invite) == 0
    assert "UBND xã Tuấn Sơn" in capsys.readouterr().out
    app = build(config)
    try:
        async with app.sessions() as session:
            wards = await session.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "ward"))
            communes = await session.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "commune"))
    finally:
        await app.close()
    assert (wards, communes) == (4, 61)
