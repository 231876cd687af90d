"""Requests and approvals through the API, on SQLite and PostgreSQL: separation of duties,
record requests, the two-person rule, deadlines that escalate or expire with the clock,
preconditions at request and at final approval, stale versions, bad input, problem
reports, approval policies, workflow settings and conflicting role pairs."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid
from tests.api.conftest import API, Clock, Login, TestClient
from vouch.access.models import RoleAssignment, Share
from vouch.db import system_session
from vouch.records.models import RECORD_MODELS

_names = itertools.count(1)


def _role(admin: TestClient, *, permissions: list[str] | None = None,
          grants: list[dict[str, str]] | None = None) -> int:
    r = admin.post(f"{API}/roles", json={
        "key": f"wf_role_{next(_names)}", "name": "流程测试角色", "name_en": "Workflow role",
        "permissions": permissions or [], "grants": grants or [], "reason": "workflow test"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _ask(client: TestClient, role_id: int, **extra: Any) -> dict[str, Any]:
    r = client.post(f"{API}/requests", json={"kind": "role", "role_id": role_id,
                                             "reason": "I need it", **extra})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def _decide(client: TestClient, req: dict[str, Any], action: str = "approve",
            status: int = 200, **body: Any) -> dict[str, Any]:
    r = client.post(f"{API}/requests/{req['id']}/{action}",
                    json={"version": req["version"], **body})
    assert r.status_code == status, r.text
    out: dict[str, Any] = r.json()
    return out


@pytest.fixture
def restore_clock(clock: Clock) -> Iterator[Clock]:
    saved = clock.now
    yield clock
    clock.now = saved


# --- separation of duties ------------------------------------------------------------------


def test_nobody_decides_their_own_request_or_two_steps(as_user: Login) -> None:
    wangfang, lilei, zhangwei = as_user("wangfang"), as_user("lilei"), as_user("zhangwei")
    role = _role(wangfang)
    req = _ask(zhangwei, role, days=5)
    assert [s["user"]["username"] if s["user"] else s["permission"]
            for s in req["steps"]] == ["lilei", "approve_requests"]
    refused = _decide(zhangwei, req, status=403)
    assert error(_Resp(refused))["details"]["reason"] == "own_request"
    assert error(_Resp(_decide(wangfang, req, status=403)))["details"]["reason"] == \
        "not_an_approver"
    req = _decide(lilei, req)
    assert req["current_step"] == 1 and req["can"]["approve"] is False
    assert req["refusal"] == "approved_earlier_step"
    # lilei holds approve_requests but approved step 1: wangfang is the only one left
    assert [u["username"] for u in req["current_approvers"]] == ["wangfang"]
    assert req["id"] not in {r["id"] for r in lilei.get(f"{API}/approvals").json()["items"]}
    done = _decide(wangfang, req)
    assert done["status"] == "approved" and done["ends_at"] is not None


class _Resp:
    """An already decoded error body, shaped like a response for `error()`."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def json(self) -> dict[str, Any]:
        return self.body


def test_requests_are_seen_only_by_those_concerned(as_user: Login) -> None:
    role = _role(as_user("wangfang"))
    req = _ask(as_user("hanmeimei"), role)
    for who, status in (("hanmeimei", 200), ("lilei", 200), ("sunli", 200),
                        ("wangfang", 200), ("zhaomin", 404), ("chenjing", 404)):
        r = as_user(who).get(f"{API}/requests/{req['id']}")
        assert r.status_code == status, (who, r.text)
    r = as_user("zhaomin").post(f"{API}/requests/{req['id']}/reject",
                                json={"version": req["version"], "reason": "no"})
    assert r.status_code == 404


# --- record requests -------------------------------------------------------------------------


def _customer_of(engine: Engine, owner: str) -> int:
    model = RECORD_MODELS["customer"]
    with system_session(engine, "test: a customer") as s:
        return int(s.scalars(select(model.id).where(model.owner_id == uid(engine, owner))
                             .order_by(model.id)).first())


def test_record_request_shares_after_a_sharer_approves(api_engine: Engine,
                                                       as_user: Login) -> None:
    hanmeimei, lilei, wangfang = as_user("hanmeimei"), as_user("lilei"), as_user("wangfang")
    rid = _customer_of(api_engine, "zhangwei")
    assert hanmeimei.get(f"{API}/customers/{rid}").status_code == 404
    r = hanmeimei.post(f"{API}/requests", json={
        "kind": "record", "object": "customer", "record_id": rid, "access": "read",
        "reason": "joint visit next week"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["record_name"] is None  # she cannot view it: only its id is shown
    assert [s["approver"] for s in req["steps"]] == ["manager", "record_sharer"]
    seen_by_lilei = lilei.get(f"{API}/requests/{req['id']}").json()
    assert seen_by_lilei["record_name"]  # lilei may view it
    req = _decide(lilei, req)
    # lilei could share it but approved step 1; wangfang may share every customer
    assert [u["username"] for u in req["current_approvers"]] == ["wangfang"]
    done = _decide(wangfang, req)
    assert done["status"] == "approved"
    with Session(api_engine) as s:
        share = s.scalars(select(Share).where(Share.request_id == req["id"])).one()
        assert (share.principal_kind, share.principal_id, share.access) == (
            "user", uid(api_engine, "hanmeimei"), "read")
    assert hanmeimei.get(f"{API}/customers/{rid}").status_code == 200
    again = hanmeimei.post(f"{API}/requests", json={
        "kind": "record", "object": "customer", "record_id": rid, "access": "read",
        "reason": "again"})
    assert again.status_code == 409 and error(again)["type"] == "conflict.already_holds"


def test_record_request_needs_the_function(api_engine: Engine, as_user: Login) -> None:
    rid = _customer_of(api_engine, "zhangwei")
    r = as_user("sunli").post(f"{API}/requests", json={
        "kind": "record", "object": "customer", "record_id": rid, "access": "read_write",
        "reason": "audit"})
    assert r.status_code == 422, r.text
    failed = error(r)["details"]["preconditions"]
    assert {(f["code"], f["params"]["action"]) for f in failed} == {
        ("function_missing", "view"), ("function_missing", "edit")}
    # a missing record says nothing: the request is accepted like any other
    ok = as_user("chenjing").post(f"{API}/requests", json={
        "kind": "record", "object": "customer", "record_id": 2_000_000, "access": "read",
        "reason": "a customer called"})
    assert ok.status_code == 201, ok.text


# --- input, conflicts and versions -------------------------------------------------------------


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "role"}, "role_id"),
    ({"kind": "role", "role_id": 1, "days": 3, "ends_at": "2030-01-01T00:00:00Z"}, "days"),
    ({"kind": "role", "role_id": 999999}, "role_id"),
    ({"kind": "role", "role_id": 1, "object": "customer"}, "object"),
    ({"kind": "record", "object": "customer", "record_id": 1}, "access"),
    ({"kind": "record", "object": "nothing", "record_id": 1, "access": "read"}, "object"),
    ({"kind": "record", "object": "customer", "record_id": 1, "access": "read",
      "ends_at": "2020-01-01T00:00:00Z"}, "ends_at"),
    ({"kind": "grant", "role_id": 1}, "kind"),
    ({"kind": "role", "role_id": 1, "days": 0}, "days"),
])
def test_bad_input_names_the_field(as_user: Login, body: dict[str, Any], field: str) -> None:
    r = as_user("zhaomin").post(f"{API}/requests", json=body | {"reason": "test"})
    assert r.status_code == 422, r.text
    assert error(r)["details"]["field"] == field


def test_time_limits_of_a_policy(as_user: Login) -> None:
    liuyang = as_user("liuyang")
    manager = next(r["id"] for r in liuyang.get(f"{API}/roles").json()["items"]
                   if r["key"] == "sales_manager")
    for extra, field in (({}, "days"), ({"days": 91}, "days")):
        r = liuyang.post(f"{API}/requests/check", json={"kind": "role", "role_id": manager,
                                                         **extra})
        assert r.status_code == 422 and error(r)["details"]["field"] == field, r.text


def test_held_twin_and_stale_version(as_user: Login) -> None:
    hanmeimei, lilei = as_user("hanmeimei"), as_user("lilei")
    rep = next(r["id"] for r in hanmeimei.get(f"{API}/roles").json()["items"]
               if r["key"] == "sales_rep")
    held = hanmeimei.post(f"{API}/requests", json={"kind": "role", "role_id": rep,
                                                    "reason": "x"})
    assert held.status_code == 409 and error(held)["details"]["code"] == "already_held"
    role = _role(as_user("wangfang"))
    req = _ask(hanmeimei, role)
    twin = hanmeimei.post(f"{API}/requests", json={"kind": "role", "role_id": role,
                                                    "reason": "again"})
    assert twin.status_code == 409 and error(twin)["type"] == "conflict.request_open"
    stale = lilei.post(f"{API}/requests/{req['id']}/approve",
                       json={"version": req["version"] + 5})
    assert stale.status_code == 409 and error(stale)["type"] == "conflict.stale_version"
    no_reason = lilei.post(f"{API}/requests/{req['id']}/reject",
                           json={"version": req["version"]})
    assert no_reason.status_code == 422 and error(no_reason)["details"]["field"] == "reason"


def test_changes_withdraw_resubmit(api_engine: Engine, as_user: Login) -> None:
    zhangwei, lilei = as_user("zhangwei"), as_user("lilei")
    req = _ask(zhangwei, _role(as_user("wangfang")), days=10)
    req = _decide(lilei, req, "request-changes", reason="say which customers")
    assert req["status"] == "changes_requested" and req["can"]["resubmit"] is False
    assert lilei.post(f"{API}/requests/{req['id']}/approve",
                      json={"version": req["version"]}).status_code == 409
    other = lilei.post(f"{API}/requests/{req['id']}/resubmit",
                       json={"version": req["version"], "reason": "not mine"})
    assert other.status_code == 403 and error(other)["details"]["reason"] == "not_requester"
    req = _decide(zhangwei, req, "resubmit", reason="the Hangzhou customers", days=5)
    assert req["status"] == "pending" and req["current_step"] == 0 and req["days"] == 5
    req = _decide(zhangwei, req, "withdraw")
    assert req["status"] == "withdrawn"
    closed = lilei.post(f"{API}/requests/{req['id']}/approve", json={"version": req["version"]})
    assert closed.status_code == 409 and error(closed)["type"] == "conflict.request_closed"
    decisions = [h["decision"] for h in zhangwei.get(f"{API}/requests/{req['id']}").json()[
        "history"]]
    assert decisions == ["changes_requested", "resubmitted", "withdrawn"]
    assert events(api_engine, "workflow.request_withdrawn", req["id"])


def test_preconditions_again_at_final_approval(as_user: Login) -> None:
    wangfang, lilei, zhangwei = as_user("wangfang"), as_user("lilei"), as_user("zhangwei")
    role = _role(wangfang)
    req = _decide(lilei, _ask(zhangwei, role))
    policy = wangfang.post(f"{API}/approval-policies", json={
        "role_id": role, "steps": [{"approver": "manager"}],
        "required_courses": ["wf_course"], "reason": "training first"})
    assert policy.status_code == 201, policy.text
    r = wangfang.post(f"{API}/requests/{req['id']}/approve", json={"version": req["version"]})
    assert r.status_code == 409, r.text
    assert error(r)["type"] == "conflict.preconditions"
    assert [p["code"] for p in error(r)["details"]["preconditions"]] == ["training_missing"]
    still = zhangwei.get(f"{API}/requests/{req['id']}").json()
    assert still["status"] == "pending" and still["version"] == req["version"]
    assert {p["code"] for p in still["preconditions"]} >= {"training_missing"}
    assert wangfang.post(f"{API}/users/{still['requester']['id']}/trainings",
                         json={"course": "wf_course", "reason": "done"}).status_code == 201
    assert _decide(wangfang, req)["status"] == "approved"


# --- conflicting pairs and the two-person rule -----------------------------------------------


def test_conflicting_roles_are_not_held_together(api_engine: Engine, as_user: Login) -> None:
    wangfang, hanmeimei = as_user("wangfang"), as_user("hanmeimei")
    role = _role(wangfang)
    rep = next(r["id"] for r in wangfang.get(f"{API}/roles").json()["items"]
               if r["key"] == "sales_rep")
    made = wangfang.post(f"{API}/role-conflicts", json={"role_a_id": role, "role_b_id": rep,
                                                         "reason": "cashier vs approver"})
    assert made.status_code == 201, made.text
    assert "hanmeimei" not in {u["username"] for u in made.json()["holders_of_both"]}
    twin = wangfang.post(f"{API}/role-conflicts", json={"role_a_id": rep, "role_b_id": role,
                                                         "reason": "again"})
    assert twin.status_code == 409
    same = wangfang.post(f"{API}/role-conflicts", json={"role_a_id": rep, "role_b_id": rep,
                                                         "reason": "x"})
    assert same.status_code == 422 and error(same)["details"]["field"] == "role_b_id"
    r = hanmeimei.post(f"{API}/requests", json={"kind": "role", "role_id": role,
                                                 "reason": "x"})
    assert r.status_code == 422
    assert [(p["code"], p["params"]["role"]) for p in error(r)["details"]["preconditions"]] \
        == [("role_conflict", "sales_rep")]
    direct = wangfang.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "hanmeimei"), "role_id": role, "reason": "direct"})
    assert direct.status_code == 409 and error(direct)["type"] == "conflict.preconditions"
    assert events(api_engine, "workflow.role_conflict_created", made.json()["id"])
    gone = wangfang.delete(f"{API}/role-conflicts/{made.json()['id']}",
                           params={"reason": "reorganised"})
    assert gone.status_code == 204


def _settings(client: TestClient, **changes: Any) -> dict[str, Any]:
    current = client.get(f"{API}/settings/workflow").json()
    r = client.patch(f"{API}/settings/workflow", json={**changes, "version": current["version"],
                                                       "reason": "workflow test"})
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_two_person_rule(api_engine: Engine, as_user: Login) -> None:
    wangfang, zhaomin, chenjing = as_user("wangfang"), as_user("zhaomin"), as_user("chenjing")
    admin2 = _role(wangfang, permissions=["manage_roles"])
    second = wangfang.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "zhaomin"), "role_id": admin2, "reason": "a deputy"})
    assert second.status_code == 201, second.text
    _settings(wangfang, two_person_rule=True)
    try:
        powerful = _role(wangfang, permissions=["view_audit"])
        plain = _role(wangfang)
        chenjing_id = uid(api_engine, "chenjing")
        direct = wangfang.post(f"{API}/assignments", json={
            "user_id": chenjing_id, "role_id": plain, "reason": "no system permission"})
        assert direct.status_code == 201, direct.text
        r = wangfang.post(f"{API}/assignments", json={
            "user_id": chenjing_id, "role_id": powerful, "reason": "quarterly audit help"})
        assert r.status_code == 202, r.text
        req = r.json()
        assert req["kind"] == "grant" and req["status"] == "pending"
        assert req["requester"]["username"] == "wangfang"
        assert req["beneficiary"]["username"] == "chenjing"
        assert [u["username"] for u in req["current_approvers"]] == ["zhaomin"]
        with Session(api_engine) as s:
            assert s.scalars(select(RoleAssignment).where(
                RoleAssignment.user_id == chenjing_id,
                RoleAssignment.role_id == powerful)).first() is None
        assert error(_Resp(_decide(wangfang, req, status=403)))["details"]["reason"] == \
            "own_request"
        assert error(_Resp(_decide(chenjing, req, status=403)))["details"]["reason"] == \
            "beneficiary"
        done = _decide(zhaomin, req)
        assert done["status"] == "approved"
        with Session(api_engine) as s:
            a = s.scalars(select(RoleAssignment).where(
                RoleAssignment.request_id == req["id"])).one()
            assert (a.user_id, a.role_id, a.granted_by) == (chenjing_id, powerful,
                                                             uid(api_engine, "zhaomin"))
        assert "view_audit" in chenjing.get(f"{API}/me").json()["permissions"]
    finally:
        _settings(wangfang, two_person_rule=False)


def test_two_person_rule_refuses_system_permissions_added_to_a_held_role(
        api_engine: Engine, as_user: Login) -> None:
    """Adding a system permission to a role someone holds would make them an administrator
    without a second administrator: refused (409 naming the holders) while the rule is on,
    by the API and by a configuration import; a role nobody holds may take it."""
    wangfang = as_user("wangfang")
    held = _role(wangfang)
    r = wangfang.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "chenjing"), "role_id": held, "reason": "helper"})
    assert r.status_code == 201, r.text
    unheld = _role(wangfang)
    _settings(wangfang, two_person_rule=True)
    try:
        role = wangfang.get(f"{API}/roles/{held}").json()
        r = wangfang.patch(f"{API}/roles/{held}", json={
            "permissions": ["manage_users"], "version": role["version"], "reason": "more"})
        assert r.status_code == 409, r.text
        body = error(r)
        assert body["type"] == "conflict.two_person"
        assert body["details"]["holders"] == ["chenjing"]
        assert "manage_users" not in as_user("chenjing").get(f"{API}/me").json()["permissions"]
        exported = wangfang.get(f"{API}/config/export", params={"format": "json"}).json()
        for item in exported["roles"]:
            if item["key"] == role["key"]:
                item["permissions"] = ["manage_users"]
        r = wangfang.post(f"{API}/config/apply", json={"document": exported,
                                                       "reason": "sneak it in"})
        assert r.status_code == 409, r.text
        assert error(r)["type"] == "conflict.two_person"
        other = wangfang.get(f"{API}/roles/{unheld}").json()
        r = wangfang.patch(f"{API}/roles/{unheld}", json={
            "permissions": ["manage_users"], "version": other["version"], "reason": "new"})
        assert r.status_code == 200, r.text
    finally:
        _settings(wangfang, two_person_rule=False)


# --- deadlines ---------------------------------------------------------------------------------


def test_deadline_escalates_then_expires(api_engine: Engine, as_user: Login,
                                         restore_clock: Clock) -> None:
    wangfang, zhangwei = as_user("wangfang"), as_user("zhangwei")
    escalating = _role(wangfang)
    expiring = _role(wangfang)
    assert wangfang.post(f"{API}/approval-policies", json={
        "role_id": expiring, "steps": [{"approver": "manager"}], "step_deadline_hours": 24,
        "on_deadline": "expire", "reason": "short"}).status_code == 201
    up = _ask(zhangwei, escalating)
    ends = _ask(zhangwei, expiring)
    assert up["steps"][0]["user"]["username"] == "lilei"
    restore_clock.advance(hours=73)
    zhangwei, wangfang = as_user("zhangwei", fresh=True), as_user("wangfang", fresh=True)
    # A read applies the deadlines: lilei's step passes on to approve_requests holders
    # (the department head above zhangwei is lilei himself, skipped).
    seen_r = zhangwei.get(f"{API}/requests/{up['id']}")
    assert seen_r.status_code == 200, seen_r.text
    seen = seen_r.json()
    assert seen["status"] == "pending" and seen["steps"][0]["escalated"] is True
    assert seen["steps"][0]["permission"] == "approve_requests"
    assert {u["username"] for u in seen["current_approvers"]} == {"lilei", "wangfang"}
    assert seen["version"] > up["version"]
    assert [h["decision"] for h in seen["history"]] == ["escalated"]
    gone = zhangwei.get(f"{API}/requests/{ends['id']}").json()
    assert gone["status"] == "expired"
    assert events(api_engine, "workflow.request_expired", ends["id"])
    assert events(api_engine, "workflow.request_escalated", up["id"])
    kinds = [n["kind"] for n in zhangwei.get(f"{API}/me/notifications").json()["items"]]
    assert "request.expired" in kinds
    # a decision on the old version is stale
    stale = wangfang.post(f"{API}/requests/{up['id']}/approve", json={"version": up["version"]})
    assert stale.status_code == 409
    # past the end of the line (manage_roles holders) the request expires
    restore_clock.advance(hours=72 * 3)
    zhangwei = as_user("zhangwei", fresh=True)
    assert zhangwei.get(f"{API}/requests/{up['id']}").json()["status"] == "expired"


# --- problem reports -------------------------------------------------------------------------


def test_problem_report_goes_to_administrators(api_engine: Engine, as_user: Login) -> None:
    hanmeimei, wangfang = as_user("hanmeimei"), as_user("wangfang")
    rid = _customer_of(api_engine, "hanmeimei")
    r = hanmeimei.post(f"{API}/me/access/problems", json={
        "object": "customer", "action": "delete", "record_id": rid,
        "message": "I must delete a duplicate of my customer"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["kind"] == "problem" and "explanation" not in req["context"]
    assert req["context"]["action"] == "delete"
    assert "wangfang" in {u["username"] for u in req["current_approvers"]}
    handled = wangfang.get(f"{API}/requests/{req['id']}").json()
    assert handled["context"]["explanation"]["allowed"] is False
    assert handled["context"]["explanation"]["first_denied"] == "function"
    assert req["id"] in {x["id"] for x in wangfang.get(f"{API}/approvals").json()["items"]}
    bad = hanmeimei.post(f"{API}/me/access/problems", json={"field": "name", "message": "x"})
    assert bad.status_code == 422 and error(bad)["details"]["field"] == "field"
    no_reason = wangfang.post(f"{API}/requests/{req['id']}/reject",
                              json={"version": handled["version"]})
    assert no_reason.status_code == 422
    resolved = _decide(wangfang, handled, reason="deleted the duplicate for her")
    assert resolved["status"] == "approved"
    with Session(api_engine) as s:
        assert s.scalars(select(Share).where(Share.request_id == req["id"])).first() is None


# --- policies and settings ---------------------------------------------------------------------


def test_approval_policies(api_engine: Engine, as_user: Login) -> None:
    wangfang, sunli = as_user("wangfang"), as_user("sunli")
    listed = sunli.get(f"{API}/approval-policies").json()
    assert listed["default"]["source"] == "builtin"
    assert [s["approver"] for s in listed["default"]["steps"]] == ["manager", "permission"]
    assert sunli.post(f"{API}/approval-policies", json={
        "steps": [{"approver": "manager"}], "reason": "x"}).status_code == 403
    role = _role(wangfang, permissions=["run_reviews"])
    for steps, field in (([{"approver": "boss"}], "steps[0].approver"),
                         ([{"approver": "manager"}, {"approver": "permission"}],
                          "steps[1].permission"),
                         ([{"approver": "role", "role_id": 999999}], "steps[0].role_id"),
                         ([{"approver": "manager", "permission": "manage_roles"}],
                          "steps[0].permission")):
        r = wangfang.post(f"{API}/approval-policies", json={"role_id": role, "steps": steps,
                                                             "reason": "x"})
        assert r.status_code == 422 and error(r)["details"]["field"] == field, r.text
    made = wangfang.post(f"{API}/approval-policies", json={
        "role_id": role, "steps": [{"approver": "department_head"}],
        "required_courses": ["a", "b"], "probation_days": 30, "reason": "reviewers"})
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    got = sunli.get(f"{API}/approval-policies/{pid}").json()
    # a role with a system permission always ends with a holder of manage_roles
    assert [(s["approver"], s["permission"]) for s in got["effective"]["steps"]] == [
        ("department_head", None), ("permission", "manage_roles")]
    twin = wangfang.post(f"{API}/approval-policies", json={
        "role_id": role, "steps": [{"approver": "manager"}], "reason": "x"})
    assert twin.status_code == 409
    changed = wangfang.patch(f"{API}/approval-policies/{pid}", json={
        "probation_days": None, "version": 1, "reason": "no probation"})
    assert changed.status_code == 200 and changed.json()["probation_days"] is None
    stale = wangfang.patch(f"{API}/approval-policies/{pid}", json={
        "max_days": 5, "version": 1, "reason": "x"})
    assert stale.status_code == 409 and error(stale)["type"] == "conflict.stale_version"
    assert events(api_engine, "workflow.policy_updated", pid)
    assert wangfang.delete(f"{API}/approval-policies/{pid}",
                           params={"version": 2, "reason": "gone"}).status_code == 204


def test_workflow_settings(api_engine: Engine, as_user: Login) -> None:
    wangfang, lilei = as_user("wangfang"), as_user("lilei")
    now = lilei.get(f"{API}/settings/workflow").json()
    assert set(now) >= {"two_person_rule", "expiry_notice_days", "version"}
    denied = lilei.patch(f"{API}/settings/workflow", json={
        "expiry_notice_days": 3, "version": now["version"], "reason": "x"})
    assert denied.status_code == 403
    bad = wangfang.patch(f"{API}/settings/workflow", json={
        "expiry_notice_days": 400, "version": now["version"], "reason": "x"})
    assert bad.status_code == 422 and error(bad)["details"]["field"] == "expiry_notice_days"
    changed = _settings(wangfang, expiry_notice_days=10)
    assert changed["expiry_notice_days"] == 10 and changed["version"] == now["version"] + 1
    stale = wangfang.patch(f"{API}/settings/workflow", json={
        "expiry_notice_days": 7, "version": now["version"], "reason": "x"})
    assert stale.status_code == 409 and error(stale)["type"] == "conflict.stale_version"
    assert _settings(wangfang, expiry_notice_days=7)["expiry_notice_days"] == 7
    assert events(api_engine, "workflow.settings_updated")


def test_trainings_are_read_by_their_user_and_administrators(api_engine: Engine,
                                                             as_user: Login) -> None:
    target = uid(api_engine, "zhangwei")
    assert as_user("zhangwei").get(f"{API}/users/{target}/trainings").status_code == 200
    assert as_user("sunli").get(f"{API}/users/{target}/trainings").status_code == 200
    assert as_user("hanmeimei").get(f"{API}/users/{target}/trainings").status_code == 403
    future = as_user("wangfang").post(f"{API}/users/{target}/trainings", json={
        "course": "x", "completed_at": "2099-01-01T00:00:00Z", "reason": "x"})
    assert future.status_code == 422 and error(future)["details"]["field"] == "completed_at"
