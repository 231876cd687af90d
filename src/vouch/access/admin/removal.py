"""Removing a principal (role, user, department): rules that still name it block the
removal; manual shares to it go with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import is_db_id
from vouch.access.models import RestrictionRule, Share, SharingRule
from vouch.errors import Conflict, ErrorType


def rules_naming(session: Session, kinds: tuple[str, ...], ids: Iterable[int],
                  department_in_condition: bool = False) -> list[str]:
    """Rules whose principals (or, for departments, conditions) name one of `ids`."""
    wanted = set(ids)
    out = []
    models: tuple[tuple[str, Any], ...] = (("sharing rule", SharingRule),
                                           ("restriction rule", RestrictionRule))
    for kind_label, model in models:
        for rule in session.scalars(select(model).order_by(model.id)):
            named = any(isinstance(p, dict) and p.get("kind") in kinds and p.get("id") in wanted
                        for p in (rule.principals or []))
            if department_in_condition and wanted & _condition_departments(rule.condition):
                named = True
            if named:
                out.append(f"{kind_label} {rule.name} (#{rule.id})")
    return out


def _condition_departments(cond: object) -> set[int]:
    if isinstance(cond, dict):
        found = {cond["department"]} if "relation" in cond and is_db_id(
            cond.get("department")) else set()
        for value in cond.values():
            found |= _condition_departments(value)
        return found
    if isinstance(cond, list):
        return set().union(*(_condition_departments(c) for c in cond)) if cond else set()
    return set()


def refuse_if_rules_name(session: Session, kind: str, ids: tuple[int, ...]) -> None:
    kinds = ("department", "department_tree") if kind == "department" else (kind,)
    rules = rules_naming(session, kinds, ids, department_in_condition=kind == "department")
    if rules:
        raise Conflict(f"still named by {', '.join(rules)}; change those rules first",
                       {"rules": rules}, type=ErrorType.NAMED_BY_RULES)


def delete_shares_to(session: Session, kinds: tuple[str, ...], ids: tuple[int, ...]) -> int:
    """Manual shares to a principal that is going away (an id could be reused later)."""
    result = session.execute(delete(Share).where(Share.principal_kind.in_(kinds),
                                                 Share.principal_id.in_(ids)))
    return int(result.rowcount)  # type: ignore[attr-defined]
