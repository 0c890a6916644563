package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// Tenant is a customer of the service (a shop, a warehouse operator).
type Tenant struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateTenant inserts a tenant.
func CreateTenant(ctx context.Context, q db.Queryer, slug, name string) (Tenant, error) {
	t := Tenant{Slug: slug, Name: name}
	err := q.QueryRowContext(ctx,
		`INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id, created_at`, slug, name,
	).Scan(&t.ID, &t.CreatedAt)
	return t, err
}

// GetTenant reads a tenant by id.
func GetTenant(ctx context.Context, q db.Queryer, id int64) (Tenant, error) {
	var t Tenant
	err := q.QueryRowContext(ctx, `SELECT id, slug, name, created_at FROM tenants WHERE id = $1`, id).
		Scan(&t.ID, &t.Slug, &t.Name, &t.CreatedAt)
	return t, notFound(err)
}
