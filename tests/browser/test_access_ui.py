"""The access screens and the audit log in a browser: wangfang builds a restriction rule
without writing JSON (a value the server refuses is marked on its own row), the explain
tool says why hanmeimei cannot delete her own customer, sunli reads the audit log (a
change's before and after, the export, an intact chain), and hanmeimei reads her own
access. Each screen in Chinese and in English."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import api_get, api_patch, screenshot, sign_in


@pytest.fixture
def refusing_page(context: BrowserContext) -> Iterator[Page]:
    """Like `page`, except that the refusals the test provokes (422) are expected: the
    browser logs them as failed resources."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not re.search(r"\b(401|422)\b", msg.text) else None)
    yield pg
    assert not problems, "\n".join(problems)


def settled(page: Page) -> None:
    """Waits until no drawer or dialog is still sliding in (before a screenshot)."""
    expect(page.locator(".ant-drawer [class*=motion], .ant-modal[class*=motion]")).to_have_count(0)


def in_english(page: Page) -> None:
    """The remembered language switched to English, and the page read again."""
    page.evaluate("window.localStorage.setItem('vouch.language', 'en')")
    page.reload()


def select_of(scope: Page | Locator, input_id: str) -> Locator:
    """The Ant Design select around the input with this id."""
    return scope.locator(f".ant-select:has(#{input_id})")


def choose(page: Page, select: Locator, option: str, search: str | None = None) -> None:
    """Opens an Ant Design select, optionally types to search, and picks an option."""
    select.click()
    if search is not None:
        page.keyboard.type(search)
    options = ".ant-select-item-option, .ant-select-tree-node-content-wrapper"  # lists and trees
    page.locator(".ant-select-dropdown:visible").locator(options, has_text=option).first.click()
    if "ant-select-multiple" not in (select.get_attribute("class") or ""):
        expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)  # closed again


def test_administrator_builds_a_restriction_rule(refusing_page: Page) -> None:
    page = refusing_page
    sign_in(page, "wangfang")
    page.get_by_test_id("side-menu").get_by_text("共享与限制规则").click()
    expect(page.get_by_test_id("rules-page")).to_be_visible()
    page.get_by_role("tab", name="限制规则").click()
    expect(page.get_by_test_id("rules-page")).to_have_attribute("data-kind", "restriction")

    page.locator("[data-action=new-rule]").click()
    editor = page.get_by_test_id("rule-editor")
    editor.locator("#rule-name").fill("D 级客户对销售人员隐藏")
    choose(page, select_of(editor, "rule-object"), "客户")

    # first row: 客户等级 等于 D
    first = editor.locator("[data-condition-row='0.0']")
    choose(page, first.locator("[data-part=field]"), "客户等级")
    expect(first.locator("[data-part=op]")).to_contain_text("等于")
    choose(page, first.locator("[data-part=value] .ant-select"), "D")
    # second row: 信用额度 属于 "abc" — a value only the server can refuse
    editor.locator("[data-action=add-condition]").first.click()
    second = editor.locator("[data-condition-row='0.1']")
    choose(page, second.locator("[data-part=field]"), "信用额度")
    ops = second.locator("[data-part=op]")
    ops.click()
    listed = page.locator(".ant-select-dropdown:visible .ant-select-item-option")
    expect(listed.filter(has_text=re.compile("^大于$"))).to_have_count(1)  # a number: ordered,
    expect(listed.filter(has_text="包含")).to_have_count(0)  # and no "contains"
    listed.filter(has_text=re.compile("^属于$")).click()
    second.locator("[data-part=value] input").fill("abc")
    page.keyboard.press("Enter")

    # hidden from the sales rep role, with a reason
    principal = editor.locator("[data-principal-row='0']")
    choose(page, principal.locator(".ant-select").last, "销售人员")
    editor.locator("#rule-reason").fill("D 级客户由经理跟进")
    page.locator("[data-action=save-rule]").click()
    expect(page.get_by_test_id("rule-error")).to_contain_text("条件有误")
    expect(second).to_have_attribute("data-error", "value")
    problem = second.get_by_test_id("condition-problem")
    expect(problem).to_contain_text("需要一个数字")
    expect(problem).to_have_attribute("title", re.compile("credit_limit"))
    expect(first).not_to_have_attribute("data-error", re.compile(".*"))
    settled(page)
    screenshot(page, "access-rule-editor-refused-wangfang")

    second.get_by_role("button", name="移除此条件").click()
    expect(editor.get_by_test_id("condition-builder")).not_to_contain_text("信用额度")
    screenshot(page, "access-rule-editor-wangfang")
    page.locator("[data-action=save-rule]").click()
    expect(editor).to_have_count(0)

    row = page.locator("tbody tr", has_text="D 级客户对销售人员隐藏")
    expect(row).to_contain_text("客户等级 等于 D")
    expect(row).to_contain_text("角色：销售人员")
    screenshot(page, "access-rules-wangfang")

    rules = api_get(page, "/restriction-rules", object="customer")["items"]
    rule = next(r for r in rules if r["name"] == "D 级客户对销售人员隐藏")
    roles = {r["key"]: r["id"] for r in api_get(page, "/roles")["items"]}
    assert rule["condition"] == {"field": "level", "op": "eq", "value": "D"}
    assert rule["principals"] == [{"kind": "role", "id": roles["sales_rep"]}]
    assert rule["active"] is True

    # switched off with a reason: the audit log has it
    row.get_by_role("switch").click()
    dialog = page.locator(".ant-modal-content")
    dialog.locator("#change-reason").fill("暂缓执行")
    dialog.locator("[data-action=confirm-reason]").click()
    expect(dialog).to_have_count(0)
    expect(row.get_by_role("switch")).not_to_be_checked()
    after = api_get(page, f"/restriction-rules/{rule['id']}")
    assert after["active"] is False and after["version"] == rule["version"] + 1

    in_english(page)
    expect(page.get_by_role("tab", name="Restriction rules")).to_be_visible()
    expect(row).to_contain_text("Level is D")
    expect(row).to_contain_text("Role: Sales representative")
    screenshot(page, "access-rules-wangfang-en")
    page.locator("[data-action=new-rule]").click()
    expect(page.get_by_test_id("condition-builder")).to_contain_text("All of (AND)")
    settled(page)
    screenshot(page, "access-rule-editor-wangfang-en")


def test_sharing_rule_with_an_or_group_a_negated_department_relation(page: Page) -> None:
    sign_in(page, "wangfang")
    page.goto("/access/rules?kind=sharing&object=customer")
    expect(page.get_by_test_id("rules-page")).to_have_attribute("data-kind", "sharing")
    page.locator("[data-action=new-rule]").click()
    editor = page.get_by_test_id("rule-editor")
    editor.locator("#rule-name").fill("华东华南客户共享给财务")
    builder = editor.get_by_test_id("condition-builder")
    builder.get_by_text("任一满足（或）").click()
    first = editor.locator("[data-condition-row='0.0']")
    choose(page, first.locator("[data-part=field]"), "区域")
    choose(page, first.locator("[data-part=op]"), "属于")
    values = first.locator("[data-part=value] .ant-select")
    choose(page, values, "华东")
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="华南").click()
    page.keyboard.press("Escape")
    builder.locator("[data-action=add-relation]").first.click()
    relation = editor.locator("[data-condition-row='0.1']")
    expect(relation).to_have_attribute("data-kind", "relation")
    choose(page, relation.locator("[data-part=department] .ant-select"), "华东一组")
    relation.locator("[data-part=not]").click()

    principal = editor.locator("[data-principal-row='0']")
    choose(page, principal.locator(".ant-select").first, "部门及下级")
    choose(page, principal.locator(".ant-select").last, "财务部")
    editor.get_by_text("读写", exact=True).click()
    editor.locator("#rule-reason").fill("财务核对回款")
    page.locator("[data-action=save-rule]").click()
    expect(editor).to_have_count(0)

    row = page.locator("tbody tr", has_text="华东华南客户共享给财务")
    expect(row).to_contain_text("区域 属于 华东、华南 或 非(负责人属于 华东一组（含下级部门）)")
    expect(row).to_contain_text("部门及下级：财务部")
    expect(row).to_contain_text("读写")
    departments = {d["name"]: d["id"] for d in api_get(page, "/departments")["items"]}
    rule = next(r for r in api_get(page, "/sharing-rules")["items"]
                if r["name"] == "华东华南客户共享给财务")
    assert rule["condition"] == {"or": [
        {"field": "region", "op": "in", "value": ["east", "south"]},
        {"not": {"relation": "owner_in_department", "department": departments["华东一组"],
                 "subtree": True}},
    ]}
    assert rule["principals"] == [{"kind": "department_tree", "id": departments["财务部"]}]
    assert rule["access"] == "read_write"

    # opened again, the builder shows the same condition
    row.get_by_role("button", name=re.compile("编辑")).click()
    editor = page.get_by_test_id("rule-editor")
    expect(editor.locator("[data-condition-group='0']")).to_have_attribute("data-join", "or")
    expect(editor.locator("[data-condition-row='0.1'] [data-part=not]")).to_be_checked()
    expect(editor.locator("[data-condition-row='0.0']")).to_contain_text("华南")
    settled(page)
    screenshot(page, "access-sharing-rule-editor-wangfang")


def test_explain_says_why_the_sales_rep_cannot_delete_her_customer(page: Page) -> None:
    sign_in(page, "wangfang")
    hanmeimei = next(u for u in api_get(page, "/users", q="hanmeimei")["items"]
                     if u["username"] == "hanmeimei")
    customer = api_get(page, "/customers", owner_id=hanmeimei["id"], limit=1)["items"][0]

    page.goto(f"/access/explain?user=hanmeimei&action=delete&object=customer"
              f"&record={customer['id']}")
    result = page.get_by_test_id("explain-result")
    expect(result).to_have_attribute("data-allowed", "false")
    expect(result).to_have_attribute("data-first-denied", "function")
    expect(result).to_contain_text("不能删除")
    function = result.locator("[data-layer=function]")
    expect(function).to_have_attribute("data-allowed", "false")
    expect(function).to_contain_text("没有任何有效角色授予对客户的“删除”权限")
    expect(result.locator("[data-layer=identity]")).to_have_attribute("data-allowed", "true")
    # the question is in the form, ready to change
    expect(select_of(page, "explain-action")).to_contain_text("删除")
    expect(select_of(page, "explain-user")).to_contain_text("韩梅梅")
    screenshot(page, "access-explain-delete-wangfang")

    # the same record for view: allowed, and the record layer says why
    choose(page, select_of(page, "explain-action"), "查看")
    page.locator("[data-action=explain]").click()
    expect(page).to_have_url(re.compile(r"action=view"))
    expect(result).to_have_attribute("data-allowed", "true")
    expect(result.locator("[data-layer=record]")).to_contain_text("该用户是记录的负责人")

    in_english(page)
    expect(result).to_have_attribute("data-allowed", "true")
    page.goto(f"/access/explain?user=hanmeimei&action=delete&object=customer"
              f"&record={customer['id']}")
    expect(result.locator("[data-layer=function]")).to_contain_text(
        "No active role grants delete on Customer")
    expect(result).to_contain_text("denied at the “Function” layer")
    screenshot(page, "access-explain-delete-wangfang-en")

    # anyone's effective permissions, linked from the same place
    page.goto(f"/access/permissions?user={hanmeimei['id']}")
    matrix = page.get_by_test_id("access-matrix")
    expect(matrix).to_have_attribute("data-user", "hanmeimei")
    expect(matrix.locator("[data-cell='customer.view']")).to_contain_text("own")
    screenshot(page, "access-permissions-hanmeimei-en")


def test_auditor_reads_the_audit_log(page: Page) -> None:
    # a change to read: wangfang moves a customer up a level
    sign_in(page, "wangfang")
    customer = api_get(page, "/customers", level="C", limit=1)["items"][0]
    api_patch(page, f"/customers/{customer['id']}",
              {"level": "B", "version": customer["version"]})
    page.context.clear_cookies()

    sign_in(page, "sunli")
    page.get_by_test_id("side-menu").get_by_text("审计日志").click()
    audit = page.get_by_test_id("audit-page")
    expect(audit).to_be_visible()
    chain = page.get_by_test_id("chain-status")
    expect(chain).to_have_attribute("data-ok", "true")
    expect(chain).to_contain_text("审计链完整")
    rows = page.locator("[data-testid=audit-table] tbody tr[data-seq]")
    expect(rows.first).to_be_visible()
    seqs = [int(s or 0) for s in
            (r.get_attribute("data-seq") for r in rows.all())]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 3  # newest first
    expect(rows.first).to_contain_text("登录")  # sunli's own sign-in is the newest
    screenshot(page, "audit-log-sunli")

    # only record changes, through the filter form
    choose(page, select_of(page, "audit-action"), "修改记录", search="record.update")
    page.locator("[data-action=filter]").click()
    expect(page).to_have_url(re.compile(r"action=record\.update"))
    expect(rows).to_have_count(1)
    rows.first.click()
    drawer = page.get_by_test_id("audit-event")
    expect(drawer).to_contain_text("record.update")
    diff = drawer.get_by_test_id("audit-diff")
    changed = diff.locator("tr[data-changed=true]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("客户等级")
    expect(changed.locator("[data-line=removed]")).to_have_text("C")
    expect(changed.locator("[data-line=added]")).to_have_text("B")
    settled(page)
    screenshot(page, "audit-event-sunli")
    page.keyboard.press("Escape")
    expect(drawer).to_have_count(0)

    # the export holds the filtered events, as JSON Lines
    with page.expect_download() as download:
        page.locator("[data-action=export-audit]").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["action"] for e in events] == ["record.update"]
    assert events[0]["before"] == {"level": "C"} and events[0]["after"] == {"level": "B"}

    in_english(page)
    expect(chain).to_contain_text("The audit chain is intact")
    expect(rows.first).to_contain_text("Record changed")
    screenshot(page, "audit-log-sunli-en")
    page.locator("[data-action=clear-filters]").click()
    expect(page).not_to_have_url(re.compile(r"action="))
    expect(rows.first).to_contain_text("Audit log exported")  # the export is an event too


def test_sales_rep_reads_her_own_access(page: Page) -> None:
    sign_in(page, "hanmeimei")
    menu = page.get_by_test_id("side-menu")
    expect(menu).not_to_contain_text("共享与限制规则")
    expect(menu).not_to_contain_text("审计日志")
    menu.get_by_text("我的权限").click()
    matrix = page.get_by_test_id("access-matrix")
    expect(matrix).to_have_attribute("data-user", "hanmeimei")
    expect(matrix.locator("[data-role=sales_rep]")).to_contain_text("销售人员")
    view = matrix.locator("[data-cell='customer.view'] [data-granted]")
    expect(view).to_have_attribute("data-scopes", "own")
    expect(view).to_contain_text("本人")
    expect(view).to_contain_text("销售人员")
    expect(matrix.locator("[data-cell='customer.delete'] [data-granted]")).to_have_attribute(
        "data-granted", "false")
    expect(matrix.locator("[data-field-level='customer.credit_limit']")).to_contain_text("已脱敏")
    screenshot(page, "access-my-access-hanmeimei", full_page=True)

    in_english(page)
    expect(page.get_by_role("heading", name="My access")).to_be_visible()
    page.get_by_role("link", name="Why can or can't I…?").click()
    expect(page.get_by_test_id("explain-page")).to_be_visible()
    expect(page.locator("#explain-user")).to_have_count(0)  # only about herself

    page.go_back()
    expect(matrix.locator("[data-field-level='customer.credit_limit']")).to_contain_text("masked")
    screenshot(page, "access-my-access-hanmeimei-en")

    # the administrators' screens tell her what they need rather than failing
    page.goto("/audit")
    expect(page.get_by_test_id("forbidden")).to_contain_text("View the audit log")
    page.goto("/access/rules")
    expect(page.get_by_test_id("forbidden")).to_contain_text("Manage roles")
