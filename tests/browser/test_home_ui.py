"""Home, the console's start page, as the demo's users see it: a sales rep's open tasks
(overdue ones marked) and the charts computed under her permissions — her contract
amounts are withheld by the API and the screen says so instead of drawing zeros — and
finance, who sees contract amounts but has no tasks or pipeline to see."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Client, screenshot, sign_in
from tests.test_serve import Server

pytestmark = pytest.mark.browser

OVERDUE_TASK = "催收逾期回款"
CONTRACT_AMOUNT = "654321.00"


@pytest.fixture(scope="module")
def setup(server: Server) -> dict[str, Any]:
    """hanmeimei gets an overdue task of her own, and (from the administrator) a contract
    signed this month, so that both her task list and her sales chart have something to
    show; the demo's 200 records give her none of either."""
    admin, rep = Client(server, "wangfang"), Client(server, "hanmeimei")
    me = rep.get("/me")
    customer = rep.get("/customers?limit=1")["items"][0]
    task = rep.post("/tasks", {"title": OVERDUE_TASK, "customer_id": customer["id"],
                               "due_on": (date.today() - timedelta(days=5)).isoformat(),
                               "status": "open", "priority": "high"})
    contract = admin.post("/contracts", {
        "number": "HT-HOME-00001", "title": "首页测试合同", "customer_id": customer["id"],
        "amount": CONTRACT_AMOUNT, "signed_on": date.today().isoformat(), "status": "active",
        "owner_id": me["id"]})
    assert contract["owner_id"] == me["id"]
    return {"me": me, "task": task, "contract": contract, "rep": rep,
            "finance": Client(server, "zhaomin")}


def card(page: Page, name: str) -> Locator:
    return page.get_by_test_id(f"home-{name}")


def open_home(page: Page, username: str) -> None:
    # charts drawn at once (no growing bars) for still screenshots, as for a user who asks
    # for less motion
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, username)
    expect(page).to_have_url(re.compile(r"/$"))  # Home is where one lands
    expect(page.get_by_test_id("home")).to_be_visible()
    # every card has its answer (no skeleton left)
    expect(page.locator("[data-testid=home] .ant-skeleton")).to_have_count(0)
    page.mouse.move(0, 0)  # no tooltip left open where the sign-in button was


def month(offset: int) -> str:
    """This month moved by `offset` months, as YYYY-MM."""
    today = date.today()
    n = today.year * 12 + today.month - 1 + offset
    return f"{n // 12}-{n % 12 + 1:02d}"


def chart_texts(chart: Locator) -> str:
    """The words an SVG chart draws (axis labels, funnel labels)."""
    expect(chart.locator("svg")).to_be_visible()
    return " ".join(chart.locator("svg text").all_text_contents())


def month_label(page: Page, lang: str, offset: int = 0) -> str:
    """A month (this one moved by `offset`) as the browser writes it short in `lang`: what
    the chart's axis shows."""
    return str(page.evaluate(
        "([lang, offset]) => { const d = new Date(); return new Intl.DateTimeFormat(lang, "
        "{year: '2-digit', month: 'short'}).format(new Date(d.getFullYear(), d.getMonth() + "
        "offset, 1)); }", [lang, offset]))


def test_sales_rep_home_shows_her_tasks_and_charts_without_contract_amounts(
        page: Page, setup: dict[str, Any]) -> None:
    me, task = setup["me"], setup["task"]
    open_home(page, "hanmeimei")
    expect(page.get_by_role("heading", level=3)).to_contain_text("韩梅梅")
    menu = page.get_by_test_id("side-menu")
    expect(menu.get_by_role("menuitem").first).to_have_text("首页")

    # My tasks: exactly her open tasks, soonest due first, the overdue one marked
    tasks = card(page, "tasks")
    mine = setup["rep"].get(f"/tasks?owner_id={me['id']}&status=open&sort=due_on&total=true")
    assert mine["total"] >= 2
    expect(tasks.get_by_test_id("task-item")).to_have_count(min(mine["total"], 8))
    expect(tasks.get_by_test_id("task-count")).to_have_text(f"未完成：{mine['total']} 项")
    shown = mine["items"][:8]
    titles = tasks.locator("[data-testid=task-item] .ant-list-item-meta-title a")
    expect(titles).to_have_text([t["title"] for t in shown])
    overdue = tasks.locator("[data-testid=task-item][data-overdue=true]")
    expect(overdue).to_have_count(1)
    due = date.fromisoformat(task["due_on"])
    expect(overdue).to_contain_text(f"已逾期 · {due.year}年{due.month}月{due.day}日")
    expect(overdue.get_by_role("link", name=OVERDUE_TASK)).to_have_attribute(
        "href", f"/records/task/{task['id']}")
    later = date.fromisoformat(shown[-1]["due_on"])
    expect(tasks.get_by_test_id("task-item").last).to_contain_text(
        f"截止 {later.year}年{later.month}月{later.day}日")

    # Recent records: links to records of objects she can view
    recent = card(page, "recent").get_by_test_id("recent-item")
    expect(recent.first).to_be_visible()
    viewable = {o["name"] for o in setup["rep"].get("/catalog")["objects"]
                if "view" in o["actions"]}
    for item in recent.all():
        obj = item.get_attribute("data-object")
        assert obj in viewable
        href = item.get_by_role("link").get_attribute("href") or ""
        assert re.fullmatch(rf"/records/{obj}/\d+", href), href

    # Pipeline: she reads opportunity amounts, so the funnel has them
    pipeline = card(page, "pipeline")
    report = setup["rep"].get("/reports/pipeline")
    assert report["sum"] == "amount"
    expect(pipeline.get_by_test_id("amounts-withheld")).to_have_count(0)
    amount = f"¥{float(report['total']['amount']):,.2f}"
    expect(pipeline.get_by_test_id("pipeline-amount")).to_have_text(f"金额合计：{amount}")
    assert "线索" in chart_texts(pipeline.get_by_test_id("pipeline-chart"))

    # Sales by month: the API withholds contract amounts from her; counts only, and said
    sales = card(page, "sales")
    withheld = setup["rep"].get("/reports/sales-by-month")
    assert withheld["sum"] is None and withheld["withheld"][0]["field"] == "amount"
    note = sales.get_by_test_id("amounts-withheld")
    expect(note).to_have_text("金额对您隐藏：您无权查看“合同金额”字段，这里只显示数量。")
    expect(sales.get_by_test_id("sales-summary")).to_have_text("合同：1 份")
    expect(sales.get_by_test_id("sales-amount")).to_have_count(0)
    drawn = chart_texts(sales.get_by_test_id("sales-chart"))
    assert month_label(page, "zh-CN", -11) in drawn  # the period's first month
    assert "¥" not in sales.inner_text() and "¥" not in drawn
    assert "合同金额" not in drawn  # no amount series, not even an empty one
    screenshot(page, "home-hanmeimei-zh-CN")
    screenshot(page, "home-hanmeimei-zh-CN-full", full_page=True)

    overdue.get_by_role("link", name=OVERDUE_TASK).click()
    expect(page).to_have_url(re.compile(rf"/records/task/{task['id']}$"))
    expect(page.locator("[data-record]")).to_be_visible()
    page.get_by_test_id("side-menu").get_by_role("menuitem", name="首页").click()
    expect(page.get_by_test_id("home-tasks")).to_be_visible()


@pytest.mark.locale("en-US")
def test_sales_rep_home_in_english(page: Page, setup: dict[str, Any]) -> None:
    open_home(page, "hanmeimei")
    expect(page.get_by_role("heading", level=3)).to_have_text(
        re.compile(r"^Good (morning|afternoon|evening), 韩梅梅$"))
    expect(page.get_by_test_id("side-menu").get_by_role("menuitem").first).to_have_text("Home")
    due = date.fromisoformat(setup["task"]["due_on"])
    overdue = card(page, "tasks").locator("[data-overdue=true]")
    expect(overdue).to_contain_text(f"Overdue · {due.strftime('%b')} {due.day}, {due.year}")
    expect(card(page, "tasks")).to_contain_text("My open tasks")
    expect(card(page, "recent")).to_contain_text("updated")
    sales = card(page, "sales")
    expect(sales.get_by_test_id("amounts-withheld")).to_have_text(
        "Amounts are hidden for you: you cannot read the contract's “Amount” field, so only "
        "counts are shown.")
    expect(sales.get_by_test_id("sales-summary")).to_have_text("Contracts: 1")
    assert month_label(page, "en", -11) in chart_texts(sales.get_by_test_id("sales-chart"))
    assert "Lead" in chart_texts(card(page, "pipeline").get_by_test_id("pipeline-chart"))
    headers = " ".join(page.locator("[data-testid=home] .ant-card-head").all_inner_texts())
    assert not re.search(r"[\u4e00-\u9fff]", headers), headers
    screenshot(page, "home-hanmeimei-en")


def test_finance_home_shows_contract_amounts(page: Page, setup: dict[str, Any]) -> None:
    open_home(page, "zhaomin")
    # no tasks, no opportunities for finance: those cards are left out, not shown empty
    expect(card(page, "tasks")).to_have_count(0)
    expect(card(page, "pipeline")).to_have_count(0)
    sales = card(page, "sales")
    report = setup["finance"].get("/reports/sales-by-month")
    assert report["sum"] == "amount"
    expect(sales.get_by_test_id("amounts-withheld")).to_have_count(0)
    # the card's period: this month and the eleven before it
    months = setup["finance"].get(f"/reports/sales-by-month?from={month(-11)}&to={month(0)}")
    total = f"¥{float(months['total']['amount']):,.2f}"
    expect(sales.get_by_test_id("sales-amount")).to_have_text(f"金额合计：{total}")
    expect(sales.get_by_test_id("sales-summary")).to_contain_text(
        f"合同：{months['total']['count']} 份")
    drawn = chart_texts(sales.get_by_test_id("sales-chart"))
    assert "合同金额" in drawn and "¥" in drawn  # the amount series and its axis
    expect(card(page, "recent").get_by_test_id("recent-item").first).to_be_visible()
    screenshot(page, "home-zhaomin-zh-CN")

    sales.get_by_text("近 24 个月").click()
    expect(sales.get_by_test_id("sales-amount")).to_be_visible()
    longer = setup["finance"].get(f"/reports/sales-by-month?from={month(-23)}&to={month(0)}")
    expect(sales.get_by_test_id("sales-summary")).to_contain_text(
        f"合同：{longer['total']['count']} 份")


@pytest.mark.locale("en-US")
def test_finance_home_in_english(page: Page, setup: dict[str, Any]) -> None:
    open_home(page, "zhaomin")
    sales = card(page, "sales")
    expect(sales).to_contain_text("Sales by month")
    expect(sales.get_by_test_id("sales-amount")).to_have_text(
        re.compile(r"^Total amount: CN¥[\d,]+\.\d\d$"))
    assert "Contract amount" in chart_texts(sales.get_by_test_id("sales-chart"))
    screenshot(page, "home-zhaomin-en")


@pytest.fixture
def refused_page(context: BrowserContext) -> Iterator[Page]:
    """Like `page`, except that the refused request the test provokes (403) is expected:
    the browser logs it as a failed resource."""
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" and not re.search(r"\b(401|403)\b", msg.text) else None)
    yield pg
    assert not problems, "\n".join(problems)


def test_a_card_that_fails_says_why_and_retries(refused_page: Page,
                                                setup: dict[str, Any]) -> None:
    page = refused_page
    refusal = {"error": {"code": "forbidden", "message": "not allowed to view opportunity",
                         "details": {"object": "opportunity", "action": "view"}}}
    page.route("**/api/v1/reports/pipeline", lambda route: route.fulfill(
        status=403, content_type="application/json", body=json.dumps(refusal)))
    open_home(page, "hanmeimei")
    pipeline = card(page, "pipeline")
    expect(pipeline.get_by_test_id("card-error")).to_contain_text("您没有查看商机的权限。")
    expect(pipeline.get_by_test_id("pipeline-chart")).to_have_count(0)
    # the other cards are unaffected
    expect(card(page, "sales").get_by_test_id("sales-chart")).to_be_visible()
    expect(card(page, "tasks").get_by_test_id("task-item").first).to_be_visible()
    page.unroute("**/api/v1/reports/pipeline")
    pipeline.get_by_role("button", name=re.compile("重 ?试")).click()
    expect(pipeline.get_by_test_id("pipeline-chart")).to_be_visible()
    expect(pipeline.get_by_test_id("card-error")).to_have_count(0)


def test_home_on_a_narrow_window_stacks_the_cards(page: Page, setup: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 900, "height": 900})
    open_home(page, "hanmeimei")
    boxes = [card(page, name).bounding_box() for name in ("tasks", "recent", "pipeline", "sales")]
    assert all(boxes)
    lefts = {round(b["x"]) for b in boxes if b}
    assert len(lefts) == 1, f"one column: {boxes}"
    for box in boxes:
        assert box and box["x"] + box["width"] <= 900
    screenshot(page, "home-hanmeimei-narrow-zh-CN", full_page=True)
