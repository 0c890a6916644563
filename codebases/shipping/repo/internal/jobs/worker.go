// Package jobs runs background work from the jobs table: workers lease due jobs, keep the
// lease alive with heartbeats while a handler runs, and retry failures with backoff. A job whose
// worker died (its lease ran out) is claimed again by another worker.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"shipping/internal/store"
)

// Handler does one job; an error makes the attempt fail (retried until max attempts).
type Handler func(ctx context.Context, payload json.RawMessage) error

// Permanent marks an error that retrying cannot fix: the job fails at once.
type Permanent struct{ Err error }

func (p Permanent) Error() string { return p.Err.Error() }
func (p Permanent) Unwrap() error { return p.Err }

// Worker claims and runs jobs.
type Worker struct {
	Pool      *sql.DB
	ID        string
	Lease     time.Duration
	Heartbeat time.Duration
	Poll      time.Duration
	Batch     int
	Handlers  map[string]Handler
	Log       *slog.Logger
	// Maintenance runs about once a minute between polls (e.g. purging old idempotency keys).
	Maintenance func(ctx context.Context) error

	lastMaintenance time.Time
}

// Run polls for jobs until ctx is cancelled; a job already started is finished first.
func (w *Worker) Run(ctx context.Context) error {
	w.Log.Info("worker started", "worker", w.ID, "lease_ms", w.Lease.Milliseconds(), "poll_ms", w.Poll.Milliseconds())
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			w.Log.Error("poll failed", "worker", w.ID, "error", err.Error())
		}
		w.maintain(ctx)
		if ctx.Err() != nil {
			w.Log.Info("worker stopped", "worker", w.ID)
			return nil
		}
		if n > 0 {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
		case <-time.After(w.Poll):
		}
	}
}

// RunOnce claims one batch of jobs and runs them one after another; it returns how many ran.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	claimed, err := store.ClaimJobs(ctx, w.Pool, w.ID, w.Lease, w.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim: %w", err)
	}
	for i, job := range claimed {
		if ctx.Err() != nil {
			// shutting down: hand the rest back at once rather than let their leases run out
			w.release(claimed[i:])
			return i, ctx.Err()
		}
		w.run(job)
	}
	return len(claimed), nil
}

// Drain runs jobs until none is due (the `worker --once` mode and tests).
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := w.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// run does one job under a heartbeat. The handler gets a context of its own (not the
// worker's), so a shutdown lets it finish instead of cutting it off half-way.
func (w *Worker) run(job store.Job) {
	log := w.Log.With("job_id", job.ID, "kind", job.Kind, "attempt", job.Attempts, "worker", w.ID)
	handler, ok := w.Handlers[job.Kind]
	if !ok {
		w.fail(job, Permanent{fmt.Errorf("no handler for job kind %q", job.Kind)}, log)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var beat sync.WaitGroup
	beat.Add(1)
	go func() {
		defer beat.Done()
		w.heartbeat(ctx, job, log, cancel)
	}()
	started := time.Now()
	err := handler(ctx, job.Payload)
	cancel()
	beat.Wait()
	if err != nil {
		w.fail(job, err, log)
		return
	}
	if err := store.CompleteJob(context.Background(), w.Pool, job.ID, w.ID); err != nil {
		log.Error("could not mark job done", "error", err.Error())
		return
	}
	log.Info("job done", "duration_ms", time.Since(started).Milliseconds())
}

// heartbeat extends the lease every Heartbeat until ctx ends; losing the lease cancels the job.
func (w *Worker) heartbeat(ctx context.Context, job store.Job, log *slog.Logger, lost context.CancelFunc) {
	tick := time.NewTicker(w.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			held, err := store.HeartbeatJob(ctx, w.Pool, job.ID, w.ID, w.Lease)
			if err != nil && ctx.Err() == nil {
				log.Warn("heartbeat failed", "error", err.Error())
				continue
			}
			if !held && ctx.Err() == nil {
				log.Warn("lease lost: another worker has the job")
				lost()
				return
			}
		}
	}
}

func (w *Worker) fail(job store.Job, cause error, log *slog.Logger) {
	var permanent Permanent
	backoff := Backoff(job.Attempts)
	if errors.As(cause, &permanent) {
		// no more attempts: FailJob sees attempts >= max_attempts
		if _, err := w.Pool.Exec(`UPDATE jobs SET max_attempts = attempts WHERE id = $1`, job.ID); err != nil {
			log.Error("could not fail job", "error", err.Error())
		}
	}
	if err := store.FailJob(context.Background(), w.Pool, job.ID, w.ID, cause.Error(), backoff); err != nil {
		log.Error("could not record job failure", "error", err.Error())
		return
	}
	log.Warn("job failed", "error", cause.Error(), "retry_in_ms", backoff.Milliseconds())
}

func (w *Worker) release(jobs []store.Job) {
	for _, job := range jobs {
		_, err := w.Pool.Exec(
			`UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, lease_until = NULL
			 WHERE id = $1 AND locked_by = $2`, job.ID, w.ID)
		if err != nil {
			w.Log.Error("could not release job", "job_id", job.ID, "error", err.Error())
		}
	}
}

func (w *Worker) maintain(ctx context.Context) {
	if w.Maintenance == nil || time.Since(w.lastMaintenance) < time.Minute || ctx.Err() != nil {
		return
	}
	w.lastMaintenance = time.Now()
	if err := w.Maintenance(ctx); err != nil {
		w.Log.Warn("maintenance failed", "error", err.Error())
	}
}

// Backoff is the wait before attempt n+1: 1 s doubling per attempt, at most 5 minutes.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := time.Second << min(attempt-1, 9)
	return min(d, 5*time.Minute)
}
