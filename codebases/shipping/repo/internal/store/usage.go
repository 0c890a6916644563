package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// Usage is what a tenant used in a period: what its invoice is made from.
type Usage struct {
	From              time.Time      `json:"from"`
	To                time.Time      `json:"to"`
	ParcelsCreated    int            `json:"parcels_created"`
	ShipmentsByStatus map[string]int `json:"shipments_by_status"`
	LabelsBought      int            `json:"labels_bought"`
	LabelCents        int64          `json:"label_cents"`
	WebhooksDelivered int            `json:"webhooks_delivered"`
	WebhooksFailed    int            `json:"webhooks_failed"`
	ActiveKeys        int            `json:"active_keys"`
}

// TenantUsage counts a tenant's use of the service in [from, to), each figure aggregated by the
// database (a handful of rows whatever the tenant's size).
func TenantUsage(ctx context.Context, q db.Queryer, tenantID int64, from, to time.Time) (Usage, error) {
	u := Usage{From: from, To: to, ShipmentsByStatus: map[string]int{}}
	if err := q.QueryRowContext(ctx,
		`SELECT count(*) FROM parcels WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3`,
		tenantID, from, to).Scan(&u.ParcelsCreated); err != nil {
		return u, err
	}
	rows, err := q.QueryContext(ctx,
		`SELECT status, count(*), count(tracking_number), COALESCE(sum(price_cents), 0) FROM shipments
		 WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY status`, tenantID, from, to)
	if err != nil {
		return u, err
	}
	for rows.Next() {
		var status string
		var n, labels int
		var cents int64
		if err := rows.Scan(&status, &n, &labels, &cents); err != nil {
			rows.Close()
			return u, err
		}
		u.ShipmentsByStatus[status] = n
		u.LabelsBought += labels
		u.LabelCents += cents
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return u, err
	}
	if err := q.QueryRowContext(ctx,
		`SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'failed')
		 FROM webhook_deliveries WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3`,
		tenantID, from, to).Scan(&u.WebhooksDelivered, &u.WebhooksFailed); err != nil {
		return u, err
	}
	err = q.QueryRowContext(ctx,
		`SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL`, tenantID).Scan(&u.ActiveKeys)
	return u, err
}
