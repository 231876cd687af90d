"""Changing records: create, update, delete and transfer, each with its audit event."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from vouch.access import query
from vouch.access.engine import can, capped_levels, object_field_levels
from vouch.access.models import Share
from vouch.audit import service as audit
from vouch.catalog import ObjectDef, get_object
from vouch.context import RequestContext
from vouch.errors import (
    Conflict,
    ErrorType,
    FunctionDenied,
    Invalid,
    NotAuthenticated,
    NotFound,
    RecordActionDenied,
)
from vouch.org.models import Department
from vouch.records.models import RecordBase, model_for
from vouch.records.reading import get_record, shown_record
from vouch.records.use_case import atomic, require_function
from vouch.records.values import (
    MAX_ID,
    OWNER_KEYS,
    check_values,
    reference_problems,
    require_active_user,
)
from vouch.records.visibility import record_facts_by_id, visible_rows


def _values(odef: ObjectDef, row: RecordBase) -> dict[str, Any]:
    return {"owner_id": row.owner_id, "department_id": row.department_id,
            **{f.name: getattr(row, f.name) for f in odef.fields}}


def _shown_or_summary(ctx: RequestContext, obj: str, row: RecordBase,
                      purpose: str) -> dict[str, Any]:
    """After a write: the record as shown, or only its id and owner when the write took it
    out of the actor's view (a transfer to someone else's team)."""
    try:
        return shown_record(ctx, obj, row.id, purpose=purpose)
    except NotFound:
        return {"id": row.id, "owner_id": row.owner_id, "department_id": row.department_id,
                "version": row.version, "_visible": False}


def create_record(ctx: RequestContext, obj: str, values: Mapping[str, Any]) -> dict[str, Any]:
    odef = get_object(obj)
    require_function(ctx, obj, "create")
    system, clean, problems = check_values(ctx, odef, values, new=True)
    if problems:
        raise problems[0]
    with atomic(ctx):
        refs = reference_problems(ctx, odef, [clean])
        if refs:
            raise refs[0][1]
        record = insert_records(ctx, odef, [(clean, system)])[0]
        return _shown_or_summary(ctx, obj, record, "create")


def insert_records(ctx: RequestContext, odef: ObjectDef,
                   rows: Sequence[tuple[dict[str, Any], Mapping[str, Any]]],
                   reason: str | None = None) -> list[RecordBase]:
    """Insert validated rows (clean fields, owner keys) owned by the actor, apply any owner
    change as a transfer, and queue a `record.create` event per record."""
    model = model_for(odef.name)
    records = [model(owner_id=ctx.actor_id, department_id=ctx.actor_department_id,
                     created_by=ctx.actor_id, updated_by=ctx.actor_id,
                     created_at=ctx.now, updated_at=ctx.now, version=1, **clean)
               for clean, _system in rows]
    ctx.session.add_all(records)
    ctx.session.flush()
    for record, (clean, system) in zip(records, rows, strict=True):
        if system:
            _apply_owner_change(ctx, odef.name, record, system)
        audit.record(ctx.session, ctx.origin, "record.create", object=odef.name,
                     record_id=record.id, reason=reason, at=ctx.now,
                     after={"owner_id": record.owner_id,
                            "department_id": record.department_id, **clean})
    return records


def _apply_owner_change(ctx: RequestContext, obj: str, record: RecordBase,
                        system: Mapping[str, Any]) -> None:
    """Setting owner or department directly is a transfer: the actor must be allowed to
    transfer the record. Setting them to what they already are changes nothing."""
    if all(getattr(record, k) == v for k, v in system.items()):
        return
    facts = record_facts_by_id(ctx, obj, [record])[record.id]
    if not can(ctx.profile, obj, "transfer", facts, ctx.now):
        if not ctx.profile.access(obj, "transfer").granted:
            raise FunctionDenied(obj, "transfer")
        raise NotFound(obj, record.id)
    if "owner_id" in system:
        owner = require_active_user(ctx, system["owner_id"], "owner_id")
        record.owner_id = owner.id
        record.department_id = owner.department_id
    if "department_id" in system:
        did = system["department_id"]
        ok = isinstance(did, int) and not isinstance(did, bool) and 1 <= did <= MAX_ID
        dept = ctx.session.get(Department, did) if ok else None
        if dept is None:
            raise Invalid(f"department_id: no department {did}", field="department_id",
                          type=ErrorType.NO_SUCH, kind="department", id=did)
        record.department_id = dept.id
    ctx.session.flush()


def load_for_action(ctx: RequestContext, obj: str, record_id: int, action: str) -> RecordBase:
    """The record, locked, if `action` may be done on it: 404 when the actor cannot view
    it, 403 naming the action when they can view it but the action's scope misses it."""
    require_function(ctx, obj, action)
    row = visible_rows(ctx, obj, [record_id], action="view", lock=True).get(record_id)
    if row is None:
        raise NotFound(obj, record_id)
    facts = record_facts_by_id(ctx, obj, [row])[row.id]
    if not can(ctx.profile, obj, action, facts, ctx.now):
        raise RecordActionDenied(obj, action, record_id)
    return row


def _check_version(obj: str, row: RecordBase, version: Any) -> None:
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("version is required (the version you read)", field="version",
                      type=ErrorType.REQUIRED)
    if row.version != version:
        raise _stale(obj, row.id, row.version, version)


def _stale(obj: str, record_id: int, current: int | None, sent: int) -> Conflict:
    return Conflict(f"{obj} {record_id} was changed by someone else (version {current}, "
                    f"you sent {sent})", {"object": obj, "id": record_id,
                                          "current_version": current, "sent_version": sent},
                    type=ErrorType.STALE_VERSION)


@contextmanager
def _current_on_stale(ctx: RequestContext, obj: str, record_id: int) -> Iterator[None]:
    """A stale-version refusal carries the record as the actor may see it now, so that a
    client can show what changed without asking again. Read after the refused change is
    rolled back, as an ordinary read (field levels applied, a clear read of sensitive
    fields audited); left out when the actor can no longer view the record."""
    try:
        yield
    except Conflict as exc:
        if exc.error_type is ErrorType.STALE_VERSION and not ctx.session.info.get(
                "vouch_atomic"):
            with suppress(NotFound, FunctionDenied, NotAuthenticated):
                exc.details["current"] = get_record(ctx, obj, record_id)
        raise


def update_record(
    ctx: RequestContext, obj: str, record_id: int, values: Mapping[str, Any], version: Any
) -> dict[str, Any]:
    odef = get_object(obj)
    with _current_on_stale(ctx, obj, record_id), atomic(ctx):
        row = load_for_action(ctx, obj, record_id, "edit")
        _check_version(obj, row, version)
        levels = capped_levels(object_field_levels(ctx.profile, obj), True)
        system, clean, problems = check_values(ctx, odef, values, new=False, levels=levels)
        if problems:
            raise problems[0]
        refs = reference_problems(ctx, odef, [clean])
        if refs:
            raise refs[0][1]
        before = _values(odef, row)
        model = model_for(obj)
        stamp = {"updated_at": ctx.now, "updated_by": ctx.actor_id, "version": version + 1}
        result = ctx.session.execute(
            update(model)
            .where(model.id == record_id, model.version == version)
            .values(**clean, **stamp)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = ctx.session.execute(
                query.filtered_select(ctx.profile, obj, "view", ctx.now, model.version)
                .where(model.id == record_id)).scalar_one_or_none()
            raise _stale(obj, record_id, current, version)
        for name, value in {**clean, **stamp}.items():
            set_committed_value(row, name, value)
        if system:
            _apply_owner_change(ctx, obj, row, system)
        after = _values(odef, row)
        written = set(clean) | (set(OWNER_KEYS) if system else set())
        changed = [k for k in after if k in written and before[k] != after[k]]
        audit.record(ctx.session, ctx.origin, "record.update", object=obj,
                     record_id=record_id, at=ctx.now,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed},
                     details={"version": version + 1})
        return _shown_or_summary(ctx, obj, row, "update")


def delete_record(ctx: RequestContext, obj: str, record_id: int,
                  version: int | None = None) -> None:
    odef = get_object(obj)
    with _current_on_stale(ctx, obj, record_id), atomic(ctx):
        row = load_for_action(ctx, obj, record_id, "delete")
        if version is not None:
            _check_version(obj, row, version)
        before = _values(odef, row)
        ctx.session.execute(delete(Share).where(Share.object == obj, Share.record_id == record_id))
        ctx.session.delete(row)
        try:
            ctx.session.flush()
        except IntegrityError:
            raise Conflict(f"{obj} {record_id} is referenced by other records; remove or "
                           "re-link them first", {"object": obj, "id": record_id},
                           type=ErrorType.REFERENCED) from None
        audit.record(ctx.session, ctx.origin, "record.delete", object=obj,
                     record_id=record_id, before=before, at=ctx.now)


def transfer_record(ctx: RequestContext, obj: str, record_id: int, new_owner_id: Any,
                    version: int | None = None) -> dict[str, Any]:
    get_object(obj)
    with _current_on_stale(ctx, obj, record_id), atomic(ctx):
        row = load_for_action(ctx, obj, record_id, "transfer")
        if version is not None:
            _check_version(obj, row, version)
        owner = require_active_user(ctx, new_owner_id, "owner_id")
        before = {"owner_id": row.owner_id, "department_id": row.department_id}
        row.owner_id = owner.id
        row.department_id = owner.department_id
        row.updated_at, row.updated_by = ctx.now, ctx.actor_id
        row.version += 1
        ctx.session.flush()
        audit.record(ctx.session, ctx.origin, "record.transfer", object=obj,
                     record_id=record_id, at=ctx.now, before=before,
                     after={"owner_id": owner.id, "department_id": owner.department_id})
        return _shown_or_summary(ctx, obj, row, "transfer")
