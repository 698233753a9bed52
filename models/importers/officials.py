"""Import of the secretariat's list of officials (STT, Họ và tên, Chức vụ, Đơn vị, Vai trò, Số điện thoại,
Email), as they keep it in Excel or CSV: who works where, in which role, and the mobile number an invite
may be sent to by ZNS (docs/ZALO_OA.md, "Registration by phone").

- **Đơn vị**: a unit's code or name, found within the province among the units in operation today.
- **Vai trò** (optional): a role word as /moi takes it ("chủ tịch", "giám đốc", "cán bộ", "thư ký CCHC":
  ``models/role_words.py``), given at the row's unit ("chủ tịch" of a commune is its head). Empty or no
  column: the word the **Chức vụ** starts with ("Phó Chủ tịch UBND xã …"), else an officer; a title never
  makes an admin ("Thư ký" is a common title): only a "Vai trò" of "thư ký CCHC", "quản trị" does.
- **Số điện thoại** (optional): a Vietnamese mobile number however written ("0912 345 678", "+84 912345678"),
  kept as ``84xxxxxxxxx`` (``models/phones.py``); a landline, a wrong length or a prefix no network uses is a
  row error, the number echoed back masked ("0912***678") to the uploader only. One number, one official:
  the same number twice in the file, or held by another active official, is an error. An empty cell keeps
  the number stored.
- **Email** is read past (nothing stores it).

A row is matched to a stored active official by unit and name (case and spacing aside): re-importing the
same file changes nothing. Officials the file leaves out are not touched (/thuhoi revokes). An imported
official has no chat until they redeem an invite made for them (``/moi zns``, ``cchc-bot invite --zns``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from models.importers.cells import CellError, clipped, name, text
from models.importers.lookup import UnitLookup
from models.importers.result import Batch, Note, Step
from models.importers.sheet import Cells, Column, Table
from models.phones import PhoneProblem, masked, national
from models.role_words import RoleWord, parse_role, role_in, words_fitting
from models.units import Official, Unit

COLUMNS = (
    Column("number", "STT", ("TT", "Số TT", "Số thứ tự"), required=False),
    Column("full_name", "Họ và tên", ("Họ tên", "Họ, tên", "Tên cán bộ", "Cán bộ", "Họ và tên cán bộ")),
    Column("title", "Chức vụ", ("Chức danh", "Chức vụ, chức danh", "Chức vụ chức danh"), required=False),
    Column("unit", "Đơn vị", ("Cơ quan, đơn vị", "Đơn vị công tác", "Cơ quan", "Mã đơn vị", "Tên đơn vị")),
    Column("role", "Vai trò", ("Vai trò trên hệ thống", "Quyền", "Nhóm quyền"), required=False),
    Column(
        "phone",
        "Số điện thoại",
        ("Điện thoại", "SĐT", "Số ĐT", "Điện thoại di động", "Số di động", "Di động"),
        required=False,
    ),
    Column("email", "Email", ("E-mail", "Thư điện tử", "Địa chỉ email"), required=False),
)


def person_key(full_name: str) -> str:
    """A name as rows are matched by: case and spacing aside, diacritics kept ("Lê Văn Hà" is not "Lê Văn Hạ")."""
    return " ".join(unicodedata.normalize("NFC", full_name).casefold().split())


def phone_cell(value: object) -> str:
    """A mobile number cell as ``84xxxxxxxxx``; CellError ``bad_phone`` naming the case, the number masked."""
    try:
        return national(text(value))
    except PhoneProblem as problem:
        reasons = {
            "landline": "là số máy bàn, không phải số di động",
            "length": "không đủ 10 chữ số của một số di động",
            "prefix": "đầu số không phải của mạng di động Việt Nam",
            "not_number": "không phải số điện thoại",
        }
        shown = masked(text(value)) if problem.why != "not_number" else clipped(value, 20)
        raise CellError("bad_phone", f"Số '{shown}' {reasons[problem.why]}", why=problem.why, value=shown) from None


@dataclass
class _Line:
    row: int
    full_name: str
    title: str | None  # None: no "Chức vụ" column, the stored title stays
    unit: Unit
    role: Role
    phone: str | None  # None: no number written, the stored one stays
    official: Official | None = None


def _role(cells: Cells, unit: Unit | None, title: str) -> Role | None:
    """The row's role at its unit: the "Vai trò" word, else the title's, else an officer."""
    written = cells.get("role", lambda v: text(v), "")
    if unit is None:
        return None
    if written:
        word = parse_role(written) or role_in(written)
        if word is None:
            reason = f"Vai trò '{clipped(written)}' không rõ (chủ tịch, giám đốc, thủ trưởng, cán bộ, thư ký, ...)"
            cells.fail("role", "bad_value", reason, {"why": "role", "value": clipped(written)})
            return None
        return _fitting(cells, word, written, unit)
    word_of_title = role_in(title) if title else None
    found = word_of_title.role_at(unit) if word_of_title is not None else None
    return found if found is not None and found is not Role.ADMIN else Role.OFFICER  # admin: only said outright


def _fitting(cells: Cells, word: RoleWord, written: str, unit: Unit) -> Role | None:
    role = word.role_at(unit)
    if role is None:
        reason = f"Vai trò '{clipped(written)}' không dùng cho {unit.name}"
        params: dict[str, object] = {"why": "role_unfit", "value": clipped(written), "name": unit.name}
        params["fitting"] = words_fitting(unit)
        cells.fail("role", "bad_value", reason, params)
    return role


def _read(cells: Cells, lookup: UnitLookup) -> _Line | None:
    full_name = cells.get("full_name", name(255), "", required=True)
    title = cells.get("title", name(255), "") if cells.table.has("title") else None
    unit = cells.get("unit", lambda v: lookup.find(text(v)), None, required=True)
    role = _role(cells, unit, title or "")
    phone = cells.get("phone", phone_cell, None)
    if not cells.ok or unit is None or role is None:
        return None
    return _Line(cells.row.number, full_name, title, unit, role, phone)


async def prepare(session: AsyncSession, table: Table, options: Mapping[str, object], batch: Batch) -> None:
    day = batch.clock.today()
    lookup = await UnitLookup.load(session, batch.scope, (day, day))
    lines = [line for row in table.rows if (line := _read(Cells(table, row, batch), lookup)) is not None]
    stored = list((await session.scalars(select(Official).where(Official.active.is_(True)))).all())
    by_key: dict[tuple[int, str], list[Official]] = {}
    for official in stored:
        by_key.setdefault((official.unit_id, person_key(official.full_name)), []).append(official)
    _match(lines, by_key, table, batch)
    await _phones(session, lines, table, batch)
    if batch.failed:
        return
    for line in lines:
        _plan(session, line, batch)


def _match(lines: list[_Line], by_key: dict[tuple[int, str], list[Official]], table: Table, batch: Batch) -> None:
    """Each row's stored official (by unit and name); the same person twice in the file, or a name two
    active officials of the unit share, is an error."""
    seen: dict[tuple[int, str], _Line] = {}
    column = table.headers["full_name"]
    for line in lines:
        key = (line.unit.id, person_key(line.full_name))
        if (first := seen.get(key)) is not None:
            reason = f"{line.full_name} ({line.unit.name}) đã có ở dòng {first.row}"
            params = {"why": "official_in_file", "name": line.full_name, "row": first.row}
            batch.error(line.row, column, "duplicate", reason, params)
            continue
        seen[key] = line
        found = by_key.get(key, [])
        if len(found) > 1:
            reason = f"Đơn vị có {len(found)} cán bộ tên {line.full_name}: đề nghị thu hồi người thừa (/thuhoi)"
            batch.error(line.row, column, "duplicate", reason, {"why": "official_stored", "name": line.full_name,
                                                                "count": len(found)})  # fmt: skip
        elif found:
            line.official = found[0]


async def _phones(session: AsyncSession, lines: list[_Line], table: Table, batch: Batch) -> None:
    """One number, one official: not twice in the file, not another active official's."""
    column = table.headers.get("phone", "phone")
    first: dict[str, _Line] = {}
    for line in lines:
        if line.phone is None:
            continue
        if (other := first.get(line.phone)) is not None:
            reason = f"Số {masked(line.phone)} trùng với dòng {other.row}"
            params = {"why": "phone_in_file", "value": masked(line.phone), "row": other.row}
            batch.error(line.row, column, "duplicate", reason, params)
            continue
        first[line.phone] = line
    if not first:
        return
    holders = await session.execute(
        select(Official, Unit).join(Unit, Unit.id == Official.unit_id).where(Official.phone.in_(sorted(first)))
    )
    for holder, unit in holders.all():
        line = first[holder.phone or ""]
        if not holder.active or (line.official is not None and line.official.id == holder.id):
            continue  # a revoked official's number is passed on (``_release``); their own number
        mine = batch.scope is None or batch.scope.contains(unit)
        reason = f"Số {masked(holder.phone or '')} đã là số của một cán bộ khác"
        params = {"why": "phone_stored", "value": masked(holder.phone or ""), "name": holder.full_name if mine else ""}
        batch.error(line.row, column, "duplicate", reason, params)


def _plan(session: AsyncSession, line: _Line, batch: Batch) -> None:
    official = line.official
    where = {"name": line.full_name, "unit": line.unit.name, "unit_code": line.unit.code}
    if official is None:
        params = {**where, "role": str(line.role), "title": line.title or "", "phone": bool(line.phone)}
        batch.create(Note("official.create", params), _create(session, line, batch))
        return
    changes: list[dict[str, object]] = []
    if line.title is not None and line.title != official.title:
        changes.append({"what": "title", "old": official.title, "new": line.title})
    if line.role != official.role:
        changes.append({"what": "role", "old": str(official.role), "new": str(line.role)})
    if line.phone is not None and line.phone != official.phone:
        old = masked(official.phone) if official.phone else None
        changes.append({"what": "phone", "old": old, "new": masked(line.phone)})
    if changes:
        note = Note("official.update", {**where, "name": official.full_name, "changes": changes})
        batch.update(note, _update(session, line, official))
    else:
        batch.same()


async def _release(session: AsyncSession, phone: str | None, keep: int | None) -> None:
    """A revoked official's hold on ``phone`` ends: it now belongs to the listed one."""
    if phone is not None:
        await session.execute(
            update(Official).where(Official.phone == phone, Official.id != (keep or 0)).values(phone=None)
        )


def _create(session: AsyncSession, line: _Line, batch: Batch) -> Step:
    async def step() -> None:
        await _release(session, line.phone, None)
        official = Official(
            full_name=line.full_name,
            title=line.title or "",
            role=line.role,
            unit_id=line.unit.id,
            phone=line.phone,
            created_at=batch.clock.now(),
        )
        session.add(official)
        await session.flush()

    return step


def _update(session: AsyncSession, line: _Line, official: Official) -> Step:
    async def step() -> None:
        await _release(session, line.phone, official.id)
        if line.title is not None:
            official.title = line.title
        official.role = line.role
        if line.phone is not None:
            official.phone = line.phone
        await session.flush()

    return step
