"""Administration of access over the API: roles with grants, field rules, permissions and
departments; assignments with expiry; sharing and restriction rules; manual shares. Every
change needs manage_roles and a reason, bumps the policy version, is audited with before
and after, and refuses stale versions (also under a real race); bad names are 422s naming
the JSON path. Story 4 (modify permissions) runs end to end."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid, version_now
from tests.api.conftest import API, Clock, Login
from vouch.access.models import Share
from vouch.db import system_session
from vouch.records.models import model_for

EAST1, EAST2, SALES = 3, 4, 2


def role_id(client: TestClient, key: str) -> int:
    return int(next(r["id"] for r in client.get(f"{API}/roles").json()["items"]
                    if r["key"] == key))


def a_record(engine: Engine, obj: str, owner: str, **where: Any) -> int:
    model = model_for(obj)
    with system_session(engine, "test ground truth") as s:
        q = select(model.id).where(model.owner_id == uid(engine, owner))
        for name, value in where.items():
            q = q.where(getattr(model, name) == value)
        return int(s.scalars(q.order_by(model.id)).first())  # type: ignore[arg-type]


# --- story 4 ---------------------------------------------------------------------------------


def test_story_4_modify_permissions(as_user: Login, api_engine: Engine) -> None:
    """wangfang creates 大客户经理, grants view/edit on customers in the department tree and
    read on contract amounts, assigns it to zhangwei, tests it with explain, then removes
    edit; zhangwei's next request obeys it, and the audit log shows both changes with
    their reasons."""
    admin, zhangwei = as_user("wangfang"), as_user("zhangwei")
    # A customer of East 2 that zhangwei does not own (lilei's, kept in East 2).
    customer = a_record(api_engine, "customer", "lilei")
    with system_session(api_engine, "test set-up") as s:
        model = model_for("customer")
        s.execute(update(model).where(model.id == customer).values(department_id=EAST2))
        s.commit()
    contract = a_record(api_engine, "contract", "zhangwei")
    edit_it = {"action": "edit", "object": "customer", "record": customer}
    # not his to view: explaining it to him answers like a missing record
    assert zhangwei.get(f"{API}/access/explain", params=edit_it).status_code == 404
    assert zhangwei.get(f"{API}/customers/{customer}").status_code == 404
    assert "amount" not in zhangwei.get(f"{API}/contracts/{contract}").json()
    amount = {"action": "view", "object": "contract", "record": contract, "field": "amount"}
    assert zhangwei.get(f"{API}/access/explain", params=amount).json()["allowed"] is False

    r = admin.post(f"{API}/roles", json={
        "key": "key_account_manager", "name": "大客户经理", "name_en": "Key account manager",
        "grants": [{"object": "customer", "action": "view", "scope": "department_tree"},
                   {"object": "customer", "action": "edit", "scope": "department_tree"}],
        "field_rules": [{"object": "contract", "field": "amount", "level": "read"}],
        "reason": "大客户由专人跟进 (key accounts get a dedicated manager)"})
    assert r.status_code == 201, r.text
    role = r.json()
    r = admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "zhangwei"),
                                                "role_id": role["id"],
                                                "reason": "张伟负责华东二组大客户"})
    assert r.status_code == 201, r.text

    # wangfang tests it with explain
    r = admin.get(f"{API}/access/explain", params={"user": "zhangwei", **edit_it})
    exp = r.json()
    assert r.status_code == 200 and exp["allowed"] is True
    function = next(x for x in exp["layers"] if x["layer"] == "function")
    assert any("key_account_manager" in s for s in function["sources"])
    record = next(x for x in exp["layers"] if x["layer"] == "record")
    assert any("key_account_manager at department_tree" in s for s in record["sources"])
    r = admin.get(f"{API}/access/explain", params={"user": "zhangwei", **amount})
    field = next(x for x in r.json()["layers"] if x["layer"] == "field")
    assert r.json()["allowed"] is True and "read" in field["reason"]
    assert any("key_account_manager" in s for s in field["sources"])
    assert zhangwei.get(f"{API}/access/explain", params=edit_it).json()["allowed"] is True
    record = zhangwei.get(f"{API}/customers/{customer}")
    assert record.status_code == 200 and record.json()["_editable"] is True
    r = zhangwei.patch(f"{API}/customers/{customer}",
                       json={"notes": "大客户，季度回访", "version": record.json()["version"]})
    assert r.status_code == 200, r.text
    assert zhangwei.get(f"{API}/contracts/{contract}").json()["amount"] is not None

    # then removes edit
    r = admin.patch(f"{API}/roles/{role['id']}", json={
        "grants": [{"object": "customer", "action": "view", "scope": "department_tree"}],
        "reason": "编辑权限收回，仅保留查看 (edit withdrawn; view only)",
        "version": role["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["grants"] == [{"object": "customer", "action": "view",
                                   "scope": "department_tree"}]

    # zhangwei's next request obeys it
    record = zhangwei.get(f"{API}/customers/{customer}")
    assert record.status_code == 200 and record.json()["_editable"] is False
    r = zhangwei.patch(f"{API}/customers/{customer}",
                       json={"notes": "再改一次", "version": record.json()["version"]})
    assert r.status_code == 403 and error(r)["details"]["action"] == "edit"
    exp = zhangwei.get(f"{API}/access/explain", params=edit_it).json()
    assert exp["allowed"] is False and exp["first_denied"] == "record"
    view_it = edit_it | {"action": "view"}
    assert zhangwei.get(f"{API}/access/explain", params=view_it).json()["allowed"] is True
    mine = zhangwei.get(f"{API}/me/access").json()
    assert mine["objects"]["customer"]["actions"]["edit"]["scopes"] == ["own"]
    assert mine["objects"]["customer"]["actions"]["view"]["scopes"] == [
        "department_tree", "own"]
    assert mine["objects"]["contract"]["fields"]["amount"]["level"] == "read"

    # the audit log shows both changes with reasons
    [created] = events(api_engine, "access.role_created", role["id"])
    assert created.actor == "wangfang" and created.reason.startswith("大客户由专人跟进")
    assert {"object": "customer", "action": "edit", "scope": "department_tree"} in \
        created.after["grants"]
    [assigned] = events(api_engine, "access.assignment_created")[-1:]
    assert assigned.reason == "张伟负责华东二组大客户"
    assert assigned.after["username"] == "zhangwei"
    [changed] = events(api_engine, "access.role_updated", role["id"])
    assert changed.reason.startswith("编辑权限收回")
    assert len(changed.before["grants"]) == 2 and len(changed.after["grants"]) == 1
    assert changed.details == {"changed": ["grants", "version"]}


# --- roles -----------------------------------------------------------------------------------

ROLE = {"key": "trainee", "name": "见习销售", "name_en": "Trainee",
        "grants": [{"object": "customer", "action": "view", "scope": "own"},
                   {"object": "task", "action": "create", "scope": "all"}],
        "field_rules": [{"object": "customer", "sensitivity": "personal", "level": "masked"}],
        "reason": "trainees"}


def test_role_round_trip(as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    start = version_now(api_engine)
    r = admin.post(f"{API}/roles", json=ROLE | {"departments": [SALES], "delegable": True})
    assert r.status_code == 201, r.text
    role = r.json()
    assert role["version"] == 1 and role["departments"] == [SALES]
    assert role["grants"] == ROLE["grants"] and role["active_assignments"] == 0
    assert role["field_rules"] == [{"object": "customer", "field": None,
                                    "sensitivity": "personal", "level": "masked"}]
    assert admin.post(f"{API}/roles", json=ROLE).status_code == 409  # key taken
    assert admin.get(f"{API}/roles/{role['id']}").json() == role

    r = admin.patch(f"{API}/roles/{role['id']}", json={
        "field_rules": [{"object": "customer", "field": "phone", "level": "read"}],
        "delegable": False, "permissions": ["run_reviews"], "reason": "phones readable",
        "version": 1})
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["version"] == 2 and changed["permissions"] == ["run_reviews"]
    assert changed["grants"] == ROLE["grants"]  # lists not given are kept
    [event] = events(api_engine, "access.role_updated", role["id"])
    assert event.before["field_rules"][0]["sensitivity"] == "personal"
    assert event.after["field_rules"][0]["field"] == "phone"
    assert event.details["changed"] == ["delegable", "field_rules", "permissions", "version"]

    hanmeimei = uid(api_engine, "hanmeimei")
    assignment = admin.post(f"{API}/assignments", json={
        "user_id": hanmeimei, "role_id": role["id"], "reason": "onboarding"}).json()
    r = admin.delete(f"{API}/roles/{role['id']}", params={"reason": "gone", "version": 2})
    assert r.status_code == 409 and error(r)["details"]["active_assignments"] == 1
    r = admin.request("DELETE", f"{API}/assignments/{assignment['id']}", json={"reason": "done"})
    assert r.status_code == 204
    r = admin.request("DELETE", f"{API}/roles/{role['id']}",
                      json={"reason": "no trainees this year", "version": 2})
    assert r.status_code == 204
    assert admin.get(f"{API}/roles/{role['id']}").status_code == 404
    [deleted] = events(api_engine, "access.role_deleted", role["id"])
    assert deleted.reason == "no trainees this year" and deleted.before["key"] == "trainee"
    # create, update, assign, unassign, delete: five changes, five versions
    assert version_now(api_engine) == start + 5


BAD_ROLES = [
    ({"grants": [ROLE["grants"][0], {"object": "invoice", "action": "view", "scope": "own"}]},
     "grants[1].object"),
    ({"grants": [{"object": "customer", "action": "peek", "scope": "own"}]},
     "grants[0].action"),
    ({"grants": [{"object": "customer", "action": "view", "scope": "everything"}]},
     "grants[0].scope"),
    ({"grants": [{"object": "customer", "action": "create", "scope": "own"}]},
     "grants[0].scope"),
    ({"grants": [ROLE["grants"][0], ROLE["grants"][0]]}, "grants[1]"),
    ({"field_rules": [{"object": "customer", "field": "salary", "level": "read"}]},
     "field_rules[0].field"),
    ({"field_rules": [{"object": "customer", "field": "phone", "level": "peek"}]},
     "field_rules[0].level"),
    ({"field_rules": [{"object": "customer", "sensitivity": "secret", "level": "read"}]},
     "field_rules[0].sensitivity"),
    ({"field_rules": [{"object": "customer", "field": "phone", "sensitivity": "personal",
                       "level": "read"}]}, "field_rules[0]"),
    ({"permissions": ["manage_users", "rule_the_world"]}, "permissions[1]"),
    ({"departments": [999]}, "departments[0]"),
    ({"delegable": True, "permissions": ["manage_users"]}, "delegable"),
    ({"key": "Not A Key"}, "key"),
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("change", "field"), BAD_ROLES,
                         ids=[f for _c, f in BAD_ROLES])
def test_bad_role_names_the_path(as_user: Login, api_engine: Engine, change: dict[str, Any],
                                 field: str) -> None:
    admin = as_user("wangfang")
    start = version_now(api_engine)
    r = admin.post(f"{API}/roles", json=ROLE | {"key": "bad_role"} | change)
    assert r.status_code == 422, r.text
    assert error(r)["details"]["field"] == field
    if "key" in change or "colour" in change:
        return
    sales_rep = admin.get(f"{API}/roles/{role_id(admin, 'sales_rep')}").json()
    patch = {k: v for k, v in change.items() if k != "key"}
    r = admin.patch(f"{API}/roles/{sales_rep['id']}",
                    json={"reason": "r", "version": sales_rep["version"]} | patch)
    assert r.status_code == 422 and error(r)["details"]["field"] == field
    assert admin.get(f"{API}/roles/{sales_rep['id']}").json() == sales_rep
    assert version_now(api_engine) == start


def test_stale_role_version_is_409(as_user: Login) -> None:
    admin = as_user("wangfang")
    role = admin.post(f"{API}/roles", json=ROLE | {"key": "stale_test"}).json()
    assert admin.patch(f"{API}/roles/{role['id']}",
                       json={"name": "一", "reason": "r", "version": 1}).status_code == 200
    r = admin.patch(f"{API}/roles/{role['id']}", json={"name": "二", "reason": "r",
                                                       "version": 1})
    assert r.status_code == 409
    assert error(r)["details"]["current_version"] == 2
    r = admin.delete(f"{API}/roles/{role['id']}", params={"reason": "r", "version": 1})
    assert r.status_code == 409
    assert admin.get(f"{API}/roles/{role['id']}").json()["name"] == "一"
    assert admin.patch(f"{API}/roles/999999", json={"name": "x", "reason": "r",
                                                    "version": 1}).status_code == 404


def race(clients: list[TestClient], role_id: int) -> dict[int, Any]:
    """Two writers PATCH the role holding the same version, released together."""
    barrier = threading.Barrier(2)
    results: dict[int, Any] = {}

    def patch(i: int) -> None:
        grant = ({"object": "task", "action": "view", "scope": "own"} if i == 0
                 else {"object": "contact", "action": "view", "scope": "all"})
        body = {"name": f"writer {i}", "reason": f"writer {i}", "version": 1,
                "grants": [grant]}
        barrier.wait()
        results[i] = clients[i].patch(f"{API}/roles/{role_id}", json=body)

    threads = [threading.Thread(target=patch, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_concurrent_patches_of_one_role_exactly_one_wins(
        as_user: Login, api_engine: Engine) -> None:
    clients = [as_user("wangfang"), as_user("wangfang", fresh=True)]  # type: ignore[call-arg]
    for attempt in range(4):
        role = clients[0].post(f"{API}/roles",
                               json=ROLE | {"key": f"race_{attempt}"}).json()
        results = race(clients, role["id"])
        statuses = sorted(r.status_code for r in results.values())
        assert statuses == [200, 409], [r.text for r in results.values()]
        winner = next(i for i, r in results.items() if r.status_code == 200)
        loser = results[1 - winner]
        assert error(loser)["details"]["current_version"] == 2
        final = clients[0].get(f"{API}/roles/{role['id']}").json()
        assert final["version"] == 2 and final["name"] == f"writer {winner}"
        assert final["grants"] == results[winner].json()["grants"]
        assert len(events(api_engine, "access.role_updated", role["id"])) == 1


# --- assignments -----------------------------------------------------------------------------


def test_assignments_with_expiry(as_user: Login, api_engine: Engine, clock: Clock) -> None:
    admin, liuyang = as_user("wangfang"), as_user("liuyang")
    manager = role_id(admin, "sales_manager")
    lid = uid(api_engine, "liuyang")
    soon = clock.now + timedelta(minutes=30)
    for body, field in [
        ({"expires_at": (clock.now - timedelta(minutes=1)).isoformat()}, "expires_at"),
        ({"expires_at": "2030-01-01T00:00:00"}, "expires_at"),  # no time zone
        ({"user_id": 999}, "user_id"),
        ({"role_id": 999}, "role_id"),
        ({"reason": ""}, "reason"),
    ]:
        r = admin.post(f"{API}/assignments", json={"user_id": lid, "role_id": manager,
                                                    "reason": "acting manager"} | body)
        assert r.status_code == 422 and error(r)["details"]["field"] == field, body
    r = admin.post(f"{API}/assignments", json={
        "user_id": lid, "role_id": manager, "expires_at": soon.isoformat(),
        "reason": "acting manager for half an hour"})
    assert r.status_code == 201, r.text
    assignment = r.json()
    assert assignment["active"] and assignment["expires_at"].endswith("Z")
    r = admin.post(f"{API}/assignments", json={"user_id": lid, "role_id": manager,
                                                "reason": "twice"})
    assert r.status_code == 409
    listed = admin.get(f"{API}/assignments", params={"user": lid}).json()["items"]
    assert {a["role_key"] for a in listed} == {"sales_rep", "sales_manager"}
    mine = liuyang.get(f"{API}/me/access").json()
    assert {r["key"] for r in mine["roles"]} == {"sales_rep", "sales_manager"}

    later = clock.now + timedelta(hours=2)
    r = admin.patch(f"{API}/assignments/{assignment['id']}",
                    json={"expires_at": later.isoformat(), "reason": "one more meeting"})
    assert r.status_code == 200 and r.json()["expires_at"] == later.isoformat().replace(
        "+00:00", "Z")
    [event] = events(api_engine, "access.assignment_updated", assignment["id"])
    assert event.before["expires_at"] != event.after["expires_at"]

    clock.advance(hours=3)  # past the expiry: the role is void from that instant
    try:
        mine = liuyang.get(f"{API}/me/access").json()
        assert {r["key"] for r in mine["roles"]} == {"sales_rep"}
        r = admin.post(f"{API}/assignments", json={"user_id": lid, "role_id": manager,
                                                    "reason": "again"})
        assert r.status_code == 201 and r.json()["id"] == assignment["id"]  # renewed
        r = admin.delete(f"{API}/assignments/{assignment['id']}")
        assert r.status_code == 422 and error(r)["details"]["field"] == "reason"
        r = admin.delete(f"{API}/assignments/{assignment['id']}", params={"reason": "done"})
        assert r.status_code == 204
        assert admin.get(f"{API}/assignments/{assignment['id']}").status_code == 404
    finally:
        clock.advance(hours=-3)


def test_a_role_limited_to_departments(as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    role = admin.post(f"{API}/roles", json=ROLE | {"key": "east_only",
                                                   "departments": [EAST1]}).json()
    r = admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "liuyang"),
                                                "role_id": role["id"], "reason": "r"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "role_id"
    r = admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "hanmeimei"),
                                                "role_id": role["id"], "reason": "r"})
    assert r.status_code == 201
    r = admin.patch(f"{API}/roles/{role['id']}", json={"departments": [EAST2], "reason": "r",
                                                       "version": 1})
    assert r.status_code == 409 and error(r)["details"]["users"] == ["hanmeimei"]
    r = admin.patch(f"{API}/roles/{role['id']}", json={"departments": [SALES], "reason": "r",
                                                       "version": 1})
    assert r.status_code == 200  # East 1 is below Sales


# --- sharing and restriction rules ------------------------------------------------------------


def test_sharing_rule_round_trip_and_effect(as_user: Login, api_engine: Engine) -> None:
    admin, rep = as_user("wangfang"), as_user("liuyang")
    finance = a_record(api_engine, "customer", "hanmeimei", industry="finance")
    see_it = {"action": "view", "object": "customer", "record": finance}
    as_admin = {"user": "liuyang", **see_it}
    assert admin.get(f"{API}/access/explain", params=as_admin).json()["allowed"] is False
    start = version_now(api_engine)
    r = admin.post(f"{API}/sharing-rules", json={
        "name": "finance customers to reps", "object": "customer",
        "condition": {"field": "industry", "op": "eq", "value": "finance"},
        "principals": [{"kind": "role", "id": role_id(admin, "sales_rep")}],
        "access": "read", "reason": "finance accounts are shared"})
    assert r.status_code == 201, r.text
    rule = r.json()
    assert version_now(api_engine) == start + 1
    exp = admin.get(f"{API}/access/explain", params=as_admin).json()
    record = next(x for x in exp["layers"] if x["layer"] == "record")
    assert exp["allowed"] and "sharing rule finance customers to reps" in record["sources"]
    assert rep.get(f"{API}/access/explain", params=see_it).json()["allowed"] is True

    r = admin.patch(f"{API}/sharing-rules/{rule['id']}",
                    json={"active": False, "reason": "paused", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert admin.get(f"{API}/access/explain", params=as_admin).json()["allowed"] is False
    r = admin.patch(f"{API}/sharing-rules/{rule['id']}",
                    json={"active": True, "reason": "stale", "version": 1})
    assert r.status_code == 409
    [event] = events(api_engine, "access.sharing_rule_updated", rule["id"])
    assert (event.before["active"], event.after["active"]) == (True, False)
    assert [x["id"] for x in admin.get(f"{API}/sharing-rules").json()["items"]] == [rule["id"]]
    r = admin.delete(f"{API}/sharing-rules/{rule['id']}", params={"reason": "done",
                                                                   "version": 2})
    assert r.status_code == 204
    assert admin.get(f"{API}/sharing-rules/{rule['id']}").status_code == 404
    assert len(events(api_engine, "access.sharing_rule_deleted", rule["id"])) == 1


BAD_RULES = [
    ({"condition": {"and": [{"field": "industry", "op": "eq", "value": "finance"},
                            {"field": "industry", "op": "eq", "value": "banking"}]}},
     "condition.and[1].value"),
    ({"condition": {"field": "salary", "op": "eq", "value": 1}}, "condition.field"),
    ({"condition": {"field": "industry", "op": "like", "value": "f"}}, "condition.op"),
    ({"condition": {"relation": "owner_in_department", "department": 999}},
     "condition.department"),
    ({"condition": {"field": "credit_limit", "op": "gt", "value": 2**40}}, None),
    ({"condition": {"field": "id", "op": "eq", "value": 2**40}}, "condition.value"),
    ({"condition": {"not": {"field": "owner_id", "op": "in", "value": [1, -(2**40)]}}},
     "condition.not.value[1]"),
    ({"condition": None}, "condition"),
    ({"condition": {"or": [{"field": "name", "op": "eq", "value": "a\x00b"}]}},
     "condition.or[0].value"),
    ({"description": "nul\x00"}, "description"),
    ({"name": "nul\x00"}, "name"),
    ({"reason": "nul\x00"}, "reason"),
    ({"principals": [{"kind": "user", "id": 999}]}, "principals[0].id"),
    ({"principals": [{"kind": "group", "id": 1}]}, "principals[0].kind"),
    ({"principals": [{"kind": "all", "id": 1}]}, "principals[0].id"),
    ({"principals": [{"kind": "role"}]}, "principals[0].id"),
    ({"principals": []}, "principals"),
    ({"access": "write"}, "access"),
    ({"object": "invoice"}, "object"),
    ({"reason": " "}, "reason"),
]


@pytest.mark.parametrize(("change", "field"), BAD_RULES, ids=[str(f) for _c, f in BAD_RULES])
def test_bad_rule_names_the_path(as_user: Login, api_engine: Engine, change: dict[str, Any],
                                 field: str | None) -> None:
    admin = as_user("wangfang")
    good = {"name": "r", "object": "customer", "access": "read", "reason": "r",
            "condition": {"field": "industry", "op": "eq", "value": "finance"},
            "principals": [{"kind": "all"}]}
    r = admin.post(f"{API}/sharing-rules", json=good | change)
    if field is None:  # a valid one: decimals may be large
        assert r.status_code == 201, r.text
        admin.delete(f"{API}/sharing-rules/{r.json()['id']}", params={"reason": "x",
                                                                       "version": 1})
        return
    assert r.status_code == 422, r.text
    assert error(r)["details"]["field"] == field
    if "access" not in change:
        restriction = {k: v for k, v in (good | change).items() if k != "access"}
        r = admin.post(f"{API}/restriction-rules", json=restriction)
        assert r.status_code == 422 and error(r)["details"]["field"] == field


def test_restriction_rule_hides_matching_records(as_user: Login, api_engine: Engine) -> None:
    admin, rep = as_user("wangfang"), as_user("hanmeimei")
    own = a_record(api_engine, "customer", "hanmeimei", industry="energy")
    see_it = {"action": "view", "object": "customer", "record": own}
    assert rep.get(f"{API}/access/explain", params=see_it).json()["allowed"] is True
    r = admin.post(f"{API}/restriction-rules", json={
        "name": "energy is confidential", "object": "customer",
        "condition": {"field": "industry", "op": "eq", "value": "energy"},
        "principals": [{"kind": "user", "id": uid(api_engine, "hanmeimei")}],
        "reason": "pending merger"})
    assert r.status_code == 201, r.text
    rule = r.json()
    assert "access" not in rule
    r = admin.get(f"{API}/access/explain", params={"user": "hanmeimei", **see_it})
    assert r.json()["first_denied"] == "restriction"
    # to hanmeimei herself the record is now one she cannot view: the same 404 as missing
    r = rep.get(f"{API}/access/explain", params=see_it)
    assert r.status_code == 404
    r = admin.delete(f"{API}/restriction-rules/{rule['id']}",
                     params={"reason": "merger done", "version": 1})
    assert r.status_code == 204
    assert rep.get(f"{API}/access/explain", params=see_it).json()["allowed"] is True


def test_a_role_named_by_a_rule_is_not_deleted(as_user: Login) -> None:
    admin = as_user("wangfang")
    role = admin.post(f"{API}/roles", json=ROLE | {"key": "named_role"}).json()
    rule = admin.post(f"{API}/restriction-rules", json={
        "name": "named", "object": "task", "principals": [{"kind": "role", "id": role["id"]}],
        "condition": {"field": "status", "op": "eq", "value": "cancelled"},
        "reason": "r"}).json()
    r = admin.delete(f"{API}/roles/{role['id']}", params={"reason": "r", "version": 1})
    assert r.status_code == 409 and "restriction rule named" in error(r)["message"]
    admin.delete(f"{API}/restriction-rules/{rule['id']}", params={"reason": "r", "version": 1})
    r = admin.delete(f"{API}/roles/{role['id']}", params={"reason": "r", "version": 1})
    assert r.status_code == 204


# --- manual shares -----------------------------------------------------------------------------


def test_manual_shares_admin_view(as_user: Login, api_engine: Engine, clock: Clock) -> None:
    admin = as_user("wangfang")
    record = a_record(api_engine, "opportunity", "hanmeimei")
    with Session(api_engine) as s:
        share = Share(object="opportunity", record_id=record, principal_kind="user",
                      principal_id=uid(api_engine, "liuyang"), access="read",
                      shared_by=uid(api_engine, "hanmeimei"), created_at=clock.now)
        s.add(share)
        s.commit()
        share_id = share.id
    r = admin.get(f"{API}/shares", params={"object": "opportunity", "record": record})
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["id"] == share_id and item["principal_kind"] == "user" and item["active"]
    by_principal = admin.get(f"{API}/shares", params={
        "principal_kind": "user", "principal_id": uid(api_engine, "liuyang")}).json()
    assert share_id in [s["id"] for s in by_principal["items"]]
    for params, field in [({"object": "invoice"}, "object"),
                          ({"principal_id": 3}, "principal_kind"),
                          ({"record": 3}, "object"),
                          ({"cursor": "abc"}, "cursor")]:
        r = admin.get(f"{API}/shares", params=params)
        assert r.status_code == 422 and error(r)["details"]["field"] == field, params
    start = version_now(api_engine)
    r = admin.delete(f"{API}/shares/{share_id}")
    assert r.status_code == 422
    r = admin.request("DELETE", f"{API}/shares/{share_id}",
                      json={"reason": "not needed any more"})
    assert r.status_code == 204 and version_now(api_engine) == start + 1
    [event] = events(api_engine, "access.share_deleted", share_id)
    assert event.reason == "not needed any more" and event.before["record_id"] == record
    assert admin.delete(f"{API}/shares/{share_id}",
                        params={"reason": "again"}).status_code == 404


# --- who may -----------------------------------------------------------------------------------

WRITES = [
    ("POST", "/roles", ROLE | {"key": "nope"}),
    ("PATCH", "/roles/1", {"name": "x", "reason": "r", "version": 1}),
    ("DELETE", "/roles/1", {"reason": "r", "version": 1}),
    ("POST", "/assignments", {"user_id": 3, "role_id": 1, "reason": "r"}),
    ("PATCH", "/assignments/1", {"expires_at": None, "reason": "r"}),
    ("DELETE", "/assignments/1", {"reason": "r"}),
    ("POST", "/sharing-rules", {"name": "r", "object": "customer", "access": "read",
                                "condition": {"field": "industry", "op": "eq",
                                              "value": "finance"},
                                "principals": [{"kind": "all"}], "reason": "r"}),
    ("POST", "/restriction-rules", {"name": "r", "object": "customer",
                                    "condition": {"field": "industry", "op": "eq",
                                                  "value": "finance"},
                                    "principals": [{"kind": "all"}], "reason": "r"}),
    ("DELETE", "/shares/1", {"reason": "r"}),
]
READS = ["/roles/1", "/assignments", "/assignments/1", "/sharing-rules",
         "/restriction-rules", "/shares"]


@pytest.mark.parametrize("username", ["hanmeimei", "sunli"])
def test_access_changes_need_manage_roles(as_user: Login, api_engine: Engine,
                                          username: str) -> None:
    client = as_user(username)
    start = version_now(api_engine)
    for method, path, body in WRITES:
        r = client.request(method, f"{API}{path}", json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert error(r)["details"]["permission"] == "manage_roles", (method, path)
    assert version_now(api_engine) == start


def test_reading_access_configuration(as_user: Login) -> None:
    """manage_roles or view_audit read it (an auditor inspects without changing); others
    see only the role summary that pickers need."""
    for path in READS:
        r = as_user("hanmeimei").get(f"{API}{path}")
        assert r.status_code == 403, path
        assert error(r)["details"]["any_of"] == ["manage_roles", "view_audit"]
        assert as_user("sunli").get(f"{API}{path}").status_code == 200, path
    summary = as_user("hanmeimei").get(f"{API}/roles").json()["items"]
    assert set(summary[0]) == {"id", "key", "name", "name_en", "description"}
    assert "grants" in as_user("sunli").get(f"{API}/roles").json()["items"][0]
