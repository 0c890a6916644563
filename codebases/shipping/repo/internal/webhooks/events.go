package webhooks

import (
	"context"
	"encoding/json"
	"time"

	"shipping/internal/db"
	"shipping/internal/store"
)

// Event types tenants can subscribe to ("*" is every one).
const (
	ShipmentCreated        = "shipment.created"
	ShipmentLabelPurchased = "shipment.label_purchased"
	ShipmentTracking       = "shipment.tracking_updated"
	ShipmentCancelled      = "shipment.cancelled"
)

// KnownEvent says whether name is an event type (or "*").
func KnownEvent(name string) bool {
	switch name {
	case ShipmentCreated, ShipmentLabelPurchased, ShipmentTracking, ShipmentCancelled, "*":
		return true
	}
	return false
}

// DeliverJob is the job kind that sends one delivery.
const DeliverJob = "webhook.deliver"

// DeliverPayload is a delivery job's payload.
type DeliverPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Envelope is the body every endpoint receives.
type Envelope struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      any       `json:"data"`
}

// Emit records event for every active endpoint of the tenant subscribed to it and queues a
// delivery job for each; run it in the transaction of the change, so that an event is sent if
// and only if the change committed.
func Emit(ctx context.Context, q db.Queryer, tenantID int64, event string, data any, maxAttempts int) error {
	endpoints, err := store.ActiveEndpointsFor(ctx, q, tenantID, event)
	if err != nil || len(endpoints) == 0 {
		return err
	}
	for _, ep := range endpoints {
		id, err := store.CreateDelivery(ctx, q, tenantID, ep.ID, event, []byte("{}"))
		if err != nil {
			return err
		}
		body, err := json.Marshal(Envelope{ID: "evt_" + itoa(id), Type: event, CreatedAt: time.Now().UTC(), Data: data})
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET payload = $2 WHERE id = $1`, id, body); err != nil {
			return err
		}
		if _, err := store.EnqueueJob(ctx, q, DeliverJob, DeliverPayload{DeliveryID: id}, time.Time{}, maxAttempts); err != nil {
			return err
		}
	}
	return nil
}
