"""The configuration's typed schema: every section, every key with its type and range, and the checks across
keys, declared once (pydantic models: strict, frozen, unknown keys refused). ``bot/config.py`` reads the
TOML file and the environment overrides into ``Config``; ``bot/config_errors.py`` turns a failed check into
one line. Each layer is then handed the sections it reads, as they are: the dispatcher ``[dispatch]`` and
the channels' rates, the push jobs ``PushRules`` (``[reminders]``, ``[schedule]``, ``[bot]``), the handlers
``[bot]`` and the bot's username. A value a layer derives from its keys is a property or method of the
section (``BotConfig.tz``, ``RemindersConfig.quiet_hours``, ``TelegramConfig.rates``,
``DispatchConfig.backoff``), so no layer copies keys into an object of its own.

Why in ``models/``: every layer may import ``models/`` (bot → handlers → models, jobs → models), and this
module imports nothing above it: ``models.clock``, ``models.quiet``, ``models.calendar`` (whose
``CalendarConfig`` is the [calendar] section) and its parts ``models.settings_base`` (the ranges),
``models.settings_checks`` (the checks), ``models.settings_oa`` (``[zalo_oa]``) and
``models.settings_dashboard`` (``[dashboard]``). Reading the file, the environment and the error sentences
stay in ``bot/``: they are the program's start-up, not the schema.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models import settings_checks as check
from models.calendar import CalendarConfig, WorkCalendar
from models.clock import DEFAULT_TZ
from models.quiet import QuietHours
from models.settings_base import (
    Connections,
    Days,
    DaysAfter,
    DaysLeft,
    Deadline,
    GroupIds,
    OffsetDays,
    OverdueDays,
    PerSecond,
    Port,
    Rates,
    Seconds,
    Section,
)
from models.settings_dashboard import DashboardConfig
from models.settings_oa import ZaloOaConfig, ZnsConfig, ZnsTemplate
from models.settings_zalo import MaxUsers, ZaloBot, ZaloBotConfig, all_bots, bot_named, check_bots

__all__ = [
    "SCHEDULE_JOBS",
    "BotConfig",
    "CalendarConfig",
    "Config",
    "ConsoleConfig",
    "DashboardConfig",
    "DatabaseConfig",
    "DispatchConfig",
    "Rates",
    "RemindersConfig",
    "ReportsConfig",
    "ScheduleConfig",
    "Section",
    "TelegramConfig",
    "WebhookSection",
    "ZaloBot",
    "ZaloBotConfig",
    "ZaloConfig",
    "ZaloOaConfig",
    "ZnsConfig",
    "ZnsTemplate",
]

SCHEDULE_JOBS = ("reminders", "digests", "leader_digests", "drives", "quarterly", "index_news", "report_inputs")


class DatabaseConfig(Section):
    url: str = "sqlite+aiosqlite:///var/cchc.db"
    echo: bool = False
    messages_at_once: Annotated[int, Field(ge=1, le=64)] = 2  # messages in their transaction at once, per process
    lock_timeout_seconds: Annotated[int, Field(ge=1, le=600)] = 30  # SQLite: a write waits this long for a lock

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise check.bad("database_url")
        try:
            make_url(value)  # a port that is no number, a broken host
        except (ArgumentError, ValueError):
            raise check.bad("database_url") from None
        return value


class BotConfig(Section):
    default_language: Literal["vi", "en"] = "vi"
    timezone: str = DEFAULT_TZ.key
    due_soon_days: Days = 30
    invite_ttl_hours: Annotated[int, Field(ge=1, le=8760)] = 72
    page_size: Annotated[int, Field(ge=1, le=50)] = 10
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    load_demo_when_empty: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise check.bad("time_zone") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The zone every date, deadline and time shown is read in."""
        return ZoneInfo(self.timezone)


class WebhookSection(Section):
    """What the Telegram and Zalo channels share: a token, polling or a webhook, and the webhook server's
    address, secret and limits (``bot/webhooks.py``). A channel's section names its path and secret rules."""

    PATH: ClassVar[re.Pattern[str]] = check.PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (check.TELEGRAM_SECRET, 1)  # the pattern, its shortest length

    token: str = ""
    mode: Literal["polling", "webhook"] = "polling"
    webhook_listen: str = "127.0.0.1"
    webhook_public_url: str = ""  # Telegram and Zalo post only to HTTPS
    webhook_secret: str = ""
    webhook_max_connections: Connections = 100  # open at once; more close the slowest (bot/webhooks.py)
    webhook_header_seconds: Deadline = 5  # a request's line and headers must arrive within this
    webhook_body_seconds: Deadline = 10  # a request's body must arrive within this

    @field_validator("webhook_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return check.url(value, https_only=True)

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        return check.matching(check.HOST, value or " ", "listen")

    @field_validator("webhook_path", check_fields=False)
    @classmethod
    def _path(cls, value: str) -> str:
        return check.matching(cls.PATH, value or " ", "webhook_path")

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        pattern, low = cls.SECRET
        return check.matching(pattern, value, "secret", low=low, high=256)

    @model_validator(mode="after")
    def _webhook_mode(self) -> Self:
        if self.mode == "webhook" and self.token and not (self.webhook_public_url and self.webhook_secret):
            raise check.needs("mode")
        return self


class TelegramConfig(WebhookSection):
    PATH: ClassVar[re.Pattern[str]] = check.TELEGRAM_PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (check.TELEGRAM_SECRET, 1)  # what setWebhook's secret_token accepts

    base_url: str = ""  # empty: the public Bot API; set for a local Bot API server
    bot_username: str = ""
    webhook_port: Port = 8443
    webhook_path: str = "/telegram"
    # Telegram's flood limits, for replies and pushes alike (bot/telegram/limits.py, jobs/pacing.py)
    per_second: PerSecond = 30
    chat_per_second: Annotated[int, Field(ge=1, le=100)] = 1
    group_per_minute: PerSecond = 20

    @property
    def rates(self) -> Rates:
        return Rates(self.per_second, self.chat_per_second * 60, self.group_per_minute)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return check.url(value, https_only=False)

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str) -> str:
        return check.matching(check.USERNAME, value, "username")


class ZaloConfig(WebhookSection):
    """The Zalo Bot API channel (bot/zalo/, docs/ZALO.md)."""

    PATH: ClassVar[re.Pattern[str]] = check.PATH
    SECRET: ClassVar[tuple[re.Pattern[str], int]] = (check.ZALO_SECRET, 8)

    base_url: str = "https://bot-api.zaloplatforms.com"
    poll_timeout: Annotated[int, Field(ge=1, le=60)] = 30  # seconds one getUpdates call may wait for an update
    min_poll_interval_ms: Annotated[int, Field(ge=0, le=60000)] = 1000  # at least this long between two getUpdates
    markdown: bool = False  # send with parse_mode "markdown" (falls back to plain text when refused)
    public_image_url: str = ""  # where image_dir is served over public HTTPS; empty: charts are not sent
    image_dir: str = "var/zalo-images"  # charts are saved here as PNG files for Zalo to fetch
    file_days: Annotated[int, Field(ge=1, le=3650)] = 7  # a file sent as a link (xlsx, docx) is deleted after this
    groups: bool = False  # answer in group chats (Beta on Zalo): only messages that mention the bot
    group_allow: GroupIds = Field(default_factory=list)  # group chat ids allowed; empty: none
    webhook_port: Port = 8444
    webhook_path: str = "/zalo"
    monthly_budget: Annotated[int, Field(ge=1, le=10_000_000)] = 3000  # messages a month the plan allows
    budget_warn_percent: Annotated[int, Field(ge=1, le=100)] = 80  # past this share, admins warned, pushes merged
    budget_file: str = "var/zalo-budget.json"  # where the month's count is kept; empty: in memory only
    per_second: PerSecond = 5  # Zalo publishes no rate: a cautious one
    chat_per_minute: PerSecond = 30
    max_users: MaxUsers = 50  # officials registered on the bot of ``token`` at most ("default")
    link: str = ""  # where an official finds that bot: named when another bot is full
    bots: list[ZaloBotConfig] = Field(default_factory=list, max_length=100)  # [[zalo.bots]]: models/settings_zalo.py

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.bots)

    def all_bots(self) -> tuple[ZaloBot, ...]:
        return all_bots(self)

    def bot_named(self, name: str) -> ZaloBot | None:
        return bot_named(self, name)

    @property
    def rates(self) -> Rates:
        """Zalo has no separate group rate: a group is paced like a private chat."""
        return Rates(self.per_second, self.chat_per_minute, self.chat_per_minute)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return check.url(value, https_only=False, empty=False)

    @field_validator("public_image_url", "link")
    @classmethod
    def _image_url(cls, value: str) -> str:
        return check.url(value, https_only=False)

    @model_validator(mode="after")
    def _image_dir(self) -> Self:
        if self.public_image_url and not self.image_dir:
            raise check.needs("image_dir", "image_dir_needed")
        check_bots(self)
        return self


class RemindersConfig(Section):
    offsets_days: OffsetDays = Field(default_factory=lambda: [7, 3, 1, 0])
    overdue_daily: bool = True  # the overdue notice on or off (on its days, no longer every day)
    overdue_days: OverdueDays = Field(default_factory=lambda: [1, 3, 7])  # days overdue a notice goes on ...
    overdue_repeat_days: Days = 7  # ... then every this many days after the last (0: no more)
    escalate_after_days: Days = 7
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"
    weekends: bool = False
    recent_report_days: Days = 3  # no T-x reminder of a task its unit reported on within this many days
    one_message_a_day: bool = True  # non-urgent pushes to one official: at most one message a day, merged

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise check.bad("clock_time") from None
        return value

    def quiet_hours(self, tz: ZoneInfo, calendar: WorkCalendar | None = None) -> QuietHours:
        """When non-urgent pushes wait: quiet hours, and the days off of ``calendar`` unless ``weekends``."""
        start, end = time.fromisoformat(self.quiet_start), time.fromisoformat(self.quiet_end)
        return QuietHours(start, end, self.weekends, tz, calendar)


class ScheduleConfig(Section):
    """When the push jobs run (cron expressions in [bot].timezone; "" switches a job off) and the push
    rules that are not [reminders]. Owned by jobs/scheduler.py; the job names are those of jobs.due.JOBS."""

    enabled: bool = True
    reminders: str = "0 8 * * *"  # deadline reminders, overdue notices, escalations
    digests: str = "30 7 * * mon"  # weekly digest to unit heads: the week ahead
    leader_digests: str = "0 16 * * fri"  # weekly digest to provincial leaders: the week's changes
    drives: str = "0 9 * * *"  # drive start, weekly standings, milestones, final result
    quarterly: str = "15 8 * * *"  # the reminder before each quarterly review
    index_news: str = "0 9,14 * * mon-fri"  # a new month of the 766 index: units that fell or are in the bottom five
    report_inputs: str = "45 8 * * *"  # the units' inputs to the periodic report: asked, then reminded ([reports])
    quarterly_days_before: Annotated[int, Field(ge=0, le=92)] = 7  # remind this many days before the quarter ends
    drive_days_left: DaysLeft = Field(default_factory=lambda: [30, 7, 1])  # drive milestones besides half-way
    catch_up_days: Annotated[int, Field(ge=0, le=31)] = 1  # a missed one-off push is still sent this many days late
    catch_up_minutes: Annotated[int, Field(ge=0, le=10080)] = 120  # a job this recently due runs at once at start

    @field_validator(*SCHEDULE_JOBS)
    @classmethod
    def _cron(cls, line: str) -> str:
        if not line:
            return line  # switched off
        from apscheduler.triggers.cron import CronTrigger

        fields = line.split()
        if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
            raise check.bad("cron_weekdays")
        try:
            CronTrigger.from_crontab(line, timezone=ZoneInfo("UTC"))
        except ValueError as exc:
            raise check.bad("cron", reason=str(exc)) from None
        return line

    def crons(self) -> dict[str, str]:
        """Job name -> cron line ("" when switched off), in the order of ``SCHEDULE_JOBS``."""
        return {name: str(getattr(self, name)) for name in SCHEDULE_JOBS}


class ReportsConfig(Section):
    """The periodic report to the Ministry (quý I, 6 tháng, quý III, năm): the days of the period's last month
    on which units are asked for their inputs, reminded, the secretariat told who has answered, and after
    which the inputs close; then, like an overdue task, the units that gave nothing are told on the days
    after (``overdue_days``) and escalated once (``escalate_after_days``), their inputs taken late for
    ``late_days``. Read by handlers/report_inputs.py and jobs/report_inputs.py."""

    ask_day: Annotated[int, Field(ge=1, le=28)] = 10  # each unit head is asked for the unit's inputs
    remind_day: Annotated[int, Field(ge=1, le=28)] = 15  # units that have not answered are reminded once
    secretariat_day: Annotated[int, Field(ge=1, le=28)] = 17  # the province's admins: who has answered, who not
    due_day: Annotated[int, Field(ge=1, le=28)] = 20  # the report is due: inputs are taken until this day
    overdue_days: DaysAfter = Field(default_factory=lambda: [1, 3])  # days after due_day a silent unit is told
    escalate_after_days: Annotated[int, Field(ge=1, le=60)] = 5  # then its parent's head and the secretariat
    late_days: Annotated[int, Field(ge=0, le=60)] = 10  # inputs still taken this many days after due_day
    max_chars: Annotated[int, Field(ge=100, le=10000)] = 2000  # one item's length at most

    @model_validator(mode="after")
    def _order(self) -> Self:
        if not self.ask_day <= self.remind_day <= self.due_day:
            raise check.needs("remind_day", "report_days_order")
        if not self.ask_day <= self.secretariat_day <= self.due_day:
            raise check.needs("secretariat_day", "report_days_order")
        # a notice after the due day asks for the inputs late: they must still be taken that day
        if max([*self.overdue_days, self.escalate_after_days]) > self.late_days:
            raise check.needs("late_days", "report_late_days")
        return self


class DispatchConfig(Section):
    """How the outbox is drained. Owned by jobs/dispatcher.py."""

    enabled: bool = True
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8  # then the row is dead-lettered and the admins are told
    batch_size: Annotated[int, Field(ge=1, le=10000)] = 200  # rows claimed at once
    poll_seconds: Annotated[int, Field(ge=1, le=3600)] = 5  # how often an idle dispatcher looks for due pushes
    claim_seconds: Seconds = 300  # a claim not finished by then (a crashed process) is taken over
    backoff_seconds: Seconds = 60  # first retry after a failed send; doubled each time
    max_backoff_seconds: Annotated[int, Field(ge=1, le=604800)] = 3600
    in_flight: Annotated[int, Field(ge=1, le=100)] = 1  # sends under way at once per process
    lease_seconds: Annotated[int, Field(ge=3, le=3600)] = 30  # another process takes over this long after a death

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.max_backoff_seconds < self.backoff_seconds:
            raise check.needs("max_backoff_seconds", "backoff_order")
        if self.claim_seconds < 2 * self.poll_seconds:
            raise check.needs("claim_seconds", "claim_vs_poll")
        return self

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after ``attempts`` failed sends: doubled each time, at most
        ``max_backoff_seconds``."""
        return float(min(self.max_backoff_seconds, self.backoff_seconds * 2 ** max(0, attempts - 1)))


class ConsoleConfig(Section):
    account: Annotated[str, Field(min_length=1, max_length=64)] = "chair"  # the demo official the console speaks as
    export_dir: Annotated[str, Field(min_length=1)] = "exports"  # files a reply sends (/xephang … xlsx) are saved here


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    database: DatabaseConfig = DatabaseConfig()
    bot: BotConfig = BotConfig()
    telegram: TelegramConfig = TelegramConfig()
    zalo: ZaloConfig = ZaloConfig()
    zalo_oa: ZaloOaConfig = ZaloOaConfig()
    reminders: RemindersConfig = RemindersConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    dispatch: DispatchConfig = DispatchConfig()
    reports: ReportsConfig = ReportsConfig()
    calendar: CalendarConfig = CalendarConfig()
    console: ConsoleConfig = ConsoleConfig()
    dashboard: DashboardConfig = DashboardConfig()
    source: str = "(defaults)"
