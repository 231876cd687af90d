"""The workflow settings of the organisation (the two-person rule, how many days ahead
users hear that their access ends) and the conflicting role pairs of separation of duties.

The workflow settings are one row (`settings.key = 'workflow'`) holding both values, so one
version guards them; a missing row means the defaults at version 1. Neither the settings
nor a conflicting pair changes what anyone may do right now (they decide future requests
and grants), so they are audited without moving the policy version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from vouch.access.admin import CONFIG_READERS, admin_change, clean_reason, is_db_id, require_any
from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.admin.rendering import iso
from vouch.access.models import Role, RoleAssignment
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.workflow.common import audit_event, role_brief, users_brief
from vouch.workflow.models import RoleConflict, Setting

KEY = "workflow"
DEFAULTS: dict[str, Any] = {"two_person_rule": False, "expiry_notice_days": 7}
MAX_NOTICE_DAYS = 365


def _values(row: Setting | None) -> dict[str, Any]:
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: stored.get(k, default) for k, default in DEFAULTS.items()}


def workflow_settings(session: Any) -> dict[str, Any]:
    row = session.get(Setting, KEY)
    return _values(row) | {"version": row.version if row is not None else 1,
                           "updated_at": iso(row.updated_at) if row is not None else None,
                           "updated_by": row.updated_by if row is not None else None}


def two_person_rule_on(session: Any) -> bool:
    return bool(_values(session.get(Setting, KEY))["two_person_rule"])


def notice_days(session: Any) -> int:
    return int(_values(session.get(Setting, KEY))["expiry_notice_days"])


def get_settings(ctx: RequestContext) -> dict[str, Any]:
    """Every signed-in user may read them: the console says what the rules are."""
    return workflow_settings(ctx.session)


def update_settings(ctx: RequestContext, changes: Mapping[str, Any], version: object,
                    reason: object) -> dict[str, Any]:
    ctx.require("manage_settings")
    why = clean_reason(reason)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("version is required (the version you read)", field="version",
                      type=ErrorType.REQUIRED)
    if "two_person_rule" in changes and not isinstance(changes["two_person_rule"], bool):
        raise Invalid("two_person_rule must be true or false", field="two_person_rule",
                      type=ErrorType.FORMAT, expected="boolean")
    days = changes.get("expiry_notice_days", 0)
    if "expiry_notice_days" in changes and (
            not isinstance(days, int) or isinstance(days, bool)
            or not 0 <= days <= MAX_NOTICE_DAYS):
        raise Invalid(f"expiry_notice_days must be 0 to {MAX_NOTICE_DAYS} (0: no notices)",
                      field="expiry_notice_days", type=ErrorType.RANGE, min=0,
                      max=MAX_NOTICE_DAYS)
    with admin_change(ctx):  # serialised: the read of the version below cannot go stale
        row = ctx.session.get(Setting, KEY)
        current = row.version if row is not None else 1
        if version != current:
            raise Conflict(f"the workflow settings were changed by someone else (version "
                           f"{current}, you sent {version}); read them again",
                           {"object": "settings", "id": KEY, "current_version": current,
                            "sent_version": version}, type=ErrorType.STALE_VERSION)
        before = workflow_settings(ctx.session)
        values = _values(row) | {k: v for k, v in changes.items() if k in DEFAULTS}
        if row is None:
            row = Setting(key=KEY, value=values, version=2, updated_at=ctx.now,
                          updated_by=ctx.actor_id)
            ctx.session.add(row)
        else:
            row.value, row.version = values, current + 1
            row.updated_at, row.updated_by = ctx.now, ctx.actor_id
        ctx.session.flush()
        after = workflow_settings(ctx.session)
        audit_event(ctx.session, ctx.origin, "workflow.settings_updated", ctx.now,
                    object="settings", record_id=KEY, reason=why, before=before, after=after)
    return after


# --- conflicting role pairs ------------------------------------------------------------------


def conflicting_role_ids(session: Any, role_id: int) -> set[int]:
    rows = session.execute(select(RoleConflict.role_a_id, RoleConflict.role_b_id).where(
        (RoleConflict.role_a_id == role_id) | (RoleConflict.role_b_id == role_id)))
    return {b if a == role_id else a for a, b in rows}


def _holders_of_both(ctx: RequestContext, a: int, b: int) -> list[dict[str, Any]]:
    live = assignment_active_at(ctx.now)
    holders_a = set(ctx.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role_id == a, live)))
    holders_b = set(ctx.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role_id == b, live)))
    return users_brief(ctx.session, holders_a & holders_b)


def conflict_dict(ctx: RequestContext, c: RoleConflict) -> dict[str, Any]:
    return {"id": c.id, "role_a": role_brief(ctx.session.get(Role, c.role_a_id)),
            "role_b": role_brief(ctx.session.get(Role, c.role_b_id)), "reason": c.reason,
            "created_at": iso(c.created_at), "created_by": c.created_by,
            # people who hold both now: the pair stops new grants, a review ends these
            "holders_of_both": _holders_of_both(ctx, c.role_a_id, c.role_b_id)}


def list_conflicts(ctx: RequestContext) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    rows = ctx.session.scalars(select(RoleConflict).order_by(RoleConflict.id))
    return {"items": [conflict_dict(ctx, c) for c in rows]}


def _role(ctx: RequestContext, role_id: object, field: str) -> Role:
    role = ctx.session.get(Role, role_id) if is_db_id(role_id) else None
    if role is None:
        raise Invalid(f"{field}: no role {role_id!r}", field=field, type=ErrorType.NO_SUCH,
                      kind="role", id=role_id)
    return role


def create_conflict(ctx: RequestContext, role_a_id: object, role_b_id: object,
                    reason: object) -> dict[str, Any]:
    require_any(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        a, b = _role(ctx, role_a_id, "role_a_id"), _role(ctx, role_b_id, "role_b_id")
        if a.id == b.id:
            raise Invalid("role_b_id: a role cannot conflict with itself", field="role_b_id",
                          type=ErrorType.DUPLICATE, other="role_a_id")
        low, high = sorted((a.id, b.id))
        existing = ctx.session.scalars(select(RoleConflict).where(
            RoleConflict.role_a_id == low, RoleConflict.role_b_id == high)).first()
        if existing is not None:
            raise Conflict(f"{a.key} and {b.key} are a conflicting pair already (conflict "
                           f"{existing.id})", {"field": "role_b_id", "value": b.id,
                                               "conflict_id": existing.id},
                           type=ErrorType.TAKEN)
        row = RoleConflict(role_a_id=low, role_b_id=high, reason=why, created_at=ctx.now,
                           created_by=ctx.actor_id)
        ctx.session.add(row)
        ctx.session.flush()
        out = conflict_dict(ctx, row)
        audit_event(ctx.session, ctx.origin, "workflow.role_conflict_created", ctx.now,
                    object="role_conflict", record_id=row.id, reason=why, after=out)
    return out


def delete_conflict(ctx: RequestContext, conflict_id: int, reason: object) -> None:
    require_any(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        row = ctx.session.get(RoleConflict, conflict_id)
        if row is None:
            raise NotFound("role_conflict", conflict_id)
        before = conflict_dict(ctx, row)
        ctx.session.execute(delete(RoleConflict).where(RoleConflict.id == conflict_id))
        audit_event(ctx.session, ctx.origin, "workflow.role_conflict_deleted", ctx.now,
                    object="role_conflict", record_id=conflict_id, reason=why, before=before)
