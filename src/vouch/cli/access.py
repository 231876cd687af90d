"""vouch check · vouch matrix · vouch roles list/show"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin import explain_permission
from vouch.access.engine import explain, matrix
from vouch.access.models import Grant, Role, RolePermission
from vouch.access.service import load_record_facts, profile_for
from vouch.catalog import ACTIONS, OBJECT_ACTIONS, OBJECT_NAMES, SYSTEM_PERMISSIONS, get_object
from vouch.cli.common import (
    EXIT_DENIED,
    EXIT_OK,
    console,
    engine,
    fail,
    print_json,
    require_schema,
    user_by_name,
)
from vouch.types import utcnow

roles_app = typer.Typer(help="Roles and what they grant.", no_args_is_help=True)


def check(
    user: Annotated[str, typer.Argument(help="username")],
    action: Annotated[str, typer.Argument(help=f"one of {', '.join(ACTIONS)}, or a system "
                                          "permission")],
    obj: Annotated[str | None, typer.Argument(metavar="OBJECT",
                                              help=f"one of {', '.join(OBJECT_NAMES)}")] = None,
    record_id: Annotated[int | None, typer.Argument(help="the record's id")] = None,
    field: Annotated[str | None, typer.Option("--field", help="a field of the object")] = None,
    show_explain: Annotated[bool, typer.Option("--explain", help="show every layer")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """May USER do ACTION on OBJECT (record RECORD_ID, field FIELD)? Exit 0 allowed,
    1 denied, 2 bad input."""
    eng = engine()
    require_schema(eng)
    now = utcnow()
    with Session(eng) as session:
        u = user_by_name(session, user)
        profile = profile_for(session, u.id, now)
        if action in SYSTEM_PERMISSIONS and obj is None:
            result = {**explain_permission(profile, action), "user": user}
            _emit(result, as_json, show_explain)
            raise typer.Exit(EXIT_OK if result["allowed"] else EXIT_DENIED)
        if obj is None:
            fail("OBJECT is required for a record or object action")
        if action not in ACTIONS:
            fail(f"unknown action {action!r}; known: {', '.join(ACTIONS)} and the system "
                 f"permissions {', '.join(SYSTEM_PERMISSIONS)}")
        try:
            odef = get_object(obj)
        except LookupError as exc:
            fail(str(exc.args[0]) if exc.args else str(exc))
        if field is not None and field not in odef.field_map:
            fail(f"unknown field {field!r} of {obj}; known: {', '.join(odef.field_map)}")
        record = None
        if action not in OBJECT_ACTIONS and record_id is not None:
            record = load_record_facts(session, obj, record_id)
            if record is None:
                fail(f"no {obj} with id {record_id}")
        elif action not in OBJECT_ACTIONS and record_id is None and field is None:
            pass  # the answer then covers the function layer and the scope
        exp = explain(profile, obj, action, record, now, field)
        result = {**exp.as_dict(), "user": user}
        _emit(result, as_json, show_explain)
        raise typer.Exit(EXIT_OK if exp.allowed else EXIT_DENIED)


def _emit(result: dict[str, object], as_json: bool, show_explain: bool) -> None:
    if as_json:
        print_json(result)
        return
    verdict = "[green]ALLOWED[/green]" if result["allowed"] else "[red]DENIED[/red]"
    console.print(verdict + (f" (first denied: {result.get('first_denied')})"
                             if not result["allowed"] and result.get("first_denied") else ""))
    layers = result["layers"]
    assert isinstance(layers, list)
    for layer in layers:
        if show_explain or not layer["allowed"]:
            mark = "[green]✓[/green]" if layer["allowed"] else "[red]✗[/red]"
            console.print(f" {mark} {layer['layer']:<12} {layer['reason']}", highlight=False)
            if show_explain:
                for src in layer.get("sources", []):
                    console.print(f"     · {src}", highlight=False)


def matrix_cmd(
    user: Annotated[str, typer.Argument(help="username")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """USER's effective permissions: scopes per object and action with their roles, and
    field levels with their sources."""
    eng = engine()
    require_schema(eng)
    now = utcnow()
    with Session(eng) as session:
        u = user_by_name(session, user)
        m = matrix(profile_for(session, u.id, now))
    if as_json:
        print_json(m)
        return
    roles = ", ".join(f"{r['name']} ({r['key']})" + (f" until {r['expires_at']}"
                                                     if r["expires_at"] else "")
                      for r in m["roles"]) or "none"
    console.print(f"[bold]{u.display_name}[/bold] ({u.username}) · roles: {roles}")
    console.print(f"system permissions: {', '.join(m['system_permissions']) or 'none'}")
    table = Table("object", *ACTIONS, title="record scope per action")
    for obj, entry in m["objects"].items():
        cells = []
        for action in ACTIONS:
            a = entry["actions"][action]
            cells.append("+".join(a["scopes"]) if a["granted"] else "·")
        table.add_row(obj, *cells)
    console.print(table)
    fields = Table("object", "field", "level", "from", title="sensitive fields")
    for obj, entry in m["objects"].items():
        odef = get_object(obj)
        for name, info in entry["fields"].items():
            if odef.field_map[name].sensitivity != "normal":
                fields.add_row(obj, name, info["level"], "; ".join(info["sources"]))
    console.print(fields)


@roles_app.command("list")
def roles_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every role with its number of grants and system permissions."""
    eng = engine()
    require_schema(eng)
    with Session(eng) as session:
        rows: list[dict[str, Any]] = []
        for role in session.scalars(select(Role).order_by(Role.id)):
            grants = session.scalars(select(Grant).where(Grant.role_id == role.id)).all()
            perms = session.scalars(select(RolePermission.permission)
                                    .where(RolePermission.role_id == role.id)).all()
            rows.append({"key": role.key, "name": role.name, "name_en": role.name_en,
                         "grants": len(grants), "system_permissions": sorted(perms),
                         "delegable": role.delegable})
    if as_json:
        print_json(rows)
        return
    table = Table("key", "name", "grants", "system permissions", "delegable")
    for r in rows:
        table.add_row(r["key"], f"{r['name']} / {r['name_en']}", str(r["grants"]),
                      ", ".join(r["system_permissions"]) or "—", "yes" if r["delegable"] else "no")
    console.print(table)


@roles_app.command("show")
def roles_show(
    role: Annotated[str, typer.Argument(help="the role's key")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A role's grants (object × action → scope), field rules and system permissions."""
    from vouch.access.models import FieldRule

    eng = engine()
    require_schema(eng)
    with Session(eng) as session:
        r = session.scalars(select(Role).where(Role.key == role)).first()
        if r is None:
            fail(f"unknown role {role!r}")
        grants = {(g.object, g.action): g.scope
                  for g in session.scalars(select(Grant).where(Grant.role_id == r.id))}
        rules = [{"object": f.object, "field": f.field, "class": f.sensitivity, "level": f.level}
                 for f in session.scalars(select(FieldRule).where(FieldRule.role_id == r.id)
                                          .order_by(FieldRule.object, FieldRule.id))]
        perms = sorted(session.scalars(select(RolePermission.permission)
                                       .where(RolePermission.role_id == r.id)))
    data = {"key": r.key, "name": r.name, "name_en": r.name_en, "description": r.description,
            "delegable": r.delegable, "system_permissions": perms,
            "grants": [{"object": o, "action": a, "scope": s} for (o, a), s in grants.items()],
            "field_rules": rules}
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{r.name}[/bold] / {r.name_en} ({r.key}) — {r.description or ''}")
    console.print(f"system permissions: {', '.join(perms) or 'none'}; "
                  f"delegable: {'yes' if r.delegable else 'no'}")
    table = Table("object", *ACTIONS)
    for obj in OBJECT_NAMES:
        if any((obj, a) in grants for a in ACTIONS):
            table.add_row(obj, *(grants.get((obj, a), "·") for a in ACTIONS))
    console.print(table)
    if rules:
        ft = Table("object", "field / class", "level")
        for fr in rules:
            ft.add_row(fr["object"], fr["field"] or f"[{fr['class']}]", fr["level"])
        console.print(ft)
