"""The administration screens in a browser: story 4 of SCENARIOS.md done by wangfang
through the role editor and the assignments (and zhangwei's next request follows it),
the organisation (department tree, users created, moved, deactivated with a successor,
reactivated), refusals said in words (a department or role still in use, a stale version,
a value refused on its field), and who sees the Administration menu."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Client, screenshot, sign_in
from tests.test_serve import Server

pytestmark = pytest.mark.browser

KAM_KEY = "key_account_manager"
KAM_NAME = "大客户经理"


def customer_scopes(client: Client) -> dict[str, list[str]]:
    """The customer scopes the catalog gives this user (what their next page is built from)."""
    catalog = client.get("/catalog")
    scopes: dict[str, list[str]] = next(
        o for o in catalog["objects"] if o["name"] == "customer")["scopes"]
    return scopes


@pytest.fixture
def refusing_page(context: BrowserContext) -> Iterator[Page]:
    """Like `page`, except that refusals the test provokes (409, 422) are expected: the
    browser logs each as a failed resource."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not re.search(r"\b(401|409|422)\b", msg.text) else None)
    yield pg
    assert not problems, "\n".join(problems)


# --- driving Ant Design's controls ------------------------------------------------------------


def open_dropdown(page: Page, control: Locator) -> Locator:
    control.locator(".ant-select-selector").click()
    dropdown = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").last
    expect(dropdown).to_be_visible()
    return dropdown


def choose(page: Page, testid: str, option: str) -> None:
    """Picks the option titled `option` of the select marked `testid`."""
    control = page.get_by_test_id(testid)
    dropdown = open_dropdown(page, control)
    dropdown.locator(f".ant-select-item-option[title='{option}']").click()
    expect(dropdown).to_be_hidden()


def search_and_choose(page: Page, control: Locator, text: str, option: str) -> None:
    """Types into a searchable select (users, departments) and picks the matching option."""
    open_dropdown(page, control)
    control.locator("input").fill(text)
    dropdown = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").last
    dropdown.locator(f"[title='{option}']").first.click()


def confirm(page: Page, reason: str) -> None:
    """The open change dialog: its reason, then OK."""
    dialog = page.locator(".ant-modal-content").last
    dialog.get_by_test_id("reason").fill(reason)
    dialog.get_by_test_id("change-ok").click()


def dialog_gone(page: Page) -> None:
    expect(page.locator(".ant-modal-content")).to_have_count(0)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=re.compile(name)).click()


# --- story 4 ----------------------------------------------------------------------------------


def test_story_4_wangfang_creates_assigns_and_narrows_a_role(page: Page, server: Server) -> None:
    admin, zhangwei, auditor = (Client(server, u) for u in ("wangfang", "zhangwei", "sunli"))
    assert customer_scopes(zhangwei)["edit"] == ["own"]

    sign_in(page, "wangfang")
    menu = page.get_by_test_id("side-menu")
    for entry in ("组织架构", "角色与权限", "角色分配"):
        expect(menu.get_by_text(entry, exact=True)).to_be_visible()
    menu.get_by_text("角色与权限", exact=True).click()
    expect(page.get_by_test_id("roles-page")).to_be_visible()
    expect(page.locator("tr[data-role=sales_rep]")).to_be_visible()

    # the new role: basics, then view and edit on customers in the department tree and
    # read on contract amounts
    page.get_by_test_id("new-role").click()
    expect(page.get_by_test_id("role-basics")).to_be_visible()
    page.get_by_test_id("role-key").fill(KAM_KEY)
    page.get_by_test_id("role-name").fill(KAM_NAME)
    page.get_by_test_id("role-name-en").fill("Key account manager")
    open_tab(page, "对象权限")
    choose(page, "grant-customer-view", "本部门及下级部门")
    choose(page, "grant-customer-edit", "本部门及下级部门")
    edit_cell = page.get_by_test_id("grant-customer-edit")
    expect(edit_cell).to_have_attribute("data-scope", "department_tree")
    open_tab(page, "字段权限")
    page.get_by_test_id("field-object").get_by_text("合同", exact=True).click()
    choose(page, "field-contract-amount", "只读")
    expect(page.get_by_test_id("effective-contract-amount")).to_have_text("只读")
    page.wait_for_timeout(400)  # the tab's ink bar has arrived
    screenshot(page, "admin-role-editor-fields-zh", full_page=True)
    open_tab(page, "对象权限")
    page.wait_for_timeout(400)
    screenshot(page, "admin-role-editor-zh")

    page.get_by_test_id("save-role").click()
    changes = page.get_by_test_id("role-changes")
    expect(changes).to_contain_text("客户 · 编辑：无 → 本部门及下级部门")
    expect(changes).to_contain_text("合同 · 合同金额：随敏感级别 → 只读")
    confirm(page, "故事 4：大客户经理负责本部门及下级部门的重点客户")
    dialog_gone(page)
    expect(page).to_have_url(re.compile(r"/admin/roles/\d+$"))
    expect(page.get_by_test_id("role-title")).to_have_text(KAM_NAME)

    role = admin.role(KAM_KEY)
    assert {(g["object"], g["action"], g["scope"]) for g in role["grants"]} == {
        ("customer", "view", "department_tree"), ("customer", "edit", "department_tree")}
    assert role["field_rules"] == [{"object": "contract", "field": "amount", "sensitivity": None,
                                    "level": "read"}]

    # assigned to zhangwei from the role's holders
    open_tab(page, "持有人")
    page.get_by_test_id("add-assignment").click()
    dialog = page.get_by_test_id("add-assignment-dialog")
    search_and_choose(page, dialog.get_by_test_id("assignment-user"), "zhangwei", "张伟 (zhangwei)")
    confirm(page, "张伟负责华东二组的重点客户")
    dialog_gone(page)
    expect(page.locator("tr[data-username=zhangwei]")).to_be_visible()
    assert customer_scopes(zhangwei)["edit"] == ["department_tree", "own"]

    # then edit is taken away again
    open_tab(page, "对象权限")
    choose(page, "grant-customer-edit", "无")
    page.get_by_test_id("save-role").click()
    expect(page.get_by_test_id("role-changes")).to_contain_text(
        "客户 · 编辑：本部门及下级部门 → 无")
    confirm(page, "大客户经理只需查看，不再编辑")
    dialog_gone(page)
    expect(page.get_by_test_id("role-editor")).to_have_attribute("data-version", "2")
    expect(page.get_by_test_id("grant-customer-edit")).to_have_attribute("data-scope", "none")

    # zhangwei's next request follows the change: edit only on his own customers again
    scopes = customer_scopes(zhangwei)
    assert scopes["edit"] == ["own"]
    assert scopes["view"] == ["department_tree", "own"]
    # and the audit log has both changes with their reasons
    events = auditor.get(f"/audit/events?object=role&record={role['id']}")["items"]
    reasons = {e["action"]: e["reason"] for e in events}
    assert reasons["access.role_created"].startswith("故事 4")
    assert reasons["access.role_updated"] == "大客户经理只需查看，不再编辑"


# --- the role editor: English, refusals ---------------------------------------------------------


@pytest.mark.locale("en")
def test_role_editor_in_english_and_a_held_role_is_not_deleted(refusing_page: Page,
                                                               server: Server) -> None:
    page = refusing_page
    admin = Client(server, "wangfang")
    rep = admin.role("sales_rep")
    sign_in(page, "wangfang")
    page.goto(f"/admin/roles/{rep['id']}")
    expect(page.get_by_test_id("role-title")).to_have_text("Sales representative")
    expect(page.get_by_test_id("grant-customer-view")).to_have_attribute("data-scope", "own")
    expect(page.get_by_test_id("grant-customer-delete")).to_have_attribute("data-scope", "none")
    expect(page.get_by_test_id("grant-customer-create")).to_contain_text("Allowed")
    expect(page.get_by_role("columnheader", name="Transfer")).to_be_visible()
    screenshot(page, "admin-role-editor-en")
    open_tab(page, "Field permissions")
    financial = page.get_by_test_id("class-customer-financial")
    expect(financial).to_have_attribute("data-level", "masked")
    expect(page.get_by_test_id("class-contract-contract")).to_contain_text("Default (Hidden)")
    page.wait_for_timeout(400)
    screenshot(page, "admin-role-editor-fields-en", full_page=True)
    open_tab(page, "System permissions")
    expect(page.get_by_test_id("system-permissions")).to_contain_text("Approve access requests")

    page.get_by_test_id("delete-role").click()
    confirm(page, "trying to delete a role in use")
    problem = page.get_by_test_id("change-problem")
    expect(problem).to_contain_text(re.compile(r"\d+ people still hold this role"))
    assert admin.role("sales_rep")["version"] == rep["version"]


def test_a_stale_role_is_said_and_reloaded(refusing_page: Page, server: Server) -> None:
    page = refusing_page
    admin = Client(server, "wangfang")
    support = admin.role("support")
    sign_in(page, "wangfang")
    page.goto(f"/admin/roles/{support['id']}")
    choose(page, "grant-service_record-export", "全部")
    # meanwhile someone else changes the role
    admin.call("PATCH", f"/roles/{support['id']}", {
        "description": "changed in another window", "reason": "a concurrent change",
        "version": support["version"]})
    page.get_by_test_id("save-role").click()
    confirm(page, "客服需要导出服务记录")
    problem = page.get_by_test_id("change-problem")
    expect(problem).to_contain_text("已被他人修改")
    problem.get_by_role("button", name="重新加载").click()
    dialog_gone(page)
    editor = page.get_by_test_id("role-editor")
    expect(editor).to_have_attribute("data-version", str(support["version"] + 1))
    export = page.get_by_test_id("grant-service_record-export")
    expect(export).to_have_attribute("data-scope", "none")
    assert not any(g["action"] == "export" for g in admin.role("support")["grants"])


# --- organisation ----------------------------------------------------------------------------


def owned(client: Client, user_id: int) -> int:
    return int(client.get(f"/customers?owner_id={user_id}&limit=1&total=true")["total"])


def select_department(page: Page, name: str) -> None:
    page.get_by_test_id("department-tree").locator(f"[data-name='{name}']").click()


def test_organisation_tree_users_move_deactivate_reactivate(refusing_page: Page,
                                                            server: Server) -> None:
    page = refusing_page
    admin = Client(server, "wangfang")
    sign_in(page, "wangfang")
    page.get_by_test_id("side-menu").get_by_text("组织架构", exact=True).click()
    tree = page.get_by_test_id("department-tree")
    for name in ("总部", "销售部", "华东一组", "华东二组", "华南组", "财务部", "客服部",
                 "信息技术部"):
        expect(tree.locator(f"[data-name='{name}']")).to_be_visible()
    select_department(page, "华东二组")
    expect(page.locator("tr[data-username=zhangwei]")).to_be_visible()
    select_department(page, "销售部")
    expect(page.locator("tr[data-username=lilei]")).to_be_visible()
    page.mouse.move(1200, 700)
    screenshot(page, "admin-org-zh")

    # a department that is not empty is refused, saying why
    page.get_by_test_id("delete-department").click()
    confirm(page, "试一试")
    expect(page.get_by_test_id("change-problem")).to_contain_text(
        "此部门不为空：1 名用户、3 个下级部门")
    page.locator(".ant-modal-content").last.get_by_role("button", name="取 消").click()
    dialog_gone(page)

    # a new department under Sales, and a new user in it
    page.get_by_test_id("new-department").click()
    page.get_by_test_id("dept-name").fill("大客户组")
    page.get_by_test_id("dept-name-en").fill("Key accounts")
    expect(page.get_by_test_id("dept-parent")).to_contain_text("销售部")
    confirm(page, "成立大客户组")
    dialog_gone(page)
    expect(tree.locator("[data-name='大客户组']")).to_be_visible()
    page.get_by_test_id("new-user").click()
    page.get_by_test_id("user-username").fill("Wu Qiang")  # refused by the server: on its field
    page.get_by_test_id("user-display-name").fill("吴强")
    page.get_by_test_id("user-email").fill("wuqiang@huadong-trading.cn")
    page.get_by_test_id("user-password").fill("a-long-enough-password")
    search_and_choose(page, page.get_by_test_id("user-manager"), "lilei", "李雷 (lilei)")
    confirm(page, "新同事入职")
    username_item = page.locator(".ant-form-item").filter(has=page.get_by_test_id("user-username"))
    expect(username_item.locator(".ant-form-item-explain-error")).to_contain_text("小写字母")
    page.get_by_test_id("user-username").fill("wuqiang")
    page.locator(".ant-modal-content").last.get_by_test_id("change-ok").click()
    dialog_gone(page)
    expect(page.locator("tr[data-username=wuqiang]")).to_be_visible()
    wuqiang = admin.user("wuqiang")
    assert wuqiang["department"]["name"] == "大客户组"
    assert wuqiang["manager_id"] == admin.user("lilei")["id"] and wuqiang["has_password"]

    # liuyang moves to the new department, his records with him
    liuyang = admin.user("liuyang")
    select_department(page, "华南组")
    page.locator("tr[data-username=liuyang]").locator("[data-action=move]").click()
    search_and_choose(page, page.get_by_test_id("move-department"), "大客户", "大客户组")
    confirm(page, "调入大客户组")
    dialog_gone(page)
    expect(page.locator(".ant-message")).to_contain_text("刘洋 已调动")
    moved = admin.user("liuyang")
    assert moved["department"]["name"] == "大客户组" and moved["version"] == liuyang["version"] + 1

    # then leaves: deactivated, his records pass to lilei
    lilei_id = admin.user("lilei")["id"]
    liuyang_before, lilei_before = owned(admin, liuyang["id"]), owned(admin, lilei_id)
    assert liuyang_before > 0
    select_department(page, "大客户组")
    page.locator("tr[data-username=liuyang]").locator("[data-action=deactivate]").click()
    dialog = page.get_by_test_id("deactivate-dialog")
    expect(dialog).to_contain_text("所有登录会话和 API 令牌立即失效")
    expect(dialog.get_by_test_id("successor")).to_contain_text("李雷 (lilei)")  # his manager
    confirm(page, "刘洋离职")
    # what the deactivation did, shown until closed
    summary = page.get_by_test_id("deactivation-summary")
    expect(summary.get_by_test_id("summary-successor")).to_contain_text("李雷")
    page.get_by_test_id("summary-close").click()
    dialog_gone(page)
    expect(page.locator(".ant-message")).to_contain_text("转给 lilei")
    assert not admin.user("liuyang")["active"]
    assert owned(admin, liuyang["id"]) == 0
    assert owned(admin, lilei_id) == lilei_before + liuyang_before
    expect(page.locator("tr[data-username=liuyang]")).to_have_count(0)

    # and comes back, with no roles
    page.get_by_role("switch", name="显示已停用的用户").click()
    page.locator("tr[data-username=liuyang]").locator("[data-action=reactivate]").click()
    expect(page.get_by_test_id("reactivate-dialog")).to_contain_text("没有任何角色")
    confirm(page, "刘洋返聘")
    dialog_gone(page)
    back = admin.user("liuyang")
    assert back["active"]
    assert admin.get(f"/assignments?user={back['id']}&active=true")["items"] == []

    # the empty department can go
    page.get_by_role("switch", name="显示已停用的用户").click()
    page.locator("tr[data-username=liuyang]").locator("[data-action=move]").click()
    search_and_choose(page, page.get_by_test_id("move-department"), "华南", "华南组")
    confirm(page, "回到华南组")
    dialog_gone(page)
    page.locator("tr[data-username=wuqiang]").locator("[data-action=move]").click()
    search_and_choose(page, page.get_by_test_id("move-department"), "华南", "华南组")
    confirm(page, "大客户组撤销")
    dialog_gone(page)
    page.get_by_test_id("delete-department").click()
    confirm(page, "大客户组撤销")
    dialog_gone(page)
    expect(tree.locator("[data-name='大客户组']")).to_have_count(0)
    assert "大客户组" not in {d["name"] for d in admin.get("/departments")["items"]}


@pytest.mark.locale("en")
def test_organisation_and_assignments_in_english(page: Page, server: Server) -> None:
    sign_in(page, "wangfang")
    page.goto("/admin/org")
    expect(page.get_by_test_id("department-tree")).to_contain_text("East 2")
    select_department(page, "华东一组")
    expect(page.get_by_role("columnheader", name="Manager")).to_be_visible()
    row = page.locator("tr[data-username=hanmeimei]")
    expect(row).to_contain_text("李雷")
    page.mouse.move(1200, 700)
    screenshot(page, "admin-org-en")
    row.locator("[data-action=open]").click()
    drawer = page.get_by_test_id("user-drawer")
    expect(drawer).to_contain_text("HQ / Sales / East 1")
    expect(drawer.locator("tr[data-role=sales_rep]")).to_be_visible()
    screenshot(page, "admin-user-drawer-en")
    page.keyboard.press("Escape")

    # an assignment that ends in three days is marked
    admin = Client(server, "wangfang")
    support = admin.role("support")
    admin.call("POST", "/assignments", {
        "user_id": admin.user("zhaomin")["id"],
        "role_id": support["id"], "expires_at": "2099-01-01T00:00:00Z", "reason": "cover"})
    page.goto(f"/admin/assignments?role={support['id']}")
    row = page.locator("tr[data-username=zhaomin]")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("ends-soon")).to_have_count(0)
    row.locator("[data-action=expiry]").click()
    dialog = page.get_by_test_id("expiry-dialog")
    dialog.locator("input[placeholder='No end']").click()
    page.locator(".ant-picker-presets").get_by_text("In 7 days").click()
    expect(page.locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)")).to_have_count(0)
    confirm(page, "cover for one week")
    dialog_gone(page)
    expect(row.get_by_test_id("ends-soon")).to_have_text("Ends soon")
    screenshot(page, "admin-assignments-en")
    row.locator("[data-action=remove]").click()
    confirm(page, "cover no longer needed")
    dialog_gone(page)
    expect(row).to_have_count(0)

    # on a narrow laptop window the matrix scrolls inside its card; the page does not
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(f"/admin/roles/{support['id']}")
    expect(page.get_by_test_id("grant-customer-view")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screenshot(page, "admin-role-editor-narrow-en")


def test_administration_menu_follows_system_permissions(page: Page) -> None:
    sign_in(page, "hanmeimei")
    menu = page.get_by_test_id("side-menu")
    expect(menu).to_contain_text("客户")
    expect(menu).not_to_contain_text("组织架构")
    expect(menu).not_to_contain_text("角色与权限")
    page.get_by_test_id("user-menu").click()
    page.get_by_text("退出登录").click()

    # the auditor reads the configuration but is offered no change
    sign_in(page, "sunli")
    menu.get_by_text("角色与权限", exact=True).click()
    expect(page.locator("tr[data-role=sales_rep]")).to_be_visible()
    expect(page.get_by_test_id("new-role")).to_have_count(0)
    page.get_by_test_id("role-link-sales_rep").click()
    expect(page.get_by_test_id("grant-customer-view")).to_have_attribute("data-scope", "own")
    expect(page.get_by_test_id("save-role")).to_have_count(0)
    expect(page.get_by_test_id("grant-customer-view")).to_have_class(re.compile("ant-select-disabled"))
    menu.get_by_text("组织架构", exact=True).click()
    expect(page.get_by_test_id("department-tree")).to_be_visible()
    expect(page.get_by_test_id("new-user")).to_have_count(0)
    expect(page.get_by_test_id("new-department")).to_have_count(0)
