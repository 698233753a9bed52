"""Failures a user can cause and fix – a bad configuration, an unreachable or broken database, a full
disk, a lock held too long, a webhook Telegram refuses – each told in ONE line, never a traceback.

A ``Problem`` names a template of ``templates/cli/`` and its context; ``line(lang)`` renders it (the
CLI uses the configuration's language, ``str()`` gives English for logs and tests). ``explain`` turns an
exception from the database layer or the operating system into the Problem that says what to do.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterator
from typing import Any


class Problem(Exception):
    """A failure told in one line from ``templates/cli/<template>.j2`` with ``context``."""

    def __init__(self, template: str, **context: Any) -> None:
        super().__init__(template)
        self.template = template
        self.context = context

    def line(self, lang: str) -> str:
        from bot.render import Renderer
        from handlers.base import Reply

        text = Renderer().render(lang, Reply(f"cli/{self.template}", self.context))
        return " ".join(part.strip() for part in text.splitlines() if part.strip())

    def __str__(self) -> str:
        return self.line("en")


class StartError(Problem):
    """A channel cannot start – a refused token, an unreachable Bot API, a refused webhook, two webhooks
    that cannot share a port – told in one line from ``templates/cli/failure.j2``. The one class
    ``cchc-bot run`` (``bot/serve.py``) and both channels' ``running`` raise; ``channel`` and ``section``
    name the channel at fault and its configuration section (``StartError.of``)."""

    def __init__(self, kind: str, **context: Any) -> None:
        super().__init__("failure", kind=kind, **context)

    @classmethod
    def of(cls, channel: str, section: str) -> Callable[..., StartError]:
        """The failures of one channel: ``StartError.of("Zalo", "zalo")("token_refused", code=401)``."""

        def failed(kind: str, **context: Any) -> StartError:
            return cls(kind, channel=channel, section=section, **context)

        return failed


def short(text: object, limit: int = 200) -> str:
    """One line of at most ``limit`` characters: what a driver or the OS said, as data for a template."""
    first = " ".join(str(text).split())
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what SQLAlchemy wrapped (``.orig``) and what it was raised from, each once."""
    pending, seen = [exc], set[int]()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nxt in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                pending.append(nxt)


def where(url: str) -> str:
    """The database a URL names, without its password: the SQLite file, or host:port/name."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "[database].url"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def explain(exc: BaseException, database_url: str, lock_timeout: int) -> Problem | None:
    """The Problem behind ``exc``, or None when it is none of the failures a user can cause."""
    db = where(database_url)
    sqlite = database_url.startswith("sqlite")
    for cause in _causes(exc):
        text = str(cause).lower()
        name = str(getattr(cause, "sqlite_errorname", ""))
        if (isinstance(cause, OSError) and cause.errno == errno.ENOSPC) or (
            "database or disk is full" in text or name == "SQLITE_FULL"
        ):
            return Problem("failure", kind="disk_full", where=db)
        if "database is locked" in text or name.startswith("SQLITE_BUSY"):
            return Problem("failure", kind="db_locked", where=db, seconds=lock_timeout)
        if "file is not a database" in text or name == "SQLITE_NOTADB" or "malformed" in text:
            return Problem("failure", kind="not_a_database", where=db)
        if "unable to open database file" in text or name.startswith("SQLITE_CANTOPEN"):
            return Problem("failure", kind="cannot_open", where=db)
        if "disk i/o error" in text or name.startswith("SQLITE_IOERR"):
            return Problem("failure", kind="disk_io", where=db)
        if not sqlite and _is_postgres_refusal(cause):
            return Problem("failure", kind="db_refused", where=db, reason=short(cause))
        if not sqlite and isinstance(cause, (ConnectionError, socket.gaierror, TimeoutError)):
            return Problem("failure", kind="db_unreachable", where=db, reason=short(cause.strerror or cause))
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.strerror:
            return Problem("failure", kind="os_error", where=str(cause.filename or db), reason=short(cause.strerror))
    return None


def _is_postgres_refusal(cause: BaseException) -> bool:
    """PostgreSQL answered, and said no (a wrong password, no such database, too many connections)."""
    return type(cause).__module__.startswith("asyncpg") and not isinstance(cause, OSError | TimeoutError)
