"""`vouch reviews …`: settle access reviews past their deadline (for cron), and the
dormant-permissions report as a given user may see it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from vouch.cli.common import (
    EXIT_DENIED,
    console,
    engine,
    fail,
    print_json,
    require_schema,
    user_by_name,
)
from vouch.context import RequestContext
from vouch.errors import VouchError
from vouch.types import utcnow

reviews_app = typer.Typer(help="Access reviews and dormant permissions.",
                          no_args_is_help=True)


@reviews_app.command("close-due")
def close_due_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print what was settled as JSON")
                       ] = False,
) -> None:
    """Close every campaign past its deadline: undecided items are kept or revoked as the
    campaign says, audited as the system. Reads and decisions do this too; run it from
    cron so that revocations at a deadline do not wait for the next reader."""
    from vouch.workflow.reviews import close_due

    eng = engine()
    require_schema(eng)
    with Session(eng, expire_on_commit=False) as session:
        done = close_due(session, utcnow())
    if as_json:
        print_json({"closed": done})
        return
    if not done:
        console.print("no campaign is past its deadline")
        return
    for c in done:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(c["outcomes"].items())) or "nothing"
        console.print(f"closed campaign {c['id']} ({c['name']}): {outcomes}", highlight=False)


@reviews_app.command("dormant")
def dormant_cmd(
    as_user: Annotated[str, typer.Option("--as", help="who asks (needs manage_roles, "
                                         "view_audit or run_reviews)")],
    days: Annotated[int, typer.Option("--days", min=1, max=3650)] = 90,
    only: Annotated[bool, typer.Option("--dormant-only", help="only dormant grants")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Grants not exercised in DAYS days according to the audit log, per user and role
    (reads are audited only for sensitive fields: a view grant's evidence is partial).
    Exit 1 when some grant is dormant."""
    from vouch.workflow.dormant import dormant_report

    eng = engine()
    require_schema(eng)
    users = []
    with Session(eng) as session:
        user = user_by_name(session, as_user)
        ctx = RequestContext.for_user(session, user.id, utcnow())
        cursor = None
        try:
            while True:
                page = dormant_report(ctx, days=days, dormant_only=only, limit=1000,
                                      cursor=cursor)
                users += page["users"]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
        except VouchError as exc:
            fail(exc.message)
    dormant = sum(u["dormant"] for u in users)
    if as_json:
        print_json({"days": days, "users": users, "note": page["note"]})
    else:
        table = Table(title=f"grants not exercised in {days} days")
        for column in ("user", "role", "object", "action", "last exercised", "evidence"):
            table.add_column(column)
        for u in users:
            for a in u["roles"]:
                for g in a["grants"]:
                    if g["dormant"]:
                        table.add_row(u["user"]["username"], a["role"]["key"], g["object"],
                                      g["action"], g["last_exercised"] or "never",
                                      g["evidence"])
        console.print(table)
        console.print(page["note"], style="dim")
    if dormant:
        raise typer.Exit(EXIT_DENIED)
