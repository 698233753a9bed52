"""/start with invite codes (or a code on its own), /help by role, /ngonngu, and /moi (admins create invites,
only for units in operation)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DEFAULT_TZ, AuditEntry, ChatAccount, FrozenClock, Invite, LineageKind, Official, Role, Unit, UnitKind
from models.lineage import link
from models.queries.accounts import CODE_ALPHABET, create_invite
from models.tree import add_unit
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
    assert "Vai trò: lãnh đạo UBND xã" in text
    assert "Vai trò: lãnh đạo tỉnh" in await ask("/moi LS leader", as_="admin")


async def test_invite_with_unknown_role_or_unit_explains(ask: Ask) -> None:
    text = await ask("/moi MS bithu", as_="admin")
    assert "Trong “MS bithu” không có từ chỉ vai trò của người được mời." in text
    assert "Cách dùng: /moi <mã hoặc tên đơn vị> <vai trò> [họ và tên]" in text
    assert "- chutich, phochutich: chủ tịch, phó chủ tịch UBND" in text
    assert "- canbo, congchuc, chuyenvien, truongphong:" in text and "- quantri, thuky:" in text
    assert "Không tìm thấy đơn vị “XYZ”" in await ask("/moi XYZ canbo", as_="admin")


async def test_invite_without_arguments_explains_the_usage(ask: Ask) -> None:
    text = await ask("/moi", as_="admin")
    assert text.startswith("Cách dùng: /moi <mã hoặc tên đơn vị> <vai trò> [họ và tên]")
    assert "Không rõ vai trò" not in text and "Trong “" not in text
    await ask("/ngonngu en", as_="admin")
    assert (await ask("/moi", as_="admin")).startswith("Usage: /moi <unit code or name> <role> [full name]")


async def test_only_admins_may_invite(ask: Ask) -> None:
    assert "Lệnh /moi không dành cho vai trò của đồng chí" in await ask("/moi MS canbo", as_="leader")


async def test_redeemed_invite_registers_the_official(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    code = await _invite(ask)
    text = await ask(f"/start {code}", as_="new1")
    assert "Chào mừng đồng chí Phạm Văn Cường đã đăng ký" in text
    assert "Đơn vị: UBND xã Minh Sơn, huyện Hữu Lũng; vai trò: cán bộ, công chức." in text
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
    assert "Xin chào đồng chí Nguyễn Văn An." in text
    assert "Đơn vị: UBND xã Minh Sơn, huyện Hữu Lũng; vai trò: cán bộ, công chức." in text
    assert "Gửi /help để xem tất cả lệnh." in text


async def test_start_with_a_code_when_already_bound_says_so(ask: Ask, bot: Bot) -> None:
    code = await _invite(ask)
    assert "Tài khoản này đã được đăng ký cho đồng chí Nguyễn Văn An" in await ask(f"/start {code}")


# The first contact: who the official is registered as, the commands of that role (in this order), /help.
FIRST = {
    "leader": ["/tomtat", "/diem", "/nhiemvu tatca", "/thidua", "/chitieu"],
    "head": ["/nhiemvu", "/capnhat", "/diem", "/thidua"],
    "ms": ["/nhiemvu", "/capnhat", "/diem", "/thidua"],
    "admin": ["/tomtat", "/diem", "/nhiemvu tatca", "/thidua", "/chitieu", "/tailen", "/moi"],
}
ROLE_LINES = {
    "vi": {
        "leader": "Đơn vị: UBND tỉnh Lạng Sơn; vai trò: lãnh đạo tỉnh.",
        "head": "Đơn vị: UBND huyện Hữu Lũng; vai trò: lãnh đạo UBND huyện.",
        "ms": "Đơn vị: UBND xã Minh Sơn, huyện Hữu Lũng; vai trò: cán bộ, công chức.",
        "admin": "Đơn vị: Sở Nội vụ; vai trò: quản trị (Tổ thư ký CCHC).",
    },
    "en": {
        "leader": "Unit: Lạng Sơn Provincial People's Committee; role: provincial leader.",
        "head": "Unit: Hữu Lũng District People's Committee; role: leader of the district People's Committee.",
        "ms": "Unit: Minh Sơn Commune People's Committee, Hữu Lũng District; role: officer.",
        "admin": "Unit: Sở Nội vụ; role: administrator (reform secretariat).",
    },
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("who", list(FIRST))
async def test_the_first_contact_is_a_few_lines_with_the_commands_of_the_role(ask: Ask, who: str, lang: str) -> None:
    if lang == "en":
        await ask("/ngonngu en", as_=who)
    text = await ask("/start", as_=who)
    lines = text.splitlines()
    assert len(lines) <= 12, text
    assert ROLE_LINES[lang][who] in lines
    listed = [line.split(" – ")[0] for line in lines if line.startswith("/") and " – " in line]
    assert listed == FIRST[who]
    assert lines[-1] == ("Gửi /help để xem tất cả lệnh." if lang == "vi" else "Send /help to see all commands.")
    assert "thủ trưởng" not in text and "head of unit" not in text


async def test_a_commune_chair_is_a_leader_of_the_commune_people_s_committee(ask: Ask) -> None:
    code = CODE.search(await ask("/moi MS chutich Hoàng Văn Minh", as_="admin"))
    assert code
    text = await ask(f"/start {code.group(1)}", as_="new1")
    assert "Đơn vị: UBND xã Minh Sơn, huyện Hữu Lũng; vai trò: lãnh đạo UBND xã." in text
    assert "/capnhat – Báo cáo tiến độ một nhiệm vụ, ví dụ /capnhat 12 80" in text
    assert len(text.splitlines()) <= 12


async def test_help_for_an_officer_lists_only_their_commands(ask: Ask) -> None:
    text = await ask("/help")
    for name in ("/nhiemvu", "/capnhat", "/ngonngu"):
        assert name in text
    assert "(vd: /capnhat 12 80 đã trình UBND tỉnh)" in text
    assert "/moi" not in text and "/tailen" not in text
    assert "/start –" not in text  # a registered official needs neither /start nor /help explained
    assert "/moi" in await ask("/trogiup", as_="admin")


async def test_the_longest_help_fits_one_zalo_message_in_both_languages(ask: Ask) -> None:
    """The secretariat's /help lists every command; Zalo cuts a message at 2,000 characters (UTF-16),
    so the list must arrive whole, not in two pieces."""
    vietnamese = await ask("/help", as_="admin")
    await ask("/ngonngu en", as_="admin")
    english = await ask("/help", as_="admin")
    for text in (vietnamese, english):
        assert "/tailen" in text and "/nhacnho" in text
        print("HELPLEN", len(text.encode("utf-16-le")) // 2)
        assert len(text.encode("utf-16-le")) // 2 <= 2000


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


# --- invites only for units in operation (issue 12) -------------------------------------------------
# After the reform of 1/7/2025: Huyện Hữu Lũng ended on 30/06/2025; Xã Tuấn Sơn began on 01/07/2025;
# "Phường Tam Thanh" names the ward of Thành phố Lạng Sơn (until 30/06/2025) and the new ward after it.
REFORM_DAY = datetime(2026, 1, 5, 9, 0, tzinfo=DEFAULT_TZ)


async def _reform(sessions: async_sessionmaker[AsyncSession], province: dict[str, int]) -> dict[str, int]:
    async with sessions() as session:
        ls = await session.get_one(Unit, province["LS"])
        (await session.get_one(Unit, province["HL"])).valid_to = date(2025, 6, 30)
        city = await add_unit(
            session, code="TP", name="Thành phố Lạng Sơn", kind=UnitKind.CITY, parent=ls, valid_to=date(2025, 6, 30)
        )
        old = await add_unit(
            session, code="TT.OLD", name="Phường Tam Thanh", kind=UnitKind.WARD, parent=city, valid_to=date(2025, 6, 30)
        )
        new = await add_unit(
            session, code="TT", name="Phường Tam Thanh", kind=UnitKind.WARD, parent=ls, valid_from=date(2025, 7, 1)
        )
        ts = await add_unit(
            session, code="TS", name="Xã Tuấn Sơn", kind=UnitKind.COMMUNE, parent=ls, valid_from=date(2025, 7, 1)
        )
        await session.commit()
        return {"TP": city.id, "TT.OLD": old.id, "TT": new.id, "TS": ts.id}


async def _invites(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int, str]]:
    async with sessions() as session:
        return [(unit_id, role) for unit_id, role in await session.execute(select(Invite.unit_id, Invite.role))]


async def test_invite_to_an_abolished_unit_is_refused_with_the_day_it_ended(
    ask: Ask, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    await _reform(sessions, province)
    clock.at = REFORM_DAY
    for line in ("/moi HL canbo", "/moi Huyện Hữu Lũng thutruong Vi Văn Hùng", "/moi huyen huu lung canbo"):
        text = await ask(line, as_="admin")
        assert "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025" in text, text
        assert "Mã mời:" not in text
    assert await _invites(sessions) == []
    await ask("/ngonngu en", as_="admin")
    assert "Hữu Lũng District has not operated since 01/07/2025" in await ask("/moi HL officer", as_="admin")


async def test_invite_to_a_unit_before_it_begins_is_refused_with_the_day_it_begins(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    await _reform(sessions, province)  # the clock stands at 01/06/2024: Xã Tuấn Sơn is not formed yet
    text = await ask("/moi Xã Tuấn Sơn chutich", as_="admin")
    assert "Xã Tuấn Sơn bắt đầu hoạt động từ 01/07/2025" in text and "Mã mời:" not in text
    assert "Đơn vị: UBND huyện Hữu Lũng" in await ask("/moi HL canbo", as_="admin")  # still in operation then


async def test_refusal_names_the_unit_that_replaced_the_abolished_one(
    ask: Ask, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    """The lineage table names the successor: Xã Tuấn Sơn was formed from Huyện Hữu Lũng (here, alone)."""
    new = await _reform(sessions, province)
    async with sessions() as session:
        await link(
            session,
            await session.get_one(Unit, province["HL"]),
            await session.get_one(Unit, new["TS"]),
            LineageKind.FORMED_FROM,
            date(2025, 7, 1),
        )
        await session.commit()
    clock.at = REFORM_DAY
    text = await ask("/moi HL canbo", as_="admin")
    assert "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025" in text
    # (how a commune is named after the reform, with or without its province, is not this test's business)
    assert "Đơn vị tiếp nhận: UBND xã Tuấn Sơn" in text and "(mã TS). Ví dụ: /moi TS canbo" in text
    assert await _invites(sessions) == []


async def test_a_unit_split_among_several_names_no_single_successor(
    ask: Ask, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    new = await _reform(sessions, province)
    async with sessions() as session:
        district = await session.get_one(Unit, province["HL"])
        for code in ("TS", "TT"):
            await link(
                session, district, await session.get_one(Unit, new[code]), LineageKind.FORMED_FROM, date(2025, 7, 1)
            )
        await session.commit()
    clock.at = REFORM_DAY
    text = await ask("/moi HL canbo", as_="admin")
    assert "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025" in text and "Đơn vị tiếp nhận" not in text


async def test_a_name_of_an_abolished_and_a_current_unit_means_the_current_one(
    ask: Ask, clock: FrozenClock, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    new = await _reform(sessions, province)
    clock.at = REFORM_DAY
    text = await ask("/moi Phường Tam Thanh canbo Hoàng Thị Mai", as_="admin")
    assert "Đơn vị: UBND phường Tam Thanh" in text, text
    assert "kết thúc" not in text and "thành phố" not in text.lower()
    assert await _invites(sessions) == [(new["TT"], Role.OFFICER)]
    # in 2024 the same name meant the ward of the city
    clock.at = NOW
    assert "Đơn vị: UBND phường Tam Thanh, thành phố Lạng Sơn" in await ask("/moi phuong tam thanh canbo", as_="admin")


async def test_two_units_in_operation_with_one_name_are_a_numbered_choice(
    ask: Ask, bot: Bot, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    async with sessions() as session:
        ls = await session.get_one(Unit, province["LS"])
        other = await add_unit(session, code="MS2", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=ls)
        await session.commit()
    text = await bot.ask("/moi Xã Minh Sơn chủ tịch Hoàng Văn Minh", as_="admin", numbered=True)
    assert "Có 2 đơn vị đang hoạt động mang tên “Xã Minh Sơn”" in text
    assert re.search(r"\n1\. UBND xã Minh Sơn, huyện Hữu Lũng \(mã MS\)\n2\. UBND xã Minh Sơn[^\n]* \(mã MS2\)$", text)
    assert [b.data for b in bot.buttons()] == [
        "/moi MS chủ tịch Hoàng Văn Minh",
        "/moi MS2 chủ tịch Hoàng Văn Minh",
    ]
    assert await _invites(sessions) == []
    chosen = await bot.ask("2", as_="admin", numbered=True)
    assert "Đơn vị: UBND xã Minh Sơn" in chosen and "Hữu Lũng" not in chosen
    assert "Vai trò: lãnh đạo UBND xã" in chosen and "Người được mời: Hoàng Văn Minh" in chosen
    assert await _invites(sessions) == [(other.id, Role.UNIT_HEAD)]


async def test_a_code_typed_on_its_own_after_the_prompt_registers(ask: Ask) -> None:
    code = await _invite(ask)
    assert "gửi: /start <mã mời> (hoặc chỉ gửi mã mời)" in await ask("/start", as_="new1")
    text = await ask(f" {code.lower()} ", as_="new1")
    assert "Chào mừng đồng chí Phạm Văn Cường đã đăng ký" in text
    assert "Đồng chí chưa đăng ký" in await ask("xin chào", as_="new2")  # other text: only the prompt
