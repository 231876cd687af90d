"""The engine's facts before and after a proposed change, built in memory.

Before: the facts `vouch.access.service.load_facts` gives each user, loaded for many users
at once (three queries per chunk of users instead of three per user). After: the same
facts with the proposal applied — a role, a rule or one user's assignment replaced, added
or removed. Nothing is written; the shared facts cached per policy version are never
modified (new objects are made).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.engine import AssignmentFact, RuleFact, UserFacts
from vouch.access.models import RoleAssignment
from vouch.access.service import SharedFacts
from vouch.access.whatif.proposal import Proposal
from vouch.org.models import ReportingClosure, User

CHUNK = 500  # ids per IN list


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def load_user_facts(session: Session, shared: SharedFacts,
                    user_ids: Iterable[int]) -> dict[int, UserFacts]:
    """`load_facts` for every user of `user_ids` (missing users are left out)."""
    ids = sorted(set(user_ids))
    rows: dict[int, tuple[str, bool, int, str]] = {}
    reports: dict[int, set[int]] = {}
    assignments: dict[int, list[AssignmentFact]] = {}
    for part in chunks(ids):
        for uid, username, active, dept, display in session.execute(
            select(User.id, User.username, User.active, User.department_id,
                   User.display_name).where(User.id.in_(part))
        ):
            rows[uid] = (username, active, dept, display)
        for manager, report in session.execute(
            select(ReportingClosure.ancestor_id, ReportingClosure.descendant_id).where(
                ReportingClosure.ancestor_id.in_(part), ReportingClosure.depth > 0)
        ):
            reports.setdefault(manager, set()).add(report)
        for aid, uid, role_id, expires_at in session.execute(
            select(RoleAssignment.id, RoleAssignment.user_id, RoleAssignment.role_id,
                   RoleAssignment.expires_at)
            .where(RoleAssignment.user_id.in_(part)).order_by(RoleAssignment.id)
        ):
            assignments.setdefault(uid, []).append(AssignmentFact(aid, role_id, expires_at))
    out = {}
    for uid, (username, active, dept, display) in rows.items():
        mine = tuple(assignments.get(uid, ()))
        out[uid] = UserFacts(
            user_id=uid, username=username, active=active, department_id=dept,
            policy_version=shared.version, department_parents=shared.department_parents,
            reports=frozenset(reports.get(uid, ())), assignments=mine,
            roles={a.role_id: shared.roles[a.role_id] for a in mine
                   if a.role_id in shared.roles},
            sharing_rules=shared.sharing_rules, restriction_rules=shared.restriction_rules,
            windows=shared.windows, display_name=display, user_count=shared.user_count,
        )
    return out


def _replace_rule(rules: tuple[RuleFact, ...], rule_id: int | None,
                  new: RuleFact | None) -> tuple[RuleFact, ...]:
    kept = tuple(r for r in rules if r.id != rule_id)
    return kept + ((new,) if new is not None else ())


def shared_after(shared: SharedFacts, p: Proposal) -> SharedFacts:
    """The shared facts (roles, rules) as the change would leave them."""
    if p.kind == "role":
        roles = {k: v for k, v in shared.roles.items() if k != p.role_id}
        if p.role is not None:
            roles[p.role.id] = p.role
        return replace(shared, roles=roles)
    if p.kind == "sharing_rule":
        return replace(shared, sharing_rules=_replace_rule(shared.sharing_rules, p.rule_id,
                                                           p.rule))
    if p.kind == "restriction_rule":
        return replace(shared, restriction_rules=_replace_rule(shared.restriction_rules,
                                                               p.rule_id, p.rule))
    return shared


def user_after(facts: UserFacts, p: Proposal, after: SharedFacts) -> UserFacts:
    """One user's facts as the change would leave them (`after`: from `shared_after`)."""
    assignments = facts.assignments
    if p.kind == "assignment" and p.user_id == facts.user_id:
        assignments = tuple(a for a in assignments if a.role_id != p.role_id)
        if p.assignment is not None:
            assignments += (p.assignment,)
    return replace(
        facts, assignments=assignments,
        roles={a.role_id: after.roles[a.role_id] for a in assignments
               if a.role_id in after.roles},
        sharing_rules=after.sharing_rules, restriction_rules=after.restriction_rules,
    )
