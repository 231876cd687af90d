"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import vouch.models  # noqa: F401
from vouch.access.models import PolicyState
from vouch.base import Base


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    with empty_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migration_seeds_the_policy_version(empty_engine: Engine) -> None:
    with Session(empty_engine) as s:
        assert s.scalars(select(PolicyState.version)).one() == 1
