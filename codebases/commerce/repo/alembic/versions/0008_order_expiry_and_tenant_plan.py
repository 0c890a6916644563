"""pending orders expire (orders.expires_at); tenants get a plan

Existing pending orders get 15 minutes from their creation, like new ones. A tenant's plan is
derived from the rate limit it was given by hand so far (1200/min and more: 'pro').

Revision ID: 0008
Revises: 0007
Create Date: 2024-07-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE orders SET expires_at = created_at + interval '15 minutes' WHERE status = 'pending'")
    op.create_index("ix_orders_pending_expiry", "orders", ["expires_at"],
                    postgresql_where=sa.text("status = 'pending'"))

    op.add_column("tenants", sa.Column("plan", sa.String(32), server_default="standard", nullable=False))
    op.execute("UPDATE tenants SET plan = 'pro' WHERE rate_limit_per_minute >= 1200")


def downgrade() -> None:
    op.drop_column("tenants", "plan")
    op.drop_index("ix_orders_pending_expiry", table_name="orders")
    op.drop_column("orders", "expires_at")
