"""``cchc-bot jobs list`` and ``cchc-bot jobs run NAME``, and the [schedule] settings they read."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot import config as configuration
from bot.cli import cmd_jobs, main
from bot.config import ConfigError
from models import DEFAULT_TZ, Clock, Role, UnitKind
from tests import factories as f


def config_for(db_url: str) -> configuration.Config:
    return configuration.replace(configuration.load(None, environ={}), "database", url=db_url)


def test_jobs_list_prints_every_job_with_its_schedule_and_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    db = tmp_path / "cchc.db"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n[schedule]\nquarterly = ""\n', encoding="utf-8")
    assert main(["--config", str(path), "jobs", "list"]) == 0
    out = capsys.readouterr().out
    assert "reminders" in out and "0 8 * * *" in out and "lần tới" in out
    assert "digests" in out and "30 7 * * mon" in out and "leader_digests" in out and "0 16 * * fri" in out
    assert "quarterly" in out and "(đã tắt)" in out


async def test_jobs_run_queues_what_is_due_once(
    db_url: str, session: AsyncSession, capsys: pytest.CaptureFixture[str]
) -> None:
    today = Clock(DEFAULT_TZ).today()  # the CLI runs on the real clock
    commune = await f.unit(session, "MS", UnitKind.COMMUNE, name="Xã Minh Sơn")
    await f.official(session, commune, Role.OFFICER)
    plan = await f.plan(session, today.year)
    await f.task(session, plan, 1, today + timedelta(days=3), commune)
    await session.commit()
    config = config_for(db_url)
    assert await cmd_jobs(config, argparse.Namespace(jobs_command="run", name="reminders")) == 0
    assert "reminders: đã xếp 1 tin nhắn vào hàng đợi." in capsys.readouterr().out
    assert await cmd_jobs(config, argparse.Namespace(jobs_command="run", name="reminders")) == 0
    assert "reminders: đã xếp 0 tin nhắn" in capsys.readouterr().out


async def test_jobs_run_names_the_jobs_when_the_name_is_unknown(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cmd_jobs(config_for(db_url), argparse.Namespace(jobs_command="run", name="nightly")) == 1
    assert "reminders, digests, leader_digests, drives, quarterly" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('reminders = "0 8 * *"', r"\[schedule\]\.reminders must be a cron line"),
        ('digests = "30 25 * * mon"', r"\[schedule\]\.digests must be a cron line"),
        ('digests = "30 7 * * 1"', r"\[schedule\]\.digests must name weekdays"),
        ("catch_up_days = -1", r"\[schedule\]\.catch_up_days must be a whole number from 0 to 31"),
        ("drive_days_left = [7, 0]", r"\[schedule\]\.drive_days_left"),
    ],
)
def test_a_bad_schedule_is_one_line_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[schedule]\n{toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        configuration.load(path, environ={})


def test_the_example_configuration_has_every_job() -> None:
    schedule = configuration.load(Path(__file__).parents[2] / "config.example.toml", environ={}).schedule
    assert (schedule.reminders, schedule.digests, schedule.leader_digests, schedule.drives, schedule.quarterly) == (
        "0 8 * * *",
        "30 7 * * mon",
        "0 16 * * fri",
        "0 9 * * *",
        "15 8 * * *",
    )
