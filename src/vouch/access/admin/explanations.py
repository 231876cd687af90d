"""Why a user may or may not do something, and their effective permissions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vouch.access.admin.authority import CONFIG_READERS, require_any
from vouch.access.admin.inputs import reject_nul
from vouch.access.engine import can, explain, matrix
from vouch.access.service import load_record_facts, profile_for
from vouch.catalog import ACTIONS, OBJECT_ACTIONS, OBJECT_MAP, OBJECT_NAMES, SYSTEM_PERMISSIONS
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound
from vouch.org.models import User


def _target_user(ctx: RequestContext, user: str | int | None) -> User:
    """The user asked about: oneself by default; someone else needs manage_roles or
    view_audit."""
    reject_nul(user, "user")
    if user is None or user == "":
        found = ctx.session.get(User, ctx.actor_id)
    elif isinstance(user, int) or user.isdigit():
        found = ctx.session.get(User, int(user)) if int(user) < 2**31 else None
    else:
        found = ctx.session.scalars(select(User).where(User.username == user)).first()
    if found is None or found.id != ctx.actor_id:
        require_any(ctx, *CONFIG_READERS)
    if found is None:
        raise Invalid(f"user: no user {user!r}", field="user", type=ErrorType.NO_SUCH,
                      kind="user", id=user)
    return found


def explain_permission(profile: Any, permission: str) -> dict[str, Any]:
    """The identity and function layers of a system permission (it has no record layer)."""
    active = bool(profile.active)
    holders = [r.key for r in profile.roles if permission in r.permissions]
    granted = permission in profile.permissions
    layers = [
        {"layer": "identity", "allowed": active,
         "reason": f"user {profile.facts.username} is "
                   + ("active" if active else "deactivated"), "sources": []},
        {"layer": "function", "allowed": granted,
         "reason": (f"granted by {', '.join(holders)}" if holders
                    else f"no active role carries {permission}"),
         "sources": [f"role {k} carries {permission}" for k in holders]},
    ]
    ok = active and granted
    return {"allowed": ok, "first_denied": None if ok else next(
        x["layer"] for x in layers if not x["allowed"]), "user_id": profile.user_id,
        "permission": permission, "layers": layers}


def explain_access(ctx: RequestContext, *, user: str | int | None, action: str,
                   obj: str | None, record_id: int | None, field: str | None
                   ) -> dict[str, Any]:
    """Why `user` may or may not do `action` (on `obj`, record, field): every layer with
    what made it so. Only reasons travel, never field values. Someone explaining their own
    access to a record they cannot view gets the same 404 as for a missing record."""
    target = _target_user(ctx, user)
    admin = any(p in ctx.profile.permissions for p in CONFIG_READERS)
    if action in SYSTEM_PERMISSIONS and obj is None:
        if record_id is not None or field is not None:
            raise Invalid("a system permission concerns no record or field", field="action",
                          type=ErrorType.NOT_ALLOWED)
        profile = profile_for(ctx.session, target.id, ctx.now)
        return explain_permission(profile, action) | {"username": target.username}
    if action not in ACTIONS:
        raise Invalid(f"action: unknown action {action!r}; known: {', '.join(ACTIONS)} and "
                      f"the system permissions {', '.join(SYSTEM_PERMISSIONS)}",
                      field="action", type=ErrorType.CHOICE,
                      choices=[*ACTIONS, *SYSTEM_PERMISSIONS])
    if obj is None:
        raise Invalid("object is required for a record or object action", field="object",
                      type=ErrorType.REQUIRED)
    odef = OBJECT_MAP.get(obj)
    if odef is None:
        raise Invalid(f"object: unknown object {obj!r}; known: {', '.join(OBJECT_NAMES)}",
                      field="object", type=ErrorType.CHOICE, choices=list(OBJECT_NAMES))
    if field is not None and field not in odef.field_map:
        raise Invalid(f"field: unknown field {field!r} of {obj}; known: "
                      f"{', '.join(odef.field_map)}", field="field", type=ErrorType.CHOICE,
                      choices=list(odef.field_map))
    if record_id is not None and action in OBJECT_ACTIONS:
        raise Invalid(f"{action} is an object action; it concerns no record", field="record",
                      type=ErrorType.NOT_ALLOWED)
    profile = profile_for(ctx.session, target.id, ctx.now)
    record = None
    if record_id is not None:
        record = load_record_facts(ctx.session, obj, record_id)
        if record is None:
            raise NotFound(obj, record_id)
        if not admin and not can(ctx.profile, obj, "view", record, ctx.now):
            raise NotFound(obj, record_id)
    exp = explain(profile, obj, action, record, ctx.now, field)
    return exp.as_dict() | {"username": target.username}


def matrix_of(ctx: RequestContext, user: str | int | None) -> dict[str, Any]:
    """The effective permissions of `user` (oneself by default)."""
    target = _target_user(ctx, user)
    return matrix(profile_for(ctx.session, target.id, ctx.now)) | {
        "display_name": target.display_name}
