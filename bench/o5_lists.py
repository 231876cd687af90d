"""Benchmark O5: the first page of a permission-filtered customer list.

For each database (SQLite, PostgreSQL) and each planted profile (narrow ≈0.01 %, rep ≈2 %,
manager ≈15 % by department_tree and by reports, admin = all) at N customers, time:

    oracle     SELECT * FROM oracle_<profile> ORDER BY updated_at DESC, id DESC LIMIT 50
               on a table holding only that user's visible rows, with the same indexes
    filtered   vouch.access.query.page(profile, "customer", "view", NOW,
               dialect=<db>, limit=50): the shape src/ builds (per database, see `page`)
    plain OR   SELECT customers WHERE record_filter(...) ORDER BY ... LIMIT 50
               (the naive shape, for comparison; timed interleaved with the oracle in a
               pass of its own, since it can take hundreds of milliseconds)

ratio = query ÷ oracle. Target: ≤ 1.5, or within 0.3 ms of the oracle when the oracle takes
under 0.2 ms. Every statement is compiled once to SQL text with literal binds and run
through the raw DBAPI cursor, fetching all rows, so the database is timed and not
SQLAlchemy; oracle / filtered (/ prototype) runs are interleaved round-robin to cancel
machine noise and the median is reported. Before timing, every shape is checked to return
exactly the oracle's 50 ids.

PostgreSQL is timed twice: `unprepared` (psycopg's automatic prepared statements off:
every run parses and plans, the conservative reading) and `prepared` (every statement
server-side prepared on first use: what the app sees in steady state, since psycopg
prepares a statement after 5 executions by default).

Generated data is cached per size: var/bench/o5_<N>.db and the PostgreSQL database
vouch_bench_<N>, reused while bench/datagen.py's marker (size, seed, GEN_VERSION, schema
revision, row count) matches, regenerated otherwise.

Opt-in prototypes of further src/ changes (`PROTOTYPES` below) add columns with `--proto
NAME`; `--proto-index` adds, for the run, the covering index (updated_at, id, owner_id,
department_id) to customers and to every oracle table, and drops it afterwards.

    python -m bench.o5_lists --size 200000 [--db sqlite] [--db postgresql]
                             [--profile rep] [--proto NAME] [--proto-index] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable
from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Index,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    any_,
    create_engine,
    false,
    func,
    inspect,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, aliased

from bench.datagen import NOW, BenchOrg, prepare
from vouch.access.engine import (
    AccessProfile,
    branch_predicates,
    compile_sql,
    density,
    leaves,
    record_filter,
)
from vouch.access.engine.predicate import (
    And,
    DepartmentIn,
    Not,
    Or,
    OwnerReportsTo,
    Pred,
    SharedWith,
    all_of,
    negate,
)
from vouch.access.query import (
    DENSE,
    SPLIT_MAX_DEPARTMENTS,
    filtered_select,
    mark,
    page,
    split_small_subtree,
    sqlite_likelihoods,
)
from vouch.access.service import clear_caches, profile_for
from vouch.config import PROJECT_ROOT
from vouch.db import make_engine
from vouch.records.models import Customer

PROFILES = ("narrow", "rep", "manager_tree", "manager_reports", "admin")
LIMIT = 50
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "vouch_bench"
BENCH_DIR = PROJECT_ROOT / "var" / "bench"
TARGET_RATIO = 1.5
SMALL_ORACLE_MS = 0.2
SMALL_SLACK_MS = 0.3
COVER_COLUMNS = ("updated_at", "id", "owner_id", "department_id")

console = Console(width=170)


# ---------------------------------------------------------------------------------------
# databases


def sqlite_url(size: int, directory: Path = BENCH_DIR) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / f'o5_{size}.db'}"


def postgres_url(database: str = BENCH_DATABASE) -> str:
    """`database` on the VOUCH_TEST_POSTGRES_URL server, created when missing."""
    server = make_url(os.environ.get("VOUCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    admin = create_engine(server, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": database}).scalar():
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return server.set(database=database).render_as_string(hide_password=False)


def engine_for_db(db: str, size: int) -> Engine:
    if db == "sqlite":
        return make_engine(sqlite_url(size))
    if db == "postgresql":  # one database per size, so that sizes do not evict each other
        return make_engine(postgres_url(f"{BENCH_DATABASE}_{size}"))
    raise ValueError(db)


def _analyze(engine: Engine, table: str) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    else:
        with engine.begin() as conn:
            conn.execute(text(f"ANALYZE {table}"))


def set_cover_index(engine: Engine, table: str, present: bool) -> None:
    """Create or drop the prototype covering index on `table`."""
    name = f"ix_{table}_updated_cover"
    with engine.begin() as conn:
        if present:
            conn.execute(text(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(COVER_COLUMNS)})"))
        else:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    _analyze(engine, table)


# ---------------------------------------------------------------------------------------
# statements


def sql_text(stmt: Any, engine: Engine) -> str:
    """The statement as SQL text for `engine`'s dialect, binds rendered as literals."""
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def plain_or(profile: AccessProfile, now: datetime = NOW) -> Select[Any]:
    """The naive shape: one WHERE with the whole predicate, ORDER BY, LIMIT."""
    return mark(
        select(Customer).where(record_filter(profile, "customer", "view", now))
        .order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(LIMIT)
    )


def oracle_sql(name: str) -> str:
    return f"SELECT * FROM {name} ORDER BY updated_at DESC, id DESC LIMIT {LIMIT}"


# --- prototypes (further proposals for src/; opt-in columns, --proto NAME) ---------------
#
# `proto_page` mirrors vouch.access.query.page for the first page (no cursor, no extra
# filters) with three switches, each a candidate change to src/:
#
#   split         PostgreSQL: a dense scope whose dense leaves are all department subtrees
#                 of at most SPLIT_MAX_DEPARTMENTS departments is not one OR-ed ordered
#                 scan but disjoint per-arm-LIMIT arms, one per department (as SQLite
#                 already splits), which Merge Append pulls lazily: ≈ 50 + k rows read
#                 instead of ≈ 50 / density
#   literal_ids   a reports leaf / department-subtree leaf as the literal ids from the
#                 cached profile (PostgreSQL `owner_id = ANY (ARRAY[…])`, hashed by the
#                 executor; SQLite `owner_id IN (…)`) instead of a sub-select on the
#                 closure table (SQLite still splits a small subtree per department)
#   shares_any    PostgreSQL: the share leaf as `id = ANY (ARRAY(SELECT record_id …))`,
#                 an InitPlan, instead of `id IN (SELECT …)`, which the planner costs as a
#                 semi-join (most of the planning time of a sparse page)
#   outer_order   SQLite: False drops the outer ORDER BY (a temp b-tree over the 50 whole
#                 rows fetched by primary key); the caller re-sorts the page in Python
#                 (timed here: RESORTED prototypes sort their rows after the fetch)


# name -> (profile, dialect) -> statement, or None where the prototype would build the same
# statement as src/ (then the filtered SQL is reused for that column)
Prototype = Callable[[AccessProfile, str], "Select[Any] | None"]


def _proto_compile(p: Pred, table: Table, now: datetime, dialect: str, hints: dict[Pred, float],
                   *, literal_ids: bool, shares_any: bool) -> ColumnElement[bool]:
    """compile_sql with the prototype leaves swapped in (and SQLite likelihood hints)."""
    def rec(q: Pred) -> ColumnElement[bool]:
        return _proto_compile(q, table, now, dialect, hints, literal_ids=literal_ids,
                              shares_any=shares_any)

    match p:
        case And(items=items):
            return and_(*(rec(i) for i in items))
        case Or(items=items):
            return or_(*(rec(i) for i in items))
        case Not(item=item):
            return not_(rec(item))
        case OwnerReportsTo(reports=ids) | DepartmentIn(subtree=True, ids=ids) if literal_ids:
            col = table.c.owner_id if isinstance(p, OwnerReportsTo) else table.c.department_id
            members = sorted(ids)
            clause: ColumnElement[bool] = (
                col == any_(literal(members, ARRAY(Integer))) if dialect == "postgresql"
                else col.in_(members) if members else false())
        case SharedWith() if shares_any and dialect == "postgresql":
            sub = compile_sql(p, table, now).right.element  # type: ignore[attr-defined]
            clause = table.c.id == any_(func.array(sub.scalar_subquery()))
        case _:
            return compile_sql(p, table, now, {p: hints[p]} if p in hints else None)
    if p in hints:
        return func.likelihood(clause, literal_column(f"{hints[p]:.4f}"))
    return clause


def proto_page(profile: AccessProfile, dialect: str, *, split: bool = False,
               literal_ids: bool = False, shares_any: bool = False, outer_order: bool = True,
               limit: int = LIMIT) -> Select[Any]:
    table: Table = Customer.__table__  # type: ignore[assignment]
    col, id_col = table.c.updated_at, table.c.id
    order = (col.desc(), id_col.desc())
    preds = branch_predicates(profile, "customer", "view")
    if not preds:
        return mark(select(Customer).where(false()))

    def comp(p: Pred, hints: dict[Pred, float] | None = None) -> ColumnElement[bool]:
        return _proto_compile(p, table, NOW, dialect, hints or {}, literal_ids=literal_ids,
                              shares_any=shares_any)

    if dialect == "sqlite":  # as src/, with the leaves swapped
        arms = [a for p in preds for a in split_small_subtree(p)]
        clauses = [comp(a, sqlite_likelihoods(profile, a)) for a in arms]
        if len(clauses) == 1:
            return mark(select(Customer).where(clauses[0]).order_by(*order).limit(limit))
        k: Any = literal_column("k")
        rid: Any = literal_column("rid")
        top = (union(*(select(id_col.label("rid"), col.label("k")).where(c) for c in clauses))
               .order_by(k.desc(), rid.desc()).limit(limit).subquery("top"))
        fetch = select(Customer).join(top, top.c.rid == Customer.id)
        return mark(fetch.order_by(top.c.k.desc(), top.c.rid.desc()) if outer_order else fetch)
    dense = [leaf for p in preds for leaf in leaves(p) if (density(profile, leaf) or 0) >= DENSE]
    splittable = split and dense and all(
        isinstance(x, DepartmentIn) and x.subtree and len(x.ids) <= SPLIT_MAX_DEPARTMENTS
        for x in dense)
    if not splittable and (len(preds) == 1 or dense):
        return mark(select(Customer).where(or_(*(comp(p) for p in preds)))
                    .order_by(*order).limit(limit))
    disjoint = [all_of([p, *(negate(q) for q in preds[:i])]) for i, p in enumerate(preds)]
    arms = ([a for p in disjoint for a in split_small_subtree(p)] if splittable
            else disjoint)
    merged = union_all(*(select(select(Customer).where(comp(a)).order_by(*order).limit(limit)
                                .subquery()) for a in arms)).subquery("visible")
    rows = aliased(Customer, merged)
    return mark(select(rows).order_by(merged.c.updated_at.desc(), merged.c.id.desc())
                .limit(limit))


def _proto(dialects: tuple[str, ...] = ("sqlite", "postgresql"), **switches: bool
           ) -> Prototype:
    def build(profile: AccessProfile, dialect: str) -> Select[Any] | None:
        # None: the prototype does not change this database's statement
        return proto_page(profile, dialect, **switches) if dialect in dialects else None
    return build


PROTOTYPES: dict[str, Prototype] = {
    "same": _proto(),  # proto_page with no switch: must time like `filtered` (a control)
    "split": _proto(("postgresql",), split=True),
    "ids": _proto(literal_ids=True),
    "any": _proto(("postgresql",), shares_any=True),
    "ids+any": _proto(literal_ids=True, shares_any=True),
    "nosort": _proto(("sqlite",), outer_order=False),
}
RESORTED = {"nosort"}  # the caller sorts the page: timed as fetch + Python sort
# Measured at 200k (medians, interleaved; `same` vs `filtered`, the identical statement,
# shows the noise: ±4 %): `ids` helps reports on both databases (PostgreSQL prepared
# 1.55 → 1.42, SQLite 2.12 → 1.97); `any` cuts PostgreSQL planning by ≈ 0.2 ms (unprepared
# narrow 2.98 → 2.53, rep 2.72 → 2.40); `ids+any` is the pair worth taking to src/.
# `split` is worse on PostgreSQL (per-arm executor start-up eats the rows saved; planning
# 1.4–1.6 ms) and `nosort` is within the noise.


# --- oracle tables ----------------------------------------------------------------------


def _oracle_table(name: str) -> Table:
    """A table with the customers columns and the same indexes (all of them: the three list
    indexes and the field indexes, so that planning costs compare too)."""
    src = Customer.__table__
    t = Table(name, MetaData(), *(
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in src.columns
    ))
    for ix in src.indexes:
        Index(ix.name.replace(f"ix_{src.name}_", f"ix_{name}_"),  # type: ignore[union-attr]
              *(t.c[c.name] for c in ix.columns))
    return t


def build_oracle(engine: Engine, name: str, visible: Sequence[int]) -> str:
    """oracle_<profile>: exactly the visible customers, same columns and indexes. Reused when
    an existing table already holds exactly `visible`."""
    want = set(visible)
    table = _oracle_table(name)
    if inspect(engine).has_table(name):
        indexes = {ix["name"] for ix in inspect(engine).get_indexes(name)}
        with engine.connect() as conn:
            have = set(conn.execute(text(f"SELECT id FROM {name}")).scalars())
        if have == want and indexes >= {ix.name for ix in table.indexes}:
            return name
    cols = ", ".join(c.name for c in table.columns)
    with engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
        conn.execute(text("DROP TABLE IF EXISTS bench_visible"))
        conn.execute(text("CREATE TABLE bench_visible (id INTEGER PRIMARY KEY)"))
        ids = sorted(want)
        for i in range(0, len(ids), 10_000):
            conn.execute(text("INSERT INTO bench_visible (id) VALUES (:id)"),
                         [{"id": x} for x in ids[i:i + 10_000]])
        conn.execute(text(
            f"INSERT INTO {name} ({cols}) SELECT {cols} FROM customers "
            "WHERE id IN (SELECT id FROM bench_visible) ORDER BY id"))
        conn.execute(text("DROP TABLE bench_visible"))
    _analyze(engine, name)
    return name


# ---------------------------------------------------------------------------------------
# running and timing through the raw DBAPI


class Raw:
    """A raw DBAPI connection: SQLite as configured by vouch.db; PostgreSQL in autocommit,
    with psycopg's automatic prepared statements off (`prepared=False`) or preparing every
    statement on first use (`prepared=True`)."""

    def __init__(self, engine: Engine, *, prepared: bool = False) -> None:
        self.engine = engine
        self.conn = engine.raw_connection()
        self.dialect = engine.dialect.name
        if self.dialect == "postgresql":
            drv: Any = self.conn.driver_connection
            drv.autocommit = True
            drv.prepare_threshold = 0 if prepared else None
        self.cur = self.conn.cursor()

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        self.cur.execute(sql)
        out = self.cur.fetchall()
        return [d[0] for d in self.cur.description], list(out)

    def sorted_rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """rows(), then sorted in the page order in Python (updated_at desc, id desc)."""
        names, rows = self.rows(sql)
        k, i = names.index("updated_at"), names.index("id")
        return names, sorted(rows, key=lambda r: (r[k], r[i]), reverse=True)

    def ids(self, sql: str, *, resort: bool = False) -> list[int]:
        names, rows = self.sorted_rows(sql) if resort else self.rows(sql)
        k = names.index("id")
        return [r[k] for r in rows]

    def explain(self, sql: str) -> str:
        if self.dialect == "postgresql":
            self.cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(r[0] for r in self.cur.fetchall())
        return explain_sqlite(self.cur, sql)

    def close(self) -> None:
        self.cur.close()
        self.conn.close()


def explain_sqlite(cur: Any, sql: str) -> str:
    """EXPLAIN QUERY PLAN as an indented tree."""
    cur.execute("EXPLAIN QUERY PLAN " + sql)
    rows = cur.fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


def time_interleaved(
    run: Callable[[str], Any], queries: dict[str, str], *, runs: int = 400,
    budget_s: float = 2.0, min_runs: int = 7, warmup: int = 5,
) -> dict[str, list[float]]:
    """Milliseconds per run for each query. Round-robin: one run of each query per round
    (rotating the order), until each has `runs` samples or has spent `budget_s` (with at
    least `min_runs`)."""
    names = list(queries)
    for n in names:
        for _ in range(warmup):
            t0 = time.perf_counter()
            run(queries[n])
            if time.perf_counter() - t0 > 0.05:  # slow: one warm-up is enough
                break
    samples: dict[str, list[float]] = {n: [] for n in names}
    spent = dict.fromkeys(names, 0.0)
    active = list(names)
    r = 0
    while active:
        order = active[r % len(active):] + active[:r % len(active)]
        for n in order:
            t0 = time.perf_counter()
            run(queries[n])
            dt = time.perf_counter() - t0
            samples[n].append(dt * 1000)
            spent[n] += dt
        active = [n for n in active
                  if len(samples[n]) < runs
                  and not (spent[n] >= budget_s and len(samples[n]) >= min_runs)]
        r += 1
    return samples


# ---------------------------------------------------------------------------------------
# the benchmark


# ---------------------------------------------------------------------------------------
# the benchmark


@dataclass
class Case:
    db: str
    profile: str
    user_id: int
    visible: int
    sql: dict[str, str]  # oracle, filtered, plain_or, and one per prototype
    protos: list[str] = field(default_factory=list)


def meets_target(oracle_ms: float, ms: float) -> bool:
    if oracle_ms < SMALL_ORACLE_MS:
        return ms - oracle_ms <= SMALL_SLACK_MS
    return ms / oracle_ms <= TARGET_RATIO


def filtered_page(profile: AccessProfile, dialect: str) -> Select[Any]:
    return page(profile, "customer", "view", NOW, dialect=dialect, limit=LIMIT)


def build_cases(engine: Engine, org: BenchOrg, db: str, profiles: Sequence[str] = PROFILES,
                protos: Sequence[str] = ()) -> list[Case]:
    """Statements per profile, oracle tables built, and every shape checked to return
    exactly the oracle's page (the same ids in the same order)."""
    clear_caches()  # the profile cache is keyed by (user, policy version), not by database
    cases = []
    dialect = engine.dialect.name
    with Session(engine) as session:
        for name in profiles:
            uid = org.users[name]
            profile = profile_for(session, uid, NOW)
            stmt = filtered_page(profile, dialect)
            visible = list(session.execute(
                filtered_select(profile, "customer", "view", NOW, Customer.id)).scalars())
            orm_page = [c.id for c in session.execute(stmt).scalars()]
            oracle = build_oracle(engine, f"oracle_{name}", visible)
            sql = {
                "oracle": oracle_sql(oracle),
                "filtered": sql_text(stmt, engine),
                "plain_or": sql_text(plain_or(profile), engine),
            }
            for p in protos:
                proto = PROTOTYPES[p](profile, dialect)
                sql[p] = sql["filtered"] if proto is None else sql_text(proto, engine)
            if "same" in protos:  # the prototype builder mirrors src/ exactly
                assert sql["same"] == sql["filtered"], f"{db}/{name}: proto_page drifted"
            raw = Raw(engine)
            try:
                want = raw.ids(sql["oracle"])
                assert len(want) == min(LIMIT, len(visible))
                assert orm_page == want, f"{db}/{name}: ORM page differs from the oracle"
                for k in sql:
                    got = raw.ids(sql[k], resort=k in RESORTED)
                    assert got == want, f"{db}/{name}: {k} page differs"
            finally:
                raw.close()
            cases.append(Case(db, name, uid, len(visible), sql, list(protos)))
    return cases


def _timed(engine: Engine, case: Case, *, prepared: bool, runs: int, budget_s: float
           ) -> dict[str, Any]:
    shapes = ["filtered", *case.protos]
    raw = Raw(engine, prepared=prepared)
    try:
        queries = {k: k for k in ("oracle", *shapes)}

        def run(k: str) -> Any:
            return (raw.sorted_rows if k in RESORTED else raw.rows)(case.sql[k])

        samples = time_interleaved(run, queries, runs=runs, budget_s=budget_s)
    finally:
        raw.close()
    med = {f"{k}_ms": statistics.median(v) for k, v in samples.items()}
    out: dict[str, Any] = dict(med)
    for k in shapes:
        out[f"{k}_ratio"] = med[f"{k}_ms"] / med["oracle_ms"]
        out[f"{k}_pass"] = meets_target(med["oracle_ms"], med[f"{k}_ms"])
    out["runs"] = {k: len(v) for k, v in samples.items()}
    return out


def run_case(engine: Engine, case: Case, *, runs: int, budget_s: float) -> dict[str, Any]:
    res: dict[str, Any] = {"visible": case.visible, "user_id": case.user_id}
    res.update(_timed(engine, case, prepared=False, runs=runs, budget_s=budget_s))
    if engine.dialect.name == "postgresql":
        res["prepared"] = _timed(engine, case, prepared=True, runs=runs, budget_s=budget_s)
    raw = Raw(engine)
    try:
        # the naive shape, interleaved with the oracle in a pass of its own (it may take
        # hundreds of milliseconds: few runs)
        plain = time_interleaved(
            raw.rows, {"oracle": case.sql["oracle"], "plain_or": case.sql["plain_or"]},
            runs=runs, budget_s=min(budget_s, 1.0), min_runs=5, warmup=2)
        res["plain_or_ms"] = statistics.median(plain["plain_or"])
        res["plain_or_ratio"] = res["plain_or_ms"] / statistics.median(plain["oracle"])
        res["plan"] = raw.explain(case.sql["filtered"])
        for p in case.protos:
            res[f"{p}_plan"] = raw.explain(case.sql[p])
        res["plain_or_plan"] = raw.explain(case.sql["plain_or"])
        res["oracle_plan"] = raw.explain(case.sql["oracle"])
    finally:
        raw.close()
    res["sql"] = case.sql
    return res


def bench_db(db: str, size: int, *, runs: int = 400, budget_s: float = 2.0,
             profiles: Sequence[str] = PROFILES, proto_index: bool = False,
             protos: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    engine = engine_for_db(db, size)
    tables: list[str] = []
    try:
        t0 = time.perf_counter()
        org = prepare(engine, size)
        console.print(f"[bold]{db}[/]: {size:,} customers ready in "
                      f"{time.perf_counter() - t0:.1f} s (generation took {org.seconds} s)")
        cases = build_cases(engine, org, db, profiles, protos)
        if proto_index:
            tables = ["customers", *(f"oracle_{c.profile}" for c in cases)]
            for t in tables:
                set_cover_index(engine, t, True)
        out = {}
        for case in cases:
            res = run_case(engine, case, runs=runs, budget_s=budget_s)
            res["share"] = case.visible / size
            out[case.profile] = res
        return out
    finally:
        for t in tables:
            set_cover_index(engine, t, False)
        engine.dispose()


def _ms(x: float) -> str:
    return f"{x:.3f}"


def _verdict(ok: bool) -> str:
    return "[green]pass[/]" if ok else "[red]FAIL[/]"


def report(results: dict[str, dict[str, dict[str, Any]]], *, plans: bool = True,
           title: str = "", protos: Sequence[str] = ()) -> None:
    t = RichTable(title=f"O5 first page of {LIMIT} customers, median ms {title}")
    for col in ("db", "mode", "profile", "visible", "share", "oracle", "filtered", "ratio",
                "target", "plain OR", "OR ratio"):
        t.add_column(col, justify="left" if col in ("db", "mode", "profile") else "right")
    rows = [(db, name, r, mode, m) for db, per in results.items() for name, r in per.items()
            for mode, m in [("unprepared" if db == "postgresql" else "", r),
                            *([("prepared", r["prepared"])] if "prepared" in r else [])]]
    for db, name, r, mode, m in rows:
        t.add_row(
            db, mode, name, f"{r['visible']:,}", f"{100 * r['share']:.2f}%",
            _ms(m["oracle_ms"]), _ms(m["filtered_ms"]), f"{m['filtered_ratio']:.2f}",
            _verdict(m["filtered_pass"]),
            _ms(r["plain_or_ms"]) if m is r else "",
            f"{r['plain_or_ratio']:.1f}" if m is r else "",
        )
    console.print(t)
    if protos:
        t = RichTable(title="prototypes (ms, ratio to the oracle, target), interleaved with "
                            "the columns above")
        for col in ("db", "mode", "profile", "oracle", "filtered", *protos):
            t.add_column(col, justify="left" if col in ("db", "mode", "profile") else "right")
        for db, name, _r, mode, m in rows:
            t.add_row(db, mode, name, _ms(m["oracle_ms"]), *(
                f"{_ms(m[f'{k}_ms'])} {m[f'{k}_ratio']:.2f} {_verdict(m[f'{k}_pass'])}"
                for k in ("filtered", *protos)))
        console.print(t)
    if plans:
        for db, per in results.items():
            for name, r in per.items():
                for key, label in (("plan", "filtered"), *((f"{p}_plan", p) for p in protos)):
                    if label != "filtered" and r["sql"][label] == r["sql"]["filtered"]:
                        continue
                    console.rule(f"{db} · {name} · {label} plan")
                    console.print(r[key], markup=False, highlight=False)


def main(size: int = 200_000, dbs: Sequence[str] = ("sqlite", "postgresql"), *,
         runs: int = 400, budget_s: float = 2.0, plans: bool = True,
         profiles: Sequence[str] = PROFILES, proto_index: bool = False,
         protos: Sequence[str] = ()) -> dict[str, dict[str, dict[str, Any]]]:
    """Run O5 and print the table (and the filtered plans); returns
    {db: {profile: results}} with medians, ratios, pass flags, plans and the SQL."""
    results = {db: bench_db(db, size, runs=runs, budget_s=budget_s, profiles=profiles,
                            proto_index=proto_index, protos=protos)
               for db in dbs}
    report(results, plans=plans, protos=protos,
           title=f"({size:,} customers{', + covering index' if proto_index else ''})")
    return results


def _cli(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--size", type=int, default=200_000)
    p.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    p.add_argument("--profile", action="append", choices=PROFILES)
    p.add_argument("--runs", type=int, default=400)
    p.add_argument("--budget", type=float, default=2.0, help="seconds per query at most")
    p.add_argument("--proto", action="append", choices=sorted(PROTOTYPES), default=[],
                   help="also time this prototype of a further src/ change")
    p.add_argument("--proto-index", action="store_true",
                   help="add the covering (updated_at, id, owner_id, department_id) index")
    p.add_argument("--no-plans", action="store_true")
    p.add_argument("--json", type=Path, help="also write the results dict here")
    a = p.parse_args(argv)
    results = main(a.size, tuple(a.db or ("sqlite", "postgresql")), runs=a.runs,
                   budget_s=a.budget, plans=not a.no_plans,
                   profiles=tuple(a.profile or PROFILES), proto_index=a.proto_index,
                   protos=tuple(a.proto))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(results, indent=1, default=str))
    return 0 if all(r["filtered_pass"] and r.get("prepared", r)["filtered_pass"]
                    for per in results.values() for r in per.values()) else 1


if __name__ == "__main__":
    sys.exit(_cli())
