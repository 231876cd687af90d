"""The `vouch` command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from vouch.cli.access import access_app, check, matrix_cmd, roles_app
from vouch.cli.audit import audit_app
from vouch.cli.common import console, engine, fail
from vouch.cli.config import config_app
from vouch.cli.records import records_app
from vouch.cli.reviews import reviews_app
from vouch.cli.serve import serve
from vouch.cli.workflow import workflow_app

app = typer.Typer(help="Vouch: a CRM whose heart is permission management.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.command("check")(check)
app.command("matrix")(matrix_cmd)
app.add_typer(roles_app, name="roles")
app.add_typer(access_app, name="access")
app.add_typer(records_app, name="records")
app.command("serve")(serve)
app.add_typer(audit_app, name="audit")
app.add_typer(workflow_app, name="workflow")
app.add_typer(config_app, name="config")
app.add_typer(reviews_app, name="reviews")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (VOUCH_DATABASE_URL)."""
    from vouch.migrate import upgrade

    upgrade(engine())
    console.print("database is at the latest schema")


@app.command()
def demo(
    password: Annotated[str | None, typer.Option(
        "--password", help="password of every demo user (default: printed)")] = None,
    records: Annotated[int, typer.Option("--records", min=0, max=2_000_000)] = 5000,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="do nothing (exit 0) when the database already has users")] = False,
) -> None:
    """Load the demo organisation (华东贸易有限公司) into a new or empty database."""
    from vouch.demo import DEFAULT_DEMO_PASSWORD, USERS, has_users, load_demo

    eng = engine()
    if has_users(eng):
        if if_empty:
            console.print("the database already has users; demo not loaded")
            raise typer.Exit(0)
        fail("the database already has users; the demo loads only into an empty one")
    pw = password or DEFAULT_DEMO_PASSWORD
    with Progress(console=console) as progress:
        task = progress.add_task("loading the demo organisation", total=records + len(USERS))

        def note(_what: str, n: int) -> None:
            progress.advance(task, n)

        counts = load_demo(eng, password=pw, records=records, progress=note)
    console.print(f"loaded {sum(counts.values())} records: "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))
    console.print("demo users: " + ", ".join(u[0] for u in USERS))
    if password is None:
        console.print(f"demo password (demo mode only): [bold]{pw}[/bold]")


if __name__ == "__main__":
    app()
