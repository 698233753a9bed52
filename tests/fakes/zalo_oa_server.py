"""A fake Zalo Official Account + ZNS + OAuth server on real HTTP (tornado, 127.0.0.1, a random port),
built from what docs/ZALO_OA.md found, for the end-to-end tests:

    async with FakeOa() as oa:
        oa.follow(user)                      # the user follows the OA (their window opens)
        status = await oa.post_event(url, oa.text_event(user, "/help"))   # signed like Zalo's
        sent = await oa.next_sent(user)

- ``POST /v4/oa/access_token`` (form; header ``secret_key``): a refresh token works once; the answer is a
  new access token, a new refresh token and ``expires_in`` as a string. ``renewals`` counts them.
- ``POST /v3.0/oa/message/cs`` (header ``access_token``): -216 for an unknown or expired token, -213 for a
  user who does not follow, -230 when their window closed (``close_window``), -201 for a text over 2,000
  characters or more than 5 buttons; else ``{error: 0, data: {message_id}}``.
- ``POST /message/template`` (ZNS): -216 as above; -108 for a phone not written 84xxxxxxxxx; -1124 for
  an unknown template; -1131 when the template's parameters are not exactly those sent; -1400 when the
  quota (``zns_quota``) is spent.
Events are signed ``mac=sha256(app_id + body + timestamp + oa_secret_key)``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import tornado.web

from tests.fakes.local_server import LocalServer

APP_ID = "1234567890123456789"
OA_ID = "9876543210987654321"
APP_SECRET = "FakeAppSecretForTests"
OA_SECRET_KEY = "FakeOaSecretKeyForTests"
FIRST_REFRESH = "first-refresh-token-for-tests"


@dataclass
class OaSent:
    user_id: str
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ZnsSent:
    phone: str
    template_id: str
    data: dict[str, str]
    tracking_id: str


class FakeOa(LocalServer):
    def __init__(self) -> None:
        self.port = 0
        self._http = None
        self._worker = None
        self.refresh_tokens = {FIRST_REFRESH}
        self.access_tokens: dict[str, float] = {}  # token -> expiry (monotonic)
        self.expires_in = 90000
        self.renewals = 0
        self.followers: set[str] = set()
        self.closed: set[str] = set()
        self.sent: list[OaSent] = []
        self.zns: list[ZnsSent] = []
        self.zns_templates: dict[str, set[str]] = {}
        self.zns_quota = 1000
        self.refusals: defaultdict[int, int] = defaultdict(int)
        self._arrived: defaultdict[str, asyncio.Queue[OaSent]] = defaultdict(asyncio.Queue)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self) -> list[Any]:
        return [
            (r"/v4/oa/access_token", TokenHandler, {"fake": self}),
            (r"/v3.0/oa/message/cs", MessageHandler, {"fake": self}),
            (r"/message/template", ZnsHandler, {"fake": self}),
        ]

    async def _deliver(self) -> None:
        await asyncio.Event().wait()  # events are posted by the tests (post_event)

    # ---- the world ------------------------------------------------------------------------------------
    def follow(self, user_id: str) -> None:
        self.followers.add(user_id)
        self.closed.discard(user_id)

    def close_window(self, user_id: str) -> None:
        self.closed.add(user_id)

    def expire_tokens(self) -> None:
        self.access_tokens = dict.fromkeys(self.access_tokens, 0.0)

    def template(self, template_id: str, *params: str) -> None:
        self.zns_templates[template_id] = set(params)

    async def next_sent(self, user_id: str, timeout: float = 5.0) -> OaSent:
        return await asyncio.wait_for(self._arrived[user_id].get(), timeout)

    def to(self, user_id: str) -> list[OaSent]:
        return [s for s in self.sent if s.user_id == user_id]

    # ---- events ---------------------------------------------------------------------------------------
    @staticmethod
    def text_event(user_id: str, text: str) -> dict[str, Any]:
        now = str(int(time.time() * 1000))
        return {"app_id": APP_ID, "event_name": "user_send_text", "timestamp": now, "sender": {"id": user_id},
                "recipient": {"id": OA_ID}, "message": {"text": text, "msg_id": secrets.token_hex(16)}}  # fmt: skip

    @staticmethod
    def follow_event(user_id: str, name: str = "follow") -> dict[str, Any]:
        return {"app_id": APP_ID, "oa_id": OA_ID, "event_name": name, "timestamp": str(int(time.time() * 1000)),
                "follower": {"id": user_id}, "source": "oa_profile"}  # fmt: skip

    @staticmethod
    def sign(body: bytes, timestamp: str, secret: str = OA_SECRET_KEY) -> str:
        return "mac=" + hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + secret.encode()).hexdigest()

    async def post_event(self, url: str, event: dict[str, Any], *, signature: str | None = None) -> int:
        """POST ``event`` to the bot's webhook as Zalo would, signed (or with ``signature`` given)."""
        body = json.dumps(event, ensure_ascii=False).encode()
        if str(event.get("event_name")).startswith("user_") or event.get("event_name") == "follow":
            self.follow(str((event.get("sender") or event.get("follower") or {}).get("id")))
        sig = self.sign(body, str(event.get("timestamp"))) if signature is None else signature
        headers = {"Content-Type": "application/json", **({"X-ZEvent-Signature": sig} if sig else {})}
        async with httpx.AsyncClient() as client:
            response = await client.post(url, content=body, headers=headers)
        return response.status_code

    # ---- checks ---------------------------------------------------------------------------------------
    def token_ok(self, token: str | None) -> bool:
        return token is not None and self.access_tokens.get(token, 0.0) > time.monotonic()


class _Handler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeOa) -> None:
        self.fake = fake

    def answer(self, error: int = 0, message: str = "Success", data: dict[str, Any] | None = None) -> None:
        if error:
            self.fake.refusals[error] += 1
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": error, "message": message, **({"data": data} if data is not None else {})}))

    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


class TokenHandler(_Handler):
    def post(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self.request.body.decode()).items()}
        fake = self.fake
        if self.request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            self.finish(json.dumps({"error": -14002, "error_name": "Invalid app secret"}))
            return
        refresh = form.get("refresh_token", "")
        if form.get("grant_type") != "refresh_token" or refresh not in fake.refresh_tokens:
            fake.refusals[-14014] += 1
            self.finish(json.dumps({"error": -14014, "error_name": "Invalid refresh token"}))
            return
        fake.refresh_tokens.discard(refresh)  # single use
        access, new_refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        fake.refresh_tokens.add(new_refresh)
        fake.access_tokens[access] = time.monotonic() + fake.expires_in
        fake.renewals += 1
        self.finish(
            json.dumps({"access_token": access, "refresh_token": new_refresh, "expires_in": str(fake.expires_in)})
        )


class MessageHandler(_Handler):
    def post(self) -> None:
        fake, body = self.fake, self.json_body()
        if not fake.token_ok(self.request.headers.get("access_token")):
            return self.answer(-216, "Access token is invalid")
        user = str((body.get("recipient") or {}).get("user_id", ""))
        message = body.get("message") or {}
        if user not in fake.followers:
            return self.answer(-213, "User has not followed the OA")
        if user in fake.closed:
            return self.answer(-230, "User has not interacted with the OA in the past 7 days")
        text = message.get("text", "")
        buttons = ((message.get("attachment") or {}).get("payload") or {}).get("buttons") or []
        if not isinstance(text, str) or not 1 <= len(text.encode("utf-16-le")) // 2 <= 2000 or len(buttons) > 5:
            return self.answer(-201, "Parameter is invalid")
        sent = OaSent(user, text, list(buttons))
        fake.sent.append(sent)
        fake._arrived[user].put_nowait(sent)
        return self.answer(data={"message_id": secrets.token_hex(16), "user_id": user})


class ZnsHandler(_Handler):
    def post(self) -> None:
        fake, body = self.fake, self.json_body()
        if not fake.token_ok(self.request.headers.get("access_token")):
            return self.answer(-216, "Access token is invalid")
        phone, template_id = str(body.get("phone", "")), str(body.get("template_id", ""))
        data = body.get("template_data") or {}
        if not (phone.startswith("84") and phone[2:].isdigit() and len(phone) == 11):
            return self.answer(-108, "Phone number is invalid")
        if template_id not in fake.zns_templates:
            return self.answer(-1124, "Template is invalid")
        if set(data) != fake.zns_templates[template_id]:
            return self.answer(-1131, "Template data is invalid")
        if fake.zns_quota <= 0:
            return self.answer(-1400, "Out of quota")
        fake.zns_quota -= 1
        fake.zns.append(ZnsSent(phone, template_id, dict(data), str(body.get("tracking_id", ""))))
        return self.answer(data={"msg_id": secrets.token_hex(16), "sent_time": str(int(time.time() * 1000))})
