"""The early warning on 01/06/2024 (the frozen clock): /nhiemvu nguyco lists the open tasks due within two
weeks that the rule flags, with why, as far as the asker sees; the leader's /tomtat names them; /capnhat asks
the unit's own word with one tap, and the warning then says it."""

from __future__ import annotations

from tests.handlers.conftest import Ask, Bot

TASK_2 = "Nhiệm vụ số 2: Số hóa hồ sơ một cửa (hạn 15/06/2024)"


async def test_a_units_tasks_at_risk_with_the_reasons_in_words(ask: Ask) -> None:
    text = await ask("/nhiemvu nguyco")
    assert "Nhiệm vụ có nguy cơ chậm – UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert f"{TASK_2} – Xã Minh Sơn: còn 14 ngày, chưa có tiến độ, chưa báo cáo lần nào." in text
    assert "Yên Thịnh" not in text  # another commune's part: not the officer's to see
    assert "Rà soát thủ tục" not in text  # overdue already: /nhiemvu quahan says it, not the warning
    province = await ask("nhiem vu nguy co", as_="leader")  # the province's tasks, each once by its lead unit
    assert "UBND tỉnh Lạng Sơn" in province and TASK_2 in province and "Yên Thịnh" not in province


async def test_the_leaders_one_screen_names_the_tasks_at_risk(ask: Ask) -> None:
    text = await ask("/tomtat", as_="leader")
    assert "Nhiệm vụ có nguy cơ chậm trong 14 ngày tới" in text
    assert "UBND xã Minh Sơn, huyện Hữu Lũng – nhiệm vụ số 2, hạn 15/06/2024: còn 14 ngày, chưa có tiến độ" in text


async def test_the_units_own_word_is_asked_with_one_tap_and_said_by_the_warning(ask: Ask, bot: Bot) -> None:
    saved = await ask("/capnhat 2 30 đang số hóa")
    assert "So với kế hoạch, tiến độ của đơn vị thế nào? Đồng chí chọn một:" in saved
    taps = {b.data.split()[-1]: b.data for b in bot.buttons()}
    assert set(taps) == {"dungtiendo", "nguyco", "cham"}
    forged = await ask(taps["cham"], as_="yt")  # another unit's report: refused, nothing stored
    assert "Đã ghi nhận" not in forged
    assessed = await ask(callback=taps["cham"])
    assert "Đã ghi nhận đánh giá của đơn vị về nhiệm vụ số 2: Chậm." in assessed
    assert "đơn vị tự đánh giá chậm" in await ask("/nhiemvu nguyco")
    assert "Đề nghị chọn một trong ba" in await ask("/capnhat danhgia 1 nhanh")
    done = await ask("/capnhat 2 100")
    assert "Đồng chí chọn một" not in done and not bot.buttons()  # done: nothing to assess


async def test_the_warning_in_english(ask: Ask) -> None:
    await ask("/ngonngu en")
    text = await ask("/nhiemvu nguyco")
    assert "14 days left, no progress yet, never reported." in text
