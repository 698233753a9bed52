"""/start with invite codes, /help by role, /ngonngu, and /moi (admins create invites)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AuditEntry, ChatAccount, FrozenClock, Invite, Official, Role, Unit
from models.queries.accounts import CODE_ALPHABET, create_invite
from tests.handlers.conftest import NOW, Ask, Bot

CODE = re.compile(r"Mã mời: ([A-Z0-9]+)")


async def _invite(ask: Ask, line: str = "MS canbo Phạm Văn Cường") -> str:
    text = await ask(f"/moi {line}", as_="admin")
    found = CODE.search(text)
    assert found, text
    return found.group(1)


async def test_admin_invite_prints_code_expiry_and_deep_link(ask: Ask) -> None:
    text = await ask("/moi MS canbo Phạm Văn Cường", as_="admin")
    code = CODE.search(text)
    assert code and len(code.group(1)) >= 8 and set(code.group(1)) <= set(CODE_ALPHABET)
    assert "Đơn vị: UBND xã Minh Sơn, huyện Hữu Lũng" in text
    assert "Vai trò: cán bộ, công chức" in text
    assert "Người được mời: Phạm Văn Cường" in text
    assert "Hiệu lực đến: 09:00 04/06/2024" in text
    assert f"https://t.me/cchc_bot?start={code.group(1)}" in text


async def test_invite_accepts_unit_names_and_two_word_roles(ask: Ask) -> None:
    text = await ask("/moi Xã Yên Thịnh thủ trưởng", as_="admin")
    assert "Đơn vị: UBND xã Yên Thịnh, huyện Hữu Lũng" in text
    assert "Vai trò: thủ trưởng đơn vị" in text
    assert "Vai trò: lãnh đạo tỉnh" in await ask("/moi LS leader", as_="admin")


async def test_invite_with_unknown_role_or_unit_explains(ask: Ask) -> None:
    text = await ask("/moi MS giamdoc", as_="admin")
    assert "Vai trò: canbo, thutruong, lanhdao, quantri" in text
    assert "Không tìm thấy đơn vị «XYZ»" in await ask("/moi XYZ canbo", as_="admin")


async def test_only_admins_may_invite(ask: Ask) -> None:
    assert "Lệnh /moi không dành cho vai trò của đồng chí" in await ask("/moi MS canbo", as_="leader")


async def test_redeemed_invite_registers_the_official(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    code = await _invite(ask)
    text = await ask(f"/start {code}", as_="new1")
    assert "Chào mừng đồng chí Phạm Văn Cường (UBND xã Minh Sơn, huyện Hữu Lũng)" in text
    assert "/nhiemvu" in text
    async with sessions() as session:
        official = (await session.execute(select(Official).where(Official.full_name == "Phạm Văn Cường"))).scalar_one()
        assert (official.role, official.unit_id) == (Role.OFFICER, province["MS"])
        account = (await session.execute(select(ChatAccount).where(ChatAccount.external_id == "new1"))).scalar_one()
        assert (account.official_id, account.display_name) == (official.id, "Tài khoản new1")
        invite = (await session.execute(select(Invite).where(Invite.code == code))).scalar_one()
        assert invite.used_by_id == official.id and invite.used_at is not None
        actions = set((await session.execute(select(AuditEntry.action))).scalars())
    assert {"invite.create", "account.register"} <= actions
    assert "Quá hạn" in await ask("/nhiemvu", as_="new1")


async def test_invite_is_single_use(ask: Ask) -> None:
    code = await _invite(ask)
    await ask(f"/start {code}", as_="new1")
    text = await ask(f"/start {code}", as_="new2")
    assert "Mã mời này đã được sử dụng" in text
    assert "Đồng chí chưa đăng ký sử dụng" in text
    assert "Đồng chí chưa đăng ký sử dụng" in await ask("/nhiemvu", as_="new2")


async def test_invite_expires(ask: Ask, clock: FrozenClock) -> None:
    code = await _invite(ask)
    clock.advance(timedelta(hours=72, seconds=1))
    text = await ask(f"/start {code}", as_="new1")
    assert "Mã mời này đã hết hạn" in text
    assert "Chào mừng" not in text


async def test_bad_code_or_no_code_gets_only_the_registration_prompt(ask: Ask) -> None:
    for line in ("/start", "/start NOTACODE", "/start abc123"):
        text = await ask(line, as_="stranger")
        assert "liên hệ Tổ thư ký CCHC (Sở Nội vụ) để nhận mã mời" in text
        assert "Nhiệm vụ" not in text and "Minh Sơn" not in text


async def test_name_falls_back_to_chat_display_name(ask: Ask) -> None:
    code = await _invite(ask, "MS canbo")
    assert "Chào mừng đồng chí Tài khoản new1" in await ask(f"/start {code.lower()}", as_="new1")


async def test_registered_start_greets_by_name_and_unit(ask: Ask) -> None:
    text = await ask("/start")
    assert "Xin chào đồng chí Nguyễn Văn An (UBND xã Minh Sơn, huyện Hữu Lũng)" in text
    assert "/help" in text


async def test_start_with_a_code_when_already_bound_says_so(ask: Ask, bot: Bot) -> None:
    code = await _invite(ask)
    assert "Tài khoản này đã được đăng ký cho đồng chí Nguyễn Văn An" in await ask(f"/start {code}")


async def test_help_for_an_officer_lists_only_their_commands(ask: Ask) -> None:
    text = await ask("/help")
    for name in ("/start", "/help", "/nhiemvu", "/capnhat", "/ngonngu"):
        assert name in text
    assert "Ví dụ: /capnhat 12 80 đã trình UBND tỉnh" in text
    assert "/moi" not in text and "/tailen" not in text
    assert "/moi" in await ask("/trogiup", as_="admin")


async def test_language_switch_to_english_and_back(ask: Ask) -> None:
    assert "answers you in English" in await ask("/ngonngu en")
    text = await ask("/nhiemvu")
    assert "1 day" not in text and "62 days overdue" in text
    assert "is not available to your role" in await ask("/moi MS canbo")
    assert "tiếng Việt" in await ask("/language vi")
    assert "quá hạn 62 ngày" in await ask("/nhiemvu")


async def test_language_without_argument_offers_buttons(ask: Ask, bot: Bot) -> None:
    assert "Ngôn ngữ hiện tại: Tiếng Việt" in await ask("/ngonngu")
    assert [b.data for b in bot.buttons()] == ["/ngonngu vi", "/ngonngu en"]
    assert "Ngôn ngữ hiện tại" in await ask("/ngonngu klingon")


async def test_create_invite_is_usable_without_a_chat(
    sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:
        unit = await session.get_one(Unit, province["YT"])
        invite = await create_invite(session, unit, Role.UNIT_HEAD, " Lê Văn Dũng ", None, NOW, timedelta(hours=1))
        await session.commit()
    assert invite.full_name == "Lê Văn Dũng"
    assert invite.expires_at == NOW + timedelta(hours=1)
    assert len(invite.code) == 8 and invite.used_at is None


async def test_guessing_codes_is_stopped_after_five_wrong_tries_an_hour(ask: Ask, clock: FrozenClock) -> None:
    code = await _invite(ask)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        assert "Mã mời không đúng" in await ask(f"/start {guess}", as_="guesser")
    # the sixth try is refused without looking at the code, even the right one
    text = await ask(f"/start {code}", as_="guesser")
    assert "nhập sai mã mời quá nhiều lần" in text and "Chào mừng" not in text
    assert "Chào mừng" in await ask(f"/start {code}", as_="someone_else")  # others are not locked out
    clock.advance(timedelta(hours=1, seconds=1))
    assert "Mã mời này đã được sử dụng" in await ask(f"/start {code}", as_="guesser")  # an hour later: tried again


async def test_codes_have_enough_entropy() -> None:
    import math

    from models.queries.accounts import CODE_LENGTH, WRONG_CODES_IN_ALL, new_code

    bits = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
    assert bits >= 39  # 31^8 codes
    # a year of guesses at the global limit, with ten live codes at all times: about 1 chance in 100,000
    assert WRONG_CODES_IN_ALL * 24 * 365 * 10 / 2**bits < 2e-5
    assert len({new_code() for _ in range(2_000)}) == 2_000
