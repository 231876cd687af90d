"""Differential properties: the engine against the reference model, on random worlds.

For every user, object, record action and record of a random world loaded into SQLite and
PostgreSQL:

- `can` (allowed and first denying layer) and `explain().first_denied` equal the
  reference's decision;
- `field_level`, with and without a record, equals the reference for every field;
- the ids `list_records` returns (following `next_cursor` to the end) are exactly the
  reference's `allowed_ids`, with no duplicates, and `count_records` is their number.

Example counts come from the Hypothesis profile "vouch-differential" (VOUCH_DEEP=1: ten
times as many). On failure Hypothesis prints the minimal world (and a blob to reproduce).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from vouch.catalog import OBJECT_MAP

from tests.property.load import clear_world, load_world
from tests.property.strategies import OBJECT_ACTIONS, RECORD_ACTIONS, worlds
from tests.reference import model as ref
from tests.reference.world import World

DEEP = os.environ.get("VOUCH_DEEP", "") == "1"
FACTOR = 10 if DEEP else 1

settings.register_profile(
    "vouch-differential",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
    print_blob=True,
)
PROFILE = settings.get_profile("vouch-differential")

# Examples per property in a normal run (x10 under VOUCH_DEEP=1).
DECISIONS_SQLITE = 1000
DECISIONS_POSTGRES = 250
LISTS_SQLITE = 500
LISTS_POSTGRES = 500

# Every load gets a policy version of its own: the engine caches shared facts and profiles
# per policy version (as in production, where every change bumps it).
_versions = itertools.count(2**40)

MAX_REPORTED = 12


def _engine_api() -> Any:
    """The engine's public API (imported lazily so that a missing module fails one test
    with a clear message instead of the whole collection)."""
    from vouch.access import engine as api
    from vouch.access import service

    return api, service


def _records_api() -> Any:
    from vouch import context, errors
    from vouch.records import service

    return context, errors, service


def _load(engine: Engine, world: World) -> None:
    with Session(engine) as session:
        clear_world(session)
        load_world(session, world, policy_version=next(_versions))
        session.commit()


class Mismatches:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.total = 0

    def add(self, text: str) -> None:
        self.total += 1
        if len(self.items) < MAX_REPORTED:
            self.items.append(text)

    def check(self, db: str) -> None:
        if self.total:
            lines = "\n  ".join(self.items)
            more = f"\n  … and {self.total - len(self.items)} more" if self.total > len(
                self.items) else ""
            pytest.fail(f"{db}: engine and reference disagree ({self.total}x):\n  {lines}{more}")


# ---------------------------------------------------------------------------------------
# Decisions: can, explain, field_level


def check_decisions(engine: Engine, world: World, db: str) -> None:
    api, service = _engine_api()
    _load(engine, world)
    now = world.now
    bad = Mismatches()
    with Session(engine) as session:
        record_facts = {
            (obj, r.id): service.load_record_facts(session, obj, r.id)
            for obj, recs in world.records.items()
            for r in recs
        }
        for user in world.users:
            facts = service.load_facts(session, user.id, now)
            profile = api.compile_profile(facts, now)
            for obj, recs in world.records.items():
                for action in OBJECT_ACTIONS:
                    want = ref.can(world, user.id, action, obj, None, now)
                    d = api.can(profile, obj, action, None, now)
                    if (d.allowed, d.layer) != want:
                        bad.add(f"can(user {user.id}, {action} {obj}): engine "
                                f"{(d.allowed, d.layer)}, reference {want}")
                for action in RECORD_ACTIONS:
                    for r in recs:
                        rf = record_facts[(obj, r.id)]
                        want = ref.can(world, user.id, action, obj, r.id, now)
                        d = api.can(profile, obj, action, rf, now)
                        if (d.allowed, d.layer) != want:
                            bad.add(f"can(user {user.id}, {action} {obj} #{r.id}): engine "
                                    f"{(d.allowed, d.layer)}, reference {want}")
                        e = api.explain(profile, obj, action, rf, now)
                        if (e.allowed, e.first_denied) != want:
                            bad.add(f"explain(user {user.id}, {action} {obj} #{r.id}): engine "
                                    f"{(e.allowed, e.first_denied)}, reference {want}")
                for f in OBJECT_MAP[obj].fields:
                    want_level = ref.field_level(world, user.id, obj, f.name, None, now)
                    got = str(api.field_level(profile, obj, f.name, None, now))
                    if got != want_level:
                        bad.add(f"field_level(user {user.id}, {obj}.{f.name}): engine {got}, "
                                f"reference {want_level}")
                    for r in recs:
                        rf = record_facts[(obj, r.id)]
                        want_level = ref.field_level(world, user.id, obj, f.name, r.id, now)
                        got = str(api.field_level(profile, obj, f.name, rf, now))
                        if got != want_level:
                            bad.add(f"field_level(user {user.id}, {obj}.{f.name} on #{r.id}): "
                                    f"engine {got}, reference {want_level}")
    bad.check(db)


# ---------------------------------------------------------------------------------------
# Lists and counts


def _list_all(list_records: Callable[..., Any], ctx: Any, obj: str, action: str,
              limit: int) -> list[int]:
    ids: list[int] = []
    cursor = None
    for _ in range(1000):
        kwargs: dict[str, Any] = {"action": action, "limit": limit}
        if cursor is not None:
            kwargs["cursor"] = cursor
        page = list_records(ctx, obj, **kwargs)
        ids.extend(item["id"] for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return ids
    raise AssertionError(f"list_records({obj}, {action}) does not end (limit {limit})")


def check_lists(engine: Engine, world: World, limit: int, db: str) -> None:
    context, errors, records = _records_api()
    _load(engine, world)
    now = world.now
    bad = Mismatches()
    with Session(engine) as session:
        for user in world.users:
            ctx = None
            try:
                ctx = context.RequestContext.for_user(session, user.id, now)
            except errors.NotAuthenticated:
                if user.active:
                    bad.add(f"RequestContext.for_user(user {user.id}): NotAuthenticated for an "
                            "active user")
                continue
            for obj in world.records:
                for action in RECORD_ACTIONS:
                    want = ref.allowed_ids(world, user.id, action, obj, now)
                    where = f"user {user.id}, {action} {obj}"
                    try:
                        ids = _list_all(records.list_records, ctx, obj, action, limit)
                    except errors.NotAuthenticated:
                        if user.active:
                            bad.add(f"list_records({where}): NotAuthenticated, reference "
                                    f"{sorted(want)}")
                        continue
                    except errors.FunctionDenied:
                        if not (user.active and not ref.function_allows(
                                world, user.id, obj, action, now)):
                            bad.add(f"list_records({where}): FunctionDenied, reference "
                                    f"{sorted(want)} (user active: {user.active})")
                        continue
                    if len(ids) != len(set(ids)):
                        bad.add(f"list_records({where}, limit {limit}): duplicate ids {ids}")
                    if set(ids) != want:
                        bad.add(f"list_records({where}, limit {limit}): engine {sorted(set(ids))}"
                                f", reference {sorted(want)}")
                    n = records.count_records(ctx, obj, action=action)
                    if n != len(want):
                        bad.add(f"count_records({where}): engine {n}, reference {len(want)}")
    bad.check(db)


# ---------------------------------------------------------------------------------------
# The properties

limits = st.sampled_from((500, 500, 3, 1))


@settings(PROFILE, max_examples=DECISIONS_SQLITE * FACTOR)
@given(world=worlds())
def test_decisions_match_reference_sqlite(sqlite_engine: Engine, world: World) -> None:
    check_decisions(sqlite_engine, world, "sqlite")


@pytest.mark.postgres
@settings(PROFILE, max_examples=DECISIONS_POSTGRES * FACTOR)
@given(world=worlds())
def test_decisions_match_reference_postgres(postgres_engine: Engine, world: World) -> None:
    check_decisions(postgres_engine, world, "postgresql")


@settings(PROFILE, max_examples=LISTS_SQLITE * FACTOR)
@given(world=worlds(), limit=limits)
def test_lists_match_reference_sqlite(sqlite_engine: Engine, world: World, limit: int) -> None:
    check_lists(sqlite_engine, world, limit, "sqlite")


@pytest.mark.postgres
@settings(PROFILE, max_examples=LISTS_POSTGRES * FACTOR)
@given(world=worlds(), limit=limits)
def test_lists_match_reference_postgres(postgres_engine: Engine, world: World,
                                        limit: int) -> None:
    check_lists(postgres_engine, world, limit, "postgresql")
