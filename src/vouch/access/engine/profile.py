"""compile_profile: a user's facts compiled into an immutable AccessProfile.

Per (object, action) the profile holds the function layer's sources, the record layer as
labelled branches (scope, shares, sharing rules, windows), the restriction rules that
cover the user, and one predicate tree joining them. Entries are compiled on first use, so
a cold profile costs only what the request needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from vouch.access.engine.condition import ConditionError, parse_condition, subtree_ids
from vouch.access.engine.evaluate import Check, compile_python
from vouch.access.engine.facts import (
    AssignmentFact,
    PrincipalRef,
    RoleFact,
    RuleFact,
    UserFacts,
    WindowFact,
)
from vouch.access.engine.predicate import (
    FALSE,
    TRUE,
    DepartmentIn,
    OwnerIs,
    OwnerReportsTo,
    Pred,
    SharedWith,
    all_of,
    any_of,
    negate,
)
from vouch.catalog import OBJECT_ACTIONS, Scope, ShareAccess

WINDOW_ACTIONS = frozenset({"view", "edit"})


@dataclass(frozen=True, slots=True)
class ScopeSource:
    """One active role granting an action at a scope: a source of the function layer."""

    role_id: int
    role_key: str
    role_name: str
    scope: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Branch:
    """One way a record can be reached: kind is scope, share, rule or window."""

    kind: str
    pred: Pred
    label: str
    ref_id: int | None = None


@dataclass(frozen=True, slots=True)
class Restriction:
    rule_id: int
    name: str
    pred: Pred


@dataclass(frozen=True)
class ActionAccess:
    object: str
    action: str
    sources: tuple[ScopeSource, ...]
    branches: tuple[Branch, ...]  # the action's own record branches
    view_gate: Pred  # TRUE for view and object actions; the view predicate otherwise
    restrictions: tuple[Restriction, ...]

    @property
    def granted(self) -> bool:
        return bool(self.sources)

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(s.scope for s in self.sources)

    @cached_property
    def record_pred(self) -> Pred:
        if not self.granted:
            return FALSE
        return all_of([self.view_gate, any_of([b.pred for b in self.branches])])

    @cached_property
    def restriction_pred(self) -> Pred:
        return any_of([r.pred for r in self.restrictions])

    @cached_property
    def predicate(self) -> Pred:
        """The whole record decision (record layer and restrictions), as one tree."""
        return all_of([self.record_pred, negate(self.restriction_pred)])

    @cached_property
    def check(self) -> Check:
        return compile_python(self.predicate)

    @property
    def unrestricted(self) -> bool:
        return self.predicate == TRUE


@dataclass(frozen=True)
class AccessProfile:
    facts: UserFacts
    compiled_at: datetime
    valid_until: datetime | None
    roles: tuple[RoleFact, ...]  # active roles
    assignments: tuple[AssignmentFact, ...]  # active assignments
    permissions: frozenset[str]
    principals: tuple[PrincipalRef, ...]
    windows: tuple[WindowFact, ...]  # windows open at compile time that cover the user
    _entries: dict[tuple[str, str], ActionAccess] = field(default_factory=dict, repr=False)
    _field_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _checks: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    # Statements built from this profile, with the decision time as a parameter
    # (vouch.access.query.first_page): a profile is immutable, so they are too.
    _statements: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    @property
    def user_id(self) -> int:
        return self.facts.user_id

    @property
    def active(self) -> bool:
        return self.facts.active

    @property
    def policy_version(self) -> int:
        return self.facts.policy_version

    def valid_at(self, now: datetime) -> bool:
        return self.compiled_at <= now and (self.valid_until is None or now < self.valid_until)

    def access(self, obj: str, action: str) -> ActionAccess:
        key = (obj, action)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _compile_entry(self, obj, action)
        return entry

    @cached_property
    def department_ancestors(self) -> tuple[int, ...]:
        out, seen = [], set()
        d: int | None = self.facts.department_id
        parents = self.facts.department_parents
        while d is not None and d not in seen:
            seen.add(d)
            out.append(d)
            d = parents.get(d)
        return tuple(out)

    @cached_property
    def department_subtree(self) -> frozenset[int]:
        return subtree_ids(self.facts.department_parents, self.facts.department_id)

    def role_expiry(self, role_id: int) -> datetime | None:
        return next(a.expires_at for a in self.assignments if a.role_id == role_id)


def _active(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is None or now < expires_at


def _window_open(w: WindowFact, now: datetime) -> bool:
    closed = w.closed_at is not None and w.closed_at <= now
    return w.starts_at <= now < w.ends_at and not closed


def compile_profile(facts: UserFacts, now: datetime) -> AccessProfile:
    assignments = tuple(
        a for a in facts.assignments if a.role_id in facts.roles and _active(a.expires_at, now)
    ) if facts.active else ()
    roles = tuple(facts.roles[a.role_id] for a in assignments)
    principals = _principals(facts, roles)
    windows = tuple(
        w for w in facts.windows
        # A window limited to IP ranges opens nothing until client IPs reach the engine
        # (security issue); failing closed is the safe reading.
        if _window_open(w, now) and not w.ip_ranges and _matches(w.principals, principals)
    ) if facts.active else ()
    horizon = [a.expires_at for a in assignments if a.expires_at is not None]
    for w in facts.windows:
        horizon.extend(t for t in (w.starts_at, w.ends_at, w.closed_at) if t and t > now)
    return AccessProfile(
        facts=facts,
        compiled_at=now,
        valid_until=min(horizon) if horizon else None,
        roles=roles,
        assignments=assignments,
        permissions=frozenset(p for r in roles for p in r.permissions),
        principals=principals,
        windows=windows,
    )


def _principals(facts: UserFacts, roles: tuple[RoleFact, ...]) -> tuple[PrincipalRef, ...]:
    out = [PrincipalRef("user", facts.user_id), PrincipalRef("department", facts.department_id)]
    out += [PrincipalRef("role", r.id) for r in roles]
    d: int | None = facts.department_id
    seen: set[int] = set()
    while d is not None and d not in seen:
        seen.add(d)
        out.append(PrincipalRef("department_tree", d))
        d = facts.department_parents.get(d)
    return tuple(out)


def _matches(rule_principals: tuple[PrincipalRef, ...], mine: tuple[PrincipalRef, ...]) -> bool:
    return any(p.kind == "all" or p in mine for p in rule_principals)


def _compile_entry(profile: AccessProfile, obj: str, action: str) -> ActionAccess:
    facts = profile.facts
    sources = tuple(
        ScopeSource(r.id, r.key, r.name, g.scope, profile.role_expiry(r.id))
        for r in profile.roles
        for g in r.grants
        if g.object == obj and g.action == action and g.scope != Scope.NONE
    )
    if action in OBJECT_ACTIONS:
        return ActionAccess(obj, action, sources, (), TRUE, ())
    restrictions = tuple(
        Restriction(rule.id, rule.name, _rule_pred(rule, facts, restriction=True))
        for rule in facts.restriction_rules
        if rule.object == obj and _matches(rule.principals, profile.principals)
    )
    branches = scope_branches(profile, {s.scope for s in sources})
    if action in ("view", "edit"):
        accesses = (
            frozenset({ShareAccess.READ, ShareAccess.READ_WRITE}) if action == "view"
            else frozenset({ShareAccess.READ_WRITE})
        )
        branches.append(Branch("share", SharedWith(obj, profile.principals, accesses),
                               f"manual share ({' or '.join(sorted(accesses))})"))
        branches += [
            Branch("rule", _rule_pred(rule, facts), f"sharing rule {rule.name}", rule.id)
            for rule in facts.sharing_rules
            if rule.object == obj and rule.access in accesses
            and _matches(rule.principals, profile.principals)
        ]
        branches += [
            Branch("window", TRUE, f"enforcement window #{w.id}", w.id)
            for w in profile.windows
            if w.object == obj and action in w.actions
        ]
    view_gate = TRUE if action == "view" else profile.access(obj, "view").record_pred
    return ActionAccess(obj, action, sources, tuple(branches), view_gate, restrictions)


def scope_branches(profile: AccessProfile, scopes: set[str]) -> list[Branch]:
    if not scopes:
        return []
    uid, dept = profile.user_id, profile.facts.department_id
    if Scope.ALL in scopes:
        return [Branch("scope", TRUE, "scope all")]
    out = [Branch("scope", OwnerIs(uid), "scope own: the user owns the record")]
    if Scope.REPORTS in scopes:
        out.append(Branch("scope", OwnerReportsTo(uid, profile.facts.reports),
                          "scope reports: the owner reports to the user"))
    if Scope.DEPARTMENT_TREE in scopes:
        out.append(Branch("scope", DepartmentIn(dept, True, profile.department_subtree),
                          "scope department_tree: the record's department is in the "
                          "user's department subtree"))
    elif Scope.DEPARTMENT in scopes:
        out.append(Branch("scope", DepartmentIn(dept, False, frozenset({dept})),
                          "scope department: the record is in the user's department"))
    return out


def _rule_pred(rule: RuleFact, facts: UserFacts, *, restriction: bool = False) -> Pred:
    """A rule's condition; one that no longer validates (say, its department was removed)
    fails closed: a sharing rule then shares nothing, a restriction hides everything."""
    try:
        return parse_condition(rule.object, rule.condition, facts.department_parents)
    except (ConditionError, LookupError):
        return TRUE if restriction else FALSE
