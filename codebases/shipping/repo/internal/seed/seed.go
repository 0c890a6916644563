// Package seed loads demo data: two tenants with a key of every role, and generated parcels
// and shipments in bulk (for tests and for trying the API).
package seed

import (
	"context"
	"database/sql"
	"fmt"

	"shipping/internal/auth"
	"shipping/internal/db"
	"shipping/internal/store"
)

// Tenants are the demo tenants' slugs.
var Tenants = []string{"acme", "globex"}

// Result is what a seed made, printed as JSON for whoever ran it.
type Result struct {
	Tenants map[string]TenantResult `json:"tenants"`
}

// TenantResult is one demo tenant: its id and a key per role.
type TenantResult struct {
	ID   int64             `json:"id"`
	Keys map[string]string `json:"keys"`
}

// Run creates the demo tenants (the database should be empty) with `parcels` generated parcels
// each: three in four have a shipment (a mix of statuses), every tenth an older cancelled one.
func Run(ctx context.Context, pool *sql.DB, parcels int) (Result, error) {
	out := Result{Tenants: map[string]TenantResult{}}
	err := db.InTx(ctx, pool, func(tx *sql.Tx) error {
		for _, slug := range Tenants {
			t, err := store.CreateTenant(ctx, tx, slug, "Demo "+slug)
			if err != nil {
				return fmt.Errorf("tenant %s: %w", slug, err)
			}
			res := TenantResult{ID: t.ID, Keys: map[string]string{}}
			for _, role := range []string{auth.RoleAdmin, auth.RoleOperator, auth.RoleViewer} {
				key, prefix, hash := auth.NewKey()
				if _, err := store.CreateAPIKey(ctx, tx, t.ID, slug+"-"+role, role, prefix, hash); err != nil {
					return err
				}
				res.Keys[role] = key
			}
			if err := generate(ctx, tx, t.ID, slug, parcels); err != nil {
				return err
			}
			out.Tenants[slug] = res
		}
		return nil
	})
	return out, err
}

func generate(ctx context.Context, tx *sql.Tx, tenantID int64, slug string, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO parcels (tenant_id, reference, recipient_name, street, city, postal_code, country,
		                     weight_grams, length_cm, width_cm, height_cm, created_at)
		SELECT $1, $2 || '-' || lpad(g::text, 6, '0'), 'Recipient ' || g, g || ' Main Street',
		       (ARRAY['Berlin', 'Hamburg', 'Munich', 'Cologne'])[1 + g % 4], lpad((10000 + g % 89999)::text, 5, '0'),
		       'DE', 100 + (g * 37) % 20000, 10 + g % 50, 10 + g % 40, 5 + g % 30,
		       now() - (($3 - g) * interval '1 minute')
		FROM generate_series(1, $3) AS g`, tenantID, slug, n); err != nil {
		return fmt.Errorf("parcels: %w", err)
	}
	// an older, cancelled shipment for every tenth parcel
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO shipments (tenant_id, parcel_id, service_level, status, created_at, updated_at)
		SELECT tenant_id, id, 'standard', 'cancelled', created_at, created_at
		FROM parcels WHERE tenant_id = $1 AND id % 10 = 0 ORDER BY id`, tenantID); err != nil {
		return fmt.Errorf("cancelled shipments: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO shipments (tenant_id, parcel_id, service_level, status, carrier, tracking_number, label_url,
		                       price_cents, created_at, updated_at)
		SELECT tenant_id, id, CASE WHEN id % 3 = 0 THEN 'express' ELSE 'standard' END,
		       (ARRAY['created', 'label_purchased', 'in_transit', 'delivered'])[1 + id % 4],
		       CASE WHEN id % 4 > 0 THEN 'demo-carrier' END,
		       CASE WHEN id % 4 > 0 THEN 'DC' || lpad(id::text, 10, '0') END,
		       CASE WHEN id % 4 > 0 THEN 'https://labels.example/DC' || id END,
		       CASE WHEN id % 4 > 0 THEN 500 + id % 700 END,
		       created_at + interval '1 second', created_at + interval '1 second'
		FROM parcels WHERE tenant_id = $1 AND id % 4 <> 3 ORDER BY id`, tenantID); err != nil {
		return fmt.Errorf("shipments: %w", err)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO tracking_events (tenant_id, shipment_id, status, description, location, occurred_at)
		SELECT tenant_id, id, 'picked_up', 'Picked up', 'Depot', created_at + interval '1 hour'
		FROM shipments WHERE tenant_id = $1 AND status IN ('in_transit', 'delivered')`, tenantID)
	return err
}
