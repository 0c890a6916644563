package service

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shipping/internal/carrier"
	"shipping/internal/db"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// TrackingSyncJob is the job kind that pulls a shipment's scans from the carrier.
const TrackingSyncJob = "tracking.sync"

// TrackingSyncPayload names the shipment to sync.
type TrackingSyncPayload struct {
	TenantID   int64 `json:"tenant_id"`
	ShipmentID int64 `json:"shipment_id"`
}

// TrackingSyncEvery is how long after one sync the next one runs, until delivery.
const TrackingSyncEvery = 30 * time.Minute

// SyncTracking records the scans the carrier has that the shipment lacks (each once), moves
// the shipment on, and schedules the next sync unless it was delivered or cancelled.
func (s *Service) SyncTracking(ctx context.Context, p TrackingSyncPayload) error {
	sh, err := store.GetShipment(ctx, s.Pool, p.TenantID, p.ShipmentID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (sh.TrackingNumber == nil || sh.Status == store.StatusCancelled)) {
		return nil // nothing to track (any more)
	}
	if err != nil {
		return err
	}
	scans, err := s.Carrier.Tracking(ctx, *sh.TrackingNumber)
	var rejected *carrier.RejectedError
	if errors.As(err, &rejected) {
		return nil // the carrier does not know it (yet): the next sync asks again
	}
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		sh, err := store.LockShipment(ctx, tx, p.TenantID, p.ShipmentID)
		if err != nil {
			return err
		}
		for _, scan := range scans {
			res, err := tx.ExecContext(ctx,
				`INSERT INTO tracking_events (tenant_id, shipment_id, status, description, location, occurred_at)
				 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (shipment_id, status, occurred_at) DO NOTHING`,
				p.TenantID, sh.ID, scan.Status, scan.Description, scan.Location, scan.OccurredAt)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // seen before
			}
			if next, ok := nextStatus[sh.Status][scan.Status]; ok && next != sh.Status {
				if sh, err = store.SetShipmentStatus(ctx, tx, sh.ID, next); err != nil {
					return err
				}
			}
			if err := webhooks.Emit(ctx, tx, p.TenantID, webhooks.ShipmentTracking,
				map[string]any{"shipment": sh, "event": scan}, s.JobMaxAttempts); err != nil {
				return err
			}
		}
		if sh.Status == store.StatusDelivered {
			return nil
		}
		_, err = store.EnqueueJob(ctx, tx, TrackingSyncJob, p, time.Now().Add(TrackingSyncEvery), s.JobMaxAttempts)
		return err
	})
}
