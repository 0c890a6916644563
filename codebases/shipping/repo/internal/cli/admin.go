// Package cli holds the operator commands: make a tenant (with its first admin key), make a key.
package cli

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"

	"shipping/internal/auth"
	"shipping/internal/db"
	"shipping/internal/store"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// CreatedTenant is what create-tenant prints.
type CreatedTenant struct {
	TenantID int64  `json:"tenant_id"`
	Slug     string `json:"slug"`
	AdminKey string `json:"admin_key"`
}

// CreateTenant makes a tenant and its first admin key.
func CreateTenant(ctx context.Context, pool *sql.DB, slug, name string) (CreatedTenant, error) {
	if !slugPattern.MatchString(slug) {
		return CreatedTenant{}, fmt.Errorf("slug %q: lower-case letters, digits and dashes", slug)
	}
	var out CreatedTenant
	err := db.InTx(ctx, pool, func(tx *sql.Tx) error {
		t, err := store.CreateTenant(ctx, tx, slug, name)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return fmt.Errorf("tenant %q exists", slug)
			}
			return err
		}
		key, prefix, hash := auth.NewKey()
		if _, err := store.CreateAPIKey(ctx, tx, t.ID, "initial admin", auth.RoleAdmin, prefix, hash); err != nil {
			return err
		}
		out = CreatedTenant{TenantID: t.ID, Slug: slug, AdminKey: key}
		return nil
	})
	return out, err
}

// CreatedKey is what create-key prints.
type CreatedKey struct {
	KeyID int64  `json:"key_id"`
	Role  string `json:"role"`
	Key   string `json:"key"`
}

// CreateKey makes a key with role for the tenant with slug.
func CreateKey(ctx context.Context, pool *sql.DB, slug, name, role string) (CreatedKey, error) {
	if !auth.ValidRole(role) {
		return CreatedKey{}, fmt.Errorf("role %q: admin, operator or viewer", role)
	}
	var tenantID int64
	if err := pool.QueryRowContext(ctx, `SELECT id FROM tenants WHERE slug = $1`, slug).Scan(&tenantID); err != nil {
		return CreatedKey{}, fmt.Errorf("tenant %q: %w", slug, err)
	}
	key, prefix, hash := auth.NewKey()
	row, err := store.CreateAPIKey(ctx, pool, tenantID, name, role, prefix, hash)
	if err != nil {
		return CreatedKey{}, err
	}
	return CreatedKey{KeyID: row.ID, Role: role, Key: key}, nil
}
