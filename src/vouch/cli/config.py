"""vouch config export · vouch config import (configuration as code).

Exit codes of `import`: 0 nothing to change (or applied), 3 a dry run found changes,
2 the document is invalid (each error with its path) or the command is misused,
1 refused (no permission, a role still held, the policy version moved)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from vouch.audit import service as audit
from vouch.audit.service import Origin
from vouch.cli.common import console, engine, err_console, fail, require_schema, user_by_name
from vouch.configcode import apply_config, diff_config, export_config
from vouch.configcode.document import MAX_DOCUMENT_BYTES
from vouch.context import RequestContext
from vouch.errors import VouchError, is_denial
from vouch.types import utcnow

EXIT_CHANGES = 3
EXIT_REFUSED, EXIT_INVALID = 1, 2

config_app = typer.Typer(help="Configuration as code: roles, rules, approval policies and "
                              "workflow settings as one YAML/JSON document.",
                         no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="the user who acts (an administrator: "
                                     "manage_roles, or view_audit to export and dry-run)")]

SECTION_LABELS = {"roles": "role", "sharing_rules": "sharing rule",
                  "restriction_rules": "restriction rule",
                  "approval_policies": "approval policy", "role_conflicts": "conflicting pair",
                  "settings": "settings"}
MARKS = {"added": ("+", "green"), "changed": ("~", "yellow"), "removed": ("-", "red")}


def _context(session: Session, username: str) -> RequestContext:
    user = user_by_name(session, username)
    ctx = RequestContext.for_user(session, user.id, utcnow(), user_agent="vouch-cli")
    if not ctx.profile.active:
        fail(f"{username} is deactivated", EXIT_REFUSED)
    return ctx


def _refused(eng: Engine, ctx: RequestContext, exc: VouchError, command: str) -> NoReturn:
    """Print why, with every problem's path; a denial is audited as the API does."""
    if is_denial(exc):
        audit.record_now(eng, Origin(
            ctx.actor_id, user_agent="vouch-cli", request_id=ctx.request_id), "access.denied",
            details={"code": exc.code, "message": exc.message, "status": exc.status,
                     "command": command} | exc.details)
    errors = exc.details.get("errors")
    if isinstance(errors, list) and errors:
        err_console.print(f"[red]error:[/red] {escape(exc.message.split(':')[0])} "
                          f"({exc.status}):", highlight=False)
        for e in errors:
            err_console.print(f"  [bold]{escape(str(e['path']))}[/bold]: "
                              f"{escape(_without_path(e))}", highlight=False)
    else:
        err_console.print(f"[red]error:[/red] {escape(exc.message)} ({exc.status})",
                          highlight=False)
    raise typer.Exit(EXIT_INVALID if exc.status == 422 else EXIT_REFUSED)


def _without_path(problem: dict[str, Any]) -> str:
    message, path = str(problem["message"]), str(problem["path"])
    return message[len(path) + 1:].strip() if message.startswith(f"{path}:") else message


@config_app.command("export")
def export_cmd(
    as_user: AsUser,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write to FILE "
                                                "(default: standard output)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="yaml or json")] = "yaml",
) -> None:
    """Write the configuration as one document (deterministic: the same state gives the
    same bytes, apart from exported_at)."""
    if fmt not in ("yaml", "json"):
        fail(f"--format must be yaml or json, not {fmt!r}")
    eng = engine()
    require_schema(eng)
    with Session(eng) as session:
        ctx = _context(session, as_user)
        try:
            text = export_config(ctx, fmt)
        except VouchError as exc:
            _refused(eng, ctx, exc, "config export")
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {output} ({len(text.encode())} bytes)", highlight=False)


def _read(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    else:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_DOCUMENT_BYTES + 1)
        except OSError as exc:
            fail(f"cannot read {path}: {exc.strerror}")
    return data


@config_app.command("import")
def import_cmd(
    file: Annotated[str, typer.Argument(metavar="FILE", help="the document (YAML or JSON; "
                                        "- for standard input)")],
    as_user: AsUser,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would change; "
                                          "change nothing")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="why (required to apply; "
                                               "written to the audit log)")] = None,
    expect_version: Annotated[int | None, typer.Option(
        "--expect-version", min=0, help="refuse if the policy version moved since the "
        "document was exported (its policy_version)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Make the configuration what FILE says — or, with --dry-run, show the difference.
    Exit 0 no change (or applied), 3 changes found by a dry run, 2 invalid document,
    1 refused."""
    if not dry_run and reason is None:
        fail("give --reason to apply (or --dry-run to see the changes first)")
    data = _read(file)
    eng = engine()
    require_schema(eng)
    with Session(eng) as session:
        ctx = _context(session, as_user)
        try:
            result = (diff_config(ctx, data, expect_version) if dry_run
                      else apply_config(ctx, data, reason, expect_version))
        except VouchError as exc:
            _refused(eng, ctx, exc, "config import")
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_result(result, dry_run)
    if dry_run and result["problems"]:
        raise typer.Exit(EXIT_REFUSED)
    if dry_run and result["changed"]:
        raise typer.Exit(EXIT_CHANGES)


def _print_result(result: dict[str, Any], dry_run: bool) -> None:
    for change in result["changes"]:
        mark, colour = MARKS[change["change"]]
        label = SECTION_LABELS.get(change["section"], change["section"])
        console.print(f"[{colour}]{mark} {label} {escape(change['key'])}[/{colour}] "
                      f"({change['change']})", highlight=False)
        if change["change"] != "removed":
            for f in change["fields"]:
                if change["change"] == "added" and f["after"] in (None, [], {}, False):
                    continue  # an added item: what it has, not every empty default
                console.print(f"    {escape(f['path'])}: {escape(_value(f['before']))} → "
                              f"{escape(_value(f['after']))}", highlight=False)
        for note in change["notes"]:
            console.print(f"    [dim]{escape(note)}[/dim]", highlight=False)
    for problem in result["problems"]:
        err_console.print(f"[red]refused:[/red] {escape(problem['message'])}",
                          highlight=False)
    n = result["counts"]
    totals = f"{n['added']} added, {n['changed']} changed, {n['removed']} removed"
    if not result["changed"]:
        console.print("no change: the configuration is what the document says "
                      f"(policy version {result['policy_version']})")
    elif dry_run:
        console.print(f"dry run: {totals}; nothing was written (policy version "
                      f"{result['policy_version']})")
    else:
        console.print(f"applied: {totals}; policy version {result['policy_version_before']} "
                      f"→ {result['policy_version']}")


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
