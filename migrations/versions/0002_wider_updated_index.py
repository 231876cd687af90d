"""The (updated_at, id) list index of every record table also carries owner and department.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("customers", "contacts", "opportunities", "contracts", "payments",
          "service_records", "activities", "tasks", "sales_plans")


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_updated", table_name=table)
        op.create_index(f"ix_{table}_updated", table,
                        ["updated_at", "id", "owner_id", "department_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_updated", table_name=table)
        op.create_index(f"ix_{table}_updated", table, ["updated_at", "id"])
