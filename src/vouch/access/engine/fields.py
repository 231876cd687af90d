"""Field security: levels per role and user, the record cap, masking, redaction, and the
checks on writing fields and on querying by them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vouch.access.engine.check import can
from vouch.access.engine.facts import RecordFacts, RoleFact
from vouch.access.engine.profile import AccessProfile
from vouch.catalog import (
    DEFAULT_LEVEL,
    QUERYABLE_SYSTEM_COLUMNS,
    FieldDef,
    FieldLevel,
    FieldType,
    Sensitivity,
    get_object,
)
from vouch.errors import FieldDenied, Invalid


@dataclass(frozen=True, slots=True)
class FieldLevelInfo:
    level: FieldLevel
    sources: tuple[str, ...]  # "role sales_rep: rule on contract.amount → read", …


def role_field_level(role: RoleFact, obj: str, f: FieldDef) -> tuple[FieldLevel, str]:
    """One role's level for a field: its rule for the field, else for the class, else default."""
    by_class = None
    for rule in role.field_rules:
        if rule.object != obj:
            continue
        if rule.field == f.name:
            return FieldLevel(rule.level), f"role {role.key}: rule on {obj}.{f.name}"
        if rule.field is None and rule.sensitivity == f.sensitivity:
            by_class = rule
    if by_class is not None:
        return FieldLevel(by_class.level), f"role {role.key}: rule on {obj} {f.sensitivity} fields"
    default = DEFAULT_LEVEL[Sensitivity(f.sensitivity)]
    return default, f"role {role.key}: default for {f.sensitivity}"


def object_field_levels(profile: AccessProfile, obj: str) -> Mapping[str, FieldLevelInfo]:
    """The user's level of every field of `obj` (the highest among active roles)."""
    hit = profile._field_cache.get(obj)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    out: dict[str, FieldLevelInfo] = {}
    for f in get_object(obj).fields:
        best, sources = FieldLevel.HIDDEN, []
        for role in profile.roles:
            level, why = role_field_level(role, obj, f)
            if level.rank > best.rank:
                best, sources = level, [why]
            elif level is best and level is not FieldLevel.HIDDEN:
                sources.append(why)
        out[f.name] = FieldLevelInfo(best, tuple(sources) or ("no active role opens it",))
    profile._field_cache[obj] = out
    return out


def record_field_levels(
    profile: AccessProfile, obj: str, record: RecordFacts, now: datetime
) -> dict[str, FieldLevel]:
    """Levels on one record: hidden when it cannot be viewed, capped at read when it cannot
    be edited."""
    if not can(profile, obj, "view", record, now):
        return {f.name: FieldLevel.HIDDEN for f in get_object(obj).fields}
    editable = bool(can(profile, obj, "edit", record, now))
    return capped_levels(object_field_levels(profile, obj), editable)


def capped_levels(levels: Mapping[str, FieldLevelInfo], editable: bool) -> dict[str, FieldLevel]:
    if editable:
        return {name: info.level for name, info in levels.items()}
    return {
        name: FieldLevel.READ if info.level is FieldLevel.EDIT else info.level
        for name, info in levels.items()
    }


def field_level(
    profile: AccessProfile, obj: str, field: str, record: RecordFacts | None, now: datetime
) -> FieldLevel:
    if record is None:
        return object_field_levels(profile, obj)[field].level
    return record_field_levels(profile, obj, record, now)[field]


def mask(f: FieldDef, value: Any) -> str | None:
    """A partial value that tells a person what kind of value is there, not the value."""
    if value is None:
        return None
    if f.type in (FieldType.DECIMAL, FieldType.INTEGER, FieldType.DATE, FieldType.DATETIME):
        return "***"
    text = str(value)
    if f.type is FieldType.PHONE:
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 8:
            return f"{digits[:3]}****{digits[-4:]}"
        return "****"
    if f.type is FieldType.EMAIL and "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(text) <= 2:
        return "*" * len(text)
    keep = max(1, len(text) // 6)
    return f"{text[:keep]}{'*' * min(8, len(text) - 2 * keep)}{text[-keep:]}"


def redact(
    obj: str, values: Mapping[str, Any], levels: Mapping[str, FieldLevel]
) -> dict[str, Any]:
    """Field values as the user may see them: hidden absent, masked masked, others as is."""
    odef = get_object(obj)
    out: dict[str, Any] = {}
    for name, value in values.items():
        f = odef.field_map.get(name)
        if f is None:
            out[name] = value  # system columns: not field-secured
            continue
        level = levels.get(name, FieldLevel.HIDDEN)
        if level is FieldLevel.HIDDEN:
            continue
        out[name] = mask(f, value) if level is FieldLevel.MASKED else value
    return out


def check_writable(obj: str, fields: Iterable[str], levels: Mapping[str, FieldLevel]) -> None:
    """Refuse (403 naming the field) a write of any field below edit; nothing is dropped."""
    odef = get_object(obj)
    for name in fields:
        if name not in odef.field_map:
            raise Invalid(f"unknown field {name!r} of {obj}", field=name)
        level = levels.get(name, FieldLevel.HIDDEN)
        if level is not FieldLevel.EDIT:
            raise FieldDenied(obj, name, level.value, "write")


QUERY_PURPOSES = ("filter", "sort", "search", "group", "sum")


def check_queryable(
    profile: AccessProfile, obj: str, **uses: Iterable[str]
) -> None:
    """Filtering, sorting, searching, grouping or summing by a field needs at least read.

    `uses` maps a purpose (filter, sort, search, group, sum) to field names."""
    odef = get_object(obj)
    levels = object_field_levels(profile, obj)
    for purpose, names in uses.items():
        if purpose not in QUERY_PURPOSES:
            raise ValueError(f"unknown query purpose {purpose}")
        for name in names:
            if name in QUERYABLE_SYSTEM_COLUMNS:
                continue
            if name not in odef.field_map:
                raise Invalid(f"unknown field {name!r} of {obj}", field=name)
            level = levels[name].level
            if level.rank < FieldLevel.READ.rank:
                raise FieldDenied(obj, name, level.value, purpose)


def readable_fields(profile: AccessProfile, obj: str) -> tuple[str, ...]:
    levels = object_field_levels(profile, obj)
    return tuple(n for n, i in levels.items() if i.level.rank >= FieldLevel.READ.rank)
