"""The catalog as the actor sees it: objects, fields (with their choices' labels), allowed
actions and levels."""

from __future__ import annotations

from typing import Any

from vouch.access.engine import capped_levels, object_field_levels
from vouch.catalog import (
    OBJECTS,
    ORDERED_TYPES,
    QUERYABLE_SYSTEM_COLUMNS,
    RECORD_ACTIONS,
    SYSTEM_COLUMNS,
    TEXT_TYPES,
    FieldLevel,
    FieldType,
)
from vouch.context import RequestContext


def _filter_ops(ftype: FieldType) -> list[str]:
    ops = ["eq", "ne", "in", "not_in", "is_null"]
    if ftype in ORDERED_TYPES:
        ops += ["lt", "le", "gt", "ge"]
    if ftype in TEXT_TYPES:
        ops.append("contains")
    return ops


def catalog_for(ctx: RequestContext) -> dict[str, Any]:
    """Every object and field, with what the actor may do: allowed actions and their
    scopes, and each field's level (hidden fields are listed with level hidden; a field
    is at most read when no edit is granted) and whether a new record may set it."""
    objects = []
    for odef in OBJECTS:
        levels = object_field_levels(ctx.profile, odef.name)
        allowed = [a for a in (*RECORD_ACTIONS, "create", "import")
                   if ctx.profile.access(odef.name, a).granted]
        shown = capped_levels(levels, "edit" in allowed)
        objects.append({
            "name": odef.name, "plural": odef.plural, "label_zh": odef.label_zh,
            "label_en": odef.label_en, "title_field": odef.title_field,
            "actions": allowed,
            "scopes": {a: sorted(ctx.profile.access(odef.name, a).scopes)
                       for a in RECORD_ACTIONS if a in allowed},
            "system_fields": list(SYSTEM_COLUMNS),
            "queryable_system_fields": list(QUERYABLE_SYSTEM_COLUMNS),
            "fields": [{
                "name": f.name, "type": f.type.value, "label_zh": f.label_zh,
                "label_en": f.label_en, "sensitivity": f.sensitivity.value,
                "required": f.required, "max_length": f.max_length,
                "choices": list(f.choices),
                "choice_labels": {c: dict(zip(("label_zh", "label_en"), f.choice_label(c),
                                              strict=True)) for c in f.choices},
                "ref": f.ref, "searchable": f.searchable,
                "level": shown[f.name].value,
                "writable_on_create": "create" in allowed
                and levels[f.name].level is FieldLevel.EDIT,
                "filter_ops": _filter_ops(f.type),
            } for f in odef.fields],
        })
    return {"objects": objects}
