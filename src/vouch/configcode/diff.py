"""What an import would change: per item added, changed or removed, and for a changed
item each field that differs (`grants.customer.edit: own → (absent)`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ABSENT = "(absent)"


@dataclass(frozen=True)
class FieldChange:
    path: str  # inside the item: `grants.customer.edit`, `name.en`, `principals`
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


@dataclass
class ItemChange:
    """One item of a section that the import adds, changes or removes. `key` is the
    item's identity in the document (role key, rule name, policy's role, pair, setting)."""

    section: str
    key: str
    change: str  # added, changed, removed
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[FieldChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "key": self.key, "change": self.change,
                "fields": [f.as_dict() for f in self.fields], "notes": self.notes,
                "before": self.before, "after": self.after}


def flatten(item: Any, prefix: str = "") -> dict[str, Any]:
    """Mappings flattened to dotted paths; lists, conditions and scalars are leaves (a
    condition or a list of principals is compared, and shown, whole)."""
    if not isinstance(item, dict) or not item or prefix.endswith("condition"):
        return {prefix: item}
    out: dict[str, Any] = {}
    for key, value in item.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value and key != "condition":
            out |= flatten(value, path)
        else:
            out[path] = value
    return out


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    old, new = flatten(before), flatten(after)
    changes = []
    for path in [*old, *(p for p in new if p not in old)]:
        a, b = old.get(path, ABSENT), new.get(path, ABSENT)
        if a == b or (_empty(a) and _empty(b)):
            continue
        changes.append(FieldChange(path, a, b))
    return changes


def _empty(value: Any) -> bool:
    return bool(value == ABSENT or value == {} or value == [])


def diff_section(section: str, live: dict[str, dict[str, Any]],
                 desired: dict[str, dict[str, Any]]) -> list[ItemChange]:
    """Items in document order: changed and added as the document has them, then the
    removed ones in the live order."""
    out: list[ItemChange] = []
    for key, item in desired.items():
        if key not in live:
            out.append(ItemChange(section, key, "added", None, item, field_changes({}, item)))
        elif live[key] != item:
            out.append(ItemChange(section, key, "changed", live[key], item,
                                  field_changes(live[key], item)))
    for key, item in live.items():
        if key not in desired:
            out.append(ItemChange(section, key, "removed", item, None,
                                  field_changes(item, {})))
    return out


def counts(changes: list[ItemChange]) -> dict[str, int]:
    out = {"added": 0, "changed": 0, "removed": 0}
    for c in changes:
        out[c.change] += 1
    return out
