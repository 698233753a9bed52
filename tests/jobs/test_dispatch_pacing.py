"""Flood limits and quiet hours as pure rules, on an injected clock: the overall rate, a chat's own
rate, groups' slower rate, the pause after a 429 (by bot); nights and weekends in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from jobs.pacing import Pace, Rates
from models import DEFAULT_TZ
from models.quiet import QuietHours

TELEGRAM = Rates(per_second=30, chat_per_minute=60, group_per_minute=20)


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_at_once_then_sends_are_spaced_at_the_rate() -> None:
    ticks = Ticks()
    pace = Pace(TELEGRAM, monotonic=ticks)
    waits = [pace.reserve(str(chat)) for chat in range(90)]
    assert waits[:27] == [0.0] * 27  # a tenth of Telegram's burst of 30 kept for jitter
    assert waits[27] == pytest.approx(1 / 30) and waits[89] == pytest.approx(63 / 30)
    # sending each at its slot, the 63 after the burst take 2.1 s: the rate is the limit, not less


def test_a_chat_gets_a_small_burst_then_one_message_a_second() -> None:
    ticks = Ticks()
    pace = Pace(TELEGRAM, monotonic=ticks)
    for _ in range(2):
        assert pace.chat_wait("42") == 0
        pace.reserve("42")
    assert pace.chat_wait("42") == pytest.approx(1.0)
    ticks.now += 1.0
    assert pace.chat_wait("42") == 0


def test_groups_get_twenty_messages_a_minute() -> None:
    ticks = Ticks()
    pace = Pace(TELEGRAM, monotonic=ticks)
    for _ in range(2):
        pace.reserve("-100500")
    assert pace.chat_wait("-100500") == pytest.approx(3.0)  # 60 s / 20


def test_a_429_pauses_the_bot_that_was_refused() -> None:
    ticks = Ticks()
    pace = Pace(TELEGRAM, monotonic=ticks)
    pace.pause(5)
    assert pace.paused_for() == pytest.approx(5)
    pace.pause(300, "a")  # Zalo: bot "a" over its quota; bot "b" and the channel's first bot go on
    assert pace.paused_for("a") == pytest.approx(300) and pace.paused_for("b") == 0
    ticks.now += 5
    assert pace.paused_for() == 0 and pace.paused_for("a") == pytest.approx(295)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=DEFAULT_TZ)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (local(2024, 6, 3, 20, 59), local(2024, 6, 3, 20, 59)),  # Monday evening: allowed
        (local(2024, 6, 3, 21, 0), local(2024, 6, 4, 7, 0)),  # quiet: tomorrow 07:00
        (local(2024, 6, 4, 3, 30), local(2024, 6, 4, 7, 0)),  # after midnight: this morning
        (local(2024, 6, 7, 22, 0), local(2024, 6, 10, 7, 0)),  # Friday night: Monday morning
        (local(2024, 6, 8, 12, 0), local(2024, 6, 10, 7, 0)),  # Saturday noon
    ],
)
def test_next_allowed_moment(moment: datetime, allowed: datetime) -> None:
    assert QuietHours().next_allowed(moment) == allowed


def test_quiet_hours_are_read_in_the_configured_zone() -> None:
    utc_evening = datetime(2024, 6, 3, 14, 30, tzinfo=DEFAULT_TZ).astimezone(tz=None)
    assert not QuietHours(start=time(21), end=time(7)).allows(utc_evening + timedelta(hours=7))  # 21:30 local


def test_weekends_allowed_and_no_night() -> None:
    hours = QuietHours(start=time(0), end=time(0), weekends=True)
    assert hours.allows(local(2024, 6, 8, 23, 0))
    assert QuietHours(weekends=True).next_allowed(local(2024, 6, 8, 23, 0)) == local(2024, 6, 9, 7, 0)
