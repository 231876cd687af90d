"""`vouch workflow …`: the permission lifecycle's background work, run on demand (cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from vouch.cli.common import console, engine, print_json, require_schema

workflow_app = typer.Typer(help="Requests and approvals: deadlines, notices, mail.",
                           no_args_is_help=True)


@workflow_app.command("sweep")
def sweep_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as JSON")] = False,
) -> None:
    """Apply passed step deadlines (escalate or expire), store every user's "ends soon"
    notices, and e-mail recent notifications still unsent (with VOUCH_SMTP_* set). The same
    happens lazily when users look; the sweep does it for those who do not. Exit 0."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from vouch.config import Settings
    from vouch.types import utcnow
    from vouch.workflow.sweep import sweep

    eng = engine()
    require_schema(eng)
    settings = Settings.from_env()
    if as_json:
        print_json(sweep(eng, settings, utcnow()))
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                  transient=True) as progress:
        task = progress.add_task("applying deadlines", total=None)

        def step(what: str, _n: int) -> None:
            progress.update(task, description={
                "deadlines": "settling review deadlines", "reviews":
                "storing ends-soon notices", "ending_soon":
                "storing ends-soon notices", "mail": "done"}.get(what, what))

        counts = sweep(eng, settings, utcnow(), step)
    console.print(f"requests escalated or expired: {counts['requests_changed']}; "
                  f"review campaigns closed: {counts['review_campaigns_closed']}; "
                  f"ends-soon notices: {counts['ending_soon_notices']} "
                  f"({counts['users_checked']} users); e-mailed: {counts['emailed']}")
