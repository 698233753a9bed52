"""The Zalo Official Account API v3, ZNS and the OAuth token calls over httpx (docs/ZALO_OA.md).

- OA messages: ``POST <api_url>/v3.0/oa/message/cs`` with the header ``access_token``, a JSON body
  ``{recipient: {user_id}, message: {text, attachment?}}``; the answer is ``{error, message, data}``,
  ``error`` 0 on success (an HTTP 200 alone proves nothing).
- ZNS: ``POST <zns_url>/message/template`` with ``{phone, template_id, template_data, tracking_id}``.
- Tokens: ``POST <oauth_url>/v4/oa/access_token`` (form: ``refresh_token``, ``app_id``,
  ``grant_type=refresh_token``; header ``secret_key``) answers a new access token, a new refresh token
  (the old one is spent) and ``expires_in`` seconds (a string in the samples found).

Errors become ``OaError`` with a ``kind``: the window closed or the user does not follow (``WINDOW``), the
token refused (``TOKEN``), a quota or rate limit (``QUOTA``), a network failure or 5xx (``RETRY``), or the
request itself wrong (``GIVE_UP``). Tokens travel in headers and form bodies, never in a URL; no message
of an ``OaError`` quotes a request.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

import httpx

log = logging.getLogger(__name__)

TIMEOUT = 20.0
NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Codes seen in the sources (docs/ZALO_OA.md grades them): -213 the user does not follow / no interaction,
# -230 no interaction within the last 7 days, -201 a parameter (the user) invalid for this OA.
WINDOW_CODES = frozenset({-213, -230, -201})
TOKEN_CODES = frozenset({-216, -124, -14})  # access token invalid or expired
QUOTA_CODES = frozenset({-32, -1400, -1401})  # rate limit, quota of the OA or of ZNS


class FailureKind(Enum):
    WINDOW = "window"
    TOKEN = "token"
    QUOTA = "quota"
    RETRY = "retry"
    GIVE_UP = "give_up"


class OaError(Exception):
    def __init__(self, call: str, code: int, message: str, *, left: bool = True) -> None:
        super().__init__(f"Zalo OA {call}: {code or 'network'} {message}".strip())
        self.call, self.code, self.message, self.left = call, code, message, left

    @property
    def kind(self) -> FailureKind:
        if self.code in WINDOW_CODES:
            return FailureKind.WINDOW
        if self.code in TOKEN_CODES or self.code == 401:
            return FailureKind.TOKEN
        if self.code in QUOTA_CODES or self.code == 429:
            return FailureKind.QUOTA
        if self.code == 0 or self.code >= 500:
            return FailureKind.RETRY
        return FailureKind.GIVE_UP

    @property
    def may_have_arrived(self) -> bool:
        """For a send: no answer came after the request left, so it may have been delivered."""
        return self.left and (self.code == 0 or self.code >= 500)


class OaClient:
    def __init__(
        self,
        api_url: str,
        zns_url: str,
        oauth_url: str,
        *,
        app_id: str,
        app_secret: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api_url, self.zns_url, self.oauth_url = (u.rstrip("/") for u in (api_url, zns_url, oauth_url))
        self._app_id, self._app_secret = app_id, app_secret
        self._http = httpx.AsyncClient(timeout=TIMEOUT, transport=transport)
        self.sent = 0  # OA messages delivered
        self.zns_sent = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, call: str, url: str, *, token: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(url, json=body, headers={"access_token": token})
        except httpx.HTTPError as exc:
            raise OaError(call, 0, type(exc).__name__, left=not isinstance(exc, NEVER_LEFT)) from None
        return self._answer(call, response)

    @staticmethod
    def _answer(call: str, response: httpx.Response) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise OaError(call, response.status_code if response.status_code >= 400 else 502, "not a JSON object")
        code = answer.get("error", 0)
        if not isinstance(code, int):
            raise OaError(call, 502, "error is not a number")
        if code != 0:
            raise OaError(call, code, str(answer.get("message") or answer.get("error_description") or "")[:200])
        if response.status_code >= 400:
            raise OaError(call, response.status_code, "HTTP error")
        data = answer.get("data")
        return data if isinstance(data, dict) else {}

    async def send(self, token: str, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """One consultation (customer service) message to an OA user."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        data = await self._post("message/cs", f"{self.api_url}/v3.0/oa/message/cs", token=token, body=body)
        self.sent += 1
        return data

    async def send_zns(
        self, token: str, phone: str, template_id: str, data: dict[str, str], tracking_id: str
    ) -> dict[str, Any]:
        body = {"phone": phone, "template_id": template_id, "template_data": data, "tracking_id": tracking_id}
        answer = await self._post("zns", f"{self.zns_url}/message/template", token=token, body=body)
        self.zns_sent += 1
        return answer

    async def renew(self, refresh_token: str) -> tuple[str, str, int]:
        """A new (access token, refresh token, seconds it lives) for ``refresh_token`` (spent by the call)."""
        form = {"refresh_token": refresh_token, "app_id": self._app_id, "grant_type": "refresh_token"}
        try:
            response = await self._http.post(
                f"{self.oauth_url}/v4/oa/access_token", data=form, headers={"secret_key": self._app_secret}
            )
        except httpx.HTTPError as exc:
            raise OaError("access_token", 0, type(exc).__name__, left=not isinstance(exc, NEVER_LEFT)) from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise OaError("access_token", response.status_code or 502, "not a JSON object")
        access, refresh = answer.get("access_token"), answer.get("refresh_token")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            code = answer.get("error")
            why = str(answer.get("error_name") or answer.get("error_description") or "no token in the answer")
            raise OaError("access_token", code if isinstance(code, int) and code else 400, why[:200])
        try:
            seconds = int(answer.get("expires_in") or 3600)
        except (TypeError, ValueError):
            seconds = 3600
        return access, refresh, max(60, seconds)
