"""A console account registers with an invite, as on Telegram: ``cchc-bot chat --as moi`` with
``/start CODE`` piped in (or the code typed on its own after ``/start``), then speaks as the new official;
``cchc-bot invite`` refuses a unit out of operation with the day it ended. No demo: the database holds
only what each test puts in it."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import config as configuration
from bot.app import build, prepare
from bot.console import chat
from models import DEFAULT_TZ, Role, UnitKind
from models.db import create_engine, session_factory
from models.queries.accounts import create_invite
from models.tree import add_unit
from tests.bot.test_console import Pipe, cli

CODE = re.compile(r"Mã mời: ([A-Z0-9]+)")


async def _province(db: Path, *, invite: bool = False) -> str:
    """Tỉnh Lạng Sơn with Sở Nội vụ, Huyện Hữu Lũng (ended 30/06/2025) and Xã Tuấn Sơn (from 01/07/2025),
    in a migrated database; with ``invite``, an invite for a chair of Xã Tuấn Sơn, whose code is returned."""
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with session_factory(engine)() as session:
            ls = await add_unit(session, code="LS", name="Tỉnh Lạng Sơn", kind=UnitKind.PROVINCE)
            await add_unit(session, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=ls)
            await add_unit(
                session, code="HL", name="Huyện Hữu Lũng", kind=UnitKind.DISTRICT, parent=ls, valid_to=date(2025, 6, 30)
            )
            ts = await add_unit(
                session, code="TS", name="Xã Tuấn Sơn", kind=UnitKind.COMMUNE, parent=ls, valid_from=date(2025, 7, 1)
            )
            code = ""
            if invite:
                now = datetime.now(DEFAULT_TZ)
                made = await create_invite(session, ts, Role.UNIT_HEAD, "Hoàng Văn Minh", None, now, timedelta(days=3))
                code = made.code
            await session.commit()
    finally:
        await engine.dispose()
    return code


async def _chat(db: Path, account: str, lines: str) -> tuple[int, str]:
    config = configuration.replace(configuration.load(None, environ={}), "database", url=f"sqlite+aiosqlite:///{db}")
    app = build(config)
    try:
        await prepare(app, load_demo=False)
        out = io.StringIO()
        code = await chat(app, account, stdin=Pipe(lines), stdout=out)
    finally:
        await app.close()
    return code, out.getvalue()


async def test_a_new_console_account_registers_with_start_code_and_keeps_its_name(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert (await _chat(db, "moi", ""))[0] == 0  # migrates the database
    code = await _province(db, invite=True)
    exit_code, text = await _chat(db, "moi", f"/nhiemvu\n/start {code}\n/help\n")
    assert exit_code == 0
    assert "tài khoản “moi” (chưa đăng ký)" in text
    before, _, after = text.partition(f"> /start {code}")
    assert "Đồng chí chưa đăng ký sử dụng" in before  # nothing but the prompt before the code
    assert "Chào mừng đồng chí Hoàng Văn Minh đã đăng ký sử dụng Trợ lý CCHC.\nĐơn vị: UBND xã Tuấn Sơn" in after
    assert "/nhiemvu" in after.partition("> /help")[2]
    exit_code, text = await _chat(db, "moi", "/start\n")  # the next session speaks as the official
    assert "với tư cách Hoàng Văn Minh (Chủ tịch" not in text  # (no title was given with the invite)
    assert "với tư cách Hoàng Văn Minh" in text and "Xin chào đồng chí Hoàng Văn Minh" in text
    assert "chưa đăng ký" not in text


async def test_the_code_may_be_typed_on_its_own_after_start(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await _chat(db, "moi", "")
    code = await _province(db, invite=True)
    _, text = await _chat(db, "moi", f"/start\n{code.lower()}\n")
    assert "hoặc chỉ gửi mã mời" in text.partition(f"> {code.lower()}")[0]
    assert "Chào mừng đồng chí Hoàng Văn Minh" in text.partition(f"> {code.lower()}")[2]


async def test_a_console_account_name_longer_than_a_chat_account_is_one_line(tmp_path: Path) -> None:
    exit_code, text = await _chat(tmp_path / "c.db", "x" * 65, "/start\n")
    assert exit_code == 2
    assert text.strip() == "Tên tài khoản trên máy tính (--as) phải có từ 1 đến 64 ký tự."


async def test_invite_printed_by_the_cli_is_redeemed_by_piping_start_into_the_chat(tmp_path: Path) -> None:
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    await _province(tmp_path / "cchc.db")
    gone = cli(tmp_path, "invite", "Huyện Hữu Lũng", "canbo")
    assert gone.returncode == 1
    assert gone.stderr.strip() == "Huyện Hữu Lũng đã kết thúc hoạt động từ 01/07/2025: không tạo mã mời cho đơn vị này."
    unfit = cli(tmp_path, "invite", "TS", "giám đốc")
    assert unfit.returncode == 1 and "Vai trò “giám đốc” không dùng cho UBND xã Tuấn Sơn" in unfit.stderr
    made = cli(tmp_path, "invite", "xa tuan son", "chủ tịch", "--name", "Hoàng Văn Minh")
    assert made.returncode == 0, made.stderr
    assert "Vai trò: lãnh đạo UBND xã" in made.stdout
    found = CODE.search(made.stdout)
    assert found, made.stdout
    chatted = cli(tmp_path, "chat", "--as", "moi", stdin=f"/start {found.group(1)}\n/nhiemvu\n")
    assert chatted.returncode == 0, chatted.stderr
    assert "Chào mừng đồng chí Hoàng Văn Minh đã đăng ký" in chatted.stdout
    assert "Đơn vị: UBND xã Tuấn Sơn" in chatted.stdout
    again = cli(tmp_path, "chat", "--as", "moi", stdin="/start\n")
    assert "Xin chào đồng chí Hoàng Văn Minh" in again.stdout
