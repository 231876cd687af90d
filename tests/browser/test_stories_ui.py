"""SCENARIOS stories 1–3 done in the browser by the people they are about, without the
API: the sales rep (hanmeimei), the sales manager (lilei) and finance (zhaomin). What each
screen shows is checked against the API's answer for the same user; each step leaves a
screenshot in test-artifacts/ (story1-*, story2-*, story3-*). Also: a form with unsaved
changes asks before they are lost, and English names lists in the plural."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, expect

from tests.browser.conftest import (
    Client,
    api_get,
    column_texts,
    header_keys,
    list_loaded,
    screenshot,
    sign_in,
    watched_page,
)
from tests.test_serve import Server

pytestmark = pytest.mark.browser

REPS = ("hanmeimei", "zhangwei", "liuyang")
HER_CONTRACT = "HT-STORY-00001"
HER_CONTRACT_AMOUNT = "246810.00"


@pytest.fixture(scope="module")
def api(server: Server) -> dict[str, Client]:
    """The API as each person of the stories (and the administrator, who sees everything):
    what the screens must agree with."""
    return {u: Client(server, u) for u in ("wangfang", "hanmeimei", "lilei", "zhaomin")}


@pytest.fixture(scope="module")
def her_contract(api: dict[str, Client]) -> dict[str, Any]:
    """A contract of hanmeimei's with an amount (the demo's records may give her none)."""
    admin, rep = api["wangfang"], api["hanmeimei"]
    customer = rep.get("/customers?limit=1")["items"][0]
    return admin.post("/contracts", {  # type: ignore[no-any-return]
        "number": HER_CONTRACT, "title": "故事一合同", "customer_id": customer["id"],
        "amount": HER_CONTRACT_AMOUNT, "signed_on": date.today().isoformat(),
        "status": "active", "owner_id": rep.get("/me")["id"]})


@pytest.fixture
def refused_page(context: BrowserContext) -> Iterator[Page]:
    """A page on which the refusals the stories provoke (403, 404) are expected: the
    browser logs each as a failed resource."""
    with watched_page(context, 403, 404) as pg:
        yield pg


# --- what a person does -------------------------------------------------------------------


def menu_to(page: Page, entry: str, obj: str) -> None:
    """Opens a list from the side menu, as a person would, and waits for its rows."""
    page.get_by_test_id("side-menu").get_by_text(entry, exact=True).click()
    list_loaded(page, obj)


def switch_language(page: Page, name: str) -> None:
    """Through the header's language menu (简体中文 / English)."""
    page.get_by_test_id("language-switch").click()
    page.locator(".ant-dropdown-menu-item", has_text=name).click()
    expect(page.get_by_test_id("language-switch")).to_contain_text(name)
    expect(page.locator(".ant-dropdown:not(.ant-dropdown-hidden)")).to_have_count(0)


def shown_total(page: Page) -> int:
    return int(page.locator("[data-total]").get_attribute("data-total") or -1)


def api_total(client: Client, plural: str, query: str = "") -> int:
    return int(client.get(f"/{plural}?limit=1&total=true{query}")["total"])


def shown_ids(page: Page, title_column: str) -> list[int]:
    links = page.locator(f"tbody td[data-column={title_column}] a").all()
    return [int(str(a.get_attribute("href")).rsplit("/", 1)[-1]) for a in links]


def all_rows(page: Page) -> None:
    """The longest page the list offers (100), so that every row of a small list shows."""
    page.locator(".ant-select:has([aria-label='每页条数'], [aria-label='Rows per page'])").click()
    page.locator(".ant-select-item-option", has_text=re.compile(r"^100\b")).click()
    expect(page.locator(".ant-table-tbody .ant-spin-spinning")).to_have_count(0)


def open_record(page: Page, obj: str, title_column: str, record_id: int) -> None:
    page.locator(f"tbody td[data-column={title_column}] a[href$='/records/{obj}/{record_id}']"
                 ).click()
    expect(page.locator(f"[data-record='{record_id}']")).to_be_visible()


def edit_drawer(page: Page) -> Any:
    drawer = page.locator(".ant-drawer-content")
    expect(drawer).to_be_visible()
    return drawer


def save(page: Page, drawer: Any, obj: str, record_id: int) -> None:
    """Save; the form closes and the record's page shows again (no question asked)."""
    drawer.get_by_role("button", name=re.compile("保 ?存|Save")).click()
    expect(drawer).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/records/{obj}/{record_id}$"))
    expect(page.locator(".ant-modal-confirm")).to_have_count(0)


def descriptions(page: Page) -> Any:
    return page.locator(".ant-descriptions")


# --- story 1: the sales rep ---------------------------------------------------------------


def test_story_1_hanmeimei_sees_and_edits_only_her_customers(
        refused_page: Page, api: dict[str, Client], her_contract: dict[str, Any]) -> None:
    page, rep, admin = refused_page, api["hanmeimei"], api["wangfang"]
    me = rep.get("/me")
    sign_in(page, "hanmeimei")

    # her customers, and only hers: the same rows and total as the API gives her
    menu_to(page, "客户", "customer")
    assert shown_total(page) == api_total(rep, "customers") > 0
    assert shown_total(page) == api_total(admin, "customers", f"&owner_id={me['id']}")
    assert set(column_texts(page, "owner_id")) == {me["display_name"]}
    first_page = [c["id"] for c in rep.get("/customers?limit=20")["items"]]
    assert shown_ids(page, "name") == first_page
    expect(page.locator("[data-action=export]")).to_have_count(0)
    expect(page.locator("[data-action=import]")).to_have_count(0)
    screenshot(page, "story1-01-customers-hanmeimei")

    # one of them: she may edit it, not delete, transfer or export it
    customer_id = first_page[0]
    before = rep.get(f"/customers/{customer_id}")
    open_record(page, "customer", "name", customer_id)
    expect(page.locator("[data-action=edit]")).to_be_visible()
    expect(page.locator("[data-action=delete]")).to_have_count(0)
    expect(page.locator("[data-action=transfer]")).to_have_count(0)
    screenshot(page, "story1-02-customer-hanmeimei")

    page.locator("[data-action=edit]").click()
    expect(page).to_have_url(re.compile(rf"/records/customer/{customer_id}/edit$"))
    drawer = edit_drawer(page)
    address = "杭州市西湖区文三路 90 号"
    drawer.get_by_label("地址").fill(address)
    screenshot(page, "story1-03-customer-edit-hanmeimei")
    save(page, drawer, "customer", customer_id)
    expect(descriptions(page)).to_contain_text(address)
    after = rep.get(f"/customers/{customer_id}")
    assert after["address"] == address
    assert after["version"] == before["version"] + 1
    screenshot(page, "story1-04-customer-saved-hanmeimei")

    # her own contract: its amount is absent from the list, its page and the columns offered
    menu_to(page, "合同", "contract")
    assert "amount" not in header_keys(page)
    open_record(page, "contract", "number", her_contract["id"])
    expect(descriptions(page)).to_contain_text(HER_CONTRACT)
    expect(descriptions(page)).not_to_contain_text("合同金额")
    expect(descriptions(page)).not_to_contain_text("246,810")
    assert "amount" not in rep.get(f"/contracts/{her_contract['id']}")
    screenshot(page, "story1-05-contract-hanmeimei")

    # zhangwei's customer, by its address: not found or not hers to see, in words
    zhangwei = admin.user("zhangwei")
    theirs = admin.get(f"/customers?owner_id={zhangwei['id']}&limit=1")["items"][0]["id"]
    page.goto(f"/records/customer/{theirs}")
    refusal = page.get_by_test_id("record-not-found")
    expect(refusal).to_contain_text("找不到此记录，或您无权查看")
    expect(refusal).to_contain_text("该客户不存在，或您无权查看。")
    screenshot(page, "story1-06-zhangwei-customer-hanmeimei")
    switch_language(page, "English")
    expect(refusal).to_contain_text("Not found, or not yours to see")
    expect(refusal).to_contain_text("This customer does not exist, or you may not view it.")
    screenshot(page, "story1-06-zhangwei-customer-hanmeimei-en")
    refusal.get_by_role("link", name="Back to Customers").click()
    list_loaded(page, "customer")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(page).to_have_title("Customers · Vouch CRM")
    screenshot(page, "story1-07-customers-hanmeimei-en")


# --- story 2: the sales manager -----------------------------------------------------------


def test_story_2_lilei_sees_his_team_edits_plans_and_tasks(
        page: Page, api: dict[str, Client]) -> None:
    manager, admin = api["lilei"], api["wangfang"]
    team = {u: admin.user(u) for u in ("lilei", *REPS)}
    team_ids = ",".join(str(u["id"]) for u in team.values())
    sign_in(page, "lilei")

    # no system settings, users or roles in his menu (his reviews of story 9 are there)
    menu = page.get_by_test_id("side-menu")
    expect(menu).to_contain_text("销售计划")
    for screen in ("组织架构", "角色与权限", "角色分配", "审批流程", "共享与限制规则"):
        expect(menu).not_to_contain_text(screen)

    # every customer and opportunity of his three reps
    for entry, obj, plural, title in (("客户", "customer", "customers", "name"),
                                      ("商机", "opportunity", "opportunities", "name")):
        menu_to(page, entry, obj)
        assert shown_total(page) == api_total(manager, plural)
        assert shown_total(page) == api_total(admin, plural, f"&owner_id__in={team_ids}")
        all_rows(page)
        owners = set(column_texts(page, "owner_id"))
        assert {team[u]["display_name"] for u in REPS} <= owners, owners
        screenshot(page, f"story2-01-{plural}-lilei")
        assert len(shown_ids(page, title)) == min(shown_total(page), 100)

    # a sales plan of liuyang's: a new target
    plan = next(p for p in manager.get("/sales-plans")["items"]
                if p["owner_id"] == team["liuyang"]["id"])
    menu_to(page, "销售计划", "sales_plan")
    open_record(page, "sales_plan", "title", plan["id"])
    page.locator("[data-action=edit]").click()
    drawer = edit_drawer(page)
    drawer.get_by_label("目标金额").fill("4200000")
    screenshot(page, "story2-02-sales-plan-edit-lilei")
    save(page, drawer, "sales_plan", plan["id"])
    expect(descriptions(page)).to_contain_text("¥4,200,000.00")
    saved = manager.get(f"/sales-plans/{plan['id']}")
    assert (saved["target_amount"], saved["version"]) == ("4200000.00", plan["version"] + 1)
    screenshot(page, "story2-03-sales-plan-saved-lilei")

    # an open task of zhangwei's: done
    task = next(t for t in manager.get("/tasks?status__in=open")["items"]
                if t["owner_id"] == team["zhangwei"]["id"])
    menu_to(page, "任务", "task")
    open_record(page, "task", "title", task["id"])
    page.locator("[data-action=edit]").click()
    drawer = edit_drawer(page)
    drawer.locator(".ant-select:has(#record-task_status)").click()
    page.locator(".ant-select-item-option", has_text="已完成").click()
    expect(page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)")).to_have_count(0)
    screenshot(page, "story2-04-task-edit-lilei")
    save(page, drawer, "task", task["id"])
    expect(descriptions(page)).to_contain_text("已完成")
    saved = manager.get(f"/tasks/{task['id']}")
    assert (saved["status"], saved["version"]) == ("done", task["version"] + 1)

    # the administration screens, by their addresses: which permission they need
    page.goto("/admin/workflow")  # the approval workflow's settings
    expect(page.get_by_test_id("forbidden")).to_contain_text("“系统设置”")
    screenshot(page, "story2-05-admin-settings-lilei")
    page.goto("/admin/org")
    expect(page.get_by_test_id("forbidden")).to_contain_text("无权访问此页")
    expect(page.get_by_test_id("forbidden")).to_contain_text("“用户管理”或“查看审计日志”")
    screenshot(page, "story2-05-admin-org-lilei")
    page.goto("/admin/roles")
    expect(page.get_by_test_id("forbidden")).to_contain_text("“角色管理”")
    switch_language(page, "English")
    expect(page.get_by_test_id("forbidden")).to_contain_text(
        "This page needs the system permission “Manage roles” or “View the audit log”.")
    screenshot(page, "story2-05-admin-roles-lilei-en")


# --- story 3: finance ---------------------------------------------------------------------


def test_story_3_zhaomin_sees_amounts_and_payments_but_cannot_edit_customers(
        page: Page, api: dict[str, Client], her_contract: dict[str, Any]) -> None:
    finance, admin = api["zhaomin"], api["wangfang"]
    sign_in(page, "zhaomin")

    # every contract, each with its amount
    menu_to(page, "合同", "contract")
    assert shown_total(page) == api_total(finance, "contracts") == api_total(admin, "contracts")
    assert "amount" in header_keys(page)
    amounts = column_texts(page, "amount")
    assert amounts and all(re.fullmatch(r"¥[\d,]+\.\d\d", a) for a in amounts), amounts
    screenshot(page, "story3-01-contracts-zhaomin")

    # every payment, each with its amount
    menu_to(page, "回款", "payment")
    assert shown_total(page) == api_total(finance, "payments") == api_total(admin, "payments")
    assert "amount" in header_keys(page)
    amounts = column_texts(page, "amount")
    assert amounts and all(re.fullmatch(r"¥[\d,]+\.\d\d", a) for a in amounts), amounts
    screenshot(page, "story3-02-payments-zhaomin")

    # hanmeimei's contract: the amount she cannot see, zhaomin can
    page.goto(f"/records/contract/{her_contract['id']}")
    expect(descriptions(page)).to_contain_text("合同金额")
    expect(descriptions(page)).to_contain_text("¥246,810.00")

    # a paid contract: its payments, with their amounts, on its page
    paid = admin.get("/payments?limit=1")["items"][0]
    contract_id = paid["contract_id"]["id"]
    page.goto(f"/records/contract/{contract_id}")
    related = page.locator(".ant-card", has_text="相关记录")
    expect(related.get_by_role("tab", name="回款")).to_be_visible()
    payments = admin.get(f"/payments?contract_id={contract_id}&limit=5")["items"]
    expect(related.locator("tbody td[data-column=amount]")).to_have_count(len(payments))
    expect(related.locator("tbody td[data-column=amount]").first).to_have_text(
        re.compile(r"^¥[\d,]+\.\d\d$"))
    screenshot(page, "story3-03-contract-payments-zhaomin")

    # customers: read only, no edit offered anywhere
    menu_to(page, "客户", "customer")
    expect(page.locator("[data-action=edit]")).to_have_count(0)
    expect(page.locator("[data-action=create]")).to_have_count(0)
    customer_id = shown_ids(page, "name")[0]
    open_record(page, "customer", "name", customer_id)
    expect(page.locator("[data-action=edit]")).to_have_count(0)
    expect(page.get_by_text("只读", exact=True)).to_be_visible()
    screenshot(page, "story3-04-customer-zhaomin")

    # the edit form's address, typed in: refused, naming the action
    page.goto(f"/records/customer/{customer_id}/edit")
    refusal = page.get_by_test_id("edit-forbidden")
    expect(refusal).to_contain_text("无权编辑")
    expect(refusal).to_contain_text(f"没有编辑这条客户记录（#{customer_id}）的权限")
    expect(page.locator(".ant-drawer-content")).to_have_count(0)
    screenshot(page, "story3-05-customer-edit-refused-zhaomin")
    switch_language(page, "English")
    expect(refusal).to_contain_text("Not allowed to edit")
    expect(refusal).to_contain_text(f"You are not allowed to edit this customer (#{customer_id}).")
    screenshot(page, "story3-05-customer-edit-refused-zhaomin-en")
    refusal.get_by_role("link", name="Back to the record").click()
    expect(page).to_have_url(re.compile(rf"/records/customer/{customer_id}$"))
    expect(page.get_by_text("Read only", exact=True)).to_be_visible()


# --- unsaved changes ----------------------------------------------------------------------


def unsaved_question(page: Page) -> Any:
    """The one question about unsaved changes (asked once, not once per attempt)."""
    question = page.locator(".ant-modal-confirm")
    expect(question).to_be_visible()
    expect(question).to_have_count(1)
    expect(question).to_contain_text("放弃未保存的修改？")
    return question


def answer(page: Page, button: str) -> None:
    unsaved_question(page).get_by_role("button", name=button).click()
    expect(page.locator(".ant-modal-confirm")).to_have_count(0)


def test_leaving_a_form_with_unsaved_changes_asks_first(page: Page) -> None:
    sign_in(page, "hanmeimei")
    menu_to(page, "客户", "customer")
    customer_id = shown_ids(page, "name")[0]
    open_record(page, "customer", "name", customer_id)
    page.locator("[data-action=edit]").click()
    drawer = edit_drawer(page)
    expect(drawer.get_by_test_id("unsaved")).to_have_count(0)
    drawer.get_by_label("备注").fill("还没保存的备注")
    expect(drawer.get_by_test_id("unsaved")).to_have_text("未保存")  # said in the title

    # a click beside the form: asked, and staying keeps what was typed
    page.mouse.click(200, 400)
    unsaved_question(page)
    screenshot(page, "guard-01-leave-unsaved-hanmeimei")
    answer(page, "继续编辑")
    expect(page).to_have_url(re.compile(rf"/records/customer/{customer_id}/edit$"))
    expect(drawer.get_by_label("备注")).to_have_value("还没保存的备注")

    # the form's own Cancel: asked too
    drawer.get_by_role("button", name=re.compile("取 ?消")).click()
    answer(page, "继续编辑")
    expect(drawer).to_be_visible()

    # the browser's Back: asked; discarding leaves the form, the record unchanged
    page.go_back()
    answer(page, "放弃修改")
    expect(drawer).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/records/customer/{customer_id}$"))
    expect(descriptions(page)).not_to_contain_text("还没保存的备注")

    # a new customer begun on the list, then the browser's Back (to the record): asked,
    # and discarded
    menu_to(page, "客户", "customer")
    page.locator("[data-action=create]").click()
    drawer = edit_drawer(page)
    drawer.get_by_label("客户名称").fill("尚未保存的客户")
    page.go_back()
    answer(page, "放弃修改")
    expect(page).to_have_url(re.compile(rf"/records/customer/{customer_id}$"))
    assert "尚未保存的客户" not in {c["name"] for c in api_get(page, "/customers",
                                                               q="尚未保存", limit=5)["items"]}

    # an untouched form asks nothing
    menu_to(page, "客户", "customer")
    page.locator("[data-action=create]").click()
    edit_drawer(page)
    page.keyboard.press("Escape")
    expect(page.locator(".ant-drawer-content")).to_have_count(0)
    expect(page.locator(".ant-modal-confirm")).to_have_count(0)

    # closing the tab with changes: the browser's own question
    page.locator("[data-action=create]").click()
    drawer = edit_drawer(page)
    drawer.get_by_label("客户名称").fill("尚未保存的客户")
    expect(drawer.get_by_test_id("unsaved")).to_be_visible()
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    dialog: Dialog = asked.value
    assert dialog.type == "beforeunload"
    dialog.dismiss()  # stay


# --- English ------------------------------------------------------------------------------


@pytest.mark.locale("en-US")
def test_english_names_lists_in_the_plural(page: Page) -> None:
    sign_in(page, "lilei")
    menu = page.get_by_test_id("side-menu")
    for name in ("Customers", "Contacts", "Opportunities", "Contracts", "Payments",
                 "Service records", "Activities", "Tasks", "Sales plans"):
        expect(menu.get_by_text(name, exact=True)).to_be_visible()
    menu_to(page, "Sales plans", "sales_plan")
    expect(page.get_by_role("heading", name="Sales plans")).to_be_visible()
    expect(page).to_have_title("Sales plans · Vouch CRM")
    expect(page.locator("[data-action=create]")).to_have_text(re.compile("New sales plan"))
    page.locator("tbody td[data-column=title] a").first.click()
    expect(page.locator(".ant-breadcrumb")).to_contain_text("Sales plans")
    screenshot(page, "story2-06-sales-plan-lilei-en")
