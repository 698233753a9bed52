"""Every configuration value is range-checked when the file is loaded, and a bad one stops ``cchc-bot``
with ONE line on stderr naming the key and what it may be, exit status 2, never a traceback.

The bad values are generated from the declarations in ``models/settings.py`` (each number one under its
lowest and one over its highest value, each list one entry too many), so a key added later with a range
is tested too; the hand-written cases are the string checks and the values of issue 11.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from bot import config as configuration
from bot.cli import main
from bot.config import Config

ROOT = Path(__file__).resolve().parents[2]


def _ends(metadata: list[Any]) -> tuple[int | None, int | None]:
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return low, high


def generated() -> list[tuple[str, str, str]]:
    """(section, key, TOML value) for each end of each number's range and each list's length."""
    cases: list[tuple[str, str, str]] = []
    for section, field in Config.model_fields.items():
        model = field.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for key, declared in model.model_fields.items():
            if declared.annotation is int:
                low, high = _ends(declared.metadata)
                assert low is not None and high is not None, f"[{section}].{key} has no range"
                cases += [(section, key, str(low - 1)), (section, key, str(high + 1))]
            elif get_origin(declared.annotation) is list:
                most = next(m.max_length for m in declared.metadata if hasattr(m, "max_length"))
                item = get_args(declared.annotation)[0]
                if isinstance(item, type) and issubclass(item, BaseModel):
                    continue  # a list of tables ([[zalo.bots]]): its keys are named by entry, tests/zalo/test_config.py
                low, high = _ends(get_args(item)[1].metadata)
                if get_args(item)[0] is int:
                    assert low is not None and high is not None
                    cases += [(section, key, f"[{low - 1}]"), (section, key, f"[{high + 1}]")]
                    cases.append((section, key, "[" + ", ".join([str(low)] * (most + 1)) + "]"))
                else:
                    cases.append((section, key, "[" + ", ".join(['"g"'] * (most + 1)) + "]"))
    return cases


HAND_WRITTEN = [
    # issue 11: accepted at start, failing later
    ("bot", "invite_ttl_hours", "100000000000"),
    ("bot", "due_soon_days", "100000000000"),
    ("reminders", "offsets_days", "[100000000]"),
    ("telegram", "webhook_port", "70000"),
    ("telegram", "webhook_secret", '"a b"'),
    ("telegram", "webhook_secret", '"' + "s" * 257 + '"'),
    ("telegram", "webhook_public_url", '"http://bot.langson.gov.vn"'),
    ("zalo", "webhook_public_url", '"http://bot.langson.gov.vn"'),
    ("zalo", "webhook_secret", '"short"'),
    # types and the other string checks
    ("database", "url", '"mysql://x"'),
    ("database", "url", '"postgresql+asyncpg://u:pw@db:notaport/cchc"'),
    ("database", "echo", '"yes"'),
    ("database", "lock_timeout_seconds", "1.5"),
    ("bot", "default_language", '"fr"'),
    ("bot", "timezone", '"Asia/Hanoi_City"'),
    ("bot", "log_level", '"LOUD"'),
    ("bot", "page_size", "true"),
    ("telegram", "mode", '"webhooks"'),
    ("telegram", "base_url", '"api.telegram.org"'),
    ("telegram", "bot_username", '"cchc bot/x"'),
    ("telegram", "webhook_listen", '"127.0.0.1; rm"'),
    ("telegram", "webhook_path", '"/tele gram"'),
    ("zalo", "base_url", '"bot-api.zaloplatforms.com"'),
    ("zalo", "public_image_url", '"img.example.gov.vn"'),
    ("zalo", "webhook_path", '"zalo"'),
    ("zalo", "group_allow", '[""]'),
    ("reminders", "quiet_start", '"25:00"'),
    ("reminders", "offsets_days", "[7, 'x']"),
    ("schedule", "reminders", '"0 8 * *"'),
    ("schedule", "digests", '"30 7 * * 1"'),
    ("console", "account", '""'),
]
SECRETS = {"token", "webhook_secret"}


def write(tmp_path: Path, section: str, key: str, value: str, language: str = "") -> Path:
    path = tmp_path / "config.toml"
    lines = [f'[bot]\ndefault_language = "{language}"\n'] if language else []
    if language and section == "bot":
        lines = [f'[bot]\ndefault_language = "{language}"\n{key} = {value}\n']
    else:
        lines.append(f"[{section}]\n{key} = {value}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


@pytest.mark.parametrize(("section", "key", "value"), generated() + HAND_WRITTEN)
def test_a_bad_value_is_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, key: str, value: str
) -> None:
    status = main(["--config", str(write(tmp_path, section, key, value)), "db", "upgrade"])
    line = one_line(capsys)
    assert status == 2
    assert f"[{section}].{key}" in line, line
    assert line.startswith("cchc-bot: lỗi cấu hình:"), line  # Vietnamese unless the file asks for English
    assert not (tmp_path / "var").exists()  # stopped before touching the database


def test_a_number_out_of_range_names_its_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(write(tmp_path, "telegram", "webhook_port", "70000")), "db", "upgrade"]) == 2
    assert one_line(capsys) == (
        f"cchc-bot: lỗi cấu hình: {tmp_path / 'config.toml'}: "
        "[telegram].webhook_port phải là số nguyên từ 1 đến 65535, đang đặt là 70000"
    )


def test_the_line_is_english_when_the_configuration_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bot", "invite_ttl_hours", "100000000000", language="en")
    assert main(["--config", str(path), "invite", "LS.SNV", "quantri"]) == 2
    assert one_line(capsys).endswith(
        f"configuration error: {path}: [bot].invite_ttl_hours must be a whole number from 1 to 8760, got 100000000000"
    )


@pytest.mark.parametrize("key", sorted(SECRETS))
@pytest.mark.parametrize("section", ["telegram", "zalo"])
def test_a_bad_secret_is_never_repeated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, key: str
) -> None:
    secret = "a b-" + "x" * 20 if key == "webhook_secret" else "12345"
    value = f'"{secret}"' if key == "webhook_secret" else "12345"  # a token that is no string
    assert main(["--config", str(write(tmp_path, section, key, value)), "db", "upgrade"]) == 2
    line = one_line(capsys)
    assert f"[{section}].{key}" in line and secret not in line


def test_an_environment_override_is_checked_like_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(configuration.ConfigError) as bad:
        configuration.load(None, environ={"CCHC_TELEGRAM_WEBHOOK_SECRET": "a b"})
    assert "[telegram].webhook_secret" in str(bad.value) and "a b" not in str(bad.value)


def test_the_example_file_loads_unchanged() -> None:
    example = configuration.load(ROOT / "config.example.toml", environ={})
    assert example.model_dump(exclude={"source"}) == Config().model_dump(exclude={"source"})


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [("telegram", "webhook_port", "70000"), ("reminders", "offsets_days", "[100000000]")],
)
def test_the_installed_command_says_it_in_one_line(tmp_path: Path, section: str, key: str, value: str) -> None:
    """The real entry point, in its own process: what an operator sees."""
    path = write(tmp_path, section, key, value)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(path), "jobs", "run", "reminders"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert f"[{section}].{key}" in done.stderr


@pytest.mark.parametrize("kind", ["missing", "folder", "not UTF-8", "not TOML"])
def test_a_config_file_that_cannot_be_read_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "config.toml"
    if kind == "folder":
        path.mkdir()
    elif kind == "not UTF-8":
        path.write_bytes(b"[bot]\ndefault_language = '\xff\xfe'\n")
    elif kind == "not TOML":
        path.write_text("[bot\n", encoding="utf-8")
    assert main(["--config", str(path), "db", "upgrade"]) == 2
    assert one_line(capsys).startswith(f"cchc-bot: lỗi cấu hình: {path}: ")
