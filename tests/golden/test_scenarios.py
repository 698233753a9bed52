"""Messages the rest of the suite causes only in a child process (the CLI) or never, caused here in-process so
that ``make golden`` records them (see README.md, "Coverage")."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from pathlib import Path

import pytest

from bot import config as configuration
from bot.cli import cmd_backup, main
from bot.imports import run_import
from bot.render import Renderer
from handlers.base import Reply, UserError
from handlers.uploads import MAX_UPLOAD_BYTES
from tests.security.test_init_demo_remove import _register_real_official


def _config(url: str) -> configuration.Config:
    return configuration.replace(configuration.load(None, environ={}), "database", url=url)


async def test_a_backup_says_where_the_copy_is(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "cchc.db")
    config = _config(f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")

    assert await cmd_backup(config, argparse.Namespace(target=tmp_path / "copy.db")) == 0

    assert str(tmp_path / "copy.db") in capsys.readouterr().out


async def test_importing_a_file_that_is_not_there_names_it(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "cchc.db")
    config = _config(f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")
    options = {"plan": None, "year": None, "title": None, "drive": None, "province": None}
    missing = tmp_path / "khong_co.xlsx"

    assert await run_import(config, argparse.Namespace(kind="units", file=missing, dry_run=False, **options)) != 0

    assert "khong_co.xlsx" in capsys.readouterr().err


def test_demo_remove_is_refused_naming_the_real_official(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "cchc.db"}"\n', encoding="utf-8")
    assert main(["--config", str(config), "demo", "load"]) == 0
    asyncio.run(_register_real_official(tmp_path / "cchc.db"))
    capsys.readouterr()

    assert main(["--config", str(config), "demo", "remove"]) == 1

    assert "Nguyễn Văn An (06457)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "refusal",
    [
        # handlers/access.own_unit: an official whose unit row is gone (a foreign key makes it unreachable)
        UserError("errors/no_unit"),
        # handlers/uploads: a file over the limit; the fake chat servers cap their files far below it
        UserError("uploads/too_big", name="ke_hoach_2026.xlsx", max_mb=MAX_UPLOAD_BYTES // (1024 * 1024)),
    ],
    ids=lambda e: e.template,
)
def test_refusals_no_test_can_cause_read_as_one_sentence(refusal: UserError) -> None:
    """Rendered the way the router renders a UserError, in both languages."""
    for lang in ("vi", "en"):
        text = Renderer().render(lang, Reply(refusal.template, refusal.context), "html")
        assert text and "\n" not in text.strip()
