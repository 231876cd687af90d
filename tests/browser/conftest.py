"""Browser tests: the built console, served by a real `vouch serve` against a fresh demo
database (one server per test module), driven by Playwright in Debian's chromium.

Nothing is built here: `make test` builds the console first. Without chromium or the
bundle the tests are skipped with the reason, except under CI=true, where they fail.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def watched_page(context: BrowserContext, *expected: int) -> Iterator[Page]:
    """A new page that fails the test on a JavaScript error or a refused resource, except
    refusals with an `expected` status, which the test provokes (and 401: the console
    asks who is signed in before anyone is)."""
    pg = context.new_page()
    allowed = re.compile(rf"\b({'|'.join(str(s) for s in (401, *expected))})\b")
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not allowed.search(msg.text) else None)
    yield pg
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on a JavaScript error or a refused resource."""
    with watched_page(context) as pg:
        yield pg


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    """test-artifacts/NAME.png: what a person sees in the 1280×800 window (scrolled to
    the top), or the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # what is still loading is not what a person reads: wait for spinners, skeletons and
    # the faded content behind them; fades and slides still running are taken at their end
    expect(page.locator(".ant-spin-spinning, .ant-spin-blur, .ant-skeleton-active")
           ).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
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


def open_list(page: Page, obj: str) -> None:
    """The list of `obj` at its address, once its first page and total have arrived."""
    page.goto(f"/records/{obj}")
    list_loaded(page, obj)


def list_loaded(page: Page, obj: str) -> None:
    # the list screen (Home's recent records are marked with their object too)
    expect(page.locator(f"[data-object={obj}]:has([data-total])")).to_be_visible()
    expect(page.locator("[data-total]")).to_be_visible()
    expect(page.locator(".ant-table-tbody .ant-spin-spinning")).to_have_count(0)


def header_keys(page: Page) -> list[str]:
    cells = page.locator("thead th[data-column]").all()
    return [str(c.get_attribute("data-column")) for c in cells]


def column_texts(page: Page, key: str) -> list[str]:
    return page.locator(f"tbody td[data-column={key}]").all_inner_texts()


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


class Client:
    """The API as one demo user with a bearer token, beside the browser: test setup and
    the checks behind the screens."""

    def __init__(self, server: Server, username: str) -> None:
        self.base = server.base
        self.token: str | None = None
        self.token = self.call("POST", "/auth/token",
                               {"username": username, "password": DEMO_PASSWORD})["access_token"]

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(f"{self.base}{API}{path}", method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(req, timeout=10) as res:
            raw = res.read()
            return json.loads(raw) if raw else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.call("POST", path, body)

    def role(self, key: str) -> dict[str, Any]:
        return next(r for r in self.get("/roles")["items"] if r["key"] == key)

    def user(self, username: str) -> dict[str, Any]:
        found = self.get(f"/users?q={username}")["items"]
        return next(u for u in found if u["username"] == username)
