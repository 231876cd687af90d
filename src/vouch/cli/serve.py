"""vouch serve: the web console and the HTTP API under uvicorn."""

from __future__ import annotations

import copy
import errno
import signal
import socket
from types import FrameType
from typing import Annotated, Any

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from vouch.cli.common import engine, fail

EXIT_CANNOT_START = 1
APP_FACTORY = "vouch.app:create_app"  # an import string: each worker builds its own app
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def serve(
    host: Annotated[str, typer.Option(
        "--host", envvar="VOUCH_HOST",
        help="address to listen on; 0.0.0.0 listens on every interface")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", envvar="VOUCH_PORT", min=1, max=65535)
                    ] = 8000,
    workers: Annotated[int, typer.Option(
        "--workers", envvar="VOUCH_WORKERS", min=1, max=64,
        help="worker processes sharing the port")] = 1,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="one line per request on standard output")
    ] = True,
    log_level: Annotated[str, typer.Option(
        "--log-level", help=f"one of {', '.join(LOG_LEVELS)}")] = "info",
) -> None:
    """Serve the web console at http://HOST:PORT/ and the HTTP API at /api/v1 (database: VOUCH_DATABASE_URL).

    The console is the bundle built from web/ (`make console`, or `make run` which builds it first); without it, / answers 503 with a page saying how to build it, and the API still works. OpenAPI document: /api/v1/openapi.json.

    Stops cleanly on Ctrl+C or SIGTERM (exit 0). Exit 1: the server cannot start (address in use, database unreachable or not migrated). Exit 2: bad options.
    """  # noqa: E501  (typer keeps line breaks inside a paragraph)
    if log_level not in LOG_LEVELS:
        fail(f"--log-level must be one of {', '.join(LOG_LEVELS)}")
    problem = database_problem(engine())
    if problem:
        fail(problem, EXIT_CANNOT_START)
    problem = address_problem(host, port)
    if problem:
        fail(problem, EXIT_CANNOT_START)

    import uvicorn

    # uvicorn shuts down gracefully on SIGTERM, then re-raises it to die of it (exit -15
    # with one worker, 0 with several): a stop that was asked for is a success here.
    signal.signal(signal.SIGTERM, _stop_requested)
    uvicorn.run(
        APP_FACTORY, factory=True, host=host, port=port, workers=workers,
        log_config=log_config(), log_level=log_level, access_log=access_log,
        # Client addresses feed the audit log and login throttling: X-Forwarded-For is not
        # believed until trusted-proxy settings exist (SECURITY.md, Network).
        proxy_headers=False, server_header=False,
    )


def _stop_requested(_sig: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def database_problem(eng: Engine) -> str | None:
    """Why the database cannot be served, or None: unreachable, empty, or behind the
    latest migration (the app would answer 500s)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from vouch.migrate import alembic_config

    where = eng.url.render_as_string(hide_password=True)
    try:
        with eng.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as exc:
        return f"cannot reach the database {where}: {exc.__class__.__name__}: " \
               f"{str(exc.orig if hasattr(exc, 'orig') else exc).strip()}"
    finally:
        eng.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config(where)).get_heads())
    if not current:
        return f"the database {where} has no Vouch schema yet: run `vouch migrate` " \
               "(and `vouch demo` for the demo organisation)"
    if current != heads:
        return f"the database {where} is at revision {', '.join(sorted(current))}, " \
               f"not the latest ({', '.join(sorted(heads))}): run `vouch migrate`"
    return None


def address_problem(host: str, port: int) -> str | None:
    """Bind the address the way uvicorn will (SO_REUSEADDR), then release it: a clear
    message now instead of a bare OSError in the server log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:
        shown = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            return f"cannot listen on {shown}: the address is already in use (another " \
                   "server is running there?); choose another --port"
        if exc.errno == errno.EACCES:
            return f"cannot listen on {shown}: permission denied (ports below 1024 need " \
                   "privileges); choose another --port"
        return f"cannot listen on {shown}: {exc.strerror or exc}"
    return None


def log_config() -> dict[str, Any]:
    """uvicorn's logging with timestamps, plus Vouch's own loggers (unhandled errors with
    their request path) on the same handler."""
    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg["formatters"]["default"]["fmt"] = "%(asctime)s %(levelprefix)s %(message)s"
    cfg["formatters"]["access"]["fmt"] = \
        '%(asctime)s %(levelprefix)s %(client_addr)s "%(request_line)s" %(status_code)s'
    cfg["loggers"]["vouch"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return cfg

