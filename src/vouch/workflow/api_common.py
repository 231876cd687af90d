"""What the workflow routers share: ids in paths, paging parameters, and the dependency
that mails a request's committed notifications once its work is done."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Path, Query, Request

from vouch.deps import DbSession, now_of, settings_of
from vouch.workflow.mail import deliver_committed

MAX_ID = 2**31 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int | None, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=20)]


def mail_after_commit(request: Request, session: DbSession) -> Iterator[None]:
    """Runs after the route (and its commit): the notifications it stored are mailed,
    outside any transaction; a mail failure is logged, the answer stands."""
    try:
        yield
    finally:
        deliver_committed(session, settings_of(request), now_of(request))
