"""Error types of the services, each with the HTTP status PERMISSIONS.md gives it.

Every error body is `{"error": {"code", "type", "message", "details"}}`: `code` is the
broad class (`invalid`, `conflict`, `forbidden`…, unchanged since the first API), `type`
the precise and stable kind a client translates (`validation.too_long`), with its
parameters in `details` (`field`, `limit`…); `message` is English for people and logs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorType(StrEnum):
    """`error.type`: what went wrong, precisely enough to say it in any language."""

    BAD_REQUEST = "bad_request"
    INTERNAL = "internal"
    TOO_LARGE = "too_large"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    # 401 / 403
    AUTH_REQUIRED = "auth.required"
    AUTH_CSRF = "auth.csrf"
    FORBIDDEN_ACTION = "forbidden.action"
    FORBIDDEN_RECORD_ACTION = "forbidden.record_action"
    FORBIDDEN_PERMISSION = "forbidden.permission"
    FORBIDDEN_DELEGATION = "forbidden.delegation"
    FORBIDDEN_FIELD = "forbidden.field"
    FORBIDDEN_DECISION = "forbidden.decision"
    # 404
    NOT_FOUND = "not_found"
    # 409
    CONFLICT = "conflict"
    STALE_VERSION = "conflict.stale_version"
    REFERENCED = "conflict.referenced"
    DEPARTMENT_NOT_EMPTY = "conflict.department_not_empty"
    DEPARTMENT_HAS_RECORDS = "conflict.department_has_records"
    TAKEN = "conflict.taken"
    USER_INACTIVE = "conflict.user_inactive"
    USER_ACTIVE = "conflict.user_active"
    SELF = "conflict.self"
    ROLE_HELD = "conflict.held"
    ALREADY_HOLDS = "conflict.already_holds"
    NAMED_BY_RULES = "conflict.named_by_rules"
    HOLDERS_OUTSIDE = "conflict.holders_outside"
    OUTSIDE_DEPARTMENTS = "conflict.outside_departments"
    PRECONDITIONS_FAILED = "conflict.preconditions"
    REQUEST_CLOSED = "conflict.request_closed"
    REQUEST_OPEN = "conflict.request_open"
    TWO_PERSON = "conflict.two_person"
    # 422
    INVALID = "validation.invalid"
    REQUIRED = "validation.required"
    TOO_LONG = "validation.too_long"
    TOO_SHORT = "validation.too_short"
    LENGTH = "validation.length"
    COUNT = "validation.count"
    CHOICE = "validation.choice"
    FORMAT = "validation.format"
    TIMEZONE = "validation.timezone"
    FUTURE = "validation.future"
    RANGE = "validation.range"
    NUL = "validation.nul"
    UNKNOWN = "validation.unknown"
    DUPLICATE = "validation.duplicate"
    NO_SUCH = "validation.no_such"
    INACTIVE_USER = "validation.inactive_user"
    CYCLE = "validation.cycle"
    ORDER = "validation.order"
    CURSOR = "validation.cursor"
    CONDITION = "validation.condition"
    EXACTLY_ONE = "validation.exactly_one"
    REQUIRES = "validation.requires"
    NOT_ALLOWED = "validation.not_allowed"
    SAME_USER = "validation.same_user"
    OBJECT_ACTION_SCOPE = "validation.object_action_scope"
    DELEGABLE_PERMISSIONS = "validation.delegable_permissions"
    ROLE_DEPARTMENTS = "validation.role_departments"
    NO_SEARCH = "validation.no_search"
    FORMULA = "validation.formula"
    FILE = "validation.file"
    IMPORT_ROWS = "validation.import_rows"
    PRECONDITIONS = "validation.preconditions"


# What each type means and the parameters it carries in `details` (besides the message):
# the OpenAPI document lists them, and a test checks every type is described.
ERROR_TYPE_DOCS: dict[ErrorType, str] = {
    ErrorType.BAD_REQUEST: "400: the request cannot be read",
    ErrorType.INTERNAL: "500: an unexpected error; `request_id` names it in the server log",
    ErrorType.TOO_LARGE: "413: the body or the uploaded file is too large; `limit` in bytes "
                         "(`max_rows` for a file with too many rows, `unpacked` for a "
                         "workbook that unpacks to too much)",
    ErrorType.METHOD_NOT_ALLOWED: "405: the path exists, not with this method",
    ErrorType.AUTH_REQUIRED: "401: not signed in, or the session, token or user is no longer "
                             "valid",
    ErrorType.AUTH_CSRF: "403: a cookie session's unsafe request lacks the right "
                         "X-CSRF-Token header",
    ErrorType.FORBIDDEN_ACTION: "403: no active role grants `action` on `object`",
    ErrorType.FORBIDDEN_RECORD_ACTION: "403: the record `id` of `object` is visible but "
                                       "`action` does not reach it",
    ErrorType.FORBIDDEN_PERMISSION: "403: the system permission `permission` is needed "
                                    "(`any_of`: any one of several)",
    ErrorType.FORBIDDEN_DELEGATION: "403: a delegated administrator's limits: `permission`; "
                                    "`limit` is `department` (the `department` is outside "
                                    "their subtree), `user_roles` (the `user_id` holds the "
                                    "non-delegable `roles`) or `role` (the `role` is not "
                                    "delegable)",
    ErrorType.FORBIDDEN_FIELD: "403: the field `field` of `object` is at `level` for you and "
                               "cannot be used to `purpose` (write, filter, sort, sum, group)",
    ErrorType.FORBIDDEN_DECISION: "403: the request `id` is not yours to decide: `reason` is "
                                  "own_request, beneficiary, approved_earlier_step, "
                                  "not_an_approver or not_requester",
    ErrorType.NOT_FOUND: "404: `object` `id` does not exist or you may not see it (one "
                         "answer for both)",
    ErrorType.CONFLICT: "409: the current state does not allow the change",
    ErrorType.STALE_VERSION: "409: someone else changed `object` `id` first: "
                             "`current_version` (and `current`, the record as you may see it "
                             "now, for records); read it again and repeat the change",
    ErrorType.REFERENCED: "409: other records refer to record `id`",
    ErrorType.DEPARTMENT_NOT_EMPTY: "409: the department still has `users`, `children` "
                                    "(departments) or `roles` limited to it",
    ErrorType.DEPARTMENT_HAS_RECORDS: "409: records still belong to the department",
    ErrorType.TAKEN: "409: the `value` of `field` is taken",
    ErrorType.USER_INACTIVE: "409: the user is deactivated",
    ErrorType.USER_ACTIVE: "409: the user is active already",
    ErrorType.SELF: "409: you cannot do this to yourself",
    ErrorType.ROLE_HELD: "409: the role has `active_assignments`; end them first",
    ErrorType.ALREADY_HOLDS: "409: the user holds the role already (`assignment_id`)",
    ErrorType.NAMED_BY_RULES: "409: sharing or restriction `rules` still name it",
    ErrorType.HOLDERS_OUTSIDE: "409: `users` outside those departments hold the role",
    ErrorType.OUTSIDE_DEPARTMENTS: "409: the user's department is outside the "
                                   "`departments` the role is limited to",
    ErrorType.PRECONDITIONS_FAILED: "409: a request's `preconditions` fail at final approval "
                                    "(each with `check`, `code`, `message`, `params`); it "
                                    "stays pending",
    ErrorType.REQUEST_CLOSED: "409: the request `id` is `status` (no longer open)",
    ErrorType.REQUEST_OPEN: "409: an open request for the same thing exists (`request_id`)",
    ErrorType.TWO_PERSON: "409: under the two-person rule, system `permissions` cannot be "
                          "added to a role `holders` already hold",
    ErrorType.INVALID: "422: `field` is invalid (the message says why)",
    ErrorType.REQUIRED: "422: `field` is required",
    ErrorType.TOO_LONG: "422: `field` is longer than `limit` characters",
    ErrorType.TOO_SHORT: "422: `field` is shorter than `limit` characters",
    ErrorType.LENGTH: "422: `field` must be `min` to `max` characters",
    ErrorType.COUNT: "422: `field` must have `min` to `max` items",
    ErrorType.CHOICE: "422: `field` must be one of `choices`",
    ErrorType.FORMAT: "422: `field` must be `expected`: integer, decimal, number, date, "
                      "datetime, month, boolean, text, list, object, email, json, username "
                      "or role_key (or `pattern`, a regular expression, instead)",
    ErrorType.TIMEZONE: "422: the date-time `field` needs a time zone",
    ErrorType.FUTURE: "422: `field` must be in the future (`max`: the latest allowed)",
    ErrorType.RANGE: "422: `field` is out of range (`min`, `max` when known)",
    ErrorType.NUL: "422: `field` contains a NUL character",
    ErrorType.UNKNOWN: "422: `field` is not a known field, parameter, key or column",
    ErrorType.DUPLICATE: "422: `field` repeats `other` (or is given twice)",
    ErrorType.NO_SUCH: "422: `field` names a `kind` `id` that does not exist (or that you "
                       "may not see)",
    ErrorType.INACTIVE_USER: "422: `field` names a deactivated user",
    ErrorType.CYCLE: "422: `field` would make a cycle (a department under itself, a "
                     "manager reporting to the user)",
    ErrorType.ORDER: "422: `field` is after `other`",
    ErrorType.CURSOR: "422: the paging cursor is not one this server gave for this list",
    ErrorType.CONDITION: "422: a rule condition or filter is wrong at `field` (the message "
                         "says how)",
    ErrorType.EXACTLY_ONE: "422: `field` needs exactly one of `options`",
    ErrorType.REQUIRES: "422: `field` is required when `given` is given",
    ErrorType.NOT_ALLOWED: "422: `field` cannot be given here",
    ErrorType.SAME_USER: "422: `field` must be someone other than the user",
    ErrorType.OBJECT_ACTION_SCOPE: "422: `action` is an object action: its scope is all or "
                                   "none",
    ErrorType.DELEGABLE_PERMISSIONS: "422: a delegable role grants no system permission "
                                     "(`permissions`)",
    ErrorType.ROLE_DEPARTMENTS: "422: the role may be held only in `departments` (and below)",
    ErrorType.NO_SEARCH: "422: no searchable field is readable for you",
    ErrorType.FORMULA: "422: an imported value looks like a spreadsheet formula",
    ErrorType.FILE: "422: the uploaded file cannot be read: `problem` is not_multipart, "
                    "malformed, no_file_part, encoding, csv, empty, workbook or "
                    "untitled_column (`row`)",
    ErrorType.IMPORT_ROWS: "422: rows of an import have errors (the report is in details: "
                           "`rows`, `valid`, `errors`, `error_count`); nothing was imported",
    ErrorType.PRECONDITIONS: "422: a request's `preconditions` fail (each with `check`, "
                             "`code` — training_missing, probation, department_not_allowed, "
                             "role_conflict, function_missing… — `message` and `params`)",
}


class VouchError(Exception):
    status = 400
    code = "bad_request"
    default_type = ErrorType.BAD_REQUEST

    def __init__(self, message: str, details: dict[str, Any] | None = None, *,
                 type: ErrorType | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        self.error_type = type or self.default_type

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "type": self.error_type.value,
                          "message": self.message, "details": self.details}}


class NotAuthenticated(VouchError):
    status, code, default_type = 401, "not_authenticated", ErrorType.AUTH_REQUIRED


class FunctionDenied(VouchError):
    """The function layer denies: no active role grants the action on the object."""

    status, code, default_type = 403, "forbidden", ErrorType.FORBIDDEN_ACTION

    def __init__(self, obj: str, action: str) -> None:
        super().__init__(f"not allowed to {action} {obj}", {"object": obj, "action": action})
        self.object, self.action = obj, action


class RecordActionDenied(FunctionDenied):
    """The actor can view the record but the action's scope misses it: hiding the record
    (404) would protect nothing, so 403 names the action and the record."""

    default_type = ErrorType.FORBIDDEN_RECORD_ACTION

    def __init__(self, obj: str, action: str, record_id: int) -> None:
        super().__init__(obj, action)
        self.message = f"not allowed to {action} {obj} {record_id}"
        self.args = (self.message,)
        self.details["id"] = record_id


class PermissionDenied(VouchError):
    """A system permission is missing."""

    status, code, default_type = 403, "forbidden", ErrorType.FORBIDDEN_PERMISSION

    def __init__(self, permission: str) -> None:
        super().__init__(f"requires the system permission {permission}",
                         {"permission": permission})
        self.permission = permission


class FieldDenied(VouchError):
    status, code, default_type = 403, "field_forbidden", ErrorType.FORBIDDEN_FIELD

    def __init__(self, obj: str, field: str, level: str, purpose: str) -> None:
        super().__init__(
            f"field {obj}.{field} is {level} for you and cannot be used to {purpose}",
            {"object": obj, "field": field, "level": level, "purpose": purpose},
        )
        self.object, self.field, self.level, self.purpose = obj, field, level, purpose


class NotFound(VouchError):
    """Record layer or restriction denies, or the record does not exist: one answer."""

    status, code, default_type = 404, "not_found", ErrorType.NOT_FOUND

    def __init__(self, obj: str, record_id: object) -> None:
        super().__init__(f"{obj} {record_id} not found", {"object": obj, "id": record_id})


class Conflict(VouchError):
    status, code, default_type = 409, "conflict", ErrorType.CONFLICT


class Invalid(VouchError):
    """Bad input: details name the field(s)."""

    status, code, default_type = 422, "invalid", ErrorType.INVALID

    def __init__(self, message: str, field: str | None = None, *,
                 type: ErrorType | None = None, **details: Any) -> None:
        if field is not None:
            details["field"] = field
        super().__init__(message, details, type=type)
        self.field = field


def is_denial(exc: VouchError) -> bool:
    """A refused authorization (audited as `access.denied`): a function, system-permission
    or field refusal, or a record the actor may not see (404 for a record object)."""
    from vouch.catalog import OBJECT_NAMES

    if isinstance(exc, FunctionDenied | PermissionDenied | FieldDenied):
        return True
    return isinstance(exc, NotFound) and exc.details.get("object") in OBJECT_NAMES
