package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// DailyVolume is one day's shipments of one status, and what their labels cost.
type DailyVolume struct {
	Day        string `json:"day"`
	Status     string `json:"status"`
	Shipments  int    `json:"shipments"`
	LabelCents int64  `json:"label_cents"`
}

// ShipmentVolume groups a tenant's shipments created in [from, to) by UTC day and status; the
// database does the counting, so the answer is one row per group however many shipments.
func ShipmentVolume(ctx context.Context, q db.Queryer, tenantID int64, from, to time.Time) ([]DailyVolume, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, status,
		        count(*), COALESCE(sum(price_cents), 0)
		 FROM shipments WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
		 GROUP BY 1, 2 ORDER BY 1, 2`, tenantID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DailyVolume{}
	for rows.Next() {
		var v DailyVolume
		if err := rows.Scan(&v.Day, &v.Status, &v.Shipments, &v.LabelCents); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
