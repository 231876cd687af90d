"""O1: warm single-check latency of Vouch's engine on the peers' model (bench/peers).

The dataset (RBAC with departments + ownership) is translated into engine facts; each
user's profile is compiled once (warm), and every query is one `can()` call on a record
already in memory, the same work the peers do per check. Answers are validated against
the dataset's reference before anything is timed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bench.peers.dataset import Dataset, make_dataset, make_queries
from bench.peers.harness import measure_overhead_ns, time_checks, validate
from vouch.access.engine import (
    AccessProfile,
    AssignmentFact,
    GrantFact,
    RecordFacts,
    RoleFact,
    UserFacts,
    can,
    compile_profile,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class VouchPeer:
    def __init__(self, ds: Dataset) -> None:
        parents = {d.id: d.parent for d in ds.departments.values()}
        roles = {
            r.id: RoleFact(r.id, f"r{r.id}", r.name,
                           tuple(GrantFact(o, a, s) for (o, a), s in r.grants.items()))
            for r in ds.roles.values()
        }
        self.facts = {
            u.id: UserFacts(
                user_id=u.id, username=u.name, active=True, department_id=u.department,
                policy_version=1, department_parents=parents, reports=frozenset(),
                assignments=tuple(AssignmentFact(i, rid) for i, rid in enumerate(u.roles)),
                roles={rid: roles[rid] for rid in u.roles},
            )
            for u in ds.users.values()
        }
        self.profiles: dict[int, AccessProfile] = {
            uid: compile_profile(f, NOW) for uid, f in self.facts.items()
        }
        self.records = {
            r.id: RecordFacts(r.id, r.owner, r.department, r.department, {})
            for r in ds.records.values()
        }

    def check(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        return can(self.profiles[user_id], obj, action, self.records[record_id], NOW).allowed


def compile_times(peer: VouchPeer, n: int = 2000) -> dict[str, float]:
    """O2-style: cold compile of a profile from loaded facts (µs)."""
    import time

    users = list(peer.facts.values())
    samples = []
    for i in range(n):
        f = users[i % len(users)]
        t0 = time.perf_counter_ns()
        p = compile_profile(f, NOW)
        p.access("customer", "view").check  # noqa: B018 - what a first check compiles
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    return {"p50_us": samples[len(samples) // 2], "p99_us": samples[int(len(samples) * .99)]}


def run(n_queries: int = 20_000) -> dict[str, Any]:
    ds = make_dataset(7)
    queries = make_queries(ds, n_queries, 11)
    peer = VouchPeer(ds)
    mismatches = validate(peer.check, ds, queries)
    if mismatches:
        raise SystemExit(f"Vouch disagrees with the O1 reference on {mismatches} queries")
    timing = time_checks(peer.check, queries, overhead_ns=measure_overhead_ns(queries))
    return {"vouch": timing, "compile": compile_times(peer), "mismatches": mismatches}


if __name__ == "__main__":
    print(run())
