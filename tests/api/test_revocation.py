"""Revocation when people move or leave, over the API: which role assignments a move
ends (the administrator's choice, never keeping one the new department does not allow),
and what a deactivation also does in its one transaction — the manager as the default
successor, open requests withdrawn, open review items handed to another reviewer. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid
from tests.api.conftest import API, Clock, Login
from tests.api.review_helpers import items_of, started
from tests.conftest import DEMO_PASSWORD
from vouch.access.models import RoleAssignment
from vouch.workflow.models import AccessRequest, RequestDecision, ReviewItem

SALES, EAST1, EAST2, SOUTH = 2, 3, 4, 5


def _user(admin: Any, username: str, department: int, manager: int | None) -> dict[str, Any]:
    r = admin.post(f"{API}/users", json={
        "username": username, "display_name": username, "department_id": department,
        "manager_id": manager, "password": DEMO_PASSWORD, "reason": "new hire"})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _role(admin: Any, key: str, departments: list[int] | None = None) -> dict[str, Any]:
    r = admin.post(f"{API}/roles", json={
        "key": key, "name": key, "departments": departments or [],
        "grants": [{"object": "task", "action": "view", "scope": "own"}],
        "reason": "revocation test"})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _assign(admin: Any, user_id: int, role_id: int) -> int:
    r = admin.post(f"{API}/assignments", json={"user_id": user_id, "role_id": role_id,
                                                "reason": "start"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _active_roles(engine: Engine, user_id: int, now: Any) -> set[int]:
    with Session(engine) as s:
        return {a.role_id for a in s.scalars(select(RoleAssignment).where(
            RoleAssignment.user_id == user_id))
            if a.expires_at is None or a.expires_at > now}


def test_a_move_ends_the_assignments_the_administrator_chooses(
        as_user: Login, api_engine: Engine, clock: Clock) -> None:
    admin = as_user("wangfang")
    user = _user(admin, "mover_a", EAST1, uid(api_engine, "lilei"))
    east = _role(admin, "east1_only", [EAST1])
    anywhere = _role(admin, "anywhere_helper")
    sales = _role(admin, "sales_wide", [SALES])
    ids = {name: _assign(admin, user["id"], role["id"])
           for name, role in (("east", east), ("anywhere", anywhere), ("sales", sales))}

    def move(**body: Any) -> Any:
        return admin.post(f"{API}/users/{user['id']}/move", json={
            "department_id": SOUTH, "records": "stay", "reason": "joins South",
            "version": user["version"]} | body)

    for chosen, field in [([], "end_assignment_ids"),  # keeps east1_only: not allowed
                          ([ids["anywhere"]], "end_assignment_ids"),
                          ([99999], "end_assignment_ids[0]"),
                          ([ids["east"], ids["east"]], "end_assignment_ids[1]")]:
        r = move(end_assignment_ids=chosen)
        assert r.status_code == 422, (chosen, r.text)
        assert error(r)["details"]["field"] == field, (chosen, r.text)
    r = move(end_assignment_ids=[])
    assert error(r)["details"]["assignment_ids"] == [ids["east"]]
    other = _assign(admin, uid(api_engine, "chenjing"), anywhere["id"])
    r = move(end_assignment_ids=[ids["east"], other])  # someone else's assignment
    assert r.status_code == 422 and error(r)["details"]["field"] == "end_assignment_ids[1]"
    assert admin.get(f"{API}/users/{user['id']}").json()["department_id"] == EAST1

    r = move(end_assignment_ids=[ids["east"], ids["anywhere"]])
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["department_id"] == SOUTH
    assert sorted(a["role_key"] for a in moved["assignments_ended"]) == ["anywhere_helper",
                                                                         "east1_only"]
    assert _active_roles(api_engine, user["id"], clock.now) == {sales["id"]}
    [event] = events(api_engine, "org.user_moved", user["id"])
    assert sorted(a["id"] for a in event.details["assignments_ended"]) == sorted(
        [ids["east"], ids["anywhere"]])

    # the default: only what the new department does not allow (sales_wide leaves Sales)
    r = admin.post(f"{API}/users/{user['id']}/move", json={
        "department_id": 7, "records": "stay", "reason": "joins Service",
        "version": moved["version"]})
    assert r.status_code == 200, r.text
    assert [a["role_key"] for a in r.json()["assignments_ended"]] == ["sales_wide"]


def test_deactivation_hands_records_to_the_manager_by_default(
        as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    lilei = uid(api_engine, "lilei")
    user = _user(admin, "leaver_a", EAST2, lilei)
    r = admin.post(f"{API}/users/{user['id']}/deactivate",
                   json={"reason": "left", "version": user["version"]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["successor_id"], out["successor"], out["successor_is_manager"]) == (
        lilei, "lilei", True)
    [event] = events(api_engine, "org.user_deactivated", user["id"])
    assert event.details["successor"] == "lilei" and event.details["successor_is_manager"]


def test_deactivation_without_a_manager_needs_a_successor(as_user: Login,
                                                          api_engine: Engine) -> None:
    admin = as_user("wangfang")
    alone = _user(admin, "no_manager", EAST1, None)
    r = admin.post(f"{API}/users/{alone['id']}/deactivate",
                   json={"reason": "left", "version": alone["version"]})
    assert r.status_code == 422 and error(r)["details"]["field"] == "successor_id"
    boss = _user(admin, "short_boss", EAST1, None)
    report = _user(admin, "report_of_boss", EAST1, boss["id"])
    r = admin.post(f"{API}/users/{boss['id']}/deactivate",
                   json={"reason": "left", "version": boss["version"],
                         "successor_id": uid(api_engine, "lilei")})
    assert r.status_code == 200, r.text
    r = admin.post(f"{API}/users/{report['id']}/deactivate",
                   json={"reason": "left too", "version": report["version"]})
    assert r.status_code == 422 and error(r)["details"]["field"] == "successor_id"
    assert error(r)["type"] == "validation.inactive_user"
    assert admin.get(f"{API}/users/{report['id']}").json()["active"] is True


def test_deactivation_withdraws_requests_and_hands_over_reviews(
        as_user: Login, api_engine: Engine, clock: Clock) -> None:
    """leaver_b has asked for a role and is to review a report's access; deactivating
    them withdraws the request (history and audit naming wangfang) and gives the item to
    the campaign's creator — in the same transaction: a refused deactivation leaves both
    as they were."""
    admin = as_user("wangfang")
    leaver = _user(admin, "leaver_b", EAST1, uid(api_engine, "lilei"))
    report = _user(admin, "report_b", EAST1, leaver["id"])
    _assign(admin, report["id"], _role(admin, "report_b_role")["id"])
    wanted = _role(admin, "leaver_wants")
    r = as_user("leaver_b").post(f"{API}/requests", json={
        "kind": "role", "role_id": wanted["id"], "reason": "for my project"})
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    campaign = started(as_user("lilei"), clock.now + timedelta(days=7), name="east1",
                       scope="department", department_id=EAST1)
    [item] = [i for i in items_of(admin, campaign["id"]) if i["user"]["id"] == report["id"]]
    assert item["reviewer"]["id"] == leaver["id"]

    r = admin.post(f"{API}/users/{leaver['id']}/deactivate",
                   json={"reason": "left", "version": leaver["version"] + 1})
    assert r.status_code == 409
    with Session(api_engine) as s:
        req = s.get(AccessRequest, request_id)
        assert req is not None and req.status == "pending"
        row = s.get(ReviewItem, item["id"])
        assert row is not None and row.reviewer_id == leaver["id"]

    r = admin.post(f"{API}/users/{leaver['id']}/deactivate",
                   json={"reason": "left the company", "version": leaver["version"]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["requests_withdrawn"] == [request_id]
    lilei = uid(api_engine, "lilei")
    assert out["review_items_reassigned"] == [
        {"item_id": item["id"], "campaign_id": campaign["id"], "reviewer_id": lilei}]
    with Session(api_engine) as s:
        req = s.get(AccessRequest, request_id)
        assert req is not None and req.status == "withdrawn"
        [entry] = s.scalars(select(RequestDecision).where(
            RequestDecision.request_id == request_id,
            RequestDecision.decision == "withdrawn")).all()
        assert entry.actor_id == uid(api_engine, "wangfang")
        assert entry.reason == "left the company"
        row = s.get(ReviewItem, item["id"])
        assert row is not None and row.reviewer_id == lilei and row.version == 2
    [withdrawn] = events(api_engine, "workflow.request_withdrawn", request_id)
    assert withdrawn.actor == "wangfang" and withdrawn.reason == "left the company"
    [event] = events(api_engine, "org.user_deactivated", leaver["id"])
    assert event.details["requests_withdrawn"] == [request_id]
    queue = as_user("lilei").get(f"{API}/me/reviews").json()
    assert item["id"] in {i["id"] for i in queue["items"]}
