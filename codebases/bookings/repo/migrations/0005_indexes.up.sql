-- Indexes for the hot paths: overlap checks, listings, the worker's queues.
CREATE INDEX bookings_resource_active_idx ON bookings (resource_id, starts_at)
    WHERE status IN ('held', 'confirmed');
CREATE INDEX bookings_org_starts_idx ON bookings (org_id, starts_at, id);
CREATE INDEX bookings_customer_idx ON bookings (org_id, customer_id, starts_at);
CREATE INDEX bookings_hold_expiry_idx ON bookings (hold_expires_at) WHERE status = 'held';
CREATE INDEX payments_booking_idx ON payments (booking_id);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);
CREATE INDEX resources_org_idx ON resources (org_id, id);
CREATE INDEX resources_venue_idx ON resources (venue_id);
CREATE INDEX venues_org_idx ON venues (org_id, id);
CREATE INDEX customers_org_idx ON customers (org_id, id);
CREATE INDEX waitlist_resource_idx ON waitlist_entries (resource_id, status, created_at);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX notifications_customer_idx ON notifications (org_id, customer_id, created_at);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);
