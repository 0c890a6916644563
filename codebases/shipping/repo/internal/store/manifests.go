package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// Manifest is a batch of labelled shipments handed to a carrier.
type Manifest struct {
	ID            int64     `json:"id"`
	TenantID      int64     `json:"-"`
	Carrier       string    `json:"carrier"`
	ShipmentCount int       `json:"shipment_count"`
	TotalCents    int64     `json:"total_cents"`
	CreatedAt     time.Time `json:"created_at"`
	ShipmentIDs   []int64   `json:"shipment_ids,omitempty"`
}

// CloseManifest gathers the tenant's labelled, not yet manifested shipments of a carrier into
// a new manifest, in one transaction (q must be one); ErrNotFound when there are none.
func CloseManifest(ctx context.Context, q db.Queryer, tenantID int64, carrier string) (Manifest, error) {
	m := Manifest{TenantID: tenantID, Carrier: carrier}
	rows, err := q.QueryContext(ctx,
		`SELECT id, COALESCE(price_cents, 0) FROM shipments
		 WHERE tenant_id = $1 AND carrier = $2 AND status = 'label_purchased' AND manifest_id IS NULL
		 ORDER BY id FOR UPDATE`, tenantID, carrier)
	if err != nil {
		return m, err
	}
	for rows.Next() {
		var id int64
		var price int64
		if err := rows.Scan(&id, &price); err != nil {
			rows.Close()
			return m, err
		}
		m.ShipmentIDs = append(m.ShipmentIDs, id)
		m.TotalCents += price
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	if len(m.ShipmentIDs) == 0 {
		return m, ErrNotFound
	}
	m.ShipmentCount = len(m.ShipmentIDs)
	if err := q.QueryRowContext(ctx,
		`INSERT INTO manifests (tenant_id, carrier, shipment_count, total_cents) VALUES ($1, $2, $3, $4)
		 RETURNING id, created_at`, tenantID, carrier, m.ShipmentCount, m.TotalCents,
	).Scan(&m.ID, &m.CreatedAt); err != nil {
		return m, err
	}
	_, err = q.ExecContext(ctx, `UPDATE shipments SET manifest_id = $1, updated_at = now() WHERE id = ANY($2)`,
		m.ID, int64Array(m.ShipmentIDs))
	return m, err
}

// ListManifests lists a tenant's manifests, newest first.
func ListManifests(ctx context.Context, q db.Queryer, tenantID int64, limit int) ([]Manifest, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, tenant_id, carrier, shipment_count, total_cents, created_at FROM manifests
		 WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2`, tenantID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Manifest{}
	for rows.Next() {
		var m Manifest
		if err := rows.Scan(&m.ID, &m.TenantID, &m.Carrier, &m.ShipmentCount, &m.TotalCents, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
