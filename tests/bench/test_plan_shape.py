"""The permission-filtered first page is index-ordered (ARCHITECTURE.md, "SQL shape").

`vouch.access.query.page` builds the page per database. These tests generate a realistic
organisation (bench/datagen.py, 20,000 customers, ANALYZE after loading, no planner
settings touched), read the real plans and check the properties the shape exists for:

SQLite (keys-only arms under one compound UNION … ORDER BY … LIMIT):
* the compound runs as a MERGE (UNION) of its arms — no "UNION USING TEMP B-TREE", no
  co-routine materialising the union — and nothing reads customers outside the arms
  except the final fetch of the page by primary key;
* every scope arm (own, one per department of a small subtree, reports, a large subtree)
  reads customers through ix_customers_owner_updated / ix_customers_department_updated /
  ix_customers_updated in index order: no "USE TEMP B-TREE FOR ORDER BY" inside the arm;
* the share arm reads customers by INTEGER PRIMARY KEY, driven by a search on shares.

PostgreSQL:
* sparse scopes (narrow, rep: disjoint arms UNION ALL): every scope arm is an Index [Only]
  Scan Backward on a list index under a Limit; the share arm is driven from the shares and
  reads customers by primary key; no Sort anywhere over more than k×50 rows;
* dense scopes (managers: one ordered scan with the branches OR-ed): one Index Scan
  Backward on ix_customers_updated under the Limit that stops early, no Sort node;
* never a Seq Scan on customers.

And on both databases, for every profile, the page holds exactly the 50 ids an oracle
computes from the visible set (`filtered_select`, sorted in Python), and so does the next
page after the keyset cursor.

PostgreSQL: the server named by VOUCH_TEST_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), database `vouch_bench_test` (created
when missing, regenerated when its data does not match the generator). Unreachable: skip,
or fail under CI=true.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from bench.datagen import NOW, BenchOrg, generate, prepare
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from vouch.access.engine import AccessProfile, branch_predicates
from vouch.access.engine.predicate import (
    And,
    DepartmentIn,
    OwnerIs,
    OwnerReportsTo,
    Pred,
    SharedWith,
)
from vouch.access.query import SPLIT_MAX_DEPARTMENTS, filtered_select, page
from vouch.access.service import clear_caches, profile_for
from vouch.db import make_engine
from vouch.records.models import Customer

SIZE = 20_000
LIMIT = 50
PG_DATABASE = "vouch_bench_test"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PROFILES = ("narrow", "rep", "manager_tree", "manager_reports", "admin")
SPARSE = ("narrow", "rep")
DENSE = ("manager_tree", "manager_reports")
# which list index each scope arm must read (SQLite, and PostgreSQL's sparse arms)
ARM_INDEX = {
    "own": "ix_customers_owner_updated",
    "department": "ix_customers_department_updated",  # one department of a small subtree
    "subtree": "ix_customers_updated",  # a subtree too large to split: scan + membership
    "reports": "ix_customers_updated",  # dense team: ordered scan + membership
}
LIST_INDEXES = tuple(sorted(set(ARM_INDEX.values())))


# ---------------------------------------------------------------------------------------
# databases


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, BenchOrg]]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plan.db'}")
    org = generate(engine, SIZE, show_progress=False)
    yield engine, org
    engine.dispose()


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable ({reason}); set VOUCH_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def postgres_db() -> Iterator[tuple[Engine, BenchOrg]]:
    url = make_url(os.environ.get("VOUCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": PG_DATABASE}).scalar():
                conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
    except Exception as exc:  # any failure to reach the server
        _postgres_unavailable(f"{type(exc).__name__}: {exc}".splitlines()[0])
    engine = make_engine(url.set(database=PG_DATABASE).render_as_string(hide_password=False))
    org = prepare(engine, SIZE, show_progress=False)
    yield engine, org
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> tuple[Engine, BenchOrg]:
    fixture = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------
# the statement


@dataclass
class Page:
    sql: str
    ids: list[int]
    profile: AccessProfile
    preds: list[Pred]  # the branches, in the statement's order


def _sql(stmt: Any, engine: Engine) -> str:
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def first_page(engine: Engine, org: BenchOrg, who: str,
               after: tuple[datetime, int] | None = None) -> Page:
    clear_caches()  # the profile cache is keyed by (user, policy version), not by database
    with Session(engine) as session:
        profile = profile_for(session, org.users[who], NOW)
        stmt = page(profile, "customer", "view", NOW, dialect=engine.dialect.name,
                    after=after, limit=LIMIT)
        ids = [c.id for c in session.execute(stmt).scalars()]
    return Page(_sql(stmt, engine), ids, profile,
                branch_predicates(profile, "customer", "view"))


def _kind(leaf: Pred) -> str | None:
    match leaf:
        case SharedWith():
            return "share"
        case OwnerReportsTo():
            return "reports"
        case DepartmentIn(subtree=True):
            return "subtree"
        case DepartmentIn():
            return "department"
        case OwnerIs():
            return "own"
    return None


def branch_kind(p: Pred) -> str:
    items = p.items if isinstance(p, And) else (p,)
    kinds = {k for k in map(_kind, items) if k is not None}
    assert len(kinds) == 1, f"one scope leaf per branch expected: {p!r}"
    return kinds.pop()


def sqlite_arm_kinds(preds: list[Pred]) -> list[str]:
    """The arms SQLite's statement should have, in order: one per branch, except that a
    subtree of at most SPLIT_MAX_DEPARTMENTS departments is one arm per department."""
    out: list[str] = []
    for p in preds:
        kind = branch_kind(p)
        if kind == "subtree":
            leaf = next(i for i in (p.items if isinstance(p, And) else (p,))
                        if isinstance(i, DepartmentIn))
            if len(leaf.ids) <= SPLIT_MAX_DEPARTMENTS:
                out.extend(["department"] * len(leaf.ids))
                continue
        out.append(kind)
    return out


# ---------------------------------------------------------------------------------------
# the data is what the profiles claim, and the page is the oracle's page


def test_generated_profiles_have_their_shares(db: tuple[Engine, BenchOrg]) -> None:
    engine, org = db
    assert org.customers == SIZE
    assert org.owned["rep"] == round(SIZE * 0.02)
    assert org.owned["manager_tree"] == org.owned["manager_reports"] == round(SIZE * 0.15)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM customers WHERE owner_id = :u"),
                         {"u": org.users["rep"]}).scalar()
        tree = conn.execute(text(
            "SELECT count(*) FROM customers WHERE department_id IN (SELECT descendant_id "
            "FROM department_closure WHERE ancestor_id = :d)"),
            {"d": org.departments["region_a"]}).scalar()
    assert n == org.owned["rep"]
    assert tree == org.owned["manager_tree"]


def oracle_pages(engine: Engine, org: BenchOrg, who: str, n: int
                 ) -> list[list[tuple[datetime, int]]]:
    """The first `n` pages of (updated_at, id) computed without the page shape: every
    visible row through the plain filter, sorted in Python."""
    clear_caches()
    with Session(engine) as session:
        profile = profile_for(session, org.users[who], NOW)
        rows = session.execute(filtered_select(
            profile, "customer", "view", NOW, Customer.updated_at, Customer.id)).tuples().all()
    ordered = sorted(rows, reverse=True)
    return [ordered[k * LIMIT:(k + 1) * LIMIT] for k in range(n)]


@pytest.mark.parametrize("who", PROFILES)
def test_page_is_the_oracle_page(db: tuple[Engine, BenchOrg], who: str) -> None:
    engine, org = db
    want = oracle_pages(engine, org, who, 2)
    first = first_page(engine, org, who)
    assert first.ids == [i for _, i in want[0]]
    assert len(first.ids) == (min(LIMIT, org.owned[who] + org.shares[who])
                              if who in SPARSE else LIMIT)
    if len(first.ids) < LIMIT:
        return
    second = first_page(engine, org, who, after=want[0][-1])  # the keyset cursor
    assert second.ids == [i for _, i in want[1]] and second.ids


# ---------------------------------------------------------------------------------------
# SQLite


@dataclass
class Node:
    detail: str
    children: list[Node]

    def lines(self) -> Iterator[str]:
        yield self.detail
        for c in self.children:
            yield from c.lines()

    def text(self, depth: int = 0) -> str:
        return "\n".join(["  " * depth + self.detail,
                          *(c.text(depth + 1) for c in self.children)]).rstrip()


def sqlite_plan(engine: Engine, sql: str) -> Node:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cur.fetchall()
    finally:
        raw.close()
    nodes = {0: Node("QUERY PLAN", [])}
    for node_id, parent, _unused, detail in rows:
        nodes[node_id] = Node(detail, [])
        nodes[parent].children.append(nodes[node_id])
    return nodes[0]


def merge_arms(root: Node) -> tuple[list[Node], list[Node]]:
    """(the MERGE (UNION) nodes, the arms under them in order: every LEFT / RIGHT input of
    a MERGE that is not itself a MERGE)."""
    merges: list[Node] = []
    arms: list[Node] = []

    def walk(n: Node) -> None:
        if n.detail.startswith("MERGE"):
            merges.append(n)
            for side in n.children:
                assert side.detail in ("LEFT", "RIGHT"), root.text()
                inner = [c for c in side.children if c.detail.startswith("MERGE")]
                if inner and len(side.children) == 1:
                    walk(inner[0])
                else:
                    arms.append(side)
            return
        for c in n.children:
            walk(c)

    walk(root)
    return merges, arms


def outside(root: Node, arms: list[Node]) -> list[str]:
    skip = {id(a) for a in arms}

    def walk(n: Node) -> Iterator[str]:
        if id(n) in skip:
            return
        yield n.detail
        for c in n.children:
            yield from walk(c)

    return list(walk(root))


CUSTOMER_READ = re.compile(r"(SEARCH|SCAN) customers\b")
SHARES_READ = re.compile(r"SEARCH shares USING (COVERING )?INDEX \w+")


def _index_read(index: str) -> re.Pattern[str]:
    return re.compile(rf"(SEARCH|SCAN) customers USING (COVERING )?INDEX {index}\b")


@pytest.mark.parametrize("who", ["narrow", "rep", "manager_tree", "manager_reports"])
def test_sqlite_page_is_a_lazy_merge_of_ordered_arms(
    sqlite_db: tuple[Engine, BenchOrg], who: str
) -> None:
    engine, org = sqlite_db
    pg = first_page(engine, org, who)
    kinds = sqlite_arm_kinds(pg.preds)
    assert "share" in kinds and len(kinds) >= 2
    root = sqlite_plan(engine, pg.sql)
    plan = root.text()
    merges, arms = merge_arms(root)
    # one compound ORDER BY … LIMIT run as a merge: k arms, k - 1 binary MERGE (UNION)
    assert len(arms) == len(kinds), f"{kinds}\n{plan}"
    assert len(merges) == len(kinds) - 1 and all(m.detail == "MERGE (UNION)" for m in merges)
    assert "COMPOUND QUERY" not in plan and "UNION USING TEMP B-TREE" not in plan, plan
    for kind, arm in zip(kinds, arms, strict=True):
        lines = list(arm.lines())
        reads = [ln for ln in lines if CUSTOMER_READ.match(ln)]
        body = arm.text()
        if kind == "share":
            assert reads and all(ln.startswith("SEARCH customers USING INTEGER PRIMARY KEY")
                                 for ln in reads), f"share arm scans customers:\n{body}"
            assert any(SHARES_READ.match(ln) for ln in lines), (
                f"share arm not driven by a search on shares:\n{body}")
            continue
        assert len(reads) == 1 and _index_read(ARM_INDEX[kind]).match(reads[0]), (
            f"{kind} arm does not read customers on {ARM_INDEX[kind]}:\n{body}")
        if kind in ("own", "department"):  # one key: a search, not a scan
            assert reads[0].startswith("SEARCH"), body
        assert "USE TEMP B-TREE FOR ORDER BY" not in lines, f"{kind} arm sorts:\n{body}"
        assert not any(ln.startswith(("SCAN shares", "CORRELATED")) for ln in lines), body
    # outside the arms: the 50 keys are fetched by primary key, at most the page is sorted
    rest = outside(root, arms)
    reads = [ln for ln in rest if CUSTOMER_READ.match(ln)]
    assert reads == ["SEARCH customers USING INTEGER PRIMARY KEY (rowid=?)"], plan
    assert sum("TEMP B-TREE" in ln for ln in rest) <= 1, plan


def test_sqlite_admin_page_is_one_ordered_scan(sqlite_db: tuple[Engine, BenchOrg]) -> None:
    engine, org = sqlite_db
    pg = first_page(engine, org, "admin")
    lines = list(sqlite_plan(engine, pg.sql).lines())[1:]
    assert lines == ["SCAN customers USING INDEX ix_customers_updated"], lines


def test_sqlite_merge_stops_early(sqlite_db: tuple[Engine, BenchOrg]) -> None:
    """The merge is lazy: the page does a bounded amount of work, far less than reading
    every visible row (measured in SQLite VM instructions through a progress handler)."""
    engine, org = sqlite_db

    def vm_steps(sql: str) -> int:
        raw = engine.raw_connection()
        steps = 0

        def tick() -> int:
            nonlocal steps
            steps += 1
            return 0

        try:
            raw.driver_connection.set_progress_handler(tick, 1)  # type: ignore[union-attr]
            raw.cursor().execute(sql).fetchall()
            raw.driver_connection.set_progress_handler(None, 1)  # type: ignore[union-attr]
        finally:
            raw.close()
        return steps

    for who in ("rep", "manager_tree", "manager_reports"):
        pg = first_page(engine, org, who)
        everything = re.sub(r"LIMIT \d+( OFFSET \d+)?", "", pg.sql)  # the same statement, unbounded
        assert everything != pg.sql
        page_steps, all_steps = vm_steps(pg.sql), vm_steps(everything)
        assert page_steps * 4 < all_steps, (who, page_steps, all_steps)


# ---------------------------------------------------------------------------------------
# PostgreSQL


def pg_plan(engine: Engine, sql: str) -> dict[str, Any]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        doc = cur.fetchone()[0]
    finally:
        raw.close()
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return doc[0]["Plan"]  # type: ignore[no-any-return]


def pg_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from pg_nodes(child)


def _describe(node: dict[str, Any], depth: int = 0) -> str:
    line = (f"{'  ' * depth}{node['Node Type']} {node.get('Relation Name', '')} "
            f"{node.get('Index Name', '')} {node.get('Scan Direction', '')} "
            f"rows={node.get('Actual Rows')} removed={node.get('Rows Removed by Filter', 0)}")
    return "\n".join([line, *(_describe(c, depth + 1) for c in node.get("Plans", ()))])


def _fed(node: dict[str, Any]) -> int:
    child = node["Plans"][0]
    return int(child["Actual Rows"] * child["Actual Loops"])


def _common_pg_checks(root: dict[str, Any], k: int) -> None:
    nodes = list(pg_nodes(root))
    assert not any(n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "customers"
                   for n in nodes), _describe(root)
    for n in nodes:
        if n["Node Type"] == "Sort":
            assert _fed(n) <= k * LIMIT, f"a Sort over {_fed(n)} rows:\n{_describe(root)}"


def pg_arms(root: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of the Merge Append / Append that merges the arms."""
    for n in pg_nodes(root):
        if n["Node Type"] in ("Merge Append", "Append"):
            return list(n["Plans"])
    raise AssertionError(f"no Append over the arms:\n{_describe(root)}")


@pytest.mark.postgres
@pytest.mark.parametrize("who", SPARSE)
def test_postgres_sparse_arms_are_index_ordered(
    postgres_db: tuple[Engine, BenchOrg], who: str
) -> None:
    engine, org = postgres_db
    pg = first_page(engine, org, who)
    kinds = [branch_kind(p) for p in pg.preds]
    assert kinds == ["own", "share"]
    plan = pg_plan(engine, pg.sql)
    # the page's keys (a Limit over the merged arms), then its rows by primary key
    assert plan["Node Type"] == "Nested Loop", _describe(plan)
    root, fetch = plan["Plans"]
    assert root["Node Type"] == "Limit", _describe(plan)
    assert (fetch["Node Type"], fetch.get("Index Name")) == ("Index Scan", "pk_customers"), \
        _describe(plan)
    arms = pg_arms(root)
    assert len(arms) == len(kinds), _describe(root)
    for kind, arm in zip(kinds, arms, strict=True):
        body = _describe(arm)
        assert arm["Node Type"] == "Limit", f"{kind} arm has no Limit of its own:\n{body}"
        nodes = list(pg_nodes(arm))
        customer_reads = [n for n in nodes if n.get("Relation Name") == "customers"]
        if kind == "share":
            # driven from the shares, customers fetched by primary key
            assert any(n.get("Relation Name") == "shares" for n in nodes), body
            assert customer_reads and all(
                n["Node Type"] == "Index Scan" and n.get("Index Name") == "pk_customers"
                for n in customer_reads), body
            continue
        scan = arm["Plans"][0]
        if scan["Node Type"] == "Sort":
            # allowed only for a branch with fewer matches than the page (narrow owns 2 at
            # this size): the planner may sort those few instead of walking the index
            assert _fed(scan) < LIMIT and org.owned[who] < LIMIT, body
            scan = scan["Plans"][0]
            assert scan["Node Type"] in ("Bitmap Heap Scan", "Index Scan",
                                         "Index Only Scan"), body
            assert {n.get("Index Name") for n in pg_nodes(scan)} - {None} == {
                ARM_INDEX[kind]}, body
            continue
        assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), body
        assert scan.get("Relation Name") == "customers", body
        assert scan.get("Index Name") == ARM_INDEX[kind], body
        assert scan.get("Scan Direction") == "Backward", body
        assert scan["Actual Rows"] <= LIMIT, body
        assert not any(n["Node Type"] == "Sort" for n in nodes), f"{kind} arm sorts:\n{body}"
    _common_pg_checks(root, len(kinds))


@pytest.mark.postgres
@pytest.mark.parametrize("who", DENSE)
def test_postgres_dense_scope_is_one_ordered_scan(
    postgres_db: tuple[Engine, BenchOrg], who: str
) -> None:
    engine, org = postgres_db
    pg = first_page(engine, org, who)
    root = pg_plan(engine, pg.sql)
    body = _describe(root)
    assert root["Node Type"] == "Limit", body
    scan = root["Plans"][0]
    assert scan["Node Type"] == "Index Scan", body
    assert scan.get("Relation Name") == "customers", body
    assert scan.get("Index Name") == "ix_customers_updated", body
    assert scan.get("Scan Direction") == "Backward", body
    nodes = list(pg_nodes(root))
    assert not any(n["Node Type"] == "Sort" for n in nodes), body
    # the Limit stops the scan early: it examines about LIMIT / density rows (≈ 340 at
    # 15 %), far from the table
    examined = scan["Actual Rows"] + scan.get("Rows Removed by Filter", 0)
    assert scan["Actual Rows"] == LIMIT and examined <= SIZE // 10, body
    # the only other reads of customers: none (membership comes from hashed sub-plans)
    assert [n for n in nodes if n.get("Relation Name") == "customers"] == [scan], body
    _common_pg_checks(root, 1)


@pytest.mark.postgres
def test_postgres_admin_page_is_one_ordered_scan(postgres_db: tuple[Engine, BenchOrg]) -> None:
    engine, org = postgres_db
    pg = first_page(engine, org, "admin")
    root = pg_plan(engine, pg.sql)
    assert root["Node Type"] == "Limit", _describe(root)
    scan = root["Plans"][0]
    assert (scan["Node Type"], scan.get("Index Name"), scan.get("Scan Direction")) == (
        "Index Scan", "ix_customers_updated", "Backward"), _describe(root)
    assert scan["Actual Rows"] == LIMIT
