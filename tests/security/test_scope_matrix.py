"""The province scope, cell by cell from policy tables (the companion of ``test_access_matrix.py``, on its
two provinces P and Q, with an admin and a leader added in Q):

- ``UPLOADS``: every import kind, sent as a chat upload by an admin of P, an admin of Q and a leader of
  P, aimed at P's data and at Q's data; the confirmation typed and pressed. Allowed exactly when an
  admin aims at their own province; a refused upload writes nothing anywhere, an allowed one changes
  its own province and nothing of the other.
- ``LISTS``: the admin lists (/nhacnho, /nhatky, /canbo) as each province's admin: each shows its own
  province's people and entries and never the other's.
- ``ALERTS``: the dead-letter and the Zalo budget alerts: only the admins of the province concerned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.zalo.push_sender import BudgetState, budget_warning
from handlers.base import FileRef, Incoming, Reply
from jobs.claims import admins_and_names
from models import ChatAccount, FrozenClock, OutboxMessage, Role
from models.importers import ensure_indices
from models.queries.accounts import audit
from models.system import AuditEntry
from tests import factories as f
from tests.security.test_access_matrix import NOW, World, build

PROVINCE_OF = {"admin_d": "P", "leader_p": "P", "admin_q": "Q"}
COMMUNE = {"P": "A", "Q": "QA"}  # the commune of each province an upload aims at


def _csv(*rows: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@dataclass(frozen=True)
class Upload:
    """One import kind: the caption and the file that aim at province ``target`` from an admin of ``own``."""

    caption: Callable[[str], str]
    rows: Callable[[str, str], tuple[tuple[str, ...], ...]]


UPLOADS: dict[str, Upload] = {
    # rename the target's commune and hang it under the sender's own province (re-parenting Hữu Lũng)
    "units": Upload(
        lambda t: "/tailen donvi",
        lambda t, own: (("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên"), (COMMUNE[t], "Xã đổi tên", "xã", own)),
    ),
    # rewrite task 1 of the target's plan and give it to the target's commune
    "tasks": Upload(
        lambda t: f"/tailen nhiemvu KH-{t}",
        lambda t, own: (
            ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"),
            ("1", "Nội dung ghi đè", COMMUNE[t], "30/09/2024"),
        ),
    ),
    # set the target's commune's PAR INDEX 2023 to 10
    "results": Upload(
        lambda t: "/tailen ketqua",
        lambda t, own: (("Chỉ số", "Năm", "Đơn vị", "Điểm"), ("PAR INDEX", "2023", COMMUNE[t], "10")),
    ),
    "drive_criteria": Upload(
        lambda t: f"/tailen tieuchi TD-{t}",
        lambda t, own: (("TT", "Tiêu chí", "Trọng số", "Chỉ tiêu"), ("1", "Tiêu chí ghi đè", "50", "95")),
    ),
    "drive_measurements": Upload(
        lambda t: f"/tailen solieu TD-{t}",
        lambda t, own: (("Đơn vị", "Tiêu chí", "Ngày", "Giá trị"), (COMMUNE[t], "1", "01/05/2024", "33")),
    ),
    # give the target's commune a 766 result for May 2024
    "766": Upload(
        lambda t: "/tailen 766 2024-05",
        lambda t, own: (
            (
                "Đơn vị",
                "Công khai, minh bạch",
                "Tiến độ giải quyết",
                "Dịch vụ trực tuyến",
                "Mức độ hài lòng",
                "Số hóa hồ sơ",
            ),
            (COMMUNE[t], "1", "1", "1", "1", "1"),
        ),
    ),
    # list an official with a phone at the target's commune (issue 21 point 4)
    "officials": Upload(
        lambda t: "/tailen canbo",
        lambda t, own: (
            ("STT", "Họ và tên", "Đơn vị", "Vai trò", "Số điện thoại"),
            ("1", "Cán bộ ghi đè", COMMUNE[t], "cán bộ", "0912 000 101" if t == "P" else "0912 000 202"),
        ),
    ),
}
UPLOADERS = ("admin_d", "admin_q", "leader_p")


def allowed(actor: str, target: str) -> bool:
    return actor.startswith("admin") and PROVINCE_OF[actor] == target


# every row an upload can touch, with the id of the province (root unit) it belongs to
SNAPSHOT = {
    "units": "SELECT u.path, u.code, u.name, u.parent_id FROM units u",
    "plans": "SELECT x.path, p.code, p.title, p.issuing_unit_id FROM plans p JOIN units x ON x.id = p.issuing_unit_id",
    "tasks": "SELECT x.path, t.plan_id, t.number, t.content, t.due_date FROM tasks t "
    "JOIN plans p ON p.id = t.plan_id JOIN units x ON x.id = p.issuing_unit_id",
    "assignments": "SELECT u.path, a.task_id, a.role, a.progress FROM assignments a JOIN units u ON u.id = a.unit_id",
    "results": "SELECT u.path, r.index_id, r.year, r.score FROM index_results r JOIN units u ON u.id = r.unit_id",
    "drives": "SELECT x.path, d.code, d.title FROM drives d JOIN units x ON x.id = d.organiser_unit_id",
    "criteria": "SELECT x.path, c.number, c.name, c.weight, c.target_value FROM drive_criteria c "
    "JOIN drives d ON d.id = c.drive_id JOIN units x ON x.id = d.organiser_unit_id",
    "measurements": "SELECT u.path, m.criterion_id, m.measured_on, m.value FROM drive_measurements m "
    "JOIN drive_participants dp ON dp.id = m.participant_id JOIN units u ON u.id = dp.unit_id",
    "officials": "SELECT u.path, o.full_name, o.role, o.phone FROM officials o JOIN units u ON u.id = o.unit_id",
}


async def snapshot(sessions: async_sessionmaker[AsyncSession], world: World) -> dict[str, set[tuple[object, ...]]]:
    """Province code -> every row of it (by the root of the unit each row hangs on)."""
    roots = {f"/{world.units[p].id}/": p for p in ("P", "Q")}
    found: dict[str, set[tuple[object, ...]]] = {"P": set(), "Q": set()}
    async with sessions() as session:
        for table, query in SNAPSHOT.items():
            for path, *rest in await session.execute(text(query)):
                root = "/" + str(path).strip("/").split("/")[0] + "/"
                found[roots[root]].add((table, *rest))
    return found


async def _world(sessions: async_sessionmaker[AsyncSession]) -> World:
    world = await build(sessions)
    async with sessions() as session:
        await ensure_indices(session)
        u = {code: await session.get(type(unit), unit.id) for code, unit in world.units.items()}
        assert u["Q"] is not None and u["QA"] is not None
        await f.official(session, u["Q"], Role.ADMIN, name="Quản trị Q", external_id="admin_q")
        await f.official(session, u["Q"], Role.LEADER, name="Lãnh đạo Q", external_id="leader_q")
        await session.commit()
    return world


async def _say(
    world: World, actor: str, text_: str = "", *, pressed: bool = False, file: FileRef | None = None
) -> Reply:
    incoming = Incoming(
        "console", actor, actor, "" if pressed else text_, callback=text_ if pressed else None, file=file
    )
    _, replies = await world.router.handle(incoming)
    return replies[0]


@pytest.mark.parametrize("pressed", [False, True], ids=["typed", "button"])
async def test_every_upload_kind_writes_only_inside_the_uploaders_province(
    sessions: async_sessionmaker[AsyncSession], pressed: bool
) -> None:
    world = await _world(sessions)
    wrong: list[str] = []
    cells = 0
    for kind, upload in UPLOADS.items():
        for actor in UPLOADERS:
            for target in ("P", "Q"):
                cells += 1
                want = allowed(actor, target)
                content = _csv(*upload.rows(target, PROVINCE_OF[actor]))
                file = FileRef(f"{kind}-{actor}-{target}", f"{kind}.csv", size=len(content), content=content)
                before = await snapshot(sessions, world)
                preview = await _say(world, actor, upload.caption(target), file=file)
                done = await _say(world, actor, "/tailen xacnhan", pressed=pressed)
                after = await snapshot(sessions, world)
                where = f"{kind} by {actor} aimed at {target}"
                if want and (preview.template, done.template) != ("uploads/preview", "uploads/done"):
                    wrong.append(f"{where}: expected an import, got {preview.template} then {done.template}")
                if not want and done.template == "uploads/done":
                    wrong.append(f"{where}: imported though outside the province")
                if not want and after != before:
                    wrong.append(f"{where}: refused but wrote {after[target] ^ before[target]}")
                other = "Q" if target == "P" else "P"
                if want and after[other] != before[other]:
                    wrong.append(f"{where}: changed the other province: {after[other] ^ before[other]}")
                if want and after[target] == before[target]:
                    wrong.append(f"{where}: allowed but wrote nothing")
                if not want and actor.startswith("admin") and preview.template == "uploads/errors":
                    codes = {e.code for e in preview.context["result"].errors}
                    if not codes & {"outside_province", "unknown_unit"}:
                        wrong.append(f"{where}: refused for {codes}, not for the province")
    print(f"\nscope matrix ({'buttons' if pressed else 'typed'}): {cells} upload cells checked")
    assert not wrong, "\n".join(wrong)


# --- the admin lists -----------------------------------------------------------------------------------

# list -> (command, what of P it must show to P's admin, what of Q it must show to Q's admin)
LISTS: dict[str, tuple[str, str, str]] = {
    "pending_pushes": ("/nhacnho", "officer_a", "Người của Q"),
    "audit": ("/nhatky", "ke_hoach_P.xlsx", "ke_hoach_Q.xlsx"),
    "officials_own": ("/canbo {own}", "officer_a", "Quản trị Q"),
}
ADMINS = {"admin_d": ("P", "A"), "admin_q": ("Q", "Q")}


async def _lists_world(sessions: async_sessionmaker[AsyncSession]) -> World:
    world = await _world(sessions)
    async with sessions() as session:
        qa = await session.get(type(world.units["QA"]), world.units["QA"].id)
        assert qa is not None
        await f.official(session, qa, Role.OFFICER, name="Người của Q", external_id="nguoi_q")
        people = {
            name: official_id
            for name, official_id in await session.execute(
                text("SELECT full_name, id FROM officials WHERE full_name IN ('officer_a', 'Người của Q')")
            )
        }
        for name, official_id in people.items():
            session.add(
                OutboxMessage(
                    dedupe_key=f"note:{name}",
                    kind="note",
                    official_id=official_id,
                    template="push/note",
                    context={},
                    not_before=NOW,
                    created_at=NOW,
                )
            )
        # imports of the command line (no actor) name their province
        for province in ("P", "Q"):
            audit(
                session,
                at=NOW,
                actor_id=None,
                action="import.tasks",
                subject=f"ke_hoach_{province}.xlsx",
                province_id=world.units[province].id,
            )
        await session.commit()
    return world


@pytest.mark.parametrize("pressed", [False, True], ids=["typed", "button"])
async def test_every_admin_list_shows_only_the_admins_own_province(
    sessions: async_sessionmaker[AsyncSession], pressed: bool
) -> None:
    world = await _lists_world(sessions)
    wrong: list[str] = []
    for name, (command, of_p, of_q) in LISTS.items():
        for actor, (province, own_unit) in ADMINS.items():
            reply = await _say(world, actor, command.format(own=own_unit), pressed=pressed)
            shown = str(reply.context)
            mine, theirs = (of_p, of_q) if province == "P" else (of_q, of_p)
            if mine not in shown:
                wrong.append(f"{name} as {actor}: its own province's {mine!r} missing ({reply.template})")
            if theirs in shown:
                wrong.append(f"{name} as {actor}: the other province's {theirs!r} shown")
    assert not wrong, "\n".join(wrong)


# --- the alerts --------------------------------------------------------------------------------------------


async def _admin_ids(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(text("SELECT full_name, id FROM officials WHERE role = 'admin'"))
    return {name: official_id for name, official_id in rows}


async def test_a_dead_letter_is_told_to_the_admins_of_its_officials_province_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessions)
    async with sessions() as session:
        admins = await _admin_ids(session)
        people = dict((await session.execute(text("SELECT full_name, id FROM officials"))).all())
        told, _ = await admins_and_names(session, [people["officer_a"], people["q"]])
    assert told[people["officer_a"]] == [admins["admin_d"]]
    assert told[people["q"]] == [admins["Quản trị Q"]]
    assert world.units["P"].id != world.units["Q"].id


async def test_the_zalo_budget_alert_goes_to_the_admins_of_provinces_on_zalo_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _world(sessions)
    async with sessions() as session:
        admins = await _admin_ids(session)
        q_officer = await session.scalar(text("SELECT id FROM officials WHERE full_name = 'q'"))
        zalo = ChatAccount(official_id=q_officer, channel="zalo", external_id="z-q", chat_id="z-q", created_at=NOW)
        session.add(zalo)
        await session.commit()
    warn = budget_warning(sessions, FrozenClock(at=NOW))
    await warn(BudgetState(month="2024-06", used=2900, budget=3000, warn_percent=90))
    async with sessions() as session:
        alerts = select(OutboxMessage.official_id).where(OutboxMessage.kind == "zalo_budget_low")
        told = set((await session.execute(alerts)).scalars())  # the world holds reminders of its own
    assert told == {admins["Quản trị Q"]}


async def test_the_audit_log_of_a_province_holds_its_uploads_and_not_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """An upload by Q's admin is in Q's /nhatky with its province, never in P's."""
    world = await _world(sessions)
    content = _csv(("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên"), ("QB", "Xã QB", "xã", "Q"))
    file = FileRef("f", "don_vi_Q.csv", size=len(content), content=content)
    assert (await _say(world, "admin_q", "/tailen donvi", file=file)).template == "uploads/preview"
    assert (await _say(world, "admin_q", "/tailen xacnhan")).template == "uploads/done"
    async with sessions() as session:
        entry = (await session.execute(select(AuditEntry).where(AuditEntry.action == "import.units"))).scalar_one()
    assert entry.province_id == world.units["Q"].id
    assert "don_vi_Q.csv" in str((await _say(world, "admin_q", "/nhatky")).context)
    assert "don_vi_Q.csv" not in str((await _say(world, "admin_d", "/nhatky")).context)
