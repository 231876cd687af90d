"""The rule condition language (JSON), validated against the catalog.

    {"field": F, "op": OP, "value": V}          OP: eq ne in not_in lt le gt ge contains is_null
    {"and": [C, ...]} · {"or": [C, ...]} · {"not": C}
    {"relation": "owner_in_department" | "record_in_department",
     "department": D, "subtree": true|false}

F is a catalog field of the object, or owner_id / department_id. Logic is two-valued: a
comparison with a NULL value is false (ne and not_in too); only is_null sees NULLs.
Errors name the offending part by its JSON path (`$.and[1].op`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from vouch.access.engine.predicate import (
    DepartmentIn,
    FieldTest,
    Not,
    OwnerDepartmentIn,
    Pred,
    all_of,
    any_of,
)
from vouch.catalog import ORDERED_TYPES, TEXT_TYPES, FieldType, get_object

OPS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "contains", "is_null")
RELATIONS = ("owner_in_department", "record_in_department")
MAX_DEPTH = 12
MAX_LIST = 1000


class ConditionError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def subtree_ids(parents: Mapping[int, int | None], root: int) -> frozenset[int]:
    """`root` and every department below it, from a child → parent map."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    out, stack = {root}, [root]
    while stack:
        for c in children.get(stack.pop(), ()):
            if c not in out:
                out.add(c)
                stack.append(c)
    return frozenset(out)


def parse_condition(
    obj: str, cond: Any, departments: Mapping[int, int | None] | None = None
) -> Pred:
    """Validate `cond` for object `obj` and turn it into a predicate.

    `departments` (child → parent) resolves subtrees for the Python evaluator; without it
    the condition is only validated (known departments are then the caller's check).
    """
    return _Parser(obj, departments).parse(cond, "$", 0)


class _Parser:
    def __init__(self, obj: str, departments: Mapping[int, int | None] | None) -> None:
        self.odef = get_object(obj)
        self.departments = departments

    def parse(self, cond: Any, path: str, depth: int) -> Pred:
        if depth > MAX_DEPTH:
            raise ConditionError(path, f"nested deeper than {MAX_DEPTH} levels")
        if not isinstance(cond, dict):
            raise ConditionError(path, "a condition must be a JSON object")
        keys = set(cond)
        if keys in ({"and"}, {"or"}):
            key = keys.pop()
            items = cond[key]
            if not isinstance(items, list) or not items:
                raise ConditionError(f"{path}.{key}", "must be a non-empty list of conditions")
            parsed = [self.parse(c, f"{path}.{key}[{i}]", depth + 1) for i, c in enumerate(items)]
            return all_of(parsed) if key == "and" else any_of(parsed)
        if keys == {"not"}:
            return Not(self.parse(cond["not"], f"{path}.not", depth + 1))
        if "relation" in keys:
            return self.relation(cond, path)
        if "field" in keys or "op" in keys:
            return self.leaf(cond, path)
        raise ConditionError(
            path, "expected one of field/op/value, and, or, not, relation; got "
            + (", ".join(sorted(keys)) or "an empty object")
        )

    def relation(self, cond: dict[str, Any], path: str) -> Pred:
        extra = set(cond) - {"relation", "department", "subtree"}
        if extra:
            raise ConditionError(path, f"unknown key(s) {', '.join(sorted(extra))}")
        rel = cond["relation"]
        if rel not in RELATIONS:
            raise ConditionError(f"{path}.relation", f"unknown relation {rel!r}; known: "
                                 + ", ".join(RELATIONS))
        dept = cond.get("department")
        if not isinstance(dept, int) or isinstance(dept, bool):
            raise ConditionError(f"{path}.department", "must be a department id (integer)")
        subtree = cond.get("subtree", False)
        if not isinstance(subtree, bool):
            raise ConditionError(f"{path}.subtree", "must be true or false")
        if self.departments is not None and dept not in self.departments:
            raise ConditionError(f"{path}.department", f"no department with id {dept}")
        ids = self._ids(dept, subtree)
        if rel == "owner_in_department":
            return OwnerDepartmentIn(dept, subtree, ids)
        return DepartmentIn(dept, subtree, ids)

    def _ids(self, dept: int, subtree: bool) -> frozenset[int]:
        if not subtree or self.departments is None:
            return frozenset({dept})
        return subtree_ids(self.departments, dept)

    def leaf(self, cond: dict[str, Any], path: str) -> Pred:
        extra = set(cond) - {"field", "op", "value"}
        if extra:
            raise ConditionError(path, f"unknown key(s) {', '.join(sorted(extra))}")
        name = cond.get("field")
        if name in ("owner_id", "department_id", "id"):
            ftype = FieldType.REFERENCE
        elif isinstance(name, str) and name in self.odef.field_map:
            ftype = self.odef.field_map[name].type
        else:
            known = ", ".join(("owner_id", "department_id", *self.odef.field_map))
            raise ConditionError(f"{path}.field", f"unknown field {name!r} of {self.odef.name}; "
                                 f"known: {known}")
        op = cond.get("op")
        if op not in OPS:
            raise ConditionError(f"{path}.op", f"unknown op {op!r}; known: {', '.join(OPS)}")
        if "value" not in cond:
            raise ConditionError(f"{path}.value", "is required")
        raw = cond["value"]
        vpath = f"{path}.value"
        if op == "is_null":
            if not isinstance(raw, bool):
                raise ConditionError(vpath, "is_null takes true or false")
            return FieldTest(name, op, raw)
        if op in ("lt", "le", "gt", "ge") and ftype not in ORDERED_TYPES:
            raise ConditionError(f"{path}.op", f"{op} needs a number or date field; "
                                 f"{name} is {ftype.value}")
        if op == "contains":
            if ftype not in TEXT_TYPES:
                raise ConditionError(f"{path}.op", f"contains needs a text field; "
                                     f"{name} is {ftype.value}")
            if not isinstance(raw, str) or not raw:
                raise ConditionError(vpath, "contains takes a non-empty string")
            return FieldTest(name, op, raw)
        if op in ("in", "not_in"):
            if not isinstance(raw, list) or not raw or len(raw) > MAX_LIST:
                raise ConditionError(vpath, f"{op} takes a list of 1 to {MAX_LIST} values")
            values = tuple(
                self._value(name, ftype, v, f"{vpath}[{i}]") for i, v in enumerate(raw)
            )
            return FieldTest(name, op, tuple(dict.fromkeys(values)))
        return FieldTest(name, op, self._value(name, ftype, raw, vpath))

    def _value(self, name: str, ftype: FieldType, raw: Any, path: str) -> Any:
        if raw is None:
            raise ConditionError(path, "null is not a value; use op is_null")
        try:
            return coerce_value(self.odef.name, name, ftype, raw)
        except ValueError as exc:
            raise ConditionError(path, str(exc)) from None


# The storage ranges (records/models.py: Integer, Numeric(16, 2)): a value outside them can
# never match, and the databases would refuse to compare with it.
INT_MAX = 2**31 - 1
DECIMAL_LIMIT = Decimal(10) ** 14


def coerce_value(obj: str, name: str, ftype: FieldType, raw: Any) -> Any:
    """A JSON value as the Python value stored in a field of type `ftype`."""
    if isinstance(raw, bool):
        raise ValueError(f"{name} does not take true/false")
    match ftype:
        case FieldType.INTEGER | FieldType.REFERENCE:
            if isinstance(raw, int):
                if abs(raw) > INT_MAX:
                    raise ValueError(f"{name} takes an integer between {-INT_MAX} and {INT_MAX}")
                return raw
            raise ValueError(f"{name} takes an integer")
        case FieldType.DECIMAL:
            if isinstance(raw, (int, str, float)):
                try:
                    value = Decimal(str(raw))
                except InvalidOperation:
                    raise ValueError(f"{name} takes a decimal number") from None
                if not value.is_finite() or abs(value) >= DECIMAL_LIMIT:
                    raise ValueError(f"{name} takes a number below {DECIMAL_LIMIT:,} in size")
                return value.quantize(Decimal("0.01"))
            raise ValueError(f"{name} takes a decimal number")
        case FieldType.DATE:
            if isinstance(raw, str):
                try:
                    return dt.date.fromisoformat(raw)
                except ValueError:
                    pass
            raise ValueError(f"{name} takes a date YYYY-MM-DD")
        case FieldType.DATETIME:
            if isinstance(raw, str):
                try:
                    stamp = dt.datetime.fromisoformat(raw)
                except ValueError:
                    stamp = None
                if stamp is not None and stamp.tzinfo is not None:
                    return stamp.astimezone(dt.UTC)
            raise ValueError(f"{name} takes an ISO date-time with a time zone")
        case FieldType.ENUM:
            choices = get_object(obj).field_map[name].choices
            if raw in choices:
                return raw
            raise ValueError(f"{raw!r} is not one of {', '.join(choices)}")
        case _:
            if isinstance(raw, str):
                if "\x00" in raw:
                    raise ValueError(f"{name} cannot contain a NUL character")
                return raw
            raise ValueError(f"{name} takes a string")
