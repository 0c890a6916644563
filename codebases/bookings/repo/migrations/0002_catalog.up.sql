-- What can be booked: venues and their resources (rooms, courts, desks...).
CREATE TABLE venues (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name        text NOT NULL,
    address     text,
    timezone    text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resources (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    venue_id                uuid NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    name                    text NOT NULL,
    kind                    text NOT NULL CHECK (kind IN ('room', 'court', 'desk', 'equipment', 'other')),
    capacity                integer NOT NULL DEFAULT 1 CHECK (capacity >= 1),
    slot_minutes            integer NOT NULL DEFAULT 60 CHECK (slot_minutes IN (15, 30, 60)),
    price_per_slot_cents    integer NOT NULL CHECK (price_per_slot_cents >= 0),
    currency                char(3) NOT NULL DEFAULT 'EUR',
    open_minute             integer NOT NULL DEFAULT 480 CHECK (open_minute BETWEEN 0 AND 1440),
    close_minute            integer NOT NULL DEFAULT 1320 CHECK (close_minute BETWEEN 0 AND 1440),
    min_slots               integer NOT NULL DEFAULT 1 CHECK (min_slots >= 1),
    max_slots               integer NOT NULL DEFAULT 8 CHECK (max_slots >= 1),
    full_refund_hours       integer NOT NULL DEFAULT 24 CHECK (full_refund_hours >= 0),
    partial_refund_hours    integer NOT NULL DEFAULT 2 CHECK (partial_refund_hours >= 0),
    partial_refund_percent  integer NOT NULL DEFAULT 50 CHECK (partial_refund_percent BETWEEN 0 AND 100),
    active                  boolean NOT NULL DEFAULT true,
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (open_minute < close_minute),
    CHECK (min_slots <= max_slots)
);
