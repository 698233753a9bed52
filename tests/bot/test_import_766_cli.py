"""``cchc-bot import 766``: a sample table from a path or fetched with ``--from URL`` from a local HTTP
server the test starts (no internet); a missing file (404), a page that is not a spreadsheet, a file over
the cap and a server too slow are each refused with one line that never shows the URL's query string."""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cli, fetch
from bot import config as configuration
from bot.imports import run_import
from tests.models.test_importers import SAMPLES, xlsx
from tests.models.test_importers_service_766 import HEADER, init_scope

MONTHLY = SAMPLES / "chi_so_766_xa_thang_10_2026.xlsx"
SECRET = "token=S3CRET"


class _Files(BaseHTTPRequestHandler):
    """/chi_so.xlsx: the sample; /goto: a redirect to it; /page: an HTML page; /slow: nothing for 5 s;
    anything else: 404."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/goto":
            self.send_response(302)
            self.send_header("Location", "/tai-ve?id=7")
            self.end_headers()
            return
        if path in ("/chi_so.xlsx", "/tai-ve"):
            body, kind = MONTHLY.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif path == "/page":
            body, kind = b"<html>Trang chu</html>", "text/html"
        elif path == "/slow":
            time.sleep(5)
            body, kind = b"", "text/csv"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if path == "/tai-ve":
            self.send_header("Content-Disposition", 'attachment; filename="chi_so_766_thang_10.xlsx"')
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading at its cap
            return

    def log_message(self, format: str, *args: object) -> None:  # the test's output stays quiet
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await init_scope(session)
        await session.commit()


def config(db_url: str) -> configuration.Config:
    return configuration.replace(configuration.load(None, environ={}), "database", url=db_url)


async def import_766(db_url: str, file: Path | None = None, url: str | None = None, *, dry_run: bool = False) -> int:
    options = {"plan": None, "year": None, "title": None, "drive": None, "province": None, "period": None}
    args = argparse.Namespace(kind="766", file=file, from_url=url, dry_run=dry_run, **options)
    return await run_import(config(db_url), args)


async def test_a_sample_imports_from_its_path_after_a_dry_run(
    db_url: str, province: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await import_766(db_url, MONTHLY, dry_run=True) == 0
    assert await import_766(db_url, MONTHLY) == 0
    out = capsys.readouterr().out
    assert "Chạy thử tệp chi_so_766_xa_thang_10_2026.xlsx" in out and "65 mục mới" in out
    assert "Đã nhập tệp chi_so_766_xa_thang_10_2026.xlsx" in out


async def test_a_table_is_fetched_through_a_redirect_and_imported(
    db_url: str, province: None, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await import_766(db_url, url=f"{server}/goto?{SECRET}") == 0
    out = capsys.readouterr().out
    assert "Đã nhập tệp chi_so_766_thang_10.xlsx" in out and "65 mục mới" in out
    assert await import_766(db_url, url=f"{server}/chi_so.xlsx") == 0
    assert "0 mục mới, 0 mục cập nhật, 65 mục không đổi" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/khong-co.xlsx", "trả lời mã 404"),
        ("/page", "không phải tệp .xlsx hay .csv"),
        ("/chi_so.xlsx", "lớn hơn 0 MB"),
        ("/slow", "quá 1 giây nên đã dừng"),
    ],
)
async def test_a_file_that_cannot_be_fetched_is_one_line_without_the_query(
    db_url: str,
    province: None,
    server: str,
    path: str,
    said: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 1.0)
    if said.startswith("lớn hơn"):
        monkeypatch.setattr(fetch, "MAX_FILE_BYTES", 1000)

    assert await import_766(db_url, url=f"{server}{path}?{SECRET}") == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0 and said in captured.err, captured.err
    assert f"{server}{path}" in captured.err
    assert "S3CRET" not in captured.err + caplog.text


async def test_a_url_that_is_not_http_is_refused(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await import_766(db_url, url="file:///etc/passwd") == 1
    assert "không phải địa chỉ http:// hoặc https://" in capsys.readouterr().err


async def test_the_period_option_dates_a_table_that_does_not_say_it(
    db_url: str, province: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "bang.xlsx"
    table.write_bytes(xlsx(HEADER, (1, "UBND xã Văn Quan", "16,5", "18", "20,25", "15", "19,75", "89,50")))
    untitled = cli.parser().parse_args(["import", "dvc", str(table), "--dry-run"])
    dated = cli.parser().parse_args(["import", "766", str(table), "--period", "2026-Q3", "--dry-run"])

    assert await run_import(config(db_url), untitled) == 1
    assert "không biết bảng là kết quả của kỳ nào" in capsys.readouterr().err
    assert await run_import(config(db_url), dated) == 0
    assert "Thêm kết quả 766 quý III/2026 – Xã Văn Quan (06253): tổng 89,50 điểm" in capsys.readouterr().out
