"""Browser tests: the built console, served by a real `vouch serve` against a fresh demo
database (one server per test module), driven by Playwright in Debian's chromium.

Nothing is built here: `make test` builds the console first. Without chromium or the
bundle the tests are skipped with the reason, except under CI=true, where they fail.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.conftest import DEMO_PASSWORD, IN_CI
from tests.test_serve import Server
from vouch.console import CONSOLE_DIR
from vouch.db import make_engine
from vouch.demo import load_demo

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # never fetch a browser

CHROMIUM = os.environ.get("VOUCH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
BROWSER_RECORDS = 200  # generated demo records: enough for lists and paging, quick to load
TIMEOUT_MS = 15_000

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "locale(tag): the browser's language for the test")


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (mandatory under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        unavailable(f"no chromium at {CHROMIUM} (make test installs Debian's chromium)")
    if not (CONSOLE_DIR / "index.html").is_file():
        unavailable(f"the console is not built in {CONSOLE_DIR} (make console builds it)")
    with sync_playwright() as p:
        # No traffic beyond the test server: Chromium's own background calls stay off.
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic", "--no-first-run", "--disable-gpu"])
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`vouch serve` on a free port against this module's own demo database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'vouch.db'}"
    engine = make_engine(url)
    load_demo(engine, password=DEMO_PASSWORD, records=BROWSER_RECORDS)
    engine.dispose()
    running = Server(url, "--no-access-log")
    try:
        running.wait_ready()
        yield running
    finally:
        running.kill()


@pytest.fixture
def context(browser: Browser, server: Server, request: pytest.FixtureRequest
            ) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies, no remembered language) at 1280×800; its
    locale is the test's `locale` mark, else zh-CN."""
    mark = request.node.get_closest_marker("locale")
    locale = mark.args[0] if mark else "zh-CN"
    ctx = browser.new_context(base_url=server.base, viewport=VIEWPORT, locale=locale)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on a JavaScript error or a refused resource."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and "401" not in msg.text else None)
    yield pg
    assert not problems, "\n".join(problems)


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    """test-artifacts/NAME.png: what a person sees in the 1280×800 window (scrolled to
    the top), or the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Through the sign-in form, in whatever language the page shows; returns once the
    console shows the user's name or the form an error. Any session the browser still
    holds is dropped first (a sign-out still in flight would otherwise skip the form)."""
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("button[type=submit]").click()
    signed_in, refused = page.get_by_test_id("user-name"), page.get_by_test_id("login-error")
    expect(signed_in.or_(refused)).to_be_visible()


API = "/api/v1"


def api_get(page: Page, path: str, **params: Any) -> Any:
    """The API's own answer for the signed-in user (the page's session cookie)."""
    res = page.request.get(f"{API}{path}", params=params)
    assert res.ok, f"{path}: {res.status} {res.text()}"
    return res.json()


def api_patch(page: Page, path: str, body: dict[str, Any]) -> Any:
    token = api_get(page, "/auth/csrf")["csrf_token"]
    res = page.request.patch(f"{API}{path}", data=body, headers={"X-CSRF-Token": token})
    assert res.ok, f"{path}: {res.status} {res.text()}"
    return res.json()
