package service

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"shipping/internal/auth"
	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
)

// NewKey is a key just made: the only time the key itself is shown.
type NewKey struct {
	store.APIKey
	Key string `json:"key"`
}

// CreateKey makes an API key with a role for the caller's tenant, and audits it.
func (s *Service) CreateKey(ctx context.Context, p auth.Principal, name, role string) (NewKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return NewKey{}, httpx.Invalid("name", "1 to 100 characters")
	}
	if !auth.ValidRole(role) {
		return NewKey{}, httpx.Invalid("role", "admin, operator or viewer")
	}
	key, prefix, hash := auth.NewKey()
	var made NewKey
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		row, err := store.CreateAPIKey(ctx, tx, p.TenantID, name, role, prefix, hash)
		if err != nil {
			return err
		}
		made = NewKey{APIKey: row, Key: key}
		return store.Audit(ctx, tx, p.TenantID, p.KeyID, "api_key.created", "api_key:"+strconv.FormatInt(row.ID, 10),
			map[string]string{"name": name, "role": role, "prefix": prefix})
	})
	return made, err
}

// RevokeKey revokes one of the tenant's keys; a key cannot revoke itself (the tenant would be
// locked out if it were the last admin key).
func (s *Service) RevokeKey(ctx context.Context, p auth.Principal, id int64) (store.APIKey, error) {
	if id == p.KeyID {
		return store.APIKey{}, conflict("own_key", "a key cannot revoke itself")
	}
	var revoked store.APIKey
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		var err error
		if revoked, err = store.RevokeAPIKey(ctx, tx, p.TenantID, id); err != nil {
			return apiError(err)
		}
		return store.Audit(ctx, tx, p.TenantID, p.KeyID, "api_key.revoked", "api_key:"+strconv.FormatInt(id, 10),
			map[string]string{"prefix": revoked.Prefix})
	})
	return revoked, err
}
