"""The console's frame: signing in and out, errors in words, the language switch (and
that it is remembered), a 401 anywhere returning to the sign-in page, and a CSRF token
obtained again after a reload."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import DEMO_PASSWORD
from tests.test_serve import Server

pytestmark = pytest.mark.browser


def cjk(label: str) -> re.Pattern[str]:
    """A two-character Chinese button label: Ant Design shows it spaced (确 定)."""
    return re.compile(" ?".join(label))


def choose_language(page: Page, name: str) -> None:
    page.get_by_test_id("language-switch").click()
    page.get_by_role("menuitem", name=name).click()


def test_wrong_password_is_said_in_words(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="登录 Vouch")).to_be_visible()
    sign_in(page, "hanmeimei", "not-her-password")
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误。")
    expect(page).to_have_url(re.compile(r"/login$"))
    screenshot(page, "login-wrong-password-zh-CN")


def test_hanmeimei_signs_in_and_sees_her_name(page: Page) -> None:
    sign_in(page, "hanmeimei")
    expect(page.get_by_test_id("user-name")).to_have_text("韩梅梅")
    expect(page).to_have_url(re.compile(r"/$"))  # she lands on Home
    menu = page.get_by_test_id("side-menu")
    for text in ("首页", "业务数据", "客户", "合同", "我的账户"):
        expect(menu).to_contain_text(text)
    for text in ("系统管理", "审计日志"):  # no system permissions, no audit log
        expect(menu).not_to_contain_text(text)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    menu.get_by_text("客户", exact=True).click()
    expect(page).to_have_url(re.compile(r"/records/customer$"))
    expect(page.get_by_role("heading", name="客户", exact=True)).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_be_visible()  # her customers, loaded
    screenshot(page, "shell-zh-CN")
    # Nothing secret is kept in the page's storage: the session is the HttpOnly cookie.
    stored = page.evaluate("() => JSON.stringify({...localStorage, ...sessionStorage})")
    assert "csrf" not in stored.lower() and "vouch_s" not in stored
    assert page.evaluate("() => document.cookie") == ""


def test_switching_language_changes_menu_and_header_and_is_remembered(page: Page) -> None:
    sign_in(page, "hanmeimei")
    menu = page.get_by_test_id("side-menu")
    menu.get_by_text("客户", exact=True).click()
    expect(page.get_by_test_id("language-switch")).to_contain_text("简体中文")
    choose_language(page, "English")
    for text in ("Home", "Records", "Customers", "Contracts", "My account"):
        expect(menu).to_contain_text(text)
    for text in ("首页", "业务数据", "客户", "我的账户"):
        expect(menu).not_to_contain_text(text)
    expect(page.get_by_test_id("language-switch")).to_contain_text("English")
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()
    expect(page).to_have_title("Customers · Vouch CRM")  # the tab says where one is
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("menuitem", name="Sign out")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("menuitem", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("row").nth(1)).to_be_visible()
    screenshot(page, "shell-en")
    menu.get_by_text("My account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_text("This session")).to_be_visible()
    screenshot(page, "account-en")
    page.reload()  # remembered in this browser
    expect(menu).to_contain_text("My account")
    expect(page).to_have_title("My account · Vouch CRM")
    choose_language(page, "简体中文")
    expect(page.get_by_role("heading", name="我的账户")).to_be_visible()
    expect(page).to_have_title("我的账户 · Vouch 客户关系管理")


@pytest.mark.locale("en-US")
def test_the_browser_preference_picks_english(page: Page) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to Vouch")).to_be_visible()
    page.locator("button[type=submit]").click()
    expect(page.get_by_text("Enter your username")).to_be_visible()
    sign_in(page, "hanmeimei", "wrong")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong username or password.")
    screenshot(page, "login-wrong-password-en")


def test_sign_out_and_back_to_the_page_asked_for(page: Page) -> None:
    sign_in(page, "zhaomin")
    expect(page.get_by_test_id("user-name")).to_have_text("赵敏")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.goto("/account")  # signed out: to the sign-in page, then back here
    expect(page).to_have_url(re.compile(r"/login$"))
    page.locator("#username").fill("zhaomin")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", name="我的账户")).to_be_visible()


def test_a_401_returns_to_the_sign_in_page(page: Page) -> None:
    sign_in(page, "hanmeimei")
    page.get_by_test_id("side-menu").get_by_text("我的账户").click()
    expect(page.get_by_text("当前会话")).to_be_visible()  # the account page has loaded
    page.context.clear_cookies()  # the session is gone (ended elsewhere, expired…)
    page.get_by_role("button", name="新建令牌").click()
    page.get_by_label("名称").fill("never made")
    page.get_by_role("button", name=cjk("创建")).click()  # answered 401
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("登录已失效，请重新登录。")).to_be_visible()


def test_after_a_reload_changes_still_carry_the_csrf_token(page: Page) -> None:
    """The CSRF token is held in memory only: a reloaded page asks for it again."""
    sign_in(page, "hanmeimei")
    page.goto("/account")
    page.reload()
    page.get_by_role("button", name="新建令牌").click()
    page.get_by_label("名称").fill("browser test")
    page.get_by_role("button", name=cjk("创建")).click()
    expect(page.get_by_test_id("new-token")).to_have_text(re.compile(r"^\S{20,}$"))
    page.get_by_role("button", name=cjk("关闭")).click()
    row = page.get_by_role("row", name=re.compile("browser test"))
    expect(row).to_be_visible()
    row.get_by_role("button", name=cjk("吊销")).click()
    page.get_by_role("button", name=cjk("确定")).click()
    expect(page.get_by_text("令牌已吊销。")).to_be_visible()
    expect(row).to_have_count(0)




def test_the_next_page_shows_a_change_of_permissions(page: Page, server: Server) -> None:
    """An administrator gives hanmeimei the auditor role while she works: the next page
    she opens has the audit log in its menu, without signing in again; taking the role
    back removes it the same way."""
    sign_in(page, "hanmeimei")
    menu = page.get_by_test_id("side-menu")
    expect(menu).not_to_contain_text("审计日志")
    with httpx.Client(base_url=f"{server.base}/api/v1", timeout=10) as admin:
        r = admin.post("/auth/token", json={"username": "wangfang", "password": DEMO_PASSWORD})
        admin.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        roles = admin.get("/roles").json()["items"]
        auditor = next(role["id"] for role in roles if role["key"] == "auditor")
        her = page.request.get("/api/v1/me").json()["id"]
        r = admin.post("/assignments", json={"user_id": her, "role_id": auditor,
                                             "reason": "browser test: audit cover"})
        assert r.status_code == 201, r.text
        menu.get_by_text("客户", exact=True).click()
        expect(menu).to_contain_text("审计日志")
        expect(menu).to_contain_text("系统管理")
        r = admin.request("DELETE", f"/assignments/{r.json()['id']}",
                          json={"reason": "browser test: cover over"})
        assert r.status_code == 204, r.text
        menu.get_by_text("合同", exact=True).click()
        expect(menu).not_to_contain_text("审计日志")


def test_a_narrow_window_folds_the_menu_to_icons(page: Page) -> None:
    page.set_viewport_size({"width": 900, "height": 700})
    sign_in(page, "hanmeimei")
    menu = page.get_by_test_id("side-menu")
    expect(menu).to_have_class(re.compile("ant-menu-inline-collapsed"))
    expect(page.get_by_test_id("user-name")).to_be_visible()
    page.get_by_role("button", name="展开菜单").click()
    expect(menu).not_to_have_class(re.compile("ant-menu-inline-collapsed"))
    menu.get_by_text("合同", exact=True).click()
    expect(page).to_have_url(re.compile(r"/records/contract$"))
    expect(page.get_by_role("heading", name="合同", exact=True)).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_be_visible()
    screenshot(page, "shell-narrow-zh-CN")
