"""can(): the single-record decision in Python (the warm path: a dict lookup and a closure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from vouch.access.engine.decision import (
    ALLOW,
    DENY_FUNCTION,
    DENY_IDENTITY,
    DENY_RECORD,
    DENY_RESTRICTION,
    Decision,
)
from vouch.access.engine.evaluate import compile_choice, compile_python
from vouch.access.engine.facts import RecordFacts
from vouch.access.engine.profile import AccessProfile
from vouch.catalog import OBJECT_ACTIONS, check_action, get_object


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
    try:  # the warm path: two dict lookups (a tuple key would cost an allocation)
        decide: Decider = profile._checks[obj][action]
    except KeyError:
        decide = _install(profile, obj, action)
    return decide(record, now)


def _install(profile: AccessProfile, obj: str, action: str) -> Decider:
    get_object(obj)
    check_action(action)
    decide = _decider(profile, obj, action)
    profile._checks.setdefault(obj, {})[action] = decide
    return decide


Decider = Callable[[RecordFacts | None, datetime], Decision]


def _constant(decision: Decision) -> Decider:
    return lambda record, now: decision


def _decider(profile: AccessProfile, obj: str, action: str) -> Decider:
    """The whole decision for (obj, action) as one closure, built on first use."""
    if not profile.facts.active:
        return _constant(DENY_IDENTITY)
    entry = profile.access(obj, action)
    if not entry.granted:
        return _constant(DENY_FUNCTION)
    if action in OBJECT_ACTIONS:
        return _constant(ALLOW)
    check = entry.check
    if not entry.restrictions:
        decide: Decider = compile_choice(entry.predicate, ALLOW, DENY_RECORD)
        return decide
    reachable = compile_python(entry.record_pred)

    def decide_restricted(record: RecordFacts | None, now: datetime) -> Decision:
        if record is None:
            raise ValueError(f"{action} is a record action: a record is required")
        if check(record, now):
            return ALLOW
        return DENY_RESTRICTION if reachable(record, now) else DENY_RECORD

    return decide_restricted
