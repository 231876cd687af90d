"""What-if on random worlds, against the reference model.

A random world (tests.property.strategies) and a random change to it — a role's grants,
field rules and permissions replaced, an assignment given, ended or its expiry moved
(expiries at `now` and a microsecond either side included), a sharing or restriction rule
added, removed or replaced — give a world before and a world after. The world before is
loaded into the database; the change goes to `vouch.access.whatif.impact` as a
`Proposal` (nothing of the world after is loaded), counted both ways (cells and per-user
SQL). The reference model (no engine code) reads both worlds: per user, the scopes of
every object and action, the level of every field, system permissions, active roles and
the records each may view. The what-if must name exactly the users whose access differs,
with exactly those differences.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.property.load import clear_world, load_world
from tests.property.strategies import EXPIRIES, condition, principal, roles, worlds
from tests.reference import model as ref
from tests.reference.world import (
    Assignment,
    RestrictionRule,
    Role,
    SharingRule,
    World,
)
from vouch.access.engine import (
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RoleFact,
    RuleFact,
)
from vouch.access.whatif import Proposal, impact
from vouch.access.whatif.proposal import NEW_ID
from vouch.catalog import OBJECT_ACTIONS, OBJECT_MAP, OBJECT_NAMES, RECORD_ACTIONS

PROFILE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                         HealthCheck.data_too_large],
                   print_blob=True)
EXAMPLES_SQLITE = 150
EXAMPLES_POSTGRES = 40
_versions = itertools.count(2**42)  # a policy version per load (facts are cached by it)


# --- the change, as worlds and as a proposal -----------------------------------------------


def _role_fact(role: Role) -> RoleFact:
    return RoleFact(
        role.id, f"role{role.id}", f"Role {role.id}",
        tuple(GrantFact(g.object, g.action, g.scope) for g in role.grants),
        tuple(FieldRuleFact(r.object, r.field, r.sensitivity, r.level)
              for r in role.field_rules),
        frozenset(role.permissions))


def _rule_fact(rule: SharingRule | RestrictionRule, rule_id: int) -> RuleFact:
    principals = tuple(PrincipalRef(str(p["kind"]), p.get("id")) for p in rule.principals)
    access = rule.access if isinstance(rule, SharingRule) else None
    name = f"{'Sharing' if access else 'Restriction'} rule {rule.id}"
    return RuleFact(rule_id, name, rule.object, rule.condition, principals, access)


def _ctx(world: World) -> dict[str, Any]:
    return {
        "dept_ids": [d.id for d in world.departments],
        "user_ids": [u.id for u in world.users],
        "role_ids": [r.id for r in world.roles],
        "values": {obj: {f.name: [r.values[f.name] for r in recs]
                         for f in OBJECT_MAP[obj].fields}
                   | {"owner_id": [r.owner_id for r in recs],
                      "department_id": [r.department_id for r in recs]}
                   for obj, recs in world.records.items()},
    }


@st.composite
def changes(draw: st.DrawFn) -> tuple[World, World, Proposal]:
    world = draw(worlds(max_records=10))
    objects = list(world.records)
    what = draw(st.sampled_from(["sharing_add", "assign", "restriction_replace", "unassign",
                                 "sharing_replace", "role", "restriction_add", "expiry",
                                 "sharing_remove", "restriction_remove"]))
    if what == "role":
        old = draw(st.sampled_from(world.roles))
        new = replace(draw(roles(objects))[0], id=old.id)
        after = replace(world, roles=tuple(new if r.id == old.id else r for r in world.roles))
        return world, after, Proposal("role", "update", role_id=old.id, role=_role_fact(new))
    if what in ("assign", "unassign", "expiry"):
        user = draw(st.sampled_from(world.users))
        role = draw(st.sampled_from(world.roles))
        held = [a for a in world.assignments if (a.user_id, a.role_id) == (user.id, role.id)]
        kept = tuple(a for a in world.assignments if (a.user_id, a.role_id) != (user.id,
                                                                                role.id))
        if what == "unassign" and held:
            return world, replace(world, assignments=kept), Proposal(
                "assignment", "delete", role_id=role.id, user_id=user.id)
        expires = draw(st.sampled_from(EXPIRIES))
        after = replace(world, assignments=(*kept, Assignment(user.id, role.id, expires)))
        op = "update" if held else "create"
        return world, after, Proposal("assignment", op, role_id=role.id, user_id=user.id,
                                      assignment=AssignmentFact(NEW_ID, role.id, expires))
    sharing = what.startswith("sharing")
    kind = "sharing_rule" if sharing else "restriction_rule"
    existing: tuple[Any, ...] = world.sharing_rules if sharing else world.restriction_rules
    ctx = _ctx(world)
    obj = draw(st.sampled_from(objects))
    cond = condition(draw, obj, ctx)
    principals = tuple(principal(draw, ctx) for _ in range(draw(st.integers(1, 3))))
    new_id = max((r.id for r in existing), default=0) + 1
    rule: SharingRule | RestrictionRule = (
        SharingRule(new_id, obj, cond, principals, draw(st.sampled_from(("read",
                                                                          "read_write"))))
        if sharing else RestrictionRule(new_id, obj, cond, principals))
    target = draw(st.sampled_from(existing)) if existing and not what.endswith("_add") \
        else None
    if target is None:  # add (also when there is nothing to replace or remove)
        rules, proposal = (*existing, rule), Proposal(kind, "create", rule_id=NEW_ID,
                                                      rule=_rule_fact(rule, NEW_ID))
    elif what.endswith("_remove"):
        rules = tuple(r for r in existing if r.id != target.id)
        proposal = Proposal(kind, "delete", rule_id=target.id)
    else:
        rule = replace(rule, id=target.id)
        rules = tuple(rule if r.id == target.id else r for r in existing)
        proposal = Proposal(kind, "update", rule_id=target.id,
                            rule=_rule_fact(rule, target.id))
    after = replace(world, **{"sharing_rules" if sharing else "restriction_rules": rules})
    return world, after, proposal


# --- the reference's view of a user -----------------------------------------------------------


def access_of(world: World, uid: int) -> dict[str, Any]:
    now = world.now
    user = world.user(uid)
    assert user is not None
    if not user.active:  # denied everything: no scope, field or record
        active: list[int] = []
    else:
        active = ref.active_role_ids(world, uid, now)
    perms: set[str] = set()
    for rid in active:
        role = world.role(rid)
        assert role is not None
        perms |= set(role.permissions)
    return {
        "roles": {f"role{rid}" for rid in active},
        "permissions": perms,
        "scopes": {(o, a): tuple(sorted(set(ref.scopes_for(world, uid, o, a, now))))
                   if user.active else ()
                   for o in OBJECT_NAMES for a in (*RECORD_ACTIONS, *OBJECT_ACTIONS)},
        "fields": {(o, f.name): ref.user_field_level(world, uid, o, f.name, now)
                   for o in OBJECT_NAMES for f in OBJECT_MAP[o].fields},
        "visible": {o: ref.allowed_ids(world, uid, "view", o, now) for o in world.records},
    }


def expected(before: World, after: World) -> dict[int, Any]:
    out = {}
    for user in before.users:
        b, a = access_of(before, user.id), access_of(after, user.id)
        entry = {
            "roles": (sorted(a["roles"] - b["roles"]), sorted(b["roles"] - a["roles"])),
            "permissions": (sorted(a["permissions"] - b["permissions"]),
                            sorted(b["permissions"] - a["permissions"])),
            "scopes": sorted((o, act, b["scopes"][o, act], a["scopes"][o, act])
                             for o, act in b["scopes"]
                             if b["scopes"][o, act] != a["scopes"][o, act]),
            "fields": sorted((o, f, b["fields"][o, f], a["fields"][o, f])
                             for o, f in b["fields"] if b["fields"][o, f] != a["fields"][o, f]),
            "records": {o: (len(a["visible"][o] - b["visible"][o]),
                            len(b["visible"][o] - a["visible"][o]))
                        for o in before.records if a["visible"][o] != b["visible"][o]},
        }
        if entry["roles"] != ([], []) or entry["permissions"] != ([], []) or any(
                entry[k] for k in ("scopes", "fields", "records")):
            out[user.id] = entry
    return out


def got(result: Any) -> dict[int, Any]:
    return {u.user_id: {
        "roles": (list(u.grants.roles_added), list(u.grants.roles_removed)),
        "permissions": (list(u.grants.permissions_added), list(u.grants.permissions_removed)),
        "scopes": sorted((c.object, c.action, tuple(sorted(c.before)), tuple(sorted(c.after)))
                         for c in u.grants.scopes),
        "fields": sorted((c.object, c.field, c.before, c.after) for c in u.grants.fields),
        "records": dict(u.records),
    } for u in result.users}


def check(engine: Engine, before: World, after: World, proposal: Proposal) -> None:
    with Session(engine) as session:
        clear_world(session)
        load_world(session, before, policy_version=next(_versions))
        session.commit()
    want = expected(before, after)
    with Session(engine) as session:
        for strategy in ("cells", "sql"):
            result = impact(session, proposal, before.now, strategy)
            assert got(result) == want, (strategy, proposal)
            assert result.considered >= len(want)


@settings(PROFILE, max_examples=EXAMPLES_SQLITE)
@given(case=changes())
def test_what_if_matches_the_reference_sqlite(sqlite_engine: Engine,
                                              case: tuple[World, World, Proposal]) -> None:
    check(sqlite_engine, *case)


@settings(PROFILE, max_examples=EXAMPLES_POSTGRES)
@given(case=changes())
def test_what_if_matches_the_reference_postgres(postgres_engine: Engine,
                                                case: tuple[World, World, Proposal]) -> None:
    check(postgres_engine, *case)
