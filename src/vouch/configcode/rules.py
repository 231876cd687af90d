"""Sharing and restriction rules in the document: canonical items, read from the
database, and checked with the admin API's validators (`validate_condition`,
`validate_principals`) after their keys are turned into ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import clean_choice, clean_name, clean_text
from vouch.access.admin.rules import RULE_KINDS, validate_condition, validate_principals
from vouch.catalog import OBJECT_NAMES, ShareAccess
from vouch.configcode.conditions import (
    condition_from_document,
    condition_to_document,
    principals_from_document,
    principals_to_document,
    sort_principals,
)
from vouch.configcode.keys import Directory
from vouch.configcode.problems import Problems, under

# document section → admin rule kind
RULE_SECTIONS = {"sharing_rules": "sharing", "restriction_rules": "restriction"}
COMMON_KEYS = ("name", "object", "active", "principals", "condition", "description")


def rule_keys(kind: str) -> tuple[str, ...]:
    return ("name", "object", "access", *COMMON_KEYS[2:]) if kind == "sharing" else COMMON_KEYS


def rule_item(kind: str, name: str, obj: str, access: str | None, active: bool,
              principals: list[Any], condition: Any, description: str | None
              ) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "object": obj}
    if kind == "sharing":
        item["access"] = access
    item |= {"active": active, "principals": principals, "condition": condition,
             "description": description}
    return item


def live_rules(session: Session, kind: str, d: Directory) -> list[dict[str, Any]]:
    """Every stored rule of `kind` as its canonical item (names may repeat in the
    database; the caller pairs them by name)."""
    model, _label = RULE_KINDS[kind]
    return [rule_item(kind, r.name, r.object, getattr(r, "access", None), r.active,
                      principals_to_document(r.principals, d),
                      condition_to_document(r.condition, d), r.description)
            for r in session.scalars(select(model).order_by(model.name, model.id))]


@dataclass
class RuleIn:
    """A rule of the document, checked: its canonical item and the values to write
    (principals naming a role the import adds get that role's id when it is written)."""

    path: str
    item: dict[str, Any]
    values: dict[str, Any]  # name, object, condition (ids), active, description[, access]
    principals: list[dict[str, Any]]  # kind, id (None: a role not written yet), key


def parse_rule(raw: object, kind: str, path: str, session: Session, d: Directory,
               problems: Problems) -> RuleIn | None:
    before = len(problems.items)
    if not isinstance(raw, Mapping):
        problems.add(path, "a rule must be a mapping (name, object, condition, …)",
                     "validation.format", expected="object")
        return None
    allowed = rule_keys(kind)
    for k in sorted(set(map(str, raw)) - set(allowed)):
        problems.add(f"{path}.{k}", f"unknown key {k!r}; a {kind} rule has "
                     f"{', '.join(allowed)}", "validation.unknown")
    name = obj = access = None
    with problems.catch(under(f"{path}.name", "name")):
        name = clean_name(raw.get("name"), "name")
    with problems.catch(under(f"{path}.object", "object")):
        obj = clean_choice(raw.get("object"), OBJECT_NAMES, "object", "object")
    if kind == "sharing":
        with problems.catch(under(f"{path}.access", "access")):
            access = clean_choice(raw.get("access"), [a.value for a in ShareAccess],
                                  "access", "access")
    active = raw.get("active", True)
    if not isinstance(active, bool):
        problems.add(f"{path}.active", "must be true or false", "validation.format",
                     expected="boolean")
    description = None
    with problems.catch(under(f"{path}.description", "description")):
        description = clean_text(raw.get("description"), "description", required=False,
                                 limit=4000)
    condition = None
    if obj is not None:
        unknown_keys = len(problems.items)
        condition = condition_from_document(raw.get("condition"), d, problems,
                                            f"{path}.condition")
        if len(problems.items) == unknown_keys:
            with problems.catch(under(f"{path}.condition", "condition")):
                validate_condition(session, obj, condition)
    principals = principals_from_document(raw.get("principals"), d, problems,
                                          f"{path}.principals")
    if principals is not None:
        check_principals(session, principals, f"{path}.principals", problems)
    if len(problems.items) > before or name is None or obj is None or principals is None:
        return None
    values: dict[str, Any] = {"name": name, "object": obj, "condition": condition,
                              "active": active, "description": description}
    if kind == "sharing":
        values["access"] = access
    item = rule_item(kind, name, obj, access, active, principals_as_keys(principals, d),
                     condition_to_document(condition, d), description)
    return RuleIn(path, item, values, principals)


def check_principals(session: Session, principals: list[dict[str, Any]], path: str,
                     problems: Problems) -> list[dict[str, Any]] | None:
    """The admin validator on the principals that have ids (a role the import adds is
    checked by its key: it is one of the document's roles)."""
    stored = [(i, {"kind": p["kind"], **({"id": p["id"]} if "id" in p else {})})
              for i, p in enumerate(principals) if p.get("id") is not None or p["kind"] == "all"]
    index = [i for i, _p in stored]

    def remap(p: str) -> str:
        if p.startswith("principals["):
            n, rest = p[len("principals["):].split("]", 1)
            return f"{path}[{index[int(n)]}]{rest}"
        return path
    keys = [(p["kind"], p.get("key")) for p in principals]
    for i, k in enumerate(keys):
        if k in keys[:i]:
            problems.add(f"{path}[{i}]", "named twice", "validation.duplicate",
                         other=f"{path}[{keys.index(k)}]")
            return None
    if not stored:
        return []
    with problems.catch(remap):
        return validate_principals(session, [p for _i, p in stored])
    return None


def principals_as_keys(principals: list[dict[str, Any]], d: Directory) -> list[Any]:
    """The canonical keys (a path as the directory spells it), a new role by its key."""
    out: list[Any] = []
    for p in principals:
        if p["kind"] != "all" and p.get("id") is None:
            out.append({p["kind"]: p["key"]})
        else:
            out += principals_to_document([{"kind": p["kind"], "id": p.get("id")}], d)
    return sort_principals(out)
