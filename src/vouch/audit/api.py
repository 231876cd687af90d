"""/audit: read, export and verify the audit log (system permission view_audit)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from vouch.audit import service as audit
from vouch.audit.models import AuditEvent
from vouch.audit.verify import verify_chain
from vouch.deps import Ctx, engine_of
from vouch.errors import Invalid

router = APIRouter(prefix="/audit", tags=["audit"])
MAX_PAGE = 500
SeqId = Annotated[int | None, Query(ge=0, le=2**62)]


def event_dict(ev: AuditEvent) -> dict[str, Any]:
    return {"seq": ev.seq, "at": ev.at, "actor_id": ev.actor_id, "actor": ev.actor,
            "ip": ev.ip, "user_agent": ev.user_agent, "request_id": ev.request_id,
            "action": ev.action, "object": ev.object, "record_id": ev.record_id,
            "reason": ev.reason, "before": ev.before, "after": ev.after,
            "details": ev.details, "prev_hash": ev.prev_hash, "hash": ev.hash}


def _filtered(actor: int | None, action: str | None, object: str | None,
              record: str | None, from_: datetime | None, to: datetime | None
              ) -> Select[tuple[AuditEvent]]:
    if from_ and to and from_ > to:
        raise Invalid("from must not be after to", field="from")
    for name, value in (("action", action), ("object", object), ("record", record)):
        if value and "\x00" in value:  # PostgreSQL text cannot hold NUL
            raise Invalid(f"{name} contains a NUL character", field=name)
    q = select(AuditEvent)
    if actor is not None:
        q = q.where(AuditEvent.actor_id == actor)
    if action:
        # "record." matches a family of actions; otherwise the exact action.
        q = q.where(AuditEvent.action.startswith(action, autoescape=True)
                    if action.endswith(".") else AuditEvent.action == action)
    if object:
        q = q.where(AuditEvent.object == object)
    if record:
        q = q.where(AuditEvent.record_id == record)
    if from_:
        q = q.where(AuditEvent.at >= from_)
    if to:
        q = q.where(AuditEvent.at < to)
    return q


Actor = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="actor user id")]
Action = Annotated[str | None, Query(max_length=60,
                                     description="an action, or a family ending in '.'")]
Obj = Annotated[str | None, Query(max_length=40)]
Rec = Annotated[str | None, Query(max_length=64)]
From = Annotated[AwareDatetime | None, Query(alias="from")]
To = Annotated[AwareDatetime | None, Query()]


@router.get("/events", summary="Audit events, newest first (view_audit)")
def events(ctx: Ctx, actor: Actor = None, action: Action = None, object: Obj = None,
           record: Rec = None, from_: From = None, to: To = None,
           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
           before_seq: SeqId = None) -> dict[str, Any]:
    ctx.require("view_audit")
    q = _filtered(actor, action, object, record, from_, to)
    if before_seq is not None:
        q = q.where(AuditEvent.seq < before_seq)
    rows = list(ctx.session.scalars(q.order_by(AuditEvent.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [event_dict(e) for e in rows],
            "next_before_seq": rows[-1].seq if more else None}


@router.get("/events/{seq}", summary="One audit event (view_audit)")
def event(seq: Annotated[int, Path(ge=1, le=2**62)], ctx: Ctx) -> dict[str, Any]:
    from vouch.errors import NotFound

    ctx.require("view_audit")
    ev = ctx.session.get(AuditEvent, seq)
    if ev is None:
        raise NotFound("audit_event", seq)
    return event_dict(ev)


@router.get("/export", summary="Audit events as JSON Lines, oldest first (view_audit)",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export(ctx: Ctx, request: Request, actor: Actor = None, action: Action = None,
           object: Obj = None, record: Rec = None, from_: From = None,
           to: To = None) -> StreamingResponse:
    ctx.require("view_audit")
    q = _filtered(actor, action, object, record, from_, to)
    filters = {"actor": actor, "action": action, "object": object, "record": record,
               "from": from_, "to": to}
    # The export itself is an event (written before streaming starts).
    audit.record(ctx.session, ctx.origin, "audit.export", details={"filter": filters},
                 at=ctx.now)
    ctx.session.commit()
    engine = engine_of(request)

    def batch(session: Session, after: int) -> list[AuditEvent]:
        return list(session.scalars(q.where(AuditEvent.seq > after)
                                    .order_by(AuditEvent.seq).limit(1000)))

    # The first batch is read before the answer starts, so a failing query is an error
    # status rather than a 200 with a short file; a later failure aborts the stream (the
    # client sees an incomplete chunked body, not a complete-looking one).
    first = batch(ctx.session, 0)

    def lines() -> Iterator[bytes]:
        rows = first
        with Session(engine) as session:
            while rows:
                for ev in rows:
                    yield (json.dumps(event_dict(ev), default=_default, ensure_ascii=False)
                           + "\n").encode("utf-8")
                rows = batch(session, rows[-1].seq)

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers={
        "Content-Disposition": 'attachment; filename="vouch-audit.jsonl"'})


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


@router.get("/verify", summary="Recompute the hash chain and name the first broken event "
                               "(view_audit)")
def verify(ctx: Ctx, request: Request) -> dict[str, Any]:
    ctx.require("view_audit")
    return verify_chain(engine_of(request)).as_dict()
