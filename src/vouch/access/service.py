"""Loading the engine's facts from the database, the per-process profile cache, and the
policy version.

Role, rule, window and department facts are shared by every user and cached per policy
version; a user's own facts (assignments, reports) are loaded per compile. A compiled
profile is cached by (user, policy version) and used only while `valid_at(now)`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vouch.access.engine import (
    AccessProfile,
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RecordFacts,
    RoleFact,
    RuleFact,
    ShareFact,
    UserFacts,
    WindowFact,
    compile_profile,
)
from vouch.access.models import (
    EnforcementWindow,
    FieldRule,
    Grant,
    PolicyState,
    RestrictionRule,
    Role,
    RoleAssignment,
    RolePermission,
    Share,
    SharingRule,
)
from vouch.catalog import get_object
from vouch.db import ENGINE_FACTS
from vouch.errors import NotAuthenticated
from vouch.org.models import Department, ReportingClosure, User
from vouch.records.models import model_for


def policy_version(session: Session) -> int:
    version = session.execute(select(PolicyState.version).where(PolicyState.id == 1)).scalar()
    return int(version or 0)


def bump_policy_version(session: Session) -> int:
    """Called in the same transaction as any change that can alter a decision."""
    result = session.execute(
        update(PolicyState).where(PolicyState.id == 1).values(version=PolicyState.version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(PolicyState(id=1, version=2))
        session.flush()
    return policy_version(session)


@dataclass(frozen=True)
class SharedFacts:
    """Facts every user's profile shares, for one policy version."""

    version: int
    department_parents: Mapping[int, int | None]
    roles: Mapping[int, RoleFact]
    sharing_rules: tuple[RuleFact, ...]
    restriction_rules: tuple[RuleFact, ...]
    windows: tuple[WindowFact, ...]
    user_count: int


_lock = threading.Lock()
_shared: dict[int, SharedFacts] = {}
_profiles: OrderedDict[tuple[int, int], AccessProfile] = OrderedDict()
PROFILE_CACHE_SIZE = 20_000
stats = {"profile_hits": 0, "profile_misses": 0}


def _principals(raw: object) -> tuple[PrincipalRef, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(PrincipalRef(str(p["kind"]), p.get("id")) for p in items if isinstance(p, dict))


def load_shared_facts(session: Session, version: int) -> SharedFacts:
    hit = _shared.get(version)
    if hit is not None:
        return hit
    parents = dict(session.execute(select(Department.id, Department.parent_id)).tuples().all())
    grants: dict[int, list[GrantFact]] = {}
    for role_id, obj, action, scope in session.execute(
        select(Grant.role_id, Grant.object, Grant.action, Grant.scope)
    ):
        grants.setdefault(role_id, []).append(GrantFact(obj, action, scope))
    rules: dict[int, list[FieldRuleFact]] = {}
    for fr in session.scalars(select(FieldRule)):
        rules.setdefault(fr.role_id, []).append(
            FieldRuleFact(fr.object, fr.field, fr.sensitivity, fr.level)
        )
    perms: dict[int, set[str]] = {}
    for role_id, perm in session.execute(select(RolePermission.role_id, RolePermission.permission)):
        perms.setdefault(role_id, set()).add(perm)
    roles = {
        r.id: RoleFact(r.id, r.key, r.name, tuple(grants.get(r.id, ())),
                       tuple(rules.get(r.id, ())), frozenset(perms.get(r.id, ())), r.delegable)
        for r in session.scalars(select(Role))
    }
    sharing = tuple(
        RuleFact(r.id, r.name, r.object, r.condition, _principals(r.principals), r.access)
        for r in session.scalars(select(SharingRule).where(SharingRule.active.is_(True)))
    )
    restricting = tuple(
        RuleFact(r.id, r.name, r.object, r.condition, _principals(r.principals), None)
        for r in session.scalars(select(RestrictionRule).where(RestrictionRule.active.is_(True)))
    )
    windows = tuple(
        WindowFact(w.id, w.object, frozenset(w.actions or ()), _principals(w.principals),
                   w.starts_at, w.ends_at, w.closed_at, w.reason, tuple(w.ip_ranges or ()))
        for w in session.scalars(
            select(EnforcementWindow).where(EnforcementWindow.closed_at.is_(None))
        )
    )
    from sqlalchemy import func

    users = session.execute(select(func.count()).select_from(User)
                            .where(User.active.is_(True))).scalar_one()
    shared = SharedFacts(version, parents, roles, sharing, restricting, windows, int(users))
    with _lock:
        for old in [v for v in _shared if v < version]:
            del _shared[old]
        _shared[version] = shared
    return shared


def load_facts(session: Session, user_id: int, now: datetime | None = None) -> UserFacts:
    """Everything `compile_profile` needs about one user (now is unused: facts are
    timeless; expiry is decided at compile time)."""
    version = policy_version(session)
    shared = load_shared_facts(session, version)
    user = session.get(User, user_id)
    if user is None:
        raise NotAuthenticated(f"no user with id {user_id}")
    reports = frozenset(session.scalars(
        select(ReportingClosure.descendant_id).where(
            ReportingClosure.ancestor_id == user_id, ReportingClosure.depth > 0
        )
    ))
    assignments = tuple(
        AssignmentFact(a.id, a.role_id, a.expires_at)
        for a in session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user_id))
    )
    return UserFacts(
        user_id=user.id,
        username=user.username,
        active=user.active,
        department_id=user.department_id,
        policy_version=version,
        department_parents=shared.department_parents,
        reports=reports,
        assignments=assignments,
        roles={a.role_id: shared.roles[a.role_id] for a in assignments
               if a.role_id in shared.roles},
        sharing_rules=shared.sharing_rules,
        restriction_rules=shared.restriction_rules,
        windows=shared.windows,
        display_name=user.display_name,
        user_count=shared.user_count,
    )


def profile_for(session: Session, user_id: int, now: datetime) -> AccessProfile:
    """The user's compiled profile at `now`, from the cache when still valid."""
    version = policy_version(session)
    key = (user_id, version)
    with _lock:
        cached = _profiles.get(key)
        if cached is not None and cached.valid_at(now):
            _profiles.move_to_end(key)
            stats["profile_hits"] += 1
            return cached
    stats["profile_misses"] += 1
    profile = compile_profile(load_facts(session, user_id, now), now)
    if profile.policy_version != version:  # changed between the two reads: do not cache
        return profile
    with _lock:
        _profiles[key] = profile
        while len(_profiles) > PROFILE_CACHE_SIZE:
            _profiles.popitem(last=False)
    return profile


def clear_caches() -> None:
    with _lock:
        _profiles.clear()
        _shared.clear()


def load_record_facts(session: Session, obj: str, record_id: int) -> RecordFacts | None:
    """One record as the engine sees it (for decisions and explanations, never returned to
    a user as data)."""
    model = model_for(obj)
    row = session.execute(
        select(model, User.department_id)
        .join(User, User.id == model.owner_id)
        .where(model.id == record_id)
        .execution_options(**{ENGINE_FACTS: True})
    ).first()
    if row is None:
        return None
    record, owner_dept = row
    return record_facts_of(obj, record, owner_dept, load_shares(session, obj, [record_id]))


def load_shares(
    session: Session, obj: str, record_ids: list[int]
) -> dict[int, tuple[ShareFact, ...]]:
    out: dict[int, list[ShareFact]] = {}
    if not record_ids:
        return {}
    for s in session.scalars(
        select(Share).where(Share.object == obj, Share.record_id.in_(record_ids))
    ):
        out.setdefault(s.record_id, []).append(
            ShareFact(s.id, s.principal_kind, s.principal_id, s.access, s.expires_at)
        )
    return {k: tuple(v) for k, v in out.items()}


def record_facts_of(
    obj: str, record: object, owner_department_id: int | None,
    shares: Mapping[int, tuple[ShareFact, ...]],
) -> RecordFacts:
    odef = get_object(obj)
    rid = record.id  # type: ignore[attr-defined]
    return RecordFacts(
        id=rid,
        owner_id=record.owner_id,  # type: ignore[attr-defined]
        department_id=record.department_id,  # type: ignore[attr-defined]
        owner_department_id=owner_department_id,
        values={f.name: getattr(record, f.name) for f in odef.fields},
        shares=shares.get(rid, ()),
    )
