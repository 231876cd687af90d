"""Manual shares as administrators see them: list them, delete one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from vouch.access.admin.authority import CONFIG_READERS, require_any
from vouch.access.admin.change import admin_change, clean_reason, log_change
from vouch.access.admin.inputs import clean_choice
from vouch.access.admin.rendering import iso, page
from vouch.access.models import Share
from vouch.catalog import OBJECT_NAMES, PrincipalKind
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound


def share_dict(s: Share, now: datetime) -> dict[str, Any]:
    return {"id": s.id, "object": s.object, "record_id": s.record_id,
            "principal_kind": s.principal_kind, "principal_id": s.principal_id,
            "access": s.access, "shared_by": s.shared_by, "created_at": iso(s.created_at),
            "expires_at": iso(s.expires_at), "reason": s.reason,
            "active": s.expires_at is None or now < s.expires_at}


def list_shares(ctx: RequestContext, *, obj: str | None = None, record_id: int | None = None,
                principal_kind: str | None = None, principal_id: int | None = None,
                limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    stmt = select(Share)
    if obj is not None:
        stmt = stmt.where(Share.object == clean_choice(obj, OBJECT_NAMES, "object", "object"))
    if record_id is not None:
        if obj is None:
            raise Invalid("record needs object", field="object", type=ErrorType.REQUIRES,
                          given="record")
        stmt = stmt.where(Share.record_id == record_id)
    if principal_kind is not None:
        stmt = stmt.where(Share.principal_kind == clean_choice(
            principal_kind, [k.value for k in PrincipalKind], "principal kind",
            "principal_kind"))
    if principal_id is not None:
        if principal_kind is None:
            raise Invalid("principal_id needs principal_kind", field="principal_kind",
                          type=ErrorType.REQUIRES, given="principal_id")
        stmt = stmt.where(Share.principal_id == principal_id)
    return page(ctx.session, stmt, Share.id, limit, cursor, lambda s: share_dict(s, ctx.now))


def delete_share(ctx: RequestContext, share_id: int, reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        share = ctx.session.get(Share, share_id)
        if share is None:
            raise NotFound("share", share_id)
        before = share_dict(share, ctx.now)
        ctx.session.execute(delete(Share).where(Share.id == share_id))
        log_change(ctx, "access.share_deleted", "share", share_id, why, before=before)
