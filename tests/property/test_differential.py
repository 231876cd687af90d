"""Differential properties: the engine against the reference model, on random worlds
(tests.property.strategies) loaded into SQLite and into PostgreSQL.

Decisions, for every user, object, record action and record of each world:
- `can` (allowed, and the first denying layer) equals the reference, also `create` and
  `import`; and so does `can` with a profile compiled a little before `now` (for some
  users), unless the engine refuses it as stale;
- `field_level`, with and without a record, equals the reference for every field;
- `explain().first_denied` (for a random EXPLAIN_SHARE of the decisions, half of them
  with a field, where the field layer counts) equals the reference.

Lists, per world: for the (user, object, action) triples the function layer allows (at
most a budget of them; those that rules or shares decide first), the ids `list_records`
returns (every page; one action per example pages with a limit of 1–3) are exactly the
reference's `allowed_ids`, with no duplicates, and `count_records` is their number; the
function layer denies (FunctionDenied) exactly where the reference does, and a deactivated
user is refused (NotAuthenticated). Some profiles come from the per-process cache.

Example counts come from the Hypothesis profile "vouch-differential" and the constants
below (VOUCH_DEEP=1: ten times as many). On failure Hypothesis prints the minimal world
and a blob to reproduce it; the message lists the first disagreements.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.property.load import clear_world, load_world
from tests.property.strategies import OBJECT_ACTIONS, RECORD_ACTIONS, worlds
from tests.reference import model as ref
from tests.reference.world import World
from vouch.catalog import OBJECT_MAP

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
DECISIONS_SQLITE = 1100
DECISIONS_POSTGRES = 100
LISTS_SQLITE = 500
LISTS_POSTGRES = 300
# How much earlier than `now` profiles are compiled for the "used later" checks.
EARLIER = (timedelta(microseconds=1), timedelta(seconds=1), timedelta(days=1),
           timedelta(days=2))
# Share of users whose decisions are also made with a profile compiled earlier.
EARLY_SHARE = 0.3
# Share of decisions also checked through explain().
EXPLAIN_SHARE = 0.2
# (user, object, action) triples queried per list example, at most (the rest are sampled).
LIST_BUDGET_SQLITE = 6
LIST_BUDGET_POSTGRES = 6

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


def check_decisions(engine: Engine, world: World, rnd: random.Random, db: str) -> None:
    """can and field_level for every user, object, action, record and field; explain for
    a random EXPLAIN_SHARE of the (user, action, record) triples (it costs the most)."""
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
            # some users also get a profile compiled a little earlier, used at `now`
            early = None
            if rnd.random() < EARLY_SHARE:
                early = api.compile_profile(facts, now - rnd.choice(EARLIER))
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
                        if rnd.random() >= EXPLAIN_SHARE:
                            continue
                        # explain, half the time with a field (then the field layer counts)
                        field = rnd.choice([None, rnd.choice(OBJECT_MAP[obj].fields).name])
                        if field is not None:
                            want = ref.field_layer(world, user.id, action, obj, field, r.id, now)
                        e = api.explain(profile, obj, action, rf, now, field=field)
                        if (e.allowed, e.first_denied) != want:
                            bad.add(f"explain(user {user.id}, {action} {obj} #{r.id}, field "
                                    f"{field}): engine {(e.allowed, e.first_denied)}, "
                                    f"reference {want}")
                if early is not None:
                    check_early(api, early, world, user.id, obj, record_facts, bad)
                for f in OBJECT_MAP[obj].fields:
                    want_level = ref.field_level(world, user.id, obj, f.name, None, now)
                    got = str(api.field_level(profile, obj, f.name, None, now))
                    if got != want_level:
                        bad.add(f"field_level(user {user.id}, {obj}.{f.name}): engine {got}, "
                                f"reference {want_level}")
                for r in recs:
                    rf = record_facts[(obj, r.id)]
                    want_levels = ref.record_field_levels(world, user.id, obj, r.id, now)
                    for f in OBJECT_MAP[obj].fields:
                        got = str(api.field_level(profile, obj, f.name, rf, now))
                        if got != want_levels[f.name]:
                            bad.add(f"field_level(user {user.id}, {obj}.{f.name} on #{r.id}): "
                                    f"engine {got}, reference {want_levels[f.name]}")
    bad.check(db)


def check_early(api: Any, early: Any, world: World, user_id: int, obj: str,
                record_facts: dict[tuple[str, int], Any], bad: Mismatches) -> None:
    """A profile compiled before `now` and used at `now` must refuse (StaleProfile: an
    expiry inside it has passed) or answer as at `now`."""
    now = world.now
    for action in RECORD_ACTIONS:
        for r in world.records[obj]:
            want = ref.can(world, user_id, action, obj, r.id, now)
            try:
                d = api.can(early, obj, action, record_facts[(obj, r.id)], now)
            except api.StaleProfile:
                return
            if (d.allowed, d.layer) != want:
                bad.add(f"can(user {user_id}, {action} {obj} #{r.id}) with a profile compiled "
                        f"at {early.compiled_at.isoformat()}: engine {(d.allowed, d.layer)}, "
                        f"reference {want}")


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


class SeededRandom(random.Random):
    """A plain Random from one drawn seed (a Hypothesis `randoms()` would make every call a
    draw, which is slow when called a thousand times an example); shows its seed."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.seed_value = seed

    def __repr__(self) -> str:
        return f"SeededRandom({self.seed_value})"


seeded_randoms = st.integers(0, 2**32 - 1).map(SeededRandom)


def _rules_or_shares_apply(world: World, user: Any, obj: str) -> bool:
    now = world.now
    for rule in (*world.sharing_rules, *world.restriction_rules):
        if rule.object == obj and ref.any_principal_matches(world, user, rule.principals, now):
            return True
    return any(s.object == obj and ref.principal_matches(world, user, s.principal_kind,
                                                          s.principal_id, now)
               for s in world.shares)


@dataclass(frozen=True)
class ListPlan:
    """How one example exercises lists: which action pages with a small limit, and which
    (user, object, action) triples are queried when there are more than the budget."""

    paging_action: str
    small_limit: int
    rnd: random.Random


@st.composite
def list_plans(draw: st.DrawFn) -> ListPlan:
    return ListPlan(
        draw(st.sampled_from(RECORD_ACTIONS)),
        draw(st.sampled_from((1, 2, 3))),
        draw(seeded_randoms),
    )


def check_lists(engine: Engine, world: World, plan: ListPlan, budget: int, db: str) -> None:
    """list_records (every page) and count_records against the reference's allowed_ids.

    Of the triples whose function layer allows, at most `budget` are queried (those that
    rules or shares decide first, then at random); triples whose function layer denies cost
    no query and are checked for every user queried (and for one deactivated user)."""
    context, errors, records = _records_api()
    _load(engine, world)
    now = world.now
    queried, cheap = [], []
    for user in world.users:
        for obj in world.records:
            for action in RECORD_ACTIONS:
                if user.active and ref.function_allows(world, user.id, obj, action, now):
                    queried.append((user, obj, action))
                else:
                    cheap.append((user, obj, action))
    if len(queried) > budget:
        # triples that rules or shares decide first (that is where SQL has most to get
        # right), the others at random
        plan.rnd.shuffle(queried)
        queried.sort(key=lambda t: not _rules_or_shares_apply(world, t[0], t[1]))
        queried = queried[:budget]
    # the cheap triples of the users queried anyway, and of one deactivated user
    in_play = {t[0].id for t in queried}
    inactive = [u.id for u in world.users if not u.active]
    if inactive:
        in_play.add(plan.rnd.choice(inactive))
    cheap = [t for t in cheap if t[0].id in in_play]
    triples = sorted(queried + cheap, key=lambda t: (t[0].id, t[1], t[2]))

    bad = Mismatches()
    contexts: dict[int, Any] = {}
    with Session(engine) as session:
        # The per-process profile cache: some users' profiles are first compiled a little
        # earlier; the contexts at `now` below may then come from the cache, which must
        # not serve a profile that an expiry in between has made stale.
        for uid in sorted(in_play):
            if plan.rnd.random() < 0.5:
                with suppress(errors.NotAuthenticated):
                    context.RequestContext.for_user(session, uid, now - plan.rnd.choice(EARLIER))
        for user, obj, action in triples:
            if user.id not in contexts:
                try:
                    contexts[user.id] = context.RequestContext.for_user(session, user.id, now)
                except errors.NotAuthenticated:
                    contexts[user.id] = None
                    if user.active:
                        bad.add(f"RequestContext.for_user(user {user.id}): NotAuthenticated "
                                "for an active user")
            ctx = contexts[user.id]
            if ctx is None:
                continue
            want = ref.allowed_ids(world, user.id, action, obj, now)
            limit = plan.small_limit if action == plan.paging_action else 500
            where = f"user {user.id}, {action} {obj}, limit {limit}"
            try:
                ids = _list_all(records.list_records, ctx, obj, action, limit)
            except errors.NotAuthenticated:
                if user.active:
                    bad.add(f"list_records({where}): NotAuthenticated, reference "
                            f"{sorted(want)}")
                continue
            except errors.FunctionDenied:
                if not user.active or ref.function_allows(world, user.id, obj, action, now):
                    bad.add(f"list_records({where}): FunctionDenied, reference "
                            f"{sorted(want)} (user active: {user.active})")
                continue
            if len(ids) != len(set(ids)):
                bad.add(f"list_records({where}): duplicate ids {ids}")
            if set(ids) != want:
                bad.add(f"list_records({where}): engine {sorted(set(ids))}, "
                        f"reference {sorted(want)}")
            n = records.count_records(ctx, obj, action=action)
            if n != len(want):
                bad.add(f"count_records({where}): engine {n}, reference {len(want)}")
    bad.check(db)


# ---------------------------------------------------------------------------------------
# The properties



@settings(PROFILE, max_examples=DECISIONS_SQLITE * FACTOR)
@given(world=worlds(), rnd=seeded_randoms)
def test_decisions_match_reference_sqlite(sqlite_engine: Engine, world: World,
                                          rnd: random.Random) -> None:
    check_decisions(sqlite_engine, world, rnd, "sqlite")


@pytest.mark.postgres
@settings(PROFILE, max_examples=DECISIONS_POSTGRES * FACTOR)
@given(world=worlds(), rnd=seeded_randoms)
def test_decisions_match_reference_postgres(postgres_engine: Engine, world: World,
                                            rnd: random.Random) -> None:
    check_decisions(postgres_engine, world, rnd, "postgresql")


@settings(PROFILE, max_examples=LISTS_SQLITE * FACTOR)
@given(world=worlds(), plan=list_plans())
def test_lists_match_reference_sqlite(sqlite_engine: Engine, world: World,
                                      plan: ListPlan) -> None:
    check_lists(sqlite_engine, world, plan, LIST_BUDGET_SQLITE, "sqlite")


@pytest.mark.postgres
@settings(PROFILE, max_examples=LISTS_POSTGRES * FACTOR)
@given(world=worlds(), plan=list_plans())
def test_lists_match_reference_postgres(postgres_engine: Engine, world: World,
                                        plan: ListPlan) -> None:
    check_lists(postgres_engine, world, plan, LIST_BUDGET_POSTGRES, "postgresql")
