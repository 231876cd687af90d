"""The questions administrative checks ask of the department tree."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vouch.org.models import Department, DepartmentClosure


def department_parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Department.id, Department.parent_id)).tuples().all())


def in_any_subtree(session: Session, department_id: int, roots: Iterable[int]) -> bool:
    roots = list(roots)
    if not roots:
        return True
    return session.scalar(
        select(func.count()).select_from(DepartmentClosure).where(
            DepartmentClosure.descendant_id == department_id,
            DepartmentClosure.ancestor_id.in_(roots))
    ) != 0
