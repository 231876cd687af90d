"""Submitted values: checked and coerced to their fields' types, references checked
against what the actor can view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vouch.access.engine import object_field_levels
from vouch.catalog import FieldDef, FieldLevel, FieldType, ObjectDef
from vouch.context import RequestContext
from vouch.errors import ErrorType, FieldDenied, Invalid, VouchError
from vouch.org.models import User
from vouch.records.visibility import visible_ids

MAX_ID = 2**31 - 1


def has_nul(value: Any) -> bool:
    """NUL cannot be stored or compared in PostgreSQL text: refused as input everywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def coerce_input(f: FieldDef, raw: Any) -> Any:
    """A submitted value as the field's Python type; Invalid names the field."""
    if raw is None or raw == "":
        if f.required:
            raise Invalid(f"{f.name} is required", field=f.name, type=ErrorType.REQUIRED)
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
                    raise Invalid(f"{f.name} needs a time zone", field=f.name,
                                  type=ErrorType.TIMEZONE)
                return value
            case FieldType.ENUM:
                if raw not in f.choices:
                    raise Invalid(f"{f.name} must be one of {', '.join(f.choices)}",
                                  field=f.name, type=ErrorType.CHOICE,
                                  choices=list(f.choices))
                return raw
            case _:
                if not isinstance(raw, str):
                    raise ValueError
                if "\x00" in raw:
                    raise Invalid(f"{f.name} contains a NUL character", field=f.name,
                                  type=ErrorType.NUL)
                text = raw.strip()
                if f.required and not text:
                    raise Invalid(f"{f.name} is required", field=f.name,
                                  type=ErrorType.REQUIRED)
                if f.max_length and len(text) > f.max_length:
                    raise Invalid(f"{f.name} is longer than {f.max_length} characters",
                                  field=f.name, type=ErrorType.TOO_LONG, limit=f.max_length)
                if f.type is FieldType.EMAIL and text and ("@" not in text or " " in text):
                    raise Invalid(f"{f.name} is not an e-mail address", field=f.name,
                                  type=ErrorType.FORMAT, expected="email")
                return text
    except (ValueError, ArithmeticError, TypeError):
        raise Invalid(f"{f.name}: {raw!r} is not a valid {f.type.value}", field=f.name,
                      type=ErrorType.FORMAT, expected=EXPECTED.get(f.type, "text")) from None


# What a value of each field type must look like (`expected` of a validation.format error).
EXPECTED = {FieldType.INTEGER: "integer", FieldType.REFERENCE: "integer",
            FieldType.DECIMAL: "decimal", FieldType.DATE: "date",
            FieldType.DATETIME: "datetime", FieldType.EMAIL: "email"}


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
    problems += [Invalid(f"unknown field {k!r} of {odef.name}", field=k,
                         type=ErrorType.UNKNOWN) for k in unknown]
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
        visible = visible_ids(ctx, f.ref, wanted)
        out += [(i, Invalid(f"{f.name}: no {f.ref} {r[f.name]}", field=f.name,
                            type=ErrorType.NO_SUCH, kind=f.ref, id=r[f.name]))
                for i, r in enumerate(rows)
                if r.get(f.name) is not None and r[f.name] not in visible]
    return sorted(out, key=lambda p: p[0])


def require_active_user(ctx: RequestContext, user_id: Any, field: str) -> User:
    ok = isinstance(user_id, int) and not isinstance(user_id, bool) and 1 <= user_id <= MAX_ID
    user = ctx.session.get(User, user_id) if ok else None
    if user is None or not user.active:
        raise Invalid(f"{field}: no active user {user_id}", field=field,
                      type=ErrorType.NO_SUCH if user is None else ErrorType.INACTIVE_USER,
                      kind="user", id=user_id)
    return user
