"""The ``[dashboard]`` section of the configuration (``models/settings.py`` holds the rest): the read-only web
dashboard the bot serves beside its webhooks (``bot/dashboard/``, ``docs/DASHBOARD.md``)."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from models import settings_checks as check
from models.settings_base import Connections, Deadline, Port, Section


class DashboardConfig(Section):
    """The read-only web dashboard (bot/dashboard/, docs/DASHBOARD.md), served by the bot's own HTTP server."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: Port = 8444  # the webhooks' port too is fine: then one server carries both
    path: str = "/dashboard"
    public_url: str = ""  # HTTPS, what officials open: Telegram opens Mini Apps only over HTTPS
    session_minutes: Annotated[int, Field(ge=5, le=1440)] = 480  # a signed-in browser stays so for a working day
    link_minutes: Annotated[int, Field(ge=1, le=60)] = 10  # a /bangdieukhien link works once, this long
    init_data_minutes: Annotated[int, Field(ge=1, le=1440)] = 10  # Telegram's signed init data is this fresh
    max_connections: Connections = 100
    header_seconds: Deadline = 5
    feed_per_minute: Annotated[int, Field(ge=1, le=6000)] = 60  # reads a minute per machine-feed consumer

    @field_validator("listen", "path", "public_url")
    @classmethod
    def _address(cls, value: str, info: ValidationInfo) -> str:
        if info.field_name == "public_url":
            return check.url(value, https_only=True)
        pattern, kind = (check.HOST, "listen") if info.field_name == "listen" else (check.PATH, "webhook_path")
        return check.matching(pattern, value or " ", kind)

    @model_validator(mode="after")
    def _needs_url(self) -> Self:
        if self.enabled and not self.public_url:
            raise check.needs("public_url", "dashboard_needs")
        return self
