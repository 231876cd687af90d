"""What-if before saving, in a browser: wangfang takes "edit customer" away from the sales
rep role in the role editor, previews its impact (the users listed, the counts the API
gives for the same body) and saves; an assignment's impact in English, left unsaved
(nothing written); a restriction rule's impact previewed in the rule editor."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Client, screenshot, sign_in, watched_page
from tests.browser.test_access_ui import choose as choose_in
from tests.browser.test_access_ui import in_english, select_of, settled
from tests.browser.test_admin_ui import choose, search_and_choose
from tests.test_serve import Server

pytestmark = pytest.mark.browser


def what_if(client: Client, change: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = client.post("/access/what-if?limit=1000", {"change": change})
    return answer


def preview(page: Page, reason: str) -> None:
    """The open change dialog: its reason, then "Preview impact"."""
    page.get_by_test_id("reason").fill(reason)
    page.get_by_test_id("preview-impact").click()
    expect(page.get_by_test_id("impact-view")).to_be_visible()


def test_role_change_previewed_then_saved(context: BrowserContext, server: Server) -> None:
    wangfang = Client(server, "wangfang")
    role = wangfang.role("sales_rep")
    document = wangfang.get(f"/roles/{role['id']}")
    kept = [g for g in document["grants"] if (g["object"], g["action"]) != ("customer", "edit")]
    expected = what_if(wangfang, {"kind": "role", "op": "update", "id": role["id"], "body": {
        "grants": kept, "reason": "销售人员只查看客户", "version": document["version"]}})
    holders = {u["username"] for u in expected["users"]}
    assert holders == {"hanmeimei", "zhangwei", "liuyang"}
    policy_version = wangfang.get("/me")["policy_version"]

    with watched_page(context) as page:
        sign_in(page, "wangfang")
        page.goto(f"/admin/roles/{role['id']}")
        expect(page.get_by_test_id("grant-customer-edit")).to_have_attribute("data-scope", "own")
        choose(page, "grant-customer-edit", "无")
        page.get_by_test_id("save-role").click()
        expect(page.get_by_test_id("role-changes")).to_contain_text("客户 · 编辑：本人 → 无")
        preview(page, "销售人员只查看客户")

        impact = page.get_by_test_id("impact-view")
        expect(impact).to_have_attribute("data-changed", str(expected["totals"]["changed"]))
        expect(impact).to_have_attribute("data-unchanged", str(expected["totals"]["unchanged"]))
        expect(page.get_by_test_id("impact-changed")).to_contain_text("3")
        for username in holders:
            row = impact.locator(f"tr[data-username={username}]")
            expect(row).to_contain_text("客户 · 编辑：本人 → 无")
        # a preview writes nothing: the policy version has not moved
        assert wangfang.get("/me")["policy_version"] == policy_version
        settled(page)
        screenshot(page, "whatif-role-zh")

        page.get_by_test_id("change-ok").click()
        expect(page.locator(".ant-modal-content")).to_have_count(0)
        expect(page.get_by_test_id("grant-customer-edit")).to_have_attribute("data-scope", "none")
    saved = wangfang.get(f"/roles/{role['id']}")
    assert ("customer", "edit") not in {(g["object"], g["action"]) for g in saved["grants"]}
    assert saved["version"] == document["version"] + 1


def test_assignment_previewed_in_english_and_left_unsaved(page: Page, server: Server) -> None:
    wangfang = Client(server, "wangfang")
    zhaomin = wangfang.user("zhaomin")
    support = wangfang.role("support")
    expected = what_if(wangfang, {"kind": "assignment", "op": "create", "body": {
        "user_id": zhaomin["id"], "role_id": support["id"], "expires_at": None,
        "reason": "covers the service desk"}})
    [change] = expected["users"]
    policy_version = wangfang.get("/me")["policy_version"]

    sign_in(page, "wangfang")
    in_english(page)
    page.goto("/admin/assignments")
    page.get_by_test_id("add-assignment").click()
    dialog = page.get_by_test_id("add-assignment-dialog")
    search_and_choose(page, dialog.get_by_test_id("assignment-user"), "zhaomin", "赵敏 (zhaomin)")
    search_and_choose(page, dialog.get_by_test_id("assignment-role"), "support",
                      "Customer support · support")
    preview(page, "covers the service desk")
    impact = page.get_by_test_id("impact-view")
    expect(impact).to_have_attribute("data-changed", "1")
    row = impact.locator("tr[data-username=zhaomin]")
    expect(row).to_contain_text("Gains the role “Customer support”")
    for scope in change["scopes"][:3]:
        expect(row).to_contain_text(f"· {scope['action']}:")
    records = expected["totals"]["records"]
    if records:
        expect(page.get_by_test_id("impact-records")).to_be_visible()
    settled(page)
    screenshot(page, "whatif-assignment-en")

    # changing the form forgets the preview; closing saves nothing
    dialog.get_by_test_id("expiry").click()
    page.keyboard.type("2030-01-01 09:00")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("impact-view")).to_have_count(0)
    page.get_by_role("button", name="Cancel").click()
    assert wangfang.get("/me")["policy_version"] == policy_version
    assert not [a for a in wangfang.get(f"/assignments?user={zhaomin['id']}")["items"]
                if a["role_id"] == support["id"]]


def test_rule_previewed_in_the_rule_editor(page: Page, server: Server) -> None:
    wangfang = Client(server, "wangfang")
    sign_in(page, "wangfang")
    page.goto("/access/rules?kind=restriction")
    page.locator("[data-action=new-rule]").click()
    editor = page.get_by_test_id("rule-editor")
    editor.locator("#rule-name").fill("D 级客户对销售人员隐藏")
    choose_in(page, select_of(editor, "rule-object"), "客户")
    first = editor.locator("[data-condition-row='0.0']")
    choose_in(page, first.locator("[data-part=field]"), "客户等级")
    choose_in(page, first.locator("[data-part=value] .ant-select"), "D")
    principal = editor.locator("[data-principal-row='0']")
    choose_in(page, principal.locator(".ant-select").last, "销售人员")
    editor.locator("#rule-reason").fill("D 级客户由经理跟进")
    page.get_by_test_id("preview-impact").click()
    impact = page.get_by_test_id("impact-view")
    expect(impact).to_be_visible()

    roles = {r["key"]: r["id"] for r in wangfang.get("/roles")["items"]}
    expected = what_if(wangfang, {"kind": "restriction_rule", "op": "create", "body": {
        "name": "D 级客户对销售人员隐藏", "object": "customer",
        "condition": {"field": "level", "op": "eq", "value": "D"},
        "principals": [{"kind": "role", "id": roles["sales_rep"]}], "active": True,
        "description": None, "reason": "D 级客户由经理跟进"}})
    expect(impact).to_have_attribute("data-changed", str(expected["totals"]["changed"]))
    for user in expected["users"]:
        hidden = sum(r["invisible"] for r in user["records"] if r["object"] == "customer")
        if hidden:
            expect(impact.locator(f"tr[data-username={user['username']}]")).to_contain_text(
                f"客户：{hidden} 条记录变为不可见")
    settled(page)
    screenshot(page, "whatif-rule-zh")
    # nothing was saved by the preview
    assert not [r for r in wangfang.get("/restriction-rules?object=customer")["items"]
                if r["name"] == "D 级客户对销售人员隐藏"]


def test_many_affected_users_are_paged(page: Page, server: Server) -> None:
    # the support role gets 25 more holders: a change to it reaches 26 people
    wangfang = Client(server, "wangfang")
    support = wangfang.role("support")
    for n in range(25):
        user = wangfang.post("/users", {
            "username": f"agent{n:02d}", "display_name": f"客服坐席 {n:02d}",
            "department_id": wangfang.user("chenjing")["department"]["id"],
            "reason": "客服扩编"})
        wangfang.post("/assignments", {"user_id": user["id"], "role_id": support["id"],
                                       "reason": "客服扩编"})

    sign_in(page, "wangfang")
    page.goto(f"/admin/roles/{support['id']}")
    choose(page, "grant-service_record-edit", "无")
    page.get_by_test_id("save-role").click()
    preview(page, "服务记录改由主管修改")
    impact = page.get_by_test_id("impact-view")
    expect(impact).to_have_attribute("data-changed", "26")
    rows = impact.locator("tbody tr[data-username]")
    expect(rows).to_have_count(20)
    first_page = set(rows.evaluate_all("rs => rs.map(r => r.dataset.username)"))
    impact.locator(".ant-pagination-item-2").click()
    expect(rows).to_have_count(6)
    second_page = set(rows.evaluate_all("rs => rs.map(r => r.dataset.username)"))
    assert not first_page & second_page
    assert len(first_page | second_page) == 26 and "chenjing" in first_page | second_page
    expect(impact).to_contain_text("第 21–26 名，共 26 名用户")
    settled(page)
    screenshot(page, "whatif-paged-zh")
