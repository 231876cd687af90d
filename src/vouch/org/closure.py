"""Closure tables of the department tree and the reporting forest, rebuilt in the same
transaction as the change that alters them (never walked per request)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from vouch.org.models import Department, DepartmentClosure, ReportingClosure, User


def closure_rows(parents: Mapping[int, int | None]) -> list[dict[str, int]]:
    """(ancestor, descendant, depth) for every node and each of its ancestors, itself at 0.
    A cycle in `parents` is a caller's bug: refuse it rather than loop."""
    rows = []
    for node in parents:
        depth, seen = 0, set[int]()
        cur: int | None = node
        while cur is not None:
            if cur in seen:
                raise ValueError(f"cycle through {cur}")
            seen.add(cur)
            rows.append({"ancestor_id": cur, "descendant_id": node, "depth": depth})
            cur = parents.get(cur)
            depth += 1
    return rows


def rebuild_department_closure(session: Session) -> None:
    parents = dict(session.execute(select(Department.id, Department.parent_id)).tuples().all())
    session.execute(delete(DepartmentClosure))
    rows = closure_rows(parents)
    if rows:
        session.execute(insert(DepartmentClosure), rows)


def rebuild_reporting_closure(session: Session) -> None:
    managers = dict(session.execute(select(User.id, User.manager_id)).tuples().all())
    session.execute(delete(ReportingClosure))
    rows = closure_rows(managers)
    for i in range(0, len(rows), 5000):
        session.execute(insert(ReportingClosure), rows[i:i + 5000])
