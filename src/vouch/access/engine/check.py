"""can(): the single-record decision in Python (the warm path: a dict lookup and a closure)."""

from __future__ import annotations

from datetime import datetime

from vouch.access.engine.decision import (
    ALLOW,
    DENY_FUNCTION,
    DENY_IDENTITY,
    DENY_RECORD,
    DENY_RESTRICTION,
    Decision,
)
from vouch.access.engine.evaluate import compile_python
from vouch.access.engine.facts import RecordFacts
from vouch.access.engine.profile import AccessProfile
from vouch.catalog import OBJECT_ACTIONS


class StaleProfile(RuntimeError):
    """A profile was used at an instant it is not valid for (an expiry inside it passed)."""


def can(
    profile: AccessProfile, obj: str, action: str, record: RecordFacts | None, now: datetime
) -> Decision:
    """May the profile's user do `action` on `record` of `obj` at `now`?

    `record` is None only for object actions (create, import)."""
    until = profile.valid_until
    if (until is not None and now >= until) or now < profile.compiled_at:
        raise StaleProfile(f"profile of user {profile.user_id} is not valid at {now}")
    if not profile.facts.active:
        return DENY_IDENTITY
    entry = profile.access(obj, action)
    if not entry.sources:
        return DENY_FUNCTION
    if action in OBJECT_ACTIONS:
        return ALLOW
    if record is None:
        raise ValueError(f"{action} is a record action: a record is required")
    if entry.check(record, now):
        return ALLOW
    if entry.restrictions and compile_python(entry.record_pred)(record, now):
        return DENY_RESTRICTION
    return DENY_RECORD
