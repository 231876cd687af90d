"""Importing rows: each validated as a create would be; all created, or none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from vouch.access.engine import RecordFacts, can
from vouch.audit import service as audit
from vouch.catalog import TEXT_TYPES, ObjectDef, get_object
from vouch.context import RequestContext
from vouch.errors import ErrorType, FunctionDenied, Invalid, VouchError
from vouch.org.models import User
from vouch.records.sensitive_reads import READ_AUDIT_IDS
from vouch.records.use_case import atomic, require_function
from vouch.records.values import MAX_ID, check_values, reference_problems
from vouch.records.writing import insert_records

IMPORT_ERRORS_SHOWN = 1000


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula: `=`, `@`, a tab or CR first, or `+`/`-`
    first unless the whole value is a number or phone number (`-5`, `+86 138-0000-1111`)."""
    if not text:
        return False
    if text[0] in "=@\t\r":
        return True
    if text[0] in "+-":
        return not (len(text) > 1 and text[1].isdigit()
                    and all(c.isdigit() or c in " ().-" for c in text[2:]))
    return False


def import_records(
    ctx: RequestContext, obj: str, rows: Sequence[tuple[int, Mapping[str, Any]]], *,
    dry_run: bool, source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate every row as `create_record` would (types, required fields, choices, field
    levels, references the importer can view, owners as transfers) and report per row;
    unless `dry_run`, create all rows in one transaction, or none when any row is wrong
    (422 with the report). `rows` are (row number in the file, values); an empty value
    means "not given"."""
    odef = get_object(obj)
    require_function(ctx, obj, "import")
    require_function(ctx, obj, "create")
    errors: list[dict[str, Any]] = []
    good: list[tuple[int, dict[str, Any], dict[str, Any]]] = []

    def problem(num: int, exc: VouchError, field: str | None = None) -> None:
        errors.append({"row": num, "field": field or exc.details.get("field"),
                       "code": exc.code, "type": exc.error_type.value,
                       "message": exc.message, "details": exc.details})

    owners = _import_owners(ctx, rows)
    for num, raw in rows:
        values = {k: v for k, v in raw.items() if v is not None and v != ""}
        count = len(errors)
        for name, value in values.items():
            f = odef.field_map.get(name)
            if f is not None and f.type in TEXT_TYPES and isinstance(value, str) \
                    and looks_like_formula(value):
                problem(num, Invalid(f"row {num}, {name}: looks like a spreadsheet formula "
                                     "(formula injection); remove the leading character",
                                     field=name, type=ErrorType.FORMULA))
        system, clean, problems = check_values(ctx, odef, values, new=True)
        for exc in problems:
            problem(num, exc)
        if "owner_id" in system:
            owner_problem = _owner_problem(ctx, odef, clean, system["owner_id"], owners)
            if owner_problem is not None:
                problem(num, owner_problem, "owner_id")
        if len(errors) == count:
            good.append((num, clean, system))
    for index, exc in reference_problems(ctx, odef, [clean for _n, clean, _s in good]):
        problem(good[index][0], exc)
    bad_rows = {e["row"] for e in errors}
    good = [g for g in good if g[0] not in bad_rows]
    errors.sort(key=lambda e: e["row"])
    report: dict[str, Any] = {
        "object": obj, "dry_run": dry_run, "rows": len(rows), "valid": len(good),
        "errors": errors[:IMPORT_ERRORS_SHOWN], "error_count": len(errors),
    }
    if dry_run:
        return report
    if errors:
        raise Invalid(f"{len(bad_rows)} of {len(rows)} rows have errors; nothing was imported",
                      field="file", type=ErrorType.IMPORT_ROWS, **report)
    with atomic(ctx):
        created = insert_records(ctx, odef, [(clean, system) for _n, clean, system in good],
                                 reason="import")
        ids = [r.id for r in created]
        audit.record(ctx.session, ctx.origin, "record.import", object=obj, at=ctx.now,
                     details={**(source or {}), "rows": len(rows), "created": len(ids),
                              "ids": ids[:READ_AUDIT_IDS]})
    return {**report, "created": ids}


def _import_owners(ctx: RequestContext,
                   rows: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[int, User]:
    wanted = {r["owner_id"] for _n, r in rows
              if isinstance(r.get("owner_id"), int) and not isinstance(r["owner_id"], bool)
              and 1 <= r["owner_id"] <= MAX_ID}
    if not wanted:
        return {}
    users = ctx.session.scalars(select(User).where(User.id.in_(wanted), User.active))
    return {u.id: u for u in users}


def _owner_problem(ctx: RequestContext, odef: ObjectDef, clean: Mapping[str, Any],
                   owner_id: Any, owners: Mapping[int, User]) -> VouchError | None:
    """An owner other than the importer is a transfer of the record as first created
    (owned by the importer), as for `create_record`."""
    if owner_id == ctx.actor_id:
        return None
    if not isinstance(owner_id, int) or isinstance(owner_id, bool) or owner_id not in owners:
        return Invalid(f"owner_id: no active user {owner_id}", field="owner_id",
                       type=ErrorType.NO_SUCH, kind="user", id=owner_id)
    new = RecordFacts(id=0, owner_id=ctx.actor_id, department_id=ctx.actor_department_id,
                      owner_department_id=ctx.actor_department_id, values=dict(clean))
    if can(ctx.profile, odef.name, "transfer", new, ctx.now):
        return None
    if not ctx.profile.access(odef.name, "transfer").granted:
        return FunctionDenied(odef.name, "transfer")
    return Invalid(f"owner_id: you may not give this {odef.name} to another user",
                   field="owner_id", type=ErrorType.NOT_ALLOWED)
