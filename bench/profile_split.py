"""``python -m bench.profile_split bench/out/telegram-bot.prof --updates 6300``: where a Telegram
contender's CPU went, from the cProfile that ``python -m bench.telegram --profile`` writes, or from py-spy's
raw samples of a contender's process (``py-spy record --format raw --full-filenames --threads``; then
``--cpu-ms`` turns shares into ms per update).

Two views, in ms per update (``--updates``: how many the contender answered while profiled; the
benchmark prints it):

- **self time by part**: each function's own time, filed under the part of the path it belongs to (by
  its file: python-telegram-bot, the HTTP client, SQLAlchemy, Jinja2, our packages, …). A C function
  (``~`` in the profile) counts for the part of whoever called it, so ``json.dumps`` of a keyboard is
  python-telegram-bot's and a ``sqlite3`` cursor's execute is the database's.
- **steps**: the cumulative time of the functions that make up an answer (receiving the update, the
  router, rendering, the keyboard, the Bot API call and what it is made of). Steps nest: the Bot API
  call holds its request building, the HTTP client and parsing the returned message.

cProfile slows Python code down about twice, so the figures are larger than the benchmark's CPU per
update; their proportions are what this is for.
"""

from __future__ import annotations

import argparse
import pstats
import sys
from collections import defaultdict
from pathlib import Path

Func = tuple[str, int, str]

# (part, a piece of the file's path); the first that matches wins
PARTS: list[tuple[str, str]] = [
    ("python-telegram-bot: requests (JSON, form)", "/telegram/request/"),
    ("python-telegram-bot: updater, application", "/telegram/ext/"),
    ("python-telegram-bot: objects (parse, to_dict)", "/telegram/"),
    ("HTTP client (httpx, httpcore, h11, anyio)", "/httpx/"),
    ("HTTP client (httpx, httpcore, h11, anyio)", "/httpcore/"),
    ("HTTP client (httpx, httpcore, h11, anyio)", "/h11/"),
    ("HTTP client (httpx, httpcore, h11, anyio)", "/anyio/"),
    ("HTTP client (httpx, httpcore, h11, anyio)", "/ssl.py"),
    ("database (SQLAlchemy, aiosqlite, sqlite3)", "/sqlalchemy/"),
    ("database (SQLAlchemy, aiosqlite, sqlite3)", "/aiosqlite/"),
    ("database (SQLAlchemy, aiosqlite, sqlite3)", "/sqlite3/"),
    ("database (SQLAlchemy, aiosqlite, sqlite3)", "/models/db"),
    ("render (Jinja2, templates, Babel)", "/jinja2/"),
    ("render (Jinja2, templates, Babel)", "/markupsafe/"),
    ("render (Jinja2, templates, Babel)", "/babel/"),
    ("render (Jinja2, templates, Babel)", "/templates/"),
    ("render (Jinja2, templates, Babel)", "/bot/render.py"),
    ("render (Jinja2, templates, Babel)", "/bot/translating.py"),
    ("our channel (bot/telegram, inbox)", "/bot/telegram/"),
    ("our channel (bot/telegram, inbox)", "/bot/inbox.py"),
    ("our channel (bot/telegram, inbox)", "/bot/split.py"),
    ("our core (router, handlers, models)", "/handlers/"),
    ("our core (router, handlers, models)", "/models/"),
    ("logging", "/logging/"),
    ("event loop (asyncio, selectors)", "/asyncio/"),
    ("event loop (asyncio, selectors)", "/selectors.py"),
    ("JSON (json module)", "/json/"),
    ("garbage collector", "<gc>"),
]
OTHER = "other (stdlib: dataclasses, typing, enum, …)"

# (step, file path piece, function name): cumulative time
STEPS: list[tuple[str, str, str]] = [
    ("getUpdates: Update.de_json (parse incoming)", "/telegram/_update.py", "de_json"),
    ("Application.process_update (dispatch)", "/telegram/ext/_application.py", "process_update"),
    ("TelegramChannel.on_update (our whole answer)", "/bot/telegram/channel.py", "on_update"),
    ("  Router.answer (identity, handler, DB)", "/handlers/router.py", "answer"),
    ("  ReplySender.send (render + send)", "/bot/telegram/send.py", "send"),
    ("    Renderer.render (HTML)", "/bot/render.py", "render"),
    ("    Buttons.keyboard (labels, markup)", "/bot/telegram/buttons.py", "keyboard"),
    ("    split_text", "/bot/telegram/send.py", "split_text"),
    ("Bot._post (every Bot API call)", "/telegram/_bot.py", "_post"),
    ("  RequestData.parameters / json_parameters", "/telegram/request/_requestdata.py", "json_parameters"),
    ("  TelegramObject.to_dict (markup, options)", "/telegram/_telegramobject.py", "to_dict"),
    ("  BaseRequest._request_wrapper (HTTP round trip)", "/telegram/request/_baserequest.py", "_request_wrapper"),
    ("    HTTPXRequest.do_request (httpx)", "/telegram/request/_httpxrequest.py", "do_request"),
    ("  BaseRequest.parse_json_payload (answer's JSON)", "/telegram/request/_baserequest.py", "parse_json_payload"),
    ("  Message.de_json (the sent message, parsed)", "/telegram/_message.py", "de_json"),
    ("PacingLimiter.process_request (our limiter)", "/bot/telegram/limits.py", "process_request"),
    ("logging: Logger.debug/info calls", "/logging/__init__.py", "debug"),
    ("logging: isEnabledFor", "/logging/__init__.py", "isEnabledFor"),
]


def part_of(func: Func) -> str | None:
    """The part a Python function belongs to; None for a C function (filed under its caller's)."""
    filename = func[0]
    if filename == "~":
        return "garbage collector" if "gc" in func[2] and "collect" in func[2] else None
    for part, piece in PARTS:
        if piece in filename:
            return part
    return OTHER


def self_times(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of own time per part; a C function's time goes to its callers' parts, shared as they called."""
    table = stats.stats  # type: ignore[attr-defined]
    parts: dict[str, float] = defaultdict(float)

    def owner(func: Func, depth: int = 0) -> dict[str, float]:
        part = part_of(func)
        if part is not None or depth > 3:
            return {part or OTHER: 1.0}
        callers = table[func][4]
        total = sum(entry[2] for entry in callers.values()) or 1.0
        share: dict[str, float] = defaultdict(float)
        for caller, entry in callers.items():
            for name, weight in owner(caller, depth + 1).items():
                share[name] += weight * entry[2] / total
        return share or {OTHER: 1.0}

    for func, (_cc, _nc, tt, _ct, _callers) in table.items():
        for name, weight in owner(func).items():
            parts[name] += tt * weight
    return parts


def step_times(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    table = stats.stats  # type: ignore[attr-defined]
    found = []
    for step, piece, name in STEPS:
        seconds, calls = 0.0, 0
        for func, (_cc, nc, _tt, ct, _callers) in table.items():
            if func[2] == name and piece in func[0]:
                seconds, calls = seconds + ct, calls + nc
        found.append((step, seconds, calls))
    return found


def spy_samples(path: Path) -> list[tuple[str, list[Func], int]]:
    """py-spy's raw output (``record --format raw --full-filenames --threads``): (thread, frames from the
    outermost, samples) per line."""
    found = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        thread, *frames = stack.split(";")
        funcs: list[Func] = []
        for frame in frames:
            name, _, where = frame.rpartition(" (")
            filename, _, lineno = where.rstrip(")").rpartition(":")
            funcs.append((filename, int(lineno) if lineno.isdigit() else 0, name.rpartition(".")[2]))
        found.append((thread.split(": ", 1)[-1], funcs, int(count)))
    return found


def spy_split(path: Path, cpu_ms: float) -> None:
    """The py-spy view: each sample's innermost frame's part, and the steps whose function is on the stack;
    shares of all samples (every thread), times ``cpu_ms`` (the benchmark's CPU per update)."""
    samples = spy_samples(path)
    total = sum(count for _, _, count in samples) or 1
    parts: dict[str, int] = defaultdict(int)
    threads: dict[str, int] = defaultdict(int)
    steps: dict[str, int] = defaultdict(int)
    for thread, funcs, count in samples:
        threads["event loop's thread" if thread == "MainThread" else "other threads (aiosqlite, to_thread)"] += count
        parts[next((p for f in reversed(funcs) if (p := part_of(f)) is not None), OTHER)] += count
        for step, piece, name in STEPS:
            if any(f[2] == name and piece in f[0] for f in funcs):
                steps[step] += count
    unit = "ms/update" if cpu_ms else "%"
    scale = cpu_ms if cpu_ms else 100.0
    print(f"{path.name}: {total} samples" + (f", {cpu_ms:.2f} ms of CPU per update" if cpu_ms else ""))
    for name, count in sorted(threads.items(), key=lambda item: -item[1]):
        print(f"  {count / total * scale:7.3f} {unit}  {count / total:5.1%}  {name}")
    for name, count in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {count / total * scale:7.3f} {unit}  {count / total:5.1%}  {name}")
    print("  steps (on the stack):")
    for step, _piece, _name in STEPS:
        print(f"  {steps[step] / total * scale:7.3f} {unit}  {steps[step] / total:5.1%}  {step}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_split", description=__doc__.splitlines()[0])
    p.add_argument("profile", type=Path, nargs="+", help="bench/out/telegram-<kind>.prof, or py-spy's raw .txt")
    p.add_argument("--updates", type=int, default=0, help="updates answered while profiled (ms per update)")
    p.add_argument("--cpu-ms", type=float, nargs="*", default=[], help="py-spy: CPU ms per update, one per file")
    args = p.parse_args(argv)
    for number, path in enumerate(args.profile):
        if path.suffix == ".txt":
            spy_split(path, args.cpu_ms[number] if number < len(args.cpu_ms) else 0.0)
            continue
        stats = pstats.Stats(str(path))
        total = stats.total_tt  # type: ignore[attr-defined]
        per = 1000 / args.updates if args.updates else 1000.0
        unit = "ms/update" if args.updates else "ms"
        print(f"{path.name}: {total * per:.2f} {unit} profiled in all")
        for name, seconds in sorted(self_times(stats).items(), key=lambda item: -item[1]):
            print(f"  {seconds * per:7.3f} {unit}  {seconds / total:5.1%}  {name}")
        print("  steps (cumulative):")
        for step, seconds, calls in step_times(stats):
            print(f"  {seconds * per:7.3f} {unit}  {calls:7d} calls  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
