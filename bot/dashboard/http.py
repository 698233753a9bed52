"""The dashboard's GET route on the bot's HTTP server (``WebhookServer.pages``): sign-in, the session
cookie, the security headers, the static files, and one page per path.

Paths under ``[dashboard].path`` (P):
  P/                 the official's home: the province page for leaders and the secretariat, else their unit
  P/tinh             the province page (``?sort=name|overdue|rate``)
  P/donvi/<id>       a unit's page, as far as the official may see it (``handlers/access.require_visible``)
  P/telegram         the Mini App's entry: a page whose script sends Telegram's init data to P/vao/telegram
  P/vao/telegram     init data (header ``X-Telegram-Init-Data``) verified -> a session cookie
  P/lienket/<token>  a single-use link: a page with one button, so link previews never spend it
  P/lienket/<token>/mo  the link spent -> a session cookie, then home
  P/static/<file>    the vendored CSS and the sign-in script
  P/api/<kind>.<fmt> the machine feed (``bot/dashboard/feed.py``): a consumer's token, not a session

Every answer: ``Cache-Control: no-store``, ``Referrer-Policy: no-referrer`` (a link's token never leaves in a
Referer), ``X-Content-Type-Options: nosniff`` and a CSP of ``default-src 'self'`` with no inline script or
style; framing is allowed to Telegram's web client for sessions begun in Telegram, refused otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dashboard import initdata
from bot.dashboard.feed import Feed
from bot.dashboard.pages import home, province_page, unit_page
from bot.render import PAGE, Renderer
from bot.webhook_http import Answer, HttpRequest
from handlers.base import HandlerConfig, Incoming, Reply, Request, UserError
from models import Clock, Official
from models.dashboard import redeem_link, session_official, start_session, telegram_official
from models.db import reads_inline
from models.settings import DashboardConfig

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
COOKIE = "cchc_dashboard"
TELEGRAM_FRAMES = "https://web.telegram.org"  # Telegram's web client opens a Mini App in an iframe
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors {frames}"
)
Page = Callable[[Request], Awaitable[Reply]]


@dataclass
class Dashboard:
    """What the route needs of the application."""

    sessions: async_sessionmaker[AsyncSession]
    renderer: Renderer
    clock: Clock
    settings: HandlerConfig
    bot_token: str  # Telegram's: init data is signed with it; never logged
    default_lang: str = "vi"

    @cached_property
    def feed(self) -> Feed:
        return Feed(self.sessions, self.clock, self.config.feed_per_minute, self.settings.due_soon_days)

    @property
    def config(self) -> DashboardConfig:
        return self.settings.dashboard

    @property
    def prefix(self) -> str:
        return "/" + self.config.path.strip("/")

    async def __call__(self, request: HttpRequest) -> Answer:
        path = request.path[len(self.prefix) :].strip("/")
        parts = path.split("/") if path else []
        try:
            if parts[:1] == ["static"] and len(parts) == 2:
                return _static(parts[1])
            if parts == ["telegram"]:
                return self._html(200, "dashboard/telegram", {"prefix": self.prefix}, self.default_lang, telegram=True)
            if parts == ["vao", "telegram"]:
                return await self._telegram_sign_in(request)
            if parts[:1] == ["lienket"] and len(parts) in (2, 3):
                return await self._link(parts[1], opened=parts[2:] == ["mo"])
            if parts[:1] == ["api"] and len(parts) == 2:
                return await self.feed(request, parts[1])
            return await self._page(request, parts)
        except Exception:  # a bug answers one line in the log and a plain 500, never a traceback to the browser
            log.exception("dashboard: %s failed", request.path[:80])
            return Answer(500, _headers(telegram=False, kind="text/plain; charset=utf-8"), b"500")

    # ---- signing in ----------------------------------------------------------------------------------
    async def _telegram_sign_in(self, request: HttpRequest) -> Answer:
        data = request.headers.get("x-telegram-init-data", "")
        now = self.clock.now()
        try:
            user_id = initdata.verified_user_id(
                data, self.bot_token, now, timedelta(minutes=self.config.init_data_minutes)
            )
        except initdata.Refused as why:
            log.warning("dashboard: Telegram sign-in refused: %s", why)
            return Answer(403, _headers(telegram=True, kind="text/plain; charset=utf-8"), b"403")
        async with self.sessions.begin() as session:
            official = await telegram_official(session, user_id)
            if official is None:
                return Answer(403, _headers(telegram=True, kind="text/plain; charset=utf-8"), b"403")
            token = await start_session(session, official.id, "telegram", now, self.config.session_minutes)
        return Answer(204, (*_headers(telegram=True), ("Set-Cookie", self._cookie(token, telegram=True))))

    async def _link(self, token: str, *, opened: bool) -> Answer:
        if not opened:  # a preview fetching the link sees this page and spends nothing
            context = {"prefix": self.prefix, "open": f"{self.prefix}/lienket/{token}/mo"}
            return self._html(200, "dashboard/link", context, self.default_lang)
        now = self.clock.now()
        async with self.sessions.begin() as session:
            official_id = await redeem_link(session, token, now)
            if official_id is None:
                log.info("dashboard: a used, expired or unknown link refused")
                return self._html(403, "dashboard/refused", {"why": "link", "prefix": self.prefix}, self.default_lang)
            session_token = await start_session(session, official_id, "link", now, self.config.session_minutes)
        page = self._html(200, "dashboard/signed_in", {"home": self.prefix + "/"}, self.default_lang)
        return Answer(200, (*page.headers, ("Set-Cookie", self._cookie(session_token))), page.body)

    def _cookie(self, token: str, *, telegram: bool = False) -> str:
        """A session begun in Telegram lives in the Mini App's frame, which Telegram Web (web.telegram.org)
        puts in a cross-site iframe: there a ``SameSite=Strict`` cookie is never sent, so that session's
        cookie is ``SameSite=None; Partitioned`` (kept apart per top-level site, CHIPS). Safe here: every
        route is a read-only GET, and such pages may be framed by Telegram only (``frame-ancestors``).
        A link's session is ``SameSite=Strict``."""
        seconds = self.config.session_minutes * 60
        site = "SameSite=None; Partitioned" if telegram else "SameSite=Strict"
        return f"{COOKIE}={token}; Path={self.prefix}; Max-Age={seconds}; HttpOnly; Secure; {site}"

    # ---- pages ---------------------------------------------------------------------------------------
    async def _page(self, request: HttpRequest, parts: list[str]) -> Answer:
        page: Page | None = None
        if not parts:
            page = home
        elif parts == ["tinh"]:
            page = province_page
        elif parts[:1] == ["donvi"] and len(parts) == 2 and parts[1].isdigit() and len(parts[1]) < 10:
            unit_id = int(parts[1])

            async def page(r: Request) -> Reply:
                return await unit_page(r, unit_id)

        if page is None:
            return self._html(404, "dashboard/refused", {"why": "missing", "prefix": self.prefix}, self.default_lang)
        token = _cookie_token(request.headers.get("cookie", ""))
        # a page only reads: its SELECTs run on the loop's thread, as a chat message's do (models.db.reads_inline)
        with reads_inline():
            async with self.sessions() as session:
                now = self.clock.now()
                signed_in = await session_official(session, token, now) if token else None
                if signed_in is None:
                    return self._html(
                        401, "dashboard/refused", {"why": "session", "prefix": self.prefix}, self.default_lang
                    )
                official, via = signed_in
                asked = self._request(session, official, request)
                framed = via == "telegram"
                try:
                    reply = await page(asked)
                except UserError as refused:
                    context = {"why": "scope", "prefix": self.prefix, "template": refused.template}
                    return self._html(403, "dashboard/refused", context, asked.lang, telegram=framed)
        reply.context.setdefault("prefix", self.prefix)
        return self._html(200, reply.template, reply.context, asked.lang, telegram=framed)

    def _request(self, session: AsyncSession, official: Official, request: HttpRequest) -> Request:
        incoming = Incoming("dashboard", f"official:{official.id}", f"official:{official.id}")
        query = {key: values[-1][:32] for key, values in parse_qs(request.query[:256]).items()}
        return Request(incoming, session, self.clock, self.settings, official, official.language or self.default_lang,
                       command="bangdieukhien", args=[f"{k}={v}" for k, v in sorted(query.items())])  # fmt: skip

    def _html(
        self, status: int, template: str, context: Mapping[str, object], lang: str, *, telegram: bool = False
    ) -> Answer:
        context = {"prefix": self.prefix, **context}
        body = self.renderer.render(lang, Reply(template, context), PAGE).encode()
        return Answer(status, _headers(telegram=telegram), body)


def _headers(*, telegram: bool, kind: str = "text/html; charset=utf-8") -> tuple[tuple[str, str], ...]:
    frames = TELEGRAM_FRAMES if telegram else "'none'"
    found = [
        ("Content-Type", kind),
        ("Content-Security-Policy", CSP.format(frames=frames)),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if not telegram:
        found.append(("X-Frame-Options", "DENY"))
    return tuple(found)


def _static(name: str) -> Answer:
    path = STATIC / name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or not name.replace(".", "").replace("-", "").isalnum() or not path.is_file():
        return Answer(404, _headers(telegram=False, kind="text/plain; charset=utf-8"), b"404")
    headers = [h for h in _headers(telegram=False, kind=kind) if h[0] != "Cache-Control"]
    return Answer(200, (*headers, ("Cache-Control", "public, max-age=86400")), path.read_bytes())


def _cookie_token(header: str) -> str:
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return ""
    morsel = jar.get(COOKIE)
    return morsel.value[:128] if morsel is not None else ""
