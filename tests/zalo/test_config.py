"""The [zalo] settings: defaults, and one line naming the key for each bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import config as configuration
from bot.config import ConfigError


def load(tmp_path: Path, text: str) -> configuration.Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return configuration.load(path, environ={})


def test_defaults_and_the_environment() -> None:
    config = configuration.load(None, environ={"CCHC_ZALO_TOKEN": "123:abc", "CCHC_ZALO_WEBHOOK_SECRET": "s" * 10})
    zalo = config.zalo
    assert zalo.base_url == "https://bot-api.zaloplatforms.com"
    assert (zalo.token, zalo.webhook_secret, zalo.groups, zalo.markdown) == ("123:abc", "s" * 10, False, False)
    assert zalo.monthly_budget == 3000


def test_the_example_file_loads() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    assert configuration.load(example, environ={}).zalo.mode == "polling"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('webhook_secret = "short"', "[zalo].webhook_secret"),
        ('webhook_secret = "has space in it"', "[zalo].webhook_secret"),
        ("poll_timeout = 0", "[zalo].poll_timeout"),
        ('base_url = "bot-api.zaloplatforms.com"', "[zalo].base_url"),
        ('public_image_url = "img.example.gov.vn"', "[zalo].public_image_url"),
        ('mode = "webhook"\ntoken = "1:a"', "[zalo] webhook mode"),
        ('webhook_public_url = "http://bot.example.gov.vn"', "[zalo].webhook_public_url"),
        ("monthly_budget = 0", "[zalo].monthly_budget"),
        ("budget_warn_percent = 120", "[zalo].budget_warn_percent"),
        ('group_allow = [""]', "[zalo].group_allow"),
        ("webhook_port = 70000", "[zalo].webhook_port"),
        ('webhook_path = "zalo"', "[zalo].webhook_path"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")) as bad:
        load(tmp_path, f"[zalo]\n{text}\n")
    assert "\n" not in str(bad.value)
