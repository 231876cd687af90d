"""`vouch audit …`: check the tamper-evident audit log."""

from __future__ import annotations

from typing import Annotated

import typer

from vouch.cli.common import EXIT_DENIED, console, engine, print_json, require_schema

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="print the verdict as JSON")] = False,
) -> None:
    """Recompute the hash chain; name the first edited, missing, reordered or truncated
    event. Exit 0 when intact, 1 when broken."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from vouch.audit.verify import verify_chain

    eng = engine()
    require_schema(eng)
    if as_json:
        verdict = verify_chain(eng)
        print_json(verdict.as_dict())
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                      transient=True) as progress:
            progress.add_task("recomputing the audit chain", total=None)
            verdict = verify_chain(eng)
        if verdict.ok:
            console.print(f"[green]intact[/green]: {verdict.events} events, head "
                          f"{verdict.head_seq} {verdict.head_hash[:16]}…")
        else:
            console.print(f"[red]BROKEN[/red] at event {verdict.broken_seq} "
                          f"({verdict.problem}): {verdict.message}", highlight=False)
    if not verdict.ok:
        raise typer.Exit(EXIT_DENIED)
