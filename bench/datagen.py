"""A realistic organisation with many customers, for the list benchmarks (O5) and the
plan-shape tests.

    info = generate(engine, customers=200_000, seed=SEED)   # migrate a fresh db, load, ANALYZE
    info = prepare(engine, customers=200_000)               # reuse a matching db, else generate

The organisation: 50 departments in a tree five levels deep (head office → divisions →
regions → branches → teams), ~1,000 users whose reporting lines follow the departments
(a department head reports to the parent department's head, members to their head), both
closure tables, four roles, and `customers` rows spread over two years. Five users are
planted for the benchmark, with visible shares fixed by construction:

    narrow          scope own, owns 0.01 % of customers (20 at 200k) + 2 manual shares
    rep             scope own, owns 2 % (4,000) + a dozen manual shares (two expired)
    manager_tree    scope department_tree, head of region A whose subtree owns 15 %
    manager_reports scope reports, head of region B whose reporting tree owns 15 %
    admin           scope all

Customer `department_id` is the owner's department. ids grow with `created_at`;
`updated_at` lies between creation and the reference time `NOW` (skewed to recent).

Loading bypasses the single door on purpose (a system session / raw inserts): this is a
generator, not a user. PostgreSQL bulk rows go through COPY; SQLite through executemany.
A `bench_meta` table records what was generated so that `prepare` can reuse it.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, Table, insert, inspect, text, update

import vouch.models  # noqa: F401  (every model in Base.metadata)
from vouch.access.models import Grant, PolicyState, Role, RoleAssignment, RolePermission, Share
from vouch.db import system_session
from vouch.migrate import upgrade
from vouch.org.models import Department, DepartmentClosure, ReportingClosure, User

GEN_VERSION = 5  # v5: the cache marker also checks the schema revision
SEED = 20260601
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # the benchmark's reference clock
N_USERS = 1_000
CHUNK = 10_000

SHARE_NARROW = 0.0001
SHARE_REP = 0.02
SHARE_MANAGER = 0.15

INDUSTRIES = ("manufacturing", "retail", "finance", "technology", "healthcare",
              "education", "logistics", "energy", "real_estate", "agriculture")
REGIONS = ("east", "south", "north", "central", "west", "northeast", "overseas")
CITIES = ("上海", "北京", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安",
          "天津", "重庆", "青岛", "厦门", "宁波", "长沙", "郑州", "合肥", "沈阳", "大连")
WORDS = ("华信", "恒达", "启明", "瑞丰", "中联", "博远", "新元", "天成", "宏图", "佳能",
         "永盛", "东方", "嘉禾", "金桥", "远航", "联创", "盛世", "锦程", "智达", "鼎泰")
TRADES = ("科技", "贸易", "制造", "物流", "医药", "能源", "教育", "置业", "食品", "电子")
SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "实业有限公司")
STREETS = ("人民路", "中山路", "解放路", "建设路", "长江路", "和平路", "新华路", "淮海路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英")
NOTES = (None, None, None, "Key account; quarterly business review.",
         "Prefers e-mail. Budget cycle starts in Q3.",
         "Met at trade fair; follow up on the pilot proposal.",
         "Payment terms 60 days; credit check renewed.")


@dataclass
class BenchOrg:
    """What `generate` built: the planted users and the expected visible counts."""

    customers: int
    seed: int
    users: dict[str, int]  # profile name -> user id
    owned: dict[str, int]  # profile name -> customers owned (managers: by their team)
    shares: dict[str, int]  # profile name -> active manual shares to the user
    departments: dict[str, int] = field(default_factory=dict)  # region_a, region_b
    seconds: float = 0.0
    version: int = GEN_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> BenchOrg:
        return cls(**json.loads(raw))


# ---------------------------------------------------------------------------------------
# organisation


@dataclass
class _Dept:
    id: int
    parent: int | None
    depth: int
    name: str
    head: int = 0
    members: list[int] = field(default_factory=list)


def _departments() -> list[_Dept]:
    """50 departments, five levels: 1 head office, 3 divisions, 9 regions, 18 branches,
    19 teams (every branch has a team, the first one two)."""
    out = [_Dept(1, None, 0, "总部")]
    divisions = ["华北事业部", "华南事业部", "大客户事业部"]
    for name in divisions:
        out.append(_Dept(len(out) + 1, 1, 1, name))
    for div in [d for d in out if d.depth == 1]:
        for k in range(3):
            out.append(_Dept(len(out) + 1, div.id, 2, f"{div.name[:2]}{k + 1}区"))
    for reg in [d for d in out if d.depth == 2]:
        for k in range(2):
            out.append(_Dept(len(out) + 1, reg.id, 3, f"{reg.name}{k + 1}分部"))
    branches = [d for d in out if d.depth == 3]
    for i, br in enumerate(branches + branches[:1]):
        out.append(_Dept(len(out) + 1, br.id, 4, f"{br.name}{'AB'[i // len(branches)]}组"))
    assert len(out) == 50
    return out


def _subtree(depts: Sequence[_Dept], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for d in depts:
        if d.parent is not None:
            children.setdefault(d.parent, []).append(d.id)
    out, stack = set(), [root]
    while stack:
        x = stack.pop()
        out.add(x)
        stack.extend(children.get(x, ()))
    return out


def _closure(parent: dict[int, int | None]) -> list[tuple[int, int, int]]:
    """(ancestor, descendant, depth) for every path pair, (x, x, 0) included."""
    rows = []
    for node in parent:
        cur: int | None = node
        depth = 0
        while cur is not None:
            rows.append((cur, node, depth))
            cur = parent[cur]
            depth += 1
    return rows


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    rest = total - sum(out)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[:rest]:
        out[i] += 1
    return out


@dataclass
class _Plan:
    depts: list[_Dept]
    users: list[dict[str, Any]]  # managers first
    owned: dict[int, int]  # user id -> customers owned
    planted: dict[str, int]
    region_a: int
    region_b: int
    role_of: dict[int, list[str]]


def _plan(customers: int, rng: random.Random) -> _Plan:
    depts = _departments()
    by_id = {d.id: d for d in depts}
    uid = 0

    def new_user() -> int:
        nonlocal uid
        uid += 1
        return uid

    for d in depts:  # heads first, parents before children
        d.head = new_user()
    # members: mostly in teams and childless branches, a few staff higher up
    has_child = {d.parent for d in depts if d.parent is not None}
    leaves = [d for d in depts if d.id not in has_child]
    inner = [d for d in depts if d.id in has_child]
    n_members = N_USERS - len(depts)
    staff = [rng.choice(inner) for _ in range(n_members // 20)]
    weights = [rng.uniform(0.6, 1.4) for _ in leaves]
    counts = _allocate(n_members - len(staff), weights)
    for d, n in zip(leaves, counts, strict=True):
        d.members.extend(new_user() for _ in range(n))
    for d in staff:
        d.members.append(new_user())

    region_a, region_b = 5, 11  # first region of the first division, one of the third
    sub_a, sub_b = _subtree(depts, region_a), _subtree(depts, region_b)
    outside = [d for d in leaves if d.id not in sub_a | sub_b]
    rep_dept, narrow_dept = outside[0], outside[len(outside) // 2]
    planted = {
        "narrow": narrow_dept.members[0],
        "rep": rep_dept.members[0],
        "manager_tree": by_id[region_a].head,
        "manager_reports": by_id[region_b].head,
        "admin": by_id[1].members[0] if by_id[1].members else by_id[1].head,
    }

    users: list[dict[str, Any]] = []
    dept_of: dict[int, int] = {}
    for d in depts:
        manager = by_id[d.parent].head if d.parent is not None else None
        users.append(_user_row(d.head, d.id, manager, rng))
        dept_of[d.head] = d.id
    for d in depts:
        for m in d.members:
            users.append(_user_row(m, d.id, d.head, rng))
            dept_of[m] = d.id

    # customers owned: fixed budgets for the planted users and the two manager teams
    n_narrow = max(2, round(customers * SHARE_NARROW))
    n_rep = round(customers * SHARE_REP)
    n_team = round(customers * SHARE_MANAGER)
    fixed = {planted["narrow"]: n_narrow, planted["rep"]: n_rep}
    groups: dict[str, list[int]] = {"a": [], "b": [], "rest": []}
    for u in users:
        if u["id"] in fixed:
            continue
        d = dept_of[u["id"]]
        groups["a" if d in sub_a else "b" if d in sub_b else "rest"].append(u["id"])
    heads = {d.head for d in depts}
    budgets = {"a": n_team, "b": n_team,
               "rest": customers - 2 * n_team - sum(fixed.values())}
    owned = dict(fixed)
    for g, ids in groups.items():
        w = [rng.lognormvariate(0, 0.7) * (0.25 if i in heads else 1.0) for i in ids]
        owned.update(zip(ids, _allocate(budgets[g], w), strict=True))
    owned[planted["admin"]] = owned.get(planted["admin"], 0)

    role_of: dict[int, list[str]] = {u["id"]: ["sales_rep"] for u in users}
    for d in depts:
        if d.depth <= 2 and d.head != planted["manager_reports"]:
            role_of[d.head].append("manager_tree")
        elif d.depth == 3:
            role_of[d.head].append("manager_reports")
    role_of[planted["manager_reports"]].append("manager_reports")
    role_of[planted["admin"]].append("admin")
    if planted["admin"] != by_id[1].head:
        role_of[by_id[1].head].append("admin")
    return _Plan(depts, users, owned, planted, region_a, region_b, role_of)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _user_row(uid: int, dept: int, manager: int | None, rng: random.Random) -> dict[str, Any]:
    return {
        "id": uid, "username": f"u{uid:04d}", "display_name": _person(rng),
        "email": f"u{uid:04d}@vouch.example",
        "phone": f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
        "department_id": dept, "manager_id": manager,
        "hire_date": date(2015, 1, 1) + timedelta(days=rng.randrange(3650)),
        "active": True, "password_hash": None,
        "created_at": NOW - timedelta(days=900 + rng.randrange(300)),
        "deactivated_at": None, "version": 1,
    }


# ---------------------------------------------------------------------------------------
# roles

ROLES: dict[str, dict[str, str]] = {
    "sales_rep": {"view": "own", "edit": "own", "delete": "own", "export": "own",
                  "transfer": "own", "share": "own", "create": "all"},
    "manager_tree": {"view": "department_tree", "edit": "department_tree",
                     "export": "department_tree", "transfer": "department_tree",
                     "share": "department_tree", "create": "all"},
    "manager_reports": {"view": "reports", "edit": "reports", "export": "reports",
                        "transfer": "reports", "share": "reports", "create": "all"},
    "admin": {"view": "all", "edit": "all", "delete": "all", "export": "all",
              "transfer": "all", "share": "all", "create": "all", "import": "all"},
}
ROLE_OBJECTS = ("customer", "contact", "opportunity")
ADMIN_PERMISSIONS = ("manage_users", "manage_roles", "view_audit", "manage_settings")


# ---------------------------------------------------------------------------------------
# customers and shares


def _customer_rows(customers: int, plan: _Plan, rng: random.Random) -> list[tuple[Any, ...]]:
    dept_of = {u["id"]: u["department_id"] for u in plan.users}
    owners = [uid for uid, n in plan.owned.items() for _ in range(n)]
    rng.shuffle(owners)
    span = 730 * 86400.0
    start = NOW - timedelta(seconds=span)
    rows = []
    for i, owner in enumerate(owners, start=1):
        created = start + timedelta(seconds=span * (i - 1) / customers
                                    + rng.uniform(0, 3600))
        age = (NOW - created).total_seconds()
        # most records were touched recently, some never since creation
        updated = created + timedelta(seconds=age * (1 - rng.random() ** 1.3)
                                      * (rng.random() < 0.9))
        if updated > NOW:
            updated = NOW - timedelta(microseconds=rng.randrange(1, 10**6))
        city = rng.choice(CITIES)
        rows.append((
            f"{city}{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}",  # name
            rng.choice(INDUSTRIES),
            rng.choice(REGIONS),
            rng.choices("ABCD", (1, 3, 4, 2))[0],
            f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
            f"contact{i}@{rng.choice(('qq.com', '163.com', 'corp.example', 'mail.example'))}",
            f"{city}市{rng.choice(STREETS)}{rng.randint(1, 999)}号",
            Decimal(rng.randrange(0, 500_000_00)) / 100,
            rng.choices(("prospect", "active", "dormant", "lost"), (3, 5, 2, 1))[0],
            rng.choice(NOTES),
            i,  # id
            created.replace(tzinfo=None),
            updated.replace(tzinfo=None),
            1 + int(rng.random() * 6 * (updated > created)),  # version
            owner,
            dept_of[owner],
            owner,  # created_by
            owner,  # updated_by
        ))
    return rows


CUSTOMER_COLUMNS = ("name", "industry", "region", "level", "phone", "email", "address",
                    "credit_limit", "status", "notes", "id", "created_at", "updated_at",
                    "version", "owner_id", "department_id", "created_by", "updated_by")


def _share_rows(customers: int, plan: _Plan, customer_owner: list[int],
                rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Background shares (users and leaf departments, none touching the planted users) and
    a few planted ones: 12 to the rep (2 expired), 2 to narrow, 5 to each manager."""
    planted = set(plan.planted.values())
    dept_of = {u["id"]: u["department_id"] for u in plan.users}
    planted_depts = {dept_of[u] for u in planted}
    has_child = {d.parent for d in plan.depts if d.parent is not None}
    leaf_depts = [d.id for d in plan.depts if d.id not in has_child and d.id not in planted_depts]
    others = [u["id"] for u in plan.users if u["id"] not in planted]
    rows: list[dict[str, Any]] = []

    def add(record: int, kind: str, pid: int, access: str, expires: datetime | None) -> None:
        rows.append({
            "id": len(rows) + 1, "object": "customer", "record_id": record,
            "principal_kind": kind, "principal_id": pid, "access": access,
            "shared_by": customer_owner[record - 1],
            "created_at": NOW - timedelta(days=rng.randrange(1, 400)),
            "expires_at": expires, "reason": "协同跟进",
        })

    for _ in range(max(50, customers // 40)):
        record = rng.randint(1, customers)
        kind, pid = (("user", rng.choice(others)) if rng.random() < 0.88
                     else ("department", rng.choice(leaf_depts)))
        r = rng.random()
        expires = (None if r < 0.8 else NOW + timedelta(days=rng.randint(1, 90)) if r < 0.9
                   else NOW - timedelta(days=rng.randint(1, 90)))
        add(record, kind, pid, rng.choice(("read", "read", "read_write")), expires)

    active: dict[str, int] = {}
    for name, n, n_expired in (("rep", 12, 2), ("narrow", 2, 0),
                               ("manager_tree", 5, 0), ("manager_reports", 5, 0)):
        uid = plan.planted[name]
        picked: set[int] = set()
        while len(picked) < n:
            record = rng.randint(1, customers)
            if customer_owner[record - 1] != uid:
                picked.add(record)
        for k, record in enumerate(sorted(picked)):
            expired = k < n_expired
            add(record, "user", uid, "read" if k % 3 else "read_write",
                NOW - timedelta(days=3) if expired else
                (NOW + timedelta(days=30) if k % 4 == 1 else None))
        active[name] = n - n_expired
    return rows, active


# ---------------------------------------------------------------------------------------
# loading


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed:>9,}/{task.total:,}"), TimeElapsedColumn())


def _chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def reset(engine: Engine) -> None:
    """Drop everything: PostgreSQL drops and recreates schema public; SQLite drops every
    table (foreign keys off for the duration)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        return
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")
        names = [r[0] for r in cur.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for name in names:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
        raw.commit()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("VACUUM")
    finally:
        raw.close()


def _copy(engine: Engine, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
          progress: Progress | None, label: str) -> None:
    """PostgreSQL COPY through the raw psycopg connection."""
    task = progress.add_task(label, total=len(rows)) if progress else None
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:  # type: ignore[attr-defined]
            for i, row in enumerate(rows, 1):
                cp.write_row(row)
                if progress is not None and task is not None and i % CHUNK == 0:
                    progress.update(task, completed=i)
        raw.commit()
    finally:
        raw.close()
    if progress is not None and task is not None:
        progress.update(task, completed=len(rows))


def _bulk(engine: Engine, table: Table, rows: Sequence[dict[str, Any]],
          progress: Progress | None, label: str) -> None:
    """executemany in chunks of CHUNK rows (one transaction)."""
    if not rows:
        return
    if engine.dialect.name == "postgresql" and len(rows) > CHUNK:
        cols = list(rows[0])
        _copy(engine, table.name, cols, [tuple(r[c] for c in cols) for r in rows],
              progress, label)
        return
    task = progress.add_task(label, total=len(rows)) if progress else None
    with engine.begin() as conn:
        for part in _chunks(rows):
            conn.execute(insert(table), list(part))
            if progress is not None and task is not None:
                progress.advance(task, len(part))


def _sqlite_customers(engine: Engine, rows: Sequence[tuple[Any, ...]],
                      progress: Progress | None) -> None:
    """SQLite: raw executemany of pre-typed tuples (datetimes as SQLAlchemy stores them)."""
    task = progress.add_task("customers", total=len(rows)) if progress else None
    marks = ", ".join("?" for _ in CUSTOMER_COLUMNS)
    sql = f"INSERT INTO customers ({', '.join(CUSTOMER_COLUMNS)}) VALUES ({marks})"
    ts = CUSTOMER_COLUMNS.index("created_at"), CUSTOMER_COLUMNS.index("updated_at")
    money = CUSTOMER_COLUMNS.index("credit_limit")
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for part in _chunks(rows):
            batch = []
            for r in part:
                r2 = list(r)
                for k in ts:
                    r2[k] = r2[k].isoformat(sep=" ", timespec="microseconds")
                r2[money] = float(r2[money])  # SQLAlchemy's Numeric stores a REAL on SQLite
                batch.append(r2)
            cur.executemany(sql, batch)
            if progress is not None and task is not None:
                progress.advance(task, len(part))
        raw.commit()
    finally:
        raw.close()


def analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def generate(engine: Engine, customers: int = 200_000, seed: int = SEED,
             *, show_progress: bool = True) -> BenchOrg:
    """Migrate a fresh database (everything in it is dropped first), load the organisation
    and `customers` customers, ANALYZE, and record a `bench_meta` marker."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    reset(engine)
    upgrade(engine)
    plan = _plan(customers, rng)
    cust_rows = _customer_rows(customers, plan, rng)
    owner_col = CUSTOMER_COLUMNS.index("owner_id")
    customer_owner = [r[owner_col] for r in cust_rows]
    share_rows, active_shares = _share_rows(customers, plan, customer_owner, rng)

    dept_parent = {d.id: d.parent for d in plan.depts}
    user_manager = {u["id"]: u["manager_id"] for u in plan.users}
    roles = list(ROLES)
    role_id = {k: i + 1 for i, k in enumerate(roles)}
    grants = [
        {"id": 0, "role_id": role_id[k], "object": obj, "action": action, "scope": scope}
        for k in roles for obj in ROLE_OBJECTS for action, scope in ROLES[k].items()
    ]
    for i, g in enumerate(grants, 1):
        g["id"] = i
    assignments = [
        {"id": 0, "user_id": uid, "role_id": role_id[k], "granted_by": None,
         "granted_at": NOW - timedelta(days=200), "expires_at": None, "reason": "bench"}
        for uid, ks in plan.role_of.items() for k in ks
    ]
    for i, a in enumerate(assignments, 1):
        a["id"] = i

    progress = _progress() if show_progress else None
    if progress is not None:
        progress.start()
    try:
        with system_session(engine, "bench data generator") as s:
            s.execute(insert(Department), [
                {"id": d.id, "name": d.name, "name_en": f"Dept {d.id}", "parent_id": d.parent,
                 "head_id": None, "version": 1} for d in plan.depts])
            s.execute(insert(User), plan.users)
            for d in plan.depts:
                s.execute(update(Department).where(Department.id == d.id).values(head_id=d.head))
            s.execute(insert(DepartmentClosure), [
                {"ancestor_id": a, "descendant_id": d, "depth": n}
                for a, d, n in _closure(dept_parent)])
            s.execute(insert(Role), [
                {"id": role_id[k], "key": k, "name": k.replace("_", " ").title(),
                 "name_en": k, "description": None, "delegable": False,
                 "created_at": NOW - timedelta(days=400), "version": 1} for k in roles])
            s.execute(insert(RolePermission), [
                {"role_id": role_id["admin"], "permission": p} for p in ADMIN_PERMISSIONS])
            s.execute(insert(Grant), grants)
            s.execute(insert(RoleAssignment), assignments)
            s.execute(update(PolicyState).where(PolicyState.id == 1)
                      .values(version=PolicyState.version + 1))
            s.commit()
        rc = [{"ancestor_id": a, "descendant_id": d, "depth": n}
              for a, d, n in _closure(user_manager)]
        _bulk(engine, ReportingClosure.__table__, rc, progress, "reporting closure")  # type: ignore[arg-type]
        if engine.dialect.name == "postgresql":
            _copy(engine, "customers", CUSTOMER_COLUMNS, cust_rows, progress, "customers")
        else:
            _sqlite_customers(engine, cust_rows, progress)
        _bulk(engine, Share.__table__, share_rows, progress, "shares")  # type: ignore[arg-type]
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                for t in ("departments", "users", "roles", "grants", "role_assignments",
                          "customers", "shares"):
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                        f"(SELECT max(id) FROM {t}))"))
        analyze(engine)
    finally:
        if progress is not None:
            progress.stop()

    dept_of = {u["id"]: u["department_id"] for u in plan.users}
    sub_a = _subtree(plan.depts, plan.region_a)
    reports_b = {d for a, d, _ in _closure(user_manager) if a == plan.planted["manager_reports"]}
    owned = {
        "narrow": plan.owned[plan.planted["narrow"]],
        "rep": plan.owned[plan.planted["rep"]],
        "manager_tree": sum(n for u, n in plan.owned.items() if dept_of[u] in sub_a),
        "manager_reports": sum(n for u, n in plan.owned.items() if u in reports_b),
        "admin": customers,
    }
    active_shares["admin"] = 0
    org = BenchOrg(customers, seed, dict(plan.planted), owned, active_shares,
                   {"region_a": plan.region_a, "region_b": plan.region_b},
                   seconds=round(time.perf_counter() - t0, 2))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_meta (k VARCHAR(40) PRIMARY KEY, v TEXT)"))
        conn.execute(text("INSERT INTO bench_meta (k, v) VALUES ('org', :v)"),
                     {"v": org.to_json()})
    return org


def schema_head(engine: Engine) -> str | None:
    """The newest migration revision (what `upgrade` builds)."""
    from alembic.script import ScriptDirectory

    from vouch.migrate import alembic_config

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    return ScriptDirectory.from_config(cfg).get_current_head()


def existing(engine: Engine, customers: int, seed: int = SEED) -> BenchOrg | None:
    """The organisation already in the database when it matches (size, seed, generator
    version GEN_VERSION — bump it whenever this module generates different data —, the
    schema at the newest migration, and the customers row count), else None."""
    try:
        if not inspect(engine).has_table("bench_meta"):
            return None
        with engine.connect() as conn:
            raw = conn.execute(text("SELECT v FROM bench_meta WHERE k = 'org'")).scalar()
            if raw is None:
                return None
            org = BenchOrg.from_json(raw)
            if (org.customers, org.seed, org.version) != (customers, seed, GEN_VERSION):
                return None
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision != schema_head(engine):  # a newer migration (an index…): rebuild
                return None
            n = conn.execute(text("SELECT count(*) FROM customers")).scalar()
            return org if n == customers else None
    except Exception:  # any broken leftover: regenerate
        return None


def prepare(engine: Engine, customers: int = 200_000, seed: int = SEED,
            *, show_progress: bool = True) -> BenchOrg:
    """Reuse a matching generated database, else generate one."""
    return existing(engine, customers, seed) or generate(
        engine, customers, seed, show_progress=show_progress)
