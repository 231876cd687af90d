"""What every command shares: the database, user lookup, exit codes, JSON output."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vouch.config import database_url_from_env
from vouch.db import engine_for
from vouch.org.models import User

EXIT_OK, EXIT_DENIED, EXIT_BAD_INPUT = 0, 1, 2

console = Console()
err_console = Console(stderr=True)


def engine() -> Engine:
    return engine_for(database_url_from_env())


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def user_by_name(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        fail(f"unknown user {username!r}")
    return user


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def require_schema(eng: Engine) -> None:
    from vouch.migrate import is_empty

    if is_empty(eng):
        fail("the database has no Vouch schema yet: run `vouch migrate` or `vouch demo`")
