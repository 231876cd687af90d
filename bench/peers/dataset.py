"""Shared synthetic model for benchmark O1 (warm single authorization check).

RBAC with departments + ownership. Every engine (Vouch, Cedar, Casbin) is fed
exactly this data and must reproduce :func:`reference_decision` on every query.

Shape (defaults):

* 20 departments: 4 top-level departments, each with 4 child departments.
  ``Department.subtree`` is the department itself plus all descendants.
* 50 roles. Each role grants a random subset of the 20 (object, action) pairs,
  each with a scope in {own, department, department_tree, all}.
* 1,000 users, each in one department and holding 1-3 roles.
* 5,000 records spread over the 5 objects; each has an owner (user) and a
  ``department`` equal to the owner's department.

Decision: allowed iff some role of the user grants (object, action) with a scope
covering the record:

* own             -> record.owner == user
* department      -> own, or record.department == user.department
* department_tree -> own, or record.department in subtree(user.department)
* all             -> always

Everything is generated from ``random.Random(seed)``, so it is deterministic.
Identifiers are plain ints (as database primary keys would be); peers map them
to whatever their engine wants (e.g. ``User::"17"`` for Cedar).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

OBJECTS: tuple[str, ...] = ("customer", "contact", "opportunity", "contract", "task")
ACTIONS: tuple[str, ...] = ("view", "edit", "delete", "export")
SCOPES: tuple[str, ...] = ("own", "department", "department_tree", "all")

N_TOP_DEPARTMENTS = 4
N_CHILDREN_PER_TOP = 4  # 4 + 4*4 = 20 departments

Query = tuple[int, str, str, int]  # (user_id, object, action, record_id)


@dataclass(frozen=True, slots=True)
class Department:
    id: int
    name: str
    parent: int | None
    # the department itself plus all of its descendants
    subtree: frozenset[int]
    # the department itself plus all of its ancestors (root last)
    ancestors: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Role:
    id: int
    name: str
    # (object, action) -> scope ; read-only mapping
    grants: Mapping[tuple[str, str], str]


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    department: int
    roles: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Record:
    id: int
    object: str
    owner: int
    department: int


@dataclass(frozen=True, slots=True)
class Dataset:
    seed: int
    departments: Mapping[int, Department]
    roles: Mapping[int, Role]
    users: Mapping[int, User]
    records: Mapping[int, Record]
    # convenience indexes (derived, not part of the model)
    records_by_object: Mapping[str, tuple[int, ...]] = field(repr=False)
    records_by_owner_object: Mapping[tuple[int, str], tuple[int, ...]] = field(repr=False)
    records_by_department_object: Mapping[tuple[int, str], tuple[int, ...]] = field(repr=False)

    def summary(self) -> str:
        n_grants = sum(len(r.grants) for r in self.roles.values())
        return (
            f"{len(self.users)} users, {len(self.departments)} departments, "
            f"{len(self.roles)} roles ({n_grants} grants), {len(self.records)} records"
        )


def _ro(d: dict) -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType(d)


def make_dataset(
    seed: int = 7,
    n_users: int = 1_000,
    n_roles: int = 50,
    n_records: int = 5_000,
) -> Dataset:
    rng = random.Random(seed)

    # ---- departments: a 2-level tree -------------------------------------------------
    parents: dict[int, int | None] = {}
    names: dict[int, str] = {}
    next_id = 1
    tops = []
    for t in range(N_TOP_DEPARTMENTS):
        parents[next_id] = None
        names[next_id] = f"Division {t + 1}"
        tops.append(next_id)
        next_id += 1
    for top in tops:
        for c in range(N_CHILDREN_PER_TOP):
            parents[next_id] = top
            names[next_id] = f"{names[top]} / Team {c + 1}"
            next_id += 1

    def ancestors_of(d: int) -> tuple[int, ...]:
        chain = [d]
        p = parents[d]
        while p is not None:
            chain.append(p)
            p = parents[p]
        return tuple(chain)

    subtree: dict[int, set[int]] = {d: set() for d in parents}
    for d in parents:
        for a in ancestors_of(d):
            subtree[a].add(d)
    departments = {
        d: Department(d, names[d], parents[d], frozenset(subtree[d]), ancestors_of(d))
        for d in parents
    }
    leaf_depts = [d for d in departments if len(departments[d].subtree) == 1]

    # ---- roles ------------------------------------------------------------------------
    pairs = [(o, a) for o in OBJECTS for a in ACTIONS]
    roles: dict[int, Role] = {}
    for rid in range(1, n_roles + 1):
        k = rng.randint(3, 10)
        grants: dict[tuple[str, str], str] = {}
        for pair in rng.sample(pairs, k):
            # "view" tends to be broader than "delete"/"export"
            if pair[1] == "view":
                w = (25, 30, 25, 20)
            elif pair[1] == "edit":
                w = (40, 30, 20, 10)
            else:
                w = (50, 25, 15, 10)
            grants[pair] = rng.choices(SCOPES, weights=w)[0]
        # Vouch's model (PERMISSIONS.md): edit/delete/export reach only records the user
        # can view. Real roles grant view at least as wide as any other action, so the
        # shared model does too, and every engine answers the same question.
        for (obj, action), scope in list(grants.items()):
            view = grants.get((obj, "view"))
            if action != "view" and (view is None or SCOPES.index(view) < SCOPES.index(scope)):
                grants[(obj, "view")] = scope
        roles[rid] = Role(rid, f"role-{rid}", _ro(grants))

    # ---- users ------------------------------------------------------------------------
    role_ids = list(roles)
    users: dict[int, User] = {}
    for uid in range(1, n_users + 1):
        # ~85% of people sit in a team (leaf), the rest in a division (top)
        dept = rng.choice(leaf_depts) if rng.random() < 0.85 else rng.choice(tops)
        n = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        users[uid] = User(uid, f"user-{uid}", dept, tuple(sorted(rng.sample(role_ids, n))))

    # ---- records ----------------------------------------------------------------------
    user_ids = list(users)
    records: dict[int, Record] = {}
    for rec_id in range(1, n_records + 1):
        obj = rng.choices(OBJECTS, weights=(25, 30, 20, 10, 15))[0]
        owner = rng.choice(user_ids)
        records[rec_id] = Record(rec_id, obj, owner, users[owner].department)

    by_obj: dict[str, list[int]] = {o: [] for o in OBJECTS}
    by_owner_obj: dict[tuple[int, str], list[int]] = {}
    by_dept_obj: dict[tuple[int, str], list[int]] = {}
    for r in records.values():
        by_obj[r.object].append(r.id)
        by_owner_obj.setdefault((r.owner, r.object), []).append(r.id)
        by_dept_obj.setdefault((r.department, r.object), []).append(r.id)

    return Dataset(
        seed=seed,
        departments=_ro(departments),
        roles=_ro(roles),
        users=_ro(users),
        records=_ro(records),
        records_by_object=_ro({k: tuple(v) for k, v in by_obj.items()}),
        records_by_owner_object=_ro({k: tuple(v) for k, v in by_owner_obj.items()}),
        records_by_department_object=_ro({k: tuple(v) for k, v in by_dept_obj.items()}),
    )


def reference_decision(ds: Dataset, q: Query) -> bool:
    """The ground truth. Deliberately the most obvious loop possible."""
    user_id, obj, action, record_id = q
    user = ds.users[user_id]
    record = ds.records[record_id]
    if record.object != obj:
        return False
    for role_id in user.roles:
        scope = ds.roles[role_id].grants.get((obj, action))
        if scope is None:
            continue
        if scope == "all":
            return True
        if record.owner == user.id:
            return True  # every scope covers own records
        if scope == "department" and record.department == user.department:
            return True
        if (
            scope == "department_tree"
            and record.department in ds.departments[user.department].subtree
        ):
            return True
    return False


def make_queries(ds: Dataset, n: int, seed: int = 11, allowed_share: float = 0.5) -> list[Query]:
    """``n`` queries with a realistic mix and exactly ``round(n*allowed_share)`` allowed.

    Candidates are drawn the way CRM traffic looks: mostly (object, action) pairs the
    user has some grant for, mostly records near the user (own, same team, same
    division), some random records. Candidates are then accepted until both the
    allowed and the denied quota are full, so the allowed share is exact while the
    shape of each bucket stays realistic. Order is shuffled.
    """
    rng = random.Random(seed)
    user_ids = list(ds.users)
    want_allow = round(n * allowed_share)
    want_deny = n - want_allow
    allowed: list[Query] = []
    denied: list[Query] = []
    top_of = {d: dep.ancestors[-1] for d, dep in ds.departments.items()}

    while len(allowed) < want_allow or len(denied) < want_deny:
        u = ds.users[rng.choice(user_ids)]
        granted = sorted({p for rid in u.roles for p in ds.roles[rid].grants})
        if granted and rng.random() < 0.75:
            obj, action = rng.choice(granted)
        else:
            obj, action = rng.choice(OBJECTS), rng.choice(ACTIONS)

        x = rng.random()
        pool: tuple[int, ...] = ()
        if x < 0.20:
            pool = ds.records_by_owner_object.get((u.id, obj), ())
        elif x < 0.45:
            pool = ds.records_by_department_object.get((u.department, obj), ())
        elif x < 0.60:
            top = top_of[u.department]
            d = rng.choice(sorted(ds.departments[top].subtree))
            pool = ds.records_by_department_object.get((d, obj), ())
        if not pool:
            pool = ds.records_by_object[obj]
        q = (u.id, obj, action, rng.choice(pool))

        if reference_decision(ds, q):
            if len(allowed) < want_allow:
                allowed.append(q)
        elif len(denied) < want_deny:
            denied.append(q)

    out = allowed + denied
    rng.shuffle(out)
    return out
