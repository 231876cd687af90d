"""The canonical encoding of an event and its chained hash (pure)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64

#: The columns the hash covers, in the order of the canonical encoding.
HASHED = ("seq", "at", "actor_id", "actor", "ip", "user_agent", "request_id", "action",
          "object", "record_id", "reason", "before", "after", "details", "prev_hash")


def jsonable(value: Any) -> Any:
    """Plain JSON values only (what is stored is exactly what is hashed)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict[str, Any]) -> bytes:
    body = {name: fields.get(name) for name in HASHED}
    body["at"] = stamp(body["at"]) if isinstance(body["at"], datetime) else body["at"]
    return json.dumps(body, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()
