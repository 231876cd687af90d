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
    expect(lilei.get_by_test_id("decision-refusal")).to_contain_text("这是您本人提交的申请，须由他人审批")
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
    expect(approved).to_contain_text("您对角色“销售经理”的申请已批准")
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


# --- asking for changes, resubmitting, withdrawing; record access ------------------------


def test_record_request_sent_back_resubmitted_and_withdrawn(person: Person,
                                                            server: Server) -> None:
    admin = Client(server, "wangfang")
    liuyang_id = admin.user("liuyang")["id"]
    theirs = admin.get(f"/customers?owner_id={liuyang_id}&limit=1")["items"][0]["id"]

    # hanmeimei follows a link to a customer of liuyang's: not hers to see, but she may ask
    # for it from there (her roles let her view customers, so a share can open it)
    han = person("hanmeimei")
    han.goto(f"/records/customer/{theirs}")
    expect(han.get_by_test_id("record-not-found")).to_be_visible()
    han.get_by_test_id("request-access").click()
    expect(han.get_by_test_id("new-request-page")).to_be_visible()
    expect(number_input(han, "request-record")).to_have_value(str(theirs))
    han.get_by_test_id("request-reason").fill("替刘洋跟进这个客户")
    expect(checks(han)).to_have_attribute("data-ok", "true")
    expect(precondition(han, "function_granted")).to_contain_text("您的角色允许查看客户")
    expect(checks(han).get_by_test_id("approver-chain")).to_contain_text("可共享该记录的人")
    screenshot(han, "requests-10-record-request-zh", full_page=True)
    han.get_by_test_id("send-request").click()
    rid = sent_request_id(han)
    expect(han.get_by_test_id("request-what")).to_contain_text(f"客户 #{theirs} 的只读权限")

    # lilei asks for changes, with a reason
    lilei = person("lilei")
    menu(lilei, "待我审批")
    lilei.get_by_test_id("approval-kinds").get_by_text("记录访问").click()
    opened = expand(lilei, rid)
    decide(lilei, "request-changes", "请写明客户名称和跟进期限", within=opened)
    expect(lilei.locator(f"tr[data-request='{rid}']")).to_have_count(0)

    # hanmeimei sees it in "My requests", sent back with the reason, and resubmits
    han.reload()
    menu(han, "我的申请")
    row = han.locator(f"tr[data-request='{rid}']")
    expect(row).to_have_attribute("data-status", "changes_requested")
    opened = expand(han, rid)
    expect(opened.get_by_test_id("request-history")).to_contain_text("请写明客户名称和跟进期限")
    screenshot(han, "requests-11-my-requests-changes-asked-zh", full_page=True)
    decide(han, "resubmit", "替刘洋跟进华南客户，两周", within=opened)
    expect(row).to_have_attribute("data-status", "pending")

    # …and then withdraws it from its page
    row.get_by_test_id("request-link").click()
    history = han.get_by_test_id("request-history")
    expect(history.locator("[data-decision=changes_requested]")).to_have_count(1)
    expect(history.locator("[data-decision=resubmitted]")).to_have_count(1)
    decide(han, "withdraw")
    expect(han.get_by_test_id("request-detail")).to_have_attribute("data-status", "withdrawn")
    expect(han.get_by_test_id("request-actions")).to_have_count(0)
    screenshot(han, "requests-12-withdrawn-zh", full_page=True)
    assert admin.get(f"/requests/{rid}")["status"] == "withdrawn"


# --- My access: what ends soon, reporting a problem ------------------------------------


def test_my_access_ends_soon_and_a_problem_report(person: Person, server: Server) -> None:
    admin = Client(server, "wangfang")
    chenjing = admin.user("chenjing")
    rep_role = admin.role("sales_rep")
    ends = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    admin.post("/assignments", {"user_id": chenjing["id"], "role_id": rep_role["id"],
                                "expires_at": ends, "reason": "covering for the sales team"})

    # chenjing is told, in the header and on "My access", that the role ends in 3 days
    page = person("chenjing", locale="en")
    expect(page.get_by_test_id("bell")).not_to_have_attribute("data-count", "0")
    page.get_by_test_id("todo-badge").click()
    expect(page.get_by_test_id("count-ending-soon")).to_have_attribute("data-count", "1")
    screenshot(page, "requests-13-todo-menu-en")
    page.get_by_test_id("count-ending-soon").click()
    ending = page.get_by_test_id("ending-soon")
    expect(ending.locator("[data-kind=assignment]")).to_contain_text("Role “Sales representative”")
    expect(ending.locator("[data-kind=assignment]")).to_contain_text("3 days left")
    screenshot(page, "requests-14-my-access-ends-soon-en", full_page=True)

    # a problem with the customers row: the report becomes a request to the administrators
    page.locator("[data-cell='customer.view']").locator("xpath=..").locator(
        "[data-action=report-problem]").click()
    dialog = page.get_by_test_id("problem-dialog")
    expect(dialog.get_by_test_id("problem-about")).to_have_text("Customer")
    choose(page, dialog.get_by_test_id("problem-action"), "delete")
    dialog.get_by_test_id("problem-message").fill("I should be able to delete duplicates")
    screenshot(page, "requests-15-report-problem-en")
    page.get_by_test_id("problem-send").click()
    expect(page.get_by_test_id("problem-sent")).to_be_visible()
    page.get_by_test_id("problem-request-link").click()
    expect(page.get_by_test_id("request-what")).to_have_text(
        "A problem with: delete customer")
    rid = sent_request_id(page)
    expect(page.get_by_test_id("problem-explanation")).to_have_count(0)  # not the reporter's

    # wangfang handles it: in her queue as a problem report, with the engine's explanation
    wangfang = person("wangfang")
    menu(wangfang, "待我审批")
    expect(wangfang.get_by_test_id("approval-kinds").locator("[data-count]").nth(3)
           ).to_have_attribute("data-count", "1")
    wangfang.locator(f"tr[data-request='{rid}']").get_by_test_id("request-link").click()
    explanation = wangfang.get_by_test_id("problem-explanation")
    expect(explanation.locator("[data-layer=function][data-allowed=false]")).to_be_visible()
    screenshot(wangfang, "requests-16-problem-report-zh", full_page=True)
    decide(wangfang, "approve", "已为客服增加删除重复客户的权限")
    expect(wangfang.get_by_test_id("request-detail")).to_have_attribute("data-status", "approved")


# --- the approval workflow's administration; the two-person rule -----------------------


def test_workflow_administration_and_the_two_person_rule(person: Person,
                                                         server: Server) -> None:
    admin, han = Client(server, "wangfang"), Client(server, "hanmeimei")
    finance = admin.role("finance")
    page = person("wangfang", locale="en")
    menu(page, "Approval workflow")
    expect(page.get_by_test_id("two-person-state")).to_have_attribute("data-on", "false")
    expect(page.get_by_test_id("notice-days")).to_have_text("7 days")
    screenshot(page, "requests-17-workflow-settings-off-en")

    # approval policies: the default in force, sales_manager's own; a new one for finance
    page.get_by_role("tab", name="Approval policies").click()
    policies = page.get_by_test_id("approval-policies")
    expect(policies.get_by_test_id("default-policy")).to_contain_text("The manager")
    expect(policies.locator("tr[data-role=sales_manager]")).to_contain_text(SALES_MANAGER_COURSE)
    screenshot(page, "requests-18-approval-policies-en", full_page=True)
    page.get_by_test_id("new-policy").click()
    dialog = page.get_by_test_id("policy-dialog")
    choose(page, dialog.get_by_test_id("policy-role"), "Finance (finance)")
    dialog.get_by_test_id("add-step").click()
    choose(page, dialog.get_by_test_id("step-2-approver"), "Holders of a role")
    choose(page, dialog.get_by_test_id("step-2-role"), "System administrator (sys_admin)")
    dialog.get_by_test_id("policy-courses").locator("input").fill("finance_basics")
    dialog.get_by_test_id("policy-courses").locator("input").press("Enter")
    screenshot(page, "requests-19-policy-editor-en")
    change_dialog(page, "Finance access needs an administrator's approval")
    row = policies.locator("tr[data-role=finance]")
    expect(row.get_by_test_id("policy-steps")).to_contain_text(
        "3. Anyone holding the role “System administrator”")
    expect(row).to_contain_text("finance_basics")

    # a conflicting pair: finance and sales_rep
    page.get_by_role("tab", name="Conflicting roles").click()
    page.get_by_test_id("add-conflict").click()
    dialog = page.get_by_test_id("add-conflict-dialog")
    choose(page, dialog.get_by_test_id("conflict-role-a"), "Finance (finance)")
    choose(page, dialog.get_by_test_id("conflict-role-b"), "Sales representative (sales_rep)")
    change_dialog(page, "Separation of duties between sales and finance")
    pairs = page.get_by_test_id("role-conflicts")
    expect(pairs.locator("tbody tr")).to_contain_text("Sales representative")
    screenshot(page, "requests-20-conflicting-roles-en")

    # both apply to a request at once: hanmeimei (a sales rep) asking for finance is told
    check = han.post("/requests/check", {"kind": "role", "role_id": finance["id"]})
    assert {p["code"] for p in check["preconditions"] if not p["passed"]} == {
        "role_conflict", "training_missing"}
    assert [s["role"]["key"] for s in check["steps"] if s["role"]] == ["sys_admin"]

    # the two-person rule, switched on in Chinese: a direct grant of the administrator role
    # waits for a second administrator
    zh = person("wangfang")
    zh.goto("/admin/workflow")
    zh.get_by_test_id("edit-settings").click()
    zh.get_by_test_id("two-person").click()
    change_dialog(zh, "管理员权限须两人确认")
    expect(zh.get_by_test_id("two-person-state")).to_have_attribute("data-on", "true")
    screenshot(zh, "requests-17-workflow-settings-two-person-on-zh")
    menu(zh, "角色分配")
    zh.get_by_test_id("add-assignment").click()
    dialog = zh.get_by_test_id("add-assignment-dialog")
    dialog.get_by_test_id("assignment-user").locator("input").fill("sunli")
    zh.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").last.locator(
        "[title='孙丽 (sunli)']").click()
    choose(zh, dialog.get_by_test_id("assignment-role"), "系统管理员 · sys_admin")
    dialog.get_by_test_id("reason").fill("孙丽兼任系统管理员")
    zh.get_by_test_id("change-ok").click()
    expect(dialog).to_have_count(0)
    notice = zh.get_by_test_id("two-person-notice")
    expect(notice).to_contain_text("按双人规则，为孙丽授予角色“系统管理员”须由另一位管理员批准")
    screenshot(zh, "requests-21-two-person-waiting-zh")
    zh.locator(".ant-modal-confirm .ant-btn-primary").click()
    detail = zh.get_by_test_id("request-detail")
    expect(detail).to_have_attribute("data-status", "pending")
    expect(zh.get_by_test_id("decision-refusal")).to_have_attribute("data-reason", "own_request")
    screenshot(zh, "requests-22-grant-request-zh", full_page=True)
    assert "sys_admin" not in {r["key"] for r in Client(server, "sunli").get("/me")["roles"]}

    settings = admin.get("/settings/workflow")
    admin.call("PATCH", "/settings/workflow", {"two_person_rule": False,
                                               "version": settings["version"],
                                               "reason": "end of the browser test"})


# --- a narrow laptop window ----------------------------------------------------------------


def test_request_screens_on_a_narrow_window(person: Person, server: Server) -> None:
    """At 1024×700 the request screens fit the window (tables scroll inside their cards);
    the page itself does not scroll sideways."""
    han = Client(server, "hanmeimei")
    support = han.role("support")
    made = han.post("/requests", {"kind": "role", "role_id": support["id"], "days": 14,
                                  "reason": "cover the service desk over the holidays"})
    page = person("lilei", locale="en")
    page.set_viewport_size({"width": 1024, "height": 700})
    screens = [("/requests/new", "new-request-page"), ("/requests/mine", "my-requests-page"),
               ("/requests/approvals", "approvals-page"),
               (f"/requests/{made['id']}", "request-detail"), ("/my-access", "my-access-page")]
    for path, testid in screens:
        page.goto(path)
        expect(page.get_by_test_id(testid)).to_be_visible()
        expect(page.get_by_test_id("todo-badge")).to_be_visible()
        expect(page.get_by_test_id("bell")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024, path
        screenshot(page, f"requests-narrow-{testid}-en")
