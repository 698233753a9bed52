"""Configuration: defaults, the example file, environment overrides, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_use_sqlite_and_vietnam_time() -> None:
    config = load(None, environ={})
    assert config.database.url.startswith("sqlite+aiosqlite://")
    assert config.bot.timezone == "Asia/Ho_Chi_Minh"
    assert config.bot.default_language == "vi"


def test_example_file_is_valid_and_complete() -> None:
    config = load(ROOT / "config.example.toml", environ={})
    assert config.reminders.offsets_days == [7, 3, 1, 0]
    assert config.telegram.token == ""


def test_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key \[bot\]\.langauge"):
        load(write(tmp_path, '[bot]\nlangauge = "vi"\n'), environ={})


def test_unknown_section_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown section \[telegarm\]"):
        load(write(tmp_path, "[telegarm]\n"), environ={})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[bot]\ndue_soon_days = "ba"\n', r"\[bot\]\.due_soon_days must be a whole number"),
        ('[bot]\ndefault_language = "fr"\n', r"\[bot\]\.default_language must be one of vi, en"),
        ('[bot]\ntimezone = "Asia/Hanoi_City"\n', r"\[bot\]\.timezone .* not a known time zone"),
        ('[database]\nurl = "mysql://x"\n', r"\[database\]\.url must start with"),
        ("[database]\nmessages_at_once = 0\n", r"\[database\]\.messages_at_once must be .* 1 to 64, got 0"),
        ('[reminders]\nquiet_start = "25:00"\n', r"\[reminders\]\.quiet_start must be HH:MM"),
        ("[reminders]\noffsets_days = [7, 'x']\n", r"\[reminders\]\.offsets_days must be a list of whole numbers"),
        ("[bot\n", "not valid TOML"),
    ],
)
def test_bad_value_stops_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load(write(tmp_path, text), environ={})
    assert "\n" not in str(caught.value)


def test_environment_overrides_secrets(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "from-file"\n')
    config = load(path, environ={"CCHC_TELEGRAM_TOKEN": "from-env", "CCHC_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert config.telegram.token == "from-env"
    assert config.database.url == "sqlite+aiosqlite:///x.db"


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load(tmp_path / "nope.toml", environ={})


def test_a_bad_database_url_is_named_without_its_password(tmp_path: Path) -> None:
    for text in ('url = "mysql://cchc:hunter2@db/cchc"', 'url = ["postgresql+asyncpg://cchc:hunter2@db/cchc"]'):
        with pytest.raises(ConfigError, match=r"\[database\]\.url must") as caught:
            load(write(tmp_path, f"[database]\n{text}\n"), environ={})
        assert "hunter2" not in str(caught.value)
    with pytest.raises(ConfigError, match=r"\[bot\]\.page_size") as caught:
        load(write(tmp_path, "[bot]\npage_size = 51\n"), environ={})
    assert "51" in str(caught.value)  # a value that is no secret is repeated


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[zalo_oa]\napp_id = "1"\n', r"\[zalo_oa\] with an app_id also needs oa_id"),
        ("[zalo_oa.zns]\nhours_from = 22\nhours_until = 6\n", r"hours_until must be greater than hours_from"),
        ('[zalo_oa.zns.templates.digest_unit]\ntemplate_id = "1"\n', r"only for the urgent kinds"),
        ('[zalo_oa.zns.templates.deadline]\ntemplate_id = "abc"\n', r"must be a ZNS template id"),
    ],
)
def test_a_wrong_zalo_oa_setting_stops_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load(write(tmp_path, '[bot]\ndefault_language = "en"\n' + text), environ={})
    assert "\n" not in str(caught.value)


def test_zalo_oa_secrets_come_from_the_environment() -> None:
    environ = {"CCHC_ZALO_OA_APP_SECRET": "a", "CCHC_ZALO_OA_SECRET_KEY": "b", "CCHC_ZALO_OA_REFRESH_TOKEN": "c"}
    oa = load(None, environ=environ).zalo_oa
    assert (oa.app_secret, oa.oa_secret_key, oa.refresh_token, oa.enabled) == ("a", "b", "c", False)
