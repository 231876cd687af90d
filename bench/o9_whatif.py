"""Benchmark O9: what-if of an access change on the 200,000-customer data set.

The data set is bench/datagen.py's (generated or reused exactly as O5 does): 1,000 users,
every one holding the role sales_rep (if a data set has fewer holders, users are created
and given the role first, so that the role always has at least HOLDERS holders). The
administrator planted by the generator asks, through the same use case as
`POST /api/v1/access/what-if` (`vouch.access.whatif.what_if`: validation, facts, both
profiles per user, the diff, record counts in SQL, the answer's first page):

    role_widen   sales_rep: view customer own → department (every holder's department
                 records become visible: counted per user)           target ≤ 5 s
    role_fields  sales_rep: customer financial fields → read (field levels only)
    rule_all     a new sharing rule for everyone: customers in finance, read
    assignment   one user given manager_tree (one user, every object)

Each scenario runs RUNS times with the engine's caches cleared before every run (the
shared facts are loaded again: a conservative reading); the median and the best are
reported, with users/s = affected users ÷ median seconds. For role_widen the naive way
(two COUNTs per user, here one COUNT per user with both sums) is timed on a sample of
users, checked to give the same numbers as the grouped counts, and extrapolated to all
holders for comparison.

    python -m bench.o9_whatif [--size 200000] [--db sqlite] [--db postgresql] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from bench.datagen import NOW, BenchOrg, prepare
from bench.o5_lists import engine_for_db
from vouch.access.admin import role_document
from vouch.access.engine.diff import diff_views
from vouch.access.models import PolicyState, Role, RoleAssignment
from vouch.access.service import clear_caches, load_shared_facts, policy_version
from vouch.access.whatif import check_change, parse_body, what_if
from vouch.access.whatif.counting import sql_changes
from vouch.access.whatif.facts import load_user_facts, shared_after
from vouch.access.whatif.impact import profiles
from vouch.context import RequestContext
from vouch.db import system_session
from vouch.org.models import User

HOLDERS = 1_000
TARGET_S = 5.0
ROLE = "sales_rep"
NAIVE_SAMPLE = 40
console = Console(width=150)


def ensure_holders(engine: Engine, org: BenchOrg, n: int = HOLDERS) -> int:
    """At least `n` active holders of ROLE (users created in the administrator's
    department when the data set has too few); returns the number of holders."""
    with system_session(engine, "bench O9: holders of the role") as s:
        role_id = s.scalars(select(Role.id).where(Role.key == ROLE)).one()
        holders = set(s.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.role_id == role_id)))
        missing = n - len(holders)
        if missing <= 0:
            return len(holders)
        admin = s.get(User, org.users["admin"])
        assert admin is not None
        others = list(s.scalars(select(User.id).where(User.id.not_in(holders),
                                                      User.active.is_(True))))[:missing]
        next_id = int(s.scalar(select(func.max(User.id))) or 0) + 1
        for i in range(missing - len(others)):
            uid = next_id + i
            s.execute(insert(User).values(
                id=uid, username=f"o9u{uid}", display_name=f"O9 {uid}", active=True,
                department_id=admin.department_id, created_at=NOW, version=1))
            others.append(uid)
        s.execute(insert(RoleAssignment), [
            {"user_id": uid, "role_id": role_id, "granted_at": NOW, "reason": "bench O9"}
            for uid in others])
        s.execute(update(PolicyState).where(PolicyState.id == 1)
                  .values(version=PolicyState.version + 1))
        s.commit()
        return len(holders) + len(others)


def _role_body(session: Session, change: str) -> tuple[int, dict[str, Any]]:
    role = session.scalars(select(Role).where(Role.key == ROLE)).one()
    doc = role_document(session, role)
    body: dict[str, Any] = {"reason": "bench O9", "version": role.version}
    if change == "widen":
        body["grants"] = [{**g, "scope": "department"}
                          if (g["object"], g["action"]) == ("customer", "view") else g
                          for g in doc["grants"]]
    else:
        body["field_rules"] = [*doc["field_rules"], {"object": "customer",
                                                     "sensitivity": "financial",
                                                     "level": "read"}]
    return role.id, body


def scenarios(session: Session, org: BenchOrg) -> dict[str, tuple[str, str, int | None,
                                                                   dict[str, Any]]]:
    widen_id, widen = _role_body(session, "widen")
    _, fields = _role_body(session, "fields")
    manager_tree = session.scalars(select(Role.id).where(Role.key == "manager_tree")).one()
    return {
        "role_widen": ("role", "update", widen_id, widen),
        "role_fields": ("role", "update", widen_id, fields),
        "rule_all": ("sharing_rule", "create", None, {
            "name": "bench O9 finance", "object": "customer", "access": "read",
            "condition": {"field": "industry", "op": "eq", "value": "finance"},
            "principals": [{"kind": "all"}], "reason": "bench O9"}),
        "assignment": ("assignment", "create", None, {
            "user_id": org.users["rep"], "role_id": manager_tree, "reason": "bench O9"}),
    }


def run_scenario(engine: Engine, org: BenchOrg, spec: tuple[str, str, int | None,
                                                            dict[str, Any]],
                 runs: int, now: datetime) -> dict[str, Any]:
    kind, op, target, raw = spec
    times, answer = [], None
    for _ in range(runs):
        clear_caches()
        with Session(engine) as session:
            ctx = RequestContext.for_user(session, org.users["admin"], now)
            t0 = time.perf_counter()
            answer = what_if(ctx, kind, op, target, parse_body(kind, op, raw))
            times.append(time.perf_counter() - t0)
            session.rollback()
    assert answer is not None
    median = statistics.median(times)
    users = answer["totals"]["users"]
    return {"seconds": median, "best": min(times), "runs": times, "users": users,
            "changed": answer["totals"]["changed"], "users_per_s": users / median,
            "records": answer["totals"]["records"], "policy_version": answer["policy_version"]}


def naive_sample(engine: Engine, org: BenchOrg, spec: tuple[str, str, int | None,
                                                            dict[str, Any]],
                 now: datetime, sample: int = NAIVE_SAMPLE) -> dict[str, Any]:
    """The naive way on `sample` holders: one COUNT per user and object, timed, and the
    grouped answer for the same users (from a full what-if) to compare with."""
    kind, op, target, raw = spec
    clear_caches()
    with Session(engine) as session:
        ctx = RequestContext.for_user(session, org.users["admin"], now)
        proposal = check_change(ctx, kind, op, target, parse_body(kind, op, raw))
        shared = load_shared_facts(session, policy_version(session))
        after = shared_after(shared, proposal)
        role_id = proposal.role_id
        users = list(session.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.role_id == role_id).order_by(RoleAssignment.user_id)))
        step = max(1, len(users) // sample)
        chosen = users[::step][:sample]
        facts = load_user_facts(session, shared, chosen)
        t0 = time.perf_counter()
        naive: dict[int, dict[str, tuple[int, int]]] = {}
        for uid in chosen:
            before, after_p = profiles(facts[uid], proposal, after, now)
            naive[uid] = {c.object: sql_changes(session, c.object, c.before, c.after, now)
                          for c in diff_views(before, after_p)}
        seconds = time.perf_counter() - t0
        full = what_if(ctx, kind, op, target, parse_body(kind, op, raw), limit=1000)
        session.rollback()
    grouped = {u["user_id"]: {r["object"]: (r["visible"], r["invisible"])
                              for r in u["records"]} for u in full["users"]}
    mismatches = [uid for uid in chosen
                  if {k: v for k, v in naive[uid].items() if v != (0, 0)}
                  != grouped.get(uid, {})]
    return {"sample": len(chosen), "seconds": seconds,
            "extrapolated_s": seconds / len(chosen) * len(users),
            "mismatches": mismatches}


def bench_db(db: str, size: int, runs: int) -> dict[str, Any]:
    engine = engine_for_db(db, size)
    try:
        t0 = time.perf_counter()
        org = prepare(engine, size)
        holders = ensure_holders(engine, org)
        console.print(f"[bold]{db}[/]: {size:,} customers ready in "
                      f"{time.perf_counter() - t0:.1f} s; {holders:,} holders of {ROLE}")
        with Session(engine) as session:
            specs = scenarios(session, org)
        out: dict[str, Any] = {"holders": holders, "scenarios": {}}
        for name, spec in specs.items():
            out["scenarios"][name] = run_scenario(engine, org, spec, runs, NOW)
        out["naive"] = naive_sample(engine, org, specs["role_widen"], NOW)
        return out
    finally:
        clear_caches()
        engine.dispose()


def report(results: dict[str, dict[str, Any]], size: int) -> bool:
    table = Table(title=f"O9 what-if on {size:,} customers (median of the runs, caches "
                        "cleared before each)")
    for col in ("db", "scenario", "users", "changed", "seconds", "best", "users/s",
                "records (visible/invisible)", "target"):
        table.add_column(col, justify="left" if col in ("db", "scenario") else "right")
    met = True
    for db, r in results.items():
        for name, s in r["scenarios"].items():
            verdict = ""
            if name == "role_widen":
                ok = s["seconds"] <= TARGET_S and s["users"] >= HOLDERS
                met &= ok
                verdict = f"{'[green]met' if ok else '[red]missed'}[/] (≤ {TARGET_S:.0f} s)"
            recs = ", ".join(f"{x['object']} +{x['visible']:,}/−{x['invisible']:,}"
                             for x in s["records"]) or "—"
            table.add_row(db, name, f"{s['users']:,}", f"{s['changed']:,}",
                          f"{s['seconds']:.3f}", f"{s['best']:.3f}",
                          f"{s['users_per_s']:,.0f}", recs, verdict)
    console.print(table)
    for db, r in results.items():
        n = r["naive"]
        agree = "same counts" if not n["mismatches"] else f"[red]DIFFERENT for users " \
            f"{n['mismatches'][:10]}[/]"
        met &= not n["mismatches"]
        console.print(f"{db}: naive per-user COUNTs for role_widen: {n['sample']} users in "
                      f"{n['seconds']:.2f} s → ≈ {n['extrapolated_s']:.1f} s for "
                      f"{r['holders']:,} holders; {agree} as the grouped counts")
    return met


def main(size: int = 200_000, dbs: Sequence[str] = ("sqlite", "postgresql"),
         runs: int = 3, out: Console | None = None) -> dict[str, Any]:
    """Run O9 on each database and print the table (to `out`, e.g. `make bench`'s
    recording console); returns the numbers and whether the target was met."""
    global console
    if out is not None:
        console = out
    results = {db: bench_db(db, size, runs) for db in dbs}
    met = report(results, size)
    return {"results": results, "target_met": met}


def _cli(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--size", type=int, default=200_000)
    p.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args(argv)
    out = main(a.size, tuple(a.db or ("sqlite", "postgresql")), a.runs)
    return 0 if out["target_met"] else 1


if __name__ == "__main__":
    sys.exit(_cli())
