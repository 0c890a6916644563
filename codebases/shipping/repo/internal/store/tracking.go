package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// TrackingEvent is one scan of a shipment on its way (picked up, at a hub, delivered).
type TrackingEvent struct {
	ID          int64     `json:"id"`
	ShipmentID  int64     `json:"shipment_id"`
	Status      string    `json:"status"`
	Description string    `json:"description"`
	Location    string    `json:"location"`
	OccurredAt  time.Time `json:"occurred_at"`
}

// AddTrackingEvent inserts an event.
func AddTrackingEvent(ctx context.Context, q db.Queryer, tenantID int64, e TrackingEvent) (TrackingEvent, error) {
	err := q.QueryRowContext(ctx,
		`INSERT INTO tracking_events (tenant_id, shipment_id, status, description, location, occurred_at)
		 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tenantID, e.ShipmentID, e.Status, e.Description, e.Location, e.OccurredAt,
	).Scan(&e.ID)
	return e, err
}

// TrackingEvents lists a shipment's events in the order they happened.
func TrackingEvents(ctx context.Context, q db.Queryer, tenantID, shipmentID int64) ([]TrackingEvent, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, shipment_id, status, description, location, occurred_at FROM tracking_events
		 WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY occurred_at, id`, tenantID, shipmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TrackingEvent{}
	for rows.Next() {
		var e TrackingEvent
		if err := rows.Scan(&e.ID, &e.ShipmentID, &e.Status, &e.Description, &e.Location, &e.OccurredAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
