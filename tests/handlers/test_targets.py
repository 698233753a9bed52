"""/chitieu: the programme's targets met, each target against its latest value, one target's history."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers.targets  # noqa: F401  (registers /chitieu)
from models import Official
from tests.handlers._scores_fixtures import Province, ask, router


async def test_programme_counts_targets_met_as_of_the_latest_measurement(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.chair, "chỉ tiêu")
    assert "Nghị quyết 60-NQ/TU: 10/18 chỉ tiêu đạt và vượt (31/03/2024)" in text
    assert "5. Tỷ lệ hồ sơ TTHC được số hóa: 86% — đạt mục tiêu: từ 80% trở lên" in text
    assert "11. Chỉ tiêu 11: 90% — chưa đạt mục tiêu: 100%" in text
    assert "17. Chỉ tiêu 17: chưa có kết quả để so với mục tiêu: 100%" in text
    assert "chưa có số liệu" not in text
    assert "Thái Nguyên" not in text


async def test_one_target_with_its_measurements_over_time(
    sessions: async_sessionmaker[AsyncSession], ls: Province
) -> None:
    text = await ask(router(sessions), ls.officer, "/chitieu 5")
    assert "Nghị quyết 60-NQ/TU — chỉ tiêu 5" in text
    assert "Giai đoạn 2021–2030; mục tiêu: từ 80% trở lên." in text
    lines = text.splitlines()
    assert lines[-3:] == ["• 01/01/2023: 5,6% — chưa đạt", "• 31/12/2023: 86% — đạt", "• 31/03/2024: 86% — đạt"]


async def test_unknown_target_number_says_which_exist(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    text = await ask(router(sessions), ls.chair, "/chitieu 99")
    assert "Không có chỉ tiêu số 99. Các chỉ tiêu: từ 1 đến 18" in text


async def test_in_english(sessions: async_sessionmaker[AsyncSession], ls: Province) -> None:
    async with sessions() as session:
        chair = await session.get(Official, ls.chair.id)
        assert chair is not None
        chair.language = "en"
        await session.commit()
    text = await ask(router(sessions), ls.chair, "/targets")
    assert "Nghị quyết 60-NQ/TU: 10/18 targets met or exceeded (31/03/2024)" in text
    assert "5. Tỷ lệ hồ sơ TTHC được số hóa: 86% — target met: at least 80%" in text
    assert "17. Chỉ tiêu 17: no result yet to compare with the target: 100%" in text
