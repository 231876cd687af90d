"""Access reviews, dormant permissions and configuration as code in a browser: story 9 of
SCENARIOS.md end to end (wangfang starts the quarterly review of Sales; lilei, in "My
reviews", certifies hanmeimei's role and revokes a share he does not recognise, which she
loses on her next request; the campaign's report shows it and its export downloads), the
screens in English, the dormant-permissions report with its partial evidence, and a
configuration document exported, changed, compared and applied."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import update

from tests.browser.conftest import BROWSER_RECORDS, Client, screenshot, sign_in, watched_page
from tests.browser.test_access_ui import choose, in_english, select_of, settled
from tests.conftest import DEMO_PASSWORD
from tests.test_serve import Server
from vouch.access.models import RoleAssignment
from vouch.db import make_engine
from vouch.demo import load_demo

pytestmark = pytest.mark.browser

SALES = 2  # the demo's 销售部
REVIEW_NAME = "2026 Q4 销售部权限复核"


class DemoServer(Server):
    """`vouch serve` that remembers its database, so that a test can age the demo."""

    url: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'vouch.db'}"
    engine = make_engine(url)
    load_demo(engine, password=DEMO_PASSWORD, records=BROWSER_RECORDS)
    engine.dispose()
    running = DemoServer(url, "--no-access-log")
    running.url = url
    try:
        running.wait_ready()
        yield running
    finally:
        running.kill()


def status_of(client: Client, path: str) -> int:
    """The HTTP status of a GET (the Client raises on refusals)."""
    try:
        client.get(path)
    except urllib.error.HTTPError as exc:
        return exc.code
    return 200


def first_id(client: Client, path: str) -> int:
    found: list[dict[str, Any]] = client.get(path)["items"]
    assert found, path
    return int(found[0]["id"])


def my_items(client: Client, campaign_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/me/reviews?limit=1000")["items"]
    return [i for i in items if i["campaign_id"] == campaign_id]


# --- story 9 ----------------------------------------------------------------------------------


def test_story_9_quarterly_review_of_sales(context: BrowserContext, server: DemoServer) -> None:
    wangfang, lilei = Client(server, "wangfang"), Client(server, "lilei")
    hanmeimei = Client(server, "hanmeimei")
    han = wangfang.user("hanmeimei")["id"]
    # an administrator once shared one of liuyang's customers with hanmeimei
    theirs = first_id(Client(server, "liuyang"), "/customers?limit=1")
    mine = first_id(hanmeimei, "/customers?limit=1")
    assert status_of(hanmeimei, f"/customers/{theirs}") == 404
    share = wangfang.post(f"/customers/{theirs}/shares", {
        "principal_kind": "user", "principal_id": han, "access": "read",
        "reason": "替刘洋跟进"})
    assert status_of(hanmeimei, f"/customers/{theirs}") == 200

    with watched_page(context) as page:
        # wangfang starts the quarterly review of the Sales department
        sign_in(page, "wangfang")
        page.goto("/reviews")
        expect(page.get_by_test_id("campaigns-page")).to_be_visible()
        page.locator("[data-action=start-review]").click()
        dialog = page.get_by_test_id("start-review-dialog")
        dialog.locator("#review-name").fill(REVIEW_NAME)
        choose(page, select_of(dialog, "review-department"), "销售部")
        dialog.get_by_test_id("reason").fill("季度权限复核")
        settled(page)
        screenshot(page, "reviews-start-zh")
        page.get_by_test_id("change-ok").click()
        expect(page.get_by_test_id("campaign-name")).to_have_text(REVIEW_NAME)
        campaign_id = int(page.url.rsplit("/", 1)[1])
        campaign = wangfang.get(f"/reviews/{campaign_id}")
        assert campaign["scope"] == {"kind": "department", "department_id": SALES, "role_ids": []}
        assert campaign["on_deadline"] == "keep" and campaign["reason"] == "季度权限复核"
        reviewers = {r["reviewer"]["username"] for r in campaign["by_reviewer"]}
        assert "lilei" in reviewers
        expect(page.locator("[data-reviewer=lilei]")).to_be_visible()
        screenshot(page, "reviews-campaign-zh")

        # lilei opens My reviews: hanmeimei's role and the share are his to decide
        sign_in(page, "lilei")
        page.goto("/reviews/mine")
        expect(page.get_by_test_id("my-reviews")).to_be_visible()
        items = my_items(lilei, campaign_id)
        theirs_items = {i["kind"]: i for i in items if i["user"]["username"] == "hanmeimei"}
        role_item, share_item = theirs_items["assignment"], theirs_items["share"]
        assert share_item["share_id"] == share["id"]
        card = page.locator("[data-review-user=hanmeimei]")
        expect(card.locator(f"tr[data-item='{role_item['id']}']")).to_contain_text("销售人员")
        share_row = card.locator(f"tr[data-item='{share_item['id']}']")
        expect(share_row).to_contain_text(f"客户 #{theirs}")
        pending = len(my_items(lilei, campaign_id))
        expect(page.get_by_test_id("my-pending")).to_contain_text(f"{pending} 项待决定")
        screenshot(page, "reviews-mine-zh")

        # certify her role
        card.locator(f"tr[data-item='{role_item['id']}'] [data-action=certify]").click()
        decision = page.get_by_test_id("decision-dialog")
        expect(decision).to_have_attribute("data-decision", "certify")
        decision.locator("#decision-reason").fill("负责华东一组的客户")
        page.get_by_test_id("decision-ok").click()
        expect(page.locator(f"tr[data-item='{role_item['id']}']")).to_have_count(0)

        # revoke the share he no longer recognises: a reason is required
        share_row.locator("[data-action=revoke]").click()
        decision = page.get_by_test_id("decision-dialog")
        expect(decision).to_have_attribute("data-decision", "revoke")
        page.get_by_test_id("decision-ok").click()
        expect(decision.locator(".ant-form-item-explain-error")).to_be_visible()  # no reason yet
        decision.locator("#decision-reason").fill("我不认识这个共享")
        settled(page)
        screenshot(page, "reviews-revoke-zh")
        page.get_by_test_id("decision-ok").click()
        expect(page.locator(f"tr[data-item='{share_item['id']}']")).to_have_count(0)

        # her next request: the share is gone, her role stays
        assert status_of(hanmeimei, f"/customers/{theirs}") == 404
        assert status_of(hanmeimei, f"/customers/{mine}") == 200
        decided = {i["id"]: i for i in wangfang.get(
            f"/reviews/{campaign_id}/items?decided=true")["items"]}
        assert decided[role_item["id"]]["outcome"] == "certified"
        assert decided[share_item["id"]]["outcome"] == "revoked"
        assert decided[share_item["id"]]["reason"] == "我不认识这个共享"

        # the campaign's report shows the outcome
        sign_in(page, "wangfang")
        page.goto(f"/reviews/{campaign_id}?tab=report")
        report = page.get_by_test_id("campaign-report")
        expect(report).to_be_visible()
        by_lilei = report.locator("tr[data-reviewer=lilei]")
        expect(by_lilei.locator("td").nth(4)).to_have_text("1")  # certified
        expect(by_lilei.locator("td").nth(5)).to_have_text("1")  # revoked
        revocations = page.get_by_test_id("report-revocations")
        expect(revocations.locator(f"tr[data-item='{share_item['id']}']")).to_contain_text("我不认识这个共享")
        expect(revocations.locator(f"tr[data-item='{share_item['id']}']")).to_contain_text("李雷")
        expect(page.get_by_test_id("report-shares")).to_be_visible()
        screenshot(page, "reviews-report-zh", full_page=True)

        # the export downloads: one row per item, the revocation in it
        page.locator("[data-action=export-review]").click()
        with page.expect_download() as download:
            page.get_by_role("menuitem", name=re.compile("CSV")).click()
        assert download.value.suggested_filename.endswith(".csv")
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == campaign["progress"]["total"] + 1  # the header, then the items
        assert any("我不认识这个共享" in cell for row in rows for cell in row)

        # the list shows its progress
        page.goto("/reviews")
        row = page.locator(f"tr[data-campaign='{campaign_id}']")
        expect(row.locator("[data-progress]")).to_have_attribute(
            "data-progress", f"2/{campaign['progress']['total']}")
        screenshot(page, "reviews-list-zh")


# --- the same screens in English; closing early ----------------------------------------------


def test_review_screens_in_english_and_closing_early(context: BrowserContext,
                                                    server: DemoServer) -> None:
    wangfang = Client(server, "wangfang")
    finance = wangfang.role("finance")["id"]
    campaign = wangfang.post("/reviews", {
        "name": "Finance roles, year end", "scope": "roles", "role_ids": [finance],
        "deadline": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
        "on_deadline": "revoke", "reason": "year-end review of payment access"})
    with watched_page(context) as page:
        sign_in(page, "wangfang")
        in_english(page)
        page.goto("/reviews")
        row = page.locator(f"tr[data-campaign='{campaign['id']}']")
        expect(row).to_contain_text("Holders of Finance")
        expect(row).to_contain_text("undecided: revoked")
        screenshot(page, "reviews-list-en")

        # wangfang reviews zhaomin (no manager, no head above her but wangfang's own)
        page.goto(f"/reviews/{campaign['id']}?tab=items")
        items = page.get_by_test_id("campaign-items")
        expect(items.locator("tr[data-user=zhaomin]")).to_contain_text("Finance")
        screenshot(page, "reviews-items-en")

        page.goto("/reviews/mine")
        expect(page.get_by_test_id("my-reviews")).to_contain_text("My reviews")
        expect(page.get_by_test_id("my-campaigns")).to_contain_text(
            "undecided items are revoked at the deadline")
        screenshot(page, "reviews-mine-en")

        # closing early: undecided items follow the campaign's own choice unless changed
        page.goto(f"/reviews/{campaign['id']}")
        page.locator("[data-action=close-campaign]").click()
        dialog = page.get_by_test_id("close-campaign-dialog")
        expect(dialog).to_contain_text("still undecided")
        dialog.get_by_text("kept", exact=True).click()
        dialog.get_by_test_id("reason").fill("finance audit moved up")
        settled(page)
        screenshot(page, "reviews-close-en")
        page.get_by_test_id("change-ok").click()
        expect(page.get_by_test_id("campaign-page")).to_have_attribute("data-status", "closed")
        closed = wangfang.get(f"/reviews/{campaign['id']}")
        assert closed["closed_early"] and closed["progress"]["pending"] == 0
        assert closed["progress"]["outcomes"]["kept_at_close"] == closed["progress"]["total"]
        expect(page.locator("[data-action=close-campaign]")).to_have_count(0)
        page.get_by_role("tab", name="Report").click()
        expect(page.get_by_test_id("campaign-report")).to_contain_text("Kept at close")


def test_a_user_without_review_permissions(context: BrowserContext) -> None:
    with watched_page(context) as page:
        sign_in(page, "hanmeimei")
        menu = page.get_by_test_id("side-menu")
        expect(menu).to_contain_text("我的复核")
        expect(menu).not_to_contain_text("权限复核")
        expect(menu).not_to_contain_text("闲置权限")
        page.goto("/reviews")
        expect(page.get_by_test_id("forbidden")).to_contain_text("“权限复核”")
        page.goto("/reviews/mine")
        expect(page.get_by_test_id("my-reviews")).to_contain_text("没有待复核的内容")


def test_bulk_certify_on_a_narrow_window(context: BrowserContext, server: DemoServer) -> None:
    wangfang, lilei = Client(server, "wangfang"), Client(server, "lilei")
    reps = wangfang.role("sales_rep")["id"]
    campaign = wangfang.post("/reviews", {
        "name": "销售人员角色复核", "scope": "roles", "role_ids": [reps],
        "deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        "on_deadline": "keep", "reason": "销售人员角色抽查"})
    items = [i for i in my_items(lilei, campaign["id"]) if i["kind"] == "assignment"]
    assert {i["user"]["username"] for i in items} >= {"zhangwei", "liuyang"}
    chosen = [i for i in items if i["user"]["username"] in ("zhangwei", "liuyang")]

    with watched_page(context) as page:
        page.set_viewport_size({"width": 1024, "height": 700})
        sign_in(page, "lilei")
        page.goto("/reviews/mine")
        for item in chosen:
            page.locator(f"tr[data-item='{item['id']}'] .ant-checkbox-input").check()
        page.locator("[data-action=certify-selected]").click()
        dialog = page.get_by_test_id("decision-dialog")
        expect(dialog).to_contain_text("逐项确认所选的 2 项")
        dialog.locator("#decision-reason").fill("都在正常跟进客户")
        settled(page)
        screenshot(page, "reviews-bulk-narrow-zh")
        page.get_by_test_id("decision-ok").click()
        expect(page.get_by_test_id("decision-dialog")).to_have_count(0)
        for item in chosen:
            expect(page.locator(f"tr[data-item='{item['id']}']")).to_have_count(0)
        screenshot(page, "reviews-mine-narrow-zh", full_page=True)
    decided = {i["id"]: i for i in wangfang.get(
        f"/reviews/{campaign['id']}/items?decided=true")["items"]}
    assert {decided[i["id"]]["outcome"] for i in chosen} == {"certified"}
    assert {decided[i["id"]]["reason"] for i in chosen} == {"都在正常跟进客户"}


# --- dormant permissions ----------------------------------------------------------------------


def test_dormant_permissions_with_partial_evidence(context: BrowserContext,
                                                   server: DemoServer) -> None:
    # Half a year later: hanmeimei's and zhaomin's roles were granted 200 days ago, and
    # hanmeimei edited one of her customers since (an audited use of customer · edit).
    engine = make_engine(server.url)
    wangfang, hanmeimei = Client(server, "wangfang"), Client(server, "hanmeimei")
    aged = [wangfang.user("hanmeimei")["id"], wangfang.user("zhaomin")["id"]]
    with engine.begin() as conn:
        conn.execute(update(RoleAssignment).where(RoleAssignment.user_id.in_(aged))
                     .values(granted_at=datetime.now(UTC) - timedelta(days=200)))
    engine.dispose()
    customer = hanmeimei.get(f"/customers/{first_id(hanmeimei, '/customers?limit=1')}")
    hanmeimei.call("PATCH", f"/customers/{customer['id']}", {
        "version": customer["version"], "notes": "回访过"})
    report = wangfang.get("/access/dormant?days=90&dormant_only=true&limit=100")
    dormant_users = {u["user"]["username"]: u for u in report["users"]}
    assert {"hanmeimei", "zhaomin"} <= set(dormant_users)
    han_grants = {(g["object"], g["action"]) for r in dormant_users["hanmeimei"]["roles"]
                  for g in r["grants"]}
    # the edit is a use of customer · edit, and counts as viewing customers too
    assert ("customer", "edit") not in han_grants and ("customer", "view") not in han_grants
    assert any(g["evidence"] == "partial" for r in dormant_users["hanmeimei"]["roles"]
               for g in r["grants"])  # a view grant's evidence is partial

    with watched_page(context) as page:
        sign_in(page, "wangfang")
        page.goto("/reviews/dormant")
        expect(page.get_by_test_id("dormant-note")).to_contain_text("不完整")
        expect(page.get_by_test_id("dormant-total")).to_contain_text(
            f"{report['summary']['dormant']:,}")
        page.locator("tr[data-user=hanmeimei]").click()
        [held] = dormant_users["hanmeimei"]["roles"]
        assignment = page.locator(f"[data-assignment='{held['assignment_id']}']")
        expect(assignment).to_contain_text("销售人员")
        expect(assignment.locator("[data-evidence=partial]").first).to_be_visible()
        expect(assignment.locator("[data-action=revoke-assignment]")).to_have_attribute(
            "href", re.compile(r"/admin/assignments\?user=\d+&role=\d+"))
        screenshot(page, "dormant-zh", full_page=True)

        in_english(page)
        expect(page.get_by_test_id("dormant-note")).to_contain_text("partial")
        page.locator("tr[data-user=zhaomin]").click()
        expect(page.locator("tr[data-user=zhaomin] + tr")).to_contain_text("Finance")
        screenshot(page, "dormant-en", full_page=True)

        # all grants, not only dormant ones: hanmeimei's customer edit is in use
        page.locator("#dormant-only").click()
        page.locator("tr[data-user=hanmeimei]").click()
        expect(page.locator("tr[data-user=hanmeimei] + tr")).to_contain_text("In use")


# --- configuration as code --------------------------------------------------------------------


def test_configuration_exported_compared_and_applied(context: BrowserContext,
                                                     server: DemoServer) -> None:
    wangfang = Client(server, "wangfang")
    with watched_page(context, 422) as page:
        sign_in(page, "wangfang")
        page.goto("/admin/config")
        expect(page.get_by_test_id("config-page")).to_be_visible()
        with page.expect_download() as download:
            page.locator("[data-action=export-json]").click()
        document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert document["format"] == "vouch-config/1"
        screenshot(page, "config-zh")

        # a document with problems: every one named by its path
        page.get_by_text("粘贴文本").click()
        page.locator("#config-text").fill("format: vouch-config/1\nroles: 3\n")
        page.locator("[data-action=config-diff]").click()
        problems = page.get_by_test_id("config-problems")
        expect(problems.locator("[data-path=roles]")).to_be_visible()
        expect(problems.locator("[data-path=sharing_rules]")).to_be_visible()
        screenshot(page, "config-problems-zh", full_page=True)

        # the auditor's description changed: one item, one field, before → after
        auditor = next(r for r in document["roles"] if r["key"] == "auditor")
        auditor["description"] = "只读审计日志（职责分离）"
        page.locator("#config-text").fill(json.dumps(document, ensure_ascii=False, indent=2))
        page.locator("[data-action=config-diff]").click()
        diff = page.get_by_test_id("config-diff")
        expect(diff).to_have_attribute("data-changed", "1")
        item = diff.locator("[data-item-key=auditor][data-change=changed]")
        expect(item).to_be_visible()
        expect(diff).to_contain_text("只读审计日志（职责分离）")
        screenshot(page, "config-diff-zh", full_page=True)

        page.locator("[data-action=config-apply]").click()
        dialog = page.get_by_test_id("config-apply-dialog")
        dialog.get_by_test_id("reason").fill("审计员角色说明改为中文")
        page.get_by_test_id("change-ok").click()
        expect(page.get_by_test_id("config-applied")).to_be_visible()
        assert wangfang.role("auditor")["description"] == "只读审计日志（职责分离）"

        in_english(page)
        expect(page.get_by_test_id("config-page")).to_contain_text("Configuration as code")
        screenshot(page, "config-en")
