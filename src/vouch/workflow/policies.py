"""Approval policies: the ordered approver steps of a request for one role (or of every
role without its own, `role_id` NULL), their deadline behaviour, and the per-role
preconditions (required courses, probation, the longest time-limited grant).

With no row for `role_id` NULL the built-in default applies: step 1 the requester's manager,
step 2 any holder of `approve_requests`, 72 hours a step, escalating. Whatever a policy
says, a role that carries a system permission ends with a holder of `manage_roles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from vouch.access.admin import (
    CONFIG_READERS,
    admin_change,
    claim_version,
    clean_reason,
    clean_text,
    is_db_id,
    require_any,
)
from vouch.access.models import Role
from vouch.catalog import SYSTEM_PERMISSIONS
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.workflow.common import audit_event, role_brief, role_permissions
from vouch.workflow.models import ApprovalPolicy

APPROVER_KINDS = ("manager", "department_head", "permission", "role")
ON_DEADLINE = ("escalate", "expire")
MAX_STEPS = 10
MAX_DEADLINE_HOURS = 24 * 90
MAX_COURSES = 20
MAX_DAYS = 3650
DEFAULT_STEPS: list[dict[str, Any]] = [
    {"approver": "manager"}, {"approver": "permission", "permission": "approve_requests"}]
FINAL_ADMIN_STEP: dict[str, Any] = {"approver": "permission", "permission": "manage_roles"}


@dataclass(frozen=True)
class EffectivePolicy:
    """The policy a request follows: from the role's own row, the default row, or the
    built-in default (`source`)."""

    source: str
    policy_id: int | None
    steps: list[dict[str, Any]]
    step_deadline_hours: int = 72
    on_deadline: str = "escalate"
    required_courses: list[str] = field(default_factory=list)
    probation_days: int | None = None
    max_days: int | None = None


def _from_row(row: ApprovalPolicy, source: str) -> EffectivePolicy:
    return EffectivePolicy(source, row.id, [dict(s) for s in row.steps or []],
                           row.step_deadline_hours, row.on_deadline,
                           list(row.required_courses or []), row.probation_days, row.max_days)


def default_policy(session: Any) -> EffectivePolicy:
    row = session.scalars(select(ApprovalPolicy).where(ApprovalPolicy.role_id.is_(None))).first()
    if row is not None:
        return _from_row(row, "default")
    return EffectivePolicy("builtin", None, [dict(s) for s in DEFAULT_STEPS])


def policy_for_role(session: Any, role_id: int) -> EffectivePolicy:
    """The role's policy (its own row, else the default), its steps ending with a holder
    of manage_roles when the role carries a system permission."""
    row = session.scalars(select(ApprovalPolicy).where(ApprovalPolicy.role_id == role_id)).first()
    policy = _from_row(row, "role") if row is not None else default_policy(session)
    steps = [dict(s) for s in policy.steps]
    if role_permissions(session, role_id) and (not steps or steps[-1] != FINAL_ADMIN_STEP):
        steps.append(dict(FINAL_ADMIN_STEP))
    return EffectivePolicy(policy.source, policy.policy_id, steps, policy.step_deadline_hours,
                           policy.on_deadline, policy.required_courses, policy.probation_days,
                           policy.max_days)


def effective_dict(session: Any, p: EffectivePolicy) -> dict[str, Any]:
    return {"source": p.source, "policy_id": p.policy_id,
            "steps": [describe_spec(session, s) for s in p.steps],
            "step_deadline_hours": p.step_deadline_hours, "on_deadline": p.on_deadline,
            "required_courses": p.required_courses, "probation_days": p.probation_days,
            "max_days": p.max_days}


def describe_spec(session: Any, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A step as stored, with the role it names shown."""
    out = {"approver": spec.get("approver"), "permission": spec.get("permission"),
           "role_id": spec.get("role_id")}
    if spec.get("role_id") is not None:
        out["role"] = role_brief(session.get(Role, spec["role_id"]))
    return out


def policy_dict(session: Any, row: ApprovalPolicy) -> dict[str, Any]:
    return {"id": row.id, "role_id": row.role_id,
            "role": role_brief(session.get(Role, row.role_id)) if row.role_id else None,
            "steps": [describe_spec(session, s) for s in row.steps or []],
            "step_deadline_hours": row.step_deadline_hours, "on_deadline": row.on_deadline,
            "required_courses": list(row.required_courses or []),
            "probation_days": row.probation_days, "max_days": row.max_days,
            "description": row.description, "version": row.version}


# --- validation --------------------------------------------------------------------------------


def _int_in(value: object, path: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Invalid(f"{path} must be a whole number from {low} to {high}", field=path,
                      type=ErrorType.RANGE, min=low, max=high)
    return value


def validate_steps(session: Any, steps: object) -> list[dict[str, Any]]:
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise Invalid(f"steps must list 1 to {MAX_STEPS} approver steps", field="steps",
                      type=ErrorType.COUNT, min=1, max=MAX_STEPS)
    out = []
    for i, step in enumerate(steps):
        path = f"steps[{i}]"
        if not isinstance(step, Mapping):
            raise Invalid(f"{path} must be an object", field=path, type=ErrorType.FORMAT,
                          expected="object")
        kind = step.get("approver")
        if kind not in APPROVER_KINDS:
            raise Invalid(f"{path}.approver must be one of {', '.join(APPROVER_KINDS)}",
                          field=f"{path}.approver", type=ErrorType.CHOICE,
                          choices=list(APPROVER_KINDS))
        spec: dict[str, Any] = {"approver": kind}
        permission, role_id = step.get("permission"), step.get("role_id")
        if kind == "permission":
            if permission not in SYSTEM_PERMISSIONS:
                raise Invalid(f"{path}.permission must be a system permission",
                              field=f"{path}.permission", type=ErrorType.CHOICE,
                              choices=list(SYSTEM_PERMISSIONS))
            spec["permission"] = permission
        elif permission is not None:
            raise Invalid(f"{path}.permission is only for a 'permission' step",
                          field=f"{path}.permission", type=ErrorType.NOT_ALLOWED)
        if kind == "role":
            if not is_db_id(role_id) or session.get(Role, role_id) is None:
                raise Invalid(f"{path}.role_id: no role {role_id!r}", field=f"{path}.role_id",
                              type=ErrorType.NO_SUCH, kind="role", id=role_id)
            spec["role_id"] = role_id
        elif role_id is not None:
            raise Invalid(f"{path}.role_id is only for a 'role' step", field=f"{path}.role_id",
                          type=ErrorType.NOT_ALLOWED)
        out.append(spec)
    return out


def validate_courses(courses: object) -> list[str]:
    if not isinstance(courses, list) or len(courses) > MAX_COURSES:
        raise Invalid(f"required_courses must list at most {MAX_COURSES} courses",
                      field="required_courses", type=ErrorType.COUNT, min=0, max=MAX_COURSES)
    out: list[str] = []
    for i, course in enumerate(courses):
        name = clean_text(course, f"required_courses[{i}]", required=True, limit=100)
        assert name is not None
        if name in out:
            raise Invalid(f"required_courses[{i}] repeats {name!r}",
                          field=f"required_courses[{i}]", type=ErrorType.DUPLICATE,
                          other=f"required_courses[{out.index(name)}]")
        out.append(name)
    return out


def _apply(session: Any, row: ApprovalPolicy, values: Mapping[str, Any]) -> None:
    if "steps" in values:
        row.steps = validate_steps(session, values["steps"])
    if "step_deadline_hours" in values:
        row.step_deadline_hours = _int_in(values["step_deadline_hours"], "step_deadline_hours",
                                          1, MAX_DEADLINE_HOURS)
    if "on_deadline" in values:
        if values["on_deadline"] not in ON_DEADLINE:
            raise Invalid("on_deadline must be escalate or expire", field="on_deadline",
                          type=ErrorType.CHOICE, choices=list(ON_DEADLINE))
        row.on_deadline = values["on_deadline"]
    if "required_courses" in values:
        row.required_courses = validate_courses(values["required_courses"])
    for name in ("probation_days", "max_days"):
        if name in values:
            v = values[name]
            setattr(row, name, None if v is None else _int_in(v, name, 1, MAX_DAYS))
    if "description" in values:
        row.description = clean_text(values["description"], "description", required=False,
                                     limit=4000)


# --- use cases ---------------------------------------------------------------------------------


def list_policies(ctx: RequestContext) -> dict[str, Any]:
    """Every policy, and the default that applies to roles without one (the built-in one
    when no row has role_id NULL)."""
    require_any(ctx, *CONFIG_READERS)
    rows = ctx.session.scalars(select(ApprovalPolicy).order_by(ApprovalPolicy.id))
    return {"items": [policy_dict(ctx.session, r) for r in rows],
            "default": effective_dict(ctx.session, default_policy(ctx.session))}


def _policy(session: Any, policy_id: int) -> ApprovalPolicy:
    row: ApprovalPolicy | None = session.get(ApprovalPolicy, policy_id)
    if row is None:
        raise NotFound("approval_policy", policy_id)
    return row


def get_policy(ctx: RequestContext, policy_id: int) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    row = _policy(ctx.session, policy_id)
    out = policy_dict(ctx.session, row)
    if row.role_id is not None:  # what a request for the role follows, appended step shown
        out["effective"] = effective_dict(ctx.session, policy_for_role(ctx.session, row.role_id))
    return out


def create_policy(ctx: RequestContext, values: Mapping[str, Any], reason: object
                  ) -> dict[str, Any]:
    require_any(ctx, "manage_roles")
    why = clean_reason(reason)
    if "steps" not in values:
        raise Invalid("steps is required", field="steps", type=ErrorType.REQUIRED)
    with admin_change(ctx):
        role_id = values.get("role_id")
        if role_id is not None and (not is_db_id(role_id)
                                    or ctx.session.get(Role, role_id) is None):
            raise Invalid(f"role_id: no role {role_id!r}", field="role_id",
                          type=ErrorType.NO_SUCH, kind="role", id=role_id)
        taken = ctx.session.scalars(select(ApprovalPolicy.id).where(
            ApprovalPolicy.role_id == role_id if role_id is not None
            else ApprovalPolicy.role_id.is_(None))).first()
        if taken is not None:
            raise Conflict(("the role has" if role_id else "the default policy exists") +
                           f" a policy already (policy {taken}); change that one",
                           {"field": "role_id", "value": role_id, "policy_id": taken},
                           type=ErrorType.TAKEN)
        row = ApprovalPolicy(role_id=role_id, steps=[], step_deadline_hours=72,
                             on_deadline="escalate", required_courses=[], version=1)
        _apply(ctx.session, row, values)
        ctx.session.add(row)
        ctx.session.flush()
        out = policy_dict(ctx.session, row)
        audit_event(ctx.session, ctx.origin, "workflow.policy_created", ctx.now,
                    object="approval_policy", record_id=row.id, reason=why, after=out)
    return out


def update_policy(ctx: RequestContext, policy_id: int, changes: Mapping[str, Any],
                  version: object, reason: object) -> dict[str, Any]:
    require_any(ctx, "manage_roles")
    why = clean_reason(reason)
    if "role_id" in changes:
        raise Invalid("role_id cannot change: delete the policy and create one for the other "
                      "role", field="role_id", type=ErrorType.NOT_ALLOWED)
    with admin_change(ctx):
        row = _policy(ctx.session, policy_id)
        before = policy_dict(ctx.session, row)
        claim_version(ctx.session, ApprovalPolicy, policy_id, version, "approval_policy")
        ctx.session.refresh(row)
        _apply(ctx.session, row, changes)
        ctx.session.flush()
        out = policy_dict(ctx.session, row)
        audit_event(ctx.session, ctx.origin, "workflow.policy_updated", ctx.now,
                    object="approval_policy", record_id=row.id, reason=why, before=before,
                    after=out)
    return out


def delete_policy(ctx: RequestContext, policy_id: int, version: object, reason: object) -> None:
    """Requests already made keep the steps they were given."""
    require_any(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        row = _policy(ctx.session, policy_id)
        before = policy_dict(ctx.session, row)
        claim_version(ctx.session, ApprovalPolicy, policy_id, version, "approval_policy")
        ctx.session.delete(row)
        ctx.session.flush()
        audit_event(ctx.session, ctx.origin, "workflow.policy_deleted", ctx.now,
                    object="approval_policy", record_id=policy_id, reason=why, before=before)
