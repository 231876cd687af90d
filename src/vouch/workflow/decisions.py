"""Deciding requests: approve a step, reject, ask for changes, withdraw, resubmit.

Each decision is one serialised transaction that first applies any passed deadline, then
claims the request's version (a stale one is a 409), checks who decides (separation of
duties), writes the decision to the history and the audit log, and notifies. The final
approval re-checks the preconditions (a failure is a 409 listing them; the request stays
pending) and creates the grant — a role assignment until `ends_at`, or a share of the
record with the beneficiary — in the same transaction, linked to the request, moving the
policy version.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from vouch.access.admin import admin_change, claim_version, clean_reason, log_change
from vouch.access.admin.assignments import assignment_dict
from vouch.access.models import Role, RoleAssignment, Share
from vouch.access.service import bump_policy_version, load_record_facts, profile_for
from vouch.audit import service as audit
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType
from vouch.org.models import User
from vouch.records.sharing import share_dict
from vouch.workflow import approvers
from vouch.workflow.common import active_assignment, audit_event
from vouch.workflow.deadlines import process_due
from vouch.workflow.models import AccessRequest, RequestDecision
from vouch.workflow.notifications import notify
from vouch.workflow.policies import EffectivePolicy, default_policy, policy_for_role
from vouch.workflow.preconditions import (
    Check,
    failing,
    record_checks,
    record_held,
    role_checks,
)
from vouch.workflow.render import OPEN, request_dict, visible_request
from vouch.workflow.requests import (
    ADMIN_STEPS,
    RECORD_STEPS,
    _pending_twin,
    _refuse_held,
    _refuse_twin,
    evaluate,
    notify_approvers,
    start_steps,
    summary,
)
from vouch.workflow.workflow_errors import DecisionRefused, not_open, preconditions_failed

NO_REASON = None


def _open_for_decision(ctx: RequestContext, request_id: int, version: object) -> AccessRequest:
    """Inside the decision's transaction: deadlines applied, visible (else 404), version
    claimed (else 409), fresh."""
    process_due(ctx.session, ctx.now, request_id)
    req = visible_request(ctx, request_id)
    if req.status not in OPEN:
        raise not_open(req.id, req.status)
    claim_version(ctx.session, AccessRequest, req.id, version, "access_request")
    ctx.session.refresh(req)
    return req


def _decider(ctx: RequestContext, req: AccessRequest) -> None:
    why = approvers.refusal(ctx.session, req, ctx.profile, ctx.now)
    if why == "not_pending":
        raise not_open(req.id, req.status)
    if why is not None:
        raise DecisionRefused(req.id, why)


def _log(ctx: RequestContext, req: AccessRequest, decision: str, reason: str | None,
         action: str) -> None:
    ctx.session.add(RequestDecision(request_id=req.id, step=req.current_step,
                                    actor_id=ctx.actor_id, decision=decision, reason=reason,
                                    at=ctx.now))
    req.updated_at = ctx.now
    ctx.session.flush()
    audit_event(ctx.session, ctx.origin, action, ctx.now, object="access_request",
                record_id=req.id, reason=reason, after=summary(ctx, req),
                details={"decision": decision, "step": req.current_step})


def _people(req: AccessRequest) -> set[int]:
    return {req.requester_id, req.beneficiary_id}


# --- the grant at final approval -------------------------------------------------------------


def _end_of_grant(ctx: RequestContext, req: AccessRequest, checks: list[Check]) -> datetime | None:
    days = (req.context or {}).get("days")
    if isinstance(days, int):
        return ctx.now + timedelta(days=days)  # the days count from the approval
    if req.ends_at is not None and req.ends_at <= ctx.now:
        checks.append(Check("ends_at", False, "ends_at_passed",
                            f"the requested end {req.ends_at.isoformat()} has passed",
                            {"ends_at": req.ends_at.isoformat()}))
    return req.ends_at


def _grant_role(ctx: RequestContext, req: AccessRequest) -> dict[str, Any]:
    user = ctx.session.get(User, req.beneficiary_id)
    role = ctx.session.get(Role, req.role_id) if req.role_id else None
    assert user is not None
    if role is None:
        raise Conflict("the requested role no longer exists", {"id": req.id},
                       type=ErrorType.CONFLICT)
    # A direct grant under the two-person rule carries the administrator's decision: only
    # the checks that hold for every assignment apply, not the role's courses or probation.
    policy: EffectivePolicy = (policy_for_role(ctx.session, role.id) if req.kind == "role"
                               else EffectivePolicy("grant", None, []))
    checks = role_checks(ctx.session, user, role, policy, ctx.now)
    ends = _end_of_grant(ctx, req, checks)
    held = active_assignment(ctx.session, user.id, role.id, ctx.now)
    if held is not None:
        raise Conflict(f"{user.username} holds {role.key} already (assignment {held.id})",
                       {"assignment_id": held.id, "code": "already_held"},
                       type=ErrorType.ALREADY_HOLDS)
    bad = failing(checks)
    if bad:
        raise preconditions_failed(bad, at_approval=True)
    why = f"request {req.id}: {req.reason}"
    row = ctx.session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role_id == role.id)
        .with_for_update()).first()
    before = None
    if row is not None:  # an ended assignment comes back to life
        before = assignment_dict(row, user, role, ctx.now)
        row.granted_by, row.granted_at, row.expires_at = ctx.actor_id, ctx.now, ends
        row.reason, row.request_id = why, req.id
    else:
        row = RoleAssignment(user_id=user.id, role_id=role.id, granted_by=ctx.actor_id,
                             granted_at=ctx.now, expires_at=ends, reason=why,
                             request_id=req.id)
        ctx.session.add(row)
    ctx.session.flush()
    req.ends_at = ends
    after = assignment_dict(row, user, role, ctx.now) | {"request_id": req.id}
    log_change(ctx, "access.assignment_created", "role_assignment", row.id, why,
               before=before, after=after, details={"request_id": req.id})
    return {"assignment_id": row.id}


def _grant_share(ctx: RequestContext, req: AccessRequest) -> dict[str, Any]:
    assert req.object and req.record_id and req.access
    user = ctx.session.get(User, req.beneficiary_id)
    assert user is not None
    if load_record_facts(ctx.session, req.object, req.record_id) is None:
        raise Conflict(f"{req.object} {req.record_id} no longer exists",
                       {"object": req.object, "record_id": req.record_id},
                       type=ErrorType.CONFLICT)
    profile = profile_for(ctx.session, user.id, ctx.now)
    checks = record_checks(profile, req.object, req.access)
    if not user.active:
        checks.append(Check("user", False, "user_inactive", f"{user.username} is deactivated",
                            {"user_id": user.id}))
    ends = _end_of_grant(ctx, req, checks)
    if record_held(ctx.session, profile, req.object, req.record_id, req.access, ctx.now):
        raise Conflict(f"{user.username} has this access already",
                       {"code": "already_held", "object": req.object,
                        "record_id": req.record_id}, type=ErrorType.ALREADY_HOLDS)
    bad = failing(checks)
    if bad:
        raise preconditions_failed(bad, at_approval=True)
    share = Share(object=req.object, record_id=req.record_id, principal_kind="user",
                  principal_id=user.id, access=req.access, shared_by=ctx.actor_id,
                  created_at=ctx.now, expires_at=ends, reason=f"request {req.id}: {req.reason}",
                  request_id=req.id)
    ctx.session.add(share)
    ctx.session.flush()
    bump_policy_version(ctx.session)
    audit.record(ctx.session, ctx.origin, "record.share", object=req.object,
                 record_id=req.record_id, reason=share.reason, after=share_dict(share),
                 details={"request_id": req.id}, at=ctx.now)
    return {"share_id": share.id}


def _finish(ctx: RequestContext, req: AccessRequest) -> dict[str, Any]:
    granted: dict[str, Any] = {}
    if req.kind in ("role", "grant"):
        granted = _grant_role(ctx, req)
    elif req.kind == "record":
        granted = _grant_share(ctx, req)
    req.status, req.decided_at = "approved", ctx.now
    req.context = dict(req.context or {}) | granted
    return granted


# --- decisions -----------------------------------------------------------------------------


def approve(ctx: RequestContext, request_id: int, version: object,
            reason: str | None = None) -> dict[str, Any]:
    note = clean_reason(reason) if reason else None
    with admin_change(ctx):
        req = _open_for_decision(ctx, request_id, version)
        _decider(ctx, req)
        last = req.current_step >= len(req.steps or []) - 1
        if last:
            _finish(ctx, req)
            _log(ctx, req, "approved", note, "workflow.request_approved")
            notify(ctx.session, _people(req), "request.approved",
                   summary(ctx, req) | {"by": ctx.actor_id}, ctx.now)
        else:
            _log(ctx, req, "approved", note, "workflow.step_approved")
            beneficiary = ctx.session.get(User, req.beneficiary_id)
            assert beneficiary is not None
            req.current_step += 1
            steps = list(req.steps)
            steps[req.current_step] = approvers.settle(ctx.session, req,
                                                       steps[req.current_step], beneficiary,
                                                       ctx.now)
            req.steps = steps
            hours = int((req.context or {}).get("policy", {}).get("step_deadline_hours", 72))
            req.step_due_at = ctx.now + timedelta(hours=hours)
            ctx.session.flush()
            notify(ctx.session, _people(req), "request.step_approved",
                   summary(ctx, req) | {"by": ctx.actor_id}, ctx.now)
            notify_approvers(ctx, req)
        ctx.session.flush()
        return request_dict(ctx, req, detail=True)


def _end(ctx: RequestContext, request_id: int, version: object, reason: object,
         status: str) -> dict[str, Any]:
    why = clean_reason(reason)
    with admin_change(ctx):
        req = _open_for_decision(ctx, request_id, version)
        _decider(ctx, req)
        req.status = status
        if status == "rejected":
            req.decided_at = ctx.now
        decision = {"rejected": "rejected", "changes_requested": "changes_requested"}[status]
        _log(ctx, req, decision, why, f"workflow.request_{decision}")
        notify(ctx.session, _people(req), f"request.{decision}",
               summary(ctx, req) | {"by": ctx.actor_id, "reason": why}, ctx.now)
        return request_dict(ctx, req, detail=True)


def reject(ctx: RequestContext, request_id: int, version: object,
           reason: object) -> dict[str, Any]:
    return _end(ctx, request_id, version, reason, "rejected")


def request_changes(ctx: RequestContext, request_id: int, version: object,
                    reason: object) -> dict[str, Any]:
    return _end(ctx, request_id, version, reason, "changes_requested")


def _requester_only(ctx: RequestContext, req: AccessRequest) -> None:
    if ctx.actor_id != req.requester_id:
        raise DecisionRefused(req.id, "not_requester")


def close_request(ctx: RequestContext, req: AccessRequest, status: str, reason: str | None,
                  ) -> None:
    """End an open request without a decision on it (withdrawal, deactivation)."""
    req.status, req.decided_at = status, ctx.now
    req.version += 1
    _log(ctx, req, status, reason, f"workflow.request_{status}")


def withdraw(ctx: RequestContext, request_id: int, version: object,
             reason: str | None = None) -> dict[str, Any]:
    note = clean_reason(reason) if reason else None
    with admin_change(ctx):
        req = _open_for_decision(ctx, request_id, version)
        _requester_only(ctx, req)
        req.status, req.decided_at = "withdrawn", ctx.now
        _log(ctx, req, "withdrawn", note, "workflow.request_withdrawn")
        return request_dict(ctx, req, detail=True)


def resubmit(ctx: RequestContext, request_id: int, version: object, reason: object,
             changes: Mapping[str, Any]) -> dict[str, Any]:
    """After "ask for changes": the requester answers with a new reason (and for a role or
    record, possibly a new end); preconditions are checked again and the chain starts over."""
    why = clean_reason(reason)
    with admin_change(ctx):
        req = _open_for_decision(ctx, request_id, version)
        _requester_only(ctx, req)
        if req.status != "changes_requested":
            raise Conflict(f"request {req.id} is {req.status}: only a request sent back for "
                           "changes is resubmitted", {"id": req.id, "status": req.status},
                           type=ErrorType.REQUEST_OPEN)
        beneficiary = ctx.session.get(User, req.beneficiary_id)
        assert beneficiary is not None
        context = dict(req.context or {})
        if req.kind in ("role", "record"):
            values = {"role_id": req.role_id, "object": req.object, "record_id": req.record_id,
                      "access": req.access} | {k: v for k, v in changes.items()
                                               if k in ("ends_at", "days")}
            if req.kind == "record":
                values.pop("role_id")
                values.pop("days", None)
            ev = evaluate(ctx, req.kind, values)
            _refuse_held(ctx, ev)
            _refuse_twin(_pending_twin(ctx, req.beneficiary_id, req.kind, role_id=req.role_id,
                                       obj=req.object, record_id=req.record_id,
                                       exclude=req.id))
            bad = failing(ev.checks)
            if bad:
                raise preconditions_failed(bad, at_approval=False)
            assert ev.policy is not None
            req.ends_at = ev.ends_at
            context["days"] = ev.days
            raw = ev.policy.steps if req.kind == "role" else RECORD_STEPS
            policy = ev.policy
        else:
            raw, policy = ADMIN_STEPS, default_policy(ctx.session)
        context["policy"] = {"source": policy.source, "policy_id": policy.policy_id,
                             "step_deadline_hours": policy.step_deadline_hours,
                             "on_deadline": policy.on_deadline}
        req.context, req.reason, req.status = context, why, "pending"
        _log(ctx, req, "resubmitted", why, "workflow.request_resubmitted")
        start_steps(ctx, req, raw, beneficiary)
        ctx.session.flush()
        notify_approvers(ctx, req)
        return request_dict(ctx, req, detail=True)
