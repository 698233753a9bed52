"""The mechanical rules of ``docs/STYLE_VI.md``: what a line of the bot's output must not contain.

``problems(line, lang)`` names each rule a line breaks, with the words that break it. Data (task titles,
notes, names the province typed) is masked first by the caller: the rules are about our sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jobs.kinds import KINDS

VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
WORD = rf"[A-Za-z{VI_LETTERS}{VI_LETTERS.upper()}]"
MASK = "▒"  # what masked data becomes (no rule matches it)


@dataclass(frozen=True)
class Problem:
    rule: str
    words: str


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# A tone on the second vowel of an open "oa", "oe", "uy" (hoà, hoá, khoẻ, thuỷ, huỷ, uỷ): the Government's
# documents write hòa, hóa, khỏe, thủy, hủy, "Ủy ban" (docs/STYLE_VI.md). "quý", "quỹ": "qu" is a
# consonant there, so their tone is right.
WORDS = _rx(rf"{WORD}+")
OLD_TONE_END = _rx(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])$")
TI_LE = _rx(r"\b[Tt]ỉ\s+lệ\b")
GUILLEMETS = _rx(r"[«»]")
STRAIGHT_DOUBLE = _rx(r'"[^"\n]+"')
STRAIGHT_SINGLE = _rx(rf"(?<!{WORD})'[^'\s][^'\n]*'(?!{WORD})")
RAW_ID = _rx(r"\b(?:assignment|task|unit|official|plan|drive|province)\s?[:#]\d+")  # "task: 2" is a label and its count
RAW_TASK_VI = _rx(r"\b(?:task|unit|assignment|official)\s\d+\b")
RAW_KIND = _rx(r"\b(?:" + "|".join(sorted(KINDS, key=len, reverse=True)) + r")\b")
SNAKE = _rx(r"\b[a-z]+_[a-z_]+\b")
PY_REPR = _rx(r"\b(?:None|True|False)\b|\{['\"]|\{\}|<[A-Za-z_.]+ object at|\b(?:Decimal|datetime|date)\(")
NESTED_PARENS = _rx(r"\([^()\n]*\([^()\n]*\)[^()\n]*\)")
DOUBLED_PARENS = _rx(r"\)\s*\(")
LONG_NUMBER = _rx(r"(?<![\d.,/:\w+−-])([1-9]\d{3,})(?![\d\w]|[.,]\d)")
VI_DECIMAL_POINT = _rx(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])")
EN_DECIMAL_COMMA = _rx(r"(?<![\d.,])\d+,\d{1,2}(?![\d,])")
HAY = _rx(r"\b[Hh]ãy\b")
DE_THOI = _rx(r"\bđể thôi\b", re.IGNORECASE)
NO_DATA_VI = "chưa có số liệu"
CLAUSE = _rx(r"[;:]|\.\s|\s[–—]\s|\n")
DIGIT = _rx(r"\d")
XEP_WITHOUT_THU = _rx(r"\bxếp\s+\d+\s*/\s*\d+")
SIGNED_CHANGE = _rx(r"(?<![\w\d])[−+-]\s?\d[\d.,]*\s*(?:điểm|bậc)\b")
LEAD_AGENCY = _rx(r"\b[Cc]ơ quan (?:chủ trì|phối hợp)\b")
TASK_WITHOUT_SO = _rx(r"\b[Nn]hiệm vụ (\d+)\b(?!/)")
CAPITAL_DONG_CHI = _rx(r"(?<=[^\s.!?:•(\[“\"'–-])\s+Đồng chí\b")
GLUED = _rx(rf"[a-z{VI_LETTERS}]+[A-ZĐ{VI_LETTERS.upper()}][a-z{VI_LETTERS}]*")
VI_MARKED = _rx(rf"[{VI_LETTERS}{VI_LETTERS.upper()}]")
YEARISH = _rx(r"(?:năm|year|từ|đến|from|to|for|–|▒)\s*$", re.IGNORECASE)  # ▒: a masked word ("the ▒▒▒ 1800")
URL_OR_FILE = _rx(r"https?://\S+|\S+\.(?:xlsx|xls|csv|pdf|db|toml|po|j2)\b|\[\w+\]\.\w+")
EN_VIETNAMESE_WORD = _rx(rf"(?<!{WORD})[a-z{VI_LETTERS}]*[{VI_LETTERS}][a-z{VI_LETTERS}]*(?!{WORD})")
EN_UNIT_WORDS = _rx(r"\b(?:UBND|Tỉnh|Xã|Phường|Huyện|Thành phố|Thị xã|Đặc khu)\b")
EN_NO_DATA_NEAR_NUMBER = ("not available", "no data")
EN_PLURAL_AFTER_ONE = _rx(
    r"(?<![\d.,])1 (?:tasks|assignments|units|days|officials|places|points|weeks|results|dossiers|messages|criteria)\b"
)
EN_SINGULAR_AFTER_MANY = _rx(
    r"(?<![\d.,])(?:0|[2-9]|[1-9]\d{1,2}|\d{1,3}(?:,\d{3})+) "  # not a year: "the PAR 2023 result"
    r"(?:task|assignment|unit|day|official|place|point|week|result|dossier|message)\b(?!-)"
)


def _old_tone(line: str) -> Iterator[str]:
    for match in WORDS.finditer(line):
        word = match.group(0)
        if OLD_TONE_END.search(word) and not word.lower().startswith("qu"):
            yield word


def _no_data_beside_a_number(line: str, words: Iterable[str]) -> Iterator[str]:
    for clause in CLAUSE.split(line):
        lowered = clause.lower()
        if any(w in lowered for w in words) and DIGIT.search(clause):
            yield clause.strip()


def _long_numbers(line: str) -> Iterator[str]:
    for match in LONG_NUMBER.finditer(line):
        number = match.group(1)
        if len(number) == 4 and (number.startswith(("19", "20")) or YEARISH.search(line[: match.start()])):
            continue  # a year
        yield number


def _unquoted(line: str) -> str:
    """``line`` without what it quotes (a column header or a number as the file wrote it)."""
    return QUOTED.sub(MASK * 3, line)


def _glued(line: str) -> Iterator[str]:
    """ "Hoàng Văn MinhĐã thử": two words with no space, one of them Vietnamese (not "setWebhook")."""
    for match in GLUED.finditer(line):
        if VI_MARKED.search(match.group(0)):
            yield match.group(0)


def _capital_dong_chi(line: str) -> Iterator[str]:
    for match in CAPITAL_DONG_CHI.finditer(line):
        start = max(0, match.start() - 12)
        yield line[start : match.end()].strip()


def problems(line: str, lang: str, *, button: bool = False, technical: bool = False) -> list[Problem]:
    """The rules ``line`` (one line of output in ``lang``, data masked) breaks. Button labels may say
    "Nhiệm vụ 12" for room (``button``); a message of the command line (``technical``) names settings and
    files (``[bot].log_level``, ``don_vi.xlsx``)."""
    found: list[Problem] = []
    line = URL_OR_FILE.sub(MASK * 3, line)

    def add(rule: str, words: Iterable[str]) -> None:
        found.extend(Problem(rule, w) for w in words)

    add("quote marks « »", (m.group(0) for m in GUILLEMETS.finditer(line)))
    add('straight quotes "…" around words', (m.group(0) for m in STRAIGHT_DOUBLE.finditer(line)))
    add("straight quotes '…' around words", (m.group(0) for m in STRAIGHT_SINGLE.finditer(line)))
    add("raw id", (m.group(0) for m in RAW_ID.finditer(line)))
    add("Python repr", (m.group(0) for m in PY_REPR.finditer(line)))
    add("nested parentheses", (m.group(0) for m in NESTED_PARENS.finditer(line)))
    add("doubled parentheses ) (", (line[max(0, m.start() - 15) : m.end() + 15] for m in DOUBLED_PARENS.finditer(line)))
    add("number without thousands separator", _long_numbers(line))
    add("glued words", _glued(line))
    if lang == "vi":
        add("spelling hoà/hoá/huỷ (write hòa/hóa/hủy)", _old_tone(line))
        add("Tỉ lệ (write Tỷ lệ)", (m.group(0) for m in TI_LE.finditer(line)))
        add("raw id", (m.group(0) for m in RAW_TASK_VI.finditer(line)))
        if not technical:  # the command line names its jobs and settings as they are typed
            add("raw kind or code", (m.group(0) for m in RAW_KIND.finditer(line)))
            add("raw kind or code", (m.group(0) for m in SNAKE.finditer(line) if not RAW_KIND.fullmatch(m.group(0))))
        add("decimal point (write a decimal comma)", (m.group(0) for m in VI_DECIMAL_POINT.finditer(line)))
        add("Hãy (write Đề nghị đồng chí …)", (m.group(0) for m in HAY.finditer(line)))
        add("để thôi (write để dừng)", (m.group(0) for m in DE_THOI.finditer(line)))
        add("chưa có số liệu beside a number", _no_data_beside_a_number(line, (NO_DATA_VI,)))
        add("xếp x/N (write xếp thứ x/N)", (m.group(0) for m in XEP_WITHOUT_THU.finditer(line)))
        add("sign in a change (write tăng/giảm)", (m.group(0) for m in SIGNED_CHANGE.finditer(line)))
        add(
            "cơ quan chủ trì (write đơn vị chủ trì / phối hợp)",
            (m.group(0) for m in LEAD_AGENCY.finditer(_unquoted(line))),
        )
        if not button:
            add("nhiệm vụ N (write Nhiệm vụ số N)", (m.group(0) for m in TASK_WITHOUT_SO.finditer(line)))
        add("Đồng chí capitalised inside a sentence", _capital_dong_chi(line))
    else:
        unquoted = QUOTED.sub(MASK * 3, line)  # a column, a group, a word the user wrote: quoted as it is
        add("Vietnamese word in English", (m.group(0) for m in EN_VIETNAMESE_WORD.finditer(unquoted)))
        add("Vietnamese unit word in English", (m.group(0) for m in EN_UNIT_WORDS.finditer(unquoted)))
        add("decimal comma in English", (m.group(0) for m in EN_DECIMAL_COMMA.finditer(_unquoted(line))))
        add("no data beside a number", _no_data_beside_a_number(line, EN_NO_DATA_NEAR_NUMBER))
        add("plural after 1", (m.group(0) for m in EN_PLURAL_AFTER_ONE.finditer(line)))
        add("singular after a number", (m.group(0) for m in EN_SINGULAR_AFTER_MANY.finditer(line)))
    return found


PREFIX = 30  # a long data text is recognised by its first PREFIX characters
QUOTED = _rx(r"«[^»\n]*»|“[^”\n]*”|\"[^\"\n]*\"")
COMMAND_EXAMPLE = _rx(
    r"(?<![\w/])/[a-z]+(?: (?![–—·])[^\s,;()]+){0,8}"  # a chat command: /moi Xã Tuấn Sơn chutich …
    r"|cchc-bot(?: [^\s,;]+)*"  # a shell command: cchc-bot indices add MÃ "Tên chỉ số" --max 100
    r"|= \"[^\"\n]*\""  # a setting as written in the TOML file: mode = "webhook"
)


def mask(text: str, data: Iterable[str]) -> str:
    """``text`` with every occurrence of each data string (longest first, as a whole word), and each
    command line a user would type ("/moi Xã Tuấn Sơn chutich Nguyễn Văn An"), replaced by MASK."""
    text = COMMAND_EXAMPLE.sub(MASK * 3, text)
    values = sorted({d for d in data if len(d) >= 3}, key=len, reverse=True)
    for value in values:
        if value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", MASK * 3, text)
    for value in values:  # then the ones a template shortened ("…", "...")
        if len(value) > PREFIX and value[:PREFIX] in text:
            start = text.index(value[:PREFIX])
            end = start + PREFIX
            while end < len(text) and end - start < len(value) and text[end] == value[end - start]:
                end += 1
            text = text[:start] + MASK * 3 + text[end:]
    return text
