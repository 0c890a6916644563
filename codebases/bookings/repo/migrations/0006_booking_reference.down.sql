DROP INDEX IF EXISTS bookings_org_reference_key;
ALTER TABLE bookings DROP COLUMN IF EXISTS reference;
