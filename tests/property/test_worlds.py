"""The strategies make the worlds they promise, and the loader stores them faithfully
(read back with plain Core statements, outside any request session)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.property.load import clear_world, load_world
from tests.property.strategies import NOW, worlds
from tests.reference import model as ref
from tests.reference.world import World
from vouch.access.models import Grant, RoleAssignment, Share
from vouch.org.models import DepartmentClosure, ReportingClosure, User
from vouch.records.models import RECORD_MODELS

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _depth(world: World, dept_id: int) -> int:
    d = world.department(dept_id)
    depth = 0
    while d is not None and d.parent_id is not None:
        d = world.department(d.parent_id)
        depth += 1
    return depth


@FAST
@given(world=worlds())
def test_worlds_have_the_promised_shape(world: World) -> None:
    assert world.now == NOW
    assert 5 <= len(world.departments) <= 12
    assert max(_depth(world, d.id) for d in world.departments) >= 4
    assert sum(1 for d in world.departments if d.parent_id is None) == 1
    assert 4 <= len(world.users) <= 10
    for u in world.users:
        chain, m = 0, u.manager_id
        while m is not None:
            chain += 1
            assert chain <= 4, "manager chains are at most four long (and have no cycle)"
            m = world.user(m).manager_id  # type: ignore[union-attr]
    assert {"customer", "contact", "contract"} <= set(world.records)
    for recs in world.records.values():
        assert len({r.id for r in recs}) == len(recs) <= 15
        for r in recs:
            assert world.user(r.owner_id) is not None
            assert world.department(r.department_id) is not None
    held = [(a.user_id, a.role_id) for a in world.assignments]
    assert len(held) == len(set(held))
    for rule in world.sharing_rules + world.restriction_rules:  # type: ignore[operator]
        for r in world.records[rule.object]:
            ref.condition_matches(world, rule.object, r, rule.condition)  # evaluates


@FAST
@given(world=worlds())
def test_loader_stores_the_world(sqlite_engine: Engine, world: World) -> None:
    with Session(sqlite_engine) as session:
        clear_world(session)
        load_world(session, world)
        session.commit()
    with sqlite_engine.connect() as conn:
        def count(model: object) -> int:
            return conn.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[arg-type]

        assert count(User) == len(world.users)
        assert count(RoleAssignment) == len(world.assignments)
        assert count(Grant) == sum(len(r.grants) for r in world.roles)
        assert count(Share) == len(world.shares)
        for obj, recs in world.records.items():
            assert count(RECORD_MODELS[obj]) == len(recs)
        closure = set(conn.execute(select(DepartmentClosure.ancestor_id,
                                          DepartmentClosure.descendant_id)).tuples())
        for d in world.departments:
            assert {a for a, x in closure if x == d.id} == {
                a.id for a in world.departments if d.id in ref.subtree(world, a.id)
            }
        reporting = set(conn.execute(select(ReportingClosure.ancestor_id,
                                            ReportingClosure.descendant_id,
                                            ReportingClosure.depth)).tuples())
        for u in world.users:
            assert (u.id, u.id, 0) in reporting
            for m in world.users:
                if m.id != u.id:
                    below = any(a == m.id and x == u.id for a, x, _ in reporting)
                    assert below == ref.is_report_of(world, u.id, m.id)
