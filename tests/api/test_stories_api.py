"""Stories 1–3 of SCENARIOS.md through the HTTP API, on SQLite and PostgreSQL.

Each user signs in with a password (POST /auth/token) and works through /api/v1; what
they see is compared with the ground truth read from the tables with a system session
(not through the engine).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.api.conftest import API, Login, TestClient
from vouch.access import models as am
from vouch.db import system_session
from vouch.org import models as om
from vouch.records.models import RECORD_MODELS

SALES_TREE = {2, 3, 4, 5}
REPS = ("hanmeimei", "zhangwei", "liuyang")


def _truth(engine: Engine, obj: str) -> dict[int, Any]:
    """Every record of `obj`, read directly from its table: id → row."""
    model = RECORD_MODELS[obj]
    with system_session(engine, "stories: ground truth") as s:
        return {r.id: r for r in s.scalars(select(model))}


def _users(engine: Engine) -> dict[str, int]:
    with system_session(engine, "stories: users") as s:
        return {u.username: u.id for u in s.scalars(select(om.User))}


def _all_pages(client: TestClient, plural: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 500, **params} | ({"cursor": cursor} if cursor else {})
        r = client.get(f"{API}/{plural}", params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def _denied(r: Any, status: int, obj: str | None = None, action: str | None = None) -> None:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    if obj is not None:
        assert err["details"]["object"] == obj and err["details"]["action"] == action, err
        assert action in err["message"], err


# --- story 1: the sales rep ---------------------------------------------------------------


def test_story1_rep_lists_only_her_own_customers(api_engine: Engine, as_user: Login) -> None:
    me = _users(api_engine)["hanmeimei"]
    truth = _truth(api_engine, "customer")
    mine = {rid for rid, r in truth.items() if r.owner_id == me}
    assert mine and len(mine) < len(truth)
    listed = _all_pages(as_user("hanmeimei"), "customers")
    assert {c["id"] for c in listed} == mine
    r = as_user("hanmeimei").get(f"{API}/customers", params={"total": "true", "limit": 1})
    assert r.json()["total"] == len(mine)


def test_story1_rep_edits_her_customer(api_engine: Engine, as_user: Login) -> None:
    me = _users(api_engine)["hanmeimei"]
    rid, row = next((rid, r) for rid, r in sorted(_truth(api_engine, "customer").items())
                    if r.owner_id == me)
    client = as_user("hanmeimei")
    got = client.get(f"{API}/customers/{rid}")
    assert got.status_code == 200 and got.json()["_editable"] is True
    r = client.patch(f"{API}/customers/{rid}",
                     json={"version": row.version, "notes": "回访：客户计划下季度扩容"})
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == "回访：客户计划下季度扩容"
    after = _truth(api_engine, "customer")[rid]
    assert after.notes == "回访：客户计划下季度扩容" and after.version == row.version + 1
    assert after.updated_by == me


def test_story1_rep_cannot_delete_or_export(api_engine: Engine, as_user: Login) -> None:
    me = _users(api_engine)["hanmeimei"]
    rid = min(rid for rid, r in _truth(api_engine, "customer").items() if r.owner_id == me)
    client = as_user("hanmeimei")
    _denied(client.delete(f"{API}/customers/{rid}"), 403, "customer", "delete")
    assert rid in _truth(api_engine, "customer")
    _denied(client.get(f"{API}/customers/export"), 403, "customer", "export")
    _denied(client.get(f"{API}/customers/export", params={"format": "xlsx"}), 403,
            "customer", "export")


def test_story1_colleagues_customer_is_404_like_a_missing_one(
        api_engine: Engine, as_user: Login) -> None:
    users = _users(api_engine)
    truth = _truth(api_engine, "customer")
    theirs = min(rid for rid, r in truth.items() if r.owner_id == users["zhangwei"])
    missing = max(truth) + 1000
    client = as_user("hanmeimei")
    a, b = client.get(f"{API}/customers/{theirs}"), client.get(f"{API}/customers/{missing}")
    assert a.status_code == b.status_code == 404
    # the same answer as for a record that does not exist, the id aside
    assert a.json() == {"error": {"code": "not_found", "type": "not_found",
                                  "message": f"customer {theirs} not found",
                                  "details": {"object": "customer", "id": theirs}}}
    assert b.json()["error"]["message"] == f"customer {missing} not found"
    for r in (client.patch(f"{API}/customers/{theirs}", json={"version": 1, "notes": "x"}),
              client.get(f"{API}/customers/{theirs}/shares")):
        assert r.status_code == 404, r.text
    assert truth[theirs].notes == _truth(api_engine, "customer")[theirs].notes


def test_story1_contract_amount_hidden_from_the_rep(api_engine: Engine, as_user: Login) -> None:
    me = _users(api_engine)["hanmeimei"]
    truth = _truth(api_engine, "contract")
    mine = {rid for rid, r in truth.items() if r.owner_id == me}
    assert mine and all(truth[rid].amount is not None for rid in mine)
    client = as_user("hanmeimei")
    listed = _all_pages(client, "contracts")
    assert {c["id"] for c in listed} == mine
    for c in listed:
        assert "amount" not in c and "terms" not in c, c
        assert c["number"] == truth[c["id"]].number
    one = client.get(f"{API}/contracts/{min(mine)}").json()
    assert "amount" not in one and "terms" not in one
    # a filter or sort on the hidden amount would reveal it: refused naming the field
    for params in ({"amount__gt": "0"}, {"sort": "amount"}):
        r = client.get(f"{API}/contracts", params=params)
        assert r.status_code == 403 and r.json()["error"]["details"]["field"] == "amount"


# --- story 2: the sales manager -------------------------------------------------------------


@pytest.mark.parametrize(("obj", "plural"), [("customer", "customers"),
                                             ("opportunity", "opportunities")])
def test_story2_manager_sees_every_record_of_his_reps(
        api_engine: Engine, as_user: Login, obj: str, plural: str) -> None:
    users = _users(api_engine)
    truth = _truth(api_engine, obj)
    reps = {users[u] for u in REPS}
    of_reps = {rid for rid, r in truth.items() if r.owner_id in reps}
    team = {rid for rid, r in truth.items()
            if r.department_id in SALES_TREE or r.owner_id == users["lilei"]}
    listed = {c["id"] for c in _all_pages(as_user("lilei"), plural)}
    assert of_reps and of_reps <= listed
    assert listed == team  # his scope is the Sales department tree, nothing beyond
    assert len(listed) < len(truth) or all(r.department_id in SALES_TREE
                                           for r in truth.values())


@pytest.mark.parametrize(("obj", "plural", "field"), [("sales_plan", "sales-plans", "notes"),
                                                      ("task", "tasks", "notes")])
def test_story2_manager_edits_plans_and_tasks(api_engine: Engine, as_user: Login, obj: str,
                                              plural: str, field: str) -> None:
    users = _users(api_engine)
    truth = _truth(api_engine, obj)
    reps = {users[u] for u in REPS}
    rid = min(rid for rid, r in truth.items() if r.owner_id in reps)
    r = as_user("lilei").patch(f"{API}/{plural}/{rid}",
                               json={"version": truth[rid].version, field: "经理已审阅"})
    assert r.status_code == 200, r.text
    after = _truth(api_engine, obj)[rid]
    assert getattr(after, field) == "经理已审阅" and after.updated_by == users["lilei"]
    assert after.owner_id == truth[rid].owner_id  # still the rep's


def test_story2_manager_is_refused_system_settings(api_engine: Engine, as_user: Login) -> None:
    users = _users(api_engine)
    client = as_user("lilei")
    with system_session(api_engine, "stories: count roles") as s:
        roles_before = len(s.scalars(select(am.Role)).all())
        users_before = len(s.scalars(select(om.User)).all())
    refused = [
        (client.post(f"{API}/roles", json={"key": "team_lead", "name": "组长",
                                           "reason": "story 2"}), "manage_roles"),
        (client.patch(f"{API}/roles/1", json={"description": "x", "version": 1,
                                              "reason": "story 2"}), "manage_roles"),
        (client.post(f"{API}/assignments", json={"user_id": users["liuyang"], "role_id": 2,
                                                 "reason": "story 2"}), "manage_roles"),
        (client.post(f"{API}/users", json={"username": "newrep", "display_name": "新人",
                                           "department_id": 3, "reason": "story 2"}),
         "manage_users"),
        (client.post(f"{API}/users/{users['zhangwei']}/deactivate",
                     json={"successor_id": users["lilei"], "version": 1,
                           "reason": "story 2"}), "manage_users"),
        (client.post(f"{API}/departments", json={"name": "华北组", "parent_id": 2,
                                                 "reason": "story 2"}), "manage_users"),
        (client.get(f"{API}/audit/events"), "view_audit"),
    ]
    for r, permission in refused:
        assert r.status_code == 403, r.text
        assert r.json()["error"]["details"]["permission"] == permission, r.text
    with system_session(api_engine, "stories: count roles") as s:
        assert len(s.scalars(select(am.Role)).all()) == roles_before
        assert len(s.scalars(select(om.User)).all()) == users_before
        assert s.get(om.User, users["zhangwei"]).active  # type: ignore[union-attr]


# --- story 3: finance -------------------------------------------------------------------------


@pytest.mark.parametrize(("obj", "plural"), [("contract", "contracts"),
                                             ("payment", "payments")])
def test_story3_finance_sees_amounts_of_everything(api_engine: Engine, as_user: Login,
                                                   obj: str, plural: str) -> None:
    truth = _truth(api_engine, obj)
    listed = _all_pages(as_user("zhaomin"), plural)
    assert {c["id"] for c in listed} == set(truth)
    for item in listed:
        want = truth[item["id"]].amount
        assert want is not None and Decimal(item["amount"]) == want, item
    if obj == "payment":  # payments link to contracts, all of which she can view
        assert all(isinstance(p["contract_id"], dict) and "name" in p["contract_id"]
                   for p in listed if p.get("contract_id") is not None)


def test_story3_finance_cannot_change_a_customer(api_engine: Engine, as_user: Login) -> None:
    truth = _truth(api_engine, "customer")
    rid = min(truth)
    client = as_user("zhaomin")
    assert client.get(f"{API}/customers/{rid}").status_code == 200  # she can view it
    r = client.patch(f"{API}/customers/{rid}",
                     json={"version": truth[rid].version, "level": "A"})
    _denied(r, 403, "customer", "edit")  # the function layer: no role of hers edits customers
    assert r.json()["error"]["message"] == "not allowed to edit customer"
    _denied(client.delete(f"{API}/customers/{rid}"), 403, "customer", "delete")
    _denied(client.post(f"{API}/customers/{rid}/transfer",
                        json={"owner_id": _users(api_engine)["lilei"]}), 403,
            "customer", "transfer")
    _denied(client.post(f"{API}/customers", json={"name": "赵敏新建客户"}), 403,
            "customer", "create")
    after = _truth(api_engine, "customer")[rid]
    assert (after.version, after.level, after.owner_id) == (
        truth[rid].version, truth[rid].level, truth[rid].owner_id)
