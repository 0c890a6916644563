DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS webhook_deliveries;
DROP TABLE IF EXISTS webhook_endpoints;
DROP TABLE IF EXISTS notifications;
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS waitlist_entries;
