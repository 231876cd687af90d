"""Record use cases for all nine objects: list, count, get, create, update, delete,
transfer, share, unshare. Every read goes through `access.query`; every write checks the
engine first; each mutating call is one transaction."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from vouch.access import query
from vouch.access.engine import (
    ConditionError,
    FieldLevelInfo,
    RecordFacts,
    can,
    capped_levels,
    check_queryable,
    check_writable,
    compile_sql,
    object_field_levels,
    parse_condition,
    readable_fields,
    redact,
)
from vouch.access.models import Share
from vouch.access.service import bump_policy_version, load_shares, record_facts_of
from vouch.catalog import (
    QUERYABLE_SYSTEM_COLUMNS,
    FieldDef,
    FieldLevel,
    FieldType,
    ObjectDef,
    PrincipalKind,
    ShareAccess,
    get_object,
)
from vouch.context import RequestContext
from vouch.errors import (
    Conflict,
    FunctionDenied,
    Invalid,
    NotAuthenticated,
    NotFound,
    RecordActionDenied,
)
from vouch.org.models import Department, User
from vouch.records.models import RecordBase, model_for

MAX_LIMIT = 500
NOT_NULL_SORTS = frozenset({"id", "created_at", "updated_at", "owner_id", "department_id"})


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None


# --- transactions -------------------------------------------------------------------------


@contextmanager
def atomic(ctx: RequestContext) -> Iterator[None]:
    """One transaction per use case; nested calls join the outer one."""
    depth = ctx.session.info.get("vouch_atomic", 0)
    ctx.session.info["vouch_atomic"] = depth + 1
    try:
        yield
        if depth == 0:
            ctx.session.commit()
    except BaseException:
        if depth == 0:
            ctx.session.rollback()
        raise
    finally:
        ctx.session.info["vouch_atomic"] = depth


def _require_function(ctx: RequestContext, obj: str, action: str) -> None:
    if not ctx.profile.active:
        raise NotAuthenticated("the user is deactivated")
    if not ctx.profile.access(obj, action).granted:
        raise FunctionDenied(obj, action)


# --- filters, sort, search, cursor -------------------------------------------------------


def _filter_clauses(
    ctx: RequestContext, odef: ObjectDef, filters: Any
) -> tuple[list[ColumnElement[bool]], list[str]]:
    """User filters in the condition language (a list of leaf conditions or any
    condition); returns clauses and the fields they use."""
    if not filters:
        return [], []
    cond = {"and": list(filters)} if isinstance(filters, list) else filters
    try:
        pred = parse_condition(odef.name, cond, ctx.profile.facts.department_parents)
    except ConditionError as exc:
        raise Invalid(f"bad filter: {exc}", field=exc.path) from None
    used = _fields_of(cond)
    return [compile_sql(pred, model_for(odef.name).__table__, ctx.now)], used  # type: ignore[arg-type]


def _fields_of(cond: Any) -> list[str]:
    if isinstance(cond, dict):
        if "field" in cond:
            return [cond["field"]]
        out: list[str] = []
        for key in ("and", "or"):
            for c in cond.get(key, []):
                out += _fields_of(c)
        if "not" in cond:
            out += _fields_of(cond["not"])
        return out
    return []


def _parse_sort(odef: ObjectDef, sort: str | None) -> tuple[str, bool]:
    sort = sort or "-updated_at"
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    if name not in QUERYABLE_SYSTEM_COLUMNS and name not in odef.field_map:
        raise Invalid(f"unknown sort field {name!r} of {odef.name}", field="sort")
    return name, descending


def _search_clause(ctx: RequestContext, odef: ObjectDef, q: str) -> ColumnElement[bool]:
    readable = set(readable_fields(ctx.profile, odef.name))
    cols = [model_for(odef.name).__table__.c[f.name]
            for f in odef.search_fields if f.name in readable]
    if not cols:
        raise Invalid("no searchable field is readable for you", field="q")
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{escaped}%"
    return or_(*(func.lower(c).like(needle, escape="\\") for c in cols))


def encode_cursor(value: Any, rid: int) -> str:
    if isinstance(value, datetime | date):
        value = {"t": value.isoformat(), "k": type(value).__name__}
    elif isinstance(value, Decimal):
        value = {"d": str(value)}
    raw = json.dumps([value, rid], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, rid = json.loads(raw)
        if not isinstance(rid, int):
            raise ValueError
        if isinstance(value, dict) and "t" in value:
            from datetime import UTC

            if value.get("k") == "date":
                value = date.fromisoformat(value["t"])
            else:
                value = datetime.fromisoformat(value["t"]).astimezone(UTC)
        elif isinstance(value, dict) and "d" in value:
            value = Decimal(value["d"])
        return value, rid
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, KeyError):
        raise Invalid("cursor is not one this server issued", field="cursor") from None


# --- reading ------------------------------------------------------------------------------


def list_records(
    ctx: RequestContext,
    obj: str,
    *,
    action: str = "view",
    filters: Any = None,
    sort: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    total: bool = False,
) -> Page:
    odef = get_object(obj)
    _require_function(ctx, obj, action)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    sort_field, descending = _parse_sort(odef, sort)
    where, used = _filter_clauses(ctx, odef, filters)
    check_queryable(ctx.profile, obj, filter=used, sort=[sort_field])
    if q:
        where.append(_search_clause(ctx, odef, q))
    after = decode_cursor(cursor) if cursor else None
    nullable = sort_field not in NOT_NULL_SORTS and not (
        sort_field in odef.field_map and odef.field_map[sort_field].required
    )
    if nullable:
        after_null = bool(after and after[0] is None)
        stmt = query.page_nullable(
            ctx.profile, obj, action, ctx.now, order_by=sort_field, descending=descending,
            where=where, after=after, after_null=after_null, limit=limit + 1,
        )
    else:
        stmt = query.page(
            ctx.profile, obj, action, ctx.now, dialect=ctx.session.get_bind().dialect.name,
            order_by=sort_field, descending=descending,
            where=where, after=after, limit=limit + 1,
        )
    rows = list(ctx.session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    items = render_records(ctx, obj, rows)
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, sort_field), last.id)
    n = count_records(ctx, obj, action=action, filters=filters, q=q) if total else None
    return Page(items, next_cursor, n)


def count_records(
    ctx: RequestContext, obj: str, *, action: str = "view", filters: Any = None,
    q: str | None = None,
) -> int:
    odef = get_object(obj)
    _require_function(ctx, obj, action)
    where, used = _filter_clauses(ctx, odef, filters)
    check_queryable(ctx.profile, obj, filter=used)
    if q:
        where.append(_search_clause(ctx, odef, q))
    return int(ctx.session.execute(query.count(ctx.profile, obj, action, ctx.now, where))
               .scalar_one())


def _visible_rows(ctx: RequestContext, obj: str, ids: list[int],
                  action: str = "view", lock: bool = False) -> dict[int, RecordBase]:
    if not ids:
        return {}
    model = model_for(obj)
    stmt = query.filtered_select(ctx.profile, obj, action, ctx.now).where(model.id.in_(ids))
    if lock:
        stmt = stmt.with_for_update()
    return {r.id: r for r in ctx.session.scalars(stmt)}


def _facts(ctx: RequestContext, obj: str, rows: list[RecordBase]) -> dict[int, RecordFacts]:
    owners = {r.owner_id for r in rows}
    depts = dict(ctx.session.execute(
        select(User.id, User.department_id).where(User.id.in_(owners))
    ).tuples().all()) if owners else {}
    shares = load_shares(ctx.session, obj, [r.id for r in rows])
    return {r.id: record_facts_of(obj, r, depts.get(r.owner_id), shares) for r in rows}


def render_records(ctx: RequestContext, obj: str, rows: list[RecordBase]) -> list[dict[str, Any]]:
    """Rows as the viewer may see them: field levels capped per record, references named
    only when the viewer can view the referenced record."""
    odef = get_object(obj)
    levels = object_field_levels(ctx.profile, obj)
    edit_granted = ctx.profile.access(obj, "edit").granted
    # record facts (owner departments, shares) only matter when some row may be editable
    facts = _facts(ctx, obj, rows) if edit_granted else {}
    refs = _reference_names(ctx, odef, rows, levels)
    out = []
    for r in rows:
        editable = edit_granted and bool(can(ctx.profile, obj, "edit", facts[r.id], ctx.now))
        capped = capped_levels(levels, editable)
        values = {f.name: getattr(r, f.name) for f in odef.fields}
        shown = redact(obj, values, capped)
        for f in odef.fields:
            if f.type is FieldType.REFERENCE and f.name in shown and shown[f.name] is not None \
                    and capped[f.name] is not FieldLevel.MASKED:
                shown[f.name] = refs[f.name].get(shown[f.name]) or {
                    "id": shown[f.name], "restricted": True}
        item = {
            "id": r.id, "owner_id": r.owner_id, "department_id": r.department_id,
            "created_at": r.created_at, "updated_at": r.updated_at, "version": r.version,
            **shown,
            "_editable": editable,
        }
        out.append(item)
    return out


def _reference_names(
    ctx: RequestContext, odef: ObjectDef, rows: list[RecordBase],
    levels: Mapping[str, FieldLevelInfo],
) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for f in odef.fields:
        if f.type is not FieldType.REFERENCE or levels[f.name].level is FieldLevel.HIDDEN:
            continue
        assert f.ref is not None
        ids = sorted({getattr(r, f.name) for r in rows if getattr(r, f.name) is not None})
        names: dict[int, dict[str, Any]] = {}
        target = get_object(f.ref)
        title_level = (object_field_levels(ctx.profile, f.ref)[target.title_field].level
                       if ctx.profile.access(f.ref, "view").granted else FieldLevel.HIDDEN)
        if ids and title_level.rank >= FieldLevel.READ.rank:
            model = model_for(f.ref)
            for rid, title in ctx.session.execute(
                query.filtered_select(ctx.profile, f.ref, "view", ctx.now, model.id,
                                      getattr(model, target.title_field))
                .where(model.id.in_(ids))
            ):
                names[rid] = {"id": rid, "name": title}
        out[f.name] = names
    return out


def get_record(ctx: RequestContext, obj: str, record_id: int) -> dict[str, Any]:
    get_object(obj)
    _require_function(ctx, obj, "view")
    row = _visible_rows(ctx, obj, [record_id]).get(record_id)
    if row is None:
        raise NotFound(obj, record_id)
    return render_records(ctx, obj, [row])[0]


# --- writing ------------------------------------------------------------------------------


def coerce_input(f: FieldDef, raw: Any) -> Any:
    """A submitted value as the field's Python type; Invalid names the field."""
    if raw is None or raw == "":
        if f.required:
            raise Invalid(f"{f.name} is required", field=f.name)
        return None
    try:
        match f.type:
            case FieldType.INTEGER | FieldType.REFERENCE:
                if isinstance(raw, bool):
                    raise ValueError
                value: Any = int(raw) if isinstance(raw, (int, str)) else None
                if value is None or abs(value) > 2**31 - 1:
                    raise ValueError
                return value
            case FieldType.DECIMAL:
                if isinstance(raw, bool) or not isinstance(raw, (int, str, float, Decimal)):
                    raise ValueError
                dec = Decimal(str(raw))
                if not dec.is_finite() or abs(dec) >= Decimal("1e13"):
                    raise ValueError
                return dec.quantize(Decimal("0.01"))
            case FieldType.DATE:
                return raw if isinstance(raw, date) and not isinstance(raw, datetime) \
                    else date.fromisoformat(str(raw))
            case FieldType.DATETIME:
                value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
                if value.tzinfo is None:
                    raise Invalid(f"{f.name} needs a time zone", field=f.name)
                return value
            case FieldType.ENUM:
                if raw not in f.choices:
                    raise Invalid(f"{f.name} must be one of {', '.join(f.choices)}",
                                  field=f.name)
                return raw
            case _:
                if not isinstance(raw, str):
                    raise ValueError
                text = raw.strip()
                if f.required and not text:
                    raise Invalid(f"{f.name} is required", field=f.name)
                if f.max_length and len(text) > f.max_length:
                    raise Invalid(f"{f.name} is longer than {f.max_length} characters",
                                  field=f.name)
                if f.type is FieldType.EMAIL and text and ("@" not in text or " " in text):
                    raise Invalid(f"{f.name} is not an e-mail address", field=f.name)
                return text
    except (ValueError, ArithmeticError, TypeError):
        raise Invalid(f"{f.name}: {raw!r} is not a valid {f.type.value}", field=f.name) from None


def _check_references(ctx: RequestContext, odef: ObjectDef, values: Mapping[str, Any]) -> None:
    """A reference must name a record the actor can view (otherwise it is as if absent)."""
    for name, value in values.items():
        f = odef.field_map[name]
        if f.type is FieldType.REFERENCE and value is not None:
            assert f.ref is not None
            if not ctx.profile.access(f.ref, "view").granted or \
                    not _visible_rows(ctx, f.ref, [value]):
                raise Invalid(f"{name}: no {f.ref} {value}", field=name)


def _split_system(values: Mapping[str, Any], odef: ObjectDef) -> tuple[dict[str, Any],
                                                                      dict[str, Any]]:
    system = {k: v for k, v in values.items() if k in ("owner_id", "department_id")}
    rest = {k: v for k, v in values.items() if k not in system}
    unknown = [k for k in rest if k not in odef.field_map]
    if unknown:
        raise Invalid(f"unknown field {unknown[0]!r} of {odef.name}", field=unknown[0])
    return system, rest


def _active_user(ctx: RequestContext, user_id: Any, field: str) -> User:
    user = ctx.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise Invalid(f"{field}: no active user {user_id}", field=field)
    return user


def create_record(ctx: RequestContext, obj: str, values: Mapping[str, Any]) -> dict[str, Any]:
    odef = get_object(obj)
    _require_function(ctx, obj, "create")
    system, fields = _split_system(values, odef)
    levels = object_field_levels(ctx.profile, obj)
    check_writable(obj, fields, {n: i.level for n, i in levels.items()})
    clean = {f.name: coerce_input(f, fields.get(f.name)) for f in odef.fields
             if f.name in fields or f.required}
    with atomic(ctx):
        _check_references(ctx, odef, clean)
        model = model_for(obj)
        record = model(
            owner_id=ctx.actor_id, department_id=ctx.actor_department_id,
            created_by=ctx.actor_id, updated_by=ctx.actor_id,
            created_at=ctx.now, updated_at=ctx.now, version=1, **clean,
        )
        ctx.session.add(record)
        ctx.session.flush()
        if system:
            _apply_owner_change(ctx, obj, record, system)
        rid = record.id
    return get_record(ctx, obj, rid)


def _apply_owner_change(ctx: RequestContext, obj: str, record: RecordBase,
                        system: Mapping[str, Any]) -> None:
    """Setting owner or department directly is a transfer: the actor must be allowed to
    transfer the record."""
    facts = _facts(ctx, obj, [record])[record.id]
    if not can(ctx.profile, obj, "transfer", facts, ctx.now):
        if not ctx.profile.access(obj, "transfer").granted:
            raise FunctionDenied(obj, "transfer")
        raise NotFound(obj, record.id)
    if "owner_id" in system:
        owner = _active_user(ctx, system["owner_id"], "owner_id")
        record.owner_id = owner.id
        record.department_id = owner.department_id
    if "department_id" in system:
        dept = ctx.session.get(Department, system["department_id"]) \
            if isinstance(system["department_id"], int) else None
        if dept is None:
            raise Invalid(f"department_id: no department {system['department_id']}",
                          field="department_id")
        record.department_id = dept.id
    ctx.session.flush()


def _load_for(ctx: RequestContext, obj: str, record_id: int, action: str) -> RecordBase:
    """The record, locked, if `action` may be done on it: 404 when the actor cannot view
    it, 403 naming the action when they can view it but the action's scope misses it."""
    _require_function(ctx, obj, action)
    row = _visible_rows(ctx, obj, [record_id], action="view", lock=True).get(record_id)
    if row is None:
        raise NotFound(obj, record_id)
    facts = _facts(ctx, obj, [row])[row.id]
    if not can(ctx.profile, obj, action, facts, ctx.now):
        raise RecordActionDenied(obj, action, record_id)
    return row


def _check_version(obj: str, row: RecordBase, version: Any) -> None:
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("version is required (the version you read)", field="version")
    if row.version != version:
        raise Conflict(f"{obj} {row.id} was changed by someone else (version {row.version}, "
                       f"you sent {version})", {"current_version": row.version})


def update_record(
    ctx: RequestContext, obj: str, record_id: int, values: Mapping[str, Any], version: Any
) -> dict[str, Any]:
    odef = get_object(obj)
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "edit")
        _check_version(obj, row, version)
        system, fields = _split_system(values, odef)
        levels = capped_levels(object_field_levels(ctx.profile, obj), True)
        check_writable(obj, fields, levels)
        clean = {name: coerce_input(odef.field_map[name], v) for name, v in fields.items()}
        _check_references(ctx, odef, clean)
        model = model_for(obj)
        result = ctx.session.execute(
            update(model)
            .where(model.id == record_id, model.version == version)
            .values(**clean, updated_at=ctx.now, updated_by=ctx.actor_id, version=version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"{obj} {record_id} was changed by someone else", {})
        ctx.session.expire(row)
        if system:
            _apply_owner_change(ctx, obj, row, system)
    return get_record(ctx, obj, record_id)


def delete_record(ctx: RequestContext, obj: str, record_id: int,
                  version: int | None = None) -> None:
    get_object(obj)
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "delete")
        if version is not None:
            _check_version(obj, row, version)
        ctx.session.execute(delete(Share).where(Share.object == obj, Share.record_id == record_id))
        ctx.session.delete(row)
        try:
            ctx.session.flush()
        except IntegrityError:
            raise Conflict(f"{obj} {record_id} is referenced by other records; remove or "
                           "re-link them first", {"id": record_id}) from None


def transfer_record(ctx: RequestContext, obj: str, record_id: int, new_owner_id: Any,
                    version: int | None = None) -> dict[str, Any]:
    get_object(obj)
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "transfer")
        if version is not None:
            _check_version(obj, row, version)
        owner = _active_user(ctx, new_owner_id, "owner_id")
        row.owner_id = owner.id
        row.department_id = owner.department_id
        row.updated_at, row.updated_by = ctx.now, ctx.actor_id
        row.version += 1
        ctx.session.flush()
    try:
        return get_record(ctx, obj, record_id)
    except NotFound:  # transferred out of the actor's own scope
        return {"id": record_id, "owner_id": owner.id, "department_id": owner.department_id}


def share_record(
    ctx: RequestContext, obj: str, record_id: int, *, principal_kind: str, principal_id: Any,
    access: str, expires_at: datetime | None = None, reason: str | None = None,
) -> dict[str, Any]:
    get_object(obj)
    if principal_kind not in set(PrincipalKind):
        raise Invalid(f"principal_kind must be one of {', '.join(PrincipalKind)}",
                      field="principal_kind")
    if access not in set(ShareAccess):
        raise Invalid("access must be read or read_write", field="access")
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= ctx.now):
        raise Invalid("expires_at must be a future instant with a time zone", field="expires_at")
    with atomic(ctx):
        _load_for(ctx, obj, record_id, "share")
        _check_principal(ctx, principal_kind, principal_id)
        share = Share(object=obj, record_id=record_id, principal_kind=principal_kind,
                      principal_id=principal_id, access=access, shared_by=ctx.actor_id,
                      created_at=ctx.now, expires_at=expires_at, reason=reason)
        ctx.session.add(share)
        bump_policy_version(ctx.session)
        ctx.session.flush()
        return share_dict(share)


def _check_principal(ctx: RequestContext, kind: str, pid: Any) -> None:
    from vouch.access.models import Role

    model = {"user": User, "role": Role}.get(kind, Department)
    if not isinstance(pid, int) or isinstance(pid, bool) or ctx.session.get(model, pid) is None:
        raise Invalid(f"principal_id: no {kind} {pid}", field="principal_id")


def share_dict(s: Share) -> dict[str, Any]:
    return {"id": s.id, "object": s.object, "record_id": s.record_id,
            "principal_kind": s.principal_kind, "principal_id": s.principal_id,
            "access": s.access, "shared_by": s.shared_by, "created_at": s.created_at,
            "expires_at": s.expires_at, "reason": s.reason}


def unshare_record(ctx: RequestContext, obj: str, record_id: int, share_id: int) -> None:
    get_object(obj)
    with atomic(ctx):
        _load_for(ctx, obj, record_id, "share")
        share = ctx.session.get(Share, share_id)
        if share is None or share.object != obj or share.record_id != record_id:
            raise NotFound("share", share_id)
        ctx.session.delete(share)
        bump_policy_version(ctx.session)


def list_shares(ctx: RequestContext, obj: str, record_id: int) -> list[dict[str, Any]]:
    get_object(obj)
    _require_function(ctx, obj, "view")
    if not _visible_rows(ctx, obj, [record_id]):
        raise NotFound(obj, record_id)
    shares = ctx.session.scalars(
        select(Share).where(Share.object == obj, Share.record_id == record_id).order_by(Share.id)
    )
    return [share_dict(s) for s in shares]


__all__ = [
    "Page", "atomic", "count_records", "create_record", "delete_record", "get_record",
    "list_records", "list_shares", "share_record", "transfer_record", "unshare_record",
    "update_record",
]
