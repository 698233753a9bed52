"""The mechanical rules of ``docs/STYLE_VI.md`` hold over every line the bot writes: each line of the golden
transcripts (every command, every role, the pushes) and every message of the golden corpus (every
template, rendered in text format in both languages).

Data is not ours to restyle: the demo's task titles, notes, names and plan titles (the transcripts), and
the multi-word texts of a recorded context (the corpus) are masked before the rules run. A failure lists
every line that breaks a rule, by file, line (or corpus entry) and rule.
"""

from __future__ import annotations

import csv
import html
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs.kinds import CONTENT_CHARS, KINDS
from models.demo._targets import PROGRAMME
from tests.golden import corpus
from tests.style import rules
from tests.style import transcripts as t

DEMO = Path(__file__).resolve().parents[2] / "models" / "demo"
NOT_DATA = {"units.csv"}  # unit names are the bot's to write ("UBND xã …", "… Commune People's Committee")
# ... but departments and agencies keep their Vietnamese names in English (templates/macros/units.j2)
KEEP_NAME_KINDS = {"department", "agency", "center"}
TEXT = ("vi/text", "en/text")
TAG = re.compile(r"<[^>]*>")  # the tags of a dashboard page (its visible text is what the style sheet is about)


def _with_truncations(values: set[str]) -> set[str]:
    """The texts, and each long one as a push shortens it (``jobs.kinds.task_ctx``)."""
    short = {v[: CONTENT_CHARS - 1].rstrip() for v in values if len(v) > CONTENT_CHARS}
    return values | short


def _multiword(value: str) -> bool:
    return len(value) >= 3 and any(c.isspace() for c in value.strip())


def _is_data(value: str) -> bool:
    """A text of a recorded context the template shows as it is: a name, a title, what the user typed (a
    push kind is not: showing "overdue" is a rule broken)."""
    value = value.strip()
    return len(value) >= 3 and value not in KINDS and not rules.RAW_ID.search(value)


def typed() -> set[str]:
    """What the transcripts' users typed after a command ("MINHSON", "Xã Không Có"): quoted back, it is data."""
    found = set()
    for role in t.ROLES:
        for text in t.commands(role):
            words = text.split(maxsplit=1)
            found.update(w for w in (words[1:] + text.split()[1:]) if len(w) >= 3)
            if not text.startswith("/"):
                found.add(text)
    return found


def demo_data() -> set[str]:
    """The texts of the demo's files that are data: every multi-word cell and TOML string, but unit names."""
    found: set[str] = set()
    for path in DEMO.glob("*.csv"):
        if path.name in NOT_DATA:
            continue
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        for row in csv.reader(lines):
            found.update(cell.strip() for cell in row if _multiword(cell))
    units = [line for line in (DEMO / "units.csv").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    found.update(row["name"] for row in csv.DictReader(units) if row["kind"] in KEEP_NAME_KINDS)
    for path in DEMO.glob("*.toml"):
        found.update(_strings(tomllib.loads(path.read_text(encoding="utf-8"))))
    found.add(PROGRAMME)  # the targets' programme is named in the loader, not in targets.csv
    found = {value.replace("{year}", str(t.NOW.year)) for value in found if _multiword(value)}
    return _with_truncations(found)


def _strings(value: Any) -> Iterator[str]:
    """Every string of a JSON or TOML value, tags of ``tests/golden/corpus`` left out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not (key.startswith("$") and isinstance(item, str)):  # "$obj": "TaskLine" names a class
                yield from _strings(item)


def transcript_problems() -> Iterator[str]:
    """Each (line, rule, words) once, with the first file and line that shows it and how many more do."""
    data = demo_data() | typed()
    seen: dict[tuple[str, str, str, str], list[str]] = {}
    for role in t.ROLES:
        for lang in t.LANGUAGES:
            path = t.transcript_path(role, lang)
            if not path.is_file():
                seen[(path.name, "", "", "")] = [f"{path.name}: missing (record it with `make transcripts`)"]
                continue
            for number, line in t.answer_lines(path.read_text(encoding="utf-8")):
                button = line.startswith("[") and line.endswith("]")
                for problem in rules.problems(rules.mask(line, data), lang, button=button):
                    where = f"transcripts/{path.name}:{number}"
                    key = (lang, problem.rule, problem.words, line.strip())
                    seen.setdefault(key, []).append(f"{where}: [{problem.rule}] {problem.words!r} in: {line.strip()}")
    for shown in seen.values():
        yield shown[0] + (f"  (and {len(shown) - 1} more lines)" if len(shown) > 1 else "")


GARBAGE_IN = ("tests/security/test_fuzz.py",)  # generated nonsense typed on purpose: its echo is not our sentence
KIND_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Huyện ", "Tỉnh ", "Thành phố ")


def corpus_problems() -> Iterator[str]:
    """Each (template, language, rule, words) once, with the first entry that shows it and how many do."""
    seen: dict[tuple[str, str, str, str], list[str]] = {}
    for path in corpus.corpus_files():
        for number, entry in enumerate(corpus.read(path)):
            raw = entry.get("context", entry.get("args"))
            if entry.get("test", "").startswith(GARBAGE_IN):
                continue
            texts = {s.strip() for s in _strings([raw, entry.get("kwargs")]) if _is_data(s)}
            texts |= {s.split(" ", 1)[1] for s in texts if s.startswith(KIND_WORDS)}  # "Xã A" is "A Commune" in English
            texts |= {part.strip() for s in texts if "\n" in s for part in s.split("\n")}  # typed over several lines
            data = _with_truncations(texts)
            technical = corpus.source_file(entry).startswith("cli/") or "/cli_" in corpus.source_file(entry)
            page = corpus.source_file(entry).startswith("dashboard/")  # an HTML page: its visible text is read
            for combo in TEXT:
                lang = combo.partition("/")[0]
                lines = entry["out"][combo]
                if page:  # each text between two tags (a table cell, a link) is read on its own
                    lines = [html.unescape(part) for line in lines for part in TAG.split(line) if part.strip()]
                for line in lines:
                    for problem in rules.problems(
                        rules.mask(line, data), lang, button=entry["kind"] == "label", technical=technical
                    ):
                        key = (corpus.source_file(entry), lang, problem.rule, problem.words)
                        where = f"corpus/{path.relative_to(corpus.CORPUS).as_posix()} entry {number} ({lang})"
                        seen.setdefault(key, []).append(
                            f"{where}: [{problem.rule}] {problem.words!r} in: {line.strip()}"
                        )
    for shown in seen.values():
        yield shown[0] + (f"  (and {len(shown) - 1} more entries)" if len(shown) > 1 else "")


def _report(found: list[str]) -> str:
    rule_of = Counter(line.split("[", 1)[1].split("]", 1)[0] for line in found if "[" in line)
    summary = "\n".join(f"  {count:4} {rule}" for rule, count in rule_of.most_common())
    return f"{len(found)} lines break the style sheet (docs/STYLE_VI.md):\n{summary}\n\n" + "\n".join(found)


def test_every_transcript_line_follows_the_style_sheet() -> None:
    found = list(transcript_problems())
    assert not found, _report(found)


def test_every_recorded_message_follows_the_style_sheet() -> None:
    found = list(corpus_problems())
    assert not found, _report(found)


@pytest.mark.parametrize(
    ("line", "lang", "rule"),
    [
        ("Gõ «huỷ» để thôi.", "vi", "quote marks « »"),
        ("Gõ «huỷ» để thôi.", "vi", "spelling hoà/hoá/huỷ (write hòa/hóa/hủy)"),
        ("Gõ «huỷ» để thôi.", "vi", "để thôi (write để dừng)"),
        ("Tỉ lệ số hoá hồ sơ", "vi", "Tỉ lệ (write Tỷ lệ)"),
        ("Hãy cập nhật tiến độ", "vi", "Hãy (write Đề nghị đồng chí …)"),
        ("• 14:32 02/12/2026, assignment:461", "vi", "raw id"),
        ("Loại: overdue", "vi", "raw kind or code"),
        ("Hoàng Văn MinhĐã thử 8 lần", "vi", "glued words"),
        ("(hoàn thành 02/11/2026 (quá hạn))", "vi", "nested parentheses"),
        ("quá hạn 1251 ngày", "vi", "number without thousands separator"),
        ("SIPAS 2023: chưa có số liệu (trên 79%)", "vi", "chưa có số liệu beside a number"),
        ("PAR INDEX: chưa có số liệu, giảm 33 bậc", "vi", "chưa có số liệu beside a number"),
        ("Đơn vị xếp 47/63", "vi", "xếp x/N (write xếp thứ x/N)"),
        ("PAPI 2023: −0,37 điểm", "vi", "sign in a change (write tăng/giảm)"),
        ("Cơ quan chủ trì: Sở Tư pháp", "vi", "cơ quan chủ trì (write đơn vị chủ trì / phối hợp)"),
        ("Đề nghị báo cáo nhiệm vụ 11", "vi", "nhiệm vụ N (write Nhiệm vụ số N)"),
        ("giá trị None", "vi", "Python repr"),
        ("target at most 30 bậc", "en", "Vietnamese word in English"),
        ("People's Committee of Tỉnh Lạng Sơn", "en", "Vietnamese unit word in English"),
        ("1 assignments done", "en", "plural after 1"),
        ("score 85,94", "en", "decimal comma in English"),
        ('Type "cancel" to stop', "en", 'straight quotes "…" around words'),
    ],
)
def test_each_rule_catches_what_the_issue_found(line: str, lang: str, rule: str) -> None:
    assert rule in {p.rule for p in rules.problems(line, lang)}


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        ("Tỷ lệ hoàn thành nhiệm vụ đến hạn: 8/15 nhiệm vụ, đạt 53,33%.", "vi"),
        ("Nhiệm vụ số 12: hoàn thành ngày 12/11/2026, tiến độ 100%; 1.800 hồ sơ; quý II/2026", "vi"),
        ("UBND xã Tuấn Sơn xếp thứ 47/63, giảm 33 bậc, tăng 0,37 điểm; Quỹ, quý, hòa, hủy, Ủy ban", "vi"),
        ("Đề nghị đồng chí cập nhật tiến độ: /capnhat 2. Gõ “hủy” để dừng.", "vi"),
        ("Mã đơn vị 06457; mã mời ABCD2345; lúc 16:00", "vi"),
        ("Tuấn Sơn Commune People's Committee ranks 47th of 63, down 33 places; 1,800 dossiers; 85.94", "en"),
        ("1 task overdue, 2 tasks in time; the units' results", "en"),
    ],
)
def test_what_the_style_sheet_asks_for_passes(line: str, lang: str) -> None:
    assert rules.problems(line, lang) == []


def test_data_is_masked_before_the_rules_run() -> None:
    line = "• Số hoá hồ sơ một cửa (hạn 22/03/2026)"
    assert rules.problems(rules.mask(line, {"Số hoá hồ sơ một cửa"}), "vi") == []


def test_the_demo_gives_the_transcripts_data_to_mask() -> None:
    assert "Hoàng Văn Minh (demo)" in demo_data()
    assert not [value for value in demo_data() if value.startswith("Xã ")]  # unit names are checked
