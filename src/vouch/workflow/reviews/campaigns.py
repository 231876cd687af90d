"""Access-review campaigns: start one, list and read them with their progress, close one
early.

Starting and closing need `run_reviews`; reading needs `run_reviews`, `view_audit` or
`manage_roles`. A campaign snapshots, at its start, one item per active role assignment
and per active manual share made to a user in its scope (shares to roles or departments
are reviewed with those, not per user)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from vouch.access.admin import (
    admin_change,
    claim_version,
    clean_reason,
    clean_text,
    is_db_id,
    iso,
    require_any,
    require_version,
)
from vouch.access.admin.inputs import clean_choice
from vouch.access.admin.rendering import DEFAULT_LIMIT, MAX_LIMIT
from vouch.access.models import Role
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.models import Department
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.notifications import notify
from vouch.workflow.reviews.actor import Actor
from vouch.workflow.reviews.deadlines import settle, settle_due
from vouch.workflow.reviews.grants import (
    active_assignments_of,
    active_user_shares_of,
    assignment_snapshot,
    share_snapshot,
)
from vouch.workflow.reviews.rendering import (
    campaign_dict,
    people,
    progress_by_reviewer,
    progress_of,
    visible_titles,
)
from vouch.workflow.reviews.scope import ReviewerPicker, users_in_scope

READERS = ("run_reviews", "view_audit", "manage_roles")
SCOPES = ("all", "department", "roles")
ON_DEADLINE = ("keep", "revoke")
MAX_ROLES = 100
MAX_DEADLINE_DAYS = 366  # a review runs for a quarter or so; a year at most


def keyset(session: Session, stmt: Select[Any], id_col: Any, limit: int | None,
           cursor: str | None) -> tuple[list[Any], str | None]:
    """One page of rows by ascending id, and the cursor of the next (None at the end)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not isinstance(size, int) or not 1 <= size <= MAX_LIMIT:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT}", field="limit", type=ErrorType.RANGE,
                      min=1, max=MAX_LIMIT)
    if cursor:
        if not cursor.isdigit() or len(cursor) > 12:
            raise Invalid("cursor is not one this API gave out", field="cursor",
                          type=ErrorType.CURSOR)
        stmt = stmt.where(id_col > int(cursor))
    rows = list(session.scalars(stmt.order_by(id_col).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (str(rows[-1].id) if more and rows else None)


def _scope(kind: str, department_id: object, role_ids: object) -> tuple[int | None, list[int]]:
    """The scope's own parameter, and none of the other's."""
    if kind != "department" and department_id is not None:
        raise Invalid(f"department_id: only a department scope names a department (scope "
                      f"is {kind})", field="department_id", type=ErrorType.NOT_ALLOWED)
    if kind != "roles" and role_ids:
        raise Invalid(f"role_ids: only a roles scope names roles (scope is {kind})",
                      field="role_ids", type=ErrorType.NOT_ALLOWED)
    if kind == "department":
        if department_id is None:
            raise Invalid("department_id: a department scope needs the department",
                          field="department_id", type=ErrorType.REQUIRED)
        if not isinstance(department_id, int) or not is_db_id(department_id):
            raise Invalid(f"department_id: no department {department_id!r}",
                          field="department_id", type=ErrorType.NO_SUCH, kind="department",
                          id=department_id)
        return department_id, []
    if kind == "roles":
        if not isinstance(role_ids, list) or not role_ids:
            raise Invalid("role_ids: a roles scope needs at least one role", field="role_ids",
                          type=ErrorType.REQUIRED)
        if len(role_ids) > MAX_ROLES:
            raise Invalid(f"role_ids: at most {MAX_ROLES} roles", field="role_ids",
                          type=ErrorType.COUNT, min=1, max=MAX_ROLES)
        seen: dict[object, int] = {}
        for i, rid in enumerate(role_ids):
            if rid in seen:
                raise Invalid(f"role_ids[{i}] repeats role_ids[{seen[rid]}]",
                              field=f"role_ids[{i}]", type=ErrorType.DUPLICATE,
                              other=f"role_ids[{seen[rid]}]")
            seen[rid] = i
        return None, list(role_ids)
    return None, []


def _check_targets(session: Session, department_id: int | None, role_ids: list[int]) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise Invalid(f"department_id: no department {department_id}", field="department_id",
                      type=ErrorType.NO_SUCH, kind="department", id=department_id)
    for i, rid in enumerate(role_ids):
        if not is_db_id(rid) or session.get(Role, rid) is None:
            raise Invalid(f"role_ids[{i}]: no role {rid!r}", field=f"role_ids[{i}]",
                          type=ErrorType.NO_SUCH, kind="role", id=rid)


def create_campaign(ctx: RequestContext, *, name: object, scope: object,
                    department_id: object, role_ids: object, deadline: datetime | None,
                    on_deadline: object, reason: object) -> dict[str, Any]:
    ctx.require("run_reviews")
    why = clean_reason(reason)
    title = clean_text(name, "name", required=True, limit=200)
    assert title is not None
    kind = clean_choice(scope, SCOPES, "scope", "scope")
    mode = clean_choice(on_deadline, ON_DEADLINE, "deadline behaviour", "on_deadline")
    if deadline is None:
        raise Invalid("deadline is required", field="deadline", type=ErrorType.REQUIRED)
    if deadline.tzinfo is None:
        raise Invalid("deadline needs a time zone", field="deadline", type=ErrorType.TIMEZONE)
    latest = ctx.now + timedelta(days=MAX_DEADLINE_DAYS)
    if deadline <= ctx.now or deadline > latest:
        raise Invalid(f"deadline must be in the future, within {MAX_DEADLINE_DAYS} days",
                      field="deadline", type=ErrorType.FUTURE, max=iso(latest))
    deadline = deadline.astimezone(UTC)
    dept, roles = _scope(kind, department_id, role_ids)
    with admin_change(ctx):
        session = ctx.session
        _check_targets(session, dept, roles)
        users = users_in_scope(session, kind, dept, roles, ctx.now)
        picker = ReviewerPicker(session, ctx.actor_id, ctx.now)
        reviewer = {u.id: picker.pick(u) for u in users}
        assignments = active_assignments_of(session, list(reviewer), ctx.now)
        shares = active_user_shares_of(session, list(reviewer), ctx.now)
        if not assignments and not shares:
            raise Invalid("scope: no active role assignment or share of a user in this scope "
                          "to review", field="scope", type=ErrorType.INVALID)
        names: dict[tuple[str, int], str] = {}
        for obj in {s.object for s in shares}:
            for rid, title_ in visible_titles(
                    ctx, obj, {s.record_id for s in shares if s.object == obj}).items():
                names[(obj, rid)] = title_
        campaign = ReviewCampaign(
            name=title, scope_kind=kind, department_id=dept, role_ids=roles,
            deadline=deadline, on_deadline=mode, status="open", reason=why,
            created_by=ctx.actor_id, created_at=ctx.now, version=1)
        session.add(campaign)
        session.flush()
        items = [ReviewItem(campaign_id=campaign.id, user_id=a.user_id,
                            reviewer_id=reviewer[a.user_id], kind="assignment",
                            assignment_id=a.id, snapshot=assignment_snapshot(a, role),
                            version=1) for a, role in assignments]
        items += [ReviewItem(campaign_id=campaign.id, user_id=s.principal_id,
                             reviewer_id=reviewer[s.principal_id], kind="share", share_id=s.id,
                             snapshot=share_snapshot(s, names.get((s.object, s.record_id))),
                             version=1) for s in shares]
        session.add_all(items)
        session.flush()
        who = people(session, [*reviewer.values(), ctx.actor_id])
        per_reviewer = Counter(who[i.reviewer_id]["username"] for i in items)
        after = campaign_dict(campaign, who, progress_of(session, [campaign.id])[campaign.id])
        # The policy version moves: every process then re-reads the earliest open deadline
        # (deadlines.settle_before_deciding), which may revoke grants at that instant.
        Actor.of(ctx).access_changed(
            "review.campaign_created", "review_campaign", campaign.id, why, after=after,
            details={"assignments": len(assignments), "shares": len(shares),
                     "users": len(users), "per_reviewer": dict(per_reviewer)})
        for reviewer_id, count in Counter(i.reviewer_id for i in items).items():
            notify(session, [reviewer_id], "review.assigned",
                   {"campaign_id": campaign.id, "campaign_name": campaign.name,
                    "items": count, "deadline": iso(campaign.deadline)}, ctx.now)
    return get_campaign(ctx, campaign.id)


def _campaign(session: Session, campaign_id: int) -> ReviewCampaign:
    row = session.get(ReviewCampaign, campaign_id)
    if row is None:
        raise NotFound("review_campaign", campaign_id)
    return row


def list_campaigns(ctx: RequestContext, *, status: str | None = None, limit: int | None = None,
                   cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *READERS)
    settle_due(ctx)
    stmt = select(ReviewCampaign)
    if status is not None:
        stmt = stmt.where(ReviewCampaign.status == clean_choice(
            status, ("open", "closed"), "status", "status"))
    rows, next_cursor = keyset(ctx.session, stmt, ReviewCampaign.id, limit, cursor)
    progress = progress_of(ctx.session, [c.id for c in rows])
    who = people(ctx.session, [c.created_by for c in rows])
    return {"items": [campaign_dict(c, who, progress[c.id]) for c in rows],
            "next_cursor": next_cursor}


def get_campaign(ctx: RequestContext, campaign_id: int) -> dict[str, Any]:
    require_any(ctx, *READERS)
    settle_due(ctx)
    c = _campaign(ctx.session, campaign_id)
    out = campaign_dict(c, people(ctx.session, [c.created_by]),
                        progress_of(ctx.session, [c.id])[c.id])
    out["by_reviewer"] = progress_by_reviewer(ctx.session, c.id)
    return out


def close_campaign(ctx: RequestContext, campaign_id: int, *, reason: object, version: object,
                   undecided: object = None) -> dict[str, Any]:
    """End an open campaign now. Undecided items follow `undecided` (keep or revoke; by
    default the campaign's own deadline behaviour, so an early close cannot dodge a
    revoking campaign by accident): outcomes `kept_at_close` / `revoked_at_close`."""
    ctx.require("run_reviews")
    why = clean_reason(reason)
    require_version(version)
    mode = None if undecided is None else clean_choice(undecided, ON_DEADLINE,
                                                       "deadline behaviour", "undecided")
    settle_due(ctx)
    with admin_change(ctx):
        campaign = _campaign(ctx.session, campaign_id)
        if campaign.status != "open":
            raise Conflict(f"review campaign {campaign_id} is closed already",
                           {"id": campaign_id, "status": campaign.status, "reason": "closed"})
        claim_version(ctx.session, ReviewCampaign, campaign_id, version, "review_campaign")
        ctx.session.refresh(campaign)
        settle(Actor.of(ctx), campaign, mode or campaign.on_deadline, "close", why,
               bump_version=False)
    return get_campaign(ctx, campaign_id)
