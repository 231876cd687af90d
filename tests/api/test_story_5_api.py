"""Story 5 of SCENARIOS.md (obtain permissions) through the HTTP API, on SQLite and
PostgreSQL: liuyang requests 销售经理 for 30 days; the "sales-manager training" precondition
fails and is shown; wangfang records the training; lilei approves step 1 and wangfang step
2; liuyang's "my access" shows the new scopes with their end date; at the end date they
are gone. lilei cannot approve his own request for anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid
from tests.api.conftest import API, Clock, Login, TestClient
from vouch.access.models import RoleAssignment
from vouch.demo import SALES_MANAGER_COURSE


def _role_id(client: TestClient, key: str) -> int:
    r = client.get(f"{API}/roles")
    assert r.status_code == 200, r.text
    return next(int(role["id"]) for role in r.json()["items"] if role["key"] == key)


def _scopes(access: dict[str, Any], obj: str, action: str) -> set[str]:
    return set(access["objects"][obj]["actions"][action]["scopes"])


def test_story5_obtain_a_role_for_30_days(api_engine: Engine, as_user: Login,
                                          clock: Clock) -> None:
    liuyang, lilei, wangfang = as_user("liuyang"), as_user("lilei"), as_user("wangfang")
    manager_role = _role_id(liuyang, "sales_manager")
    ask = {"kind": "role", "role_id": manager_role, "days": 30}
    before = liuyang.get(f"{API}/me/access").json()
    assert _scopes(before, "customer", "view") == {"own"}

    # The dry run shows each precondition; the training is the one that fails.
    check = liuyang.post(f"{API}/requests/check", json=ask)
    assert check.status_code == 200, check.text
    body = check.json()
    assert body["ok"] is False
    failed = [c for c in body["preconditions"] if not c["passed"]]
    assert [(c["code"], c["params"]) for c in failed] == [
        ("training_missing", {"course": SALES_MANAGER_COURSE})]
    assert {c["code"] for c in body["preconditions"] if c["passed"]} >= {
        "department_allowed", "probation_passed", "no_role_conflict"}
    assert [s["user"]["username"] if s["user"] else s["permission"]
            for s in body["steps"]] == ["lilei", "manage_roles"]

    # Asking anyway: 422 listing the failed precondition, nothing stored.
    refused = liuyang.post(f"{API}/requests", json=ask | {"reason": "cover East 2 in Q4"})
    assert refused.status_code == 422, refused.text
    err = error(refused)
    assert err["type"] == "validation.preconditions"
    assert [(p["code"], p["params"]) for p in err["details"]["preconditions"]] == [
        ("training_missing", {"course": SALES_MANAGER_COURSE})]
    assert liuyang.get(f"{API}/me/requests").json()["items"] == []

    # wangfang records the training (manage_users), audited.
    liuyang_id = uid(api_engine, "liuyang")
    done = wangfang.post(f"{API}/users/{liuyang_id}/trainings",
                         json={"course": SALES_MANAGER_COURSE, "reason": "passed the exam"})
    assert done.status_code == 201, done.text
    assert events(api_engine, "org.training_recorded", liuyang_id)
    mine = liuyang.get(f"{API}/me/trainings").json()["items"]
    assert SALES_MANAGER_COURSE in {t["course"] for t in mine}

    made = liuyang.post(f"{API}/requests", json=ask | {"reason": "cover East 2 in Q4"})
    assert made.status_code == 201, made.text
    req = made.json()
    assert req["status"] == "pending" and req["days"] == 30
    assert req["steps"][0]["user"]["username"] == "lilei"
    assert [u["username"] for u in req["current_approvers"]] == ["lilei"]
    rid = req["id"]

    # lilei cannot approve a request he made: he asks for the finance role himself.
    finance = _role_id(lilei, "finance")
    own = lilei.post(f"{API}/requests", json={"kind": "role", "role_id": finance,
                                              "reason": "month-end closing"})
    assert own.status_code == 201, own.text
    own_req = own.json()
    assert "lilei" not in {u["username"] for u in own_req["current_approvers"]}
    self_approval = lilei.post(f"{API}/requests/{own_req['id']}/approve",
                               json={"version": own_req["version"]})
    assert self_approval.status_code == 403, self_approval.text
    assert error(self_approval)["details"]["reason"] == "own_request"
    assert own_req["id"] not in {r["id"] for r in lilei.get(f"{API}/approvals").json()["items"]}

    # Step 1: lilei, liuyang's manager, sees it in his queue and approves.
    queue = lilei.get(f"{API}/approvals").json()
    assert rid in {r["id"] for r in queue["items"]} and queue["counts"]["role"] >= 1
    step1 = lilei.post(f"{API}/requests/{rid}/approve", json={"version": req["version"]})
    assert step1.status_code == 200, step1.text
    req = step1.json()
    assert req["status"] == "pending" and req["current_step"] == 1
    assert [u["username"] for u in req["current_approvers"]] == ["wangfang"]
    again = lilei.post(f"{API}/requests/{rid}/approve", json={"version": req["version"]})
    assert again.status_code == 403
    assert error(again)["details"]["reason"] == "approved_earlier_step"

    # Step 2: wangfang; the assignment is created with the request, for 30 days.
    approved_at = clock.now
    step2 = wangfang.post(f"{API}/requests/{rid}/approve", json={"version": req["version"]})
    assert step2.status_code == 200, step2.text
    assert step2.json()["status"] == "approved"
    with Session(api_engine) as s:
        a = s.scalars(select(RoleAssignment).where(RoleAssignment.request_id == rid)).one()
        assert a.user_id == liuyang_id and a.role_id == manager_role
        ends = a.expires_at
    assert ends == approved_at + timedelta(days=30)
    assert events(api_engine, "access.assignment_created", a.id)
    assert [e.action for e in events(api_engine, "workflow.request_approved", rid)]

    # liuyang's "my access": the manager's scopes, with their end date.
    after = liuyang.get(f"{API}/me/access").json()
    assert "department_tree" in _scopes(after, "customer", "view")
    held = {r["key"]: r["expires_at"] for r in after["roles"]}
    assert held["sales_manager"] is not None
    assert datetime.fromisoformat(held["sales_manager"]) == ends
    sources = after["objects"]["customer"]["actions"]["view"]["sources"]
    assert any(s["role"] == "sales_manager" and s["expires_at"] for s in sources)
    history = liuyang.get(f"{API}/requests/{rid}").json()["history"]
    assert [(h["decision"], h["actor"]["username"]) for h in history] == [
        ("approved", "lilei"), ("approved", "wangfang")]

    # At the end date the scopes are gone (decision time, no job ran).
    saved = clock.now
    try:
        clock.now = ends
        gone = as_user("liuyang", fresh=True).get(f"{API}/me/access").json()
        assert "sales_manager" not in {r["key"] for r in gone["roles"]}
        assert _scopes(gone, "customer", "view") == {"own"}
    finally:
        clock.now = saved
