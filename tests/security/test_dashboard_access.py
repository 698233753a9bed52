"""The access matrix over HTTP (issue 19): every dashboard page × every role × own unit / a unit below /
a sibling / another province, from one table, on the world of ``test_access_matrix.py``; and what no page
may be without: a session, a GET, the security headers, another province's secret kept out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Official, Role
from tests.bot.dashboard.support import served
from tests.security.test_access_matrix import ACTORS, NOW, SECRET, build

SEE_BELOW = ("own", "below")
SEE_PROVINCE = ("own", "below", "sibling")
# page -> per role, the relations allowed (None: the page takes no unit; allowed for the roles listed)
PAGES: dict[str, dict[Role, tuple[str, ...] | None]] = {
    "/": dict.fromkeys(Role, None),
    "/tinh": {Role.LEADER: None, Role.ADMIN: None},
    "/donvi/{unit}": {
        Role.OFFICER: SEE_BELOW,
        Role.UNIT_HEAD: SEE_BELOW,
        Role.LEADER: SEE_PROVINCE,
        Role.ADMIN: SEE_PROVINCE,
    },
}


async def _officials(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        rows = (await session.execute(select(Official.full_name, Official.id))).all()
    return {name: official_id for name, official_id in rows}


async def test_every_page_role_and_relation_of_the_dashboard(sessions: async_sessionmaker[AsyncSession]) -> None:
    world = await build(sessions)
    ids = await _officials(sessions)
    wrong: list[str] = []
    checked = 0
    async with served(sessions, NOW) as site:
        tokens = {actor: await site.session_for(ids[actor]) for actor in ACTORS if actor in ids}
        for page, rules in PAGES.items():
            for actor, (role, _, relations) in ACTORS.items():
                targets = relations.items() if "{unit}" in page else [(None, None)]
                for relation, target in targets:
                    path = page.format(unit=world.units[target].id) if target else page
                    answer = await site.get(path, tokens.get(actor))
                    checked += 1
                    allowed = role is not None and role in rules
                    if allowed and relation is not None and role is not None:
                        allowed = relation in (rules[role] or ())
                    want = 200 if allowed else (401 if role is None else 403)
                    if answer.status_code != want:
                        wrong.append(f"{path} as {actor} ({relation}): {answer.status_code}, expected {want}")
                    if SECRET in answer.text or ("tỉnh Q" in answer.text and target != "QA"):
                        wrong.append(f"{path} as {actor}: province Q shown to province P")
                    if target == "QA" and "Xã QA" in answer.text:
                        wrong.append(f"{path} as {actor}: another province's unit shown")
    print(f"\ndashboard access matrix: {checked} cells checked")
    assert not wrong, "\n".join(wrong)


async def test_no_page_without_a_valid_session_and_a_revoked_official_loses_it_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await build(sessions)
    ids = await _officials(sessions)
    async with served(sessions, NOW) as site:
        token = await site.session_for(ids["leader_p"])
        assert (await site.get("/tinh", token)).status_code == 200
        assert (await site.get("/tinh")).status_code == 401
        assert (await site.get("/tinh", token[:-2] + "xx")).status_code == 401
        assert (await site.get("/tinh", "not a cookie; =;")).status_code == 401
        async with sessions.begin() as session:
            await session.execute(update(Official).where(Official.id == ids["leader_p"]).values(active=False))
        answer = await site.get("/tinh", token)
        assert answer.status_code == 401 and "Đồng chí chưa đăng nhập" in answer.text
        site.dashboard.clock.advance(timedelta(minutes=site.dashboard.config.session_minutes + 1))  # type: ignore[attr-defined]
        head = await site.session_for(ids["head_h"])
        assert (await site.get("/", head)).status_code == 200


async def test_pages_answer_get_only_with_the_security_headers(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    ids = await _officials(sessions)
    async with served(sessions, NOW) as site:
        token = await site.session_for(ids["admin_d"])
        page = await site.get("/tinh", token)
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-content-type-options"] == "nosniff"
        framed = await site.get("/tinh", await site.session_for(ids["admin_d"], via="telegram"))
        assert "frame-ancestors https://web.telegram.org" in framed.headers["content-security-policy"]
        import httpx

        async with httpx.AsyncClient() as client:
            posted = await client.post(site.base + "/tinh", headers={"Cookie": f"cchc_dashboard={token}"}, content=b"x")
            assert posted.status_code == 400
            put = await client.request("PUT", site.base + "/tinh")
            assert put.status_code == 405
        assert (await site.get("/static/dashboard.css")).headers["content-type"].startswith("text/css")
        assert (await site.get("/static/..%2Fhttp.py")).status_code == 404
        assert (await site.get("/donvi/99999999", token)).status_code == 403
        assert (await site.get("/khong-co", token)).status_code == 404


async def test_the_webhook_servers_caps_hold_for_the_pages(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Headers over 16 KB are refused before any page code runs, as for the webhooks."""
    import asyncio

    async with served(sessions, NOW) as site:
        reader, writer = await asyncio.open_connection("127.0.0.1", site.server.port)
        writer.write(b"GET /dashboard/tinh HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        writer.close()
    assert status.startswith(b"HTTP/1.1 431")


async def test_pages_speak_the_language_the_official_chose(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    ids = await _officials(sessions)
    async with sessions.begin() as session:
        await session.execute(update(Official).where(Official.id == ids["head_h"]).values(language="en"))
    async with served(sessions, NOW) as site:
        english = await site.get("/", await site.session_for(ids["head_h"]))
        vietnamese = await site.get("/", await site.session_for(ids["head_a"]))
    assert '<html lang="en">' in english.text and "CCHC dashboard" in english.text and "Not yet due" in english.text
    assert '<html lang="vi">' in vietnamese.text and "Bảng điều khiển CCHC" in vietnamese.text
