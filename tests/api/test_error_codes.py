"""Machine-readable errors: every error body carries `type` (the precise, stable kind) with
its parameters in `details` beside the broad `code` and the English message, for request
parsing (FastAPI's 422s) as for the services' own refusals; a stale version carries the
current version and the record as the caller may see it now; the OpenAPI document lists
every type."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import API, Login
from tests.api.records_truth import events, last_seq, row, rows, uid
from vouch.catalog import OBJECT_MAP
from vouch.errors import ERROR_TYPE_DOCS, ErrorType
from vouch.org.service import MAX_PASSWORD, MIN_PASSWORD


def refusal(r: Any, status: int, code: str, error_type: ErrorType) -> dict[str, Any]:
    """The error object of a refusal, after checking its status, code and type."""
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    assert (err["code"], err["type"]) == (code, error_type.value), err
    assert isinstance(err["message"], str) and err["message"]
    return err


def own_customer(engine: Engine, username: str) -> int:
    me = uid(engine, username)
    return min(r.id for r in rows(engine, "customer", lambda r: r.owner_id == me))


# --- the types themselves --------------------------------------------------------------------


def test_every_type_is_documented_in_the_openapi_document(app: FastAPI) -> None:
    assert set(ERROR_TYPE_DOCS) == set(ErrorType)
    doc = app.openapi()
    schemas = doc["components"]["schemas"]
    assert set(schemas["ErrorType"]["enum"]) == {t.value for t in ErrorType}
    described = schemas["ErrorObject"]["properties"]["type"]["description"]
    assert all(f"`{t.value}`" in described for t in ErrorType)
    assert set(schemas["ErrorObject"]["required"]) == {"code", "type", "message", "details"}
    # every operation documents its errors with that body, none with FastAPI's own 422
    assert "HTTPValidationError" not in schemas
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            refs = op["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"]
            assert refs.endswith("/ErrorBody"), (method, path)


# --- 422 of request parsing ------------------------------------------------------------------


def test_request_parsing_422s_are_typed_with_their_parameters(as_user: Login) -> None:
    client = as_user("hanmeimei")
    err = refusal(client.post(f"{API}/customers", json={"industry": "retail"}), 422, "invalid",
                  ErrorType.REQUIRED)
    assert err["details"]["field"] == "name"
    item = err["details"]["errors"][0]
    assert item | {"message": "-"} == {"field": "name", "in": "body", "message": "-",
                                       "type": "validation.required"}

    err = refusal(client.post(f"{API}/customers", json={"name": "长" * 201}), 422, "invalid",
                  ErrorType.TOO_LONG)
    assert err["details"]["field"] == "name" and err["details"]["limit"] == 200
    assert err["details"]["errors"][0]["limit"] == 200

    err = refusal(client.post(f"{API}/customers", json={"name": "甲", "industry": "mining"}),
                  422, "invalid", ErrorType.CHOICE)
    assert err["details"]["field"] == "industry"
    assert err["details"]["choices"] == list(OBJECT_MAP["customer"].field("industry").choices)

    err = refusal(client.post(f"{API}/opportunities", json={
        "name": "乙", "stage": "lead", "probability": "high"}), 422, "invalid", ErrorType.FORMAT)
    assert err["details"] | {"errors": []} == {"field": "probability", "expected": "integer",
                                                "errors": []}

    err = refusal(client.post(f"{API}/customers", json={"name": "丙", "colour": "red"}), 422,
                  "invalid", ErrorType.UNKNOWN)
    assert err["details"]["field"] == "colour"

    err = refusal(client.get(f"{API}/customers/0"), 422, "invalid", ErrorType.RANGE)
    assert err["details"]["field"] == "record_id" and err["details"]["min"] == 1

    # every problem of the request is listed, each typed
    err = refusal(client.post(f"{API}/customers", json={"name": "", "level": "Z",
                                                        "credit_limit": "lots"}),
                  422, "invalid", ErrorType.CHOICE)
    types = {e["field"]: e["type"] for e in err["details"]["errors"]}
    assert types == {"level": "validation.choice", "credit_limit": "validation.format"}


# --- 422 of the services ---------------------------------------------------------------------


def test_service_422s_are_typed_with_their_parameters(as_user: Login) -> None:
    client = as_user("hanmeimei")
    err = refusal(client.post(f"{API}/customers", json={"name": "   "}), 422, "invalid",
                  ErrorType.REQUIRED)
    assert err["details"] == {"field": "name"}

    err = refusal(client.get(f"{API}/customers", params={"limit": 0}), 422, "invalid",
                  ErrorType.RANGE)
    assert err["details"]["field"] == "limit" and err["details"]["min"] == 1

    err = refusal(client.get(f"{API}/customers", params={"colour": "red"}), 422, "invalid",
                  ErrorType.UNKNOWN)
    assert err["details"] == {"field": "colour"}

    err = refusal(client.get(f"{API}/customers", params={"id__in": "1,x"}), 422, "invalid",
                  ErrorType.FORMAT)
    assert err["details"] == {"field": "id__in", "expected": "integer"}

    err = refusal(client.get(f"{API}/customers", params={"cursor": "not-a-cursor"}), 422,
                  "invalid", ErrorType.CURSOR)
    assert err["details"] == {"field": "cursor"}

    err = refusal(client.post(f"{API}/opportunities", json={"name": "丁", "stage": "lead",
                                                           "customer_id": 2**31 - 2}),
                  422, "invalid", ErrorType.NO_SUCH)
    assert err["details"] == {"field": "customer_id", "kind": "customer", "id": 2**31 - 2}

    err = refusal(client.get(f"{API}/reports/sales-by-month", params={"from": "2026-13"}),
                  422, "invalid", ErrorType.FORMAT)
    assert err["details"]["field"] == "from" and err["details"]["pattern"]
    err = refusal(client.get(f"{API}/reports/sales-by-month",
                             params={"from": "2026-12", "to": "2026-01"}),
                  422, "invalid", ErrorType.ORDER)
    assert err["details"] == {"field": "from", "other": "to"}


def test_administration_422s_are_typed_with_their_parameters(as_user: Login) -> None:
    admin = as_user("wangfang")
    role = {"key": "typed_errors", "name": "类型", "grants": [], "reason": "test"}
    err = refusal(admin.post(f"{API}/roles", json=role | {"reason": " "}), 422, "invalid",
                  ErrorType.REQUIRED)
    assert err["details"] == {"field": "reason"}

    err = refusal(admin.post(f"{API}/roles", json=role | {"grants": [
        {"object": "customer", "action": "view", "scope": "everyone"}]}), 422, "invalid",
        ErrorType.CHOICE)
    assert err["details"]["field"] == "grants[0].scope"
    assert "department_tree" in err["details"]["choices"]

    err = refusal(admin.post(f"{API}/roles", json=role | {"grants": [
        {"object": "customer", "action": "create", "scope": "own"}]}), 422, "invalid",
        ErrorType.OBJECT_ACTION_SCOPE)
    assert err["details"] == {"field": "grants[0].scope", "action": "create"}

    err = refusal(admin.post(f"{API}/roles", json=role | {"grants": [
        {"object": "task", "action": "view", "scope": "own"},
        {"object": "task", "action": "view", "scope": "all"}]}), 422, "invalid",
        ErrorType.DUPLICATE)
    assert err["details"] == {"field": "grants[1]", "other": "grants[0]"}

    err = refusal(admin.post(f"{API}/roles", json=role | {"key": "Bad Key"}), 422, "invalid",
                  ErrorType.FORMAT)
    assert err["details"] == {"field": "key", "expected": "role_key"}

    err = refusal(admin.post(f"{API}/users", json={
        "username": "typed", "display_name": "类型", "department_id": 3,
        "password": "short", "reason": "test"}), 422, "invalid", ErrorType.LENGTH)
    assert err["details"] == {"field": "password", "min": MIN_PASSWORD, "max": MAX_PASSWORD}

    err = refusal(admin.patch(f"{API}/departments/2", json={
        "parent_id": 3, "reason": "test", "version": 1}), 422, "invalid", ErrorType.CYCLE)
    assert err["details"] == {"field": "parent_id"}


# --- 403, 404, 401, 405, 413 -----------------------------------------------------------------


def test_refusals_name_what_was_refused(api_engine: Engine, as_user: Login,
                                        anonymous: TestClient) -> None:
    rep = as_user("hanmeimei")
    mine = own_customer(api_engine, "hanmeimei")
    err = refusal(rep.delete(f"{API}/customers/{mine}"), 403, "forbidden",
                  ErrorType.FORBIDDEN_ACTION)
    assert err["details"] == {"object": "customer", "action": "delete"}

    err = refusal(rep.post(f"{API}/departments", json={"name": "x", "parent_id": 1,
                                                       "reason": "r"}),
                  403, "forbidden", ErrorType.FORBIDDEN_PERMISSION)
    assert err["details"] == {"permission": "manage_users"}

    version = rep.get(f"{API}/customers/{mine}").json()["version"]
    err = refusal(rep.patch(f"{API}/customers/{mine}", json={"credit_limit": "1",
                                                            "version": version}),
                  403, "field_forbidden", ErrorType.FORBIDDEN_FIELD)
    assert err["details"] == {"object": "customer", "field": "credit_limit",
                              "level": "masked", "purpose": "write"}

    seq = last_seq(api_engine)
    err = refusal(rep.get(f"{API}/customers/999999"), 404, "not_found", ErrorType.NOT_FOUND)
    assert err["details"] == {"object": "customer", "id": 999999}
    [denied] = events(api_engine, "access.denied", seq)
    assert denied.details["type"] == "not_found" and denied.details["code"] == "not_found"

    refusal(rep.get(f"{API}/no-such-route"), 404, "not_found", ErrorType.NOT_FOUND)
    refusal(rep.put(f"{API}/customers"), 405, "method_not_allowed",
            ErrorType.METHOD_NOT_ALLOWED)
    refusal(anonymous.get(f"{API}/me"), 401, "not_authenticated", ErrorType.AUTH_REQUIRED)
    err = refusal(rep.post(f"{API}/customers", content=b"{}",
                           headers={"Content-Type": "application/json",
                                    "Content-Length": str(2 * 1024 * 1024)}),
                  413, "too_large", ErrorType.TOO_LARGE)
    assert err["details"] == {"limit": 1024 * 1024}


# --- 409 -------------------------------------------------------------------------------------


def test_a_stale_record_version_carries_the_record_as_the_caller_sees_it_now(
        api_engine: Engine, as_user: Login) -> None:
    client = as_user("zhangwei")
    cid = own_customer(api_engine, "zhangwei")
    v = client.get(f"{API}/customers/{cid}").json()["version"]
    fresh = client.patch(f"{API}/customers/{cid}", json={"notes": "新的", "version": v})
    assert fresh.status_code == 200, fresh.text
    seq = last_seq(api_engine)

    err = refusal(client.patch(f"{API}/customers/{cid}", json={"notes": "旧的", "version": v}),
                  409, "conflict", ErrorType.STALE_VERSION)
    d = err["details"]
    assert {k: d[k] for k in ("object", "id", "current_version", "sent_version")} == {
        "object": "customer", "id": cid, "current_version": v + 1, "sent_version": v}
    assert d["current"] == fresh.json()  # as GET shows it: the rep's own field levels
    assert d["current"]["credit_limit"] in ("***", None)  # masked for a rep, never clear
    truth = row(api_engine, "customer", cid)
    assert truth is not None and truth.notes == "新的" and truth.version == v + 1
    # the values came from an ordinary read: its clear sensitive fields are audited
    reads = events(api_engine, "record.read_sensitive", seq, record_id=str(cid))
    assert [e.details["purpose"] for e in reads] == ["get"]

    err = refusal(client.delete(f"{API}/customers/{cid}", params={"version": v}), 403,
                  "forbidden", ErrorType.FORBIDDEN_ACTION)  # reps may not delete at all
    admin = as_user("wangfang")
    err = refusal(admin.post(f"{API}/customers/{cid}/transfer",
                             json={"owner_id": uid(api_engine, "liuyang"), "version": v}),
                  409, "conflict", ErrorType.STALE_VERSION)
    assert err["details"]["current"]["notes"] == "新的"
    assert err["details"]["current"]["credit_limit"] not in ("***",)  # clear for the admin


def test_administration_conflicts_are_typed(api_engine: Engine, as_user: Login) -> None:
    admin = as_user("wangfang")
    role = admin.post(f"{API}/roles", json={"key": "typed_conflicts", "name": "冲突",
                                            "reason": "test"}).json()
    assert admin.patch(f"{API}/roles/{role['id']}", json={
        "name": "一", "reason": "r", "version": 1}).status_code == 200
    err = refusal(admin.patch(f"{API}/roles/{role['id']}", json={
        "name": "二", "reason": "r", "version": 1}), 409, "conflict", ErrorType.STALE_VERSION)
    assert err["details"] == {"object": "role", "id": role["id"], "current_version": 2,
                              "sent_version": 1}

    err = refusal(admin.post(f"{API}/roles", json={"key": "typed_conflicts", "name": "x",
                                                   "reason": "r"}),
                  409, "conflict", ErrorType.TAKEN)
    assert err["details"] == {"field": "key", "value": "typed_conflicts"}

    err = refusal(admin.delete(f"{API}/departments/2", params={"reason": "r", "version": 1}),
                  409, "conflict", ErrorType.DEPARTMENT_NOT_EMPTY)
    assert set(err["details"]) == {"users", "children", "roles"}
    assert err["details"]["children"] > 0

    me = uid(api_engine, "wangfang")
    version = admin.get(f"{API}/users/{me}").json()["version"]
    err = refusal(admin.post(f"{API}/users/{me}/deactivate", json={
        "successor_id": uid(api_engine, "lilei"), "reason": "r", "version": version}),
        409, "conflict", ErrorType.SELF)
    assert err["details"] == {"id": me}


# --- imports ---------------------------------------------------------------------------------


def test_import_problems_carry_their_type_and_parameters(as_user: Login) -> None:
    csv = "name,industry,level\n好客户,retail,A\n坏客户,mining,A\n,retail,B\n"
    r = as_user("wangfang").post(f"{API}/customers/import", params={"dry_run": "true"},
                                 files={"file": ("c.csv", csv.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    problems = {(p["row"], p["field"]): p for p in r.json()["errors"]}
    choice = problems[3, "industry"]
    assert (choice["code"], choice["type"]) == ("invalid", "validation.choice")
    assert choice["details"]["choices"] == list(OBJECT_MAP["customer"].field("industry").choices)
    assert problems[4, "name"]["type"] == "validation.required"
