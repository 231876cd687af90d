"""The single door: record data is read only through the engine's filter."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tests.services.helpers import ctx_for, owned_ids
from vouch.access import query
from vouch.db import UnfilteredRead
from vouch.records.models import Contact, Contract, Customer


def test_bare_select_of_a_record_model_raises_in_a_request_context(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx_for(s, "hanmeimei")
        with pytest.raises(UnfilteredRead):
            s.execute(select(Customer)).all()


@pytest.mark.parametrize("statement", [
    lambda: select(Customer.id),
    lambda: select(func.count()).select_from(Customer),
    lambda: select(Contact.name).join(Customer, Customer.id == Contact.customer_id),
    lambda: select(Contract.amount).where(Contract.customer_id.in_(select(Customer.id))),
    lambda: select(Customer.__table__.c.name),  # Core table, not the mapped class
])
def test_every_unfiltered_shape_is_refused(demo_engine: Engine, statement: object) -> None:
    with Session(demo_engine) as s, pytest.raises(UnfilteredRead):
        s.execute(statement()).all()  # type: ignore[operator]


def test_session_get_of_a_record_is_refused(demo_engine: Engine) -> None:
    with Session(demo_engine) as s, pytest.raises(UnfilteredRead):
        s.get(Customer, 1)


def test_filtered_select_passes_and_returns_only_the_scope(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        ids = set(s.scalars(query.filtered_select(ctx.profile, "customer", "view", ctx.now,
                                                  Customer.id)))
    assert ids == owned_ids(demo_engine, "customer", "hanmeimei")


def test_non_record_tables_are_not_guarded(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        assert s.execute(text("select 1")).scalar() == 1
