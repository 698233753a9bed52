"""Vietnam's working calendar (``models/calendar.py``) and the quiet hours on it (``models/quiet.py``):
Tết Nguyên đán 2027 (06/02/2027; days off 04/02–10/02), Giỗ Tổ Hùng Vương (16/04/2027), the days the
government swaps in ``[calendar]``, and the next moment a non-urgent push may go out."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from pydantic import ValidationError

from models import DEFAULT_TZ
from models.calendar import CalendarConfig, WorkCalendar
from models.quiet import QuietHours
from models.settings import Config

VN = WorkCalendar()


def test_tet_2027_is_nine_days_off_from_the_29th_to_the_fifth_day() -> None:
    off = [day for day in (date(2027, 2, d) for d in range(1, 15)) if not VN.is_working_day(day)]
    assert off == [date(2027, 2, d) for d in range(4, 11)] + [date(2027, 2, 13), date(2027, 2, 14)]


def test_public_holidays_and_weekends_are_days_off() -> None:
    assert not VN.is_working_day(date(2027, 4, 16))  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    assert not VN.is_working_day(date(2027, 4, 30)) and not VN.is_working_day(date(2027, 5, 3))  # 1/5 on a Saturday
    assert not VN.is_working_day(date(2027, 9, 2)) and not VN.is_working_day(date(2027, 9, 3))  # Quốc khánh, +1 day
    assert not VN.is_working_day(date(2027, 1, 1))
    assert not VN.is_working_day(date(2027, 1, 9))  # a Saturday
    assert VN.is_working_day(date(2027, 4, 15)) and VN.is_working_day(date(2027, 2, 11))


def test_a_reminder_day_moves_earlier_over_tet_and_a_push_waits_for_the_first_day_back() -> None:
    assert VN.last_working_day_before(date(2027, 2, 8)) == date(2027, 2, 3)
    assert VN.on_or_before(date(2027, 2, 6)) == date(2027, 2, 3)
    assert VN.on_or_before(date(2027, 2, 3)) == date(2027, 2, 3)
    assert VN.next_working_day(date(2027, 2, 3)) == date(2027, 2, 11)
    assert VN.on_or_after(date(2027, 2, 5)) == date(2027, 2, 11)
    assert VN.last_working_day_before(date(2027, 4, 16)) == date(2027, 4, 15)


def test_working_days_are_counted_after_today_up_to_the_deadline() -> None:
    # from Monday 01/02/2027 to Friday 12/02/2027: 02, 03 (then Tết), 11, 12
    assert VN.working_days_between(date(2027, 2, 1), date(2027, 2, 12)) == 4
    assert VN.days_left(date(2027, 2, 1), date(2027, 2, 12), working=False) == 11
    assert VN.working_days_between(date(2027, 2, 12), date(2027, 2, 1)) == 0


def test_the_days_the_government_adds_or_swaps_win_over_the_package() -> None:
    config = CalendarConfig.model_validate({"days_off": ["2027-02-11"], "working_days": [date(2027, 1, 30)]})
    swapped = config.work_calendar()
    assert not swapped.is_working_day(date(2027, 2, 11))  # an extra day after Tết
    assert swapped.is_working_day(date(2027, 1, 30))  # the Saturday worked for it
    assert swapped.next_working_day(date(2027, 2, 3)) == date(2027, 2, 12)
    weekends_only = CalendarConfig(holidays=False).work_calendar()
    assert weekends_only.is_working_day(date(2027, 2, 8)) and not weekends_only.is_working_day(date(2027, 2, 6))


def test_a_calendar_section_with_a_bad_date_is_refused() -> None:
    with pytest.raises(ValidationError):
        Config.model_validate({"calendar": {"days_off": ["2027-02-30"]}})
    with pytest.raises(ValidationError):
        Config.model_validate({"calendar": {"day_off": ["2027-02-11"]}})


def test_quiet_hours_keep_non_urgent_pushes_for_the_first_working_morning_after_tet() -> None:
    quiet = QuietHours(time(21), time(7), False, DEFAULT_TZ, VN)
    on_eve = datetime(2027, 2, 3, 22, 0, tzinfo=DEFAULT_TZ)
    assert quiet.next_allowed(on_eve) == datetime(2027, 2, 11, 7, 0, tzinfo=DEFAULT_TZ)
    assert not quiet.allows(datetime(2027, 4, 16, 10, 0, tzinfo=DEFAULT_TZ))  # Giỗ Tổ
    assert quiet.allows(datetime(2027, 4, 15, 10, 0, tzinfo=DEFAULT_TZ))
    plain = QuietHours(time(21), time(7), False, DEFAULT_TZ)  # no calendar: weekends only, as before
    assert plain.allows(datetime(2027, 2, 8, 10, 0, tzinfo=DEFAULT_TZ))
