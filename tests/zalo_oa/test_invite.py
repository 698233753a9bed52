"""Registration by phone (issue 21 point 4), end to end over the fake OA + ZNS server: the secretariat
imports its list of officials with their mobile numbers, ``/moi zns <số>`` creates an invite code for a
listed official and queues it for ZNS, the dispatcher sends it with the ``invite`` template to their phone
(counted in the month's spend), and the code, redeemed on any channel, registers that very official. A
missing template, a missing phone, the month's cap, and a ZNS refusal are each one clear line; the admin
reads the number only masked, and no log line holds it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.push_path import dispatcher
from bot.zalo.push_sender import Senders
from bot.zalo_oa import OaRunning
from models import ChatAccount, Official, OutboxMessage, Unit
from models.importers import import_bytes
from models.phones import digit_runs
from models.scope import Scope
from models.settings_oa import ZnsTemplate
from models.zalo_oa import ZnsSpend
from tests.fakes.zalo_oa_server import FakeOa
from tests.models.test_importers import xlsx
from tests.zalo_oa.conftest import ADMIN, DEADLINE_TEMPLATE, hook

INVITE_TEMPLATE = "250010"
PHONE = "84977860419"
NEWCOMER = "9" * 18  # the invited official's own Zalo account, unknown to the bot so far
LIST = (
    ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại"),
    (1, "Lục Văn Khánh", "Chuyên viên", "Sở Y tế", "cán bộ", "0977 860 419"),
    (2, "Hà Thị Nga", "Chuyên viên", "Sở Y tế", "cán bộ", ""),
)


@pytest.fixture
def zns_settings() -> dict[str, object]:
    invite = ZnsTemplate(
        template_id=INVITE_TEMPLATE, params={"name": "name", "unit": "unit", "code": "code", "expiry": "expires_on"}
    )
    deadline = ZnsTemplate(template_id=DEADLINE_TEMPLATE, params={"task_no": "task.number", "due_date": "task.due"})
    return {"templates": {"deadline": deadline, "invite": invite}}


@pytest.fixture
def oa_invite(oa: FakeOa) -> FakeOa:
    oa.template(INVITE_TEMPLATE, "name", "unit", "code", "expiry")
    return oa


async def listed(app: App) -> dict[str, int]:
    async with app.sessions() as session:
        province = (await session.scalars(select(Unit).where(Unit.code == "LS"))).one()
        result = await import_bytes(
            session, "canbo", "can_bo.xlsx", xlsx(*LIST), scope=Scope(province), clock=app.clock
        )
        assert result.errors == [], result.errors
        await session.commit()
        rows = await session.execute(select(Official.full_name, Official.id))
        return {name: official_id for name, official_id in rows}


async def ask(bot: OaRunning, oa: FakeOa, user: str, text: str) -> str:
    assert await oa.post_event(hook(bot), oa.text_event(user, text)) == 200
    return (await oa.next_sent(user)).text


async def drain(app: App, bot: OaRunning) -> None:
    await dispatcher(app, Senders(bot.sender)).drain_all()


async def test_an_invite_goes_by_zns_and_its_code_registers_the_listed_official(
    app: App, bot: OaRunning, oa_invite: FakeOa, caplog: pytest.LogCaptureFixture
) -> None:
    oa = oa_invite
    people = await listed(app)
    caplog.set_level(logging.DEBUG)

    answer = await ask(bot, oa, ADMIN, f"/moi zns {people['Lục Văn Khánh']}")
    await drain(app, bot)

    assert "Lục Văn Khánh, số 0977***419: mã " in answer, answer
    assert [(z.phone, z.template_id) for z in oa.zns] == [(PHONE, INVITE_TEMPLATE)]
    data = oa.zns[0].data
    assert (data["name"], data["unit"], data["expiry"]) == ("Lục Văn Khánh", "Sở Y tế", "05/12/2026")
    assert f"mã {data['code']}" in answer.replace("*", "")
    async with app.sessions() as session:
        spend = (await session.scalars(select(ZnsSpend))).one()
        outbox = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invite"))).one()
    assert (spend.messages, str(outbox.status), outbox.chat_id) == (1, "sent", f"official:{people['Lục Văn Khánh']}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(run in logged for run in digit_runs(PHONE)), logged

    welcome = await ask(bot, oa, NEWCOMER, f"/start {data['code']}")

    assert "Lục Văn Khánh" in welcome
    async with app.sessions() as session:
        account = (await session.scalars(select(ChatAccount).where(ChatAccount.external_id == NEWCOMER))).one()
        officials = await session.scalar(select(func.count()).select_from(Official))
    assert account.official_id == people["Lục Văn Khánh"]  # the listed official, not a new one
    assert officials == len(await listed(app))  # re-importing the list adds nobody either
    again = await ask(bot, oa, ADMIN, f"/moi zns {people['Lục Văn Khánh']}")
    assert again.strip() == "Đồng chí Lục Văn Khánh đã đăng ký sử dụng Trợ lý CCHC, không cần mã mời."


async def test_no_phone_a_waiting_invite_and_the_cap_are_each_one_line(
    app: App, bot: OaRunning, oa_invite: FakeOa
) -> None:
    oa = oa_invite
    people = await listed(app)

    no_phone = await ask(bot, oa, ADMIN, f"/moi zns {people['Hà Thị Nga']}")
    first = await ask(bot, oa, ADMIN, "/moi zns Sở Y tế")
    waiting = await ask(bot, oa, ADMIN, f"/moi zns {people['Lục Văn Khánh']}")

    assert no_phone.strip().startswith("Đồng chí Hà Thị Nga chưa có số điện thoại di động")
    assert "Lục Văn Khánh, số 0977***419" in first and "Chưa có số điện thoại nên chưa gửi được: Hà Thị Nga" in first
    assert waiting.strip().startswith("Mã mời gửi đồng chí Lục Văn Khánh qua ZNS đang chờ gửi")
    async with app.sessions() as session, session.begin():
        session.add(ZnsSpend(month="2026-12", messages=10, vnd=3000, warned=True))  # the cap (3,000 VND) is spent
        await session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.kind == "invite"))
    capped = await ask(bot, oa, ADMIN, "/moi zns Sở Y tế")
    assert capped.strip() == "Hạn mức chi ZNS của tháng này chỉ còn đủ 0 tin, cần 1 tin: chưa gửi mã mời nào."


async def test_a_zns_refusal_reaches_the_admins_as_a_dead_letter(app: App, bot: OaRunning, oa: FakeOa) -> None:
    people = await listed(app)  # the fake knows no invite template: ZNS answers -1124

    await ask(bot, oa, ADMIN, f"/moi zns {people['Lục Văn Khánh']}")
    await drain(app, bot)

    async with app.sessions() as session:
        rows = {str(r.kind): str(r.status) for r in (await session.scalars(select(OutboxMessage))).all()}
    assert oa.zns == [] and rows["invite"] == "dead" and rows["dead_letter"] in ("pending", "sent")


async def test_without_an_invite_template_moi_zns_says_so(app: App, bot: OaRunning, oa: FakeOa) -> None:
    people = await listed(app)
    app.router.settings = app.router.settings.__class__(
        **{**app.router.settings.__dict__, "zns": app.config.zalo_oa.zns.model_copy(update={"templates": {}})}
    )

    answer = await ask(bot, oa, ADMIN, f"/moi zns {people['Lục Văn Khánh']}")

    assert answer.strip().startswith("Chưa gửi được mã mời qua Zalo (ZNS): hệ thống chưa cấu hình mẫu tin ZNS")


async def test_the_command_line_queues_an_invite_by_zns_for_the_running_bot(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    people = await listed(app)
    args = cli.parser().parse_args(["invite", "Sở Y tế", "--zns", "--name", "Lục Văn Khánh"])

    code = await cli.COMMANDS["invite"](app.config, args)  # its own clock: now, maybe outside ZNS hours
    printed = capsys.readouterr()

    assert code == 0, printed.err
    assert "Lục Văn Khánh, số 0977***419: mã " in printed.out and PHONE[2:] not in printed.out
    async with app.sessions() as session:
        row = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invite"))).one()
    assert (row.channel, row.chat_id, str(row.status)) == ("zns", f"official:{people['Lục Văn Khánh']}", "pending")
    args = cli.parser().parse_args(["invite", "Sở Y tế", "--zns", "--name", "Hà Thị Nga"])
    assert await cli.COMMANDS["invite"](app.config, args) == 1
    assert capsys.readouterr().err.strip().startswith("Đồng chí Hà Thị Nga chưa có số điện thoại di động")
