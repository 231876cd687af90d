"""The audit of reads that show sensitive fields in clear."""

from __future__ import annotations

from collections.abc import Sequence

from vouch.access.engine import object_field_levels
from vouch.audit import service as audit
from vouch.catalog import FieldLevel, Sensitivity, get_object
from vouch.context import RequestContext

READ_AUDIT_IDS = 200  # ids listed in one record.read_sensitive event (the count is exact)


def clear_sensitive_fields(ctx: RequestContext, obj: str) -> tuple[str, ...]:
    """Fields of a sensitivity other than normal that the viewer sees in clear (read or
    edit; masked and hidden values reveal nothing)."""
    levels = object_field_levels(ctx.profile, obj)
    return tuple(f.name for f in get_object(obj).fields
                 if f.sensitivity is not Sensitivity.NORMAL
                 and levels[f.name].level.rank >= FieldLevel.READ.rank)


def note_sensitive_read(ctx: RequestContext, obj: str, ids: Sequence[int], *, purpose: str,
                        count: int | None = None) -> None:
    """Queue one `record.read_sensitive` event for a response that shows sensitive fields
    in clear (one per request, whatever the number of records)."""
    fields = clear_sensitive_fields(ctx, obj)
    if not ids or not fields:
        return
    n = len(ids) if count is None else count
    audit.record(ctx.session, ctx.origin, "record.read_sensitive", object=obj,
                 record_id=ids[0] if n == 1 else None, at=ctx.now,
                 details={"purpose": purpose, "fields": list(fields), "count": n,
                          "ids": list(ids[:READ_AUDIT_IDS])})
