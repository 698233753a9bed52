"""Who may see and do what: every command × every role × own unit / a unit below / a sibling / another
province, asserted cell by cell from ONE policy table (``POLICY``), typed and pressed as a button.

Two provinces on 01/06/2024:
    P ── D (department; the admin's unit)
      ├─ H (district) ── A, B (communes)
      └─ H2 (district) ── C (commune)
    Q ── QA (commune)
Plan 2024 of P: task 1 → A, 2 → B, 3 → H, 4 → C, 5 → D, 6 → H2, 7 → P. Plan 2024 of Q: task 9 → QA,
whose content ("BÍ MẬT CỦA Q") must never reach anyone of P. Every task has a progress report with a
photo (report ids are forged into /minhchung by whoever likes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.base import HandlerConfig, Incoming, Reply
from handlers.router import Router
from models import (
    DEFAULT_TZ,
    FrozenClock,
    Invite,
    Leave,
    OutboxMessage,
    ProgressReport,
    ReportInput,
    Role,
    Unit,
    UnitKind,
)
from models.queries.tasks import record_progress
from models.settings import DashboardConfig
from tests import factories as f

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=DEFAULT_TZ)
SETTINGS = HandlerConfig(
    bot_username="cchc_bot", dashboard=DashboardConfig(enabled=True, public_url="https://cchc.example/dashboard")
)
SECRET = "BÍ MẬT CỦA Q"
TASK_OF = {"A": 1, "B": 2, "H": 3, "C": 4, "D": 5, "H2": 6, "P": 7, "QA": 9}
REFUSALS = {
    "account/register_prompt",
    "errors/not_allowed",
    "errors/not_your_unit",
    "errors/not_assigned",
    "errors/unknown_task",
    "errors/unknown_unit",
    "errors/no_evidence",
    "telegram/button_expired",  # a chart button naming what the sender may not see: as a forged button
}

# actor -> (role, unit, {relation: target unit}); a relation an actor does not have is left out
ACTORS: dict[str, tuple[Role | None, str, dict[str, str]]] = {
    "nobody": (None, "", {"own": "A", "below": "A", "sibling": "B", "other": "QA"}),
    "officer_a": (Role.OFFICER, "A", {"own": "A", "sibling": "B", "other": "QA"}),
    "head_a": (Role.UNIT_HEAD, "A", {"own": "A", "sibling": "B", "other": "QA"}),
    "head_h": (Role.UNIT_HEAD, "H", {"own": "H", "below": "A", "sibling": "H2", "other": "QA"}),
    "leader_p": (Role.LEADER, "P", {"own": "P", "below": "A", "sibling": "H2", "other": "QA"}),
    "admin_d": (Role.ADMIN, "D", {"own": "D", "below": "A", "sibling": "H", "other": "QA"}),
}
OFFICIALS = (Role.OFFICER, Role.UNIT_HEAD)
EVERYONE = (*OFFICIALS, Role.LEADER, Role.ADMIN)


@dataclass(frozen=True)
class Rule:
    """One command of the table: what is typed (``{task}``, ``{report}``, ``{code}``, ``{unit}`` (its id),
    ``{drive}`` (its province's drive) filled from the target unit), who may, and for which relations."""

    text: str
    roles: tuple[Role, ...]  # roles allowed at all
    relations: dict[Role, tuple[str, ...]] | None = None  # per role, the relations allowed; None: any
    writes: bool = False


SEE_BELOW = ("own", "below")
SEE_PROVINCE = ("own", "below", "sibling")
POLICY: dict[str, Rule] = {
    # details of one unit's task, its evidence: own subtree; leaders and admins their whole province
    "task": Rule(
        "/nhiemvu {task}",
        EVERYONE,
        {Role.OFFICER: SEE_BELOW, Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
    ),
    "evidence": Rule(
        "/minhchung {report}",
        EVERYONE,
        {Role.OFFICER: SEE_BELOW, Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
    ),
    # a progress report: only for one's own unit's assignment
    "report": Rule("/capnhat {task} 50 matrix", EVERYONE, dict.fromkeys(EVERYONE, ("own",)), writes=True),
    # an invite: admins, into their own province only
    "invite": Rule("/moi {code} canbo", (Role.ADMIN,), {Role.ADMIN: SEE_PROVINCE}, writes=True),
    # who is registered where, and the audit log: admins, their own province only
    "officials": Rule("/canbo {code}", (Role.ADMIN,), {Role.ADMIN: SEE_PROVINCE}),
    "audit": Rule("/nhatky", (Role.ADMIN,)),
    # pushes: the pending ones are the secretariat's; turning one's own optional pushes off and on is anyone's
    "pending_pushes": Rule("/nhacnho", (Role.ADMIN,)),
    "pushes_off": Rule("/tatnhac", EVERYONE),
    "pushes_on": Rule("/batnhac", EVERYONE),
    # a reminder's "Nhắc lại sau 1 ngày" button: the official the reminder was pushed to, nobody else (even of
    # the same unit); {push} is the actor's own reminder for "own", else a reminder to an official of the target
    "snooze": Rule("/nhaclai {push} 1", EVERYONE, dict.fromkeys(EVERYONE, ("own",)), writes=True),
    # not about one unit: any registered official, or the roles named
    "help": Rule("/help", EVERYONE),
    "scores": Rule("/diem", EVERYONE),
    "scores_of": Rule("/diem {code}", EVERYONE),  # published rankings are public
    "rankings": Rule("/xephang par", EVERYONE),  # a national table: every province stored
    "rankings_internal": Rule("/xephang cchc", EVERYONE),  # the asker's own province's communes only
    # a unit against its peers: what the asker may read (a province: anyone, the national indices are public)
    "compare": Rule(
        "/sosanh {code}",
        EVERYONE,
        {Role.OFFICER: SEE_BELOW, Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
    ),
    "compare_provinces": Rule("/sosanh par P voi Q", EVERYONE),
    "rankings_file": Rule("/xephang par xlsx", EVERYONE),  # the same tables as Excel files
    "rankings_internal_file": Rule("/xephang cchc xlsx", EVERYONE),
    "drive": Rule("/thidua", EVERYONE),
    "leaderboard": Rule("/thidua bxh", EVERYONE),
    "targets": Rule("/chitieu", EVERYONE),
    "summary": Rule("/tomtat", EVERYONE),
    "dashboard": Rule("/bangdieukhien", EVERYONE),  # a sign-in link; the pages' own matrix: test_dashboard_access
    "tasks": Rule("/nhiemvu", EVERYONE),
    "province_tasks": Rule("/nhiemvu tatca", (Role.LEADER, Role.ADMIN)),
    "upload": Rule("/tailen", (Role.ADMIN,)),
    # the 📊 button: an index's history is as public as the rankings; a drive's standings are its province's
    "chart_index": Rule("/bieudo index_history PAR {unit}", EVERYONE),
    "chart_compare": Rule(  # /sosanh's chart: the unit as /sosanh would compare it for the sender
        "/bieudo compare CCHC 2023 year 0 {unit}",
        EVERYONE,
        {Role.OFFICER: SEE_BELOW, Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
    ),
    "chart_drive": Rule("/bieudo drive_leaderboard {drive}", EVERYONE, dict.fromkeys(EVERYONE, SEE_PROVINCE)),
    "language": Rule("/ngonngu vi", EVERYONE),
    # the unit's inputs to the periodic report: unit heads and officers, for their own unit only (the command
    # takes no unit); who has answered: leaders and the secretariat, their own province only
    "report_input": Rule("/ykienbaocao noibat matrix", OFFICIALS, writes=True),
    "report_form": Rule("/ykienbaocao", OFFICIALS),
    "report_status": Rule("/tinhhinhbaocao", (Role.LEADER, Role.ADMIN)),
    # /baocao: the periodic report's files of one's own unit (leaders, admins: the province) or of a unit
    # named, as far as one sees; its sub-words are the inputs' commands; a task number then a percent is
    # /capnhat's progress, as when /baocao was its alias
    "report_own_file": Rule("/baocao", EVERYONE),
    "report_unit_file": Rule(
        "/baocao quy 1 2024 {code}",
        EVERYONE,
        {Role.OFFICER: SEE_BELOW, Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
    ),
    "report_progress": Rule("/baocao {task} 50 matrix", EVERYONE, dict.fromkeys(EVERYONE, ("own",)), writes=True),
    "report_sub_input": Rule("/baocao nhap kiennghi matrix", OFFICIALS, writes=True),
    "report_sub_status": Rule("/baocao tinhhinh", (Role.LEADER, Role.ADMIN)),
    # leave: anyone records their own; another official's (``{official}``: one of the target unit): unit heads
    # below them, leaders and the secretariat in their province (handlers/access.py::may_manage)
    "leave_own": Rule("/vangmat 05/06 07/06", EVERYONE, writes=True),
    "leave_other": Rule(
        "/vangmat canbo {official} 05/06 07/06",
        (Role.UNIT_HEAD, Role.LEADER, Role.ADMIN),
        {Role.UNIT_HEAD: SEE_BELOW, Role.LEADER: SEE_PROVINCE, Role.ADMIN: SEE_PROVINCE},
        writes=True,
    ),
}


@dataclass
class World:
    router: Router
    units: dict[str, Unit]
    reports: dict[str, int]  # unit code -> id of the report on its task
    drives: dict[str, int]  # province code -> id of its drive
    pushes: dict[str, int]  # actor (or "q", the officer of QA) -> outbox id of a deadline reminder pushed to them
    officials: dict[str, int]  # unit code -> id of an official there (``{official}``)


async def build(sessions: async_sessionmaker[AsyncSession]) -> World:
    async with sessions() as session:
        u: dict[str, Unit] = {}
        u["P"] = await f.unit(session, "P", UnitKind.PROVINCE, name="Tỉnh P")
        u["D"] = await f.unit(session, "D", UnitKind.DEPARTMENT, u["P"], name="Sở Nội vụ P")
        u["H"] = await f.unit(session, "H", UnitKind.DISTRICT, u["P"], name="Huyện H")
        u["A"] = await f.unit(session, "A", UnitKind.COMMUNE, u["H"], name="Xã A")
        u["B"] = await f.unit(session, "B", UnitKind.COMMUNE, u["H"], name="Xã B")
        u["H2"] = await f.unit(session, "H2", UnitKind.DISTRICT, u["P"], name="Huyện H2")
        u["C"] = await f.unit(session, "C", UnitKind.COMMUNE, u["H2"], name="Xã C")
        u["Q"] = await f.unit(session, "Q", UnitKind.PROVINCE, name="Tỉnh Q")
        u["QA"] = await f.unit(session, "QA", UnitKind.COMMUNE, u["Q"], name="Xã QA")
        officials: dict[str, int] = {}
        for key, (role, at, _) in ACTORS.items():
            if role is not None:
                person = await f.official(session, u[at], role, name=key, external_id=key)
                officials.setdefault(at, person.id)
        reporter = await f.official(session, u["QA"], Role.OFFICER, name="q", external_id="officer_qa")
        people = {
            key: (
                await session.execute(
                    select(f.ChatAccount.official_id).where(
                        f.ChatAccount.external_id == ("officer_qa" if key == "q" else key)
                    )
                )
            ).scalar_one()
            for key in [*(a for a in ACTORS if a != "nobody"), "q"]
        }
        officials["QA"] = reporter.id
        for code in ("B", "H2"):  # the siblings have an official too, whose leave nobody but theirs may record
            officials[code] = (await f.official(session, u[code], Role.OFFICER, name=f"staff_{code}")).id
        plans = {"P": await f.plan(session, 2024, "KH-P"), "Q": await f.plan(session, 2024, "KH-Q")}
        for province, plan in plans.items():
            plan.issuing_unit_id = u[province].id
        reports: dict[str, int] = {}
        for code, number in TASK_OF.items():
            content = SECRET if code == "QA" else f"Nhiệm vụ của {code}"
            plan = plans["Q" if code == "QA" else "P"]
            task = await f.task(session, plan, number, date(2024, 9, 30), u[code], content=content)
            assignment = (await session.execute(select(f.Assignment).where(f.Assignment.task_id == task.id))).scalar()
            assert assignment is not None
            report = await record_progress(
                session,
                assignment,
                percent=10,
                note=f"báo cáo của {code}",
                by_id=reporter.id,
                now=NOW,
                today=NOW.date(),
                evidence=f"photo-{code}",
                evidence_kind="photo",
                evidence_channel="console",
            )
            await session.flush()
            reports[code] = report.id
        criteria = [("Số hoá hồ sơ", "50", "100"), ("Hài lòng", "50", "90")]
        ours = await f.drive(
            session, "TD-P", date(2024, 3, 1), date(2024, 7, 28), [u["A"], u["B"], u["C"]], criteria, u["P"]
        )
        other = await f.drive(session, "TD-Q", date(2024, 3, 1), date(2024, 7, 28), [u["QA"]], criteria, u["Q"])
        await f.measurement(session, other, u["QA"], 1, date(2024, 5, 1), "80")
        par = await f.score_index(session, "PAR")
        cchc = await f.score_index(session, "CCHC")
        for rank, code in enumerate(("P", "Q"), start=1):
            await f.index_result(session, par, u[code], 2023, "80", rank, 2)
        for rank, code in enumerate(("A", "B", "C", "QA"), start=1):
            await f.index_result(session, cchc, u[code], 2023, "80", rank, 4)
        u["D2"] = await f.unit(session, "D2", UnitKind.DEPARTMENT, u["P"], name="Sở Tư pháp P")
        for rank, code in enumerate(("D", "D2", "H", "H2"), start=1):  # every unit /sosanh is asked about has peers
            await f.index_result(session, cchc, u[code], 2023, "80", 1 + rank % 2, 2)
        await session.commit()
    router = Router(sessions, clock=FrozenClock(at=NOW), settings=SETTINGS)
    pushes = {key: await _reminder(sessions, official_id, TASK_OF["A"]) for key, official_id in people.items()}
    return World(router, u, reports, {"P": ours.id, "Q": other.id}, pushes, officials)


async def _reminder(sessions: async_sessionmaker[AsyncSession], official_id: int, number: int) -> int:
    """A deadline reminder pushed to ``official_id`` (as jobs/due.py writes one), its outbox id."""
    async with sessions() as session:
        row = OutboxMessage(
            dedupe_key=f"deadline:task {number}:unit 1:T-7:2024-09-30:official {official_id}", kind="deadline",
            official_id=official_id, template="push/deadline", status="sent", not_before=NOW, created_at=NOW,
            context={"task": {"id": number, "number": number, "content": "x", "due": "2024-09-30"}},
        )  # fmt: skip
        session.add(row)
        await session.commit()
        return row.id


def expected(rule: Rule, role: Role | None, relation: str | None) -> bool:
    if role is None or role not in rule.roles:
        return False
    if rule.relations is None or relation is None:
        return True
    return relation in rule.relations.get(role, ())


def cells() -> list[tuple[str, str, str | None]]:
    """(command, actor, relation) for every cell of the matrix."""
    found: list[tuple[str, str, str | None]] = []
    for name, rule in POLICY.items():
        targeted = "{" in rule.text
        for actor, (_, _, relations) in ACTORS.items():
            for relation in relations if targeted else [None]:
                found.append((name, actor, relation))
    return found


CELLS = cells()


# someone else's reminder in the target unit, for the relations other than "own"
OTHERS_REMINDER = {"A": "officer_a", "B": "q", "H": "head_h", "H2": "q", "P": "leader_p", "D": "admin_d", "QA": "q"}


def _fill(world: World, rule: Rule, relation_target: str | None, actor: str = "", relation: str | None = None) -> str:
    code = relation_target or "A"
    drive = world.drives["Q" if code == "QA" else "P"]  # the drive of the target's province
    if relation == "own":
        whose = actor if actor in world.pushes else "q"  # nobody has none: any reminder (refused anyway)
    else:
        whose = OTHERS_REMINDER[code] if OTHERS_REMINDER[code] != actor else "q"
    return rule.text.format(
        task=TASK_OF[code], report=world.reports[code], code=code, unit=world.units[code].id, drive=drive,
        push=world.pushes[whose], official=world.officials.get(code, 0),
    )  # fmt: skip


async def _counts(sessions: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    """What a write changes: progress reports and invites by number, report inputs by who wrote which,
    leaves by id."""
    async with sessions() as session:
        reports = await session.scalar(select(func.count()).select_from(ProgressReport))
        invites = await session.scalar(select(func.count()).select_from(Invite))
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
        inputs = (await session.execute(select(ReportInput.unit_id, ReportInput.item, ReportInput.official_id))).all()
        leaves = (await session.execute(select(Leave.id))).scalars().all()  # a new leave replaces one: a new id
    return int(reports or 0), int(invites or 0), int(outbox or 0), sorted(tuple(row) for row in inputs), sorted(leaves)


Check = Callable[[list[Reply]], bool]


def _allowed(replies: list[Reply]) -> bool:
    first = replies[0].template
    return first not in REFUSALS and not first.startswith("errors/")


@pytest.mark.parametrize("pressed", [False, True], ids=["typed", "button"])
async def test_every_cell_of_the_access_matrix(sessions: async_sessionmaker[AsyncSession], pressed: bool) -> None:
    world = await build(sessions)
    wrong: list[str] = []
    for name, actor, relation in CELLS:
        rule = POLICY[name]
        role, _, relations = ACTORS[actor]
        target = relations.get(relation) if relation else None
        text = _fill(world, rule, target, actor, relation)
        before = await _counts(sessions)
        incoming = Incoming("console", actor, actor, "" if pressed else text, callback=text if pressed else None)
        _, replies = await world.router.handle(incoming)
        after = await _counts(sessions)
        want = expected(rule, role, relation)
        got = _allowed(replies)
        rendered = " ".join(str(r.context) for r in replies)
        if got != want:
            wrong.append(f"{name} as {actor} on {relation} ({text!r}): expected {want}, got {replies[0].template}")
        if SECRET in rendered and target != "QA":
            wrong.append(f"{name} as {actor}: another province's task leaked")
        if target == "QA" and SECRET in rendered:
            wrong.append(f"{name} as {actor}: province Q's task shown to province P")
        shown = {unit_id for r in replies for unit_id in r.context.get("names", {})}
        if (
            name in ("rankings_internal", "compare", "report_status", "report_sub_status")
            and world.units["QA"].id in shown
            and actor not in ("nobody",)
        ):
            wrong.append(f"{name} as {actor}: province Q's commune in province P's internal table")
        if name.endswith("_file") and got and (replies[0].document or {}).get("unit_id") == world.units["QA"].id:
            wrong.append(f"{name} as {actor}: province Q's unit's table as a file")
        if name.endswith("_file") and got != (replies[0].document is not None):
            wrong.append(f"{name} as {actor}: a file that does not match the answer")
        if name == "evidence" and got != (replies[0].attachment is not None):
            wrong.append(f"evidence as {actor} on {relation}: attachment does not match the answer")
        if not (want and rule.writes) and after != before:
            wrong.append(f"{name} as {actor} on {relation}: wrote {before} -> {after} though refused or read-only")
        if want and rule.writes and after == before:
            wrong.append(f"{name} as {actor} on {relation}: allowed but wrote nothing")
    print(f"\naccess matrix ({'buttons' if pressed else 'typed'}): {len(CELLS)} cells checked")
    assert not wrong, "\n".join(wrong)


async def test_forged_confirmations_and_flows_of_others_are_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A button of someone else's guided report or upload pressed in another chat does nothing."""
    world = await build(sessions)

    async def press(actor: str, data: str) -> str:
        _, replies = await world.router.handle(Incoming("console", actor, actor, callback=data))
        return replies[0].template

    assert await press("officer_a", "/capnhat 1")  # officer of A starts the guided form on task 1
    await press("officer_a", "/capnhat tiendo 75")
    before = await _counts(sessions)
    assert await press("head_h", "/capnhat dongy") == "errors/flow_expired"  # not their form
    assert await press("head_a", "/capnhat dongy") == "errors/flow_expired"  # same unit, other person
    assert await _counts(sessions) == before
    assert await press("admin_d", "/tailen xacnhan") != "uploads/imported"  # no file of theirs waits
    assert await press("officer_a", "/ykienbaocao") == "report_inputs/ask"  # officer of A's inputs form
    assert await press("head_h", "/ykienbaocao giunguyen") == "errors/report_inputs_expired"  # not their form
    assert await press("leader_p", "/ykienbaocao xong") == "errors/not_allowed"
    assert await _counts(sessions) == before
    # a report id of another province, forged by its own leader's neighbour: refused, nothing sent
    _, replies = await world.router.handle(
        Incoming("console", "leader_p", "leader_p", f"/minhchung {world.reports['QA']}")
    )
    assert replies[0].template == "errors/not_your_unit" and replies[0].attachment is None
