"""The renderer: numbers and dates as each language writes them, escaping in HTML, numbered buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.render import Renderer
from handlers.base import Button, Reply

PROBE = (
    "{{ score|num }}|{{ people|num(0) }}|{{ rate|pct }}|{{ up|signed }}|{{ down|signed }}|{{ zero|signed }}"
    "|{{ when|day }}|{{ at|day }}|{{ missing|num }}|{{ unknown() }}"
)
VALUES = {
    "score": Decimal("85.94"),
    "people": 1800,
    "rate": Decimal("98.62"),
    "up": Decimal("3.31"),
    "down": Decimal("-0.37"),
    "zero": Decimal("0"),
    "when": date(2024, 9, 30),
    "at": datetime(2024, 9, 30, 1, 5, tzinfo=UTC),
    "missing": None,
}


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    """One template tree and an English catalog, as in templates/."""
    (tmp_path / "labels").mkdir()
    macros = "{% macro unknown() %}{% trans %}chưa có số liệu{% endtrans %}{% endmacro %}\n"
    macros += "{% macro pick(n) %}Chọn <{{ n }}>{% endmacro %}\n"
    (tmp_path / "labels" / "common.j2").write_text(macros)
    (tmp_path / "probe.j2").write_text(PROBE)
    (tmp_path / "note.j2").write_text("{{ title|bold }}: {{ note }} {{ note|italic }}")
    folder = tmp_path / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "chưa có số liệu"\nmsgstr "not available"\n',
        encoding="utf-8",
    )
    return Renderer(tmp_path)


def test_vietnamese_numbers_and_dates(renderer: Renderer) -> None:
    text = renderer.render("vi", Reply("probe", VALUES))
    assert text.split("|") == [
        "85,94",
        "1.800",
        "98,62%",
        "+3,31",
        "−0,37",
        "0,00",
        "30/09/2024",
        "08:05 30/09/2024",  # shown in Asia/Ho_Chi_Minh
        "chưa có số liệu",
        "chưa có số liệu",
    ]


def test_a_time_is_written_in_the_configured_zone(tmp_path: Path) -> None:
    """A province in another zone (or a deployment whose [bot].timezone is not Vietnam's) reads its own clock."""
    from zoneinfo import ZoneInfo

    from bot import config as configuration
    from bot.app import build

    (tmp_path / "at.j2").write_text("{{ at|day }}")
    at = {"at": datetime(2024, 9, 30, 1, 5, tzinfo=UTC)}
    assert Renderer(tmp_path, tz=ZoneInfo("Asia/Tokyo")).render("vi", Reply("at", at)) == "10:05 30/09/2024"
    config = configuration.replace(configuration.load(None, environ={}), "bot", timezone="Asia/Bangkok")
    config = configuration.replace(config, "database", url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert build(config).renderer.tz == ZoneInfo("Asia/Bangkok")


def test_a_template_that_shortens_a_published_figure_rounds_half_up(renderer: Renderer, tmp_path: Path) -> None:
    (tmp_path / "short.j2").write_text("{{ v|num(2) }}|{{ v|num(3) }}|{{ w|num(1) }}|{{ w|signed(4) }}")

    text = renderer.render("vi", Reply("short", {"v": Decimal("47.345"), "w": Decimal("0.25")}))

    assert text == "47,35|47,345|0,3|+0,2500"  # Babel alone rounds half to even: 47,34 and 0,2


def test_english_numbers(renderer: Renderer) -> None:
    text = renderer.render("en", Reply("probe", VALUES))
    assert text.split("|")[:4] == ["85.94", "1,800", "98.62%", "+3.31"]
    assert text.split("|")[-1] == "not available"


def test_unknown_language_falls_back_to_vietnamese(renderer: Renderer) -> None:
    assert renderer.render("fr", Reply("probe", VALUES)).startswith("85,94|1.800")


def test_html_escapes_user_text_and_bolds_with_tags(renderer: Renderer) -> None:
    reply = Reply("note", {"title": "Tiêu đề <x>", "note": "<script>alert('x')</script> & co"})
    html = renderer.render("vi", reply, "html")
    assert html.startswith("<b>Tiêu đề &lt;x&gt;</b>: &lt;script&gt;")
    assert "&amp; co" in html and "<i>&lt;script&gt;" in html
    assert "<script>" not in html


def test_text_format_keeps_user_text_as_typed(renderer: Renderer) -> None:
    reply = Reply("note", {"title": "Tiêu đề <x>", "note": "a & b"})
    assert renderer.render("vi", reply, "text") == "Tiêu đề <x>: a & b a & b"


def test_numbered_buttons_become_numbered_lines(renderer: Renderer) -> None:
    buttons = [[Button("common.pick", "/x 1", {"n": 1}), Button("common.pick", "/x 2", {"n": 2})]]
    buttons += [[Button("common.unknown", "/x 3")]]
    reply = Reply("note", {"title": "T", "note": "n"}, buttons=buttons)
    assert renderer.render("vi", reply, numbered_buttons=True).endswith(
        "\n\n1. Chọn <1>\n2. Chọn <2>\n3. chưa có số liệu"
    )
    assert renderer.render("vi", reply) == "T: n n"


def test_labels_come_from_the_family_macro(renderer: Renderer) -> None:
    assert renderer.label("vi", Button("common.pick", "/x", {"n": 7})) == "Chọn <7>"
    with pytest.raises(KeyError):
        renderer.label("vi", Button("common.nothing", "/x"))


def test_unknown_format_is_refused(renderer: Renderer) -> None:
    with pytest.raises(ValueError):
        renderer.render("vi", Reply("probe", VALUES), "markdown")


def test_real_labels_render_in_both_languages() -> None:
    real = Renderer()
    assert real.label("vi", Button("tasks.detail", "/nhiemvu 12", {"number": 12})) == "Nhiệm vụ 12"
    assert real.label("en", Button("tasks.detail", "/nhiemvu 12", {"number": 12})) == "Task 12"
    assert real.label("vi", Button("common.yes", "/capnhat dongy")) == "Đồng ý"
