"""Dormant permissions: for each active role assignment, each (object, action) its role
grants, when the user last exercised it according to the audit log, and whether it is
dormant — not exercised in the last N days, or never, while held for more than N days.
Candidates for least privilege, per user and role.

What the audit log can tell: creating, editing, deleting, transferring, sharing,
importing and exporting records leave an event for every use. Reading does not: a read
is audited only when the answer shows sensitive fields in clear (and exports are). So a
`view` grant's evidence is partial — it may have been used to read ordinary fields
without a trace. Any record event on an object counts as viewing it (one sees a record
to change it). A use counts whatever made it possible (this role, another role, a share
or a sharing rule): the question answered is "does this user still do this at all"."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from vouch.access.admin import iso, require_any
from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.models import Grant, Role, RoleAssignment
from vouch.audit.models import AuditEvent
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid
from vouch.org.models import User
from vouch.workflow.reviews.campaigns import keyset

READERS = ("manage_roles", "view_audit", "run_reviews")
MAX_DAYS = 3650
# audit action of a record use case → the grant actions it exercises
EXERCISED_BY: dict[str, tuple[str, ...]] = {
    "record.create": ("create",),
    "record.import": ("import", "create"),
    "record.update": ("edit",),
    "record.delete": ("delete",),
    "record.transfer": ("transfer",),
    "record.share": ("share",),
    "record.unshare": ("share",),
    "record.export": ("export",),
    "record.read_sensitive": ("view",),
}
NOTE = ("Evidence is the audit log. Creating, editing, deleting, transferring, sharing, "
        "importing and exporting records are audited at every use; reading is audited only "
        "when an answer shows sensitive fields in clear, and for exports. A view grant's "
        "evidence is therefore partial: it may have been used to read ordinary fields "
        "without a trace. Any change to a record of an object counts as viewing it. A use "
        "counts whatever allowed it (this role, another role, a share or a sharing rule).")


def _last_uses(ctx: RequestContext, user_ids: list[int]
               ) -> dict[tuple[int, str, str], datetime]:
    """(user, object, grant action) → the last audited use, in one grouped query."""
    out: dict[tuple[int, str, str], datetime] = {}
    if not user_ids:
        return out
    rows = ctx.session.execute(
        select(AuditEvent.actor_id, AuditEvent.object, AuditEvent.action,
               func.max(AuditEvent.at))
        .where(AuditEvent.actor_id.in_(user_ids), AuditEvent.action.in_(list(EXERCISED_BY)),
               AuditEvent.object.is_not(None))
        .group_by(AuditEvent.actor_id, AuditEvent.object, AuditEvent.action))
    for actor, obj, action, at in rows:
        stamp: datetime = at if at.tzinfo else at.replace(tzinfo=ctx.now.tzinfo)
        for granted in (*EXERCISED_BY[action], "view"):
            key = (actor, obj, granted)
            if key not in out or out[key] < stamp:
                out[key] = stamp
    return out


def dormant_report(ctx: RequestContext, *, days: int = 90, user_id: int | None = None,
                   role_id: int | None = None, dormant_only: bool = False,
                   limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *READERS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise Invalid(f"days must be 1 to {MAX_DAYS}", field="days", type=ErrorType.RANGE,
                      min=1, max=MAX_DAYS)
    cutoff = ctx.now - timedelta(days=days)
    held = select(RoleAssignment.user_id).where(assignment_active_at(ctx.now))
    if role_id is not None:
        held = held.where(RoleAssignment.role_id == role_id)
    users_q = select(User).where(User.active.is_(True), User.id.in_(held))
    if user_id is not None:
        users_q = users_q.where(User.id == user_id)
    users, next_cursor = keyset(ctx.session, users_q, User.id, limit, cursor)
    ids = [u.id for u in users]
    assignments = ctx.session.execute(
        select(RoleAssignment, Role).join(Role, Role.id == RoleAssignment.role_id)
        .where(RoleAssignment.user_id.in_(ids), assignment_active_at(ctx.now),
               *([RoleAssignment.role_id == role_id] if role_id is not None else []))
        .order_by(RoleAssignment.user_id, Role.key)).tuples().all() if ids else []
    grants: dict[int, list[Grant]] = defaultdict(list)
    role_ids = {r.id for _a, r in assignments}
    if role_ids:
        for g in ctx.session.scalars(select(Grant).where(
                Grant.role_id.in_(role_ids), Grant.scope != "none")
                .order_by(Grant.object, Grant.action)):
            grants[g.role_id].append(g)
    last = _last_uses(ctx, ids)
    per_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    totals = {"users": len(users), "assignments": 0, "grants": 0, "dormant": 0}
    for a, role in assignments:
        held_long = a.granted_at <= cutoff
        rows: list[dict[str, Any]] = []
        for g in grants[role.id]:
            used = last.get((a.user_id, g.object, g.action))
            dormant = held_long and (used is None or used < cutoff)
            if dormant_only and not dormant:
                continue
            rows.append({"object": g.object, "action": g.action, "scope": g.scope,
                         "last_exercised": iso(used), "dormant": dormant,
                         "evidence": "partial" if g.action == "view" else "audited"})
        if dormant_only and not rows:
            continue
        n_dormant = sum(r["dormant"] for r in rows)
        totals["assignments"] += 1
        totals["grants"] += len(rows)
        totals["dormant"] += n_dormant
        per_user[a.user_id].append({
            "assignment_id": a.id,
            "role": {"id": role.id, "key": role.key, "name": role.name,
                     "name_en": role.name_en},
            "granted_at": iso(a.granted_at), "expires_at": iso(a.expires_at),
            "grants": rows, "total": len(rows), "dormant": n_dormant,
        })
    return {
        "days": days, "as_of": iso(ctx.now), "cutoff": iso(cutoff), "note": NOTE,
        "evidence": {action: list(granted) for action, granted in EXERCISED_BY.items()},
        "users": [{"user": {"id": u.id, "username": u.username,
                            "display_name": u.display_name},
                   "roles": per_user[u.id],
                   "dormant": sum(r["dormant"] for r in per_user[u.id])}
                  for u in users if per_user[u.id] or not dormant_only],
        "summary": totals, "next_cursor": next_cursor,
    }
