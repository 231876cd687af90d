"""Making requests — for a role (optionally for a time), for access to one record, a report
of a problem with one's access, and (two-person rule) an administrator's direct grant — and
reading them: one request, my requests, what I may approve, every request (administrators).

A role request follows the role's approval policy; a record request has two steps: the
requester's manager, then someone the engine lets `share` the record. A problem report and
a direct grant wait for a holder of `manage_roles`. The requester may know only a record's
id: whether it exists is never told to them (a request for a missing record simply finds no
one who may share it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from vouch.access.admin import (
    CONFIG_READERS,
    MAX_REASON,
    admin_change,
    clean_reason,
    clean_text,
    is_db_id,
    require_any,
)
from vouch.access.engine import explain
from vouch.access.models import Role
from vouch.access.service import load_record_facts, profile_for
from vouch.catalog import ACTIONS, OBJECT_ACTIONS, OBJECT_MAP, OBJECT_NAMES, SYSTEM_PERMISSIONS
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid
from vouch.org.models import User
from vouch.workflow import approvers
from vouch.workflow.common import active_assignment, audit_event, role_brief, user_brief
from vouch.workflow.deadlines import sweep_due
from vouch.workflow.models import AccessRequest
from vouch.workflow.notifications import notify
from vouch.workflow.policies import (
    FINAL_ADMIN_STEP,
    EffectivePolicy,
    default_policy,
    effective_dict,
    policy_for_role,
)
from vouch.workflow.preconditions import Check, failing, record_checks, record_held, role_checks
from vouch.workflow.render import OPEN, names_for, request_dict, visible_request
from vouch.workflow.workflow_errors import preconditions_failed

MAX_DAYS = 3650
ACCESS = ("read", "read_write")
RECORD_STEPS: list[dict[str, Any]] = [{"approver": "manager"}, {"approver": "record_sharer"}]
ADMIN_STEPS: list[dict[str, Any]] = [dict(FINAL_ADMIN_STEP)]


# --- input -------------------------------------------------------------------------------------


def _time_limit(ctx: RequestContext, ends_at: datetime | None, days: object,
                max_days: int | None) -> tuple[datetime | None, int | None]:
    """(end instant as of now, days counted from approval): `days` or `ends_at`, not both;
    a policy with max_days needs one, within it."""
    if ends_at is not None and days is not None:
        raise Invalid("give ends_at or days, not both", field="days",
                      type=ErrorType.EXACTLY_ONE, options=["ends_at", "days"])
    if days is not None:
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            raise Invalid(f"days must be 1 to {MAX_DAYS}", field="days", type=ErrorType.RANGE,
                          min=1, max=MAX_DAYS)
        if max_days is not None and days > max_days:
            raise Invalid(f"days: this role is granted for at most {max_days} days",
                          field="days", type=ErrorType.RANGE, min=1, max=max_days)
        return ctx.now + timedelta(days=days), days
    if ends_at is not None:
        if ends_at.tzinfo is None:
            raise Invalid("ends_at needs a time zone", field="ends_at", type=ErrorType.TIMEZONE)
        ends_at = ends_at.astimezone(UTC)
        if ends_at <= ctx.now:
            raise Invalid("ends_at must be in the future", field="ends_at",
                          type=ErrorType.FUTURE)
        if max_days is not None and ends_at > ctx.now + timedelta(days=max_days):
            raise Invalid(f"ends_at: this role is granted for at most {max_days} days",
                          field="ends_at", type=ErrorType.FUTURE,
                          max=(ctx.now + timedelta(days=max_days)).isoformat())
        return ends_at, None
    if max_days is not None:
        raise Invalid(f"days: this role is granted only for a limited time (at most "
                      f"{max_days} days): give days or ends_at", field="days",
                      type=ErrorType.REQUIRED, max=max_days)
    return None, None


def _role(ctx: RequestContext, role_id: object) -> Role:
    if role_id is None:
        raise Invalid("role_id is required for a role request", field="role_id",
                      type=ErrorType.REQUIRED)
    role = ctx.session.get(Role, role_id) if is_db_id(role_id) else None
    if role is None:
        raise Invalid(f"role_id: no role {role_id!r}", field="role_id", type=ErrorType.NO_SUCH,
                      kind="role", id=role_id)
    return role


def _refuse_fields(values: Mapping[str, Any], names: tuple[str, ...], kind: str) -> None:
    for name in names:
        if values.get(name) is not None:
            raise Invalid(f"{name} is not part of a {kind} request", field=name,
                          type=ErrorType.NOT_ALLOWED)


def _record_target(values: Mapping[str, Any]) -> tuple[str, int, str]:
    obj, record_id, access = values.get("object"), values.get("record_id"), values.get("access")
    if obj not in OBJECT_NAMES:
        raise Invalid(f"object must be one of {', '.join(OBJECT_NAMES)}", field="object",
                      type=ErrorType.CHOICE, choices=list(OBJECT_NAMES))
    if not is_db_id(record_id):
        raise Invalid("record_id is required: the id of the record", field="record_id",
                      type=ErrorType.REQUIRED)
    if access not in ACCESS:
        raise Invalid("access must be read or read_write", field="access",
                      type=ErrorType.CHOICE, choices=list(ACCESS))
    assert isinstance(obj, str) and isinstance(record_id, int)
    return obj, record_id, str(access)


def _pending_twin(ctx: RequestContext, beneficiary_id: int, kind: str,
                  role_id: int | None = None, obj: str | None = None,
                  record_id: int | None = None, exclude: int | None = None) -> int | None:
    stmt = select(AccessRequest.id).where(
        AccessRequest.beneficiary_id == beneficiary_id, AccessRequest.kind == kind,
        AccessRequest.status.in_(OPEN))
    if role_id is not None:
        stmt = stmt.where(AccessRequest.role_id == role_id)
    if obj is not None:
        stmt = stmt.where(AccessRequest.object == obj, AccessRequest.record_id == record_id)
    if exclude is not None:
        stmt = stmt.where(AccessRequest.id != exclude)
    return ctx.session.scalars(stmt.limit(1)).first()


def _refuse_twin(twin: int | None) -> None:
    if twin is not None:
        raise Conflict(f"you have an open request for this already (request {twin})",
                       {"request_id": twin}, type=ErrorType.REQUEST_OPEN)


# --- evaluation shared by making, checking and resubmitting ------------------------------------


class Evaluation:
    """A role or record request as it would be made now by the actor."""

    def __init__(self) -> None:
        self.role: Role | None = None
        self.obj: str | None = None
        self.record_id: int | None = None
        self.access: str | None = None
        self.policy: EffectivePolicy | None = None
        self.checks: list[Check] = []
        self.held_assignment: int | None = None
        self.held_record = False
        self.ends_at: datetime | None = None
        self.days: int | None = None


def evaluate(ctx: RequestContext, kind: object, values: Mapping[str, Any]) -> Evaluation:
    me = ctx.session.get(User, ctx.actor_id)
    assert me is not None
    ev = Evaluation()
    if kind == "role":
        _refuse_fields(values, ("object", "record_id", "access"), "role")
        ev.role = _role(ctx, values.get("role_id"))
        ev.policy = policy_for_role(ctx.session, ev.role.id)
        ev.ends_at, ev.days = _time_limit(ctx, values.get("ends_at"), values.get("days"),
                                          ev.policy.max_days)
        ev.checks = role_checks(ctx.session, me, ev.role, ev.policy, ctx.now)
        held = active_assignment(ctx.session, me.id, ev.role.id, ctx.now)
        ev.held_assignment = held.id if held is not None else None
    elif kind == "record":
        _refuse_fields(values, ("role_id", "days"), "record")
        ev.obj, ev.record_id, ev.access = _record_target(values)
        ev.policy = default_policy(ctx.session)
        ev.ends_at, ev.days = _time_limit(ctx, values.get("ends_at"), None, None)
        ev.checks = record_checks(ctx.profile, ev.obj, ev.access)
        ev.held_record = record_held(ctx.session, ctx.profile, ev.obj, ev.record_id,
                                     ev.access, ctx.now)
    else:
        raise Invalid("kind must be role or record", field="kind", type=ErrorType.CHOICE,
                      choices=["role", "record"])
    return ev


def _refuse_held(ctx: RequestContext, ev: Evaluation) -> None:
    if ev.held_assignment is not None:
        assert ev.role is not None
        raise Conflict(f"you hold {ev.role.key} already (assignment {ev.held_assignment})",
                       {"assignment_id": ev.held_assignment, "field": "role_id",
                        "code": "already_held"}, type=ErrorType.ALREADY_HOLDS)
    if ev.held_record:
        raise Conflict(f"you have this access to {ev.obj} {ev.record_id} already",
                       {"object": ev.obj, "record_id": ev.record_id, "field": "record_id",
                        "code": "already_held"}, type=ErrorType.ALREADY_HOLDS)


def _policy_context(p: EffectivePolicy) -> dict[str, Any]:
    return {"source": p.source, "policy_id": p.policy_id,
            "step_deadline_hours": p.step_deadline_hours, "on_deadline": p.on_deadline}


def start_steps(ctx: RequestContext, req: AccessRequest, raw: list[dict[str, Any]],
                beneficiary: User) -> None:
    """Resolve the chain for the beneficiary and open step 0 with its deadline."""
    steps = [approvers.resolve(ctx.session, s, beneficiary) or dict(s) for s in raw]
    req.steps, req.current_step = steps, 0
    ctx.session.flush()
    steps[0] = approvers.settle(ctx.session, req, raw[0], beneficiary, ctx.now)
    req.steps = list(steps)
    hours = int((req.context or {}).get("policy", {}).get("step_deadline_hours", 72))
    req.step_due_at = ctx.now + timedelta(hours=hours)


def notify_approvers(ctx: RequestContext, req: AccessRequest, escalated: bool = False) -> None:
    ids = approvers.eligible(ctx.session, req, ctx.now)
    kind = "problem.reported" if req.kind == "problem" else "request.to_approve"
    notify(ctx.session, ids, kind, summary(ctx, req) | {"escalated": escalated}, ctx.now)


def summary(ctx: RequestContext, req: AccessRequest) -> dict[str, Any]:
    """What a notification or an audit event says about a request (no record data)."""
    return {"request_id": req.id, "request_kind": req.kind, "status": req.status,
            "requester": user_brief(ctx.session.get(User, req.requester_id)),
            "beneficiary": user_brief(ctx.session.get(User, req.beneficiary_id)),
            "role": role_brief(ctx.session.get(Role, req.role_id)) if req.role_id else None,
            "object": req.object, "record_id": req.record_id, "access": req.access,
            "ends_at": req.ends_at.isoformat() if req.ends_at else None,
            "step": req.current_step}


# --- use cases ---------------------------------------------------------------------------------


def check_request(ctx: RequestContext, kind: object, values: Mapping[str, Any]
                  ) -> dict[str, Any]:
    """A dry run: every precondition with pass or fail, whether it is held already, and
    the approver chain it would follow. Nothing is written."""
    ev = evaluate(ctx, kind, values)
    me = ctx.session.get(User, ctx.actor_id)
    assert me is not None and ev.policy is not None
    raw = ev.policy.steps if kind == "role" else RECORD_STEPS
    twin = _pending_twin(ctx, me.id, str(kind), role_id=ev.role.id if ev.role else None,
                         obj=ev.obj, record_id=ev.record_id)
    steps = []
    for spec in raw:
        resolved = approvers.resolve(ctx.session, spec, me) or dict(spec)
        steps.append({"approver": resolved.get("approver"),
                      "permission": resolved.get("permission"),
                      "role": role_brief(ctx.session.get(Role, resolved["role_id"]))
                      if resolved.get("role_id") else None,
                      "user": user_brief(ctx.session.get(User, resolved["user_id"]))
                      if resolved.get("user_id") else None})
    held = ev.held_assignment is not None or ev.held_record
    return {"ok": not failing(ev.checks) and not held and twin is None,
            "kind": kind, "role": role_brief(ev.role),
            "object": ev.obj, "record_id": ev.record_id, "access": ev.access,
            "preconditions": [c.as_dict() for c in ev.checks],
            "already_held": held, "assignment_id": ev.held_assignment,
            "open_request_id": twin, "ends_at": ev.ends_at.isoformat() if ev.ends_at else None,
            "days": ev.days,
            "policy": effective_dict(ctx.session, ev.policy) if kind == "role" else None,
            "steps": steps}


def create_request(ctx: RequestContext, kind: object, values: Mapping[str, Any],
                   reason: object) -> dict[str, Any]:
    why = clean_reason(reason)
    with admin_change(ctx):
        ev = evaluate(ctx, kind, values)
        _refuse_held(ctx, ev)
        _refuse_twin(_pending_twin(ctx, ctx.actor_id, str(kind),
                                   role_id=ev.role.id if ev.role else None, obj=ev.obj,
                                   record_id=ev.record_id))
        bad = failing(ev.checks)
        if bad:
            raise preconditions_failed(bad, at_approval=False)
        me = ctx.session.get(User, ctx.actor_id)
        assert me is not None and ev.policy is not None
        req = AccessRequest(
            kind=str(kind), status="pending", requester_id=me.id, beneficiary_id=me.id,
            role_id=ev.role.id if ev.role else None, object=ev.obj, record_id=ev.record_id,
            access=ev.access, ends_at=ev.ends_at, reason=why,
            context={"policy": _policy_context(ev.policy), "days": ev.days},
            steps=[], current_step=0, created_at=ctx.now, updated_at=ctx.now, version=1)
        ctx.session.add(req)
        ctx.session.flush()
        start_steps(ctx, req, ev.policy.steps if kind == "role" else RECORD_STEPS, me)
        ctx.session.flush()
        notify_approvers(ctx, req)
        audit_event(ctx.session, ctx.origin, "workflow.request_created", ctx.now,
                    object="access_request", record_id=req.id, reason=why,
                    after=summary(ctx, req))
        return request_dict(ctx, req, detail=True)


def create_grant_request(ctx: RequestContext, user: User, role: Role,
                         expires_at: datetime | None, reason: str) -> dict[str, Any]:
    """Two-person rule: an administrator's direct grant of a role carrying a system
    permission waits for a second holder of manage_roles (inside the caller's
    transaction, after the grant's own checks passed)."""
    _refuse_twin(_pending_twin(ctx, user.id, "grant", role_id=role.id))
    policy = default_policy(ctx.session)
    req = AccessRequest(
        kind="grant", status="pending", requester_id=ctx.actor_id, beneficiary_id=user.id,
        role_id=role.id, ends_at=expires_at, reason=reason,
        context={"policy": _policy_context(policy), "two_person_rule": True},
        steps=[], current_step=0, created_at=ctx.now, updated_at=ctx.now, version=1)
    ctx.session.add(req)
    ctx.session.flush()
    start_steps(ctx, req, ADMIN_STEPS, user)
    ctx.session.flush()
    notify_approvers(ctx, req)
    audit_event(ctx.session, ctx.origin, "workflow.request_created", ctx.now,
                object="access_request", record_id=req.id, reason=reason,
                after=summary(ctx, req), details={"two_person_rule": True})
    return request_dict(ctx, req, detail=True)


def _problem_context(ctx: RequestContext, values: Mapping[str, Any]) -> dict[str, Any]:
    obj, action = values.get("object"), values.get("action")
    field, record_id = values.get("field"), values.get("record_id")
    if obj is not None and obj not in OBJECT_NAMES:
        raise Invalid(f"object must be one of {', '.join(OBJECT_NAMES)}", field="object",
                      type=ErrorType.CHOICE, choices=list(OBJECT_NAMES))
    if action is not None and action not in (*ACTIONS, *SYSTEM_PERMISSIONS):
        raise Invalid("action must be an action or a system permission", field="action",
                      type=ErrorType.CHOICE, choices=[*ACTIONS, *SYSTEM_PERMISSIONS])
    if field is not None:
        if obj is None:
            raise Invalid("field needs object", field="field", type=ErrorType.REQUIRES,
                          requires="object")
        if field not in OBJECT_MAP[str(obj)].field_map:
            raise Invalid(f"field: {obj} has no field {field!r}", field="field",
                          type=ErrorType.UNKNOWN)
    if record_id is not None:
        if obj is None:
            raise Invalid("record_id needs object", field="record_id",
                          type=ErrorType.REQUIRES, requires="object")
        if not is_db_id(record_id):
            raise Invalid("record_id must be a record id", field="record_id",
                          type=ErrorType.RANGE, min=1)
    out: dict[str, Any] = {"object": obj, "action": action, "field": field,
                           "record_id": record_id}
    # The explanation, as the engine gives it, for whoever handles the report (the
    # reporter is not shown it: it may name a record they cannot see).
    if action in SYSTEM_PERMISSIONS and obj is None:
        out["explanation"] = {"permission": action,
                              "allowed": action in ctx.profile.permissions}
    elif action in ACTIONS and obj is not None:
        if record_id is not None and action in OBJECT_ACTIONS:
            raise Invalid(f"{action} is an object action; it concerns no record",
                          field="record_id", type=ErrorType.NOT_ALLOWED)
        record = load_record_facts(ctx.session, str(obj), record_id) if record_id else None
        if record_id is None or record is not None:
            out["explanation"] = explain(ctx.profile, str(obj), str(action), record, ctx.now,
                                         field).as_dict()
        else:
            out["explanation"] = {"record_missing": True}
    return out


def report_problem(ctx: RequestContext, values: Mapping[str, Any], message: object
                   ) -> dict[str, Any]:
    why = clean_text(message, "message", required=True, limit=MAX_REASON)
    assert why is not None
    context = _problem_context(ctx, values)
    with admin_change(ctx):
        me = ctx.session.get(User, ctx.actor_id)
        assert me is not None
        policy = default_policy(ctx.session)
        req = AccessRequest(
            kind="problem", status="pending", requester_id=me.id, beneficiary_id=me.id,
            object=context["object"], record_id=context["record_id"], reason=why,
            context=context | {"policy": _policy_context(policy)}, steps=[],
            current_step=0, created_at=ctx.now, updated_at=ctx.now, version=1)
        ctx.session.add(req)
        ctx.session.flush()
        start_steps(ctx, req, ADMIN_STEPS, me)
        ctx.session.flush()
        notify_approvers(ctx, req)
        audit_event(ctx.session, ctx.origin, "workflow.problem_reported", ctx.now,
                    object="access_request", record_id=req.id, reason=why,
                    after=summary(ctx, req))
        return request_dict(ctx, req, detail=True)


def current_checks(ctx: RequestContext, req: AccessRequest) -> list[dict[str, Any]]:
    """The preconditions as they stand now, for an open role or record request."""
    if req.status not in OPEN:
        return []
    user = ctx.session.get(User, req.beneficiary_id)
    if user is None:
        return []
    if req.kind == "role" and req.role_id is not None:
        role = ctx.session.get(Role, req.role_id)
        if role is not None:
            policy = policy_for_role(ctx.session, role.id)
            return [c.as_dict() for c in role_checks(ctx.session, user, role, policy,
                                                     ctx.now)]
    if req.kind == "record" and req.object and req.access:
        profile = profile_for(ctx.session, user.id, ctx.now)
        return [c.as_dict() for c in record_checks(profile, req.object, req.access)]
    return []


def get_request(ctx: RequestContext, request_id: int) -> dict[str, Any]:
    sweep_due(ctx)
    req = visible_request(ctx, request_id)
    return request_dict(ctx, req, detail=True) | {"preconditions": current_checks(ctx, req)}


def _status_filter(status: str | None) -> tuple[str, ...] | None:
    if status is None or status == "all":
        return None
    if status == "open":
        return OPEN
    if status == "closed":
        return ("approved", "rejected", "withdrawn", "expired")
    known = ("pending", "changes_requested", "approved", "rejected", "withdrawn", "expired")
    if status not in known:
        raise Invalid("status must be open, closed, all or one of " + ", ".join(known),
                      field="status", type=ErrorType.CHOICE,
                      choices=["open", "closed", "all", *known])
    return (status,)


def _page(ctx: RequestContext, stmt: Any, limit: int | None, cursor: str | None
          ) -> dict[str, Any]:
    """Newest first; the cursor is the last id of the previous page."""
    size = 50 if limit is None else limit
    if not 1 <= size <= 200:
        raise Invalid("limit must be 1 to 200", field="limit", type=ErrorType.RANGE, min=1,
                      max=200)
    if cursor:
        if not cursor.isdigit() or len(cursor) > 12:
            raise Invalid("cursor is not one this API gave out", field="cursor",
                          type=ErrorType.CURSOR)
        stmt = stmt.where(AccessRequest.id < int(cursor))
    rows = list(ctx.session.scalars(stmt.order_by(AccessRequest.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    names = names_for(ctx, rows)
    return {"items": [request_dict(ctx, r, names=names) for r in rows],
            "next_cursor": str(rows[-1].id) if more and rows else None}


def my_requests(ctx: RequestContext, *, status: str | None = None, limit: int | None = None,
                cursor: str | None = None) -> dict[str, Any]:
    """Requests I made or that would give me access."""
    sweep_due(ctx)
    stmt = select(AccessRequest).where(or_(AccessRequest.requester_id == ctx.actor_id,
                                           AccessRequest.beneficiary_id == ctx.actor_id))
    wanted = _status_filter(status)
    if wanted:
        stmt = stmt.where(AccessRequest.status.in_(wanted))
    return _page(ctx, stmt, limit, cursor)


def list_requests(ctx: RequestContext, *, status: str | None = None, kind: str | None = None,
                  user_id: int | None = None, limit: int | None = None,
                  cursor: str | None = None) -> dict[str, Any]:
    """Every request (manage_roles or view_audit)."""
    require_any(ctx, *CONFIG_READERS)
    sweep_due(ctx)
    stmt = select(AccessRequest)
    wanted = _status_filter(status)
    if wanted:
        stmt = stmt.where(AccessRequest.status.in_(wanted))
    if kind is not None:
        if kind not in ("role", "record", "problem", "grant"):
            raise Invalid("kind must be role, record, problem or grant", field="kind",
                          type=ErrorType.CHOICE, choices=["role", "record", "problem", "grant"])
        stmt = stmt.where(AccessRequest.kind == kind)
    if user_id is not None:
        stmt = stmt.where(or_(AccessRequest.requester_id == user_id,
                              AccessRequest.beneficiary_id == user_id))
    return _page(ctx, stmt, limit, cursor)


def approvable(ctx: RequestContext) -> list[AccessRequest]:
    """Pending requests whose current step I may decide, the most urgent first."""
    pending = ctx.session.scalars(select(AccessRequest).where(
        AccessRequest.status == "pending",
        AccessRequest.requester_id != ctx.actor_id,
        AccessRequest.beneficiary_id != ctx.actor_id)
        .order_by(AccessRequest.step_due_at, AccessRequest.id))
    return [r for r in pending
            if approvers.refusal(ctx.session, r, ctx.profile, ctx.now) is None]


def approvals(ctx: RequestContext) -> dict[str, Any]:
    sweep_due(ctx)
    rows = approvable(ctx)
    names = names_for(ctx, rows)
    counts = {k: 0 for k in ("role", "record", "problem", "grant")}
    for r in rows:
        counts[r.kind] += 1
    return {"items": [request_dict(ctx, r, names=names) for r in rows],
            "counts": counts | {"total": len(rows)}}


def my_open_count(ctx: RequestContext) -> int:
    return int(ctx.session.scalar(select(func.count()).select_from(AccessRequest).where(
        AccessRequest.requester_id == ctx.actor_id, AccessRequest.status.in_(OPEN))) or 0)


def withdraw_open_requests_of(ctx: RequestContext, user_id: int, reason: str) -> list[int]:
    """End every open request the user made or would benefit from (deactivation), inside
    the caller's transaction; returns their ids."""
    rows = list(ctx.session.scalars(select(AccessRequest).where(
        or_(AccessRequest.requester_id == user_id, AccessRequest.beneficiary_id == user_id),
        AccessRequest.status.in_(OPEN))))
    from vouch.workflow.decisions import close_request

    for req in rows:
        close_request(ctx, req, "withdrawn", reason)
    return [r.id for r in rows]

