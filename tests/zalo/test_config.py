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


def test_a_single_token_is_one_bot_named_default(tmp_path: Path) -> None:
    config = load(tmp_path, '[zalo]\ntoken = "123:abc"\n')
    (bot,) = config.zalo.all_bots()
    assert (bot.name, bot.webhook_path, bot.max_users, bot.budget_file) == (
        "default",
        "/zalo",
        50,
        "var/zalo-budget.json",
    )
    assert config.zalo.bot_named("") == bot and config.zalo.bot_named("gone") is None
    assert "123:abc" not in repr(bot)


def test_several_bots_each_with_its_path_budget_file_and_secret(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        '[zalo]\ntoken = "1:a"\nwebhook_secret = "shared-secret"\n'
        '[[zalo.bots]]\nname = "huyen-a"\ntoken = "2:b"\nmax_users = 40\nlink = "https://zalo.me/2"\n'
        '[[zalo.bots]]\nname = "huyen-b"\ntoken = "3:c"\nwebhook_secret = "own-secret-b"\nwebhook_path = "/zb"\n',
    )
    default, a, b = config.zalo.all_bots()
    assert (default.name, a.name, b.name) == ("default", "huyen-a", "huyen-b")
    assert (a.webhook_path, a.webhook_secret, a.max_users, a.link) == (
        "/zalo/huyen-a",
        "shared-secret",
        40,
        "https://zalo.me/2",
    )
    assert (b.webhook_path, b.webhook_secret) == ("/zb", "own-secret-b")
    assert a.budget_file == "var/zalo-budget-huyen-a.json"
    assert config.zalo.bot_named("default") == default and config.zalo.bot_named("huyen-b") == b


def test_bots_without_a_single_token_start_with_the_first_entry(tmp_path: Path) -> None:
    config = load(tmp_path, '[zalo]\n[[zalo.bots]]\nname = "tinh"\ntoken = "2:b"\n')
    assert config.zalo.enabled and config.zalo.bot_named("default") == config.zalo.all_bots()[0]


BOT = '[[zalo.bots]]\nname = "huyen-a"\ntoken = "2:SecretTokenB"\n'


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('token = "1:a"\n' + BOT + 'name = "huyen-a"\n', "toml"),  # a key twice: not TOML
        ('token = "1:a"\n' + BOT + BOT, "the same name"),
        ('token = "2:SecretTokenB"\n' + BOT, "the same token"),
        (BOT + "max_users = 0\n", '[[zalo.bots]] "huyen-a".max_users'),
        (BOT + 'colour = "red"\n', '[[zalo.bots]] "huyen-a".colour'),
        ('[[zalo.bots]]\nname = "Huyện A"\ntoken = "2:b"\n', '"Huyện A".name'),
        ('[[zalo.bots]]\nname = "a"\n', '[[zalo.bots]] "a".token is missing'),
        (BOT + 'webhook_secret = "short"\n', '[[zalo.bots]] "huyen-a".webhook_secret'),
        (BOT + 'link = "zalo.me/x"\n', '[[zalo.bots]] "huyen-a".link'),
        ('bots = "x"\n', "[zalo].bots"),
        (
            'mode = "webhook"\nwebhook_public_url = "https://bot.example.gov.vn"\n' + BOT,
            "a webhook_secret for every bot",
        ),
        (
            'mode = "webhook"\nwebhook_public_url = "https://x.vn"\nwebhook_secret = "abcdefgh"\ntoken = "1:a"\n'
            + BOT
            + 'webhook_path = "/zalo"\n',
            "the same webhook_path",
        ),
    ],
)
def test_bad_bot_lines_are_one_line_without_the_token(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError) as bad:
        load(tmp_path, f"[zalo]\n{text}")
    line = str(bad.value)
    assert said.lower() in line.lower() and "\n" not in line
    assert "SecretTokenB" not in line
