"""Record use cases for all nine objects: list, count, get, create, update, delete,
transfer, share, unshare, import. Every read goes through `access.query`; every write
checks the engine first; each call is one transaction, and its audit events are written
in that transaction (changes, and clear reads of sensitive fields)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from vouch.access import query
from vouch.access.engine import (
    ConditionError,
    FieldLevelInfo,
    RecordFacts,
    can,
    capped_levels,
    check_queryable,
    compile_sql,
    object_field_levels,
    parse_condition,
    readable_fields,
    redact,
)
from vouch.access.models import Share
from vouch.access.service import bump_policy_version, load_shares, record_facts_of
from vouch.audit import service as audit
from vouch.catalog import (
    OBJECTS,
    ORDERED_TYPES,
    QUERYABLE_SYSTEM_COLUMNS,
    RECORD_ACTIONS,
    SYSTEM_COLUMNS,
    TEXT_TYPES,
    FieldDef,
    FieldLevel,
    FieldType,
    ObjectDef,
    PrincipalKind,
    Sensitivity,
    ShareAccess,
    get_object,
)
from vouch.context import RequestContext
from vouch.errors import (
    Conflict,
    FieldDenied,
    FunctionDenied,
    Invalid,
    NotAuthenticated,
    NotFound,
    RecordActionDenied,
    VouchError,
)
from vouch.org.models import Department, User
from vouch.records.models import RecordBase, model_for

MAX_LIMIT = 500
MAX_ID = 2**31 - 1
NOT_NULL_SORTS = frozenset({"id", "created_at", "updated_at", "owner_id", "department_id"})
READ_AUDIT_IDS = 200  # ids listed in one record.read_sensitive event (the count is exact)
IMPORT_ERRORS_SHOWN = 1000


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None


# --- transactions ----------------------------------------------------------------------------


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


def require_function(ctx: RequestContext, obj: str, action: str) -> None:
    """403 naming the object and action unless some active role grants it."""
    if not ctx.profile.active:
        raise NotAuthenticated("the user is deactivated")
    if not ctx.profile.access(obj, action).granted:
        raise FunctionDenied(obj, action)



# --- audit -----------------------------------------------------------------------------------


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


def _values(odef: ObjectDef, row: RecordBase) -> dict[str, Any]:
    return {"owner_id": row.owner_id, "department_id": row.department_id,
            **{f.name: getattr(row, f.name) for f in odef.fields}}


# --- filters, sort, search, cursor -----------------------------------------------------------


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
    except ArithmeticError:  # a number too large for a decimal field's precision
        raise Invalid("bad filter: a number is out of range", field="filter") from None
    check_integers(cond, "$")
    used = _fields_of(cond)
    return [compile_sql(pred, model_for(odef.name).__table__, ctx.now)], used  # type: ignore[arg-type]


def check_integers(value: Any, path: str) -> None:
    """Integers beyond the columns' 32 bits would make PostgreSQL fail the whole query."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
        raise Invalid(f"bad filter: {path}: {value} is out of range", field="filter",
                      path=path)
    if isinstance(value, dict):
        for key, item in value.items():
            check_integers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_integers(item, f"{path}[{i}]")


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
        raise Invalid(f"unknown sort field {name!r} of {odef.name}", field="sort", name=name)
    return name, descending


def _search_clause(ctx: RequestContext, odef: ObjectDef, q: str) -> ColumnElement[bool]:
    """Free text over the searchable fields the viewer can read: a field they cannot read
    never takes part, so a match can never reveal its value."""
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
        if not isinstance(rid, int) or isinstance(rid, bool) or not 0 <= rid <= MAX_ID:
            raise ValueError
        if isinstance(value, dict) and "t" in value:
            if value.get("k") == "date":
                value = date.fromisoformat(value["t"])
            else:
                value = datetime.fromisoformat(value["t"])
                if value.tzinfo is None:
                    raise ValueError
                value = value.astimezone(UTC)
        elif isinstance(value, dict) and "d" in value:
            value = Decimal(value["d"])
            if not value.is_finite():
                raise ValueError
        return value, rid
    except (ValueError, TypeError, ArithmeticError, binascii.Error, json.JSONDecodeError,
            KeyError, RecursionError):
        raise Invalid("cursor is not one this server issued", field="cursor") from None


def _cursor_fits(odef: ObjectDef, sort_field: str, value: Any, nullable: bool) -> bool:
    """A cursor value of the sort column's type (one issued for another sort would be
    compared with the wrong type of column)."""
    if value is None:
        return nullable
    if sort_field in ("id", "owner_id", "department_id"):
        ftype = FieldType.INTEGER
    elif sort_field in ("created_at", "updated_at"):
        ftype = FieldType.DATETIME
    else:
        ftype = odef.field_map[sort_field].type
    match ftype:
        case FieldType.INTEGER | FieldType.REFERENCE:
            return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID
        case FieldType.DECIMAL:
            return isinstance(value, Decimal)
        case FieldType.DATE:
            return isinstance(value, date) and not isinstance(value, datetime)
        case FieldType.DATETIME:
            return isinstance(value, datetime)
        case _:
            return isinstance(value, str)


# --- reading ---------------------------------------------------------------------------------


def _has_nul(value: Any) -> bool:
    """NUL cannot be stored or compared in PostgreSQL text: refused as input everywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


@dataclass(frozen=True)
class ListPlan:
    """A validated list query: what to read, in which order, under which action."""

    obj: str
    action: str
    sort_field: str
    descending: bool
    nullable: bool
    where: tuple[ColumnElement[bool], ...]


def plan_list(
    ctx: RequestContext, obj: str, *, action: str = "view", filters: Any = None,
    sort: str | None = None, q: str | None = None,
) -> ListPlan:
    """Check everything a list (or export) needs before reading: the function, the sort
    field, the filters and the field levels they use (403 naming a field below read)."""
    odef = get_object(obj)
    require_function(ctx, obj, action)
    for name, given in (("filter", filters), ("q", q)):
        if _has_nul(given):
            raise Invalid(f"{name} contains a NUL character", field=name)
    sort_field, descending = _parse_sort(odef, sort)
    where, used = _filter_clauses(ctx, odef, filters)
    check_queryable(ctx.profile, obj, filter=used, sort=[sort_field])
    if q:
        where.append(_search_clause(ctx, odef, q))
    nullable = sort_field not in NOT_NULL_SORTS and not (
        sort_field in odef.field_map and odef.field_map[sort_field].required
    )
    return ListPlan(obj, action, sort_field, descending, nullable, tuple(where))


def fetch_page(ctx: RequestContext, plan: ListPlan, *, limit: int,
               cursor: str | None = None) -> tuple[list[RecordBase], str | None]:
    """The next `limit` rows of a planned list and the cursor after them."""
    odef = get_object(plan.obj)
    after = decode_cursor(cursor) if cursor else None
    if after is not None and not _cursor_fits(odef, plan.sort_field, after[0], plan.nullable):
        raise Invalid("cursor does not belong to this sort order", field="cursor")
    if plan.nullable:
        after_null = bool(after and after[0] is None)
        stmt = query.page_nullable(
            ctx.profile, plan.obj, plan.action, ctx.now, order_by=plan.sort_field,
            descending=plan.descending, where=plan.where, after=after, after_null=after_null,
            limit=limit + 1,
        )
    else:
        stmt = query.page(
            ctx.profile, plan.obj, plan.action, ctx.now,
            dialect=ctx.session.get_bind().dialect.name, order_by=plan.sort_field,
            descending=plan.descending, where=plan.where, after=after, limit=limit + 1,
        )
    rows = list(ctx.session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, plan.sort_field), last.id)
    return rows, next_cursor


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
    plan = plan_list(ctx, obj, action=action, filters=filters, sort=sort, q=q)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    with atomic(ctx):
        rows, next_cursor = fetch_page(ctx, plan, limit=limit, cursor=cursor)
        items = render_records(ctx, obj, rows)
        n = _count(ctx, plan) if total else None
        note_sensitive_read(ctx, obj, [i["id"] for i in items], purpose="list")
    return Page(items, next_cursor, n)


def _count(ctx: RequestContext, plan: ListPlan) -> int:
    return int(ctx.session.execute(
        query.count(ctx.profile, plan.obj, plan.action, ctx.now, plan.where)).scalar_one())


def count_records(
    ctx: RequestContext, obj: str, *, action: str = "view", filters: Any = None,
    q: str | None = None,
) -> int:
    return _count(ctx, plan_list(ctx, obj, action=action, filters=filters, q=q))


def _visible_rows(ctx: RequestContext, obj: str, ids: list[int],
                  action: str = "view", lock: bool = False) -> dict[int, RecordBase]:
    if not ids:
        return {}
    model = model_for(obj)
    stmt = query.filtered_select(ctx.profile, obj, action, ctx.now).where(model.id.in_(ids))
    if lock:
        stmt = stmt.with_for_update()
    return {r.id: r for r in ctx.session.scalars(stmt)}


def _visible_ids(ctx: RequestContext, obj: str, ids: set[int]) -> set[int]:
    """Which of `ids` the actor can view (one query per 500 ids)."""
    if not ids or not ctx.profile.access(obj, "view").granted:
        return set()
    model = model_for(obj)
    ordered, out = sorted(ids), set[int]()
    for i in range(0, len(ordered), 500):
        out.update(ctx.session.scalars(
            query.filtered_select(ctx.profile, obj, "view", ctx.now, model.id)
            .where(model.id.in_(ordered[i:i + 500]))))
    return out


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
    facts = _facts(ctx, obj, rows) if edit_granted and rows else {}
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
    with atomic(ctx):
        return _shown(ctx, obj, record_id, purpose="get")


def _shown(ctx: RequestContext, obj: str, record_id: int, *, purpose: str) -> dict[str, Any]:
    """The record as the actor sees it, noting a clear read of sensitive fields (inside
    the caller's transaction)."""
    get_object(obj)
    require_function(ctx, obj, "view")
    row = _visible_rows(ctx, obj, [record_id]).get(record_id)
    if row is None:
        raise NotFound(obj, record_id)
    item = render_records(ctx, obj, [row])[0]
    note_sensitive_read(ctx, obj, [record_id], purpose=purpose)
    return item


def _shown_or_summary(ctx: RequestContext, obj: str, row: RecordBase,
                      purpose: str) -> dict[str, Any]:
    """After a write: the record as shown, or only its id and owner when the write took it
    out of the actor's view (a transfer to someone else's team)."""
    try:
        return _shown(ctx, obj, row.id, purpose=purpose)
    except NotFound:
        return {"id": row.id, "owner_id": row.owner_id, "department_id": row.department_id,
                "version": row.version, "_visible": False}


# --- validation of written values ------------------------------------------------------------


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
                if value is None or abs(value) > MAX_ID:
                    raise ValueError
                return value
            case FieldType.DECIMAL:
                if isinstance(raw, bool) or not isinstance(raw, (int, str, float, Decimal)):
                    raise ValueError
                dec = Decimal(str(raw).strip())
                if not dec.is_finite() or abs(dec) >= Decimal("1e13"):
                    raise ValueError
                return dec.quantize(Decimal("0.01"))
            case FieldType.DATE:
                return raw if isinstance(raw, date) and not isinstance(raw, datetime) \
                    else date.fromisoformat(str(raw).strip())
            case FieldType.DATETIME:
                value = raw if isinstance(raw, datetime) \
                    else datetime.fromisoformat(str(raw).strip())
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
                if "\x00" in raw:
                    raise Invalid(f"{f.name} contains a NUL character", field=f.name)
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


OWNER_KEYS = ("owner_id", "department_id")


def check_values(
    ctx: RequestContext, odef: ObjectDef, values: Mapping[str, Any], *, new: bool,
    levels: Mapping[str, FieldLevel] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], list[VouchError]]:
    """Split submitted values into owner keys and fields, coerce the fields, and collect
    every problem: unknown fields, fields below edit (403 naming them), bad values. For a
    new record the required fields must be there. References are checked separately
    (`reference_problems`), in one query per field for many rows."""
    problems: list[VouchError] = []
    system = {k: v for k, v in values.items() if k in OWNER_KEYS}
    fields = {k: v for k, v in values.items() if k not in system}
    unknown = [k for k in fields if k not in odef.field_map]
    problems += [Invalid(f"unknown field {k!r} of {odef.name}", field=k) for k in unknown]
    if levels is None:
        levels = {n: i.level for n, i in object_field_levels(ctx.profile, odef.name).items()}
    denied = [k for k in fields if k in odef.field_map and levels[k] is not FieldLevel.EDIT]
    problems += [FieldDenied(odef.name, k, levels[k].value, "write") for k in denied]
    clean: dict[str, Any] = {}
    for f in odef.fields:
        if f.name in denied or not (f.name in fields or (new and f.required)):
            continue
        try:
            clean[f.name] = coerce_input(f, fields.get(f.name))
        except Invalid as exc:
            problems.append(exc)
    return system, clean, problems


def reference_problems(ctx: RequestContext, odef: ObjectDef,
                       rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, Invalid]]:
    """(row index, problem) for every reference to a record the actor cannot view: such
    a record is, for them, as if absent."""
    out: list[tuple[int, Invalid]] = []
    for f in odef.fields:
        if f.type is not FieldType.REFERENCE:
            continue
        assert f.ref is not None
        wanted = {r[f.name] for r in rows if r.get(f.name) is not None}
        visible = _visible_ids(ctx, f.ref, wanted)
        out += [(i, Invalid(f"{f.name}: no {f.ref} {r[f.name]}", field=f.name))
                for i, r in enumerate(rows)
                if r.get(f.name) is not None and r[f.name] not in visible]
    return sorted(out, key=lambda p: p[0])


def _active_user(ctx: RequestContext, user_id: Any, field: str) -> User:
    ok = isinstance(user_id, int) and not isinstance(user_id, bool) and 1 <= user_id <= MAX_ID
    user = ctx.session.get(User, user_id) if ok else None
    if user is None or not user.active:
        raise Invalid(f"{field}: no active user {user_id}", field=field)
    return user


# --- writing ---------------------------------------------------------------------------------


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
        record = _insert(ctx, odef, [(clean, system)])[0]
        return _shown_or_summary(ctx, obj, record, "create")


def _insert(ctx: RequestContext, odef: ObjectDef,
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
        did = system["department_id"]
        ok = isinstance(did, int) and not isinstance(did, bool) and 1 <= did <= MAX_ID
        dept = ctx.session.get(Department, did) if ok else None
        if dept is None:
            raise Invalid(f"department_id: no department {did}", field="department_id")
        record.department_id = dept.id
    ctx.session.flush()


def _load_for(ctx: RequestContext, obj: str, record_id: int, action: str) -> RecordBase:
    """The record, locked, if `action` may be done on it: 404 when the actor cannot view
    it, 403 naming the action when they can view it but the action's scope misses it."""
    require_function(ctx, obj, action)
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
                       f"you sent {version})", {"current_version": row.version, "id": row.id})


def update_record(
    ctx: RequestContext, obj: str, record_id: int, values: Mapping[str, Any], version: Any
) -> dict[str, Any]:
    odef = get_object(obj)
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "edit")
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
            raise Conflict(f"{obj} {record_id} was changed by someone else (version "
                           f"{current}, you sent {version})",
                           {"current_version": current, "id": record_id})
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
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "delete")
        if version is not None:
            _check_version(obj, row, version)
        before = _values(odef, row)
        ctx.session.execute(delete(Share).where(Share.object == obj, Share.record_id == record_id))
        ctx.session.delete(row)
        try:
            ctx.session.flush()
        except IntegrityError:
            raise Conflict(f"{obj} {record_id} is referenced by other records; remove or "
                           "re-link them first", {"id": record_id}) from None
        audit.record(ctx.session, ctx.origin, "record.delete", object=obj,
                     record_id=record_id, before=before, at=ctx.now)


def transfer_record(ctx: RequestContext, obj: str, record_id: int, new_owner_id: Any,
                    version: int | None = None) -> dict[str, Any]:
    get_object(obj)
    with atomic(ctx):
        row = _load_for(ctx, obj, record_id, "transfer")
        if version is not None:
            _check_version(obj, row, version)
        owner = _active_user(ctx, new_owner_id, "owner_id")
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
    if _has_nul(reason):
        raise Invalid("reason contains a NUL character", field="reason")
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
        out = share_dict(share)
        audit.record(ctx.session, ctx.origin, "record.share", object=obj, record_id=record_id,
                     reason=reason, after=out, at=ctx.now)
        return out


def _check_principal(ctx: RequestContext, kind: str, pid: Any) -> None:
    from vouch.access.models import Role

    model = {"user": User, "role": Role}.get(kind, Department)
    ok = isinstance(pid, int) and not isinstance(pid, bool) and 1 <= pid <= MAX_ID
    if not ok or ctx.session.get(model, pid) is None:
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
        before = share_dict(share)
        ctx.session.delete(share)
        bump_policy_version(ctx.session)
        audit.record(ctx.session, ctx.origin, "record.unshare", object=obj,
                     record_id=record_id, before=before, at=ctx.now)


def list_shares(ctx: RequestContext, obj: str, record_id: int) -> list[dict[str, Any]]:
    get_object(obj)
    require_function(ctx, obj, "view")
    if not _visible_rows(ctx, obj, [record_id]):
        raise NotFound(obj, record_id)
    shares = ctx.session.scalars(
        select(Share).where(Share.object == obj, Share.record_id == record_id).order_by(Share.id)
    )
    return [share_dict(s) for s in shares]


# --- import ----------------------------------------------------------------------------------


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula: `=`, `@`, a tab or CR first, or `+`/`-`
    first unless the whole value is a number or phone number (`-5`, `+86 138-0000-1111`)."""
    if not text:
        return False
    if text[0] in "=@\t\r":
        return True
    if text[0] in "+-":
        return not (len(text) > 1 and text[1].isdigit()
                    and all(c.isdigit() or c in " ().-" for c in text[2:]))
    return False


def import_records(
    ctx: RequestContext, obj: str, rows: Sequence[tuple[int, Mapping[str, Any]]], *,
    dry_run: bool, source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate every row as `create_record` would (types, required fields, choices, field
    levels, references the importer can view, owners as transfers) and report per row;
    unless `dry_run`, create all rows in one transaction, or none when any row is wrong
    (422 with the report). `rows` are (row number in the file, values); an empty value
    means "not given"."""
    odef = get_object(obj)
    require_function(ctx, obj, "import")
    require_function(ctx, obj, "create")
    errors: list[dict[str, Any]] = []
    good: list[tuple[int, dict[str, Any], dict[str, Any]]] = []

    def problem(num: int, exc: VouchError, field: str | None = None) -> None:
        errors.append({"row": num, "field": field or exc.details.get("field"),
                       "code": exc.code, "message": exc.message})

    owners = _import_owners(ctx, rows)
    for num, raw in rows:
        values = {k: v for k, v in raw.items() if v is not None and v != ""}
        count = len(errors)
        for name, value in values.items():
            f = odef.field_map.get(name)
            if f is not None and f.type in TEXT_TYPES and isinstance(value, str) \
                    and looks_like_formula(value):
                problem(num, Invalid(f"row {num}, {name}: looks like a spreadsheet formula "
                                     "(formula injection); remove the leading character",
                                     field=name))
        system, clean, problems = check_values(ctx, odef, values, new=True)
        for exc in problems:
            problem(num, exc)
        if "owner_id" in system:
            owner_problem = _owner_problem(ctx, odef, clean, system["owner_id"], owners)
            if owner_problem is not None:
                problem(num, owner_problem, "owner_id")
        if len(errors) == count:
            good.append((num, clean, system))
    for index, exc in reference_problems(ctx, odef, [clean for _n, clean, _s in good]):
        problem(good[index][0], exc)
    bad_rows = {e["row"] for e in errors}
    good = [g for g in good if g[0] not in bad_rows]
    errors.sort(key=lambda e: e["row"])
    report: dict[str, Any] = {
        "object": obj, "dry_run": dry_run, "rows": len(rows), "valid": len(good),
        "errors": errors[:IMPORT_ERRORS_SHOWN], "error_count": len(errors),
    }
    if dry_run:
        return report
    if errors:
        raise Invalid(f"{len(bad_rows)} of {len(rows)} rows have errors; nothing was imported",
                      field="file", **report)
    with atomic(ctx):
        created = _insert(ctx, odef, [(clean, system) for _n, clean, system in good],
                          reason="import")
        ids = [r.id for r in created]
        audit.record(ctx.session, ctx.origin, "record.import", object=obj, at=ctx.now,
                     details={**(source or {}), "rows": len(rows), "created": len(ids),
                              "ids": ids[:READ_AUDIT_IDS]})
    return {**report, "created": ids}


def _import_owners(ctx: RequestContext,
                   rows: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[int, User]:
    wanted = {r["owner_id"] for _n, r in rows
              if isinstance(r.get("owner_id"), int) and not isinstance(r["owner_id"], bool)
              and 1 <= r["owner_id"] <= MAX_ID}
    if not wanted:
        return {}
    users = ctx.session.scalars(select(User).where(User.id.in_(wanted), User.active))
    return {u.id: u for u in users}


def _owner_problem(ctx: RequestContext, odef: ObjectDef, clean: Mapping[str, Any],
                   owner_id: Any, owners: Mapping[int, User]) -> VouchError | None:
    """An owner other than the importer is a transfer of the record as first created
    (owned by the importer), as for `create_record`."""
    if owner_id == ctx.actor_id:
        return None
    if not isinstance(owner_id, int) or isinstance(owner_id, bool) or owner_id not in owners:
        return Invalid(f"owner_id: no active user {owner_id}", field="owner_id")
    new = RecordFacts(id=0, owner_id=ctx.actor_id, department_id=ctx.actor_department_id,
                      owner_department_id=ctx.actor_department_id, values=dict(clean))
    if can(ctx.profile, odef.name, "transfer", new, ctx.now):
        return None
    if not ctx.profile.access(odef.name, "transfer").granted:
        return FunctionDenied(odef.name, "transfer")
    return Invalid(f"owner_id: you may not give this {odef.name} to another user",
                   field="owner_id")


# --- the catalog as the actor sees it --------------------------------------------------------


def _filter_ops(ftype: FieldType) -> list[str]:
    ops = ["eq", "ne", "in", "not_in", "is_null"]
    if ftype in ORDERED_TYPES:
        ops += ["lt", "le", "gt", "ge"]
    if ftype in TEXT_TYPES:
        ops.append("contains")
    return ops


def catalog_for(ctx: RequestContext) -> dict[str, Any]:
    """Every object and field, with what the actor may do: allowed actions and their
    scopes, and each field's level (hidden fields are listed with level hidden; a field
    is at most read when no edit is granted) and whether a new record may set it."""
    objects = []
    for odef in OBJECTS:
        levels = object_field_levels(ctx.profile, odef.name)
        allowed = [a for a in (*RECORD_ACTIONS, "create", "import")
                   if ctx.profile.access(odef.name, a).granted]
        shown = capped_levels(levels, "edit" in allowed)
        objects.append({
            "name": odef.name, "plural": odef.plural, "label_zh": odef.label_zh,
            "label_en": odef.label_en, "title_field": odef.title_field,
            "actions": allowed,
            "scopes": {a: sorted(ctx.profile.access(odef.name, a).scopes)
                       for a in RECORD_ACTIONS if a in allowed},
            "system_fields": list(SYSTEM_COLUMNS),
            "queryable_system_fields": list(QUERYABLE_SYSTEM_COLUMNS),
            "fields": [{
                "name": f.name, "type": f.type.value, "label_zh": f.label_zh,
                "label_en": f.label_en, "sensitivity": f.sensitivity.value,
                "required": f.required, "max_length": f.max_length,
                "choices": list(f.choices), "ref": f.ref, "searchable": f.searchable,
                "level": shown[f.name].value,
                "writable_on_create": "create" in allowed
                and levels[f.name].level is FieldLevel.EDIT,
                "filter_ops": _filter_ops(f.type),
            } for f in odef.fields],
        })
    return {"objects": objects}


__all__ = [
    "ListPlan", "Page", "atomic", "catalog_for", "check_integers", "check_values",
    "clear_sensitive_fields",
    "count_records", "create_record", "delete_record", "fetch_page", "get_record",
    "import_records", "list_records", "list_shares", "looks_like_formula",
    "note_sensitive_read", "plan_list", "reference_problems", "render_records",
    "require_function", "share_record", "transfer_record", "unshare_record",
    "update_record",
]
