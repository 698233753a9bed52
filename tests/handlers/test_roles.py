"""The words people use for roles (handlers/roles.py): one table, words with and without diacritics and of
one or more words, the role a word gives at a unit decided by the unit's kind, and /moi and /help using them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.roles import (
    ADMIN,
    CHAIR,
    DIRECTOR,
    HEAD,
    LEADERSHIP,
    LISTED,
    LOCAL_CHAIR,
    OFFICER,
    PROVINCE_LEADER,
    ROLE_WORDS,
    Seat,
    parse_role,
    role_position,
    seat_of,
)
from models import Invite, Role, Unit, UnitKind
from tests.handlers.conftest import Ask

CODE = re.compile(r"Mã mời: ([A-Z0-9]+)")


def _unit(kind: str, parent_id: int | None = 1) -> Unit:
    return Unit(code="X", name="X", kind=kind, parent_id=parent_id, path="/1/2/")


PROVINCE = _unit(UnitKind.PROVINCE, None)
COMMUNE = _unit(UnitKind.COMMUNE)
WARD = _unit(UnitKind.WARD)
SPECIAL_ZONE = _unit("special_zone")  # a kind of the 2025 reform, known by its value
DEPARTMENT = _unit(UnitKind.DEPARTMENT)
CENTRE = _unit("centre")  # an agency kind this module does not know: an agency


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("chutich", CHAIR),
        ("Chủ tịch", CHAIR),
        ("PHÓ CHỦ TỊCH", CHAIR),
        ("pho chu tich", CHAIR),
        ("Chủ tịch UBND", CHAIR),
        ("chủ tịch UBND tỉnh", PROVINCE_LEADER),
        ("lãnh đạo tỉnh", PROVINCE_LEADER),
        ("leader", PROVINCE_LEADER),
        ("Chủ tịch xã", LOCAL_CHAIR),
        ("phó chủ tịch UBND phường", LOCAL_CHAIR),
        ("chu tich dac khu", LOCAL_CHAIR),
        ("Giám đốc", DIRECTOR),
        ("phogiamdoc", DIRECTOR),
        ("Trưởng ban", DIRECTOR),
        ("Chánh Văn phòng", DIRECTOR),
        ("lãnh đạo", LEADERSHIP),
        ("thủ trưởng", HEAD),
        ("unit_head", HEAD),
        ("cán bộ", OFFICER),
        ("công chức", OFFICER),
        ("Chuyên viên", OFFICER),
        ("trưởng phòng", OFFICER),
        ("officer", OFFICER),
        ("quản trị", ADMIN),
        ("thư ký", ADMIN),
        ("Thư ký CCHC", ADMIN),
        ("tổ trưởng tổ thư ký", ADMIN),
        ("admin", ADMIN),
    ],
)
def test_words_are_read_with_or_without_diacritics_and_spaces(typed: str, word: object) -> None:
    assert parse_role(typed) is word


@pytest.mark.parametrize("typed", ["", "bithu", "tổ trưởng", "giám", "chủ", "trưởng", "canbo nguyen"])
def test_words_that_name_no_role_are_not_guessed(typed: str) -> None:
    """ "Tổ trưởng" alone may be a tổ trưởng dân phố, no official: only "tổ trưởng tổ thư ký" is a role."""
    assert parse_role(typed) is None


def test_seats_follow_the_units_kind_and_place() -> None:
    assert seat_of(PROVINCE) is Seat.PROVINCE
    assert seat_of(_unit(UnitKind.DEPARTMENT, None)) is Seat.PROVINCE  # a tree's root is its province
    assert {seat_of(u) for u in (COMMUNE, WARD, SPECIAL_ZONE, _unit(UnitKind.DISTRICT))} == {Seat.LOCAL}
    assert {seat_of(u) for u in (DEPARTMENT, CENTRE, _unit(UnitKind.AGENCY))} == {Seat.AGENCY}


@pytest.mark.parametrize(
    ("typed", "unit", "role"),
    [
        ("chutich", PROVINCE, Role.LEADER),  # Chủ tịch UBND tỉnh
        ("phochutich", PROVINCE, Role.LEADER),
        ("chutich", COMMUNE, Role.UNIT_HEAD),  # Chủ tịch UBND xã
        ("chutich", WARD, Role.UNIT_HEAD),
        ("chutich", SPECIAL_ZONE, Role.UNIT_HEAD),
        ("chutich", DEPARTMENT, None),  # a sở has no chủ tịch
        ("chutichxa", COMMUNE, Role.UNIT_HEAD),
        ("chutichxa", PROVINCE, None),
        ("giamdoc", DEPARTMENT, Role.UNIT_HEAD),
        ("giamdoc", CENTRE, Role.UNIT_HEAD),
        ("giamdoc", COMMUNE, None),  # a commune has no giám đốc
        ("giamdoc", PROVINCE, None),
        ("lanhdao", PROVINCE, Role.LEADER),
        ("lanhdao", COMMUNE, Role.UNIT_HEAD),  # "lãnh đạo xã" is the commune's leadership, not the province's
        ("lanhdao", DEPARTMENT, Role.UNIT_HEAD),
        ("lanhdaotinh", PROVINCE, Role.LEADER),
        ("leader", COMMUNE, None),
        ("thutruong", COMMUNE, Role.UNIT_HEAD),
        ("thutruong", DEPARTMENT, Role.UNIT_HEAD),
        ("canbo", PROVINCE, Role.OFFICER),
        ("truongphong", DEPARTMENT, Role.OFFICER),  # lãnh đạo cấp phòng: a civil servant of the sở
        ("quantri", DEPARTMENT, Role.ADMIN),
        ("thuky", PROVINCE, Role.ADMIN),
    ],
)
def test_a_word_that_depends_on_the_unit_is_resolved_by_its_kind(typed: str, unit: Unit, role: Role | None) -> None:
    word = parse_role(typed)
    assert word is not None
    assert word.role_at(unit) == role


def test_every_listed_word_is_in_the_table_and_every_group_is_listed() -> None:
    groups = {word.group for word in ROLE_WORDS.values()}
    assert set(LISTED) == groups - {"local_chair"}  # "chủ tịch xã" is understood, "chutich" is listed
    for group, words in LISTED.items():
        assert all(ROLE_WORDS[w].group == group for w in words), group
    assert all(key == key.lower().replace(" ", "") and key.isascii() for key in ROLE_WORDS)


def test_the_role_is_found_after_the_unit_in_one_or_more_words() -> None:
    assert role_position(["Xã", "Tuấn", "Sơn", "phó", "chủ", "tịch", "Nguyễn", "Văn", "An"]) == (3, 3, CHAIR)
    assert role_position(["06457", "chutich"]) == (1, 1, CHAIR)
    assert role_position(["Sở", "Nội", "vụ", "tổ", "trưởng", "tổ", "thư", "ký", "CCHC", "Đinh", "Thị", "Thu"]) == (
        3,
        6,
        ADMIN,
    )
    assert role_position(["canbo"]) is None  # a unit comes first
    assert role_position(["Xã", "Tuấn", "Sơn"]) is None


async def _role_of_invite(ask: Ask, sessions: async_sessionmaker[AsyncSession], line: str) -> tuple[str, Role]:
    text = await ask(f"/moi {line}", as_="admin")
    found = CODE.search(text)
    assert found, text
    async with sessions() as session:
        invite = (await session.execute(select(Invite).where(Invite.code == found.group(1)))).scalar_one()
        unit = await session.get_one(Unit, invite.unit_id)
    return unit.code, Role(invite.role)


async def test_moi_maps_the_words_officials_use_to_roles(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    assert await _role_of_invite(ask, sessions, "LS chủ tịch Hồ Tiến Thiệu") == ("LS", Role.LEADER)
    assert await _role_of_invite(ask, sessions, "LS phochutich") == ("LS", Role.LEADER)
    assert await _role_of_invite(ask, sessions, "Xã Yên Thịnh Phó Chủ tịch Lê Văn Dũng") == ("YT", Role.UNIT_HEAD)
    assert await _role_of_invite(ask, sessions, "MS chutich") == ("MS", Role.UNIT_HEAD)
    assert await _role_of_invite(ask, sessions, "MS lãnh đạo") == ("MS", Role.UNIT_HEAD)
    assert await _role_of_invite(ask, sessions, "SNV giám đốc") == ("SNV", Role.UNIT_HEAD)
    assert await _role_of_invite(ask, sessions, "SNV chuyên viên") == ("SNV", Role.OFFICER)
    assert await _role_of_invite(ask, sessions, "SNV thư ký CCHC Đinh Thị Thu") == ("SNV", Role.ADMIN)
    text = await ask("/moi MS chủ tịch xã Hoàng Văn Minh", as_="admin")
    assert "Vai trò: lãnh đạo UBND xã" in text and "Người được mời: Hoàng Văn Minh" in text


async def test_a_word_that_does_not_fit_the_unit_is_refused_with_the_words_that_do(
    ask: Ask, sessions: async_sessionmaker[AsyncSession], province: dict[str, int]
) -> None:
    text = await ask("/moi MS giamdoc Nguyễn Văn An", as_="admin")
    assert "Vai trò “giamdoc” không dùng cho UBND xã Minh Sơn" in text
    assert "Với đơn vị này, dùng: chutich, phochutich, thutruong, lanhdao, canbo," in text
    text = await ask("/moi SNV chủ tịch", as_="admin")
    assert "Vai trò “chủ tịch” không dùng cho Sở Nội vụ" in text and "giamdoc, phogiamdoc" in text
    assert "lãnh đạo tỉnh" not in await ask("/moi MS lanhdaotinh", as_="admin")
    async with sessions() as session:
        assert (await session.execute(select(Invite.id))).first() is None
    await ask("/ngonngu en", as_="admin")
    assert "The role “giamdoc” does not fit Minh Sơn Commune People's Committee" in await ask(
        "/moi MS giamdoc", as_="admin"
    )


async def test_help_and_the_usage_list_the_accepted_words(ask: Ask) -> None:
    helped = await ask("/help", as_="admin")
    assert "Vai trò: chutich, giamdoc, thutruong, lanhdao, lanhdaotinh, canbo, quantri… (/moi: đủ các từ)" in helped
    assert "chutich" not in await ask("/help", as_="ms")  # only those who invite are told
    usage = await ask("/moi", as_="admin")
    for words in LISTED.values():
        assert ", ".join(words) + ":" in usage
    await ask("/ngonngu en", as_="admin")
    assert "- chutich, phochutich: chair, vice-chair of a People's Committee" in await ask("/moi", as_="admin")
