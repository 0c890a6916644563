package service

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// TrackingInput is a scan reported by the carrier or the warehouse.
type TrackingInput struct {
	Status      string    `json:"status"`
	Description string    `json:"description"`
	Location    string    `json:"location"`
	OccurredAt  time.Time `json:"occurred_at"`
}

// nextStatus is the shipment status a tracking event moves a shipment to (a scan never moves
// one backwards).
var nextStatus = map[string]map[string]string{
	store.StatusLabelPurchased: {"picked_up": store.StatusInTransit, "in_transit": store.StatusInTransit, "delivered": store.StatusDelivered},
	store.StatusInTransit:      {"picked_up": store.StatusInTransit, "in_transit": store.StatusInTransit, "delivered": store.StatusDelivered},
	store.StatusDelivered:      {},
}

var trackingStatuses = map[string]bool{"picked_up": true, "in_transit": true, "out_for_delivery": true,
	"delivered": true, "exception": true}

// AddTrackingEvent records a scan of a shipment whose label was bought, moves the shipment on
// and tells the tenant's endpoints.
func (s *Service) AddTrackingEvent(ctx context.Context, tenantID, shipmentID int64, in TrackingInput) (ShipmentView, error) {
	in.Status = strings.TrimSpace(in.Status)
	if !trackingStatuses[in.Status] {
		return ShipmentView{}, httpx.Invalid("status", "picked_up, in_transit, out_for_delivery, delivered or exception")
	}
	if in.OccurredAt.IsZero() {
		in.OccurredAt = time.Now().UTC()
	}
	if in.OccurredAt.After(time.Now().Add(5 * time.Minute)) {
		return ShipmentView{}, httpx.Invalid("occurred_at", "in the future")
	}
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		sh, err := store.LockShipment(ctx, tx, tenantID, shipmentID)
		if err != nil {
			return apiError(err)
		}
		moves, ok := nextStatus[sh.Status]
		if !ok {
			return conflict("not_trackable", "shipment %d is %s", shipmentID, sh.Status)
		}
		if _, err := store.AddTrackingEvent(ctx, tx, tenantID, store.TrackingEvent{
			ShipmentID: shipmentID, Status: in.Status, Description: in.Description, Location: in.Location,
			OccurredAt: in.OccurredAt,
		}); err != nil {
			return err
		}
		if next, ok := moves[in.Status]; ok && next != sh.Status {
			if sh, err = store.SetShipmentStatus(ctx, tx, shipmentID, next); err != nil {
				return err
			}
		}
		return webhooks.Emit(ctx, tx, tenantID, webhooks.ShipmentTracking, map[string]any{
			"shipment": sh, "event": in,
		}, s.JobMaxAttempts)
	})
	if err != nil {
		return ShipmentView{}, err
	}
	return s.GetShipment(ctx, tenantID, shipmentID)
}
