"""Checks of administrative input: text, NUL characters, database ids, future instants,
choices from a known list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid

MAX_ID = 2**31 - 1


def reject_nul(value: object, path: str) -> None:
    """NUL cannot be stored or compared in PostgreSQL text: refused in every input, named
    by its path (a rule value with NUL would break every list the rule applies to)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{path} contains a NUL character", field=path, type=ErrorType.NUL)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key, path)
            reject_nul(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            reject_nul(item, f"{path}[{i}]")


def clean_text(value: object, field: str, *, required: bool, limit: int = 100) -> str | None:
    """A trimmed single value of text; empty is None (or 422 when required)."""
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{field} must be text", field=field, type=ErrorType.FORMAT,
                      expected="text")
    reject_nul(value, field)
    cleaned = value.strip() if value else None
    if not cleaned:
        if required:
            raise Invalid(f"{field} must not be empty", field=field, type=ErrorType.REQUIRED)
        return None
    if len(cleaned) > limit:
        raise Invalid(f"{field} is longer than {limit} characters", field=field,
                      type=ErrorType.TOO_LONG, limit=limit)
    return cleaned


def future_instant(ctx: RequestContext, t: datetime | None, field: str) -> datetime | None:
    if t is None:
        return None
    if t.tzinfo is None:
        raise Invalid(f"{field} needs a time zone", field=field, type=ErrorType.TIMEZONE)
    if t <= ctx.now:
        raise Invalid(f"{field} must be in the future", field=field, type=ErrorType.FUTURE)
    return t.astimezone(UTC)


def is_db_id(value: object) -> bool:
    """An integer a database id column can hold (a larger one would be a 500 on
    PostgreSQL, not an unknown id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def row_exists(session: Session, model: Any, row_id: object) -> bool:
    return is_db_id(row_id) and session.get(model, row_id) is not None


def clean_choice(value: object, known: Iterable[str], what: str, path: str) -> str:
    names = tuple(known)
    if not isinstance(value, str) or value not in names:
        raise Invalid(f"{path}: unknown {what} {value!r}; known: {', '.join(names)}",
                      field=path, type=ErrorType.CHOICE, choices=list(names))
    return value


def clean_name(value: object, field: str, required: bool = True) -> str | None:
    return clean_text(value, field, required=required)
