"""A context written to the corpus and read back gives the templates what the live objects gave them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from markupsafe import Markup

from bot.render import _environment
from models import Role
from models.clock import DEFAULT_TZ
from tests.golden import corpus


@dataclass
class Line:
    number: int
    content: str
    due: date | None
    helper: object = None  # not read by the template: not stored unless it is plain data


class Counted(NamedTuple):
    name: str
    n: int

    @property
    def doubled(self) -> int:
        return self.n * 2


def _round_trip(source: str, context: dict[str, object]) -> tuple[str, str]:
    """The template rendered with the live context, and with the context stored and loaded back."""
    template = _environment(corpus.TEMPLATES, "vi", "html").from_string(source)
    accessed: dict[int, set[str]] = {}
    env = template.environment
    original = env.getattr

    def noting(obj: object, attribute: str) -> object:
        accessed.setdefault(id(obj), set()).add(attribute)
        return original(obj, attribute)

    env.getattr = noting  # type: ignore[method-assign]
    try:
        live = template.render(context)
    finally:
        del env.getattr
    stored = json.loads(json.dumps(corpus.dump(context, accessed)))
    return live, template.render(corpus.load(stored))


def test_numbers_dates_and_enums_read_the_same_after_storing() -> None:
    source = "{{ score|num }} {{ rate|pct }} {{ due|day }} {{ at|day }} {{ role }} {{ role.value }} {{ note }}"
    context = {
        "score": Decimal("85.945"),
        "rate": Decimal("98.6297"),
        "due": date(2024, 9, 30),
        "at": datetime(2024, 9, 30, 23, 30, tzinfo=DEFAULT_TZ),
        "role": Role.LEADER,
        "note": Markup("<b>đậm</b>"),
    }
    live, again = _round_trip(source, context)
    assert again == live == "85,95 98,63% 30/09/2024 23:30 30/09/2024 leader leader <b>đậm</b>"


def test_objects_rows_and_keyed_dicts_keep_what_the_template_reads() -> None:
    source = (
        "{% for l in lines %}{{ l.number }}. {{ l.content }} {{ l.due|day }}"
        "{% if l.number in files %} 📎{{ files[l.number] }}{% endif %}\n{% endfor %}"
        "{% for name, n in counts %}{{ name }}={{ n }}{% endfor %} {{ counts[0].doubled }} {{ pair is sequence }}"
    )
    context = {
        "lines": [Line(1, "Rà soát <thủ tục>", date(2024, 6, 30)), Line(2, "Số hoá hồ sơ", None)],
        "files": {1: 3},
        "counts": [Counted("xã", 61), Counted("phường", 4)],
        "pair": (1, 2),
    }
    live, again = _round_trip(source, context)
    assert again == live
    assert "1. Rà soát &lt;thủ tục&gt; 30/06/2024 📎3" in live and "xã=61phường=4 122 True" in live


def test_an_object_keeps_no_attribute_the_template_did_not_read_unless_plain_data() -> None:
    stored = corpus.dump(Line(1, "x", None, helper=object()), {})
    assert stored == {"$obj": "Line", "attrs": {"content": "x", "due": None, "number": 1}}
