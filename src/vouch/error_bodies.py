"""Error bodies as the API sends them and documents them: the OpenAPI model, and a 422 of
request parsing (FastAPI's validation) in the same form as the services' own 422s."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from vouch.errors import ERROR_TYPE_DOCS, ErrorType

_TYPES_DOC = "\n".join(f"- `{t.value}`: {doc}" for t, doc in ERROR_TYPE_DOCS.items())


class ErrorObject(BaseModel):
    code: str = Field(description="The broad class: not_authenticated, csrf_failed, "
                                  "forbidden, field_forbidden, not_found, conflict, invalid, "
                                  "too_large, method_not_allowed, internal.")
    type: ErrorType = Field(description="The precise, stable kind, to say the error in the "
                                        "client's language with the parameters in "
                                        "`details`:\n\n" + _TYPES_DOC)
    message: str = Field(description="The error in English, for people and logs.")
    details: dict[str, Any] = Field(description="The parameters of `type` (`field`, `limit`, "
                                                "`object`, `action`…). A 422 of request "
                                                "parsing also lists every problem in "
                                                "`errors` (each with `field`, `in`, "
                                                "`message`, `type` and its parameters).")


class ErrorBody(BaseModel):
    """Every error the API answers (4xx and 5xx)."""

    error: ErrorObject


# On every route: what an error looks like (FastAPI's own 422 schema would be wrong).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Refused: `error.type` says precisely why"},
    "5XX": {"model": ErrorBody, "description": "Unexpected error (`details.request_id`)"},
}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # decimals exact, as the record routes write them


class ErrorJSON(JSONResponse):
    """An error body. Details may carry record values (a stale version's `current`):
    date-times, dates and decimals are written as the record routes write them."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          default=_encode).encode("utf-8")


def _plain(value: Any) -> Any:
    """A limit from a validation context as JSON can carry it."""
    return value if isinstance(value, int | float | str | bool) else str(value)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_FORMATS = (("int_", "integer"), ("decimal_", "decimal"), ("float_", "number"),
            ("bool_", "boolean"), ("datetime_", "datetime"), ("date_", "date"),
            ("string_type", "text"), ("list_", "list"), ("tuple_", "list"), ("set_", "list"),
            ("dict_", "object"), ("model_", "object"), ("json_", "json"))


def _typed(kind: str, ctx: dict[str, Any]) -> tuple[ErrorType, dict[str, Any]]:
    """A pydantic error kind (and its context) as an ErrorType with its parameters."""
    if kind in ("missing", "missing_argument"):
        return ErrorType.REQUIRED, {}
    if kind == "string_too_long":
        return ErrorType.TOO_LONG, {"limit": _plain(ctx.get("max_length"))}
    if kind == "string_too_short":
        return ErrorType.TOO_SHORT, {"limit": _plain(ctx.get("min_length"))}
    if kind in ("too_long", "too_short"):
        bound = {"max": ctx["max_length"]} if "max_length" in ctx else {
            "min": ctx.get("min_length")}
        return ErrorType.COUNT, {k: _plain(v) for k, v in bound.items()}
    if kind in ("literal_error", "enum"):
        return ErrorType.CHOICE, {"choices": _QUOTED.findall(str(ctx.get("expected", "")))}
    if kind in ("greater_than", "greater_than_equal"):
        return ErrorType.RANGE, {"min": _plain(ctx.get("gt", ctx.get("ge")))}
    if kind in ("less_than", "less_than_equal"):
        return ErrorType.RANGE, {"max": _plain(ctx.get("lt", ctx.get("le")))}
    if kind == "timezone_aware":
        return ErrorType.TIMEZONE, {}
    if kind == "extra_forbidden":
        return ErrorType.UNKNOWN, {}
    if kind == "string_pattern_mismatch":
        return ErrorType.FORMAT, {"pattern": _plain(ctx.get("pattern"))}
    if kind == "finite_number":
        return ErrorType.FORMAT, {"expected": "decimal"}
    for prefix, expected in _FORMATS:
        if kind.startswith(prefix):
            return ErrorType.FORMAT, {"expected": expected}
    return ErrorType.INVALID, {}


def _path(parts: list[object]) -> str:
    """`grants[2].scope`: the same path style as the services' own validation."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    """The 422 of a request FastAPI could not parse: the first problem as the error (its
    field, type and parameters), every problem in `details.errors`."""
    errors = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        where = loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
        error_type, params = _typed(str(err.get("type", "")), dict(err.get("ctx") or {}))
        errors.append({"field": _path(where) or (str(loc[0]) if loc else "body"),
                       "in": str(loc[0]) if loc else "body",
                       "message": err.get("msg", "invalid"), "type": error_type.value,
                       **params})
    first = errors[0] if errors else {"field": "body", "message": "invalid request",
                                      "type": ErrorType.INVALID.value}
    params = {k: v for k, v in first.items() if k not in ("field", "in", "message", "type")}
    return {"error": {"code": "invalid", "type": first["type"],
                      "message": f"{first['field']}: {first['message']}",
                      "details": {"field": first["field"], **params, "errors": errors}}}
