package store

import (
	"context"
	"database/sql"
	"time"

	"shipping/internal/db"
)

// APIKey is a key's row (never the key itself: only its hash is stored).
type APIKey struct {
	ID         int64      `json:"id"`
	TenantID   int64      `json:"-"`
	TenantSlug string     `json:"-"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

const apiKeyColumns = `k.id, k.tenant_id, t.slug, k.name, k.role, k.prefix, k.hash, k.created_at, k.last_used_at, k.revoked_at`

func scanAPIKey(row interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var lastUsed, revoked sql.NullTime
	err := row.Scan(&k.ID, &k.TenantID, &k.TenantSlug, &k.Name, &k.Role, &k.Prefix, &k.Hash, &k.CreatedAt, &lastUsed, &revoked)
	if lastUsed.Valid {
		k.LastUsedAt = &lastUsed.Time
	}
	if revoked.Valid {
		k.RevokedAt = &revoked.Time
	}
	return k, err
}

// CreateAPIKey stores a key's hash.
func CreateAPIKey(ctx context.Context, q db.Queryer, tenantID int64, name, role, prefix, hash string) (APIKey, error) {
	k := APIKey{TenantID: tenantID, Name: name, Role: role, Prefix: prefix, Hash: hash}
	err := q.QueryRowContext(ctx,
		`INSERT INTO api_keys (tenant_id, name, role, prefix, hash) VALUES ($1, $2, $3, $4, $5)
		 RETURNING id, created_at`, tenantID, name, role, prefix, hash,
	).Scan(&k.ID, &k.CreatedAt)
	return k, err
}

// APIKeyByPrefix finds a key (revoked or not) by its prefix, with its tenant's slug.
func APIKeyByPrefix(ctx context.Context, q db.Queryer, prefix string) (APIKey, error) {
	k, err := scanAPIKey(q.QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = $1`, prefix))
	return k, notFound(err)
}

// ListAPIKeys lists a tenant's keys, oldest first.
func ListAPIKeys(ctx context.Context, q db.Queryer, tenantID int64) ([]APIKey, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
		 WHERE k.tenant_id = $1 ORDER BY k.id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey marks a tenant's key revoked (idempotent); ErrNotFound for another tenant's.
func RevokeAPIKey(ctx context.Context, q db.Queryer, tenantID, id int64) (APIKey, error) {
	k, err := scanAPIKey(q.QueryRowContext(ctx,
		`WITH revoked AS (
		   UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
		   WHERE tenant_id = $1 AND id = $2 RETURNING *)
		 SELECT `+apiKeyColumns+` FROM revoked k JOIN tenants t ON t.id = k.tenant_id`, tenantID, id))
	return k, notFound(err)
}

// TouchAPIKey stamps a key's last use, at most once a minute per key.
func TouchAPIKey(ctx context.Context, q db.Queryer, id int64) error {
	_, err := q.ExecContext(ctx,
		`UPDATE api_keys SET last_used_at = now()
		 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	return err
}
