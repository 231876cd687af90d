"""The database as a reference `World`, and the records of the authorization matrix.

`world_from_db` is the reverse of `tests.property.load.load_world`: it reads every row
that PERMISSIONS.md's decisions depend on (departments, users, roles with their grants,
field rules and system permissions, assignments, records, manual shares, sharing and
restriction rules) with plain SELECTs in a system session, and builds the immutable
`tests.reference.world.World` that the naive reference model reads. It uses no vouch code
beyond the models (table definitions) and the catalog (field names), so the expectations
of the matrix come from the reference, not from the engine under test.

`build_matrix` adds, per matrix user and object, one record in each *position* relative
to that user, for each *kind* of use (read-only cases share the "static" records; every
mutating case gets a record of its own so that cases never disturb one another):

- own: owned by the user;
- in_scope: a colleague's record — a direct report's if the user has one, else another
  user's in the same department, else another user's record kept in the user's
  department (record department ≠ owner department, as after a move). Whether it is
  actually in scope is the reference's business (for an own-only scope it is not);
- out_of_scope: owned by someone in another branch of the organisation;
- shared_read / shared_read_write: like out_of_scope, plus a manual share to the user;
- restricted: owned by the user, but its title carries RESTRICTED_MARK, which a
  restriction rule (one per object, covering everyone) matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from tests.reference.world import (
    Assignment,
    Department,
    FieldRuleSpec,
    GrantSpec,
    ManualShare,
    Record,
    RestrictionRule,
    Role,
    SharingRule,
    User,
    World,
)
from vouch.access import models as am
from vouch.access.service import bump_policy_version, clear_caches
from vouch.auth.passwords import hash_password
from vouch.catalog import OBJECT_MAP, OBJECT_NAMES
from vouch.db import system_session
from vouch.org import models as om
from vouch.org.closure import rebuild_reporting_closure
from vouch.records.models import RECORD_MODELS

MATRIX_USERS = ("wangfang", "lilei", "hanmeimei", "zhaomin", "chenjing", "sunli", "nobody")
NO_ROLE_USER = "nobody"  # created by build_matrix: active, in HQ, holding no role
# created by build_matrix as a sales rep in East 1; the test deactivates it after signing
# it in. Its records are also the ones an anonymous client tries.
DEACTIVATED = "gone"
RECORD_OWNERS = (*MATRIX_USERS, DEACTIVATED)
POSITIONS = ("own", "in_scope", "out_of_scope", "shared_read", "shared_read_write",
             "restricted")
# Record kinds: "static" records serve every read-only case; each mutating route family
# has records of its own (one per user × object × position).
MUTATIONS = ("edit", "delete", "transfer", "share", "unshare")
KINDS = ("static", *MUTATIONS)
PREFIX = "MX"
RESTRICTED_MARK = "[restricted]"
# Where mutating cases send things: a user outside the matrix, so that a transfer or a
# share made by a case changes nothing any other case (or list) depends on.
OUTSIDER = "liuyang"
SALES_TREE = frozenset({2, 3, 4, 5})

# Required fields besides the title (catalog `required`), with a valid value.
EXTRA_REQUIRED = {"opportunity": {"stage": "lead"}}


def title_of(kind: str, username: str, obj: str, position: str) -> str:
    title = f"{PREFIX}-{kind}-{username}-{obj[:4]}-{position}"
    return f"{title} {RESTRICTED_MARK}" if position == "restricted" else title


def static_prefix() -> str:
    return f"{PREFIX}-static-"


# ---------------------------------------------------------------------------------------
# Database → reference World


def _record_values(obj: str, row: Any) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in OBJECT_MAP[obj].fields}


def world_from_db(engine: Engine, now: datetime,
                  records: Mapping[str, Iterable[int] | None] | None = None) -> World:
    """Everything a decision depends on, as a reference World. `records` limits the
    records read (object → ids, or None for all of that object's; objects not named have
    none); None reads every record."""
    with system_session(engine, "reference world loader (tests)") as s:
        departments = tuple(
            Department(d.id, d.parent_id)
            for d in s.scalars(select(om.Department).order_by(om.Department.id)))
        users = tuple(
            User(u.id, u.department_id, u.manager_id, bool(u.active))
            for u in s.scalars(select(om.User).order_by(om.User.id)))
        perms: dict[int, set[str]] = {}
        for rp in s.scalars(select(am.RolePermission)):
            perms.setdefault(rp.role_id, set()).add(rp.permission)
        grants: dict[int, list[GrantSpec]] = {}
        for g in s.scalars(select(am.Grant).order_by(am.Grant.id)):
            grants.setdefault(g.role_id, []).append(GrantSpec(g.object, g.action, g.scope))
        rules: dict[int, list[FieldRuleSpec]] = {}
        for fr in s.scalars(select(am.FieldRule).order_by(am.FieldRule.id)):
            rules.setdefault(fr.role_id, []).append(
                FieldRuleSpec(fr.object, fr.field, fr.sensitivity, fr.level))
        roles = tuple(
            Role(r.id, frozenset(perms.get(r.id, ())), tuple(grants.get(r.id, ())),
                 tuple(rules.get(r.id, ())))
            for r in s.scalars(select(am.Role).order_by(am.Role.id)))
        assignments = tuple(
            Assignment(a.user_id, a.role_id, a.expires_at)
            for a in s.scalars(select(am.RoleAssignment).order_by(am.RoleAssignment.id)))
        recs: dict[str, tuple[Record, ...]] = {}
        for obj in OBJECT_NAMES:
            model = RECORD_MODELS[obj]
            stmt = select(model).order_by(model.id)
            if records is not None and records.get(obj, ()) is not None:
                ids = sorted(set(records.get(obj, ()) or ()))
                if not ids:
                    recs[obj] = ()
                    continue
                stmt = stmt.where(model.id.in_(ids))
            recs[obj] = tuple(
                Record(r.id, r.owner_id, r.department_id, _record_values(obj, r), r.updated_at)
                for r in s.scalars(stmt))
        shares = tuple(
            ManualShare(sh.object, sh.record_id, sh.principal_kind, sh.principal_id,
                        sh.access, sh.expires_at)
            for sh in s.scalars(select(am.Share).order_by(am.Share.id)))
        sharing = tuple(
            SharingRule(r.id, r.object, r.condition, tuple(r.principals or ()), r.access)
            for r in s.scalars(select(am.SharingRule).where(am.SharingRule.active)
                               .order_by(am.SharingRule.id)))
        restrictions = tuple(
            RestrictionRule(r.id, r.object, r.condition, tuple(r.principals or ()))
            for r in s.scalars(select(am.RestrictionRule).where(am.RestrictionRule.active)
                               .order_by(am.RestrictionRule.id)))
        open_windows = s.scalars(select(am.EnforcementWindow).where(
            am.EnforcementWindow.closed_at.is_(None), am.EnforcementWindow.ends_at > now,
            am.EnforcementWindow.starts_at <= now)).all()
        # The reference does not model enforcement windows: a world with one open would
        # give wrong expectations, so refuse it loudly.
        assert not open_windows, "the reference model has no enforcement windows"
    return World(now=now, departments=departments, users=users, roles=roles,
                 assignments=assignments, records=recs, shares=shares,
                 sharing_rules=sharing, restriction_rules=restrictions)


# ---------------------------------------------------------------------------------------
# The matrix records


@dataclass
class Matrix:
    users: dict[str, int]  # username → id (matrix users and the outsider)
    # (kind, username, object, position) → record id
    records: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    # record id of an "unshare" record (per object) → the share a case removes
    removable_share: dict[tuple[str, int], int] = field(default_factory=dict)
    restriction_rules: dict[str, int] = field(default_factory=dict)  # object → rule id

    def record(self, kind: str, username: str, obj: str, position: str) -> int:
        return self.records[(kind, username, obj, position)]

    def ids(self, obj: str, kind: str | None = None) -> set[int]:
        return {rid for (k, _u, o, _p), rid in self.records.items()
                if o == obj and (kind is None or k == kind)}


def _owners(username: str, users: dict[str, om.User], by_id: dict[int, om.User]
            ) -> dict[str, tuple[int, int]]:
    """position → (owner id, record department id) for one matrix user."""
    me = users[username]
    reports = sorted(u.id for u in by_id.values() if u.manager_id == me.id)
    colleagues = sorted(u.id for u in by_id.values()
                        if u.department_id == me.department_id and u.id != me.id)
    if reports:
        colleague = by_id[reports[0]]
        in_scope = (colleague.id, colleague.department_id)
    elif colleagues:
        colleague = by_id[colleagues[0]]
        in_scope = (colleague.id, colleague.department_id)
    else:
        other = users["wangfang"] if username != "wangfang" else users["sunli"]
        in_scope = (other.id, me.department_id)
    far = users["chenjing"] if me.department_id in SALES_TREE else users[OUTSIDER]
    out = (far.id, far.department_id)
    return {"own": (me.id, me.department_id), "in_scope": in_scope, "out_of_scope": out,
            "shared_read": out, "shared_read_write": out,
            "restricted": (me.id, me.department_id)}


def build_matrix(engine: Engine, now: datetime, password: str) -> Matrix:
    """Create the no-role user, one restriction rule per object, and the matrix records
    and shares; bump the policy version. Returns where everything is."""
    with system_session(engine, "authorization matrix fixture (tests)") as s:
        nobody = om.User(username=NO_ROLE_USER, display_name="No Role", department_id=1,
                         email="nobody@huadong-trading.cn", active=True,
                         password_hash=hash_password(password), created_at=now)
        rep_role = s.scalars(select(am.Role).where(am.Role.key == "sales_rep")).one()
        gone = om.User(username=DEACTIVATED, display_name="Gone", department_id=3,
                       active=True, password_hash=nobody.password_hash, created_at=now)
        s.add_all([nobody, gone])
        s.flush()
        s.add(am.RoleAssignment(user_id=gone.id, role_id=rep_role.id, granted_at=now,
                                reason="authorization matrix fixture"))
        rebuild_reporting_closure(s)
        by_id = {u.id: u for u in s.scalars(select(om.User))}
        users = {u.username: u for u in by_id.values()}
        matrix = Matrix({name: users[name].id for name in (*RECORD_OWNERS, OUTSIDER)})

        for obj in OBJECT_NAMES:
            odef = OBJECT_MAP[obj]
            rule = am.RestrictionRule(
                name=f"matrix: {obj} titles marked {RESTRICTED_MARK}", object=obj,
                condition={"field": odef.title_field, "op": "contains",
                           "value": RESTRICTED_MARK},
                principals=[{"kind": "all"}], active=True,
                description="authorization matrix fixture")
            s.add(rule)
            s.flush()
            matrix.restriction_rules[obj] = rule.id

        pending: list[tuple[tuple[str, str, str, str], Any]] = []
        for username in RECORD_OWNERS:
            owners = _owners(username, users, by_id)
            for obj in OBJECT_NAMES:
                odef = OBJECT_MAP[obj]
                model = RECORD_MODELS[obj]
                for kind in KINDS:
                    for position in POSITIONS:
                        owner_id, dept_id = owners[position]
                        row = model(owner_id=owner_id, department_id=dept_id,
                                    created_by=owner_id, updated_by=owner_id,
                                    created_at=now, updated_at=now, version=1,
                                    **{odef.title_field: title_of(kind, username, obj,
                                                                  position)},
                                    **EXTRA_REQUIRED.get(obj, {}))
                        s.add(row)
                        pending.append(((kind, username, obj, position), row))
        s.flush()
        for key, row in pending:
            matrix.records[key] = row.id

        removable: list[tuple[tuple[str, int], am.Share]] = []
        for (kind, username, obj, position), rid in matrix.records.items():
            if position in ("shared_read", "shared_read_write"):
                s.add(am.Share(object=obj, record_id=rid, principal_kind="user",
                               principal_id=matrix.users[username],
                               access=position.removeprefix("shared_"), created_at=now,
                               reason="authorization matrix fixture"))
            if kind == "unshare":
                share = am.Share(object=obj, record_id=rid, principal_kind="user",
                                 principal_id=matrix.users[OUTSIDER], access="read",
                                 created_at=now, reason="authorization matrix: to remove")
                s.add(share)
                removable.append(((obj, rid), share))
        s.flush()
        for key2, share in removable:
            matrix.removable_share[key2] = share.id
        bump_policy_version(s)
        s.commit()
    clear_caches()
    return matrix
