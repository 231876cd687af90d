"""Step deadlines: a pending request past its step's deadline escalates to the next
approver in line (with a fresh deadline counted from the one that passed) or expires, as
its policy said when it was made. No scheduler is needed: the reads and decisions that
touch requests process what is due first, and `vouch workflow sweep` does it for all."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.audit.service import SYSTEM, Origin
from vouch.context import RequestContext
from vouch.org.models import User
from vouch.workflow import approvers
from vouch.workflow.common import audit_event, user_brief
from vouch.workflow.models import AccessRequest, RequestDecision
from vouch.workflow.notifications import notify

MAX_ESCALATIONS = 20  # per processing: a chain is at most the four places of the line


def _payload(session: Session, req: AccessRequest) -> dict[str, object]:
    return {"request_id": req.id, "request_kind": req.kind, "status": req.status,
            "requester": user_brief(session.get(User, req.requester_id)),
            "beneficiary": user_brief(session.get(User, req.beneficiary_id)),
            "role_id": req.role_id, "object": req.object, "record_id": req.record_id,
            "step": req.current_step}


def _expire(session: Session, req: AccessRequest, due: datetime, now: datetime,
            origin: Origin) -> None:
    req.status, req.decided_at, req.updated_at = "expired", due, now
    req.version += 1
    session.add(RequestDecision(request_id=req.id, step=req.current_step, actor_id=None,
                                decision="expired", reason="deadline passed", at=due))
    session.flush()
    notify(session, {req.requester_id, req.beneficiary_id}, "request.expired",
           _payload(session, req), now)
    audit_event(session, origin, "workflow.request_expired", now, object="access_request",
                record_id=req.id, details={"deadline": due.isoformat()})


def process_request(session: Session, req: AccessRequest, now: datetime,
                    origin: Origin = SYSTEM) -> bool:
    """Apply every deadline of the request that passed by `now`; True when it changed."""
    changed = False
    policy = (req.context or {}).get("policy", {})
    hours = int(policy.get("step_deadline_hours", 72))
    for _ in range(MAX_ESCALATIONS):
        due = req.step_due_at
        if req.status != "pending" or due is None or due > now:
            break
        changed = True
        if policy.get("on_deadline") == "expire":
            _expire(session, req, due, now, origin)
            break
        beneficiary = session.get(User, req.beneficiary_id)
        spec = approvers.current_spec(req)
        following = (approvers.next_in_line(session, req, spec, beneficiary, now)
                     if beneficiary is not None and spec is not None else None)
        if following is None:  # the end of the line
            _expire(session, req, due, now, origin)
            break
        steps = list(req.steps)
        steps[req.current_step] = following
        req.steps = steps
        req.step_due_at = due + timedelta(hours=hours)
        req.updated_at = now
        req.version += 1
        session.add(RequestDecision(request_id=req.id, step=req.current_step, actor_id=None,
                                    decision="escalated", reason="deadline passed", at=due))
        session.flush()
        notify(session, approvers.eligible(session, req, now), "request.to_approve",
               _payload(session, req) | {"escalated": True}, now)
        audit_event(session, origin, "workflow.request_escalated", now,
                    object="access_request", record_id=req.id,
                    details={"deadline": due.isoformat(), "step": req.current_step,
                             "to": following})
    return changed


def due_ids(session: Session, now: datetime, request_id: int | None = None) -> list[int]:
    stmt = select(AccessRequest.id).where(AccessRequest.status == "pending",
                                          AccessRequest.step_due_at <= now)
    if request_id is not None:
        stmt = stmt.where(AccessRequest.id == request_id)
    return list(session.scalars(stmt.order_by(AccessRequest.id)))


def process_due(session: Session, now: datetime, request_id: int | None = None,
                origin: Origin = SYSTEM) -> int:
    """Inside the caller's (serialised) transaction; returns how many requests changed."""
    changed = 0
    for rid in due_ids(session, now, request_id):
        req = session.get(AccessRequest, rid)
        if req is not None and process_request(session, req, now, origin):
            changed += 1
    return changed


def sweep_due(ctx: RequestContext) -> int:
    """What reads do first: a cheap look, and only when something is due a serialised
    transaction of its own (re-reading after the lock, so two readers never both act)."""
    if not due_ids(ctx.session, ctx.now):
        return 0
    from vouch.access.admin import admin_change

    origin = Origin(None, ctx.ip, ctx.user_agent, ctx.request_id, "system")
    with admin_change(ctx):
        return process_due(ctx.session, ctx.now, origin=origin)
