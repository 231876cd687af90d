"""Reports per role equal a ground truth computed here from the tables: counts and sums
over exactly the records the viewer can view (own, department tree, all; shares in,
restricted records out), sums only of amounts the viewer can read (withheld, and said so,
when hidden), and the same counts as the list answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete

from tests.api.conftest import API, Login
from tests.api.records_truth import SALES_TREE, error, rows, uid
from vouch.access.models import RestrictionRule
from vouch.access.service import bump_policy_version
from vouch.db import system_session
from vouch.records.models import RecordBase

Keep = Callable[[RecordBase], bool]


def scope(engine: Engine, username: str) -> Keep:
    """The demo's view scope of sales objects, independently of the engine."""
    if username in ("wangfang", "zhaomin"):
        return lambda _r: True
    if username == "lilei":
        return lambda r: r.department_id in SALES_TREE
    me = uid(engine, username)
    return lambda r: r.owner_id == me


def money(values: list[Decimal | None]) -> str:
    return str(sum((v for v in values if v is not None), Decimal(0)).quantize(Decimal("0.01")))


def grouped(records: list[RecordBase], key: Callable[[RecordBase], Any],
            summed: str | None) -> dict[Any, dict[str, Any]]:
    out: dict[Any, list[RecordBase]] = defaultdict(list)
    for r in records:
        out[key(r)].append(r)
    return {k: {"count": len(v)} | ({summed: money([getattr(r, summed) for r in v])}
                                    if summed else {})
            for k, v in out.items()}


def answer_groups(body: dict[str, Any], key: str) -> dict[Any, dict[str, Any]]:
    return {g[key]: {k: v for k, v in g.items() if k not in (key, "owner_name")}
            for g in body["groups"] if g["count"]}


@pytest.mark.parametrize("user", ["hanmeimei", "lilei", "wangfang"])
def test_pipeline_is_counts_and_amounts_of_visible_opportunities(
        api_engine: Engine, as_user: Login, user: str) -> None:
    r = as_user(user).get(f"{API}/reports/pipeline")
    assert r.status_code == 200, r.text
    body = r.json()
    truth = rows(api_engine, "opportunity", scope(api_engine, user))
    assert body["sum"] == "amount" and body["withheld"] == []
    assert [g["stage"] for g in body["groups"]] == ["lead", "qualified", "proposal",
                                                     "negotiation", "won", "lost"]
    assert answer_groups(body, "stage") == grouped(truth, lambda r: r.stage, "amount")
    assert body["total"] == {"count": len(truth), "amount": money([r.amount for r in truth])}
    client = as_user(user)
    for g in body["groups"]:  # the same predicate as the list
        listed = client.get(f"{API}/opportunities",
                            params={"stage": g["stage"], "total": "true", "limit": 1})
        assert listed.json()["total"] == g["count"]


@pytest.mark.parametrize(("user", "summed"), [
    ("hanmeimei", False), ("lilei", True), ("zhaomin", True), ("wangfang", True)])
def test_sales_by_month_sums_only_amounts_the_viewer_can_read(
        api_engine: Engine, as_user: Login, user: str, summed: bool) -> None:
    r = as_user(user).get(f"{API}/reports/sales-by-month")
    assert r.status_code == 200, r.text
    body = r.json()
    truth = rows(api_engine, "contract", scope(api_engine, user))
    expected = grouped(truth, lambda r: r.signed_on.strftime("%Y-%m") if r.signed_on else None,
                       "amount" if summed else None)
    assert answer_groups(body, "month") == expected
    if summed:
        assert body["sum"] == "amount" and body["withheld"] == []
        assert body["total"]["amount"] == money([r.amount for r in truth])
    else:  # a rep's contract amounts are hidden: counts only, and the answer says so
        assert body["sum"] is None and "amount" not in body["total"]
        assert body["withheld"] == [{"field": "amount", "level": "hidden"}]
        assert all("amount" not in g for g in body["groups"])
    months = [g["month"] for g in body["groups"] if g["month"]]
    assert months == sorted(months)


def test_sales_by_month_takes_a_range_of_months(api_engine: Engine, as_user: Login) -> None:
    r = as_user("zhaomin").get(f"{API}/reports/sales-by-month",
                               params={"from": "2025-11", "to": "2026-02"})
    assert r.status_code == 200, r.text
    truth = [c for c in rows(api_engine, "contract")
             if c.signed_on and "2025-11" <= c.signed_on.strftime("%Y-%m") <= "2026-02"]
    assert answer_groups(r.json(), "month") == grouped(
        truth, lambda c: c.signed_on.strftime("%Y-%m"), "amount")
    assert {g["month"] for g in r.json()["groups"]} <= {"2025-11", "2025-12", "2026-01",
                                                        "2026-02"}


@pytest.mark.parametrize("user", ["hanmeimei", "lilei", "wangfang"])
def test_by_owner_counts_and_sums_per_owner_with_names(api_engine: Engine, as_user: Login,
                                                       user: str) -> None:
    body = as_user(user).get(f"{API}/reports/by-owner").json()
    truth = rows(api_engine, "opportunity", scope(api_engine, user))
    assert answer_groups(body, "owner_id") == grouped(truth, lambda r: r.owner_id, "amount")
    names = {g["owner_id"]: g["owner_name"] for g in body["groups"]}
    assert names.get(uid(api_engine, "hanmeimei")) == "韩梅梅"


@pytest.mark.parametrize(("user", "status"), [
    ("zhaomin", 200), ("lilei", 200), ("hanmeimei", 403), ("chenjing", 403)])
def test_by_owner_with_a_chosen_sum_needs_read_on_it(api_engine: Engine, as_user: Login,
                                                     user: str, status: int) -> None:
    r = as_user(user).get(f"{API}/reports/by-owner",
                          params={"object": "customer", "sum": "credit_limit"})
    assert r.status_code == status, r.text
    if status == 403:
        assert error(r)["details"]["field"] == "credit_limit"
        assert error(r)["details"]["purpose"] == "sum"
        return
    truth = rows(api_engine, "customer", scope(api_engine, user))
    assert answer_groups(r.json(), "owner_id") == grouped(truth, lambda r: r.owner_id,
                                                          "credit_limit")


def test_by_owner_of_an_object_without_amount_counts_only(api_engine: Engine,
                                                          as_user: Login) -> None:
    body = as_user("lilei").get(f"{API}/reports/by-owner", params={"object": "task"}).json()
    assert body["sum"] is None and body["withheld"] == []
    truth = rows(api_engine, "task", scope(api_engine, "lilei"))
    assert answer_groups(body, "owner_id") == grouped(truth, lambda r: r.owner_id, None)


@pytest.mark.parametrize("user", ["hanmeimei", "chenjing", "zhaomin"])
def test_summary_by_a_chosen_field(api_engine: Engine, as_user: Login, user: str) -> None:
    body = as_user(user).get(f"{API}/reports/summary",
                             params={"object": "customer", "group": "industry"}).json()
    keep = (lambda _r: True) if user in ("chenjing", "zhaomin") else scope(api_engine, user)
    truth = rows(api_engine, "customer", keep)
    assert answer_groups(body, "industry") == grouped(truth, lambda r: r.industry, None)
    assert body["total"]["count"] == len(truth)


def test_shares_and_restrictions_move_records_in_and_out_of_reports(
        api_engine: Engine, as_user: Login) -> None:
    rep, other = uid(api_engine, "hanmeimei"), uid(api_engine, "zhangwei")
    theirs = min(r.id for r in rows(api_engine, "opportunity", lambda r: r.owner_id == other))
    client = as_user("hanmeimei")
    before = client.get(f"{API}/reports/pipeline").json()["total"]["count"]
    share = as_user("lilei").post(f"{API}/opportunities/{theirs}/shares", json={
        "principal_kind": "user", "principal_id": rep, "access": "read"}).json()
    assert client.get(f"{API}/reports/pipeline").json()["total"]["count"] == before + 1
    as_user("lilei").delete(f"{API}/opportunities/{theirs}/shares/{share['id']}")
    assert client.get(f"{API}/reports/pipeline").json()["total"]["count"] == before
    with restricted(api_engine, rep):
        body = client.get(f"{API}/reports/pipeline").json()
        won = next(g for g in body["groups"] if g["stage"] == "won")
        assert won["count"] == 0 and won["amount"] == "0.00"
        truth = [r for r in rows(api_engine, "opportunity", scope(api_engine, "hanmeimei"))
                 if r.stage != "won"]
        assert body["total"]["count"] == len(truth)
        assert body["total"]["amount"] == money([r.amount for r in truth])


@contextmanager
def restricted(engine: Engine, user_id: int) -> Iterator[None]:
    """A restriction rule hiding won opportunities from one user, for the block."""
    with system_session(engine, "test set-up") as s:
        rule = RestrictionRule(name="no won deals", object="opportunity",
                               condition={"field": "stage", "op": "eq", "value": "won"},
                               principals=[{"kind": "user", "id": user_id}], active=True)
        s.add(rule)
        bump_policy_version(s)
        s.commit()
        rid = rule.id
    try:
        yield
    finally:
        with system_session(engine, "test tear-down") as s:
            s.execute(delete(RestrictionRule).where(RestrictionRule.id == rid))
            bump_policy_version(s)
            s.commit()


@pytest.mark.parametrize(("user", "path", "params", "status", "field"), [
    ("zhaomin", "pipeline", {}, 403, None),
    ("sunli", "sales-by-month", {}, 403, None),
    ("chenjing", "by-owner", {}, 403, None),
    ("zhaomin", "sales-by-month", {"from": "2026-13"}, 422, "from"),
    ("zhaomin", "sales-by-month", {"from": "2026-05", "to": "2026-01"}, 422, "from"),
    ("zhaomin", "by-owner", {"object": "dragons"}, 422, "object"),
    ("zhaomin", "by-owner", {"object": "customer", "sum": "name"}, 422, "sum"),
    ("zhaomin", "by-owner", {"object": "customer", "sum": "colour"}, 422, "sum"),
    ("zhaomin", "summary", {"object": "customer", "group": "notes"}, 422, "group"),
    ("zhaomin", "summary", {"object": "customer"}, 422, "group"),
])
def test_refused_reports(as_user: Login, user: str, path: str, params: dict[str, str],
                         status: int, field: str | None) -> None:
    r = as_user(user).get(f"{API}/reports/{path}", params=params)
    assert r.status_code == status, r.text
    if field is not None:
        assert error(r)["details"]["field"] == field
    else:
        assert error(r)["details"]["action"] == "view"


def test_report_counts_agree_with_list_totals_for_every_role(api_engine: Engine,
                                                             as_user: Login) -> None:
    for user in ("hanmeimei", "lilei", "zhaomin", "wangfang"):
        client = as_user(user)
        body = client.get(f"{API}/reports/sales-by-month").json()
        listed = client.get(f"{API}/contracts", params={"total": "true", "limit": 1}).json()
        assert body["total"]["count"] == listed["total"], user
        by_month = Counter({g["month"]: g["count"] for g in body["groups"]})
        assert sum(by_month.values()) == listed["total"]
