"""The use cases of configuration as code: export, diff (a dry run) and apply, each with
its authority check. Who may: export and diff need `manage_roles` or `view_audit` (they
read what `GET /roles` and the rule lists already show); apply needs `manage_roles`, and
`manage_settings` as well when it changes the workflow settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vouch.access.admin.authority import CONFIG_READERS, require_any
from vouch.access.admin.inputs import clean_choice
from vouch.configcode.apply import apply_import, check_version
from vouch.configcode.document import FORMATS, dump
from vouch.configcode.export import export_document
from vouch.configcode.plan import plan_import
from vouch.configcode.problems import problems_error
from vouch.context import RequestContext

__all__ = ["apply_config", "diff_config", "export_config"]


def export_config(ctx: RequestContext, fmt: str = "yaml") -> str:
    require_any(ctx, *CONFIG_READERS)
    fmt = clean_choice(fmt, FORMATS, "format", "format")
    try:
        return dump(export_document(ctx.session, ctx.now), fmt)
    finally:
        ctx.session.rollback()  # a read: end it


def diff_config(ctx: RequestContext, source: str | bytes | Mapping[str, Any],
                expect_version: int | None = None) -> dict[str, Any]:
    """What applying `source` would change. A document with errors is a 422 naming every
    path; one the current state refuses (a role still held) is answered with its diff and
    the refusals in `problems` (`can_apply` false), as the apply would refuse it."""
    require_any(ctx, *CONFIG_READERS)
    try:
        plan = plan_import(ctx.session, source, ctx.now)
        check_version(plan.policy_version, expect_version)
    finally:
        ctx.session.rollback()
    if any(not p.is_refusal for p in plan.problems):
        raise problems_error(plan.problems)
    return plan.summary() | {"can_apply": plan.valid}


def apply_config(ctx: RequestContext, source: str | bytes | Mapping[str, Any],
                 reason: object, expect_version: int | None = None) -> dict[str, Any]:
    return apply_import(ctx, source, reason, expect_version)
