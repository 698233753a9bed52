"""Admins look after people: list a unit's officials, revoke one (their chat gets nothing more), read
the audit log; all within their own province."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.plans import Assignment, ProgressReport
from tests.handlers.conftest import Ask, Bot


async def test_list_revoke_and_the_revoked_chat_gets_nothing(ask: Ask, bot: Bot) -> None:
    listed = await ask("/canbo MS", as_="admin")
    assert "Cán bộ đăng ký tại UBND xã Minh Sơn" in listed and "Nguyễn Văn An – cán bộ, công chức – console" in listed
    number = re.search(r"(\d+)\. Nguyễn Văn An", listed)
    assert number is not None
    assert "Nhiệm vụ" in await ask("/nhiemvu", as_="ms")  # before: the officer sees their tasks

    revoked = await ask(f"/thuhoi {number.group(1)}", as_="admin")
    assert "Đã thu hồi quyền sử dụng Trợ lý CCHC của Nguyễn Văn An" in revoked

    for line in ("/nhiemvu", "/diem", "/nhiemvu 1", "/tomtat", "1"):  # every command: only the prompt
        text = await ask(line, as_="ms")
        assert "Đồng chí chưa đăng ký sử dụng" in text and "Minh Sơn" not in text
    assert "đã thu hồi" in await ask("/canbo MS", as_="admin")
    assert "đã bị thu hồi quyền từ trước" in await ask(f"/thuhoi {number.group(1)}", as_="admin")
    log = await ask("/nhatky", as_="admin")
    assert "Trần Thị Hoa: thu hồi quyền của cán bộ Nguyễn Văn An" in log
    assert f"số {number.group(1)}" not in log and "official:" not in log


async def test_only_admins_and_only_in_their_province(ask: Ask) -> None:
    for line in ("/canbo MS", "/thuhoi 1", "/nhatky"):
        assert "không dành cho vai trò của đồng chí" in await ask(line, as_="leader")
    assert "Không có cán bộ số 999999" in await ask("/thuhoi 999999", as_="admin")
    assert "Cách dùng: /thuhoi" in await ask("/thuhoi abc", as_="admin")
    assert "Cách dùng: /canbo" in await ask("/canbo", as_="admin")
    unknown = await ask("/canbo XYZ", as_="admin")
    assert "Không tìm thấy đơn vị “XYZ”" in unknown and "ví dụ: /canbo " in unknown and "/moi" not in unknown
    listed = await ask("/canbo SNV", as_="admin")
    own = re.search(r"(\d+)\. Trần Thị Hoa", listed)
    assert own is not None
    assert "không thể tự thu hồi" in await ask(f"/thuhoi {own.group(1)}", as_="admin")


async def test_the_audit_log_shows_progress_reports_and_invites(ask: Ask) -> None:
    await ask("/capnhat 1 80 đã trình", as_="ms")
    await ask("/moi MS canbo Phạm Văn Cường", as_="admin")
    log = await ask("/nhatky", as_="admin")
    said = (
        "Nguyễn Văn An: báo cáo tiến độ nhiệm vụ số 1 (kế hoạch năm 2024), UBND xã Minh Sơn, huyện Hữu Lũng: 40% → 80%"
    )
    assert said in log
    assert "Trần Thị Hoa: tạo mã mời" in log
    assert "assignment:" not in log
    await ask("/ngonngu en", as_="admin")
    english = await ask("/nhatky", as_="admin")
    assert (
        "Nguyễn Văn An: progress report on task no. 1 (2024 plan), "
        "Minh Sơn Commune People's Committee, Hữu Lũng District: 40% → 80%"
    ) in english


async def test_the_audit_log_says_when_a_reported_task_no_longer_exists(
    ask: Ask, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await ask("/capnhat 1 80 đã trình", as_="ms")
    async with sessions() as session, session.begin():
        reported = (await session.execute(select(ProgressReport))).scalars().all()
        for report in reported:
            await session.delete(report)
        await session.execute(delete(Assignment).where(Assignment.id.in_([r.assignment_id for r in reported])))
    log = await ask("/nhatky", as_="admin")
    assert "báo cáo tiến độ 40% → 80% của một nhiệm vụ đã bị xóa khỏi kế hoạch" in log
    assert "assignment:" not in log
