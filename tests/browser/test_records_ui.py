"""The catalog-driven record screens in a browser, as the demo's users see them (SCENARIOS
stories 1 and 3): what each user is shown follows their permissions — rows, columns,
masks and buttons — and an edit that lost a race shows what changed and reloads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    API,
    api_get,
    api_patch,
    column_texts,
    header_keys,
    open_list,
    screenshot,
    sign_in,
)


@pytest.fixture
def racing_page(context: BrowserContext) -> Iterator[Page]:
    """Like `page`, except that the one refused request the test provokes (409) is
    expected: the browser logs it as a failed resource."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not re.search(r"\b(401|409)\b", msg.text) else None)
    yield pg
    assert not problems, "\n".join(problems)


def test_sales_rep_sees_only_her_customers_without_delete_or_export(page: Page) -> None:
    sign_in(page, "hanmeimei")
    open_list(page, "customer")
    me = api_get(page, "/me")
    owners = column_texts(page, "owner_id")
    assert owners, "hanmeimei sees some customers"
    assert set(owners) == {me["display_name"]}
    mine = api_get(page, "/customers", limit=1, total="true")["total"]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(mine))
    expect(page.locator("[data-action=export]")).to_have_count(0)
    expect(page.locator("[data-action=import]")).to_have_count(0)
    screenshot(page, "records-customers-hanmeimei")

    page.locator("tbody td[data-column=name] a").first.click()
    expect(page.locator("[data-record]")).to_be_visible()
    expect(page.locator("[data-action=edit]")).to_be_visible()
    expect(page.locator("[data-action=delete]")).to_have_count(0)
    expect(page.locator("[data-action=transfer]")).to_have_count(0)
    # her credit limits are masked: shown as the API's mask, marked as masked
    expect(page.locator("[data-masked=true]").first).to_contain_text("***")
    screenshot(page, "records-customer-detail-hanmeimei")


def test_sales_rep_is_not_shown_contract_amounts(page: Page) -> None:
    sign_in(page, "hanmeimei")
    open_list(page, "contract")
    keys = header_keys(page)
    assert "number" in keys
    assert "amount" not in keys
    # not even offered among the columns she may choose
    page.get_by_role("button", name=re.compile("列|Columns")).click()
    popover = page.locator(".ant-popover")
    expect(popover.locator("input[type=checkbox][value=number]")).to_have_count(1)
    expect(popover.locator("input[type=checkbox][value=amount]")).to_have_count(0)
    # nor as a sort or filter
    page.get_by_role("button", name=re.compile("添加筛选|Add filter")).click()
    expect(page.locator(".ant-dropdown-menu")).to_be_visible()
    expect(page.locator(".ant-dropdown-menu")).not_to_contain_text("合同金额")
    screenshot(page, "records-contracts-hanmeimei")


def test_finance_sees_amounts_and_is_not_offered_customer_editing(page: Page) -> None:
    sign_in(page, "zhaomin")
    open_list(page, "contract")
    assert "amount" in header_keys(page)
    amounts = column_texts(page, "amount")
    assert amounts and all(re.search(r"\d", a) and "*" not in a for a in amounts)
    expect(page.locator("[data-action=export]")).to_be_visible()
    screenshot(page, "records-contracts-zhaomin")

    open_list(page, "customer")
    expect(page.locator("[data-action=edit]")).to_have_count(0)
    expect(page.locator("[data-action=create]")).to_have_count(0)
    # phones are masked for her
    phones = page.locator("tbody td[data-column=phone] [data-masked=true]")
    expect(phones.first).to_contain_text("****")
    screenshot(page, "records-customers-zhaomin")

    page.locator("tbody td[data-column=name] a").first.click()
    expect(page.locator("[data-record]")).to_be_visible()
    expect(page.locator("[data-action=edit]")).to_have_count(0)
    expect(page.locator("[data-action=delete]")).to_have_count(0)


def test_an_edit_that_lost_a_race_shows_what_changed_and_reloads(racing_page: Page) -> None:
    page = racing_page
    sign_in(page, "hanmeimei")
    open_list(page, "customer")
    page.locator("tbody td[data-column=name] a").first.click()
    record_id = int(page.locator("[data-record]").get_attribute("data-record") or 0)
    page.locator("[data-action=edit]").click()
    drawer = page.locator(".ant-drawer-content")
    expect(drawer.get_by_label("客户名称")).to_be_visible()

    # someone else saves the record meanwhile
    current = api_get(page, f"/customers/{record_id}")
    api_patch(page, f"/customers/{record_id}",
              {"notes": "changed by someone else", "version": current["version"]})

    drawer.get_by_label("地址").fill("上海市浦东新区世纪大道 1 号")
    drawer.get_by_role("button", name=re.compile("保 ?存")).click()
    dialog = page.locator(".ant-modal-content")
    expect(dialog).to_contain_text("备注")
    expect(dialog).to_contain_text("changed by someone else")
    # only what changed is listed: not her masked credit limit, which did not
    expect(dialog.locator("tbody tr")).to_have_count(1)
    page.wait_for_timeout(400)  # the dialog's opening animation, for the screenshot
    screenshot(page, "records-conflict-hanmeimei")
    dialog.get_by_role("button", name=re.compile("重新加载")).click()
    expect(dialog).to_have_count(0)
    expect(drawer.get_by_label("备注")).to_have_value("changed by someone else")

    # after the reload the edit goes through with the new version
    drawer.get_by_label("地址").fill("上海市浦东新区世纪大道 1 号")
    drawer.get_by_role("button", name=re.compile("保 ?存")).click()
    expect(drawer).to_have_count(0)
    saved = api_get(page, f"/customers/{record_id}")
    assert saved["address"] == "上海市浦东新区世纪大道 1 号"
    assert saved["version"] == current["version"] + 2


def test_filters_sort_and_paging_send_what_is_shown(page: Page) -> None:
    sign_in(page, "zhaomin")
    open_list(page, "customer")
    everyone = int(page.locator("[data-total]").get_attribute("data-total") or 0)
    assert everyone > 20, "the demo has more than one page of customers for finance"
    first_page = column_texts(page, "name")
    page.get_by_role("button", name=re.compile("下一页|Next")).click()
    expect(page.get_by_text(re.compile("第 2 页|Page 2"))).to_be_visible()
    expect(page.locator("tbody td[data-column=name]").first).not_to_have_text(first_page[0])
    assert not set(column_texts(page, "name")) & set(first_page)
    page.get_by_role("button", name=re.compile("上一页|Previous")).click()
    expect(page.locator("tbody td[data-column=name]").first).to_have_text(first_page[0])

    page.goto("/records/customer?level__in=A&sort=name")
    expect(page.locator("[data-total]")).to_be_visible()
    levels = set(column_texts(page, "level"))
    assert levels == {"A 级"}
    expected = api_get(page, "/customers", level__in="A", total="true", limit=1)["total"]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(expected))
    names = column_texts(page, "name")
    api_names = [c["name"] for c in api_get(page, "/customers", level__in="A", sort="name",
                                            limit=20)["items"]]
    assert names == api_names
    screenshot(page, "records-customers-filtered-zhaomin")


@pytest.mark.locale("en-US")
def test_the_record_screens_speak_english(page: Page) -> None:
    sign_in(page, "zhaomin")
    open_list(page, "contract")
    expect(page.locator("thead")).to_contain_text("Amount")
    expect(page.locator("[data-action=export]")).to_contain_text("Export")
    expect(page.locator("[data-total]")).to_contain_text("records")
    screenshot(page, "records-contracts-zhaomin-en")


def test_administrator_creates_shares_transfers_exports_and_imports(
        page: Page, tmp_path: Path) -> None:
    sign_in(page, "wangfang")
    open_list(page, "customer")
    name = "浏览器测试客户有限公司"

    page.locator("[data-action=create]").click()
    drawer = page.locator(".ant-drawer-content")
    drawer.get_by_label("客户名称").fill(name)
    drawer.get_by_label("行业").click()
    page.locator(".ant-select-item-option", has_text="制造业").click()
    drawer.get_by_label("信用额度").fill("123456.7")
    drawer.get_by_role("button", name=re.compile("创 ?建")).click()
    expect(drawer).to_have_count(0)
    page.get_by_role("searchbox", name="搜索").fill(name)
    page.keyboard.press("Enter")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", "1")
    page.locator("tbody td[data-column=name] a").first.click()
    expect(page.locator(".ant-descriptions")).to_contain_text("¥123,456.70")

    # a share with a role, until a date, with a reason; then removed
    page.locator("[data-action=share]").click()
    dialog = page.locator(".ant-modal-content")
    dialog.get_by_text("角色", exact=True).click()
    dialog.get_by_label("选择角色").click()
    page.locator(".ant-select-item-option", has_text="销售经理").click()
    dialog.get_by_label("到期时间").fill("2099-01-31 18:00")
    dialog.get_by_label("到期时间").press("Enter")
    dialog.get_by_label("原因").fill("协助跟进")
    page.wait_for_timeout(400)
    screenshot(page, "records-share-wangfang")
    dialog.get_by_role("button", name=re.compile("共 ?享")).click()
    expect(dialog).to_have_count(0)
    shares = page.locator(".ant-card", has_text="手动共享")
    expect(shares.locator("tbody")).to_contain_text("销售经理")
    expect(shares.locator("tbody")).to_contain_text("2099")
    expect(shares.locator("tbody")).to_contain_text("协助跟进")
    screenshot(page, "records-customer-detail-wangfang")
    shares.get_by_role("button", name=re.compile("移 ?除")).click()
    page.locator(".ant-popconfirm").get_by_role("button", name=re.compile("移 ?除")).click()
    expect(shares.locator("tbody")).to_contain_text("尚未共享给任何人")

    # given to zhangwei
    page.locator("[data-action=transfer]").click()
    dialog = page.locator(".ant-modal-content")
    dialog.get_by_label("新负责人").click()
    page.keyboard.type("zhangwei")
    page.locator(".ant-select-item-option", has_text="张伟").click()
    dialog.get_by_role("button", name=re.compile("转 ?移")).click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".ant-descriptions")).to_contain_text("张伟")
    record_path = page.url

    # the export holds what the filtered list shows
    page.goto("/records/customer?industry__in=manufacturing")
    expect(page.locator("[data-total]")).to_be_visible()
    total = int(page.locator("[data-total]").get_attribute("data-total") or 0)
    page.locator("[data-action=export]").hover()
    with page.expect_download() as download:
        page.get_by_text("导出为 CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == total + 1  # the header, then one line per record
    assert name in "\n".join(lines)

    # an import: the dry run reports the bad row, a clean file is created
    bad = tmp_path / "bad.csv"
    bad.write_text("客户名称,行业\n导入客户甲,retail\n,no_such_industry\n", encoding="utf-8")
    page.locator("[data-action=import]").click()
    dialog = page.locator(".ant-modal-content")
    dialog.locator("input[type=file]").set_input_files(str(bad))
    dialog.get_by_role("button", name=re.compile("检查文件")).click()
    report = dialog.locator("tbody")
    expect(report).to_contain_text("行业")
    expect(report).to_contain_text("客户名称")
    # each problem in the reader's words, not the server's English
    expect(report).to_contain_text("请填写“客户名称”。")
    expect(report).to_contain_text("“行业”须为以下之一：制造业、零售")
    expect(report).not_to_contain_text("required")
    expect(dialog.get_by_role("button", name=re.compile("导入 1 行"))).to_be_disabled()
    screenshot(page, "records-import-report-wangfang")
    dialog.get_by_role("button", name=re.compile("换一个文件")).click()
    good = tmp_path / "good.csv"
    good.write_text("客户名称,行业\n导入客户甲,retail\n导入客户乙,energy\n", encoding="utf-8")
    dialog.locator("input[type=file]").set_input_files(str(good))
    dialog.get_by_role("button", name=re.compile("检查文件")).click()
    dialog.get_by_role("button", name=re.compile("导入 2 行")).click()
    expect(dialog).to_contain_text("已导入 2 条记录")
    found = api_get(page, "/customers", q="导入客户", total="true", limit=1)["total"]
    assert found == 2

    # and deleted, after a confirmation
    page.goto(record_path)
    record_id = int(page.locator("[data-record]").get_attribute("data-record") or 0)
    page.locator("[data-action=delete]").click()
    page.locator(".ant-popconfirm").get_by_role("button", name=re.compile("删 ?除")).click()
    expect(page).to_have_url(re.compile(r"/records/customer$"))
    assert page.request.get(f"{API}/customers/{record_id}").status == 404


def test_who_can_see_this_opens_the_explain_tool_for_the_record(page: Page) -> None:
    """Administrators (and auditors) reach the explain tool from any record, with the
    object and record filled in."""
    sign_in(page, "wangfang")
    open_list(page, "customer")
    page.locator("tbody td[data-column=name] a").first.click()
    expect(page.locator("[data-record]")).to_be_visible()
    record_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.locator("[data-action=who-can-see]").click()
    page.wait_for_url(re.compile(r"/access/explain\?"))
    assert "object=customer" in page.url and f"record={record_id}" in page.url
    assert "action=view" in page.url


def test_a_sales_rep_is_not_offered_who_can_see_this(page: Page) -> None:
    sign_in(page, "hanmeimei")
    open_list(page, "customer")
    page.locator("tbody td[data-column=name] a").first.click()
    expect(page.locator("[data-record]")).to_be_visible()
    expect(page.locator("[data-action=edit]")).to_be_visible()  # the page's actions are drawn
    expect(page.locator("[data-action=who-can-see]")).to_have_count(0)
