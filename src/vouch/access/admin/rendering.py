"""How administrative answers look: instants in ISO form, keyset pages by id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from vouch.errors import ErrorType, Invalid

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def page(session: Session, stmt: Select[Any], id_col: Any, limit: int | None,
         cursor: str | None, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Keyset paging by id: `items` and `next_cursor` (the last id, opaque to clients)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT}", field="limit", type=ErrorType.RANGE,
                      min=1, max=MAX_LIMIT)
    if cursor:
        if not cursor.isdigit() or len(cursor) > 12:
            raise Invalid("cursor is not one this API gave out", field="cursor",
                          type=ErrorType.CURSOR)
        stmt = stmt.where(id_col > int(cursor))
    rows = list(session.scalars(stmt.order_by(id_col).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return {"items": [render(r) for r in rows],
            "next_cursor": str(rows[-1].id) if more and rows else None}
