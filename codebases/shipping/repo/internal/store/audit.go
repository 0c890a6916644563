package store

import (
	"context"
	"encoding/json"
	"time"

	"shipping/internal/db"
)

// AuditEntry is one change to a tenant's keys or endpoints.
type AuditEntry struct {
	ID        int64           `json:"id"`
	KeyID     *int64          `json:"key_id"`
	Action    string          `json:"action"`
	Target    string          `json:"target"`
	Details   json.RawMessage `json:"details"`
	CreatedAt time.Time       `json:"created_at"`
}

// Audit records an action by key (0: an operator command) on target.
func Audit(ctx context.Context, q db.Queryer, tenantID, keyID int64, action, target string, details any) error {
	body, err := json.Marshal(details)
	if err != nil {
		return err
	}
	var key any
	if keyID > 0 {
		key = keyID
	}
	_, err = q.ExecContext(ctx,
		`INSERT INTO audit_log (tenant_id, key_id, action, target, details) VALUES ($1, $2, $3, $4, $5)`,
		tenantID, key, action, target, body)
	return err
}

// AuditLog lists a tenant's most recent entries.
func AuditLog(ctx context.Context, q db.Queryer, tenantID int64, limit int) ([]AuditEntry, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, key_id, action, target, details, created_at FROM audit_log
		 WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2`, tenantID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.KeyID, &e.Action, &e.Target, &e.Details, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
