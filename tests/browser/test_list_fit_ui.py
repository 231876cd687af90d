"""Every record list fits a 1280×800 window with its default columns, in both languages:
no sideways scrolling in the table or the page. Names, references and e-mail addresses give
way first (cut with an ellipsis, the whole text as the title on hover); the title field,
what a record is called, is never cut; other cells keep to one line."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import api_get, list_loaded, screenshot, sign_in

# How much of each list's table overflows its card and the page its window, how many cells
# are cut, and the rows' heights (every cell on one line: rows are all one height).
MEASURE = """() => {
  const box = document.querySelector('.ant-table-content');
  const cut = (el) => el.scrollWidth > el.clientWidth;
  const rows = [...document.querySelectorAll('tbody tr.ant-table-row')];
  return {
    overflow: box.scrollWidth - box.clientWidth,
    page: document.documentElement.scrollWidth,
    cut: [...document.querySelectorAll('tbody [data-clip]')].filter(cut).length,
    rowHeights: [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))],
  };
}"""


@pytest.mark.parametrize("locale", [
    pytest.param("zh-CN", marks=pytest.mark.locale("zh-CN")),
    pytest.param("en", marks=pytest.mark.locale("en")),
])
def test_every_list_fits_at_1280(page: Page, locale: str) -> None:
    sign_in(page, "wangfang")  # sees every object and field, edits them all: the widest lists
    catalog = api_get(page, "/catalog")["objects"]
    assert len(catalog) == 9
    for obj in catalog:
        page.goto(f"/records/{obj['name']}")
        list_loaded(page, obj["name"])
        got = page.evaluate(MEASURE)
        assert got["overflow"] <= 0, (obj["name"], got)
        assert got["page"] <= 1280, (obj["name"], got)
        assert len(got["rowHeights"]) == 1, (obj["name"], got)
        # the title field is shown whole in every row
        titles = page.locator(f"tbody td[data-column={obj['title_field']}] [data-clip]").all()
        assert titles, obj["name"]
        assert not [t for t in titles if t.evaluate("e => e.scrollWidth > e.clientWidth")]
        if obj["name"] == "contract":
            screenshot(page, f"list-fit-contracts-{locale}")


@pytest.mark.locale("en")
def test_a_cut_name_is_whole_on_hover(page: Page) -> None:
    """The English contract list is the widest: its titles, customers and opportunities are
    cut to fit; hovering one shows the whole name, which the API sent."""
    sign_in(page, "wangfang")
    page.goto("/records/contract")
    list_loaded(page, "contract")
    clips = page.locator("tbody [data-clip]")
    cut = clips.evaluate_all("els => els.flatMap((e, i) => "
                             "e.scrollWidth > e.clientWidth ? [[i, e.textContent]] : [])")
    assert cut, "at 1280 pixels some contract names are cut"
    index, text = cut[0]
    expect(clips.nth(index)).not_to_have_attribute("title", text)  # not before the hover
    clips.nth(index).hover()
    expect(clips.nth(index)).to_have_attribute("title", text)
    contracts = api_get(page, "/contracts", limit=200)["items"]
    shown = {c["title"] for c in contracts} | {
        c[k]["name"] for c in contracts for k in ("customer_id", "opportunity_id")
        if isinstance(c.get(k), dict) and c[k].get("name")}
    assert text in shown
