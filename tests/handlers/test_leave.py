"""/vangmat on 01/06/2024 (the frozen clock): one's own leave with or without a stand-in, shown and cancelled;
the admin version for another official within the province; each bad input refused in one line, in both
languages; /canbo and /nhatky show it."""

from __future__ import annotations

import re

from tests.handlers.conftest import Ask, Bot


async def _number(ask: Ask, name: str, unit: str = "MS") -> str:
    listed = await ask(f"/canbo {unit}", as_="admin")
    found = re.search(rf"(\d+)\. {name}", listed)
    assert found is not None, listed
    return found.group(1)


async def test_own_leave_with_a_stand_in_is_recorded_shown_and_cancelled(ask: Ask) -> None:
    ms = await _number(ask, "Nguyễn Văn An")
    saved = await ask(f"/vangmat 05/06 10/06 {ms}", as_="head")  # a stand-in in a unit below: the head sees it
    assert "Đã ghi nhận: đồng chí vắng mặt từ ngày 05/06/2024 đến hết ngày 10/06/2024." in saved
    assert "gửi tới đồng chí Nguyễn Văn An" in saved and "/vangmat huy" in saved
    assert "Cán bộ thay: Nguyễn Văn An." in await ask("/vangmat", as_="head")
    listed = await ask("/canbo HL", as_="admin")
    assert "vắng mặt từ ngày 05/06/2024 đến hết ngày 10/06/2024, cán bộ thay: Nguyễn Văn An" in listed
    assert "ghi nhận cán bộ Vi Văn Hùng vắng mặt 05/06/2024 – 10/06/2024" in await ask("/nhatky", as_="admin")
    assert "Đã hủy lịch vắng mặt của đồng chí." in await ask("/vangmat huy", as_="head")
    assert "không có lịch vắng mặt nào." in await ask("/vangmat", as_="head")
    head = await _number(ask, "Vi Văn Hùng", "HL")
    assert "Không tìm thấy cán bộ thay" in await ask(f"/vangmat 05/06 10/06 {head}")  # above the officer: not theirs


async def test_a_leave_without_stand_in_names_the_units_others_and_a_new_one_replaces_it(ask: Ask) -> None:
    saved = await ask("vắng mặt 2/6 3/6")
    assert "02/06/2024 đến hết ngày 03/06/2024" in saved and "các cán bộ khác của UBND xã Minh Sơn" in saved
    await ask("/vangmat 01/06/2024 04/06/2024")  # replaces the one not yet ended
    assert "từ ngày 01/06/2024 đến hết ngày 04/06/2024" in await ask("/vangmat")
    ended = await ask("/vangmat huy")  # begun today: it ends yesterday, the official is back today
    assert "Đã kết thúc lịch vắng mặt: đồng chí nhận lại nhắc việc từ hôm nay." in ended
    assert "không có lịch vắng mặt nào." in await ask("/vangmat")


async def test_a_year_is_guessed_from_today_and_an_end_before_the_start_is_next_year(ask: Ask) -> None:
    assert "từ ngày 28/12/2024 đến hết ngày 03/01/2025" in await ask("/vangmat 28/12 03/01")


async def test_bad_input_is_refused_in_one_line_in_both_languages(ask: Ask, bot: Bot) -> None:
    cases = {
        "/vangmat 31/02 05/03": "“31/02” không phải là ngày",
        "/vangmat 05/06": "Cách dùng: /vangmat",
        "/vangmat 10/06 05/06/2024": "Ngày kết thúc 05/06/2024 trước ngày bắt đầu 10/06/2024.",
        "/vangmat 01/05/2024 10/05/2024": "Ngày kết thúc 10/05/2024 đã qua",
        "/vangmat 01/06/2024 01/06/2026": "dài quá 366 ngày",
        "/vangmat 05/06 06/06 Không Có Ai": "Không tìm thấy cán bộ thay “khong co ai”",
        "/vangmat huy": "không có lịch vắng mặt nào để hủy",
        "/vangmat canbo abc": "Cách dùng: /vangmat",
    }
    for line, said in cases.items():
        text = await ask(line)
        assert said in text, (line, text)
        assert len(text.strip().splitlines()) == 1 and "Traceback" not in text
    await ask("/ngonngu en")
    assert "“31/02” is not a date" in await ask("/vangmat 31/02 05/03")
    assert "The end, 05/06/2024, is before the start, 10/06/2024." in await ask("/vangmat 10/06 05/06/2024")


async def test_the_admin_records_and_cancels_anothers_leave_in_the_province_only(ask: Ask) -> None:
    ms = await _number(ask, "Nguyễn Văn An")
    saved = await ask(f"/vangmat canbo {ms} 05/06 07/06 Lê Thị", as_="admin")
    assert "Không tìm thấy cán bộ thay" in saved  # a name is looked up in the absent official's unit only
    yt = await _number(ask, "Lê Thị Bình", "YT")
    saved = await ask(f"/vangmat canbo {ms} 05/06 07/06 {yt}", as_="admin")
    assert "Đã ghi nhận: đồng chí Nguyễn Văn An vắng mặt từ ngày 05/06/2024" in saved
    assert f"/vangmat canbo {ms} huy" in saved
    assert "Cán bộ thay: Lê Thị Bình." in await ask("/vangmat")  # the official sees it
    assert "Đã hủy lịch vắng mặt của đồng chí Nguyễn Văn An." in await ask(f"/vangmat canbo {ms} huy", as_="admin")
    assert "Không có cán bộ số 999999" in await ask("/vangmat canbo 999999 05/06 07/06", as_="admin")
    assert "không" in (await ask(f"/vangmat canbo {ms} 05/06 07/06", as_="yt")).lower()  # an officer: refused
