// Package app wires the parts together from the configuration: the API, the worker and its
// job handlers. The commands and the tests build the service the same way.
package app

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"shipping/internal/api"
	"shipping/internal/carrier"
	"shipping/internal/config"
	"shipping/internal/jobs"
	"shipping/internal/metrics"
	"shipping/internal/ratelimit"
	"shipping/internal/service"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// NewAPI builds the HTTP API on pool.
func NewAPI(cfg config.Config, pool *sql.DB) *api.API {
	return &api.API{
		Pool:         pool,
		Service:      NewService(cfg, pool),
		Config:       cfg,
		AuthFailures: ratelimit.New(cfg.AuthFailureLimit, cfg.AuthFailureWindow),
		Metrics:      metrics.New(),
		Started:      time.Now(),
	}
}

// NewService builds the business logic on pool.
func NewService(cfg config.Config, pool *sql.DB) *service.Service {
	return &service.Service{
		Pool:           pool,
		Carrier:        carrier.New(cfg.CarrierURL, cfg.CarrierTimeout),
		JobMaxAttempts: cfg.JobMaxAttempts,
	}
}

// NewWorker builds a worker with every job handler.
func NewWorker(cfg config.Config, pool *sql.DB, log *slog.Logger) *jobs.Worker {
	sender := webhooks.NewSender(cfg.WebhookTimeout)
	return &jobs.Worker{
		Pool:      pool,
		ID:        cfg.WorkerID,
		Lease:     cfg.JobLease,
		Heartbeat: cfg.JobHeartbeat,
		Poll:      cfg.WorkerPoll,
		Batch:     cfg.WorkerBatch,
		Log:       log,
		Handlers: map[string]jobs.Handler{
			webhooks.DeliverJob:     jobs.DeliverWebhook(pool, sender),
			service.TrackingSyncJob: jobs.SyncTracking(NewService(cfg, pool)),
		},
		Maintenance: func(ctx context.Context) error {
			n, err := store.PurgeIdempotencyKeys(ctx, pool, cfg.IdempotencyTTL)
			if n > 0 {
				log.Info("purged idempotency keys", "count", n)
			}
			return err
		},
	}
}
