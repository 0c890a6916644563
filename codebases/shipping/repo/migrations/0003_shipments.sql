CREATE TABLE shipments (
    id               BIGSERIAL PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id),
    parcel_id        BIGINT NOT NULL REFERENCES parcels (id),
    service_level    TEXT NOT NULL CHECK (service_level IN ('standard', 'express')),
    status           TEXT NOT NULL DEFAULT 'created'
                     CHECK (status IN ('created', 'label_purchased', 'in_transit', 'delivered', 'cancelled')),
    carrier          TEXT,
    tracking_number  TEXT UNIQUE,
    label_url        TEXT,
    price_cents      INTEGER,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX shipments_tenant_id_idx ON shipments (tenant_id, id DESC);
CREATE INDEX shipments_parcel_idx ON shipments (parcel_id, id DESC);

CREATE TABLE tracking_events (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id),
    shipment_id  BIGINT NOT NULL REFERENCES shipments (id),
    status       TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    occurred_at  TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX tracking_events_shipment_idx ON tracking_events (shipment_id, occurred_at, id);
