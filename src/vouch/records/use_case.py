"""What every record use case starts from: one transaction, and the check of the
function layer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vouch.context import RequestContext
from vouch.errors import FunctionDenied, NotAuthenticated


@contextmanager
def atomic(ctx: RequestContext) -> Iterator[None]:
    """One transaction per use case; nested calls join the outer one."""
    depth = ctx.session.info.get("vouch_atomic", 0)
    ctx.session.info["vouch_atomic"] = depth + 1
    try:
        yield
        if depth == 0:
            ctx.session.commit()
    except BaseException:
        if depth == 0:
            ctx.session.rollback()
        raise
    finally:
        ctx.session.info["vouch_atomic"] = depth


def require_function(ctx: RequestContext, obj: str, action: str) -> None:
    """403 naming the object and action unless some active role grants it."""
    if not ctx.profile.active:
        raise NotAuthenticated("the user is deactivated")
    if not ctx.profile.access(obj, action).granted:
        raise FunctionDenied(obj, action)
