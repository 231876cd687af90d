"""The record routes over HTTP: lists with filters and paging, create/get/patch/delete,
transfer and shares for several objects; optimistic concurrency (also under a real race);
404 versus 403 as PERMISSIONS.md says; bad input as 4xx naming the field with nothing
written; the catalog as each user sees it; audit events of writes and of clear reads of
sensitive fields."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import API, Login
from tests.api.records_truth import (
    SALES_TREE,
    count,
    error,
    events,
    last_seq,
    list_all,
    row,
    rows,
    uid,
)
from vouch.records.schemas import Catalog


def own(engine: Engine, obj: str, username: str) -> list[int]:
    me = uid(engine, username)
    return sorted(r.id for r in rows(engine, obj, lambda r: r.owner_id == me))


# --- lists -----------------------------------------------------------------------------------


def test_a_rep_lists_only_her_own_customers_and_paging_visits_each_once(
        api_engine: Engine, as_user: Login) -> None:
    client = as_user("hanmeimei")
    r = client.get(f"{API}/customers", params={"limit": 7, "total": "true"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    mine = own(api_engine, "customer", "hanmeimei")
    assert body["total"] == len(mine) and len(body["items"]) == 7
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get(f"{API}/customers", params={"limit": 7, "sort": "name"}
                          | ({"cursor": cursor} if cursor else {})).json()
        assert "total" not in page
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == mine and len(seen) == len(set(seen))


def test_the_manager_lists_his_department_tree(api_engine: Engine, as_user: Login) -> None:
    got = {i["id"] for i in list_all(as_user("lilei"), "opportunities")}
    assert got == {r.id for r in rows(api_engine, "opportunity",
                                      lambda r: r.department_id in SALES_TREE)}


def test_items_render_masks_references_and_editability(api_engine: Engine,
                                                       as_user: Login) -> None:
    item = as_user("hanmeimei").get(f"{API}/customers", params={"limit": 1}).json()["items"][0]
    truth = row(api_engine, "customer", item["id"])
    assert truth is not None
    assert item["phone"] == truth.phone  # personal: edit for reps
    assert item["credit_limit"] == ("***" if truth.credit_limit is not None else None)
    assert item["_editable"] is True and item["updated_at"].endswith("Z")
    contact = list_all(as_user("hanmeimei"), "contacts")[0]
    assert contact["id_number"].count("*") >= 1  # masked for reps
    ref = contact["customer_id"]
    assert set(ref) == {"id", "name"} and isinstance(ref["name"], str)
    opp = list_all(as_user("wangfang"), "opportunities", amount__gte=1)[0]
    assert isinstance(opp["amount"], str) and Decimal(opp["amount"]) >= 1  # exact decimals


@pytest.mark.parametrize(("params", "keep"), [
    ({"stage": "won"}, lambda r: r.stage == "won"),
    ({"stage__in": "won,lost"}, lambda r: r.stage in ("won", "lost")),
    ({"amount__gte": "1000000"}, lambda r: r.amount is not None and r.amount >= 1000000),
    ({"amount__lt": "500000", "stage__ne": "lost"},
     lambda r: r.amount is not None and r.amount < 500000 and r.stage != "lost"),
    ({"name__contains": "华"}, lambda r: "华" in r.name),
    ({"owner_id": "3"}, lambda r: r.owner_id == 3),
    ({"customer_id__is_null": "false", "probability__le": "40"},
     lambda r: r.customer_id is not None and r.probability is not None and r.probability <= 40),
    ({"filter": '{"or": [{"field": "stage", "op": "eq", "value": "lead"}, '
                '{"field": "probability", "op": "ge", "value": 80}]}'},
     lambda r: r.stage == "lead" or (r.probability is not None and r.probability >= 80)),
])
def test_field_filters_select_exactly_the_matching_visible_records(
        api_engine: Engine, as_user: Login, params: dict[str, str], keep: Any) -> None:
    got = [i["id"] for i in list_all(as_user("wangfang"), "opportunities", **params)]
    assert sorted(got) == sorted(r.id for r in rows(api_engine, "opportunity", keep))
    total = as_user("wangfang").get(f"{API}/opportunities",
                                    params=params | {"total": "true", "limit": 1}).json()
    assert total["total"] == len(got)


def test_filters_and_sort_compose_for_a_rep(api_engine: Engine, as_user: Login) -> None:
    items = list_all(as_user("hanmeimei"), "opportunities", stage__in="won,negotiation",
                     sort="-amount")
    me = uid(api_engine, "hanmeimei")
    truth = [r for r in rows(api_engine, "opportunity",
                             lambda r: r.owner_id == me and r.stage in ("won", "negotiation"))]
    assert {i["id"] for i in items} == {r.id for r in truth}
    amounts = [Decimal(i["amount"]) for i in items if i["amount"] is not None]
    assert amounts == sorted(amounts, reverse=True)


# --- create, get, patch, delete --------------------------------------------------------------


CASES = [
    ("customers", {"name": "杭州测试贸易有限公司", "industry": "retail", "phone": "13800002222",
                   "credit_limit": "50000"}, {"notes": "重点客户", "level": "A"}),
    ("opportunities", {"name": "测试商机", "stage": "lead", "amount": 12345.6,
                       "expected_close": "2027-01-15"}, {"stage": "proposal", "probability": 40}),
    ("tasks", {"title": "准备报价单（测试）", "due_on": "2026-12-01", "priority": "high"},
     {"status": "done"}),
    ("service-records", {"subject": "设备安装调试（测试）", "priority": "urgent",
                         "resolved_at": "2026-11-20T10:00:00+08:00"}, {"status": "resolved"}),
]


@pytest.mark.parametrize(("plural", "values", "change"), CASES)
def test_create_get_patch_delete_round_trip(api_engine: Engine, as_user: Login, plural: str,
                                            values: dict[str, Any],
                                            change: dict[str, Any]) -> None:
    admin = as_user("wangfang")
    since = last_seq(api_engine)
    r = admin.post(f"{API}/{plural}", json=values)
    assert r.status_code == 201, r.text
    created = r.json()
    rid = created["id"]
    assert created["version"] == 1 and created["owner_id"] == uid(api_engine, "wangfang")
    got = admin.get(f"{API}/{plural}/{rid}").json()
    assert got == created
    r = admin.patch(f"{API}/{plural}/{rid}", json=change | {"version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and all(r.json()[k] == v for k, v in change.items())
    assert admin.get(f"{API}/{plural}/{rid}").json()["version"] == 2
    assert admin.delete(f"{API}/{plural}/{rid}", params={"version": 2}).status_code == 204
    assert admin.get(f"{API}/{plural}/{rid}").status_code == 404
    obj = {"customers": "customer", "opportunities": "opportunity", "tasks": "task",
           "service-records": "service_record"}[plural]
    assert row(api_engine, obj, rid) is None
    create, = events(api_engine, "record.create", since, record_id=str(rid))
    assert create.object == obj and create.after["owner_id"] == uid(api_engine, "wangfang")
    update, = events(api_engine, "record.update", since, record_id=str(rid))
    assert set(update.after) == set(change) and set(update.before) == set(change)
    delete, = events(api_engine, "record.delete", since, record_id=str(rid))
    assert all(delete.before[k] == v for k, v in change.items())


def test_created_values_are_stored_as_typed(api_engine: Engine, as_user: Login) -> None:
    r = as_user("hanmeimei").post(f"{API}/opportunities", json={
        "name": "类型测试", "stage": "qualified", "amount": "99.5", "probability": 20,
        "expected_close": "2027-03-01"})
    assert r.status_code == 201, r.text
    stored = row(api_engine, "opportunity", r.json()["id"])
    assert stored is not None and stored.amount == Decimal("99.50")
    assert str(stored.expected_close) == "2027-03-01" and stored.owner_id == 3
    assert r.json()["amount"] == "99.50"


def test_stale_version_is_409_with_the_current_version(api_engine: Engine,
                                                       as_user: Login) -> None:
    client = as_user("zhangwei")
    cid = own(api_engine, "customer", "zhangwei")[0]
    v = client.get(f"{API}/customers/{cid}").json()["version"]
    assert client.patch(f"{API}/customers/{cid}", json={"notes": "一", "version": v}
                        ).status_code == 200
    r = client.patch(f"{API}/customers/{cid}", json={"notes": "二", "version": v})
    assert r.status_code == 409 and error(r)["details"]["current_version"] == v + 1
    assert client.delete(f"{API}/customers/{cid}", params={"version": v}).status_code in (403,
                                                                                         409)
    stored = row(api_engine, "customer", cid)
    assert stored is not None and stored.notes == "一"


def test_concurrent_patches_with_one_version_one_wins(api_engine: Engine, app: FastAPI,
                                                      as_user: Login) -> None:
    cid = own(api_engine, "customer", "liuyang")[0]
    header = as_user("liuyang").headers["Authorization"]
    v = as_user("liuyang").get(f"{API}/customers/{cid}").json()["version"]
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def patch(note: str) -> None:
        with TestClient(app, raise_server_exceptions=False) as c:
            c.headers["Authorization"] = header
            barrier.wait()
            results[note] = c.patch(f"{API}/customers/{cid}",
                                    json={"notes": note, "version": v}).status_code

    threads = [threading.Thread(target=patch, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 409], results
    winner = next(n for n, s in results.items() if s == 200)
    stored = row(api_engine, "customer", cid)
    assert stored is not None and stored.notes == winner and stored.version == v + 1


# --- 404 versus 403 --------------------------------------------------------------------------


def test_someone_elses_record_is_404_and_forbidden_actions_403(api_engine: Engine,
                                                              as_user: Login) -> None:
    client = as_user("hanmeimei")
    theirs = own(api_engine, "customer", "zhangwei")[0]
    mine = own(api_engine, "customer", "hanmeimei")[0]
    for method, path, body in [("GET", f"/customers/{theirs}", None),
                               ("PATCH", f"/customers/{theirs}", {"notes": "x", "version": 1}),
                               ("GET", f"/customers/{theirs}/shares", None),
                               ("GET", "/customers/2147483647", None)]:
        r = client.request(method, f"{API}{path}", json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert error(r)["code"] == "not_found"
    r = client.delete(f"{API}/customers/{mine}")
    assert r.status_code == 403 and error(r)["details"] == {"object": "customer",
                                                            "action": "delete"}
    r = client.get(f"{API}/customers/export")
    assert r.status_code == 403 and error(r)["details"]["action"] == "export"
    r = client.post(f"{API}/contracts", json={"number": "HT-X"})
    assert r.status_code == 403 and error(r)["details"]["action"] == "create"
    assert row(api_engine, "customer", mine) is not None


def test_viewable_but_outside_edit_scope_is_403_naming_the_action(api_engine: Engine,
                                                                  as_user: Login) -> None:
    cid = own(api_engine, "customer", "liuyang")[1]
    r = as_user("zhaomin").patch(f"{API}/customers/{cid}", json={"notes": "x", "version": 1})
    assert r.status_code == 403 and error(r)["details"]["action"] == "edit"


def test_writing_a_field_below_edit_is_403_naming_it(api_engine: Engine, as_user: Login) -> None:
    cid = own(api_engine, "customer", "hanmeimei")[1]
    client = as_user("hanmeimei")
    v = client.get(f"{API}/customers/{cid}").json()["version"]
    r = client.patch(f"{API}/customers/{cid}", json={"credit_limit": "1", "version": v})
    assert r.status_code == 403
    assert error(r)["details"]["field"] == "credit_limit" and error(r)["code"] == "field_forbidden"
    r = client.post(f"{API}/customers", json={"name": "越权", "credit_limit": 5})
    assert r.status_code == 403 and error(r)["details"]["field"] == "credit_limit"


# --- bad input: 4xx naming the field, nothing written ----------------------------------------


@pytest.mark.parametrize(("method", "path", "kw", "status", "field"), [
    ("POST", "/customers", {"content": b'{"name": "x",', "headers": {
        "content-type": "application/json"}}, 422, None),
    ("POST", "/customers", {"json": ["name"]}, 422, None),
    ("POST", "/customers", {"json": {"name": "x", "colour": "red"}}, 422, "colour"),
    ("POST", "/customers", {"json": {"name": 5}}, 422, "name"),
    ("POST", "/customers", {"json": {"name": "x", "industry": "mining"}}, 422, "industry"),
    ("POST", "/customers", {"json": {"name": "x", "email": "not an address"}}, 422, "email"),
    ("POST", "/customers", {"json": {"name": "   "}}, 422, "name"),
    ("POST", "/customers", {"json": {"industry": "retail"}}, 422, "name"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead", "amount": "lots"}},
     422, "amount"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead", "amount": "1e20"}},
     422, "amount"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead",
                                         "probability": 2**40}}, 422, "probability"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead",
                                         "customer_id": 2**31}}, 422, "customer_id"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead",
                                         "customer_id": 999999}}, 422, "customer_id"),
    ("POST", "/opportunities", {"json": {"name": "x", "stage": "lead",
                                         "expected_close": "2026-13-01"}}, 422, "expected_close"),
    ("POST", "/service-records", {"json": {"subject": "x",
                                           "resolved_at": "2026-11-20T10:00:00"}},
     422, "resolved_at"),
    ("POST", "/customers", {"json": {"name": "x", "owner_id": 999999}}, 422, "owner_id"),
    ("PATCH", "/customers/1", {"json": {"notes": "x"}}, 422, "version"),
    ("PATCH", "/customers/1", {"json": {"notes": "x", "version": "1"}}, 422, "version"),
    ("PATCH", "/customers/0", {"json": {"notes": "x", "version": 1}}, 422, "record_id"),
    ("GET", "/customers/2147483648", {}, 422, "record_id"),
    ("GET", "/customers/abc", {}, 422, "record_id"),
    ("DELETE", "/customers/1", {"params": {"version": "x"}}, 422, "version"),
    ("GET", "/customers", {"params": {"limit": 0}}, 422, "limit"),
    ("GET", "/customers", {"params": {"limit": 501}}, 422, "limit"),
    ("GET", "/customers", {"params": {"sort": "-nonsense"}}, 422, "sort"),
    ("GET", "/customers", {"params": {"cursor": "garbage!"}}, 422, "cursor"),
    ("GET", "/customers", {"params": {"cursor": "WyJ4IiwxXQ"}}, 422, "cursor"),  # ["x",1]
    ("GET", "/customers", {"params": {"limt": 5}}, 422, "limt"),
    ("GET", "/customers", {"params": {"industry": "mining"}}, 422, "industry"),
    ("GET", "/customers", {"params": {"id": "x"}}, 422, "id"),
    ("GET", "/customers", {"params": {"name__gte": "a"}}, 422, "name__gte"),
    ("GET", "/customers", {"params": {"name__regex": "a"}}, 422, "name__regex"),
    ("GET", "/opportunities", {"params": {"probability": "abc"}}, 422, "probability"),
    ("GET", "/opportunities", {"params": {"amount__gte": "abc"}}, 422, "amount__gte"),
    ("GET", "/opportunities", {"params": {"stage__in": "won,,lost"}}, 422, "stage__in"),
    ("GET", "/opportunities", {"params": {"amount__gte": "1e400"}}, 422, "amount__gte"),
    ("GET", "/opportunities", {"params": {"probability": "99999999999"}}, 422, "probability"),
    ("GET", "/opportunities", {"params": {"filter": '{"field": "probability", "op": "eq", '
                                                    '"value": 99999999999999}'}}, 422, "filter"),
    ("GET", "/opportunities", {"params": {"filter": '{"field": "amount", "op": "gt", '
                                                    '"value": "1e400"}'}}, 422, "filter"),
    ("GET", "/customers", {"params": {"q": "a\x00b"}}, 422, "q"),
    ("GET", "/customers", {"params": {"name": "a\x00b"}}, 422, "name"),
    ("POST", "/customers", {"json": {"name": "a\x00b"}}, 422, "name"),
    ("GET", "/opportunities", {"params": {"amount__is_null": "maybe"}}, 422,
     "amount__is_null"),
    ("GET", "/customers", {"params": {"filter": "{not json"}}, 422, "filter"),
    ("GET", "/customers", {"params": {"filter": "[" * 5000 + "]" * 5000}}, 422, "filter"),
    ("GET", "/customers", {"params": {"filter": '{"field": "colour", "op": "eq", "value": 1}'}},
     422, "filter"),
    ("POST", "/customers/1/transfer", {"json": {"owner_id": "someone"}}, 422, "owner_id"),
    ("POST", "/customers/1/shares", {"json": {"principal_kind": "team", "principal_id": 3,
                                              "access": "read"}}, 422, "principal_kind"),
    ("POST", "/customers/1/shares", {"json": {"principal_kind": "user", "principal_id": 3,
                                              "access": "read",
                                              "expires_at": "2020-01-01T00:00:00Z"}},
     422, "expires_at"),
    ("POST", "/customers/1/shares", {"json": {"principal_kind": "user", "principal_id": 99999,
                                              "access": "read"}}, 422, "principal_id"),
])
def test_bad_input_is_4xx_naming_the_field_and_writes_nothing(
        api_engine: Engine, as_user: Login, method: str, path: str, kw: dict[str, Any],
        status: int, field: str | None) -> None:
    before = {o: count(api_engine, o) for o in ("customer", "opportunity", "service_record")}
    since = last_seq(api_engine)
    r = as_user("wangfang").request(method, f"{API}{path}", **kw)
    assert r.status_code == status, r.text
    body = error(r)
    assert body["code"] == "invalid" and body["message"]
    if field is not None:
        assert body["details"]["field"] == field, body
    assert {o: count(api_engine, o) for o in before} == before
    assert events(api_engine, "record.create", since) == []
    assert events(api_engine, "record.update", since) == []


def test_a_failed_create_with_owner_writes_nothing(api_engine: Engine, as_user: Login) -> None:
    before = count(api_engine, "customer")
    r = as_user("hanmeimei").post(f"{API}/customers", json={
        "name": "越权客户", "owner_id": uid(api_engine, "zhangwei")})
    assert r.status_code == 403 and error(r)["details"]["action"] == "transfer"
    assert count(api_engine, "customer") == before


# --- transfer and shares ---------------------------------------------------------------------


def test_transfer_moves_owner_and_department_and_is_audited(api_engine: Engine,
                                                            as_user: Login) -> None:
    since = last_seq(api_engine)
    cid = own(api_engine, "customer", "liuyang")[2]
    target = uid(api_engine, "hanmeimei")
    r = as_user("lilei").post(f"{API}/customers/{cid}/transfer", json={"owner_id": target})
    assert r.status_code == 200, r.text
    assert r.json()["owner_id"] == target and r.json()["department_id"] == 3
    assert as_user("hanmeimei").get(f"{API}/customers/{cid}").status_code == 200
    assert as_user("liuyang").get(f"{API}/customers/{cid}").status_code == 404
    event, = events(api_engine, "record.transfer", since, record_id=str(cid))
    assert event.before == {"owner_id": uid(api_engine, "liuyang"), "department_id": 5}
    assert event.after == {"owner_id": target, "department_id": 3}
    r = as_user("hanmeimei").post(f"{API}/customers/{cid}/transfer",
                                  json={"owner_id": uid(api_engine, "zhangwei")})
    assert r.status_code == 403 and error(r)["details"]["action"] == "transfer"


def test_patch_with_owner_is_a_transfer(api_engine: Engine, as_user: Login) -> None:
    since = last_seq(api_engine)
    oid = own(api_engine, "opportunity", "zhangwei")[0]
    client = as_user("lilei")
    v = client.get(f"{API}/opportunities/{oid}").json()["version"]
    r = client.patch(f"{API}/opportunities/{oid}",
                     json={"owner_id": uid(api_engine, "liuyang"), "source": "转介绍",
                           "version": v})
    assert r.status_code == 200, r.text
    assert r.json()["owner_id"] == uid(api_engine, "liuyang") and r.json()["department_id"] == 5
    event, = events(api_engine, "record.update", since, record_id=str(oid))
    assert event.after["owner_id"] == uid(api_engine, "liuyang")
    assert event.before["department_id"] == 4 and event.after["department_id"] == 5


def test_share_gives_view_until_unshared(api_engine: Engine, as_user: Login) -> None:
    since = last_seq(api_engine)
    cid = own(api_engine, "customer", "liuyang")[3]
    rep = uid(api_engine, "zhangwei")
    manager = as_user("lilei")
    assert as_user("zhangwei").get(f"{API}/customers/{cid}").status_code == 404
    r = manager.post(f"{API}/customers/{cid}/shares", json={
        "principal_kind": "user", "principal_id": rep, "access": "read", "reason": "协助跟进",
        "expires_at": "2027-01-01T00:00:00Z"})
    assert r.status_code == 201, r.text
    share = r.json()
    assert share["expires_at"] == "2027-01-01T00:00:00Z" and share["shared_by"] == 2
    seen = as_user("zhangwei").get(f"{API}/customers/{cid}")
    assert seen.status_code == 200 and seen.json()["_editable"] is False
    r = as_user("zhangwei").patch(f"{API}/customers/{cid}", json={"notes": "x", "version": 1})
    assert r.status_code == 403 and error(r)["details"]["action"] == "edit"
    assert [s["id"] for s in manager.get(f"{API}/customers/{cid}/shares").json()["items"]] \
        == [share["id"]]
    assert manager.delete(f"{API}/customers/{cid}/shares/{share['id']}").status_code == 204
    assert manager.delete(f"{API}/customers/{cid}/shares/{share['id']}").status_code == 404
    assert as_user("zhangwei").get(f"{API}/customers/{cid}").status_code == 404
    shared, = events(api_engine, "record.share", since, record_id=str(cid))
    assert shared.after["principal_id"] == rep and shared.reason == "协助跟进"
    unshared, = events(api_engine, "record.unshare", since, record_id=str(cid))
    assert unshared.before["id"] == share["id"]


# --- the catalog -----------------------------------------------------------------------------


def _catalog(client: TestClient) -> dict[str, dict[str, Any]]:
    r = client.get(f"{API}/catalog")
    assert r.status_code == 200
    return {o["name"]: o for o in r.json()["objects"]}


def test_catalog_says_what_each_user_may_do(as_user: Login) -> None:
    rep = _catalog(as_user("hanmeimei"))
    assert len(rep) == 9
    assert rep["customer"]["actions"] == ["view", "edit", "create"]
    assert rep["customer"]["scopes"] == {"view": ["own"], "edit": ["own"]}
    levels = {f["name"]: f["level"] for f in rep["contract"]["fields"]}
    assert levels["amount"] == "hidden" and levels["terms"] == "hidden"
    assert levels["number"] == "read"  # edit by default, no edit action on contracts: read
    number = next(f for f in rep["contract"]["fields"] if f["name"] == "number")
    assert number["writable_on_create"] is False
    assert all(f["writable_on_create"] == (f["name"] != "credit_limit")
               for f in rep["customer"]["fields"])
    amount = next(f for f in rep["contract"]["fields"] if f["name"] == "amount")
    assert amount["sensitivity"] == "financial" and amount["label_zh"] == "合同金额"
    assert "ge" in amount["filter_ops"] and "contains" not in amount["filter_ops"]
    assert rep["payment"]["actions"] == []
    finance = _catalog(as_user("zhaomin"))
    assert {f["name"]: f["level"] for f in finance["contract"]["fields"]}["amount"] == "read"
    assert {f["name"]: f["level"] for f in finance["customer"]["fields"]}["phone"] == "masked"
    assert finance["payment"]["actions"] == ["view", "edit", "export", "create", "import"]
    stage = next(f for f in finance["opportunity"]["fields"] if f["name"] == "stage")
    assert stage["choices"][0] == "lead" and stage["required"] is True
    contact = next(f for f in finance["contact"]["fields"] if f["name"] == "customer_id")
    assert contact["ref"] == "customer" and contact["type"] == "reference"


def test_catalog_labels_every_choice_in_both_languages(as_user: Login) -> None:
    body = as_user("hanmeimei").get(f"{API}/catalog").json()
    Catalog.model_validate(body)  # the shape the OpenAPI document gives
    enums = [f for o in body["objects"] for f in o["fields"] if f["type"] == "enum"]
    assert len(enums) == 12
    for f in enums:
        assert list(f["choice_labels"]) == f["choices"], f["name"]
        assert all(lab["label_zh"] and lab["label_en"] for lab in f["choice_labels"].values())
    stage = next(f for o in body["objects"] if o["name"] == "opportunity"
                 for f in o["fields"] if f["name"] == "stage")
    assert stage["choice_labels"]["won"] == {"label_zh": "赢单", "label_en": "Won"}
    others = [f for o in body["objects"] for f in o["fields"] if f["type"] != "enum"]
    assert all(f["choices"] == [] and f["choice_labels"] == {} for f in others)


# --- audit of clear sensitive reads ----------------------------------------------------------


def test_clear_reads_of_sensitive_fields_are_audited_once_per_request(
        api_engine: Engine, as_user: Login) -> None:
    since = last_seq(api_engine)
    items = as_user("hanmeimei").get(f"{API}/customers", params={"limit": 30}).json()["items"]
    event, = events(api_engine, "record.read_sensitive", since)
    assert event.object == "customer" and event.actor == "hanmeimei"
    assert event.details["fields"] == ["phone", "email", "address"]  # credit_limit is masked
    assert event.details["count"] == 30 and event.details["ids"] == [i["id"] for i in items]
    since = last_seq(api_engine)
    as_user("zhaomin").get(f"{API}/customers/{items[0]['id']}")
    event, = events(api_engine, "record.read_sensitive", since)
    assert event.details["fields"] == ["credit_limit"] and event.record_id == str(items[0]["id"])
    since = last_seq(api_engine)
    as_user("hanmeimei").get(f"{API}/tasks", params={"limit": 30})  # no sensitive field
    as_user("hanmeimei").get(f"{API}/contracts", params={"limit": 30})  # amount/terms hidden
    assert events(api_engine, "record.read_sensitive", since) == []


def test_the_sensitive_read_event_caps_its_id_list(api_engine: Engine, as_user: Login,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vouch.records.sensitive_reads.READ_AUDIT_IDS", 40)
    since = last_seq(api_engine)
    r = as_user("wangfang").get(f"{API}/customers", params={"limit": 100})
    event, = events(api_engine, "record.read_sensitive", since)
    assert event.details["count"] == len(r.json()["items"]) == 100
    assert event.details["ids"] == [i["id"] for i in r.json()["items"]][:40]


def test_openapi_documents_each_object(app: FastAPI) -> None:
    spec = TestClient(app).get(f"{API}/openapi.json").json()
    post = spec["paths"][f"{API}/opportunities"]["post"]
    assert post["tags"] == ["opportunities"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False and schema["required"] == ["name", "stage"]
    names = {p["name"] for p in spec["paths"][f"{API}/opportunities"]["get"]["parameters"]}
    assert {"limit", "cursor", "sort", "q", "total", "filter", "stage", "amount"} <= names
