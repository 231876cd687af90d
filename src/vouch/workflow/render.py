"""How a request is shown, to whom: who may see it at all, the record's name only to those
who may view the record (the engine decides), the explanation attached to a problem report
only to those who handle it, and what the viewer may do with it now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from vouch.access.admin import CONFIG_READERS
from vouch.access.admin.rendering import iso
from vouch.access.engine import object_field_levels
from vouch.access.models import Role
from vouch.access.query import filtered_select
from vouch.catalog import FieldLevel, get_object
from vouch.context import RequestContext
from vouch.errors import NotFound
from vouch.org.models import User
from vouch.records.models import model_for
from vouch.workflow import approvers
from vouch.workflow.common import role_brief, user_brief, users_brief
from vouch.workflow.models import AccessRequest, RequestDecision

OPEN = ("pending", "changes_requested")
SHOWN_APPROVERS = 50


def record_names(ctx: RequestContext, obj: str, ids: Iterable[int]) -> dict[int, str]:
    """The names (title field) of the records the actor may view and whose title they may
    read; the others are left out (a request can name a record by id only)."""
    wanted = sorted(set(ids))
    odef = get_object(obj)
    if not wanted or not ctx.profile.access(obj, "view").granted:
        return {}
    if object_field_levels(ctx.profile, obj)[odef.title_field].level.rank < FieldLevel.READ.rank:
        return {}
    model = model_for(obj)
    rows = ctx.session.execute(filtered_select(ctx.profile, obj, "view", ctx.now, model.id,
                                               getattr(model, odef.title_field))
                               .where(model.id.in_(wanted)))
    return {int(rid): str(title) for rid, title in rows if title is not None}


def is_handler(ctx: RequestContext) -> bool:
    return any(p in ctx.profile.permissions for p in CONFIG_READERS)


def may_see(ctx: RequestContext, req: AccessRequest) -> bool:
    """The requester, the beneficiary, whoever may decide the current step, whoever decided
    a step of it, and those who read access configuration (manage_roles, view_audit)."""
    uid = ctx.actor_id
    if uid in (req.requester_id, req.beneficiary_id) or is_handler(ctx):
        return True
    if req.status == "pending" and approvers.refusal(ctx.session, req, ctx.profile,
                                                     ctx.now) is None:
        return True
    return ctx.session.scalar(select(RequestDecision.id).where(
        RequestDecision.request_id == req.id, RequestDecision.actor_id == uid).limit(1)
    ) is not None


def visible_request(ctx: RequestContext, request_id: int) -> AccessRequest:
    req = ctx.session.get(AccessRequest, request_id)
    if req is None or not may_see(ctx, req):
        raise NotFound("access_request", request_id)
    return req


def _step_dict(ctx: RequestContext, req: AccessRequest, i: int, spec: dict[str, Any],
               decided: dict[int, RequestDecision]) -> dict[str, Any]:
    state = ("done" if i < req.current_step or (i == req.current_step
                                               and req.status == "approved")
             else "current" if i == req.current_step and req.status in OPEN else "waiting")
    out: dict[str, Any] = {
        "index": i, "approver": spec.get("approver"), "permission": spec.get("permission"),
        "role": role_brief(ctx.session.get(Role, spec["role_id"]))
        if spec.get("role_id") else None,
        "user": user_brief(ctx.session.get(User, spec["user_id"]))
        if spec.get("user_id") else None,
        "via": spec.get("via"), "escalated": bool(spec.get("escalated")), "state": state,
        "decided_by": None, "decided_at": None,
    }
    if i in decided:
        out["decided_by"] = user_brief(ctx.session.get(User, decided[i].actor_id))
        out["decided_at"] = iso(decided[i].at)
    return out


def _context(ctx: RequestContext, req: AccessRequest) -> dict[str, Any]:
    context = dict(req.context or {})
    context.pop("policy", None)
    if ctx.actor_id == req.requester_id and not is_handler(ctx):
        context.pop("explanation", None)  # a report's requester sees what they sent
    return context


def _history(ctx: RequestContext, req: AccessRequest) -> list[dict[str, Any]]:
    rows = list(ctx.session.scalars(select(RequestDecision).where(
        RequestDecision.request_id == req.id).order_by(RequestDecision.id)))
    actors = {u["id"]: u for u in users_brief(ctx.session,
                                              [d.actor_id for d in rows if d.actor_id])}
    return [{"step": d.step, "decision": d.decision, "reason": d.reason, "at": iso(d.at),
             "actor": actors.get(d.actor_id) if d.actor_id else None} for d in rows]


def _decided_steps(ctx: RequestContext, req: AccessRequest) -> dict[int, RequestDecision]:
    """The approval of each step in the current submission."""
    out: dict[int, RequestDecision] = {}
    for d in ctx.session.scalars(select(RequestDecision).where(
            RequestDecision.request_id == req.id).order_by(RequestDecision.id)):
        if d.decision == "resubmitted":
            out.clear()
        elif d.decision == "approved":
            out[d.step] = d
    return out


def request_dict(ctx: RequestContext, req: AccessRequest, *, detail: bool = False,
                 names: dict[tuple[str, int], str] | None = None) -> dict[str, Any]:
    refusal = approvers.refusal(ctx.session, req, ctx.profile, ctx.now)
    mine = ctx.actor_id == req.requester_id
    record_name = None
    if req.object and req.record_id:
        if names is not None:
            record_name = names.get((req.object, req.record_id))
        else:
            record_name = record_names(ctx, req.object, [req.record_id]).get(req.record_id)
    context = req.context or {}
    decided = _decided_steps(ctx, req)
    out: dict[str, Any] = {
        "id": req.id, "kind": req.kind, "status": req.status,
        "requester": user_brief(ctx.session.get(User, req.requester_id)),
        "beneficiary": user_brief(ctx.session.get(User, req.beneficiary_id)),
        "role": role_brief(ctx.session.get(Role, req.role_id)) if req.role_id else None,
        "object": req.object, "record_id": req.record_id, "record_name": record_name,
        "access": req.access, "ends_at": iso(req.ends_at), "days": context.get("days"),
        "reason": req.reason, "context": _context(ctx, req),
        "steps": [_step_dict(ctx, req, i, dict(s), decided)
                  for i, s in enumerate(req.steps or [])],
        "current_step": req.current_step, "step_due_at": iso(req.step_due_at),
        "created_at": iso(req.created_at), "updated_at": iso(req.updated_at),
        "decided_at": iso(req.decided_at), "version": req.version,
        "can": {"approve": refusal is None, "reject": refusal is None,
                "request_changes": refusal is None,
                "withdraw": mine and req.status in OPEN,
                "resubmit": mine and req.status == "changes_requested"},
        "refusal": refusal if req.status == "pending" else None,
    }
    if detail:
        out["history"] = _history(ctx, req)
        ids = (approvers.eligible(ctx.session, req, ctx.now)
               if req.status == "pending" else set())
        out["current_approvers"] = users_brief(ctx.session, sorted(ids)[:SHOWN_APPROVERS])
        out["current_approver_count"] = len(ids)
    return out


def names_for(ctx: RequestContext, reqs: Iterable[AccessRequest]) -> dict[tuple[str, int], str]:
    """Record names of a list of requests, one query per object."""
    by_object: dict[str, set[int]] = {}
    for r in reqs:
        if r.object and r.record_id:
            by_object.setdefault(r.object, set()).add(r.record_id)
    return {(o, rid): name for o, ids in by_object.items()
            for rid, name in record_names(ctx, o, ids).items()}
