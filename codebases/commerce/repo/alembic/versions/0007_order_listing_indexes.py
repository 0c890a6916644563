"""indexes for order listings and foreign-key lookups

The order list (newest first, per tenant) and every "lines of this order" lookup scanned whole
tables once tenants had a few thousand orders.

Revision ID: 0007
Revises: 0006
Create Date: 2024-06-11 17:03:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_orders_tenant_created", "orders", ["tenant_id", "created_at", "id"]),
    ("ix_orders_tenant_status", "orders", ["tenant_id", "status"]),
    ("ix_orders_customer_id", "orders", ["customer_id"]),
    ("ix_order_items_order_id", "order_items", ["order_id"]),
    ("ix_order_events_order_id", "order_events", ["order_id"]),
    ("ix_reservations_order_id", "reservations", ["order_id"]),
    ("ix_payments_order_id", "payments", ["order_id"]),
    ("ix_refunds_order_id", "refunds", ["order_id"]),
    ("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
