"""Issue 12's roles part, as a hostile or careless sender would try it:

- no word an admin types makes a provincial leader (who sees the whole province) of someone below the
  province: "lãnh đạo" of a commune is its head, "lãnh đạo tỉnh" and "leader" fit only the province;
- an invite for a unit out of operation (abolished, or not yet formed) writes nothing: no code, no audit line;
- the successor named in that refusal is never a unit of another province;
- a code typed on its own is a ``/start CODE``: counted and limited like one, and ignored in a group;
- the numbered choice between two units is a ``/moi`` line checked like typed text: a forged one naming
  another province's unit is refused.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import HandlerConfig
from handlers.roles import ROLE_WORDS
from handlers.router import Router
from models import DEFAULT_TZ, AuditEntry, FrozenClock, Invite, Role, Unit, UnitKind
from models.queries import successors
from models.queries.accounts import WRONG_CODE, WRONG_CODES_PER_ACCOUNT
from models.tree import add_unit
from tests.handlers.conftest import NOW, Bot, build_province

AFTER_REFORM = datetime(2026, 1, 5, 9, 0, tzinfo=DEFAULT_TZ)


async def _bot(sessions: async_sessionmaker[AsyncSession], clock: FrozenClock) -> tuple[Bot, dict[str, int]]:
    async with sessions() as session:
        units = await build_province(session)
    settings = HandlerConfig(bot_username="cchc_bot")
    return Bot(Router(sessions, clock=clock, settings=settings)), units


async def _count(sessions: async_sessionmaker[AsyncSession], *where: object) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)


@pytest.mark.parametrize(
    "kind", [UnitKind.COMMUNE, UnitKind.WARD, UnitKind.DISTRICT, UnitKind.DEPARTMENT, "special_zone"]
)
def test_no_role_word_makes_a_provincial_leader_below_the_province(kind: str) -> None:
    below = Unit(code="X", name="X", kind=kind, parent_id=1, path="/1/2/")
    leaders = [key for key, word in ROLE_WORDS.items() if word.role_at(below) is Role.LEADER]
    assert leaders == []


async def test_lanhdao_of_a_commune_is_invited_as_its_head_not_as_a_provincial_leader(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot, units = await _bot(sessions, FrozenClock(at=NOW))
    for line in ("/moi MS lanhdao", "/moi MS lãnh đạo tỉnh", "/moi MS leader", "/moi Xã Minh Sơn chủ tịch"):
        await bot.ask(line, as_="admin")
    async with sessions() as session:
        roles = [(role, unit_id) for role, unit_id in await session.execute(select(Invite.role, Invite.unit_id))]
    assert roles == [(Role.UNIT_HEAD, units["MS"]), (Role.UNIT_HEAD, units["MS"])]


async def test_an_invite_for_a_unit_out_of_operation_writes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FrozenClock(at=AFTER_REFORM)
    bot, units = await _bot(sessions, clock)
    async with sessions() as session:
        (await session.get_one(Unit, units["HL"])).valid_to = date(2025, 6, 30)
        ls = await session.get_one(Unit, units["LS"])
        await add_unit(
            session, code="NEW", name="Xã Mới", kind=UnitKind.COMMUNE, parent=ls, valid_from=date(2027, 1, 1)
        )
        await session.commit()
    assert "đã kết thúc hoạt động từ 01/07/2025" in await bot.ask("/moi HL thutruong", as_="admin")
    assert "bắt đầu hoạt động từ 01/01/2027" in await bot.ask("/moi NEW canbo", as_="admin")
    async with sessions() as session:
        assert (await session.execute(select(Invite.id))).first() is None
    assert await _count(sessions, AuditEntry.action == "invite.create") == 0


async def test_the_successor_named_is_never_a_unit_of_another_province(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, units = await _bot(sessions, FrozenClock(at=AFTER_REFORM))
    async with sessions() as session:
        (await session.get_one(Unit, units["HL"])).valid_to = date(2025, 6, 30)
        other = await add_unit(session, code="TN", name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
        secret = await add_unit(session, code="TN.X", name="Xã Bí Mật", kind=UnitKind.COMMUNE, parent=other)
        await session.commit()
        secret_id = secret.id

    async def successor_of(session: AsyncSession, unit: Unit) -> Unit | None:
        return await session.get(Unit, secret_id)

    monkeypatch.setattr(successors, "successor_of", successor_of)
    text = await bot.ask("/moi HL canbo", as_="admin")
    assert "đã kết thúc hoạt động từ 01/07/2025" in text
    assert "Bí Mật" not in text and "TN.X" not in text


async def test_a_code_typed_on_its_own_is_limited_like_start_code(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = FrozenClock(at=NOW)
    bot, _ = await _bot(sessions, clock)
    made = await bot.ask("/moi MS canbo", as_="admin")
    code = made.split("Mã mời: ")[1].split()[0]
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE")[:WRONG_CODES_PER_ACCOUNT]:
        assert "Mã mời không đúng" in await bot.ask(guess, as_="guesser")
    assert await _count(sessions, AuditEntry.action == WRONG_CODE) == WRONG_CODES_PER_ACCOUNT
    text = await bot.ask(code, as_="guesser")  # the right code, on its own: refused like /start CODE
    assert "nhập sai mã mời quá nhiều lần" in text and "Chào mừng" not in text
    clock.advance(timedelta(hours=1, seconds=1))
    assert "Chào mừng" in await bot.ask(code, as_="guesser")


async def test_a_code_on_its_own_in_a_group_is_ignored(sessions: async_sessionmaker[AsyncSession]) -> None:
    bot, _ = await _bot(sessions, FrozenClock(at=NOW))
    made = await bot.ask("/moi MS canbo", as_="admin")
    code = made.split("Mã mời: ")[1].split()[0]
    assert await bot.ask(code, as_="stranger", group=True) == ""
    assert await _count(sessions, AuditEntry.action == WRONG_CODE) == 0
    assert await _count(sessions, AuditEntry.action == "account.register") == 0


async def test_a_forged_choice_naming_another_provinces_unit_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bot, _ = await _bot(sessions, FrozenClock(at=NOW))
    async with sessions() as session:
        other = await add_unit(session, code="TN", name="Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
        await add_unit(session, code="TN.MS", name="Xã Minh Sơn", kind=UnitKind.COMMUNE, parent=other)
        await session.commit()
    text = await bot.ask("/moi Xã Minh Sơn canbo", as_="admin", numbered=True)
    assert "Mã mời:" in text and "Hữu Lũng" in text  # the other province's namesake is no choice at all
    forged = await bot.ask("", as_="admin", callback="/moi TN.MS canbo")
    assert "Không tìm thấy đơn vị “TN.MS”" in forged
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Invite))).scalar_one() == 1
