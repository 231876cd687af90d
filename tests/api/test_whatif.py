"""POST /api/v1/access/what-if against reality.

Each change is asked about first (twice: records counted by cells and per user in SQL),
then made through its real endpoint; every active user's access is read before and after
with the engine (matrix: roles, system permissions, scopes, field levels; visible ids per
object through the engine's filter), and the what-if must have said exactly what moved:
the users whose access changes and nobody else, their scope, field, permission and role
changes, and per object how many records became visible and invisible. Asking never
writes: the policy version and the audit head stay where they were.

Bad input: the same bodies sent to the real endpoint and to the what-if get the same
answer (403, 404, 409, 422 with the same field paths). Who may ask: manage_roles, and a
delegated administrator for the assignments they could make.

The demo organisation gets, for this module, two more sales reps (East 1 and East 2, some
of their colleagues' records moved to them), a user with no role, a delegated
administrator, and manual shares to a user, a role, a department and a department tree
(one expired).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.api.admin_helpers import version_now
from tests.api.conftest import API, Clock, Login
from tests.conftest import DEMO_PASSWORD
from vouch.access import models as am
from vouch.access.engine import compile_profile, matrix
from vouch.access.query import filtered_select
from vouch.access.service import bump_policy_version, load_facts
from vouch.access.whatif import counting
from vouch.audit.models import AuditEvent
from vouch.auth.passwords import hash_password
from vouch.catalog import OBJECT_NAMES
from vouch.db import system_session
from vouch.org import models as om
from vouch.org.closure import rebuild_reporting_closure
from vouch.records.models import model_for

HQ, SALES, EAST1, EAST2, SOUTH = 1, 2, 3, 4, 5
WHAT_IF = f"{API}/access/what-if"


# --- the module's organisation ------------------------------------------------------------


@dataclass
class Env:
    engine: Engine
    clock: Clock
    admin: TestClient
    users: dict[str, int]
    roles: dict[str, int]


def _uid(s: Session, username: str) -> int:
    return int(s.scalars(select(om.User.id).where(om.User.username == username)).one())


def _move(s: Session, obj: str, owner: int, to: int, n: int) -> None:
    model = model_for(obj)
    ids = list(s.scalars(select(model.id).where(model.owner_id == owner)
                         .order_by(model.id).limit(n)))
    s.execute(update(model).where(model.id.in_(ids)).values(owner_id=to))


def _a_record(s: Session, obj: str, owner: int, k: int = 0) -> int:
    model = model_for(obj)
    return int(s.scalars(select(model.id).where(model.owner_id == owner)
                         .order_by(model.id.desc()).offset(k).limit(1)).one())


@pytest.fixture(scope="module")
def env(api_engine: Engine, clock: Clock, as_user: Login) -> Env:
    now = clock.now
    with system_session(api_engine, "what-if tests: the organisation") as s:
        lilei, hanmeimei = _uid(s, "lilei"), _uid(s, "hanmeimei")
        zhangwei, liuyang = _uid(s, "zhangwei"), _uid(s, "liuyang")
        rep_role = s.scalars(select(am.Role.id).where(am.Role.key == "sales_rep")).one()
        new = {}
        for name, dept, manager, password in (
            ("wi_rep2", EAST1, lilei, None), ("wi_rep3", EAST2, lilei, None),
            ("wi_idle", SOUTH, None, None), ("wi_delegate", SALES, lilei, DEMO_PASSWORD),
        ):
            u = om.User(username=name, display_name=name, department_id=dept,
                        manager_id=manager, active=True, created_at=now,
                        password_hash=hash_password(password) if password else None)
            s.add(u)
            s.flush()
            new[name] = u.id
        rebuild_reporting_closure(s)
        delegate_role = am.Role(key="wi_delegate_admin", name="Delegated administrator",
                                created_at=now)
        s.add(delegate_role)
        s.flush()
        s.add(am.RolePermission(role_id=delegate_role.id, permission="delegate_admin"))
        for user, role in (("wi_rep2", rep_role), ("wi_rep3", rep_role),
                           ("wi_delegate", delegate_role.id)):
            s.add(am.RoleAssignment(user_id=new[user], role_id=role, granted_at=now,
                                    reason="what-if tests"))
        for obj in ("customer", "contact", "opportunity"):
            _move(s, obj, hanmeimei, new["wi_rep2"], 12)
            _move(s, obj, zhangwei, new["wi_rep3"], 9)
        shares = [
            (_a_record(s, "customer", liuyang, 0), "user", new["wi_rep2"], "read", None),
            (_a_record(s, "customer", liuyang, 1), "role", rep_role, "read", None),
            (_a_record(s, "customer", liuyang, 2), "department", EAST2, "read_write", None),
            (_a_record(s, "customer", liuyang, 3), "department_tree", SALES, "read", None),
            (_a_record(s, "customer", liuyang, 4), "user", hanmeimei, "read",
             now - timedelta(days=1)),
            (_a_record(s, "contact", liuyang, 0), "user", new["wi_idle"], "read_write", None),
        ]
        s.execute(insert(am.Share), [
            {"object": "customer" if i < 5 else "contact", "record_id": rid,
             "principal_kind": kind, "principal_id": pid, "access": access,
             "expires_at": expires, "created_at": now}
            for i, (rid, kind, pid, access, expires) in enumerate(shares)])
        bump_policy_version(s)
        s.commit()
        users = {u.username: u.id for u in s.scalars(select(om.User))}
        roles = {r.key: r.id for r in s.scalars(select(am.Role))}
    return Env(api_engine, clock, as_user("wangfang"), users, roles)


# --- reality ---------------------------------------------------------------------------------


@dataclass
class Access:
    roles: set[str]
    permissions: set[str]
    scopes: dict[tuple[str, str], tuple[str, ...]]
    fields: dict[tuple[str, str], str]
    visible: dict[str, set[int]]


def snapshot(env: Env) -> dict[int, Access]:
    """Every active user's access as the engine decides it now."""
    now = env.clock.now
    out = {}
    with Session(env.engine) as s:
        for uid in s.scalars(select(om.User.id).where(om.User.active.is_(True))):
            profile = compile_profile(load_facts(s, uid, now), now)
            m = matrix(profile)
            out[uid] = Access(
                {r["key"] for r in m["roles"]}, set(m["system_permissions"]),
                {(o, a): tuple(sorted(e["scopes"])) for o, oe in m["objects"].items()
                 for a, e in oe["actions"].items()},
                {(o, f): e["level"] for o, oe in m["objects"].items()
                 for f, e in oe["fields"].items()},
                {o: set(s.scalars(filtered_select(profile, o, "view", now,
                                                  model_for(o).id)))
                 for o in OBJECT_NAMES},
            )
    return out


def expected(before: dict[int, Access], after: dict[int, Access]) -> dict[int, Any]:
    """Per user whose access moved: the answer's user entry, normalised."""
    out = {}
    for uid, b in before.items():
        a = after[uid]
        entry = {
            "roles": (sorted(a.roles - b.roles), sorted(b.roles - a.roles)),
            "permissions": (sorted(a.permissions - b.permissions),
                            sorted(b.permissions - a.permissions)),
            "scopes": sorted((o, act, b.scopes[o, act], a.scopes[o, act])
                             for o, act in b.scopes if b.scopes[o, act] != a.scopes[o, act]),
            "fields": sorted((o, f, b.fields[o, f], a.fields[o, f])
                             for o, f in b.fields if b.fields[o, f] != a.fields[o, f]),
            "records": {o: (len(a.visible[o] - b.visible[o]), len(b.visible[o] - a.visible[o]))
                        for o in OBJECT_NAMES if a.visible[o] != b.visible[o]},
        }
        if any(entry[k] for k in ("scopes", "fields", "records")) or entry["roles"] != (
                [], []) or entry["permissions"] != ([], []):
            out[uid] = entry
    return out


def normalised(answer: dict[str, Any]) -> dict[int, Any]:
    return {u["user_id"]: {
        "roles": (u["roles"]["added"], u["roles"]["removed"]),
        "permissions": (u["permissions"]["added"], u["permissions"]["removed"]),
        "scopes": sorted((c["object"], c["action"], tuple(sorted(c["before"])),
                          tuple(sorted(c["after"]))) for c in u["scopes"]),
        "fields": sorted((c["object"], c["field"], c["before"], c["after"])
                         for c in u["fields"]),
        "records": {r["object"]: (r["visible"], r["invisible"]) for r in u["records"]},
    } for u in answer["users"]}


def audit_head(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.max(AuditEvent.seq))) or 0)


@pytest.fixture
def ask(env: Env, monkeypatch: pytest.MonkeyPatch) -> Callable[..., dict[str, Any]]:
    """Ask the what-if with both ways of counting (cells, then one COUNT per user); both
    must give the same answer, and neither may write."""

    def run(change: dict[str, Any], client: TestClient | None = None,
            **params: Any) -> dict[str, Any]:
        version, head = version_now(env.engine), audit_head(env.engine)
        answers = []
        for per_user_max in (0, 10**9):
            monkeypatch.setattr(counting, "PER_USER_SQL_MAX", per_user_max)
            r = (client or env.admin).post(WHAT_IF, json={"change": change},
                                           params={"limit": 1000, **params})
            assert r.status_code == 200, r.text
            answers.append(r.json())
        assert version_now(env.engine) == version and audit_head(env.engine) == head
        assert answers[0] == answers[1] or (
            {k: v for k, v in answers[0].items() if k != "computed_at"}
            == {k: v for k, v in answers[1].items() if k != "computed_at"})
        return answers[0]

    return run


def against_reality(env: Env, ask: Callable[..., dict[str, Any]], change: dict[str, Any],
                    apply: Callable[[], Any]) -> dict[str, Any]:
    before = snapshot(env)
    answer = ask(change)
    r = apply()
    assert r.status_code in (200, 201, 204), r.text
    after = snapshot(env)
    want = expected(before, after)
    got = normalised(answer)
    assert got == want
    totals = answer["totals"]
    assert totals["changed"] == len(want)
    assert totals["unchanged"] == totals["users"] - totals["changed"] >= 0
    sums: dict[str, list[int]] = {}
    for entry in want.values():
        for obj, (v, i) in entry["records"].items():
            sums.setdefault(obj, [0, 0])
            sums[obj][0] += v
            sums[obj][1] += i
    assert {r["object"]: [r["visible"], r["invisible"]] for r in totals["records"]} == sums
    return answer


def role_doc(env: Env, key: str) -> dict[str, Any]:
    r = env.admin.get(f"{API}/roles/{env.roles[key]}")
    assert r.status_code == 200
    return dict(r.json())


def with_scope(grants: list[dict[str, Any]], obj: str, action: str,
               scope: str | None) -> list[dict[str, Any]]:
    out = [g for g in grants if (g["object"], g["action"]) != (obj, action)]
    return out + ([{"object": obj, "action": action, "scope": scope}] if scope else [])


# --- roles -----------------------------------------------------------------------------------


def test_widening_a_role_names_its_holders_scopes_fields_and_records(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    doc = role_doc(env, "sales_rep")
    grants = with_scope(with_scope(doc["grants"], "customer", "view", "department"),
                        "contact", "view", "department_tree")
    rules = [r for r in doc["field_rules"]
             if (r["object"], r["sensitivity"]) != ("customer", "financial")]
    rules.append({"object": "customer", "sensitivity": "financial", "field": None,
                  "level": "read"})
    body = {"grants": grants, "field_rules": rules, "reason": "what-if test",
            "version": doc["version"]}
    answer = against_reality(
        env, ask, {"kind": "role", "op": "update", "id": doc["id"], "body": body},
        lambda: env.admin.patch(f"{API}/roles/{doc['id']}", json=body))
    assert answer["totals"]["users"] == 5  # hanmeimei, zhangwei, liuyang, wi_rep2, wi_rep3
    by_name = {u["username"]: u for u in answer["users"]}
    # wi_rep2 shares East 1 with hanmeimei: her customers there become visible to him
    assert by_name["wi_rep2"]["records"][0]["object"] == "customer"
    assert by_name["wi_rep2"]["records"][0]["visible"] > 0


def test_narrowing_a_role_and_adding_a_permission(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    doc = role_doc(env, "sales_manager")
    grants = with_scope(with_scope(doc["grants"], "customer", "view", "own"),
                        "opportunity", "view", None)
    body = {"grants": grants, "permissions": [*doc["permissions"], "view_audit"],
            "reason": "what-if test", "version": doc["version"]}
    answer = against_reality(
        env, ask, {"kind": "role", "op": "update", "id": doc["id"], "body": body},
        lambda: env.admin.patch(f"{API}/roles/{doc['id']}", json=body))
    lilei = next(u for u in answer["users"] if u["username"] == "lilei")
    assert lilei["permissions"] == {"added": ["view_audit"], "removed": []}
    assert any(r["invisible"] > 0 for r in lilei["records"])


def test_creating_and_deleting_a_role_nobody_holds(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    body = {"key": "wi_new_role", "name": "新角色", "reason": "what-if test",
            "grants": [{"object": "customer", "action": "view", "scope": "all"}]}
    answer = against_reality(env, ask, {"kind": "role", "op": "create", "body": body},
                             lambda: env.admin.post(f"{API}/roles", json=body))
    assert answer["notes"][0]["code"] == "new_role_unassigned"
    assert answer["totals"]["users"] == 0 and answer["change"]["id"] is None
    role = next(r for r in env.admin.get(f"{API}/roles").json()["items"]
                if r["key"] == "wi_new_role")
    gone = {"reason": "what-if test", "version": role["version"]}
    answer = against_reality(
        env, ask, {"kind": "role", "op": "delete", "id": role["id"], "body": gone},
        lambda: env.admin.request("DELETE", f"{API}/roles/{role['id']}", json=gone))
    assert answer["notes"][0]["code"] == "role_unassigned"


# --- assignments ----------------------------------------------------------------------------


def test_an_assignment_given_changed_and_ended(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    until = (env.clock.now + timedelta(days=10)).isoformat()
    body = {"user_id": env.users["wi_rep2"], "role_id": env.roles["finance"],
            "expires_at": until, "reason": "what-if test"}
    answer = against_reality(env, ask, {"kind": "assignment", "op": "create", "body": body},
                             lambda: env.admin.post(f"{API}/assignments", json=body))
    [user] = answer["users"]
    assert user["username"] == "wi_rep2" and user["roles"]["added"] == ["finance"]
    assert any(r["object"] == "payment" and r["visible"] > 0 for r in user["records"])
    assignment = next(a for a in env.admin.get(
        f"{API}/assignments", params={"user": env.users["wi_rep2"]}).json()["items"]
        if a["role_key"] == "finance")
    later = {"expires_at": (env.clock.now + timedelta(days=20)).isoformat(),
             "reason": "what-if test"}
    answer = against_reality(
        env, ask, {"kind": "assignment", "op": "update", "id": assignment["id"],
                   "body": later},
        lambda: env.admin.patch(f"{API}/assignments/{assignment['id']}", json=later))
    assert answer["totals"] == {"users": 1, "changed": 0, "unchanged": 1, "scope_changes": 0,
                                "field_changes": 0, "records": []}
    end = {"reason": "what-if test"}
    answer = against_reality(
        env, ask, {"kind": "assignment", "op": "delete", "id": assignment["id"], "body": end},
        lambda: env.admin.request("DELETE", f"{API}/assignments/{assignment['id']}",
                                  json=end))
    assert answer["users"][0]["roles"]["removed"] == ["finance"]


def test_an_assignment_brings_the_shares_and_rules_of_its_role(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    """wi_idle owns nothing: as a sales rep they see their department's customers (the
    role was widened above) and what is shared with the role; the share to them alone
    (a contact) they saw before."""
    body = {"user_id": env.users["wi_idle"], "role_id": env.roles["sales_rep"],
            "reason": "what-if test"}
    answer = against_reality(env, ask, {"kind": "assignment", "op": "create", "body": body},
                             lambda: env.admin.post(f"{API}/assignments", json=body))
    [user] = answer["users"]
    assert user["roles"]["added"] == ["sales_rep"]
    assert {r["object"] for r in user["records"]} >= {"customer"}


# --- sharing and restriction rules -----------------------------------------------------------


def _rule_id(env: Env, base: str, name: str) -> tuple[int, int]:
    rule = next(r for r in env.admin.get(f"{API}/{base}").json()["items"]
                if r["name"] == name)
    return rule["id"], rule["version"]


@pytest.mark.parametrize("kind,base", [("sharing_rule", "sharing-rules"),
                                       ("restriction_rule", "restriction-rules")])
def test_a_rule_created_changed_switched_off_and_deleted(
        env: Env, ask: Callable[..., dict[str, Any]], kind: str, base: str) -> None:
    name = f"wi {kind}"
    body: dict[str, Any] = {
        "name": name, "object": "customer", "reason": "what-if test",
        "condition": {"or": [{"field": "industry", "op": "eq", "value": "finance"},
                             {"field": "level", "op": "in", "value": ["A", "B"]}]},
        "principals": [{"kind": "role", "id": env.roles["sales_rep"]},
                       {"kind": "user", "id": env.users["wi_delegate"]}]}
    if kind == "sharing_rule":
        body["access"] = "read"
    answer = against_reality(env, ask, {"kind": kind, "op": "create", "body": body},
                             lambda: env.admin.post(f"{API}/{base}", json=body))
    assert answer["totals"]["changed"] > 0
    steps: list[dict[str, Any]] = [
        {"principals": [{"kind": "department_tree", "id": SALES}],
         "condition": {"and": [{"field": "industry", "op": "ne", "value": "retail"},
                               {"relation": "owner_in_department", "department": EAST1,
                                "subtree": False}]}},
        {"object": "contact", "principals": [{"kind": "all"}],
         "condition": {"not": {"field": "name", "op": "contains", "value": "张"}}},
        {"active": False},
        {"active": True, "principals": [{"kind": "department", "id": EAST2}]},
    ]
    for step in steps:
        rule_id, version = _rule_id(env, base, name)
        patch = {**step, "reason": "what-if test", "version": version}
        against_reality(env, ask, {"kind": kind, "op": "update", "id": rule_id, "body": patch},
                        lambda p=patch, i=rule_id: env.admin.patch(f"{API}/{base}/{i}",
                                                                   json=p))
    rule_id, version = _rule_id(env, base, name)
    gone = {"reason": "what-if test", "version": version}
    against_reality(env, ask, {"kind": kind, "op": "delete", "id": rule_id, "body": gone},
                    lambda: env.admin.request("DELETE", f"{API}/{base}/{rule_id}", json=gone))


# --- the answer --------------------------------------------------------------------------------


def test_users_without_a_change_are_counted_and_the_rest_paged(
        env: Env, ask: Callable[..., dict[str, Any]]) -> None:
    doc = role_doc(env, "sales_rep")
    body = {"grants": with_scope(doc["grants"], "contract", "view", "all"),
            "reason": "what-if test", "version": doc["version"]}
    change = {"kind": "role", "op": "update", "id": doc["id"], "body": body}
    everyone = ask(change)
    assert everyone["totals"]["changed"] >= 3
    first = env.admin.post(WHAT_IF, json={"change": change}, params={"limit": 2}).json()
    rest = env.admin.post(WHAT_IF, json={"change": change},
                          params={"limit": 2, "offset": first["next_offset"]}).json()
    assert first["users"] + rest["users"] == everyone["users"][:4]
    assert first["totals"] == everyone["totals"] and first["next_offset"] == 2
    # a sharing rule for one user: everyone else is neither counted nor listed
    one = ask({"kind": "sharing_rule", "op": "create", "body": {
        "name": "one", "object": "task", "access": "read", "reason": "what-if test",
        "condition": {"field": "title", "op": "is_null", "value": False},
        "principals": [{"kind": "user", "id": env.users["wi_rep3"]}]}})
    assert one["totals"]["users"] == 1


# --- bad input: the real endpoint's answers ----------------------------------------------------


def _real(env: Env, client: TestClient, kind: str, op: str, target: int | None,
          body: dict[str, Any]) -> Any:
    base = {"role": "roles", "assignment": "assignments", "sharing_rule": "sharing-rules",
            "restriction_rule": "restriction-rules"}[kind]
    url = f"{API}/{base}" + (f"/{target}" if target is not None else "")
    method = {"create": "POST", "update": "PATCH", "delete": "DELETE"}[op]
    return client.request(method, url, json=body)


Case = tuple[str, str, str, Callable[[Env], int | None], Callable[[Env], dict[str, Any]]]
R = "what-if test"
CASES: list[Case] = [
    ("role: no key", "role", "create", lambda e: None, lambda e: {"name": "x", "reason": R}),
    ("role: bad key", "role", "create", lambda e: None,
     lambda e: {"key": "Bad Key", "name": "x", "reason": R}),
    ("role: unknown scope", "role", "create", lambda e: None, lambda e: {
        "key": "wi_x", "name": "x", "reason": R,
        "grants": [{"object": "customer", "action": "view", "scope": "own"},
                   {"object": "customer", "action": "edit", "scope": "everything"}]}),
    ("role: field and class", "role", "create", lambda e: None, lambda e: {
        "key": "wi_x", "name": "x", "reason": R, "field_rules": [
            {"object": "customer", "field": "phone", "sensitivity": "personal",
             "level": "read"}]}),
    ("role: key taken", "role", "create", lambda e: None,
     lambda e: {"key": "finance", "name": "x", "reason": R}),
    ("role: delegable with a permission", "role", "create", lambda e: None,
     lambda e: {"key": "wi_x", "name": "x", "reason": R, "delegable": True,
                "permissions": ["view_audit"]}),
    ("role: blank reason", "role", "create", lambda e: None,
     lambda e: {"key": "wi_x", "name": "x", "reason": "   "}),
    ("role: unknown member", "role", "create", lambda e: None,
     lambda e: {"key": "wi_x", "name": "x", "reason": R, "colour": "red"}),
    ("role: unknown id", "role", "update", lambda e: 99999,
     lambda e: {"description": "x", "reason": R, "version": 1}),
    ("role: bad grant before unknown id", "role", "update", lambda e: 99999,
     lambda e: {"grants": [{"object": "spaceship", "action": "view", "scope": "own"}],
                "reason": R, "version": 1}),
    ("role: stale version", "role", "update", lambda e: e.roles["support"],
     lambda e: {"description": "x", "reason": R, "version": 999}),
    ("role: no version", "role", "update", lambda e: e.roles["support"],
     lambda e: {"description": "x", "reason": R}),
    ("role: holders outside", "role", "update", lambda e: e.roles["support"],
     lambda e: {"departments": [EAST1], "reason": R,
                "version": role_doc(e, "support")["version"]}),
    ("role: delete a held role", "role", "delete", lambda e: e.roles["support"],
     lambda e: {"reason": R, "version": role_doc(e, "support")["version"]}),
    ("role: delete without version", "role", "delete", lambda e: e.roles["support"],
     lambda e: {"reason": R}),
    ("assignment: unknown user", "assignment", "create", lambda e: None,
     lambda e: {"user_id": 99999, "role_id": e.roles["finance"], "reason": R}),
    ("assignment: unknown role", "assignment", "create", lambda e: None,
     lambda e: {"user_id": e.users["wi_rep3"], "role_id": 99999, "reason": R}),
    ("assignment: holds already", "assignment", "create", lambda e: None,
     lambda e: {"user_id": e.users["wi_rep3"], "role_id": e.roles["sales_rep"],
                "reason": R}),
    ("assignment: past expiry", "assignment", "create", lambda e: None,
     lambda e: {"user_id": e.users["wi_rep3"], "role_id": e.roles["finance"], "reason": R,
                "expires_at": (e.clock.now - timedelta(days=1)).isoformat()}),
    ("assignment: expiry without a zone", "assignment", "create", lambda e: None,
     lambda e: {"user_id": e.users["wi_rep3"], "role_id": e.roles["finance"], "reason": R,
                "expires_at": "2030-01-01T00:00:00"}),
    ("assignment: unknown id", "assignment", "update", lambda e: 99999,
     lambda e: {"expires_at": None, "reason": R}),
    ("assignment: delete unknown", "assignment", "delete", lambda e: 99999,
     lambda e: {"reason": R}),
    ("sharing rule: condition path", "sharing_rule", "create", lambda e: None, lambda e: {
        "name": "x", "object": "customer", "access": "read", "reason": R,
        "principals": [{"kind": "all"}],
        "condition": {"and": [{"field": "industry", "op": "eq", "value": "finance"},
                              {"field": "credit_limit", "op": "gt", "value": "lots"}]}}),
    ("sharing rule: unknown principal", "sharing_rule", "create", lambda e: None, lambda e: {
        "name": "x", "object": "customer", "access": "read", "reason": R,
        "principals": [{"kind": "role", "id": 99999}],
        "condition": {"field": "industry", "op": "eq", "value": "finance"}}),
    ("sharing rule: no access", "sharing_rule", "create", lambda e: None, lambda e: {
        "name": "x", "object": "customer", "reason": R, "principals": [{"kind": "all"}],
        "condition": {"field": "industry", "op": "eq", "value": "finance"}}),
    ("restriction rule: unknown object", "restriction_rule", "create", lambda e: None,
     lambda e: {"name": "x", "object": "spaceship", "reason": R,
                "principals": [{"kind": "all"}],
                "condition": {"field": "industry", "op": "eq", "value": "finance"}}),
    ("restriction rule: unknown id", "restriction_rule", "update", lambda e: 99999,
     lambda e: {"name": "y", "reason": R, "version": 1}),
    ("restriction rule: delete unknown", "restriction_rule", "delete", lambda e: 99999,
     lambda e: {"reason": R, "version": 1}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_the_real_endpoints_answer(env: Env, case: Case) -> None:
    _label, kind, op, target_of, body_of = case
    target, body = target_of(env), body_of(env)
    version, head = version_now(env.engine), audit_head(env.engine)
    r = env.admin.post(WHAT_IF, json={"change": {"kind": kind, "op": op, "id": target,
                                                 "body": body}})
    assert version_now(env.engine) == version and audit_head(env.engine) == head
    real = _real(env, env.admin, kind, op, target, body)
    assert r.status_code in (404, 409, 422), r.text
    assert (r.status_code, r.json()) == (real.status_code, real.json())


@pytest.mark.parametrize("change,field", [
    ({"kind": "department", "op": "create"}, "change.kind"),
    ({"kind": "role", "op": "rename", "id": 1}, "change.op"),
    ({"kind": "role", "op": "create", "id": 1, "body": {"key": "wi_y", "name": "y",
                                                        "reason": R}}, "change.id"),
    ({"kind": "role", "op": "update", "body": {"reason": R, "version": 1}}, "change.id"),
    ({"kind": "role", "op": "update", "id": 0, "body": {}}, "change.id"),
])
def test_a_malformed_change_is_422_naming_it(env: Env, change: dict[str, Any],
                                             field: str) -> None:
    r = env.admin.post(WHAT_IF, json={"change": change})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == field, r.text


# --- who may ask -------------------------------------------------------------------------------


def test_who_may_ask(env: Env, as_user: Login) -> None:
    rep, delegate = as_user("hanmeimei"), as_user("wi_delegate")
    doc = role_doc(env, "support")
    role_change = {"kind": "role", "op": "update", "id": doc["id"],
                   "body": {"description": "x", "reason": R, "version": doc["version"]}}
    for client in (rep, delegate):
        r = client.post(WHAT_IF, json={"change": role_change})
        real = _real(env, client, "role", "update", doc["id"], role_change["body"])
        assert r.status_code == real.status_code == 403
        assert r.json()["error"]["details"]["permission"] == "manage_roles"
    # a delegate may ask about an assignment they could make (a delegable role, their
    # subtree) and is refused one they could not, as saving it would be
    mine = {"user_id": env.users["wi_rep3"], "role_id": env.roles["support"], "reason": R}
    r = delegate.post(WHAT_IF, json={"change": {"kind": "assignment", "op": "create",
                                                "body": mine}})
    assert r.status_code == 200, r.text
    assert r.json()["users"][0]["roles"]["added"] == ["support"]
    not_mine = {"user_id": env.users["wi_rep3"], "role_id": env.roles["sys_admin"],
                "reason": R}
    r = delegate.post(WHAT_IF, json={"change": {"kind": "assignment", "op": "create",
                                                "body": not_mine}})
    real = delegate.post(f"{API}/assignments", json=not_mine)
    assert r.status_code == 403 and (r.status_code, r.json()) == (real.status_code,
                                                                  real.json())


# --- the command line ---------------------------------------------------------------------------


def test_cli_what_if(env: Env) -> None:
    from vouch.cli.main import app

    url = env.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    doc = role_doc(env, "support")
    body = {"grants": with_scope(doc["grants"], "customer", "view", None), "reason": R,
            "version": doc["version"]}
    result = runner.invoke(app, ["access", "what-if", "--as", "wangfang", "--kind", "role",
                                 "--op", "update", "--id", str(doc["id"]), "--body",
                                 json.dumps(body), "--json"],
                           env={"VOUCH_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    [chenjing] = answer["users"]
    assert chenjing["username"] == "chenjing"
    assert {"object": "customer", "action": "view", "before": ["all"], "after": []} in \
        chenjing["scopes"]
    result = runner.invoke(app, ["access", "what-if", "--as", "wangfang", "--kind", "role",
                                 "--op", "update", "--id", str(doc["id"]), "--body",
                                 json.dumps({**body, "version": 999})],
                           env={"VOUCH_DATABASE_URL": url})
    assert result.exit_code == 2 and "409" in result.output
    table = runner.invoke(app, ["access", "what-if", "--as", "wangfang", "--kind", "role",
                                "--op", "update", "--id", str(doc["id"]), "--body",
                                json.dumps(body)], env={"VOUCH_DATABASE_URL": url})
    assert table.exit_code == 0 and "chenjing" in table.output


# --- separation of duties ----------------------------------------------------------------------


def test_a_conflicting_pair_and_the_two_person_rule(env: Env) -> None:
    """A role that conflicts with one the user holds is the same 409 as saving it; under
    the two-person rule the answer is the grant's impact, with a note that saving makes a
    grant request (the real endpoint answers 202)."""
    admin = env.admin
    pair = admin.post(f"{API}/role-conflicts", json={
        "role_a_id": env.roles["finance"], "role_b_id": env.roles["support"], "reason": R})
    assert pair.status_code == 201, pair.text
    clash = {"user_id": env.users["zhaomin"], "role_id": env.roles["support"], "reason": R}
    version, head = version_now(env.engine), audit_head(env.engine)
    r = admin.post(WHAT_IF, json={"change": {"kind": "assignment", "op": "create",
                                             "body": clash}})
    assert version_now(env.engine) == version and audit_head(env.engine) == head
    real = admin.post(f"{API}/assignments", json=clash)
    assert r.status_code == 409 and (r.status_code, r.json()) == (real.status_code,
                                                                  real.json())
    assert admin.request("DELETE", f"{API}/role-conflicts/{pair.json()['id']}",
                         json={"reason": R}).status_code == 204

    def two_person(on: bool) -> None:
        current = admin.get(f"{API}/settings/workflow").json()
        r = admin.patch(f"{API}/settings/workflow", json={
            "two_person_rule": on, "version": current["version"], "reason": R})
        assert r.status_code == 200, r.text

    two_person(True)
    try:
        audit = {"user_id": env.users["wi_rep3"], "role_id": env.roles["auditor"],
                 "reason": R}
        r = admin.post(WHAT_IF, json={"change": {"kind": "assignment", "op": "create",
                                                 "body": audit}})
        assert r.status_code == 200, r.text
        answer = r.json()
        assert [n["code"] for n in answer["notes"]] == ["needs_second_approval"]
        assert answer["users"][0]["permissions"]["added"] == ["view_audit"]
        assert admin.post(f"{API}/assignments", json=audit).status_code == 202
    finally:
        two_person(False)
