"""Page cursors: opaque to clients, checked against the sort column when they return."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from vouch.catalog import FieldType, ObjectDef
from vouch.errors import ErrorType, Invalid
from vouch.records.values import MAX_ID


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
        raise Invalid("cursor is not one this server issued", field="cursor",
                      type=ErrorType.CURSOR) from None


def cursor_fits(odef: ObjectDef, sort_field: str, value: Any, nullable: bool) -> bool:
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
