"""Request and response shapes of the record routes, generated from the catalog, and the
parsing of list query strings into conditions of the engine's language.

The models document the API and refuse unknown fields and wrong JSON types early (422
naming the field); the record service stays the authority on coercion, required fields,
choices and permissions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, create_model
from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse

from vouch.access.engine import ConditionError, parse_condition
from vouch.catalog import OBJECTS, FieldDef, FieldType, ObjectDef
from vouch.errors import ErrorType, Invalid
from vouch.records.service import check_integers

MAX_ID = 2**31 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
LIST_PARAMS = frozenset({"limit", "cursor", "sort", "q", "total", "filter"})
EXPORT_PARAMS = frozenset({"format", "sort", "q", "filter"})
OPERATORS = {"eq": "eq", "ne": "ne", "in": "in", "not_in": "not_in", "lt": "lt", "le": "le",
             "lte": "le", "gt": "gt", "ge": "ge", "gte": "ge", "contains": "contains",
             "is_null": "is_null"}
FILTER_SYSTEM_FIELDS = ("id", "owner_id", "department_id")
MAX_FILTER_CHARS = 10_000


# --- JSON out --------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


class RecordJSON(JSONResponse):
    """Record data as JSON: datetimes ISO with Z, decimals as exact strings. Encoded
    directly (no per-value pass of FastAPI's encoder), since lists are on the hot path."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          default=_encode).encode("utf-8")


# --- request bodies --------------------------------------------------------------------------


def _input_type(f: FieldDef) -> Any:
    """The JSON type a field accepts (None clears it; the service decides if it may)."""
    match f.type:
        case FieldType.INTEGER:
            return Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
        case FieldType.REFERENCE:
            return RecordId
        case FieldType.DECIMAL:
            return Annotated[Decimal, Field(allow_inf_nan=False)]
        case FieldType.DATE:
            return date
        case FieldType.DATETIME:
            return AwareDatetime
        case FieldType.ENUM:
            return Literal[f.choices]
        case _:
            return Annotated[str, Field(max_length=f.max_length)] if f.max_length else str


def _field_spec(f: FieldDef, required: bool) -> tuple[Any, Any]:
    desc = f"{f.label_en} · {f.label_zh} ({f.type.value}, {f.sensitivity.value})"
    if f.ref:
        desc += f"; id of a {f.ref} you can view"
    kind = _input_type(f)
    if required:
        return kind, Field(description=desc)
    return kind | None, Field(default=None, description=desc)


class _Forbid(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _owner_fields() -> dict[str, Any]:
    return {
        "owner_id": (RecordId | None, Field(
            default=None, description="give the record to this user (a transfer: needs "
                                      "the transfer permission)")),
        "department_id": (RecordId | None, Field(
            default=None, description="set the record's department (a transfer)")),
    }


def _class_name(odef: ObjectDef, suffix: str) -> str:
    return "".join(p.capitalize() for p in odef.name.split("_")) + suffix


def create_model_for(odef: ObjectDef) -> type[BaseModel]:
    fields = {f.name: _field_spec(f, f.required) for f in odef.fields}
    return create_model(_class_name(odef, "Create"), __base__=_Forbid,  # type: ignore[call-overload,no-any-return]
                        __doc__=f"A new {odef.label_en} ({odef.label_zh}).",
                        **fields, **_owner_fields())


def patch_model_for(odef: ObjectDef) -> type[BaseModel]:
    fields = {f.name: _field_spec(f, False) for f in odef.fields}
    version = (StrictInt, Field(ge=1, le=MAX_ID,
                                description="the version you read; a stale one gets 409"))
    return create_model(_class_name(odef, "Patch"), __base__=_Forbid,  # type: ignore[call-overload,no-any-return]
                        __doc__=f"Changes to a {odef.label_en}: only the fields sent change.",
                        **fields, **_owner_fields(), version=version)


class Reference(BaseModel):
    id: int
    name: str | None = Field(default=None, description="present when you can view it")
    restricted: bool | None = Field(default=None, description="true when you cannot view it")


def _output_type(f: FieldDef) -> Any:
    match f.type:
        case FieldType.INTEGER:
            return int | str
        case FieldType.REFERENCE:
            return Reference | str
        case _:
            return str


def record_model_for(odef: ObjectDef) -> type[BaseModel]:
    fields: dict[str, Any] = {
        f.name: (_output_type(f) | None, Field(
            default=None, description=f"{f.label_en} · {f.label_zh}: absent when hidden "
                                      "for you; masked values are partial strings"))
        for f in odef.fields
    }
    return create_model(
        _class_name(odef, "Record"), __doc__=f"A {odef.label_en} as you may see it.",
        id=(int, ...), owner_id=(int, ...), department_id=(int, ...),
        created_at=(datetime, ...), updated_at=(datetime, ...), version=(int, ...),
        editable=(bool, Field(alias="_editable")), **fields)


def page_model_for(odef: ObjectDef, record: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        _class_name(odef, "Page"), items=(list[record], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, None),
        total=(int | None, Field(default=None, description="with total=true")))


class Transfer(_Forbid):
    owner_id: RecordId
    version: StrictInt | None = Field(default=None, ge=1, le=MAX_ID)


class NewShare(_Forbid):
    principal_kind: Literal["user", "role", "department", "department_tree"]
    principal_id: RecordId
    access: Literal["read", "read_write"]
    expires_at: AwareDatetime | None = None
    reason: str | None = Field(default=None, max_length=500)


class ShareOut(BaseModel):
    id: int
    object: str
    record_id: int
    principal_kind: str
    principal_id: int
    access: str
    shared_by: int | None
    created_at: datetime
    expires_at: datetime | None
    reason: str | None


class ImportProblem(BaseModel):
    row: int = Field(description="the row in the file (the header is row 1)")
    field: str | None
    code: str = Field(description="the broad class, as `error.code` of an error body")
    type: str = Field(description="the precise kind, as `error.type` of an error body")
    message: str
    details: dict[str, Any] = Field(description="the parameters of `type`")


class ImportReport(BaseModel):
    object: str
    dry_run: bool
    rows: int
    valid: int
    errors: list[ImportProblem]
    error_count: int
    ignored_columns: list[str] = []
    created: list[int] | None = Field(default=None, description="ids, when committed")


class ChoiceLabel(BaseModel):
    label_zh: str
    label_en: str


class CatalogField(BaseModel):
    name: str
    type: FieldType
    label_zh: str
    label_en: str
    sensitivity: str
    required: bool
    max_length: int | None
    choices: list[str] = Field(description="the values of an enum field, in order")
    choice_labels: dict[str, ChoiceLabel] = Field(
        description="each choice's label in Chinese and English, by value")
    ref: str | None = Field(description="the object a reference field points to")
    searchable: bool = Field(description="part of the free-text search `q`")
    level: str = Field(description="your level: hidden, masked, read or edit")
    writable_on_create: bool
    filter_ops: list[str] = Field(description="the operators a filter on it takes")


class CatalogObject(BaseModel):
    name: str
    plural: str = Field(description="the URL segment of its routes")
    label_zh: str
    label_en: str
    title_field: str
    actions: list[str] = Field(description="the actions you may take on it")
    scopes: dict[str, list[str]] = Field(description="for each record action you may take, "
                                                     "the scopes it reaches")
    system_fields: list[str]
    queryable_system_fields: list[str]
    fields: list[CatalogField]


class Catalog(BaseModel):
    """The catalog as you see it."""

    objects: list[CatalogObject]


CREATE_MODELS = {o.name: create_model_for(o) for o in OBJECTS}
PATCH_MODELS = {o.name: patch_model_for(o) for o in OBJECTS}
RECORD_MODELS = {o.name: record_model_for(o) for o in OBJECTS}
PAGE_MODELS = {o.name: page_model_for(o, RECORD_MODELS[o.name]) for o in OBJECTS}


# --- list query strings ----------------------------------------------------------------------


def filter_parameters(odef: ObjectDef) -> list[dict[str, Any]]:
    """OpenAPI entries for the per-field filters (the route reads them from the query)."""
    out = []
    for name in (*FILTER_SYSTEM_FIELDS, *odef.field_map):
        f = odef.field_map.get(name)
        kind = f.type.value if f else "integer"
        out.append({
            "name": name, "in": "query", "required": False, "schema": {"type": "string"},
            "description": f"{name} equals this ({kind}); operator forms: {name}__ne, "
                           f"{name}__in=a,b, {name}__not_in, {name}__gt/__gte/__lt/__lte "
                           "(numbers, dates), __contains (text), __is_null=true|false. "
                           "Needs at least read on the field (403 naming it).",
        })
    return out


def _filter_field(odef: ObjectDef, key: str) -> tuple[str, str] | None:
    name, _, op = key.partition("__")
    if name not in odef.field_map and name not in FILTER_SYSTEM_FIELDS:
        return None
    if op and op not in OPERATORS:
        return None
    return name, OPERATORS[op or "eq"]


def _query_value(odef: ObjectDef, name: str, raw: str, param: str) -> Any:
    """A query-string value in the JSON form the condition language takes."""
    f = odef.field_map.get(name)
    numeric = f is None or f.type in (FieldType.INTEGER, FieldType.REFERENCE)
    if not numeric:
        return raw
    text = raw.strip()
    if not text.lstrip("-").isdigit() or abs(int(text)) > MAX_ID:
        raise Invalid(f"{param}: {raw!r} is not an integer", field=param,
                      type=ErrorType.FORMAT, expected="integer")
    return int(text)


def _leaf(odef: ObjectDef, name: str, op: str, raw: str, param: str) -> dict[str, Any]:
    value: Any
    if op == "is_null":
        if raw.lower() not in ("true", "false"):
            raise Invalid(f"{param} takes true or false", field=param, type=ErrorType.FORMAT,
                          expected="boolean")
        value = raw.lower() == "true"
    elif op in ("in", "not_in"):
        parts = [p.strip() for p in raw.split(",")]
        if not all(parts):
            raise Invalid(f"{param} takes a comma-separated list of values", field=param,
                          type=ErrorType.FORMAT, expected="list")
        value = [_query_value(odef, name, p, param) for p in parts]
    else:
        value = _query_value(odef, name, raw, param)
    return {"field": name, "op": op, "value": value}


def parse_filters(odef: ObjectDef, params: QueryParams, allowed: frozenset[str],
                  departments: Mapping[int, int | None]) -> list[dict[str, Any]]:
    """Field filters (`?stage=won`, `?amount__gte=1000`, `?stage__in=won,lost`) and the
    advanced `filter=<JSON condition>` as one list of conditions (ANDed). Every query
    parameter must be known, so a typo never silently widens a list."""
    conditions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for key, raw in params.multi_items():
        if key in seen:
            raise Invalid(f"query parameter {key!r} is given more than once", field=key,
                          type=ErrorType.DUPLICATE)
        seen.add(key)
        if "\x00" in raw:
            raise Invalid(f"{key} contains a NUL character", field=key, type=ErrorType.NUL)
        if key in allowed:
            continue
        target = _filter_field(odef, key)
        if target is None:
            raise Invalid(f"unknown query parameter {key!r} for {odef.plural}", field=key,
                          type=ErrorType.UNKNOWN)
        leaf = _leaf(odef, *target, raw, key)
        try:
            parse_condition(odef.name, leaf, departments)
        except ConditionError as exc:
            raise Invalid(f"{key}: {exc.message}", field=key, type=ErrorType.CONDITION,
                          path=exc.path) from None
        except ArithmeticError:
            raise Invalid(f"{key}: {raw!r} is out of range", field=key,
                          type=ErrorType.RANGE) from None
        conditions.append(leaf)
    raw_filter = params.get("filter")
    if raw_filter is not None and "filter" in allowed:
        conditions.append(_advanced_filter(odef, raw_filter, departments))
    return conditions


def _advanced_filter(odef: ObjectDef, raw: str,
                     departments: Mapping[int, int | None]) -> dict[str, Any]:
    if len(raw) > MAX_FILTER_CHARS:
        raise Invalid(f"filter is longer than {MAX_FILTER_CHARS} characters", field="filter",
                      type=ErrorType.TOO_LONG, limit=MAX_FILTER_CHARS)
    try:
        cond = json.loads(raw)
    except (ValueError, RecursionError):
        raise Invalid("filter is not valid JSON", field="filter", type=ErrorType.FORMAT,
                      expected="json") from None
    try:
        parse_condition(odef.name, cond, departments)
    except ConditionError as exc:
        raise Invalid(f"filter: {exc}", field="filter", path=exc.path,
                      type=ErrorType.CONDITION) from None
    except ArithmeticError:
        raise Invalid("filter: a number is out of range", field="filter",
                      type=ErrorType.RANGE) from None
    except RecursionError:
        raise Invalid("filter is nested too deeply", field="filter",
                      type=ErrorType.CONDITION) from None
    if not isinstance(cond, dict):
        raise Invalid("filter must be a JSON object", field="filter", type=ErrorType.FORMAT,
                      expected="object")
    check_integers(cond, "$")
    return cond
