package store

import (
	"context"
	"database/sql"
	"time"

	"shipping/internal/db"
)

// IdempotencyRecord is what is remembered of a request sent with an Idempotency-Key.
type IdempotencyRecord struct {
	Method         string
	Path           string
	RequestHash    string
	State          string
	ResponseStatus int
	ResponseBody   []byte
	CreatedAt      time.Time
}

// ClaimIdempotencyKey records the key as in progress; false (and the existing record) when the
// tenant already used it.
func ClaimIdempotencyKey(ctx context.Context, q db.Queryer, tenantID int64, key, method, path, hash string) (bool, IdempotencyRecord, error) {
	res, err := q.ExecContext(ctx,
		`INSERT INTO idempotency_keys (tenant_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (tenant_id, key) DO NOTHING`, tenantID, key, method, path, hash)
	if err != nil {
		return false, IdempotencyRecord{}, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, IdempotencyRecord{}, nil
	}
	var rec IdempotencyRecord
	var status sql.NullInt64
	err = q.QueryRowContext(ctx,
		`SELECT method, path, request_hash, state, response_status, response_body, created_at
		 FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tenantID, key,
	).Scan(&rec.Method, &rec.Path, &rec.RequestHash, &rec.State, &status, &rec.ResponseBody, &rec.CreatedAt)
	rec.ResponseStatus = int(status.Int64)
	if err == sql.ErrNoRows {
		// released between our insert and this read: the caller may retry
		return false, IdempotencyRecord{State: "released"}, nil
	}
	return false, rec, err
}

// CompleteIdempotencyKey stores the response to replay for the key.
func CompleteIdempotencyKey(ctx context.Context, q db.Queryer, tenantID int64, key string, status int, body []byte) error {
	_, err := q.ExecContext(ctx,
		`UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4
		 WHERE tenant_id = $1 AND key = $2`, tenantID, key, status, body)
	return err
}

// ReleaseIdempotencyKey forgets the key, so the request can be sent again with it.
func ReleaseIdempotencyKey(ctx context.Context, q db.Queryer, tenantID int64, key string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tenantID, key)
	return err
}

// PurgeIdempotencyKeys deletes keys older than ttl; it returns how many.
func PurgeIdempotencyKeys(ctx context.Context, q db.Queryer, ttl time.Duration) (int64, error) {
	res, err := q.ExecContext(ctx,
		`DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 millisecond'`, ttl.Milliseconds())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
