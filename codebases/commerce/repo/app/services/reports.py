"""Sales reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..errors import Unprocessable
from ..repositories import reports as queries
from .context import ServiceContext

MAX_RANGE_DAYS = 366


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _range(self, date_from: date, date_to: date) -> tuple[datetime, datetime]:
        if date_to < date_from:
            raise Unprocessable("date_to is before date_from")
        if (date_to - date_from).days > MAX_RANGE_DAYS:
            raise Unprocessable(f"a report covers at most {MAX_RANGE_DAYS} days")
        start = datetime.combine(date_from, time.min, tzinfo=UTC)
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=UTC)
        return start, end

    def sales(self, *, date_from: date, date_to: date, group_by: str, status: str | None) -> dict:
        if group_by not in queries.GROUPINGS:
            raise Unprocessable(f"group_by must be one of {', '.join(sorted(queries.GROUPINGS))}",
                                details={"group_by": group_by})
        start, end = self._range(date_from, date_to)
        rows = queries.sales(self.ctx.session, self.ctx.tenant_id, start=start, end=end, group_by=group_by,
                             status=status)
        out = []
        totals = {"orders": 0, "units": 0, "gross_cents": 0, "tax_cents": 0, "refunded_cents": 0}
        for row in rows:
            item = {
                "key": str(row["key"]),
                "orders": int(row["orders"]),
                "units": int(row["units"]),
                "gross_cents": int(row["gross_cents"]),
                "tax_cents": int(row["tax_cents"]),
                "refunded_cents": int(row["refunded_cents"]),
            }
            item["net_cents"] = item["gross_cents"] - item["refunded_cents"]
            for name in totals:
                totals[name] += item[name]
            out.append(item)
        return {
            "currency": self.ctx.tenant.currency,
            "date_from": date_from,
            "date_to": date_to,
            "group_by": group_by,
            "rows": out,
            "totals": {"key": "total", **totals, "net_cents": totals["gross_cents"] - totals["refunded_cents"]},
        }

    def top_products(self, *, date_from: date, date_to: date, limit: int) -> list[dict]:
        start, end = self._range(date_from, date_to)
        return [
            {**row, "units": int(row["units"]), "revenue_cents": int(row["revenue_cents"])}
            for row in queries.top_products(self.ctx.session, self.ctx.tenant_id, start=start, end=end, limit=limit)
        ]
