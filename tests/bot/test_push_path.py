"""The bot's push sender: merged pushes under one header, plain text on the console, a broken template
is fatal (never retried), a channel this process does not run is refused; and the [dispatch], [telegram],
[zalo], [reminders] and [bot] sections as the dispatcher and python-telegram-bot's limiter receive them."""

from __future__ import annotations

import io
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import config as configuration
from bot.config import ConfigError
from bot.push_path import PushSender, dispatcher
from bot.render import Renderer
from bot.telegram.runner import telegram_limits
from jobs.sender import Item, Outgoing, Result

ALERT = {"outbox_id": 9, "kind": "deadline", "official": "Nguyễn <An>", "attempts": 8, "error": "HTTP 502"}


def outgoing(*items: Item, channel: str = "console", lang: str = "vi") -> Outgoing:
    return Outgoing(channel, "chair", 1, lang, items)


async def test_console_pushes_are_printed_merged_under_a_header() -> None:
    screen = io.StringIO()
    sender = PushSender(Renderer(), console=screen)
    outcome = await sender.send(outgoing(Item("push/dead_letter", ALERT), Item("push/dead_letter", ALERT)))
    assert outcome.result is Result.SENT
    text = screen.getvalue()
    assert "Tin nhắn chủ động gửi chair" in text and "📬 2 thông báo mới" in text
    assert text.count("Không gửi được") == 2 and "Nguyễn <An>" in text  # plain text: nothing escaped


async def test_one_push_has_no_header_and_speaks_the_officials_language() -> None:
    sender = PushSender(Renderer(), console=io.StringIO())
    text = sender.render(outgoing(Item("push/dead_letter", ALERT), lang="en"), "html")
    assert text.startswith("<b>⚠️ A push could not be delivered</b>") and "Nguyễn &lt;An&gt;" in text


async def test_a_broken_template_is_fatal_and_an_absent_channel_refused() -> None:
    sender = PushSender(Renderer(), console=io.StringIO())
    assert (await sender.send(outgoing(Item("push/no_such_push", {})))).result is Result.FATAL
    assert (await sender.send(outgoing(Item("push/dead_letter", {})))).result is Result.FATAL  # missing values
    assert sender.channels == frozenset({"console"})
    assert (await sender.send(outgoing(Item("push/dead_letter", ALERT), channel="zalo"))).result is Result.FATAL


async def test_the_sections_feed_the_dispatcher_and_the_telegram_limiter() -> None:
    from bot.app import build

    config = configuration.load(None, environ={})
    config = configuration.replace(config, "database", url="sqlite+aiosqlite://")
    config = configuration.replace(config, "dispatch", in_flight=3)
    config = configuration.replace(config, "telegram", per_second=60)
    config = configuration.replace(config, "reminders", quiet_start="22:30", weekends=True)
    config = configuration.replace(config, "bot", timezone="Asia/Bangkok", default_language="en")
    app = build(config)
    try:
        sending = dispatcher(app, PushSender(Renderer(), console=io.StringIO()))
    finally:
        await app.close()
    telegram, zalo = sending.paces["telegram"].rates, sending.paces["zalo"].rates
    assert (telegram.per_second, telegram.chat_per_minute, telegram.group_per_minute) == (60, 60, 20)
    assert (zalo.per_second, zalo.chat_per_minute, zalo.group_per_minute) == (5, 30, 30)
    assert sending.dispatch.in_flight == 3 and sending.default_language == "en"
    assert sending.quiet is not None and sending.quiet.weekends and sending.quiet.start == time(22, 30)
    assert sending.quiet.tz == ZoneInfo("Asia/Bangkok")
    limits = telegram_limits(config.telegram)
    assert (limits.overall_per_second, limits.overall_burst, limits.chat_per_second) == (60, 10, 1)


def test_a_file_written_for_the_earlier_release_still_starts_with_its_rates_moved(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[dispatch]\ntelegram_per_second = 25\nzalo_chat_per_minute = 12\n", encoding="utf-8")
    config = configuration.load(path, environ={})
    assert (config.telegram.per_second, config.zalo.chat_per_minute, config.zalo.per_second) == (25, 12, 5)
    assert "[dispatch].telegram_per_second is now [telegram].per_second" in caplog.text
    path.write_text("[dispatch]\nzalo_per_second = 2\n[zalo]\nper_second = 4\n", encoding="utf-8")
    assert configuration.load(path, environ={}).zalo.per_second == 4  # the new place wins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[telegram]\nper_second = 0\n", r"\[telegram\]\.per_second must .* 1 to 1000, got 0"),
        ("[dispatch]\ntelegram_per_second = 0\n", r"\[telegram\]\.per_second must .* 1 to 1000, got 0"),  # moved key
        ("[dispatch]\nin_flight = 1.5\n", r"\[dispatch\]\.in_flight must be a whole number"),
        ("[dispatch]\nbackoff_seconds = 90\nmax_backoff_seconds = 60\n", r"\[dispatch\]\.max_backoff_seconds"),
        ("[dispatch]\nclaim_seconds = 5\n", r"\[dispatch\]\.claim_seconds must be at least twice poll_seconds"),
        ("[dispatch]\nlease_seconds = 2\n", r"\[dispatch\]\.lease_seconds must be a whole number from 3 to 3600"),
    ],
)
def test_bad_dispatch_settings_stop_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        configuration.load(path, environ={})
    assert "\n" not in str(caught.value)


def test_a_failure_reason_never_carries_the_token() -> None:
    from telegram.error import NetworkError

    from bot.push_path import why

    reason = why(
        NetworkError("httpx.ConnectError: https://api.telegram.org/bot123456789:AAFakeTokenForTestsOnly_abc/x")
    )
    assert "AAFake" not in reason and reason.startswith("NetworkError:")


async def test_the_days_one_message_goes_once_the_mornings_reminders_are_queued() -> None:
    from bot.app import build

    config = configuration.replace(configuration.load(None, environ={}), "database", url="sqlite+aiosqlite://")
    for one_a_day, reminders, end, morning in (
        (True, "0 8 * * *", time(8, 5), time(8, 5)),  # a 07:30 digest waits for the 08:00 reminders
        (True, "30 6 * * *", time(7), time(6, 35)),  # reminders before the quiet hours end: those stay
        (False, "0 8 * * *", time(7), None),
    ):
        changed = configuration.replace(config, "reminders", one_message_a_day=one_a_day)
        changed = configuration.replace(changed, "schedule", reminders=reminders)
        app = build(changed)
        try:
            sending = dispatcher(app, PushSender(Renderer(), console=io.StringIO()))
        finally:
            await app.close()
        assert sending.quiet is not None and sending.quiet.end == end
        assert sending.one_message_a_day is one_a_day and sending.morning == morning
        assert sending.quiet.calendar is not None and not sending.quiet.calendar.is_working_day(date(2027, 2, 8))


async def test_a_push_taken_for_a_colleague_on_leave_says_whose_it_is() -> None:
    sender = PushSender(Renderer(), console=io.StringIO())
    taken = ALERT | {"instead_of": {"name": "Hoàng Văn Minh", "until": "2024-06-03"}}
    text = sender.render(outgoing(Item("push/dead_letter", taken), Item("push/dead_letter", ALERT)), "text")
    assert "↪️ Nhận thay đồng chí Hoàng Văn Minh, vắng mặt đến hết ngày 03/06/2024:" in text
    assert text.count("Nhận thay") == 1  # only above the item taken for them
    english = sender.render(outgoing(Item("push/dead_letter", taken), lang="en"), "html")
    assert english.startswith("↪️ For Hoàng Văn Minh, on leave until 03/06/2024 inclusive:")
