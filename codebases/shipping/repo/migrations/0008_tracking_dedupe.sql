-- The carrier's tracking feed repeats events: one row per shipment, status and time.
CREATE UNIQUE INDEX tracking_events_once_idx ON tracking_events (shipment_id, status, occurred_at);
