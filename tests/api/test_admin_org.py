"""Administration of the organisation over the API: departments (tree and closure), users
(create, edit, move, deactivate with a successor, reactivate), who may do it, and what
every change leaves behind (policy version, audit event with before/after and reason)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid, version_now
from tests.api.conftest import API, Clock, Login
from tests.conftest import DEMO_PASSWORD
from vouch.access.models import Role, RoleAssignment
from vouch.auth.models import AuthSession
from vouch.context import RequestContext
from vouch.db import system_session
from vouch.org.models import DepartmentClosure, ReportingClosure
from vouch.records.models import RECORD_MODELS, model_for
from vouch.records.service import create_record

SALES, EAST1, EAST2, SOUTH, FINANCE, IT = 2, 3, 4, 5, 6, 8


# --- departments ------------------------------------------------------------------------------


def test_everyone_sees_the_department_tree(as_user: Login) -> None:
    r = as_user("hanmeimei").get(f"{API}/departments")
    assert r.status_code == 200
    by_id = {d["id"]: d for d in r.json()["items"]}
    assert by_id[EAST1]["parent_id"] == SALES and by_id[1]["parent_id"] is None
    one = as_user("hanmeimei").get(f"{API}/departments/{EAST1}").json()
    assert one["path"] == [1, SALES, EAST1] and one["children"] == []


def test_department_round_trip(as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    before = version_now(api_engine)
    r = admin.post(f"{API}/departments", json={"name": "华北组", "name_en": "North",
                                                "parent_id": SALES, "reason": "new region"})
    assert r.status_code == 201, r.text
    north = r.json()
    assert north["path"] == [1, SALES, north["id"]] and north["version"] == 1
    assert version_now(api_engine) == before + 1
    [created] = events(api_engine, "org.department_created", north["id"])
    assert created.reason == "new region" and created.after["name"] == "华北组"
    assert created.actor == "wangfang"

    r = admin.patch(f"{API}/departments/{north['id']}",
                    json={"name": "华北一组", "reason": "rename", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["name"] == "华北一组"
    [updated] = events(api_engine, "org.department_updated", north["id"])
    assert (updated.before["name"], updated.after["name"]) == ("华北组", "华北一组")

    stale = admin.patch(f"{API}/departments/{north['id']}",
                        json={"name": "x", "reason": "stale", "version": 1})
    assert stale.status_code == 409
    assert error(stale)["details"]["current_version"] == 2

    child = admin.post(f"{API}/departments", json={"name": "天津", "parent_id": north["id"],
                                                   "reason": "city team"}).json()
    assert child["path"] == [1, SALES, north["id"], child["id"]]
    for parent in (north["id"], child["id"]):  # itself, or below itself: a cycle
        r = admin.patch(f"{API}/departments/{north['id']}",
                        json={"parent_id": parent, "reason": "cycle", "version": 2})
        assert r.status_code == 422 and error(r)["details"]["field"] == "parent_id"
    r = admin.delete(f"{API}/departments/{north['id']}", params={"reason": "x", "version": 2})
    assert r.status_code == 409 and error(r)["details"]["children"] == 1

    r = admin.request("DELETE", f"{API}/departments/{child['id']}",
                      json={"reason": "merged", "version": 1})
    assert r.status_code == 204
    r = admin.delete(f"{API}/departments/{north['id']}",
                     params={"reason": "merged", "version": 2})
    assert r.status_code == 204
    assert admin.get(f"{API}/departments/{north['id']}").status_code == 404
    with Session(api_engine) as s:
        assert s.scalar(select(func.count()).select_from(DepartmentClosure).where(
            DepartmentClosure.descendant_id == north["id"])) == 0
    [deleted] = events(api_engine, "org.department_deleted", north["id"])
    assert deleted.reason == "merged" and deleted.before["name"] == "华北一组"


def test_moving_a_department_moves_scope_with_it(as_user: Login, api_engine: Engine) -> None:
    """lilei's department_tree covers East 2 while it is under Sales, and not once it is
    under Finance: the closure table changes in the same transaction."""
    admin = as_user("wangfang")
    with system_session(api_engine, "test ground truth") as s:
        customer = s.scalars(select(model_for("customer").id).where(
            model_for("customer").owner_id == uid(api_engine, "zhangwei"))).first()
    query = {"user": "lilei", "action": "view", "object": "customer", "record": customer}
    assert admin.get(f"{API}/access/explain", params=query).json()["allowed"] is True
    version = admin.get(f"{API}/departments/{EAST2}").json()["version"]
    r = admin.patch(f"{API}/departments/{EAST2}",
                    json={"parent_id": FINANCE, "reason": "reorganisation",
                          "version": version})
    assert r.status_code == 200 and r.json()["path"] == [1, FINANCE, EAST2]
    denied = admin.get(f"{API}/access/explain", params=query).json()
    assert denied["allowed"] is False and denied["first_denied"] == "record"
    r = admin.patch(f"{API}/departments/{EAST2}",
                    json={"parent_id": SALES, "reason": "undo", "version": version + 1})
    assert r.status_code == 200
    assert admin.get(f"{API}/access/explain", params=query).json()["allowed"] is True


def concurrently(*calls: Callable[[], Any]) -> dict[int, Any]:
    """Run the calls in threads released at one instant; their results by position."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, Any] = {}

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_concurrent_moves_cannot_make_a_cycle(as_user: Login, app: Any) -> None:
    """X under Y and Y under X, at once: each is valid alone; together they would make a
    cycle. Administrative changes are serialised, so the second sees the first."""
    clients = [as_user("wangfang"), as_user("wangfang", fresh=True)]  # type: ignore[call-arg]
    for attempt in range(3):
        x, y = (clients[0].post(f"{API}/departments", json={
            "name": f"{name}{attempt}", "parent_id": SALES, "reason": "race"}).json()
            for name in ("X", "Y"))
        results = concurrently(*(
            partial(client.patch, f"{API}/departments/{child['id']}",
                    json={"parent_id": parent["id"], "reason": "race", "version": 1})
            for client, child, parent in ((clients[0], x, y), (clients[1], y, x))))
        assert sorted(r.status_code for r in results.values()) == [200, 422], \
            [r.text for r in results.values()]
        tree = {d["id"]: d["parent_id"]
                for d in clients[0].get(f"{API}/departments").json()["items"]}
        assert {tree[x["id"]], tree[y["id"]]} & {SALES}  # one of them is still under Sales


def test_a_department_with_users_or_roles_is_not_deleted(as_user: Login) -> None:
    admin = as_user("wangfang")
    version = admin.get(f"{API}/departments/{EAST1}").json()["version"]
    r = admin.delete(f"{API}/departments/{EAST1}", params={"reason": "x", "version": version})
    assert r.status_code == 409 and error(r)["details"]["users"] == 1
    assert admin.get(f"{API}/departments/{EAST1}").json()["version"] == version


def test_bad_department_input_names_the_field(as_user: Login) -> None:
    admin = as_user("wangfang")
    cases = [
        ({"name": "x", "parent_id": 999, "reason": "r"}, "parent_id"),
        ({"name": " ", "parent_id": SALES, "reason": "r"}, "name"),
        ({"name": "x", "parent_id": SALES, "reason": "  "}, "reason"),
        ({"name": "x", "parent_id": SALES}, "reason"),
        ({"name": "x", "parent_id": SALES, "head_id": 999, "reason": "r"}, "head_id"),
        ({"name": "x", "parent_id": SALES, "reason": "r", "colour": "red"}, "colour"),
        ({"name": "x", "parent_id": 2**40, "reason": "r"}, "parent_id"),
        ({"name": "x\x00", "parent_id": SALES, "reason": "r"}, "name"),
        ({"name": "x", "parent_id": SALES, "reason": "r\x00"}, "reason"),
    ]
    for body, field in cases:
        r = admin.post(f"{API}/departments", json=body)
        assert r.status_code == 422, (body, r.text)
        assert error(r)["details"]["field"] == field, (body, r.text)
    r = admin.patch(f"{API}/departments/{EAST1}", json={"name": "x", "reason": "r"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "version"


@pytest.mark.parametrize("username", ["hanmeimei", "sunli"])
def test_organisation_changes_need_manage_users(as_user: Login, api_engine: Engine,
                                                username: str) -> None:
    client = as_user(username)
    before = version_now(api_engine)
    attempts = [
        ("POST", "/departments", {"name": "x", "parent_id": SALES, "reason": "r"}),
        ("PATCH", f"/departments/{EAST1}", {"name": "x", "reason": "r", "version": 1}),
        ("DELETE", f"/departments/{EAST1}", {"reason": "r", "version": 1}),
        ("POST", "/users", {"username": "eve", "display_name": "Eve",
                            "department_id": EAST1, "reason": "r"}),
        ("PATCH", "/users/3", {"display_name": "x", "reason": "r", "version": 1}),
        ("POST", "/users/3/move", {"department_id": EAST2, "records": "stay", "reason": "r",
                                   "version": 1}),
        ("POST", "/users/3/deactivate", {"successor_id": 2, "reason": "r", "version": 1}),
        ("POST", "/users/3/reactivate", {"reason": "r", "version": 1}),
    ]
    for method, path, body in attempts:
        r = client.request(method, f"{API}{path}", json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert error(r)["details"]["permission"] == "manage_users", (method, path)
    assert version_now(api_engine) == before


# --- users -----------------------------------------------------------------------------------


def test_the_user_picker_shows_only_names_and_departments(as_user: Login) -> None:
    rep = as_user("hanmeimei")
    r = rep.get(f"{API}/users", params={"q": "ZHANG"})
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert set(item) == {"id", "username", "display_name", "department", "active"}
    assert item["username"] == "zhangwei" and item["department"]["name_en"] == "East 2"
    assert "email" not in rep.get(f"{API}/users/{item['id']}").json()
    r = rep.get(f"{API}/users", params={"q": "a\x00"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "q"
    r = rep.get(f"{API}/users", params={"active": "false"})
    assert r.status_code == 403 and error(r)["details"]["permission"] == "manage_users"
    page = rep.get(f"{API}/users", params={"limit": 3}).json()
    rest = rep.get(f"{API}/users", params={"limit": 100, "cursor": page["next_cursor"]}).json()
    ids = [u["id"] for u in page["items"] + rest["items"]]
    assert len(page["items"]) == 3 and ids == sorted(set(ids)) and len(ids) >= 8


def test_administrators_see_users_but_never_a_password_hash(as_user: Login) -> None:
    for username in ("wangfang", "sunli"):  # manage_users, view_audit
        r = as_user(username).get(f"{API}/users")
        assert r.status_code == 200
        first = r.json()["items"][0]
        assert {"email", "manager_id", "version", "has_password"} <= set(first)
        assert "password" not in r.text.replace("has_password", "")
        assert "argon2" not in r.text
    one = as_user("wangfang").get(f"{API}/users/3").json()
    assert one["manager_id"] == 2 and [a["role_key"] for a in one["assignments"]] == [
        "sales_rep"]


def test_create_and_edit_a_user(as_user: Login, api_engine: Engine, app: Any) -> None:
    from fastapi.testclient import TestClient

    admin = as_user("wangfang")
    body = {"username": "wuqiang", "display_name": "吴强", "department_id": EAST1,
            "manager_id": uid(api_engine, "lilei"), "email": "wuqiang@huadong-trading.cn",
            "password": "correct horse battery", "hire_date": "2026-11-01",
            "reason": "new hire"}
    r = admin.post(f"{API}/users", json=body)
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["has_password"] and user["version"] == 1 and "password_hash" not in user
    [created] = events(api_engine, "org.user_created", user["id"])
    assert created.reason == "new hire" and created.details == {"password_set": True}
    assert "password" not in str(created.after)
    with Session(api_engine) as s:  # the reporting closure knows lilei manages him
        assert s.get(ReportingClosure, (uid(api_engine, "lilei"), user["id"])) is not None

    assert admin.post(f"{API}/users", json=body).status_code == 409
    for change, field in [({"password": "short"}, "password"),
                          ({"username": "Bad Name"}, "username"),
                          ({"department_id": 999}, "department_id"),
                          ({"manager_id": 999}, "manager_id"),
                          ({"email": "not-an-address"}, "email")]:
        r = admin.post(f"{API}/users", json=body | {"username": "wuqiang2"} | change)
        assert r.status_code == 422 and error(r)["details"]["field"] == field, change

    with TestClient(app) as client:
        r = client.post(f"{API}/auth/token", json={"username": "wuqiang",
                                                    "password": "correct horse battery"})
        assert r.status_code == 200

    r = admin.patch(f"{API}/users/{user['id']}",
                    json={"display_name": "吴 强", "phone": "13800001111", "reason": "typo",
                          "version": 1})
    assert r.status_code == 200 and r.json()["display_name"] == "吴 强"
    assert r.json()["version"] == 2
    r = admin.patch(f"{API}/users/{user['id']}",
                    json={"display_name": "x", "reason": "late", "version": 1})
    assert r.status_code == 409 and error(r)["details"]["current_version"] == 2
    r = admin.patch(f"{API}/users/{user['id']}",
                    json={"department_id": EAST2, "reason": "r", "version": 2})
    assert r.status_code == 422 and error(r)["details"]["field"] == "department_id"

    lilei = admin.get(f"{API}/users/{uid(api_engine, 'lilei')}").json()
    r = admin.patch(f"{API}/users/{lilei['id']}",  # wuqiang reports to lilei: a cycle
                    json={"manager_id": user["id"], "reason": "r", "version": lilei["version"]})
    assert r.status_code == 422 and error(r)["details"]["field"] == "manager_id"

    r = admin.patch(f"{API}/users/{user['id']}",
                    json={"password": "another long passphrase", "reason": "reset",
                          "version": 2})
    assert r.status_code == 200
    [_, reset] = events(api_engine, "org.user_updated", user["id"])
    assert reset.details == {"password_changed": True} and reset.reason == "reset"


def test_move_a_user_with_records_following(as_user: Login, api_engine: Engine,
                                            clock: Clock) -> None:
    admin = as_user("wangfang")
    user = admin.post(f"{API}/users", json={
        "username": "mover", "display_name": "搬家", "department_id": EAST1,
        "manager_id": uid(api_engine, "lilei"), "reason": "new hire"}).json()
    east_role = admin.post(f"{API}/roles", json={
        "key": "east1_helper", "name": "一组助理", "departments": [EAST1],
        "grants": [{"object": "task", "action": "view", "scope": "department"}],
        "reason": "team helper"}).json()
    sales_rep = next(r for r in admin.get(f"{API}/roles").json()["items"]
                     if r["key"] == "sales_rep")
    for role in (east_role, sales_rep):
        r = admin.post(f"{API}/assignments", json={"user_id": user["id"],
                                                    "role_id": role["id"], "reason": "start"})
        assert r.status_code == 201, r.text
    with Session(api_engine) as s:
        ctx = RequestContext.for_user(s, user["id"], clock.now)
        customer = create_record(ctx, "customer", {"name": "搬家测试客户"})
    model = model_for("customer")

    r = admin.post(f"{API}/users/{user['id']}/move",
                   json={"department_id": SOUTH, "manager_id": None, "records": "follow",
                         "reason": "joins South", "version": user["version"]})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["department_id"] == SOUTH and moved["manager_id"] is None
    assert moved["records_moved"]["customer"] == 1
    assert [a["role_key"] for a in moved["assignments_ended"]] == ["east1_helper"]
    with system_session(api_engine, "test ground truth") as s:
        assert s.get(model, customer["id"]).department_id == SOUTH
    with Session(api_engine) as s:
        assert s.get(ReportingClosure, (uid(api_engine, "lilei"), user["id"])) is None
        active = {a.role_id for a in s.scalars(select(RoleAssignment).where(
            RoleAssignment.user_id == user["id"])) if a.expires_at is None}
        assert active == {sales_rep["id"]}
    [event] = events(api_engine, "org.user_moved", user["id"])
    assert event.before["department_id"] == EAST1 and event.after["department_id"] == SOUTH
    assert event.reason == "joins South" and event.details["records"] == "follow"

    r = admin.post(f"{API}/users/{user['id']}/move",
                   json={"department_id": EAST2, "records": "stay", "reason": "again",
                         "version": moved["version"]})
    assert r.status_code == 200 and r.json()["manager_id"] is None  # omitted: kept
    with system_session(api_engine, "test ground truth") as s:
        assert s.get(model, customer["id"]).department_id == SOUTH
    r = admin.post(f"{API}/users/{user['id']}/move",
                   json={"department_id": EAST2, "records": "sometimes", "reason": "x",
                         "version": moved["version"] + 1})
    assert r.status_code == 422 and error(r)["details"]["field"] == "records"


def test_deactivation_ends_sessions_and_hands_records_to_the_successor(
        as_user: Login, api_engine: Engine) -> None:
    """Story 6: zhangwei leaves; his sessions end at once, his records pass to lilei, and
    the audit log shows it."""
    admin = as_user("wangfang")
    zhangwei = as_user("zhangwei")
    assert zhangwei.get(f"{API}/me").status_code == 200
    zid, lid = uid(api_engine, "zhangwei"), uid(api_engine, "lilei")
    with system_session(api_engine, "test ground truth") as s:
        owned = {obj: set(s.scalars(select(m.id).where(m.owner_id == zid)))
                 for obj, m in RECORD_MODELS.items()}
    assert sum(map(len, owned.values())) > 0
    before = version_now(api_engine)
    version = admin.get(f"{API}/users/{zid}").json()["version"]

    for body, status, field in [
        ({"successor_id": zid}, 422, "successor_id"),
        ({"successor_id": 999}, 422, "successor_id"),
        ({"successor_id": lid, "reason": " "}, 422, "reason"),
        ({"successor_id": lid, "version": version + 5}, 409, None),
    ]:
        r = admin.post(f"{API}/users/{zid}/deactivate",
                       json={"reason": "leaves", "version": version} | body)
        assert r.status_code == status, (body, r.text)
        if field:
            assert error(r)["details"]["field"] == field
    assert zhangwei.get(f"{API}/me").status_code == 200  # nothing of that was written

    r = admin.post(f"{API}/users/{zid}/deactivate",
                   json={"successor_id": lid, "reason": "left the company",
                         "version": version})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["active"] is False and out["deactivated_at"]
    assert out["records_transferred"] == {obj: len(ids) for obj, ids in owned.items()}
    assert out["sessions_and_tokens_ended"] >= 1
    assert [a["role_key"] for a in out["assignments_ended"]] == ["sales_rep"]

    r = zhangwei.get(f"{API}/me")
    assert r.status_code == 401
    again = zhangwei.__class__(zhangwei.app)
    r = again.post(f"{API}/auth/token", json={"username": "zhangwei",
                                               "password": DEMO_PASSWORD})
    assert r.status_code == 401
    with Session(api_engine) as s:
        assert s.scalar(select(func.count()).select_from(AuthSession).where(
            AuthSession.user_id == zid, AuthSession.ended_at.is_(None))) == 0
    with system_session(api_engine, "test ground truth") as s:
        for obj, m in RECORD_MODELS.items():
            assert not s.scalars(select(m.id).where(m.owner_id == zid)).all()
            rows = s.execute(select(m.owner_id, m.department_id)
                             .where(m.id.in_(owned[obj]))).all()
            assert all(row == (lid, SALES) for row in rows), obj
    assert version_now(api_engine) == before + 1
    [event] = events(api_engine, "org.user_deactivated", zid)
    assert event.reason == "left the company" and event.actor == "wangfang"
    assert (event.before["active"], event.after["active"]) == (True, False)
    assert event.details["successor"] == "lilei"
    assert event.details["records_transferred"]["customer"] == len(owned["customer"])

    r = admin.post(f"{API}/users/{zid}/deactivate",
                   json={"successor_id": lid, "reason": "again", "version": out["version"]})
    assert r.status_code == 409
    r = admin.post(f"{API}/users/{zid}/reactivate",
                   json={"reason": "came back", "version": out["version"]})
    assert r.status_code == 200 and r.json()["active"] is True
    r = again.post(f"{API}/auth/token", json={"username": "zhangwei",
                                               "password": DEMO_PASSWORD})
    assert r.status_code == 200
    with Session(api_engine) as s:  # back without roles: access is assigned anew
        roles = s.scalars(select(Role.key).join(RoleAssignment).where(
            RoleAssignment.user_id == zid, RoleAssignment.expires_at.is_(None))).all()
        assert roles == []


def test_one_cannot_deactivate_oneself(as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    me = admin.get(f"{API}/users/{uid(api_engine, 'wangfang')}").json()
    r = admin.post(f"{API}/users/{me['id']}/deactivate",
                   json={"successor_id": uid(api_engine, "lilei"), "reason": "oops",
                         "version": me["version"]})
    assert r.status_code == 409
    assert admin.get(f"{API}/me").status_code == 200


# --- delegated administration ------------------------------------------------------------------


def test_a_delegated_administrator_manages_only_their_subtree(
        as_user: Login, api_engine: Engine) -> None:
    """delegate_admin: users of one's own subtree, delegable roles only, and never a user
    who holds a role that is not delegable."""
    admin = as_user("wangfang")
    role = admin.post(f"{API}/roles", json={
        "key": "dept_admin", "name": "部门管理员", "permissions": ["delegate_admin"],
        "reason": "Sales manages its own people"}).json()
    r = admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "lilei"),
                                                "role_id": role["id"], "reason": "r"})
    assert r.status_code == 201, r.text
    lilei = as_user("lilei", fresh=True)  # type: ignore[call-arg]
    roles = {r["key"]: r["id"] for r in lilei.get(f"{API}/roles").json()["items"]}

    def denied(r: Any, permission: str) -> None:
        assert r.status_code == 403, r.text
        assert error(r)["details"]["permission"] == permission

    new = {"username": "xiaoli", "display_name": "小李", "department_id": EAST1,
           "reason": "new rep"}
    denied(lilei.post(f"{API}/users", json=new | {"department_id": FINANCE}), "manage_users")
    r = lilei.post(f"{API}/users", json=new)
    assert r.status_code == 201, r.text
    xiaoli = r.json()
    assert "email" in lilei.get(f"{API}/users/{xiaoli['id']}").json()  # full view
    assert "email" not in lilei.get(f"{API}/users/{uid(api_engine, 'zhaomin')}").json()

    assign = {"user_id": xiaoli["id"], "reason": "starts selling"}
    denied(lilei.post(f"{API}/assignments", json=assign | {"role_id": roles["sales_manager"]}),
           "manage_roles")
    denied(lilei.post(f"{API}/assignments", json=assign | {
        "role_id": roles["sales_rep"], "user_id": uid(api_engine, "zhaomin")}), "manage_roles")
    r = lilei.post(f"{API}/assignments", json=assign | {"role_id": roles["sales_rep"]})
    assert r.status_code == 201, r.text

    wang = admin.get(f"{API}/users/{uid(api_engine, 'wangfang')}").json()
    denied(lilei.patch(f"{API}/users/{wang['id']}",
                       json={"password": "x" * 20, "reason": "r", "version": wang["version"]}),
           "manage_users")
    me = lilei.get(f"{API}/users/{uid(api_engine, 'lilei')}").json()
    r = lilei.patch(f"{API}/users/{me['id']}",  # holds sales_manager: not delegable
                    json={"phone": "1", "reason": "r", "version": me["version"]})
    denied(r, "manage_users")
    assert "not delegable" in error(r)["details"]["delegate_admin"]
    r = lilei.post(f"{API}/users/{xiaoli['id']}/deactivate", json={
        "successor_id": uid(api_engine, "hanmeimei"), "reason": "did not stay",
        "version": xiaoli["version"]})
    assert r.status_code == 200, r.text
    denied(lilei.post(f"{API}/departments", json={"name": "x", "parent_id": SALES,
                                                  "reason": "r"}), "manage_users")
    denied(lilei.post(f"{API}/roles", json={"key": "x_role", "name": "x", "reason": "r"}),
           "manage_roles")
