"""Bot API calls with a JSON body.

python-telegram-bot sends every call as an HTML form (``application/x-www-form-urlencoded``): each
parameter JSON-encoded, then percent-encoded byte by byte in Python. A Vietnamese answer's letters take
2–3 bytes of UTF-8 each, and each byte becomes ``%XX``: a 2.6 KB ``/nhiemvu`` list with its 11 buttons
went out as 6.2 KB, and encoding it cost ~0.19 ms of CPU per answer (bench/README.md, session 10).
The Bot API takes the same parameters as one JSON object (``application/json``, every method except
file uploads), which costs ~0.04 ms and sends the UTF-8 as it is. Calls that upload a file keep
python-telegram-bot's multipart form.

Timeouts and failures are python-telegram-bot's own (``TimedOut``, ``NetworkError`` from the httpx error),
so the limiter's retry rules (``limits.may_have_arrived``) read them as before.
"""

from __future__ import annotations

import json

import httpx
from telegram._utils.defaultvalue import DefaultValue  # the type of BaseRequest.DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

JSON_HEADERS = {"User-Agent": HTTPXRequest.USER_AGENT, "Content-Type": "application/json"}


def json_body(request_data: RequestData) -> bytes:
    """The call's parameters as one JSON object, UTF-8 as it is (objects such as a keyboard nested)."""
    return json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":")).encode()


class JsonRequest(HTTPXRequest):
    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is None or request_data.contains_files or self._client.is_closed:
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        default = self._client.timeout
        timeout = httpx.Timeout(
            connect=default.connect if isinstance(connect_timeout, DefaultValue) else connect_timeout,
            read=default.read if isinstance(read_timeout, DefaultValue) else read_timeout,
            write=default.write if isinstance(write_timeout, DefaultValue) else write_timeout,
            pool=default.pool if isinstance(pool_timeout, DefaultValue) else pool_timeout,
        )
        try:
            res = await self._client.request(
                method=method, url=url, headers=JSON_HEADERS, timeout=timeout, content=json_body(request_data)
            )
        except httpx.TimeoutException as err:  # as python-telegram-bot words them
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message="Pool timeout: All connections in the connection pool are occupied. Request was *not* "
                    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
                ) from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return res.status_code, res.content
