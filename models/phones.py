"""Officials' mobile numbers: reading what a secretariat writes, and showing one without giving it away.

A number is kept in the national form ``84xxxxxxxxx`` that ZNS takes (``Official.phone``). What a list
says is read with spaces, dots, dashes and brackets ignored: "0912 345 678", "0912.345.678",
"+84 912345678", "84912345678" (and "912345678", a number Excel stripped of its leading 0) are one number.

Only mobile numbers are accepted: ten digits with the leading 0, on a prefix the networks use since the
2018 renumbering (``MOBILE_PREFIXES``). A landline ("0205 3812 345", "02053812345": 02x area codes), a
wrong length or a prefix no network uses is refused, with the case named (``PhoneProblem.why``).

A number is never shown to another official: an admin of the province sees at most ``masked`` ("0912***678"),
and log lines say ``masked`` too.
"""

from __future__ import annotations

import re

# Vietnamese mobile prefixes (the three digits after the 0) in use after the 2018 renumbering:
# Viettel 032–039, 086, 096–098; Vinaphone 081–085, 088, 091, 094; MobiFone 070, 076–079, 089, 090, 093;
# Vietnamobile 052, 056, 058, 092; Gmobile 059, 099; Reddi/Wintel 055; iTel 087; 095 (S-Fone, reassigned).
MOBILE_PREFIXES = frozenset(
    {*(f"3{d}" for d in "23456789"), "52", "55", "56", "58", "59", "70", "76", "77", "78", "79"}
    | {f"8{d}" for d in "123456789"}
    | {f"9{d}" for d in "0123456789"}
)
_SEPARATORS = re.compile(r"[\s.\-()/]")
_DIGITS = re.compile(r"\d+")


class PhoneProblem(ValueError):
    """Why a cell is not a mobile number: ``why`` is ``not_number``, ``landline``, ``length`` or
    ``prefix``."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def national(text: str) -> str:
    """``text`` as ``84xxxxxxxxx``; ``PhoneProblem`` when it is not a Vietnamese mobile number."""
    written = _SEPARATORS.sub("", text or "")
    if written.startswith("+"):
        written = written[1:]
        if not written.startswith("84"):
            raise PhoneProblem("prefix")  # another country's number
    if not written.isdigit():
        raise PhoneProblem("not_number")
    if written.startswith("84") and len(written) >= 11:
        subscriber = written[2:]
    elif written.startswith("0"):
        subscriber = written[1:]
    else:
        subscriber = written  # a leading 0 dropped by a spreadsheet
    if subscriber.startswith("2"):
        raise PhoneProblem("landline")  # 02x: a fixed line's area code
    if len(subscriber) != 9:
        raise PhoneProblem("length")
    if subscriber[:2] not in MOBILE_PREFIXES:
        raise PhoneProblem("prefix")
    return f"84{subscriber}"


def mobile_number(text: str) -> str | None:
    """``text`` as ``84xxxxxxxxx`` when it is a Vietnamese mobile number, else None."""
    try:
        return national(text)
    except PhoneProblem:
        return None


def masked(text: str) -> str:
    """A number as a reader may see it: "0912***678" (the network's prefix and the last three digits);
    anything shorter than a phone number is all stars."""
    digits = "".join(_DIGITS.findall(text or ""))
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) < 9:
        return "***"
    return f"{digits[:4]}***{digits[-3:]}"


def digit_runs(phone: str, shortest: int = 5) -> list[str]:
    """Every run of ``shortest`` or more consecutive digits of ``phone`` as it may be written (national
    and with its 0): what a text must not contain to be sure it does not give the number away (tests)."""
    local = "0" + phone[2:] if phone.startswith("84") else phone
    runs = {form[i : i + shortest] for form in (phone, local) for i in range(len(form) - shortest + 1)}
    return sorted(runs)
