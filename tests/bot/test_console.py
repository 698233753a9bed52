"""The console channel and the CLI, as a person trying the bot would use them: piped input, demo data."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from bot import config as configuration
from bot.app import build, prepare
from bot.console import chat
from models import Assignment, AssignmentRole, Plan, Task
from models.rules import StatusCounts, task_status

BIN = Path(sys.executable).parent


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCHC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}"}
    env.pop("CCHC_CONFIG", None)
    return subprocess.run(
        [str(BIN / "cchc-bot"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


async def console(tmp_path: Path, account: str, lines: str) -> tuple[int, str]:
    """Chat as ``account`` with piped ``lines`` over a fresh demo database; the exit code and the output."""
    config = configuration.replace(
        configuration.load(None, environ={}), "database", url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    )
    app = build(config)
    try:
        await prepare(app)
        out = io.StringIO()
        code = await chat(app, account, stdin=Pipe(lines), stdout=out)
    finally:
        await app.close()
    return code, out.getvalue()


async def test_piped_chat_answers_each_line_from_the_demo(tmp_path: Path) -> None:
    code, text = await console(tmp_path, "chair", "/diem par\n/diem 2024\n/nhiemvu\n2\n")
    assert code == 0
    assert "> /diem" in text and "85,94" in text and "47/63" in text
    assert "> /nhiemvu" in text and "UBND xã Tuấn Sơn" in text
    # 2026: no district ("trò chuyện" is no huyện), except where the predecessors' 2024 figures are marked
    assert "Số liệu của các xã trước hợp nhất" in text and "UBND xã Minh Sơn, huyện Hữu Lũng:" in text
    districts = [line for line in text.splitlines() if re.search(r"\bhuyện\b", line, re.IGNORECASE)]
    assert districts == ["UBND xã Minh Sơn, huyện Hữu Lũng:", "UBND xã Hòa Thắng, huyện Hữu Lũng:"]
    assert "quá hạn" in text
    assert "Lỗi" not in text and "errors/" not in text


async def test_unknown_console_account_starts_unregistered_and_lists_the_choices(tmp_path: Path) -> None:
    code, text = await console(tmp_path, "mayor", "/diem\n")
    assert code == 0
    assert "tài khoản “mayor” (chưa đăng ký)" in text and "Gõ /start <mã mời>" in text
    assert "- leader: " in text  # the demo's accounts, for a mistyped name
    assert "85,94" not in text and "Đồng chí chưa đăng ký sử dụng" in text


async def test_leader_summary_through_the_installed_command(tmp_path: Path) -> None:
    result = cli(tmp_path, "chat", "--as", "leader", stdin="/tomtat\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "PAR INDEX 2023: 85,94 điểm, xếp thứ 47/63, tăng 7 bậc" in out
    assert await reporting_sentence(tmp_path / "cchc.db") in out


async def reporting_sentence(db: Path) -> str:
    """The reporting sentence of the latest plan, counted here from the database by lead assignment."""
    from babel.numbers import format_decimal

    from models import Clock
    from models.db import create_engine

    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with engine.connect() as conn:
            year = (await conn.execute(select(func.max(Plan.year)))).scalar_one()
            rows = await conn.execute(
                select(Task.due_date, Assignment.progress, Assignment.completed_on)
                .join(Assignment, Assignment.task_id == Task.id)
                .join(Plan, Plan.id == Task.plan_id)
                .where(Plan.year == year, Assignment.role == AssignmentRole.LEAD)
            )
            today = Clock().today()
            c = StatusCounts.of(task_status(due, progress, done, today) for due, progress, done in rows)
    finally:
        await engine.dispose()
    came_due = c.done + c.overdue  # what came due: tasks still in time are not in the rate
    hundredths = Decimal(c.done * 10_000 // came_due).scaleb(-2)  # two decimals, cut, never rounded up
    rate = format_decimal(hundredths, format="#,##0.00", locale="vi_VN")
    later = f"; chưa đến hạn: {c.not_yet_due}" if c.not_yet_due else ""
    return (
        f"{c.total} nhiệm vụ. {c.done}/{came_due} nhiệm vụ đến hạn đã hoàn thành, đạt {rate}% (đúng hạn: "
        f"{c.done_on_time}, quá hạn: {c.done_late}); chưa hoàn thành: {c.not_done} (trong hạn: {c.in_time}, "
        f"quá hạn: {c.overdue}){later}."
    )


def test_first_run_creates_and_fills_the_database_and_reruns_do_not_reload(tmp_path: Path) -> None:
    first = cli(tmp_path, "run", stdin="/diem par\n")
    assert first.returncode == 0, first.stderr
    assert "85,94" in first.stdout
    second = cli(tmp_path, "demo", "load")
    assert second.returncode == 0
    assert "not empty" in second.stdout


def test_bad_configuration_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[bot]\nlanguage = "vi"\n', encoding="utf-8")
    result = cli(tmp_path, "run")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "[bot].language" in result.stderr


def test_import_of_a_broken_file_lists_rows_and_writes_nothing(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parents[2] / "samples"
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    units = cli(tmp_path, "import", "units", str(samples / "don_vi.xlsx"))
    assert units.returncode == 0, units.stderr
    broken = cli(tmp_path, "import", "tasks", str(samples / "ke_hoach_loi.xlsx"), "--plan", "KH-2023", "--year", "2023")
    assert broken.returncode == 1
    assert "Dòng 5" in broken.stderr and "Dòng 6" in broken.stderr
    good = cli(tmp_path, "import", "tasks", str(samples / "ke_hoach_2023.xlsx"), "--plan", "KH-2023", "--year", "2023")
    assert good.returncode == 0, good.stderr
    again = cli(tmp_path, "import", "tasks", str(samples / "ke_hoach_2023.xlsx"), "--plan", "KH-2023", "--year", "2023")
    assert "0 mục mới, 0 mục cập nhật" in again.stdout


def test_invite_from_the_command_line(tmp_path: Path) -> None:
    assert cli(tmp_path, "demo", "load").returncode == 0
    made = cli(tmp_path, "invite", "LS.SNV", "canbo", "--name", "Nguyễn Thị Hoa")
    assert made.returncode == 0, made.stderr
    assert "Mã mời" in made.stdout and "/start" in made.stdout
    bad = cli(tmp_path, "invite", "LS.SNV", "bithu")
    assert bad.returncode == 1
    assert "canbo" in bad.stderr and "chutich" in bad.stderr
