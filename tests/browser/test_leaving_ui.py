"""Story 6 of SCENARIOS.md in the browser: zhangwei leaves. He has a browser open (and a
request of his waiting); wangfang deactivates him from the organisation screen, the
successor already set to his manager lilei, and the dialog's answer shows what the
deactivation did — records passed on, sessions ended, his role ended, his request
withdrawn. zhangwei's open browser is sent to the sign-in page on its next action (saying
his session ended), his customers show lilei as owner, and the audit log shows the
deactivation (read in English by the auditor). Screenshots in test-artifacts/ (leaving-*)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT, Client, list_loaded, screenshot, sign_in
from tests.test_serve import Server

pytestmark = pytest.mark.browser

# zhangwei's browser is refused once his session has ended (401): that is the point
EXPECTED = re.compile(r"\b(401)\b")

Person = Callable[..., Page]


@pytest.fixture
def person(browser: Browser, server: Server) -> Iterator[Person]:
    """`person("sunli", locale="en")`: a browser of that person's own, signed in, that
    fails the test on a JavaScript error or an unexpected refusal."""
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


def test_story_6_zhangwei_leaves(person: Person, server: Server) -> None:
    admin = Client(server, "wangfang")
    leaver = Client(server, "zhangwei")
    zid, lilei_id = leaver.get("/me")["id"], admin.user("lilei")["id"]
    support = admin.role("support")
    waiting = leaver.post("/requests", {"kind": "role", "role_id": support["id"],
                                        "reason": "help the service desk in December"})
    customers = [c["id"] for c in admin.get(f"/customers?owner_id={zid}&limit=200")["items"]]
    assert customers

    # zhangwei is at work: his customers are open in his browser
    zhangwei = person("zhangwei")
    zhangwei.goto("/records/customer")
    list_loaded(zhangwei, "customer")

    # wangfang deactivates him: the successor is his manager unless she picks another
    wangfang = person("wangfang")
    wangfang.get_by_test_id("side-menu").get_by_text("组织架构", exact=True).click()
    wangfang.get_by_test_id("user-search").fill("zhangwei")
    wangfang.locator("tr", has_text="zhangwei").locator("[data-action=deactivate]").click()
    dialog = wangfang.get_by_test_id("deactivate-dialog")
    expect(dialog.get_by_test_id("successor")).to_contain_text("李雷 (lilei)")
    expect(dialog).to_contain_text("其进行中的申请被撤回")
    dialog.get_by_test_id("reason").fill("张伟已离职")
    screenshot(wangfang, "leaving-1-deactivate-dialog-zh")
    wangfang.get_by_test_id("change-ok").click()

    # the answer: what the deactivation did
    summary = wangfang.get_by_test_id("deactivation-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_test_id("summary-successor")).to_contain_text("李雷")
    expect(summary.locator("[data-object=customer]")).to_have_attribute(
        "data-count", str(len(customers)))
    expect(summary.get_by_test_id("summary-withdrawn")).to_have_text(f"#{waiting['id']}")
    expect(summary).to_contain_text("销售人员")
    screenshot(wangfang, "leaving-2-deactivation-summary-zh")
    wangfang.get_by_test_id("summary-close").click()
    expect(summary).to_have_count(0)
    assert admin.get(f"/requests/{waiting['id']}")["status"] == "withdrawn"

    # zhangwei's open browser: his next action lands on the sign-in page, saying why
    zhangwei.get_by_test_id("side-menu").get_by_text("联系人", exact=True).click()
    expect(zhangwei).to_have_url(re.compile(r"/login$"))
    expect(zhangwei.locator(".ant-alert-info")).to_contain_text("登录已失效，请重新登录")
    screenshot(zhangwei, "leaving-3-session-ended-zh")
    sign_in(zhangwei, "zhangwei")
    expect(zhangwei.get_by_test_id("login-error")).to_be_visible()

    # his customers are lilei's now
    lilei = person("lilei")
    lilei.goto(f"/records/customer/{customers[0]}")
    record = lilei.locator(f"[data-record='{customers[0]}']")
    expect(record).to_be_visible()
    expect(lilei.locator(".ant-descriptions")).to_contain_text("李雷")
    screenshot(lilei, "leaving-4-customer-now-lileis-zh")
    assert {admin.get(f"/customers/{c}")["owner_id"] for c in customers} == {lilei_id}

    # the audit log shows the deactivation, with its reason (the auditor, in English)
    sunli = person("sunli", locale="en")
    sunli.goto(f"/audit?action=org.user_deactivated&record={zid}")
    row = sunli.locator("tr[data-action='org.user_deactivated']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("张伟已离职")
    screenshot(sunli, "leaving-5-audit-log-en")
    row.click()
    expect(sunli.locator(".ant-drawer-content")).to_contain_text("lilei")
    screenshot(sunli, "leaving-6-audit-event-en")
