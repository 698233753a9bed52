"""Logging set-up. No secret may reach a log line: every Telegram and Zalo URL carries the bot token,
so a filter masks anything that looks like one, and httpx's per-request INFO lines are silenced."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

_TOKEN = re.compile(r"(bot)?\d{6,}(:|%3[Aa])[A-Za-z0-9_-]{20,}")  # %3A: the token URL-encoded (file URLs)


class RedactSecrets(logging.Filter):
    """Mask bot tokens and any configured secret in the message and its arguments."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        given = [s for s in (secrets or []) if len(s) >= 6]
        self.secrets = given + [quote(s, safe="") for s in given if quote(s, safe="") != s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _TOKEN.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup(level: str = "INFO", secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):  # our own lines say what matters
        logging.getLogger(noisy).setLevel(logging.WARNING)
