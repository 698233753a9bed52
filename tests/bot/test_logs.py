"""No secret reaches a log line, even inside an exception's text."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactSecrets

TOKEN = "123456789:AAHfake-token_abcdefghijklmnopqrstu"


def test_token_in_url_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactSecrets([TOKEN]))
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info("POST %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
        try:
            raise RuntimeError(f"connect failed for /bot{TOKEN}/getMe")
        except RuntimeError:
            logger.exception("failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert TOKEN not in text
    assert "***" in text


def test_configured_secret_is_masked() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "secret is %s", ("s3cr3t-webhook",), None)
    RedactSecrets(["s3cr3t-webhook"]).filter(record)
    assert record.getMessage() == "secret is ***"
