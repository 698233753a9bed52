"""The README's plan flow as written: after ``cchc-bot init --province "Lạng Sơn"`` and today's unit list,
``cchc-bot import tasks samples/ke_hoach_2026.xlsx --plan KH-CCHC-2026 --year 2026`` previews the group
expansion with --dry-run and then imports the 48 tasks."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.imports import run_import
from tests.bot.test_setup_cli import config_for, import_file, init

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


async def test_the_2026_plan_imports_after_init_as_the_readme_says(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    assert await init(config, "Lạng Sơn") == 0
    assert await import_file(config, "units", SAMPLES / "don_vi_lang_son_2025.csv") == 0
    capsys.readouterr()
    plan = {"plan": "KH-CCHC-2026", "year": "2026", "title": None, "drive": None, "province": None}
    dry = argparse.Namespace(kind="tasks", file=SAMPLES / "ke_hoach_2026.xlsx", dry_run=True, **plan)

    assert await run_import(config, dry) == 0
    preview = capsys.readouterr().out
    assert await import_file(config, "tasks", SAMPLES / "ke_hoach_2026.xlsx", plan="KH-CCHC-2026", year="2026") == 0
    done = capsys.readouterr().out

    assert "UBND các xã, phường → 65 đơn vị" in preview
    assert "48 mục mới" in done
