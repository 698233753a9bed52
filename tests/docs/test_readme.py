"""The README's flows as written: its ``cchc-bot import|indices|invite`` lines run in the documented order
against the databases their comment names (the demo; one made by ``cchc-bot init --province "Lạng Sơn"``
with today's unit list; the 2023–2024 files, which name units by the province's own codes, into the demo
and into one made with ``--code LS``), and every chat example of
README.md and of /help (``templates/help/list.j2``) answers a fitting demo account with something other
than an error. The examples are read from the documents, so a new one is covered without editing this
file."""

from __future__ import annotations

import re
import shlex
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cli
from bot import config as configuration
from bot.app import build, prepare
from bot.render import TEMPLATES, Renderer, translations
from handlers.base import HandlerConfig, Incoming
from handlers.registry import app_commands
from handlers.router import Router
from models import DEFAULT_TZ, FrozenClock
from models.demo import load_demo
from tests.bot.test_setup_cli import config_for

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)
# what an answer that failed reads like, in either language
ERRORS = ("Không tìm thấy", "errors/", "Lỗi", "không hiểu", "not found", "Error", "did not understand")
SETUP_ONLY = ("demo", "init", "chat", "run", "backup", "db", "jobs", "report")  # covered by their own tests
# choosing between Telegram and Zalo needs an official linked to both; the demo's accounts are console ones
LINKED_CHATS = {"kenh"}
DEFAULT = 'into the demo, or after `init --province "Lạng Sơn"`'  # for lines under no comment


def cchc_bot(line: str) -> list[str] | None:
    """The arguments of a ``cchc-bot`` line that loads or describes data, else None."""
    words = shlex.split(line, comments=True)
    if len(words) > 1 and words[0] in ("cchc-bot", ".venv/bin/cchc-bot") and words[1] not in SETUP_ONLY:
        return words[1:]
    return None


def readme_flows() -> list[tuple[str, list[list[str]]]]:
    """(the comment that says which database, the commands below it) for README.md's shell blocks: a
    comment line starts a flow; its lines run in the order written."""
    flows: list[tuple[str, list[list[str]]]] = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL):
        said, commands = "", []
        for line in block.splitlines():
            if line.startswith("#"):
                if commands:
                    flows.append((said or DEFAULT, commands))
                    said, commands = "", []
                said += " " + line.lstrip("# ")
            elif (words := cchc_bot(line)) is not None:
                commands.append(words)
        if commands:
            flows.append((said or DEFAULT, commands))
    return flows


def databases(said: str) -> list[tuple[str, list[list[str]]]]:
    """The databases a flow's comment names, each with the commands that make it: the demo ("into the
    demo", unless "not into the demo"), and each backticked ``init …`` with the ``import …`` after it."""
    found: list[tuple[str, list[list[str]]]] = []
    if "into the demo" in said and "not into the demo" not in said:
        found.append(("demo", []))
    for init in re.findall(r"`(init [^`]*)`((?:\s*and\s*`import [^`]*`)*)", said):
        setup = [shlex.split(init[0])] + [shlex.split(i) for i in re.findall(r"`(import [^`]*)`", init[1])]
        found.append((init[0], setup))
    return found


FLOWS = [
    pytest.param(setup, commands, id=f"{name} ({commands[0][1]}…)")
    for said, commands in readme_flows()
    for name, setup in databases(said)
]


def chat_examples() -> list[tuple[str, str]]:
    """(who, text) for every chat example: the backticked commands of README.md's table of commands (as the
    role of their row says: the secretariat's as the admin) and the examples of /help in each language."""
    examples: list[tuple[str, str]] = []
    for line in README.splitlines():
        if not line.startswith("| `/"):  # the table of chat commands; its last column holds the examples
            continue
        who = "admin" if "| secretariat |" in line else "chair"
        for text in re.findall(r"`(/[a-z]+(?: [^`<]*)?)`", line.rstrip(" |").rpartition("|")[2]):
            if app_commands().get(text.split()[0][1:]) is not None:
                examples.append((who, text))
    help_list = (TEMPLATES / "help" / "list.j2").read_text("utf-8")
    for lang in ("vi", "en"):
        said = translations(TEMPLATES, lang).gettext  # an example worded per language is a catalog entry: _("…")
        for name, example in re.findall(r'"(\w+)": \(_\("[^"]*"\), (?:_\()?"([^"]*)"\)?\)', help_list):
            shown = said(example)
            admin = name in {"moi", "canbo", "thuhoi", "nhatky", "tailen", "nhacnho", "tinhhinhbaocao"}
            if name not in LINKED_CHATS:
                examples += [("admin" if admin else "chair", text.strip()) for text in shown.split("·")]
    unique = list(dict.fromkeys(examples))
    # a language switch last, so every other example is read in Vietnamese
    return sorted(unique, key=lambda example: example[1].startswith("/ngonngu"))


def test_the_readme_has_the_examples_this_test_reads() -> None:
    flows = readme_flows()
    assert all(databases(said) for said, _ in flows), flows  # every flow says where it goes
    commands = {" ".join(words) for _, commands in flows for words in commands}
    assert any(c.startswith("import units samples/don_vi.xlsx") for c in commands)
    assert any(c.startswith("import tasks samples/ke_hoach_2026.xlsx") for c in commands)
    assert {"demo", 'init --province "Lạng Sơn"'} <= {name for said, _ in flows for name, _ in databases(said)}
    # the 2023–2024 samples, named by the province's own codes, go into the demo and into an --code LS database
    old_files = [said for said, commands in flows if ["import", "units", "samples/don_vi.xlsx"] in commands]
    assert {"demo", 'init --province "Lạng Sơn" --code LS'} <= {n for said in old_files for n, _ in databases(said)}
    texts = {text for _, text in chat_examples()}
    assert {"/diem par 2023", "/nhiemvu quahan", "/canbo 06457", "/moi Xã Tuấn Sơn chutich Nguyễn Văn An"} <= texts


def test_every_sample_has_a_readme_flow() -> None:
    """Each importable file of samples/README.md's table is loaded by a README flow (the broken one is
    there to be refused)."""
    table = (ROOT / "samples" / "README.md").read_text("utf-8")
    samples = set(re.findall(r"^\| `([\w.]+)` \| `\w+` \|", table, re.MULTILINE)) - {"ke_hoach_loi.xlsx"}
    loaded = {Path(word).name for _, commands in readme_flows() for words in commands for word in words}
    loaded |= {
        Path(word).name for said, _ in readme_flows() for _, setup in databases(said) for w in setup for word in w
    }
    assert len(samples) >= 8 and samples <= loaded, samples - loaded


async def run(config: configuration.Config, words: list[str], capsys: pytest.CaptureFixture[str]) -> str | None:
    """Runs ``cchc-bot words`` as the command line would; None when it succeeded, else what it said."""
    args = cli.parser().parse_args(words)
    code = await cli.COMMANDS[args.command](config, args)
    out, err = capsys.readouterr()
    return None if code == 0 else f"{' '.join(words)} → {code}: {out}{err}"


@pytest.mark.parametrize(("setup", "commands"), FLOWS)
async def test_the_readme_commands_work_where_it_says(
    db_url: str, setup: list[list[str]], commands: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(db_url)
    if not setup:  # the demo, as `make run` loads it
        app = build(config)
        try:
            assert await prepare(app, load_demo=True)
        finally:
            await app.close()
    for words in setup:
        assert await run(config, words, capsys) is None
    capsys.readouterr()
    failed = [said for words in commands if (said := await run(config, words, capsys)) is not None]
    assert not failed, "\n".join(failed)


async def test_every_chat_example_answers(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await load_demo(session, FrozenClock(at=NOW))
        await session.commit()
    router = Router(sessions, clock=FrozenClock(at=NOW), settings=HandlerConfig())
    failed = []
    for who, text in chat_examples():
        lang, replies = await router.handle(Incoming("console", who, who, text))
        answer = "\n\n".join(Renderer().render(lang, reply, "text") for reply in replies)
        templates = [str(getattr(reply, "template", "")) for reply in replies]
        if not answer.strip() or any(error in answer for error in ERRORS) or any("errors/" in t for t in templates):
            failed.append(f"{who}: {text} → {answer}")
    assert not failed, "\n".join(failed)
