"""Error types of the services, each with the HTTP status PERMISSIONS.md gives it."""

from __future__ import annotations

from typing import Any


class VouchError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class NotAuthenticated(VouchError):
    status, code = 401, "not_authenticated"


class FunctionDenied(VouchError):
    """The function layer denies: no active role grants the action on the object."""

    status, code = 403, "forbidden"

    def __init__(self, obj: str, action: str) -> None:
        super().__init__(f"not allowed to {action} {obj}", {"object": obj, "action": action})
        self.object, self.action = obj, action


class RecordActionDenied(FunctionDenied):
    """The actor can view the record but the action's scope misses it: hiding the record
    (404) would protect nothing, so 403 names the action and the record."""

    def __init__(self, obj: str, action: str, record_id: int) -> None:
        super().__init__(obj, action)
        self.message = f"not allowed to {action} {obj} {record_id}"
        self.args = (self.message,)
        self.details["id"] = record_id


class PermissionDenied(VouchError):
    """A system permission is missing."""

    status, code = 403, "forbidden"

    def __init__(self, permission: str) -> None:
        super().__init__(f"requires the system permission {permission}",
                         {"permission": permission})
        self.permission = permission


class FieldDenied(VouchError):
    status, code = 403, "field_forbidden"

    def __init__(self, obj: str, field: str, level: str, purpose: str) -> None:
        super().__init__(
            f"field {obj}.{field} is {level} for you and cannot be used to {purpose}",
            {"object": obj, "field": field, "level": level, "purpose": purpose},
        )
        self.object, self.field, self.level, self.purpose = obj, field, level, purpose


class NotFound(VouchError):
    """Record layer or restriction denies, or the record does not exist: one answer."""

    status, code = 404, "not_found"

    def __init__(self, obj: str, record_id: object) -> None:
        super().__init__(f"{obj} {record_id} not found", {"object": obj, "id": record_id})


class Conflict(VouchError):
    status, code = 409, "conflict"


class Invalid(VouchError):
    """Bad input: details name the field(s)."""

    status, code = 422, "invalid"

    def __init__(self, message: str, field: str | None = None, **details: Any) -> None:
        if field is not None:
            details["field"] = field
        super().__init__(message, details)
        self.field = field


def is_denial(exc: VouchError) -> bool:
    """A refused authorization (audited as `access.denied`): a function, system-permission
    or field refusal, or a record the actor may not see (404 for a record object)."""
    from vouch.catalog import OBJECT_NAMES

    if isinstance(exc, FunctionDenied | PermissionDenied | FieldDenied):
        return True
    return isinstance(exc, NotFound) and exc.details.get("object") in OBJECT_NAMES
