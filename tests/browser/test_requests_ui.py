"""Requests and approvals in the browser: story 5 of SCENARIOS.md done by the people it is
about, each in a browser of their own — liuyang asks for 销售经理 for 30 days and sees the
training precondition fail, wangfang records the training, liuyang sends the request, lilei
approves step 1 from "To approve" (and his own request is not his to approve), wangfang
approves step 2 (in English), and liuyang's "My access" shows the manager's scopes with
their end date. Also: asking for changes, resubmitting and withdrawing; the header's counts
and notifications; reporting a problem from "My access"; the approval workflow's
administration (settings, policies, conflicting roles) and the two-person rule's answer to
a direct grant. Every screen leaves a screenshot in test-artifacts/ (requests-*)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT, Client, screenshot, sign_in
from tests.test_serve import Server
from vouch.demo import SALES_MANAGER_COURSE

pytestmark = pytest.mark.browser

# refusals these stories provoke on purpose (the browser logs each as a failed resource):
# a dry run of a request that is not complete yet (422), a record not found (404)
EXPECTED = re.compile(r"\b(401|404|409|422)\b")

Person = Callable[..., Page]


@pytest.fixture
def person(browser: Browser, server: Server) -> Iterator[Person]:
    """`person("lilei", locale="en")`: a browser of that person's own (its own cookies),
    signed in, that fails the test on a JavaScript error or an unexpected refusal."""
    contexts = []
    problems: list[str] = []

    def open_as(username: str, locale: str = "zh-CN") -> Page:
        ctx = browser.new_context(base_url=server.base, viewport=VIEWPORT, locale=locale)
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.on("pageerror", lambda exc: problems.append(f"{username}: page error: {exc}"))
        pg.on("console", lambda msg: problems.append(f"{username}: console: {msg.text}")
              if msg.type == "error" and not EXPECTED.search(msg.text) else None)
        sign_in(pg, username)
        expect(pg.get_by_test_id("user-name")).to_be_visible()
        return pg

    yield open_as
    for ctx in contexts:
        ctx.close()
    assert not problems, "\n".join(problems)


# --- what a person does -------------------------------------------------------------------


def menu(page: Page, entry: str) -> None:
    page.get_by_test_id("side-menu").get_by_text(entry, exact=True).click()


def choose(page: Page, control: Locator, option: str) -> None:
    """Picks the option titled `option` of an Ant Design select, typing to find it."""
    control.locator(".ant-select-selector").click()
    dropdown = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").last
    expect(dropdown).to_be_visible()
    dropdown.locator(f".ant-select-item-option[title='{option}']").click()
    expect(dropdown).to_be_hidden()


def change_dialog(page: Page, reason: str) -> None:
    """The open change dialog (administration): its reason, then OK; it closes."""
    dialog = page.locator(".ant-modal-content").last
    dialog.get_by_test_id("reason").fill(reason)
    dialog.get_by_test_id("change-ok").click()
    expect(page.locator(".ant-modal-content")).to_have_count(0)


def decide(page: Page, action: str, reason: str = "", within: Locator | None = None) -> None:
    """Approve, reject, ask for changes, withdraw or resubmit the request shown (or the one
    opened `within` a list), through its dialog."""
    actions = (within or page).get_by_test_id("request-actions")
    actions.locator(f"[data-action={action}]").first.click()
    dialog = page.locator(".ant-modal-content").last
    if reason:
        dialog.get_by_test_id("decision-reason").fill(reason)
    dialog.get_by_test_id("decision-ok").click()
    expect(page.locator(".ant-modal-content")).to_have_count(0)


def checks(page: Page) -> Locator:
    return page.get_by_test_id("request-checks")


def precondition(page: Page, code: str) -> Locator:
    return checks(page).locator(f"[data-code={code}]")


def todo_count(page: Page) -> int:
    return int(page.get_by_test_id("todo-badge").get_attribute("data-count") or -1)


def open_todo(page: Page, entry_testid: str) -> None:
    """The header's "to do" menu, then one of its entries."""
    page.get_by_test_id("todo-badge").click()
    page.get_by_test_id(entry_testid).click()


def expand(page: Page, request_id: int) -> Locator:
    """Opens a request's row of a list to its history and actions."""
    row = page.locator(f"tr[data-request='{request_id}']")
    row.locator(".ant-table-row-expand-icon").click()
    opened = page.locator(f"[data-testid=request-expanded][data-request='{request_id}']")
    expect(opened).to_be_visible()
    expect(opened.get_by_test_id("request-history")).to_be_visible()
    return opened


def new_role_request(page: Page, role_label: str, reason: str, days: int | None = None) -> None:
    """Fills the new-request form for a role (not sent)."""
    menu(page, "申请权限")
    expect(page.get_by_test_id("new-request-page")).to_be_visible()
    choose(page, page.get_by_test_id("request-role"), role_label)
    if days is not None:
        page.get_by_test_id("request-limit").get_by_text("若干天").click()
        number_input(page, "request-days").fill(str(days))
    page.get_by_test_id("request-reason").fill(reason)


def number_input(page: Page, testid: str) -> Locator:
    """The text box of an Ant Design number or text input marked `testid`."""
    marked = page.get_by_test_id(testid)
    return marked if marked.evaluate("e => e.tagName") == "INPUT" else marked.locator("input")


def sent_request_id(page: Page) -> int:
    detail = page.get_by_test_id("request-detail")
    expect(detail).to_be_visible()
    return int(detail.get_attribute("data-request") or 0)


def scopes(access: dict[str, Any], obj: str, action: str) -> set[str]:
    return set(access["objects"][obj]["actions"][action]["scopes"])


# --- story 5 ------------------------------------------------------------------------------


def test_story_5_liuyang_obtains_sales_manager_for_30_days(person: Person,
                                                           server: Server) -> None:
    admin, rep = Client(server, "wangfang"), Client(server, "liuyang")
    assert scopes(rep.get("/me/access"), "customer", "view") == {"own"}

    # liuyang asks for 销售经理 for 30 days: the training precondition fails, in words,
    # and the request cannot be sent
    liuyang = person("liuyang")
    new_role_request(liuyang, "销售经理 (sales_manager)", "华东二组第四季度需要临时负责人", days=30)
    expect(checks(liuyang)).to_have_attribute("data-state", "done")
    expect(precondition(liuyang, "training_missing")).to_have_attribute("data-passed", "false")
    expect(precondition(liuyang, "training_missing")).to_contain_text(
        f"培训“{SALES_MANAGER_COURSE}”尚无完成记录")
    for passed in ("department_allowed", "probation_passed", "no_role_conflict"):
        expect(precondition(liuyang, passed)).to_have_attribute("data-passed", "true")
    chain = checks(liuyang).get_by_test_id("approver-chain")
    expect(chain).to_contain_text("直属经理 李雷")
    expect(chain).to_contain_text("拥有“角色管理”权限的人")
    expect(liuyang.get_by_test_id("send-request")).to_be_disabled()
    screenshot(liuyang, "requests-1-new-request-training-missing-zh", full_page=True)

    # wangfang records the training in liuyang's user drawer
    wangfang = person("wangfang")
    menu(wangfang, "组织架构")
    wangfang.get_by_test_id("user-search").fill("liuyang")
    wangfang.locator("tr", has_text="liuyang").locator("[data-action=open]").click()
    drawer = wangfang.get_by_test_id("user-drawer")
    expect(drawer.get_by_test_id("trainings")).to_be_visible()
    drawer.get_by_test_id("record-training").click()
    number_input(wangfang, "training-course").fill(SALES_MANAGER_COURSE)
    change_dialog(wangfang, "通过了销售经理培训考试")
    expect(drawer.locator(f"tr[data-course={SALES_MANAGER_COURSE}]")).to_be_visible()
    screenshot(wangfang, "requests-2-training-recorded-zh")
    liuyang_id = rep.get("/me")["id"]
    assert SALES_MANAGER_COURSE in {t["course"] for t in
                                    admin.get(f"/users/{liuyang_id}/trainings")["items"]}

    # liuyang checks again: every check passes; the request is sent
    liuyang.get_by_test_id("check-again").click()
    expect(checks(liuyang)).to_have_attribute("data-ok", "true")
    expect(precondition(liuyang, "training_completed")).to_have_attribute("data-passed", "true")
    liuyang.get_by_test_id("send-request").click()
    rid = sent_request_id(liuyang)
    detail = liuyang.get_by_test_id("request-detail")
    expect(detail).to_have_attribute("data-status", "pending")
    expect(liuyang.get_by_test_id("request-duration")).to_have_text("自批准起 30 天")
    expect(liuyang.get_by_test_id("current-approvers")).to_contain_text("李雷")
    expect(liuyang.locator("[data-step='0'][data-state=current]")).to_contain_text("李雷")
    screenshot(liuyang, "requests-3-request-sent-zh", full_page=True)
    assert rep.get(f"/requests/{rid}")["status"] == "pending"

    # lilei cannot approve his own request: it is not in his queue, and its page says why
    lilei = person("lilei")
    new_role_request(lilei, "财务 (finance)", "月末结账需要查看合同金额")
    expect(checks(lilei)).to_have_attribute("data-ok", "true")
    lilei.get_by_test_id("send-request").click()
    own = sent_request_id(lilei)
    expect(lilei.get_by_test_id("request-actions").locator("[data-action=approve]")).to_have_count(0)
    expect(lilei.get_by_test_id("decision-refusal")).to_have_attribute("data-reason", "own_request")
    expect(lilei.get_by_test_id("decision-refusal")).to_contain_text("这是你本人提交的申请，须由他人审批")
    screenshot(lilei, "requests-4-own-request-refused-zh", full_page=True)

    # step 1: lilei finds liuyang's request through the header and approves it
    expect(lilei.get_by_test_id("todo-badge")).not_to_have_attribute("data-count", "0")
    assert todo_count(lilei) >= 1
    open_todo(lilei, "count-to-approve")
    expect(lilei.get_by_test_id("approvals-page")).to_be_visible()
    queue = lilei.get_by_test_id("requests-approvals")
    expect(queue.locator(f"tr[data-request='{rid}']")).to_contain_text("刘洋")
    expect(queue.locator(f"tr[data-request='{own}']")).to_have_count(0)
    opened = expand(lilei, rid)
    expect(opened.locator("[data-code=training_completed]")).to_have_attribute(
        "data-passed", "true")
    screenshot(lilei, "requests-5-to-approve-zh", full_page=True)
    decide(lilei, "approve", "同意，季度末复核", within=opened)
    expect(queue.locator(f"tr[data-request='{rid}']")).to_have_count(0)
    step = rep.get(f"/requests/{rid}")
    assert (step["status"], step["current_step"]) == ("pending", 1)
    assert step["steps"][0]["decided_by"]["username"] == "lilei"

    # step 2: wangfang, in English, from her queue; the role is granted
    wangfang_en = person("wangfang", locale="en")
    menu(wangfang_en, "To approve")
    row = wangfang_en.locator(f"tr[data-request='{rid}']")
    expect(row).to_contain_text("Sales manager")
    row.get_by_test_id("request-link").click()
    expect(wangfang_en.get_by_test_id("request-detail")).to_have_attribute("data-step", "1")
    expect(wangfang_en.get_by_test_id("request-history")).to_contain_text("李雷 approved step 1")
    screenshot(wangfang_en, "requests-6-request-detail-step-2-en", full_page=True)
    approved_before = datetime.now(UTC)
    decide(wangfang_en, "approve")
    expect(wangfang_en.get_by_test_id("request-detail")).to_have_attribute(
        "data-status", "approved")
    expect(wangfang_en.get_by_test_id("request-history")).to_contain_text(
        "王芳 approved; access granted")
    screenshot(wangfang_en, "requests-7-approved-en", full_page=True)
    [assignment] = [a for a in admin.get(f"/assignments?user={liuyang_id}&active=true")["items"]
                    if a["role_key"] == "sales_manager"]
    ends = datetime.fromisoformat(assignment["expires_at"])
    assert approved_before + timedelta(days=30) - timedelta(minutes=1) < ends
    assert ends < datetime.now(UTC) + timedelta(days=30)

    # liuyang is told, and "My access" shows the manager's scopes with their end date
    liuyang.reload()
    expect(liuyang.get_by_test_id("bell")).not_to_have_attribute("data-count", "0")
    liuyang.get_by_test_id("bell").click()
    notices = liuyang.get_by_test_id("notifications")
    approved = notices.locator("[data-kind='request.approved']").first
    expect(approved).to_contain_text("你对角色“销售经理”的申请已批准")
    expect(notices.locator("[data-kind='request.step_approved']").first).to_contain_text(
        "通过第 1 步")
    screenshot(liuyang, "requests-8-notifications-zh")
    approved.get_by_test_id("notification-link").click()
    expect(liuyang.get_by_test_id("request-detail")).to_have_attribute("data-status", "approved")
    menu(liuyang, "我的权限")
    matrix = liuyang.get_by_test_id("access-matrix")
    role_tag = matrix.locator("[data-role=sales_manager]")
    expect(role_tag).to_contain_text("销售经理")
    expect(role_tag).to_contain_text(f"{ends.astimezone().year}年")
    view = matrix.locator("[data-cell='customer.view'] [data-granted=true]")
    expect(view).to_have_attribute("data-scopes", re.compile("department_tree"))
    screenshot(liuyang, "requests-9-my-access-zh", full_page=True)
    assert "department_tree" in scopes(rep.get("/me/access"), "customer", "view")
