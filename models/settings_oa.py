"""The ``[zalo_oa]`` section (with ``[zalo_oa.zns]`` and its templates): the Zalo Official Account channel
and ZNS (bot/zalo_oa/, docs/ZALO_OA.md). A part of ``models/settings.py`` (which puts it into ``Config``),
kept apart for size; the same rules apply: strict, frozen, unknown keys refused, every number bounded.
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from models import settings_checks as check
from models.settings_base import Connections, Deadline, PerSecond, Port, Rates, Section

# The push kinds a ZNS template may carry: the urgent ones (a deadline, a task overdue, an escalation).
# Everything else waits for the window or goes by another channel: it never costs a ZNS message.
ZNS_KINDS = frozenset({"deadline", "overdue", "escalation"})
# An invite code sent to an imported official's phone (/moi zns, cchc-bot invite --zns): its own template,
# parameters from the invite (``name``, ``unit``, ``code``, ``expires_on``, ``expires_at``, ``link``).
INVITE_KIND = "invite"
_DIGITS = re.compile(r"[0-9]{1,32}")
_PARAM = re.compile(r"[A-Za-z0-9_]{1,64}")
_FIELD = re.compile(r"[A-Za-z0-9_.]{1,128}")


class ZnsTemplate(Section):
    """One approved ZNS template: its id, and which field of the push's context fills each parameter
    (``{ "task_no" = "task.number", "due" = "task.due" }``; a date is written dd/mm/yyyy)."""

    template_id: str
    params: dict[str, str] = Field(default_factory=dict)

    @field_validator("template_id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check.matching(_DIGITS, value or " ", "zns_template_id")

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20 or not all(_PARAM.fullmatch(k) and _FIELD.fullmatch(v) for k, v in value.items()):
            raise check.bad("zns_params")
        return value


class ZnsConfig(Section):
    """ZNS: template messages to an official's phone, paid per message delivered."""

    base_url: str = "https://business.openapi.zalo.me"
    unit_price_vnd: Annotated[int, Field(ge=0, le=100_000)] = 300  # what one delivered message costs (the contract's)
    monthly_cap_vnd: Annotated[int, Field(ge=0, le=10_000_000_000)] = 1_000_000  # no ZNS past this spend in a month
    warn_percent: Annotated[int, Field(ge=1, le=100)] = 80  # past this share of the cap, the admins are told
    hours_from: Annotated[int, Field(ge=0, le=23)] = 6  # ZNS is sent only from this hour ...
    hours_until: Annotated[int, Field(ge=1, le=24)] = 22  # ... until this one (bot time zone)
    templates: dict[str, ZnsTemplate] = Field(default_factory=dict)  # push kind (or "invite") -> template

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return check.url(value, https_only=False, empty=False)

    @field_validator("templates")
    @classmethod
    def _kinds(cls, value: dict[str, ZnsTemplate]) -> dict[str, ZnsTemplate]:
        if not set(value) <= ZNS_KINDS | {INVITE_KIND}:
            raise check.bad("zns_kinds", kinds=", ".join(sorted(ZNS_KINDS | {INVITE_KIND})))
        return value

    @model_validator(mode="after")
    def _hours(self) -> Self:
        if self.hours_until <= self.hours_from:
            raise check.bad("zns_hours", key="hours_until")
        return self


class ZaloOaConfig(Section):
    """The province's Zalo Official Account: on when ``app_id`` is set. Events come by webhook only."""

    app_id: str = ""
    oa_id: str = ""
    app_secret: str = ""  # the app's secret key: the OAuth token calls
    oa_secret_key: str = ""  # the OA secret key: signs every webhook event (X-ZEvent-Signature)
    refresh_token: str = ""  # the first refresh token (from authorising the app); renewed ones are kept in the database
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    window_hours: Annotated[int, Field(ge=1, le=168)] = 48  # after a user's last interaction the OA may message them
    renew_minutes: Annotated[int, Field(ge=1, le=600)] = 60  # renew the access token this long before it expires
    webhook_listen: str = "127.0.0.1"
    webhook_port: Port = 8445
    webhook_path: str = "/zalo-oa"
    webhook_max_connections: Connections = 100
    webhook_header_seconds: Deadline = 5
    webhook_body_seconds: Deadline = 10
    per_second: PerSecond = 10
    chat_per_minute: PerSecond = 30
    zns: ZnsConfig = ZnsConfig()

    @property
    def enabled(self) -> bool:
        return bool(self.app_id)

    @property
    def rates(self) -> Rates:
        return Rates(self.per_second, self.chat_per_minute, self.chat_per_minute)

    @field_validator("api_url", "oauth_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return check.url(value, https_only=False, empty=False)

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        return check.matching(check.PATH, value or " ", "webhook_path")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.app_id and not (self.oa_id and self.app_secret and self.oa_secret_key and self.refresh_token):
            raise check.bad("zalo_oa_needs", key="app_id")
        return self
