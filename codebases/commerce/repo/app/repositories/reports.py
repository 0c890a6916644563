"""Reporting queries, in SQL: aggregates are the database's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

# what a report may be grouped by: a fixed set of SQL expressions, never client text
GROUPINGS = {
    "day": "to_char(o.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    "status": "o.status",
    "customer": "o.customer_id::text",
}

_SALES = """
SELECT {key} AS key,
       count(*) AS orders,
       coalesce(sum(u.units), 0) AS units,
       coalesce(sum(o.total_cents), 0) AS gross_cents,
       coalesce(sum(o.tax_cents), 0) AS tax_cents,
       coalesce(sum(o.refunded_cents), 0) AS refunded_cents
FROM orders o
JOIN LATERAL (SELECT sum(oi.quantity) AS units FROM order_items oi WHERE oi.order_id = o.id) u ON true
WHERE o.tenant_id = :tenant_id
  AND o.paid_at IS NOT NULL
  AND o.paid_at >= :start AND o.paid_at < :end
  {status_filter}
GROUP BY 1
ORDER BY 1
"""


def sales(session: Session, tenant_id: int, *, start: datetime, end: datetime, group_by: str,
          status: str | None = None) -> list[dict]:
    key = GROUPINGS[group_by]
    params: dict[str, object] = {"tenant_id": tenant_id, "start": start, "end": end}
    status_filter = ""
    if status:
        status_filter = "AND o.status = :status"
        params["status"] = status
    rows = session.execute(text(_SALES.format(key=key, status_filter=status_filter)), params).mappings()
    return [dict(row) for row in rows]


def top_products(session: Session, tenant_id: int, *, start: datetime, end: datetime, limit: int) -> list[dict]:
    rows = session.execute(text("""
        SELECT oi.product_id, oi.sku, min(oi.name) AS name, sum(oi.quantity) AS units,
               sum(oi.line_total_cents) AS revenue_cents
        FROM order_items oi
        JOIN orders o ON o.id = oi.order_id
        WHERE o.tenant_id = :tenant_id AND o.paid_at >= :start AND o.paid_at < :end
          AND o.status IN ('paid', 'shipped')
        GROUP BY oi.product_id, oi.sku
        ORDER BY revenue_cents DESC, oi.product_id
        LIMIT :limit
    """), {"tenant_id": tenant_id, "start": start, "end": end, "limit": limit}).mappings()
    return [dict(row) for row in rows]
