"""``cchc-bot import KIND --from URL``: the file a province publishes (a 766 table exported from the
national portal, put on the province's site) fetched over HTTP(S) and then imported like a file.

Within limits a scheduled job can rely on: a timeout for the whole download, at most
``MAX_FILE_BYTES`` (the importers' cap, checked while reading, not only from Content-Length), a few
redirects, only .xlsx/.xlsm/.csv by name or content type. A failure is a ``FetchError`` with a code the
template imports/fetch_failed.j2 says in one line. The URL is only ever shown without its query string
and user info (``shown``): a link may carry a token."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from models.importers.run import MAX_FILE_BYTES

TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 3
SUFFIXES = (".xlsx", ".xlsm", ".csv")
_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "text/csv": ".csv",
}
_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


@dataclass
class FetchError(Exception):
    """Why the file could not be fetched: ``code`` (bad_url, timeout, network, status, too_big,
    not_spreadsheet, too_many_redirects) and what the sentence needs."""

    code: str
    url: str  # as shown: no query, no user info
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.url}"


def shown(url: str) -> str:
    """The URL as a line may show it: scheme, host, port and path only."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(URL)"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _name(response: httpx.Response) -> str:
    """The file's name: the one Content-Disposition gives, else the URL path's last part; a name
    without a spreadsheet suffix takes the one its content type says."""
    disposition = response.headers.get("content-disposition", "")
    found = _FILENAME.search(disposition)
    name = unquote(found[1]).strip() if found else PurePosixPath(unquote(response.url.path)).name
    name = PurePosixPath(name).name or "tep"
    if PurePosixPath(name).suffix.lower() in SUFFIXES:
        return name
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _TYPES:
        return f"{PurePosixPath(name).stem or 'tep'}{_TYPES[content_type]}"
    raise FetchError("not_spreadsheet", shown(str(response.url)), {"name": name, "content_type": content_type})


async def _read(response: httpx.Response, url: str) -> bytes:
    declared, cap = response.headers.get("content-length", ""), MAX_FILE_BYTES
    limit_mb = cap // (1024 * 1024)
    if declared.isdecimal() and int(declared) > cap:
        raise FetchError("too_big", url, {"limit_mb": limit_mb})
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > cap:
            raise FetchError("too_big", url, {"limit_mb": limit_mb})
    return bytes(data)


async def fetch(url: str, *, timeout: float | None = None) -> tuple[str, bytes]:
    """The name and bytes of the spreadsheet at ``url`` (http or https); FetchError otherwise.
    ``timeout`` bounds the whole download: a server sending a byte a second is cut off too."""
    public, timeout = shown(url), timeout or TIMEOUT_SECONDS
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise FetchError("bad_url", public)
    try:
        async with asyncio.timeout(timeout):
            return await _download(url, public, timeout)
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError("timeout", public, {"seconds": int(timeout)}) from None
    except httpx.TooManyRedirects:
        raise FetchError("too_many_redirects", public, {"limit": MAX_REDIRECTS}) from None
    except httpx.HTTPError:  # the exception's text may hold the whole URL: not shown
        raise FetchError("network", public) from None


async def _download(url: str, public: str, timeout: float) -> tuple[str, bytes]:
    async with (
        httpx.AsyncClient(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code != 200:
            raise FetchError("status", public, {"status": response.status_code})
        return _name(response), await _read(response, public)


__all__ = ["FetchError", "fetch", "shown"]
