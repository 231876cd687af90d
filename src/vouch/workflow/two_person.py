"""The two-person rule: with the setting on, an administrator's direct grant of a role that
carries a system permission does not happen at once; it becomes a `grant` request that
another holder of manage_roles (neither the administrator nor the user) approves. Nobody
makes themselves or a peer an administrator alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vouch.access.models import Role
from vouch.context import RequestContext
from vouch.org.models import User
from vouch.workflow.common import role_permissions
from vouch.workflow.settings import conflicting_role_ids, two_person_rule_on


def refuse_conflicting_role(ctx: RequestContext, user: User, role: Role) -> None:
    """Configured conflicting role pairs cannot be held together, however granted: a 409
    listing the conflicts as the preconditions of a request would."""
    from vouch.workflow.common import held_role_ids
    from vouch.workflow.preconditions import Check
    from vouch.workflow.workflow_errors import preconditions_failed

    clash = conflicting_role_ids(ctx.session, role.id) & held_role_ids(ctx.session, user.id,
                                                                       ctx.now)
    failures = []
    for other in (r for r in (ctx.session.get(Role, i) for i in sorted(clash)) if r):
        failures.append(Check("role_conflict", False, "role_conflict",
                              f"{role.key} conflicts with {other.key}, which {user.username} "
                              "holds (separation of duties)",
                              {"role": other.key, "role_id": other.id, "role_name": other.name,
                               "role_name_en": other.name_en}).as_dict())
    if failures:
        raise preconditions_failed(failures, at_approval=True, message=failures[0]["message"])


def intercept_grant(ctx: RequestContext, user: User, role: Role, expires_at: datetime | None,
                    reason: str) -> dict[str, Any] | None:
    """Called by a direct assignment once its own checks passed, in its transaction: the
    grant request to answer instead (202), or None to grant now."""
    refuse_conflicting_role(ctx, user, role)
    if not two_person_rule_on(ctx.session) or not role_permissions(ctx.session, role.id):
        return None
    from vouch.workflow.requests import create_grant_request

    return create_grant_request(ctx, user, role, expires_at, reason)
