"""Who may administer: the permissions that read the configuration, and the limits
of delegated administration."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.models import Role, RoleAssignment
from vouch.context import RequestContext
from vouch.errors import ErrorType, PermissionDenied

CONFIG_READERS = ("manage_roles", "view_audit")


def require_any(ctx: RequestContext, *permissions: str) -> None:
    """403 naming the permissions unless the actor holds at least one of them."""
    if any(p in ctx.profile.permissions for p in permissions):
        return
    exc = PermissionDenied(permissions[0])
    if len(permissions) > 1:
        exc.message = ("requires one of the system permissions "
                       + ", ".join(permissions))
        exc.args = (exc.message,)
        exc.details["any_of"] = list(permissions)
    raise exc


# A delegated administrator (delegate_admin) manages only the users whose department is in
# the subtree of their own, and assigns them only delegable roles (PERMISSIONS.md). They
# also leave alone anyone holding a role that is not delegable: resetting such a user's
# password would hand the delegate that role's powers.


def require_admin_or_delegate(ctx: RequestContext, permission: str) -> bool:
    """True for a full administrator (`permission`), False for a delegated one; 403 naming
    `permission` for anyone else (before anything is looked up)."""
    if permission in ctx.profile.permissions:
        return True
    if "delegate_admin" in ctx.profile.permissions:
        return False
    raise PermissionDenied(permission)


def delegation_denied(permission: str, why: str, **params: object) -> PermissionDenied:
    """403 for a delegated administrator beyond their limits; `params` say which limit
    (`limit`: department, user_roles or role) for clients to word it."""
    exc = PermissionDenied(permission)
    exc.message = f"requires the system permission {permission}: {why}"
    exc.args = (exc.message,)
    exc.error_type = ErrorType.FORBIDDEN_DELEGATION
    exc.details["delegate_admin"] = why
    exc.details.update(params)
    return exc


def check_delegated(ctx: RequestContext, permission: str, departments: Iterable[int],
                    user_id: int | None = None) -> None:
    """For a delegated administrator: every department inside their subtree, and the user
    (if any) holding only delegable roles."""
    if permission in ctx.profile.permissions:
        return
    subtree = ctx.profile.department_subtree
    for d in departments:
        if d not in subtree:
            raise delegation_denied(permission, f"department {d} is outside your delegated "
                                    f"subtree (department {ctx.actor_department_id} and below)",
                                    limit="department", department=d)
    if user_id is not None:
        keys = ctx.session.scalars(
            select(Role.key).join(RoleAssignment, RoleAssignment.role_id == Role.id)
            .where(RoleAssignment.user_id == user_id, Role.delegable.is_(False),
                   assignment_active_at(ctx.now))).all()
        if keys:
            raise delegation_denied(permission, f"user {user_id} holds roles that are not "
                                    f"delegable ({', '.join(sorted(keys))})",
                                    limit="user_roles", user_id=user_id, roles=sorted(keys))
