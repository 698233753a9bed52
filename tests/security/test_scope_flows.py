"""Issue 11's scope findings replayed on the two provinces of ``test_access_matrix.py`` (P and Q, an admin
and a leader added in Q), each as the hostile second province would try it:

- a plan imported by Q is Q's only: P's leader keeps seeing P's plan, and P's "toàn tỉnh" lists no Q unit;
- a confirmation writes exactly what was previewed, or nothing;
- revoking an official cancels the invites they created; a revoked admin cannot come back with one;
- a flood of wrong invite codes never closes registration for another chat account with a valid code,
  and a locked account is told how long to wait;
- the CLI takes the province (``--province``) and refuses rows outside it, listing them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import FileRef, Incoming, Reply
from handlers.router import Router
from models import AuditEntry, FrozenClock, Invite, Official, Plan, Role, Task, Unit
from models.importers import import_bytes
from models.queries.accounts import WRONG_CODES_IN_ALL, WRONG_CODES_PER_ACCOUNT
from tests import factories as f
from tests.security.test_access_matrix import NOW, SECRET, World, build

Q_PLAN = "Nội dung của kế hoạch Q"


def _csv(*rows: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


TASKS = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành")


async def _world(sessions: async_sessionmaker[AsyncSession]) -> World:
    world = await build(sessions)
    async with sessions() as session:
        q = await session.get(Unit, world.units["Q"].id)
        assert q is not None
        await f.official(session, q, Role.ADMIN, name="Quản trị Q", external_id="admin_q")
        await session.commit()
    return world


async def _say(
    world: World, actor: str, text: str = "", *, pressed: bool = False, file: FileRef | None = None
) -> list[Reply]:
    incoming = Incoming("console", actor, actor, "" if pressed else text, callback=text if pressed else None, file=file)
    _, replies = await world.router.handle(incoming)
    return replies


def _upload(name: str, content: bytes) -> FileRef:
    return FileRef(name, name, size=len(content), content=content)


# --- plans ---------------------------------------------------------------------------------------------


async def test_a_plan_imported_by_another_province_is_neither_shown_nor_hides_ours(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessions)
    content = _csv(TASKS, ("1", Q_PLAN, "QA", "30/09/2025"))
    [preview] = await _say(world, "admin_q", "/tailen nhiemvu KH-Q-2025 2025", file=_upload("kh.csv", content))
    assert preview.template == "uploads/preview"
    assert (await _say(world, "admin_q", "/tailen xacnhan"))[0].template == "uploads/done"
    async with sessions() as session:
        plan = (await session.execute(select(Plan).where(Plan.code == "KH-Q-2025"))).scalar_one()
    assert plan.issuing_unit_id == world.units["Q"].id
    ours, everyone = await _say(world, "leader_p", "/nhiemvu"), await _say(world, "leader_p", "/nhiemvu tatca")
    for replies in (ours, everyone):
        shown = str([r.context for r in replies])
        assert Q_PLAN not in shown and SECRET not in shown and "Xã QA" not in shown
        assert replies[0].context["plan"].code == "KH-P"


async def test_the_cli_tasks_importer_gives_a_new_plan_its_province(session: AsyncSession) -> None:
    from bot.imports import cli_scope

    p = await f.unit(session, "P", f.UnitKind.PROVINCE)
    await f.unit(session, "PA", f.UnitKind.COMMUNE, p)
    await f.unit(session, "Q", f.UnitKind.PROVINCE)
    scope = await cli_scope(session, "P", "tasks")
    assert not isinstance(scope, Reply) and scope is not None
    content = _csv(TASKS, ("1", "Nhiệm vụ", "PA", "30/09/2025"))
    result = await import_bytes(
        session, "tasks", "kh.csv", content, options={"plan": "KH-P-2025", "year": 2025}, scope=scope
    )
    assert result.ok, result.errors
    plan = (await session.execute(select(Plan).where(Plan.code == "KH-P-2025"))).scalar_one()
    assert plan.issuing_unit_id == p.id


# --- confirm writes exactly what was previewed -------------------------------------------------------------


async def test_confirm_refuses_when_a_newer_plan_appeared_since_the_preview(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Preview into the latest plan (KH-P, no plan named); another admin makes a newer plan; confirm."""
    world = await _world(sessions)
    content = _csv(TASKS, ("1", "Nội dung xem trước", "A", "30/09/2024"))
    [preview] = await _say(world, "admin_d", "/tailen nhiemvu", file=_upload("kh.csv", content))
    assert preview.template == "uploads/preview" and preview.context["options"]["plan"] == "KH-P"
    async with sessions() as session:
        newer = await f.plan(session, 2025, "KH-P-2025")
        newer.issuing_unit_id = world.units["P"].id
        await session.commit()
    [answer] = await _say(world, "admin_d", "/tailen xacnhan", pressed=True)
    assert answer.template == "uploads/changed_since_preview"
    async with sessions() as session:
        contents = set((await session.execute(select(Task.content))).scalars())
        assert "Nội dung xem trước" not in contents
        assert await session.scalar(select(func.count()).select_from(Task).where(Task.plan_id == newer.id)) == 0
    [again] = await _say(world, "admin_d", "/tailen xacnhan")  # the waiting file is gone: preview again
    assert again.template == "uploads/nothing_pending"


async def test_confirm_refuses_when_what_it_would_change_changed_since_the_preview(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessions)
    content = _csv(TASKS, ("1", "Nội dung xem trước", "A", "30/09/2024"))
    [preview] = await _say(world, "admin_d", "/tailen nhiemvu KH-P", file=_upload("kh.csv", content))
    assert preview.template == "uploads/preview"
    async with sessions() as session:  # meanwhile someone else edits task 1
        task = (await session.execute(select(Task).where(Task.number == 1, Task.content != SECRET))).scalars().first()
        assert task is not None
        task.content = "Sửa trong lúc chờ"
        await session.commit()
    [answer] = await _say(world, "admin_d", "/tailen xacnhan")
    assert answer.template == "uploads/changed_since_preview"
    async with sessions() as session:
        assert "Nội dung xem trước" not in set((await session.execute(select(Task.content))).scalars())


async def test_confirm_after_an_unchanged_preview_imports(sessions: async_sessionmaker[AsyncSession]) -> None:
    world = await _world(sessions)
    content = _csv(TASKS, ("1", "Nội dung xem trước", "A", "30/09/2024"))
    await _say(world, "admin_d", "/tailen nhiemvu KH-P", file=_upload("kh.csv", content))
    assert (await _say(world, "admin_d", "/tailen xacnhan"))[0].template == "uploads/done"


# --- invites -----------------------------------------------------------------------------------------------


async def _code(replies: list[Reply]) -> str:
    assert replies[0].template == "account/invite_created", replies[0].template
    return str(replies[0].context["code"])


async def test_revoking_an_admin_cancels_the_invites_they_created(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A second admin of P mints codes (one for themself under another chat account), is revoked, and
    tries to come back with it: refused, and every cancelled code is in the audit log."""
    world = await _world(sessions)
    async with sessions() as session:
        d = await session.get(Unit, world.units["D"].id)
        assert d is not None
        rogue = await f.official(session, d, Role.ADMIN, name="Quản trị bị thu hồi", external_id="rogue")
        await session.commit()
    comeback = await _code(await _say(world, "rogue", "/moi D quantri Quản trị bị thu hồi"))
    other = await _code(await _say(world, "rogue", "/moi A canbo"))
    kept = await _code(await _say(world, "admin_d", "/moi A canbo"))
    [revoked] = await _say(world, "admin_d", f"/thuhoi {rogue.id}")
    assert revoked.template == "admin/revoked"
    assert "Đã hủy 2 mã mời" in Renderer().render("vi", revoked)
    assert "2 unused invite codes they created were cancelled" in Renderer().render("en", revoked)
    [refused] = await _say(world, "rogue-2", f"/start {comeback}")
    assert refused.template == "account/register_prompt" and refused.context["reason"] == "expired"
    assert (await _say(world, "someone", f"/start {other}"))[0].context["reason"] == "expired"
    assert (await _say(world, "newcomer", f"/start {kept}"))[0].template == "account/welcome"
    async with sessions() as session:
        cancelled = set(
            (await session.execute(select(AuditEntry.subject).where(AuditEntry.action == "invite.cancel"))).scalars()
        )
        admins = await session.scalar(
            select(func.count()).select_from(Official).where(Official.role == Role.ADMIN, Official.active.is_(True))
        )
    assert cancelled == {comeback, other}
    assert admins == 2  # admin_d and Q's admin: the rogue did not come back


async def test_a_flood_of_wrong_codes_never_closes_registration_for_a_valid_code(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """100 wrong codes from 20 chat accounts within a second; then a new chat account with a valid code
    of the other province registers, and one of the flooding accounts is told how long to wait."""
    world = await _world(sessions)
    code = await _code(await _say(world, "admin_q", "/moi QA canbo Người được mời"))
    flooders = [f"flood{i}" for i in range(20)]
    for n in range(WRONG_CODES_IN_ALL):
        await _say(world, flooders[n % len(flooders)], f"/start WRONG{n:03d}")
    [welcome] = await _say(world, "invitee", f"/start {code}")
    assert welcome.template == "account/welcome"
    [locked] = await _say(world, "flood0", "/start ANYTHING")
    assert locked.context["reason"] == "too_many" and 1 <= locked.context["minutes"] <= 60


async def test_an_account_that_typed_too_many_wrong_codes_is_told_how_long_to_wait(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessions)
    clock = FrozenClock(at=NOW)
    router = Router(sessions, clock=clock, settings=world.router.settings)
    world = dataclasses.replace(world, router=router)
    code = await _code(await _say(world, "admin_d", "/moi A canbo"))
    for n in range(WRONG_CODES_PER_ACCOUNT):
        await _say(world, "guesser", f"/start WRONG{n}")
        clock.advance(timedelta(minutes=10))
    [locked] = await _say(world, "guesser", f"/start {code}")  # locked: even a right code is not looked at
    assert locked.context == {"reason": "too_many", "minutes": 10}
    assert "thử lại sau 10 phút" in Renderer().render("vi", locked)
    assert "try again in 10 minutes" in Renderer().render("en", locked)
    clock.advance(timedelta(minutes=10))
    assert (await _say(world, "guesser", f"/start {code}"))[0].template == "account/welcome"


# --- the command line ----------------------------------------------------------------------------------------


async def test_the_cli_needs_the_province_and_refuses_rows_outside_it_listing_them(session: AsyncSession) -> None:
    from bot.imports import cli_scope

    p = await f.unit(session, "P", f.UnitKind.PROVINCE)
    await f.unit(session, "PA", f.UnitKind.COMMUNE, p)
    q = await f.unit(session, "Q", f.UnitKind.PROVINCE)
    await f.unit(session, "QA", f.UnitKind.COMMUNE, q)
    needed = await cli_scope(session, None, "units")
    assert isinstance(needed, Reply) and needed.template == "imports/province_needed"
    assert needed.context["known"] == ["P", "Q"]
    scope = await cli_scope(session, "q", "units")
    assert not isinstance(scope, Reply) and scope is not None and scope.province.id == q.id
    content = _csv(
        ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên"),
        ("QB", "Xã QB", "xã", "Q"),  # fine: a new commune of Q
        ("PA", "Xã PA", "xã", "Q"),  # P's commune taken into Q
        ("PB", "Xã PB", "xã", "PA"),  # a new commune under P's
        ("P", "Tỉnh P", "tỉnh", "Q"),  # P itself under Q
    )
    result = await import_bytes(session, "units", "don_vi.csv", content, scope=scope)
    assert [(e.row, e.code) for e in result.errors] == [(row, "outside_province") for row in (3, 4, 5)]
    assert (await session.execute(select(Unit).where(Unit.code == "QB"))).first() is None  # all or nothing
    assert await session.scalar(select(func.count()).select_from(Invite)) == 0


async def test_the_whole_province_lists_no_unit_of_another_province_even_in_old_data(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A plan of P that (imported before the fix) assigns a task to Q's commune: P's "toàn tỉnh" still
    lists P's units only."""
    world = await _world(sessions)
    async with sessions() as session:
        plan = (await session.execute(select(Plan).where(Plan.code == "KH-P"))).scalar_one()
        qa = await session.get(Unit, world.units["QA"].id)
        assert qa is not None
        await f.task(session, plan, 20, NOW.date() + timedelta(days=30), qa, content="Giao nhầm cho Q")
        await session.commit()
    [by_unit] = await _say(world, "leader_p", "/nhiemvu tatca")
    assert by_unit.template == "tasks/by_unit"
    assert "Xã QA" not in str(by_unit.context) and "Xã A" in str(by_unit.context)
