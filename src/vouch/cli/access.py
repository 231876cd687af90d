"""vouch check · vouch matrix · vouch roles list/show · vouch access what-if"""

from __future__ import annotations

from pathlib import Path
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


# --- vouch access what-if ------------------------------------------------------------------

access_app = typer.Typer(help="Access administration: what a change would do.",
                         no_args_is_help=True)


def _change_from(file: Path | None, kind: str | None, op: str | None, target: int | None,
                 body: str | None) -> dict[str, Any]:
    """The change: a file holding the API's request ({"change": …} or the change itself),
    or --kind/--op/--id/--body."""
    import json

    if file is not None:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"cannot read {file}: {exc}")
        change = raw.get("change", raw) if isinstance(raw, dict) else None
        if not isinstance(change, dict):
            fail(f"{file} holds no change object")
        return change
    if kind is None or op is None:
        fail("give --file, or --kind and --op (with --id and --body as the change needs)")
    try:
        parsed = json.loads(body) if body else {}
    except ValueError as exc:
        fail(f"--body is not JSON: {exc}")
    return {"kind": kind, "op": op, "id": target, "body": parsed}


@access_app.command("what-if")
def what_if_cmd(
    as_user: Annotated[str, typer.Option("--as", help="who asks (needs manage_roles, or "
                                         "delegate_admin for an assignment)")],
    file: Annotated[Path | None, typer.Option("--file", help="a JSON file: the body of "
                                              "POST /api/v1/access/what-if")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="role, assignment, sharing_rule or restriction_rule")] = None,
    op: Annotated[str | None, typer.Option("--op", help="create, update or delete")] = None,
    target: Annotated[int | None, typer.Option("--id", help="what to update or delete")] = None,
    body: Annotated[str | None, typer.Option(
        "--body", help="the real endpoint's JSON body (reason and version included)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000,
                                       help="users listed at most")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="the API's answer as JSON")] = False,
) -> None:
    """What a proposed access change would do, per affected user, without saving it.
    Exit 0 with the answer; 2 when the change itself would be refused (the error said as
    the API says it)."""
    from pydantic import ValidationError
    from sqlalchemy.orm import Session as DbSession

    from vouch.access.whatif import parse_body, what_if
    from vouch.access.whatif.schemas import ChangeIn
    from vouch.context import RequestContext
    from vouch.errors import VouchError

    raw = _change_from(file, kind, op, target, body)
    eng = engine()
    require_schema(eng)
    try:
        change = ChangeIn.model_validate(raw)
        inner = parse_body(change.kind, change.op, change.body)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'change'}: {e['msg']}"
                       for e in exc.errors()))
    with DbSession(eng) as session:
        u = user_by_name(session, as_user)
        ctx = RequestContext.for_user(session, u.id, utcnow())
        try:
            answer = what_if(ctx, change.kind, change.op, change.id, inner, limit=limit)
        except VouchError as exc:
            if as_json:
                print_json(exc.body())
            fail(f"{exc.status} {exc.message}")
        finally:
            session.rollback()
    if as_json:
        print_json(answer)
        return
    _print_answer(answer)


def _scopes_text(scopes: list[str]) -> str:
    return "+".join(scopes) if scopes else "·"


def _print_answer(answer: dict[str, Any]) -> None:
    t = answer["totals"]
    c = answer["change"]
    console.print(f"[bold]{c['kind']} {c['op']}[/bold]"
                  + (f" #{c['id']}" if c["id"] else "")
                  + f" at policy version {answer['policy_version']}: "
                  f"{t['changed']} of {t['users']} user(s) affected, {t['unchanged']} "
                  "unchanged", highlight=False)
    for note in answer["notes"]:
        console.print(f"note: {note['message']}", highlight=False)
    if t["records"]:
        console.print("records: " + ", ".join(
            f"{r['object']} +{r['visible']:,} visible / −{r['invisible']:,} invisible"
            for r in t["records"]), highlight=False)
    if not answer["users"]:
        return
    table = Table("user", "roles", "permissions", "scopes", "fields", "records",
                  title="users whose access would change")
    for u in answer["users"]:
        roles = " ".join([f"+{k}" for k in u["roles"]["added"]]
                         + [f"−{k}" for k in u["roles"]["removed"]])
        perms = " ".join([f"+{k}" for k in u["permissions"]["added"]]
                         + [f"−{k}" for k in u["permissions"]["removed"]])
        scopes = "\n".join(f"{s['object']}.{s['action']}: {_scopes_text(s['before'])} → "
                           f"{_scopes_text(s['after'])}" for s in u["scopes"])
        fields = "\n".join(f"{f['object']}.{f['field']}: {f['before']} → {f['after']}"
                           for f in u["fields"])
        records = "\n".join(f"{r['object']}: +{r['visible']:,} / −{r['invisible']:,}"
                            for r in u["records"])
        table.add_row(f"{u['display_name']} ({u['username']})", roles, perms, scopes, fields,
                      records)
    console.print(table)
    if answer["next_offset"] is not None:
        console.print(f"… {t['changed'] - len(answer['users'])} more (--limit, or --json)")
