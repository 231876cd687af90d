"""Manual shares of one record: share it, unshare it, list its shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from vouch.access.models import Share
from vouch.access.service import bump_policy_version
from vouch.audit import service as audit
from vouch.catalog import PrincipalKind, ShareAccess, get_object
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound
from vouch.org.models import Department, User
from vouch.records.use_case import atomic, require_function
from vouch.records.values import MAX_ID, has_nul
from vouch.records.visibility import visible_rows
from vouch.records.writing import load_for_action


def share_record(
    ctx: RequestContext, obj: str, record_id: int, *, principal_kind: str, principal_id: Any,
    access: str, expires_at: datetime | None = None, reason: str | None = None,
) -> dict[str, Any]:
    get_object(obj)
    if principal_kind not in set(PrincipalKind):
        raise Invalid(f"principal_kind must be one of {', '.join(PrincipalKind)}",
                      field="principal_kind", type=ErrorType.CHOICE,
                      choices=list(PrincipalKind))
    if access not in set(ShareAccess):
        raise Invalid("access must be read or read_write", field="access",
                      type=ErrorType.CHOICE, choices=list(ShareAccess))
    if has_nul(reason):
        raise Invalid("reason contains a NUL character", field="reason", type=ErrorType.NUL)
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= ctx.now):
        raise Invalid("expires_at must be a future instant with a time zone", field="expires_at",
                      type=ErrorType.TIMEZONE if expires_at.tzinfo is None
                      else ErrorType.FUTURE)
    with atomic(ctx):
        load_for_action(ctx, obj, record_id, "share")
        _check_principal(ctx, principal_kind, principal_id)
        share = Share(object=obj, record_id=record_id, principal_kind=principal_kind,
                      principal_id=principal_id, access=access, shared_by=ctx.actor_id,
                      created_at=ctx.now, expires_at=expires_at, reason=reason)
        ctx.session.add(share)
        bump_policy_version(ctx.session)
        ctx.session.flush()
        out = share_dict(share)
        audit.record(ctx.session, ctx.origin, "record.share", object=obj, record_id=record_id,
                     reason=reason, after=out, at=ctx.now)
        return out


def _check_principal(ctx: RequestContext, kind: str, pid: Any) -> None:
    from vouch.access.models import Role

    model = {"user": User, "role": Role}.get(kind, Department)
    ok = isinstance(pid, int) and not isinstance(pid, bool) and 1 <= pid <= MAX_ID
    if not ok or ctx.session.get(model, pid) is None:
        raise Invalid(f"principal_id: no {kind} {pid}", field="principal_id",
                      type=ErrorType.NO_SUCH, kind=kind, id=pid)


def share_dict(s: Share) -> dict[str, Any]:
    return {"id": s.id, "object": s.object, "record_id": s.record_id,
            "principal_kind": s.principal_kind, "principal_id": s.principal_id,
            "access": s.access, "shared_by": s.shared_by, "created_at": s.created_at,
            "expires_at": s.expires_at, "reason": s.reason}


def unshare_record(ctx: RequestContext, obj: str, record_id: int, share_id: int) -> None:
    get_object(obj)
    with atomic(ctx):
        load_for_action(ctx, obj, record_id, "share")
        share = ctx.session.get(Share, share_id)
        if share is None or share.object != obj or share.record_id != record_id:
            raise NotFound("share", share_id)
        before = share_dict(share)
        ctx.session.delete(share)
        bump_policy_version(ctx.session)
        audit.record(ctx.session, ctx.origin, "record.unshare", object=obj,
                     record_id=record_id, before=before, at=ctx.now)


def list_shares(ctx: RequestContext, obj: str, record_id: int) -> list[dict[str, Any]]:
    get_object(obj)
    require_function(ctx, obj, "view")
    if not visible_rows(ctx, obj, [record_id]):
        raise NotFound(obj, record_id)
    shares = ctx.session.scalars(
        select(Share).where(Share.object == obj, Share.record_id == record_id).order_by(Share.id)
    )
    return [share_dict(s) for s in shares]
