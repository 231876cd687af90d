"""vouch records list"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.audit import service as audit
from vouch.audit.service import Origin
from vouch.catalog import get_object
from vouch.cli.common import console, engine, fail, print_json, require_schema, user_by_name
from vouch.context import RequestContext
from vouch.errors import VouchError, is_denial
from vouch.org.models import User
from vouch.records.service import list_records
from vouch.types import utcnow

records_app = typer.Typer(help="Records as a given user sees them.", no_args_is_help=True)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return value.get("name") or f"#{value['id']} (restricted)"
    return "" if value is None else str(value)


@records_app.command("list")
def list_cmd(
    obj: Annotated[str, typer.Argument(metavar="OBJECT")],
    as_user: Annotated[str, typer.Option("--as", help="the user whose view to show")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    sort: Annotated[str | None, typer.Option("--sort", help="field, '-' for descending")] = None,
    q: Annotated[str | None, typer.Option("--q", help="free-text search")] = None,
) -> None:
    """What USER can see of OBJECT: ids, owners, and fields after field security (hidden
    absent, masked masked)."""
    try:
        odef = get_object(obj)
    except LookupError as exc:
        fail(str(exc))
    eng = engine()
    require_schema(eng)
    with Session(eng) as session:
        user = user_by_name(session, as_user)
        ctx = RequestContext.for_user(session, user.id, utcnow())
        try:
            page = list_records(ctx, obj, limit=limit, sort=sort, q=q, total=True)
        except VouchError as exc:
            if is_denial(exc):
                audit.record_now(eng, Origin(user.id, user_agent="vouch-cli",
                                             request_id=ctx.request_id), "access.denied",
                                 object=exc.details.get("object"),
                                 details={"code": exc.code, "message": exc.message,
                                          "status": exc.status, "command": "records list"}
                                 | exc.details)
            fail(f"{exc.message} ({exc.status})", 1 if exc.status in (401, 403) else 2)
        owners = {item["owner_id"] for item in page.items}
        names = dict(session.execute(
            select(User.id, User.username).where(User.id.in_(owners))).tuples().all())
    if as_json:
        items = [{**item, "owner": names.get(item["owner_id"])} for item in page.items]
        print_json({"object": obj, "user": as_user, "total": page.total,
                    "items": items, "next_cursor": page.next_cursor})
        return
    shown = [f.name for f in odef.fields if any(f.name in item for item in page.items)]
    table = Table("id", "owner", *shown, title=f"{odef.label_zh} {odef.label_en} as {as_user}: "
                  f"{page.total} visible")
    for item in page.items:
        table.add_row(str(item["id"]), names.get(item["owner_id"], str(item["owner_id"])),
                      *(_cell(item.get(n)) for n in shown))
    console.print(table)
