"""The words people use for the role of someone they invite ("chủ tịch", "giamdoc", "canbo", "thư ký CCHC"
…), in one table, and the role each word gives at a unit.

A word may depend on the unit: "chủ tịch" of the UBND tỉnh is a provincial leader, of a UBND xã the head of
that commune; a Sở has no chủ tịch and a commune no giám đốc, so those words are refused there (the refusal
lists the words that fit). Words are matched folded (no diacritics, no case) with their spaces, dashes and
underscores removed: "Phó Chủ tịch", "pho chu tich" and "phochutich" are one word.

Used by /moi and ``cchc-bot invite`` (through ``handlers/roles.py``) and by the officials import
(``models/importers/officials.py``), which reads the "Vai trò" or "Chức vụ" a secretariat writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.enums import Role, UnitKind
from models.naming import GOVERNED
from models.text import fold
from models.units import Unit


class Seat(StrEnum):
    """Where a unit sits, as far as the words for its people go."""

    PROVINCE = "province"  # the province itself (UBND tỉnh, thành phố trực thuộc trung ương): the tree's root
    LOCAL = "local"  # a local government below it, with a UBND and a chủ tịch: xã, phường, đặc khu, (huyện)
    AGENCY = "agency"  # a sở, ban, ngành, trung tâm or other agency, with a giám đốc or trưởng ban


# Kinds with a People's Committee (UBND) and a chủ tịch below the province: one list with how names are
# written (models.naming.GOVERNED).
_LOCAL_KINDS = frozenset(str(kind) for kind in GOVERNED if kind is not UnitKind.PROVINCE)
_PROVINCE_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.CENTRAL_CITY})


def seat_of(unit: Unit) -> Seat:
    if unit.parent_id is None or str(unit.kind) in _PROVINCE_KINDS:
        return Seat.PROVINCE
    return Seat.LOCAL if str(unit.kind) in _LOCAL_KINDS else Seat.AGENCY


@dataclass(frozen=True)
class RoleWord:
    """What a word means at each seat (None: the word does not fit a unit there). ``group`` names the line
    of the help text (``templates/labels/roles.j2``) the word is listed on."""

    group: str
    at_province: Role | None
    at_local: Role | None
    at_agency: Role | None

    def role_at(self, unit: Unit) -> Role | None:
        seat = seat_of(unit)
        if seat is Seat.PROVINCE:
            return self.at_province
        return self.at_local if seat is Seat.LOCAL else self.at_agency


_L, _H, _O, _A = Role.LEADER, Role.UNIT_HEAD, Role.OFFICER, Role.ADMIN
CHAIR = RoleWord("chair", _L, _H, None)  # chủ tịch, phó chủ tịch UBND
PROVINCE_LEADER = RoleWord("province_leader", _L, None, None)  # lãnh đạo UBND tỉnh
LOCAL_CHAIR = RoleWord("local_chair", None, _H, None)  # chủ tịch UBND xã, phường, đặc khu (huyện until 2025)
DIRECTOR = RoleWord("director", None, None, _H)  # giám đốc sở, trưởng ban, chánh văn phòng
LEADERSHIP = RoleWord("leadership", _L, _H, _H)  # "lãnh đạo": of the province, else of the unit
HEAD = RoleWord("head", _H, _H, _H)  # thủ trưởng: whatever the unit
OFFICER = RoleWord("officer", _O, _O, _O)  # cán bộ, công chức, viên chức, chuyên viên, lãnh đạo cấp phòng
ADMIN = RoleWord("admin", _A, _A, _A)  # Tổ thư ký CCHC (Sở Nội vụ): imports, invites

_PLACES = ("xa", "phuong", "thitran", "dackhu", "huyen", "thixa")
ROLE_WORDS: dict[str, RoleWord] = {
    # the words listed in the help come first in each group, in the order shown
    **dict.fromkeys(("chutich", "phochutich", "chutichubnd", "phochutichubnd"), CHAIR),
    **dict.fromkeys(
        ("lanhdaotinh", "leader", "chutichtinh", "phochutichtinh", "chutichubndtinh", "phochutichubndtinh"),
        PROVINCE_LEADER,
    ),
    **dict.fromkeys(
        (f"{title}{ubnd}{place}" for title in ("chutich", "phochutich") for ubnd in ("", "ubnd") for place in _PLACES),
        LOCAL_CHAIR,
    ),
    **dict.fromkeys(
        (
            "giamdoc",
            "phogiamdoc",
            "truongban",
            "photruongban",
            "chanhvanphong",
            "chanhthanhtra",
            "giamdocso",
            "phogiamdocso",
            "giamdoctrungtam",
        ),
        DIRECTOR,
    ),
    **dict.fromkeys(("lanhdao", "lanhdaodonvi"), LEADERSHIP),
    **dict.fromkeys(("thutruong", "thutruongdonvi", "truongdonvi", "unithead"), HEAD),
    **dict.fromkeys(
        (
            "canbo",
            "congchuc",
            "chuyenvien",
            "truongphong",
            "photruongphong",
            "vienchuc",
            "canbocongchuc",
            "officer",
        ),
        OFFICER,
    ),
    **dict.fromkeys(
        (
            "quantri",
            "thuky",
            "thukycchc",
            "tothuky",
            "tothukycchc",
            "totruongtothuky",
            "totruongtothukycchc",
            "quantrivien",
            "admin",
        ),
        ADMIN,
    ),
}
# How many words the longest phrase takes ("tổ trưởng tổ thư ký cchc"): /moi looks no further.
LONGEST = 6
# The words the help and the refusals list, per group, in this order ("chủ tịch xã" and the like are
# understood but not listed: "chutich" covers them).
LISTED: dict[str, tuple[str, ...]] = {
    "chair": ("chutich", "phochutich"),
    "director": ("giamdoc", "phogiamdoc", "truongban", "chanhvanphong"),
    "head": ("thutruong",),
    "leadership": ("lanhdao",),
    "province_leader": ("lanhdaotinh",),
    "officer": ("canbo", "congchuc", "chuyenvien", "truongphong"),
    "admin": ("quantri", "thuky"),
}


def role_key(text: str) -> str:
    """The table's key for what someone typed: "Phó Chủ tịch" -> "phochutich"."""
    return "".join(ch for ch in fold(text) if ch not in " -_.")


def parse_role(text: str) -> RoleWord | None:
    """The role word of what an admin typed ("canbo", "cán bộ", "Chủ tịch", "officer"), or None."""
    return ROLE_WORDS.get(role_key(text))


def role_position(args: list[str]) -> tuple[int, int, RoleWord] | None:
    """Where the role word starts in ``args`` (after at least one word of unit), how many words it takes
    ("phó chủ tịch" is three), and the word: the first position with a role word, the longest there."""
    for at in range(1, len(args)):
        for width in range(min(LONGEST, len(args) - at), 0, -1):
            word = ROLE_WORDS.get(role_key(" ".join(args[at : at + width])))
            if word is not None:
                return at, width, word
    return None


def listed_words() -> list[tuple[str, list[str]]]:
    """(group, words) for the help text: every role word people are told about."""
    return [(group, list(words)) for group, words in LISTED.items()]


def words_fitting(unit: Unit) -> list[str]:
    """The listed words that give a role at ``unit`` (for the refusal of a word that does not fit)."""
    return [word for words in LISTED.values() for word in words if ROLE_WORDS[word].role_at(unit) is not None]


def role_in(text: str) -> RoleWord | None:
    """The role word a title starts with ("Phó Chủ tịch UBND xã Tuấn Sơn" -> the local chair's, "Chuyên
    viên Phòng CCHC" -> officer's): the longest leading run of words that is a role word."""
    words = text.split()
    for width in range(min(len(words), LONGEST + 2), 0, -1):
        if (word := ROLE_WORDS.get(role_key(" ".join(words[:width])))) is not None:
            return word
    return None
