"""The impact of a validated proposal: every affected user's profile compiled from the facts
before and after (the pure engine), diffed, and the records that become visible or
invisible counted in SQL. Reads only.

Scopes, field levels and system permissions depend only on a user's active roles, so they
are diffed once per distinct (roles before, roles after) pair — for a role held by a
thousand users that is a handful of diffs. View predicates depend on the user; they are
compared per user, and only for the objects where they can differ: the objects whose view
scopes the roles change, the objects of a changed rule, and every object when the user's
principals change (an assignment: shares and rules to a role).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from vouch.access.engine import AccessProfile, UserFacts, compile_profile
from vouch.access.engine.diff import GrantsDiff, diff_grants, diff_views
from vouch.access.service import SharedFacts, load_shared_facts, policy_version
from vouch.access.whatif.affected import affected_users
from vouch.access.whatif.counting import CountJob, count_changes
from vouch.access.whatif.facts import load_user_facts, shared_after, user_after
from vouch.access.whatif.proposal import Proposal
from vouch.catalog import OBJECT_NAMES


@dataclass(frozen=True, slots=True)
class UserImpact:
    user_id: int
    username: str
    display_name: str
    department_id: int
    grants: GrantsDiff
    records: dict[str, tuple[int, int]]  # object → (visible, invisible), non-zero only

    @property
    def changed(self) -> bool:
        return not self.grants.empty or bool(self.records)


@dataclass
class Impact:
    proposal: Proposal
    policy_version: int
    at: datetime
    considered: int  # users the change could affect
    users: list[UserImpact] = field(default_factory=list)  # those it does affect


def _candidate_objects(proposal: Proposal, grants: GrantsDiff, before: AccessProfile,
                       after: AccessProfile) -> tuple[str, ...]:
    if before.principals != after.principals:
        return OBJECT_NAMES
    objects = {c.object for c in grants.scopes if c.action == "view"}
    if proposal.is_rule:
        objects |= {r.object for r in (*before.facts.sharing_rules,
                                       *before.facts.restriction_rules,
                                       *after.facts.sharing_rules,
                                       *after.facts.restriction_rules)
                    if r.id == proposal.rule_id}
    return tuple(o for o in OBJECT_NAMES if o in objects)


def profiles(facts: UserFacts, proposal: Proposal, after: SharedFacts,
             now: datetime) -> tuple[AccessProfile, AccessProfile]:
    """The user's profile at `now` as things are, and as the change would leave them."""
    return (compile_profile(facts, now),
            compile_profile(user_after(facts, proposal, after), now))


def impact(session: Session, proposal: Proposal, now: datetime,
           strategy: str = "auto") -> Impact:
    version = policy_version(session)
    shared = load_shared_facts(session, version)
    after_shared = shared_after(shared, proposal)
    users = affected_users(session, proposal, shared, now)
    facts = load_user_facts(session, shared, users)
    grants_by_roles: dict[tuple[tuple[int, ...], tuple[int, ...]], GrantsDiff] = {}
    pending: list[tuple[UserFacts, GrantsDiff]] = []
    jobs: list[CountJob] = []
    for uid in sorted(facts):
        before, after = profiles(facts[uid], proposal, after_shared, now)
        key = (tuple(r.id for r in before.roles), tuple(r.id for r in after.roles))
        grants = grants_by_roles.get(key)
        if grants is None:
            grants = grants_by_roles[key] = diff_grants(before, after)
        objects = _candidate_objects(proposal, grants, before, after)
        for change in diff_views(before, after, objects):
            jobs.append(CountJob(uid, change.object, change.before, change.after))
        pending.append((facts[uid], grants))
    counts = count_changes(session, jobs, now, strategy)
    result = Impact(proposal, version, now, considered=len(facts))
    for f, grants in pending:
        records = {obj: counts[f.user_id, obj] for obj in OBJECT_NAMES
                   if counts.get((f.user_id, obj), (0, 0)) != (0, 0)}
        ui = UserImpact(f.user_id, f.username, f.display_name, f.department_id, grants,
                        records)
        if ui.changed:
            result.users.append(ui)
    result.users.sort(key=lambda u: (u.username, u.user_id))
    return result
