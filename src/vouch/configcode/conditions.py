"""Rule conditions and principals between the stored form (ids) and the document's
(keys).

In a condition, the values compared with `owner_id` are usernames and those compared with
`department_id` are department paths, and a relation names its `department` by path; the
rest of the condition language is the admin API's unchanged (operators, and/or/not,
values of record fields). A principal is `all` or a one-key mapping: `user: <username>`,
`role: <role key>`, `department: <path>` or `department_tree: <path>`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vouch.configcode.keys import Directory, UnknownKey
from vouch.configcode.problems import Problems

PRINCIPAL_KINDS = ("user", "role", "department", "department_tree")
_PRINCIPAL_ORDER = {"all": 0, **{k: i + 1 for i, k in enumerate(PRINCIPAL_KINDS)}}
KEYED_FIELDS = ("owner_id", "department_id")

Translate = Callable[[object], object]


# --- stored → document ----------------------------------------------------------------------


def condition_to_document(cond: Any, d: Directory) -> Any:
    return _walk(cond, {"owner_id": d.username, "department_id": d.department_path},
                 d.department_path)


def principals_to_document(principals: Any, d: Directory) -> list[Any]:
    out: list[Any] = []
    for p in principals or []:
        kind = p.get("kind") if isinstance(p, dict) else None
        if kind == "all":
            out.append("all")
        elif kind in ("user",):
            out.append({"user": d.username(p.get("id"))})
        elif kind == "role":
            out.append({"role": d.role_key(p.get("id"))})
        elif kind in ("department", "department_tree"):
            out.append({kind: d.department_path(p.get("id"))})
        else:  # a stored shape this version does not know: shown as it is
            out.append(p)
    return sort_principals(out)


def sort_principals(principals: list[Any]) -> list[Any]:
    """Principals are a set: one order (all, users, roles, departments, trees, by key)."""
    def key(p: Any) -> tuple[int, str]:
        if p == "all":
            return (0, "")
        if isinstance(p, dict) and len(p) == 1:
            (kind, value), = p.items()
            return (_PRINCIPAL_ORDER.get(kind, 9), str(value))
        return (9, repr(p))
    return sorted(principals, key=key)


# --- document → stored --------------------------------------------------------------------


def condition_from_document(cond: Any, d: Directory, problems: Problems, path: str) -> Any:
    """The condition with keys turned into ids; each unknown key is a problem at its path
    (the condition's shape is left to the admin validator)."""
    def lookup(resolve: Callable[[object], int]) -> Callable[[object, str], object]:
        def one(value: object, where: str) -> object:
            try:
                return resolve(value)
            except UnknownKey as exc:
                problems.add(where, exc.message, exc.type)
                return None
        return one

    return _walk_in(cond, path, {"owner_id": lookup(d.user_id),
                                 "department_id": lookup(d.department_id)},
                    lookup(d.department_id))


def principals_from_document(raw: Any, d: Directory, problems: Problems, path: str
                             ) -> list[dict[str, Any]] | None:
    """`[{"kind", "id"}]` as the admin API takes them; a role the import adds has id None
    until it is written. None when the list itself is malformed."""
    if not isinstance(raw, list) or not raw:
        problems.add(path, "must be a non-empty list of principals (all, or user:, role:, "
                     "department:, department_tree: with a key)", "validation.count")
        return None
    out: list[dict[str, Any]] = []
    for i, p in enumerate(raw):
        where = f"{path}[{i}]"
        if p == "all":
            out.append({"kind": "all"})
            continue
        if not isinstance(p, dict) or len(p) != 1 or next(iter(p)) not in PRINCIPAL_KINDS:
            problems.add(where, "a principal is all, or one of user:, role:, department:, "
                         f"department_tree: with a key; got {p!r}", "validation.format")
            continue
        (kind, key), = p.items()
        resolve: Callable[[object], int | None] = {
            "user": d.user_id, "role": d.role_id, "department": d.department_id,
            "department_tree": d.department_id}[kind]
        try:
            out.append({"kind": kind, "id": resolve(key), "key": key})
        except UnknownKey as exc:
            problems.add(f"{where}.{kind}", exc.message, exc.type)
    return out


# --- walking ----------------------------------------------------------------------------------


def _walk(cond: Any, fields: dict[str, Translate], relation: Translate) -> Any:
    if isinstance(cond, list):
        return [_walk(c, fields, relation) for c in cond]
    if not isinstance(cond, dict):
        return cond
    out = {k: _walk(v, fields, relation) for k, v in cond.items()}
    if "relation" in cond and "department" in cond:
        out["department"] = relation(cond["department"])
    name = cond.get("field")
    if isinstance(name, str) and name in fields and "value" in cond and cond.get("op") != "is_null":
        value = cond["value"]
        out["value"] = ([fields[name](v) for v in value] if isinstance(value, list)
                        else fields[name](value))
    return out


def _walk_in(cond: Any, path: str, fields: dict[str, Callable[[object, str], object]],
             relation: Callable[[object, str], object]) -> Any:
    if isinstance(cond, list):
        return [_walk_in(c, f"{path}[{i}]", fields, relation) for i, c in enumerate(cond)]
    if not isinstance(cond, dict):
        return cond
    out = {k: _walk_in(v, f"{path}.{k}", fields, relation) for k, v in cond.items()}
    if "relation" in cond and "department" in cond:
        out["department"] = relation(cond["department"], f"{path}.department")
    name = cond.get("field")
    if isinstance(name, str) and name in fields and "value" in cond and cond.get("op") != "is_null":
        value, where = cond["value"], f"{path}.value"
        out["value"] = ([fields[name](v, f"{where}[{i}]") for i, v in enumerate(value)]
                        if isinstance(value, list) else fields[name](value, where))
    return out
