-- A short human-friendly reference per booking ("BK-" + 8 characters), unique within a tenant.
-- Existing bookings get one derived from their id.
ALTER TABLE bookings ADD COLUMN reference text;
UPDATE bookings SET reference = 'BK-' || upper(substr(replace(id::text, '-', ''), 1, 8))
    WHERE reference IS NULL;
ALTER TABLE bookings ALTER COLUMN reference SET NOT NULL;
CREATE UNIQUE INDEX bookings_org_reference_key ON bookings (org_id, reference);
