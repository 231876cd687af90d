"""Counting the records a change makes visible or invisible, per user and object, in SQL
under the engine's own view filters: visible = count(after AND NOT before), invisible =
count(before AND NOT after).

Two ways, which agree (tests compare them with each other and with the records the real
change leaves each user):

- per user (`sql_changes`): one COUNT per (user, object), both predicates compiled by
  `compile_sql` as `record_filter` does. Exact and direct; for a handful of users.
- grouped (`Cells`): one GROUP BY per object over (owner, department, the truth of each
  field test the predicates use), and the few records with unexpired manual shares read
  on their own, each its own group. Every leaf of a view predicate is a function of those
  (scope branches of owner and department, rule conditions of field tests, shares of the
  record), so each group — a *cell* — is wholly inside or wholly outside any user's
  filter. The cells are
  laid out as runs of bits (one bit per record, a cell's records side by side, cells
  sorted by owner), a leaf becomes the bitmask of its cells, AND/OR/NOT become bitwise
  operations on Python integers, and a count is a popcount. The per-user work is then a
  few integer operations, whatever the size of the table; SQL runs once per object.
  Records with manual shares get a cell each, so shares are exact too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from vouch.access.engine import compile_sql, leaves
from vouch.access.engine.predicate import (
    And,
    Const,
    DepartmentIn,
    FieldTest,
    Not,
    Or,
    OwnerDepartmentIn,
    OwnerIs,
    OwnerReportsTo,
    Pred,
    SharedWith,
)
from vouch.access.models import Share
from vouch.access.query import mark
from vouch.db import ENGINE_FACTS
from vouch.org.models import User
from vouch.records.models import model_for

# More distinct field tests than this in one object's predicates (every combination of
# their truth values may be a group of its own): count per user in SQL instead.
MAX_FIELD_TESTS = 12
# Up to this many users of one object, the per-user COUNTs cost less than a GROUP BY of
# the whole table.
PER_USER_SQL_MAX = 8

Counts = dict[tuple[int, str], tuple[int, int]]  # (user, object) → (visible, invisible)


@dataclass(frozen=True, slots=True)
class CountJob:
    user_id: int
    object: str
    before: Pred
    after: Pred


def count_changes(session: Session, jobs: Iterable[CountJob], now: datetime,
                  strategy: str = "auto") -> Counts:
    """(visible, invisible) per job; `strategy` is auto, sql (per user) or cells."""
    if strategy not in ("auto", "sql", "cells"):
        raise ValueError(strategy)
    by_object: dict[str, list[CountJob]] = {}
    for job in jobs:
        by_object.setdefault(job.object, []).append(job)
    out: Counts = {}
    user_departments: dict[int, int] | None = None
    for obj, todo in by_object.items():
        cells = None
        if strategy == "cells" or (strategy == "auto" and len(todo) > PER_USER_SQL_MAX):
            preds = [p for j in todo for p in (j.before, j.after)]
            if _needs_owner_departments(preds) and user_departments is None:
                user_departments = dict(session.execute(
                    select(User.id, User.department_id)).tuples().all())
            cells = Cells.load(session, obj, now, preds, user_departments or {})
        for job in todo:
            out[job.user_id, obj] = (cells.changes(job.before, job.after) if cells is not None
                                     else sql_changes(session, obj, job.before, job.after, now))
    return out


def _table(obj: str) -> Table:
    return model_for(obj).__table__  # type: ignore[return-value]


def sql_changes(session: Session, obj: str, before: Pred, after: Pred,
                now: datetime) -> tuple[int, int]:
    """(count(after AND NOT before), count(before AND NOT after)) in one scan. The compiled
    clauses are two-valued (never NULL), so NOT is exact."""
    table = _table(obj)
    a, b = compile_sql(after, table, now), compile_sql(before, table, now)
    stmt = select(
        func.coalesce(func.sum(case((and_(a, not_(b)), 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(b, not_(a)), 1), else_=0)), 0),
    ).select_from(table).where(or_(a, b))
    visible, invisible = session.execute(mark(stmt)).one()
    return int(visible), int(invisible)


def _needs_owner_departments(preds: Sequence[Pred]) -> bool:
    return any(isinstance(leaf, OwnerDepartmentIn) for p in preds for leaf in leaves(p))


def _run(start: int, n: int) -> int:
    return ((1 << n) - 1) << start


def _union(runs: list[tuple[int, int]]) -> int:
    """The bitmask of (start, length) runs given in increasing order (adjacent runs are
    joined first: fewer big-integer operations)."""
    mask, cur_start, cur_end = 0, -1, -1
    for start, n in runs:
        if start == cur_end:
            cur_end += n
            continue
        if cur_start >= 0:
            mask |= _run(cur_start, cur_end - cur_start)
        cur_start, cur_end = start, start + n
    if cur_start >= 0:
        mask |= _run(cur_start, cur_end - cur_start)
    return mask


class Cells:
    """One object's records grouped into cells and laid out as bits (see the module
    docstring). Masks of leaves shared by many users are cached; a user's own OwnerIs is
    computed on demand (one contiguous run: cells are sorted by owner)."""

    def __init__(self, total: int, owners: dict[int, tuple[int, int]],
                 departments: dict[int, list[tuple[int, int]]],
                 tests: dict[FieldTest, int], shares: dict[tuple[str, int, str], int],
                 user_departments: dict[int, int]) -> None:
        self.total = total
        self.all = (1 << total) - 1
        self.owners = owners  # owner → (first bit, end)
        self.departments = departments  # department → runs
        self.tests = tests  # field test → mask
        self.shares = shares  # (principal kind, id, access) → mask of shared records
        self.user_departments = user_departments
        self._cache: dict[Pred, int] = {}
        self._department_masks: dict[int, int] = {}

    @classmethod
    def load(cls, session: Session, obj: str, now: datetime, preds: Sequence[Pred],
             user_departments: dict[int, int]) -> Cells | None:
        """One GROUP BY over the object's table and one read of its shared records; None
        when the predicates test too many fields for cells to pay (the caller counts per
        user)."""
        tests: list[FieldTest] = []
        for p in preds:
            for leaf in leaves(p):
                if isinstance(leaf, FieldTest) and leaf not in tests:
                    tests.append(leaf)
        if len(tests) > MAX_FIELD_TESTS:
            return None
        table = _table(obj)
        c = table.c
        shared_ids = select(Share.record_id).where(
            Share.object == obj, or_(Share.expires_at.is_(None), Share.expires_at > now))
        bits = [case((compile_sql(t, table, now), 1), else_=0).label(f"b{i}")
                for i, t in enumerate(tests)]
        owner: Any = c.owner_id
        dept: Any = c.department_id
        if session.get_bind().dialect.name == "sqlite":
            # Grouping by the bare columns makes SQLite walk the owner index and fetch
            # every row for its department; as expressions it scans the table once.
            owner, dept = owner + 0, dept + 0
        inner = select(owner.label("o"), dept.label("d"), *bits).subquery("cells")
        keys: list[Any] = [inner.c.o, inner.c.d, *(inner.c[f"b{i}"] for i in range(len(tests)))]
        groups: dict[tuple[Any, ...], int] = {
            tuple(row[:-1]): int(row[-1]) for row in session.execute(
                select(*keys, func.count()).group_by(*keys)
                .execution_options(**{ENGINE_FACTS: True}))}
        # Records with unexpired manual shares leave their group for a cell of their own.
        shared = session.execute(
            select(c.id, c.owner_id, c.department_id, *bits).where(c.id.in_(shared_ids))
            .execution_options(**{ENGINE_FACTS: True})).all()
        for rec in shared:
            groups[tuple(rec[1:])] -= 1
        rows: list[tuple[Any, ...]] = [(k[0], k[1], None, *k[2:], n)
                                       for k, n in groups.items() if n > 0]
        rows += [(rec[1], rec[2], rec[0], *rec[3:], 1) for rec in shared]
        rows.sort(key=lambda r: (r[0], r[1], r[2] is not None, r[2] or 0, tuple(r[3:-1])))
        owners: dict[int, tuple[int, int]] = {}
        departments: dict[int, list[tuple[int, int]]] = {}
        test_runs: list[list[tuple[int, int]]] = [[] for _ in tests]
        record_bit: dict[int, int] = {}
        pos = 0
        for cell in rows:
            o, d, sid, flags, n = cell[0], cell[1], cell[2], cell[3:-1], int(cell[-1])
            owners[o] = (owners.get(o, (pos, pos))[0], pos + n)
            departments.setdefault(d, []).append((pos, n))
            for i, flag in enumerate(flags):
                if flag:
                    test_runs[i].append((pos, n))
            if sid is not None:
                record_bit[sid] = pos
            pos += n
        share_masks: dict[tuple[str, int, str], int] = {}
        if record_bit:
            for rid, kind, pid, access in session.execute(
                select(Share.record_id, Share.principal_kind, Share.principal_id, Share.access)
                .where(Share.object == obj,
                       or_(Share.expires_at.is_(None), Share.expires_at > now))
            ):
                bit = record_bit.get(rid)
                if bit is not None:
                    key = (kind, pid, access)
                    share_masks[key] = share_masks.get(key, 0) | (1 << bit)
        return cls(pos, owners, departments,
                   {t: _union(runs) for t, runs in zip(tests, test_runs, strict=True)},
                   share_masks, user_departments)

    # --- masks ---------------------------------------------------------------------------

    def _owner(self, user_id: int) -> int:
        span = self.owners.get(user_id)
        return _run(span[0], span[1] - span[0]) if span else 0

    def _department(self, dept: int) -> int:
        mask = self._department_masks.get(dept)
        if mask is None:
            mask = self._department_masks[dept] = _union(self.departments.get(dept, []))
        return mask

    def mask(self, p: Pred) -> int:
        """The records `p` holds for, as a bitmask."""
        match p:
            case Const(value=v):
                return self.all if v else 0
            case OwnerIs(user_id=uid):
                return self._owner(uid)
            case And(items=items):
                out = self.all
                for item in items:
                    out &= self.mask(item)
                    if not out:
                        break
                return out
            case Or(items=items):
                out = 0
                for item in items:
                    out |= self.mask(item)
                return out
            case Not(item=item):
                return self.all ^ self.mask(item)
        hit = self._cache.get(p)
        if hit is None:
            hit = self._cache[p] = self._leaf(p)
        return hit

    def _leaf(self, p: Pred) -> int:
        out = 0
        match p:
            case OwnerReportsTo(reports=ids):
                for uid in ids:
                    out |= self._owner(uid)
            case DepartmentIn(ids=ids):
                for d in ids:
                    out |= self._department(d)
            case OwnerDepartmentIn(ids=ids):
                for uid, dept in self.user_departments.items():
                    if dept in ids:
                        out |= self._owner(uid)
            case SharedWith(principals=principals, accesses=accesses):
                for pr in principals:
                    if pr.id is None:
                        continue
                    for access in accesses:
                        out |= self.shares.get((pr.kind, pr.id, access), 0)
            case FieldTest():
                out = self.tests[p]
            case _:
                raise TypeError(f"not a predicate: {p!r}")
        return out

    def changes(self, before: Pred, after: Pred) -> tuple[int, int]:
        """(records in after and not in before, records in before and not in after)."""
        if before == after:
            return 0, 0
        b, a = self.mask(before), self.mask(after)
        return (a & ~b).bit_count(), (b & ~a).bit_count()
