package store

import (
	"context"
	"encoding/json"
	"time"

	"shipping/internal/db"
)

// Job is a unit of background work in the jobs table.
type Job struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Attempts    int
	MaxAttempts int
}

// EnqueueJob adds a job to run at runAt (now when zero); usually in the transaction that made
// the change the job follows, so the two commit together.
func EnqueueJob(ctx context.Context, q db.Queryer, kind string, payload any, runAt time.Time, maxAttempts int) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, err
	}
	if runAt.IsZero() {
		runAt = time.Now()
	}
	var id int64
	err = q.QueryRowContext(ctx,
		`INSERT INTO jobs (kind, payload, run_at, max_attempts) VALUES ($1, $2, $3, $4) RETURNING id`,
		kind, body, runAt, maxAttempts).Scan(&id)
	return id, err
}

// ClaimJobs leases up to n runnable jobs to worker for lease: jobs that are due, and jobs whose
// worker's lease ran out (it died or hung without heartbeating). SKIP LOCKED lets workers claim
// side by side without waiting on each other.
func ClaimJobs(ctx context.Context, q db.Queryer, worker string, lease time.Duration, n int) ([]Job, error) {
	rows, err := q.QueryContext(ctx,
		`UPDATE jobs SET status = 'running', locked_by = $1, attempts = attempts + 1,
		        lease_until = now() + $2 * interval '1 millisecond', heartbeat_at = now(), updated_at = now()
		 WHERE id IN (
		   SELECT id FROM jobs
		   WHERE (status = 'queued' AND run_at <= now())
		      OR (status = 'running' AND lease_until < now())
		   ORDER BY run_at, id
		   LIMIT $3
		   FOR UPDATE SKIP LOCKED)
		 RETURNING id, kind, payload, attempts, max_attempts`, worker, lease.Milliseconds(), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := rows.Scan(&j.ID, &j.Kind, &j.Payload, &j.Attempts, &j.MaxAttempts); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// HeartbeatJob extends a running job's lease; false when the worker no longer holds it.
func HeartbeatJob(ctx context.Context, q db.Queryer, id int64, worker string, lease time.Duration) (bool, error) {
	res, err := q.ExecContext(ctx,
		`UPDATE jobs SET lease_until = now() + $3 * interval '1 millisecond', heartbeat_at = now()
		 WHERE id = $1 AND locked_by = $2 AND status = 'running'`, id, worker, lease.Milliseconds())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CompleteJob marks a job done, if worker still holds it.
func CompleteJob(ctx context.Context, q db.Queryer, id int64, worker string) error {
	_, err := q.ExecContext(ctx,
		`UPDATE jobs SET status = 'done', lease_until = NULL, updated_at = now()
		 WHERE id = $1 AND locked_by = $2`, id, worker)
	return err
}

// FailJob records a failed attempt: queued again after backoff, or failed for good once the
// job has used its attempts.
func FailJob(ctx context.Context, q db.Queryer, id int64, worker string, cause string, backoff time.Duration) error {
	_, err := q.ExecContext(ctx,
		`UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		        run_at = now() + $4 * interval '1 millisecond', last_error = $3,
		        lease_until = NULL, locked_by = NULL, updated_at = now()
		 WHERE id = $1 AND locked_by = $2`, id, worker, cause, backoff.Milliseconds())
	return err
}

// JobCounts is how many jobs are in each status (for /ready's details and the worker's logs).
func JobCounts(ctx context.Context, q db.Queryer) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT status, count(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
