"""The dashboard in a real browser (issue 19, point 4): Debian's headless Chromium driven by selenium
through /usr/bin/chromedriver. Sign in by a single-use link and by Telegram's init data (forged and stale
refused), navigate from the province to a unit, and check the figures shown against the database.

Skipped with the reason when Chromium is not installed, failed instead under CI=true (``.ci/run``
installs it). ``DASHBOARD_SCREENSHOTS=1`` saves the main pages into docs/ for the README."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ChatAccount
from models.dashboard import create_link
from models.queries.tasks import counts_by_unit
from tests.bot.dashboard.support import served
from tests.bot.dashboard.test_signin import init_data
from tests.security.test_access_matrix import NOW, build

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        why = f"no Chromium ({CHROMIUM}, {DRIVER}): apt-get install chromium chromium-driver"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600", "--lang=vi"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


async def _do(function: Any, *args: Any) -> Any:
    """A blocking selenium call, off the event loop that serves the pages."""
    return await asyncio.to_thread(function, *args)


async def _text(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def wait() -> str:
        shown = expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
        found = WebDriverWait(driver, 20).until(shown)
        return str(found.text)

    return str(await _do(wait))


async def _shot(driver: Any, name: str) -> None:
    if os.environ.get("DASHBOARD_SCREENSHOTS") == "1":
        await _do(driver.save_screenshot, str(DOCS / f"dashboard-{name}.png"))


async def test_a_leader_signs_in_by_link_navigates_and_reads_the_database_figures(
    sessions: async_sessionmaker[AsyncSession], browser: Any
) -> None:
    world = await build(sessions)
    async with sessions.begin() as session:
        from sqlalchemy import select

        from models import Official, Plan

        leader = (await session.execute(select(Official).where(Official.full_name == "leader_p"))).scalar_one()
        token = await create_link(session, leader.id, NOW, 10)
        plan = (await session.execute(select(Plan).where(Plan.issuing_unit_id == world.units["P"].id))).scalar_one()
        counts = await counts_by_unit(session, plan.id, NOW.date(), 30, within=world.units["P"])
    async with served(sessions, NOW) as site:
        await _do(browser.get, f"{site.base}/lienket/{token}")
        await _do(browser.find_element, "id", "open")
        await _do(lambda: browser.find_element("id", "open").click())
        await _text(browser, "#heat")  # the signed-in page moves on to the province by itself
        heading = await _text(browser, "main h1")
        assert "tỉnh P" in heading and "01/06/2024" in heading
        for code in ("A", "H", "D"):
            overdue = await _text(browser, f'#heat tr[data-unit="{world.units[code].id}"] td[class*="heat-"]')
            assert overdue == str(counts[world.units[code].id].overdue), code
        assert "Xã QA" not in browser.page_source and "BÍ MẬT" not in browser.page_source
        link = f'#heat a[href$="/donvi/{world.units["A"].id}"]'
        await _do(lambda: browser.find_element("css selector", link).click())
        assert "Nhiệm vụ của A" in await _text(browser, "#tasks")
        assert "UBND xã A" in await _text(browser, "main h1")
        again = await _do(browser.get, f"{site.base}/lienket/{token}/mo")
        assert again is None and "Liên kết không còn dùng được" in await _text(browser, "main h1")


async def test_telegram_init_data_signs_in_and_forged_or_stale_data_is_refused(
    sessions: async_sessionmaker[AsyncSession], browser: Any
) -> None:
    from datetime import timedelta

    await build(sessions)
    async with sessions.begin() as session:
        from sqlalchemy import select

        from models import Official

        head = (await session.execute(select(Official).where(Official.full_name == "head_h"))).scalar_one()
        account = ChatAccount(official_id=head.id, channel="telegram", external_id="4242", chat_id="4242")
        account.created_at = NOW
        session.add(account)
    async with served(sessions, NOW) as site:
        for data in (init_data(4242, NOW, token="1:FORGED"), init_data(4242, NOW - timedelta(hours=1))):
            await _do(browser.get, f"{site.base}/telegram#tgWebAppData={quote(data)}&tgWebAppVersion=8.0")
            assert "Telegram không xác nhận được đồng chí" in await _text(browser, "#refused")
            await _do(browser.get, f"{site.base}/")
            assert "chưa đăng nhập" in await _text(browser, "main h1")
        await _do(browser.get, f"{site.base}/telegram#tgWebAppData={quote(init_data(4242, NOW))}&tgWebAppVersion=8.0")
        assert "Nhiệm vụ của H" in await _text(browser, "#tasks")  # waits for the unit page, the script's next step
        assert "UBND huyện H" in await _text(browser, "main h1")


async def test_the_demo_province_on_a_phone_and_a_projector_shows_the_plan_by_field_as_stored(
    sessions: async_sessionmaker[AsyncSession], browser: Any
) -> None:
    """The built-in demo (Lạng Sơn, 10/03/2026): the province page's by-field table against the database,
    at a cheap phone's width and a projector's; the screenshots for the README come from here."""
    from sqlalchemy import select

    from models import ChatAccount as Account
    from models import FrozenClock, Official, Plan
    from models.demo import load_demo
    from models.queries.summary import plan_by_field
    from tests.handlers._demo_support import NOW as DEMO_DAY

    async with sessions.begin() as session:
        await load_demo(session, FrozenClock(at=DEMO_DAY))
    async with sessions.begin() as session:
        leader = await session.scalar(
            select(Official).join(Account, Account.official_id == Official.id).where(Account.external_id == "leader")
        )
        chair = await session.scalar(
            select(Official).join(Account, Account.official_id == Official.id).where(Account.external_id == "chair")
        )
        assert leader is not None and chair is not None
        plans = (await session.execute(select(Plan).order_by(Plan.year.desc()))).scalars().all()
        by_field = await plan_by_field(session, plans[0].id, DEMO_DAY.date(), 30)
        link, chair_link = (
            await create_link(session, leader.id, DEMO_DAY, 10),
            await create_link(session, chair.id, DEMO_DAY, 10),
        )
    async with served(sessions, DEMO_DAY) as site:
        await _do(browser.get, f"{site.base}/lienket/{link}/mo")
        await _text(browser, "#fields")
        for field, counts in by_field.items():
            shown = await _text(browser, f'#fields tr[data-field="{field}"] td[class*="heat-"]')
            assert shown == str(counts.overdue), field
        await _shot(browser, "province")
        await _do(browser.set_window_size, 412, 1800)  # a cheap phone
        await _do(browser.refresh)
        await _text(browser, "#fields")
        await _shot(browser, "phone")
        await _do(browser.set_window_size, 1920, 1400)  # a projector
        await _do(browser.refresh)
        await _text(browser, "#fields")
        await _shot(browser, "projector")
        await _do(browser.delete_all_cookies)
        await _do(browser.set_window_size, 1280, 1600)
        await _do(browser.get, f"{site.base}/lienket/{chair_link}/mo")
        assert "Tuấn Sơn" in await _text(browser, "main h1")
        await _text(browser, "#tasks")
        await _shot(browser, "unit")
