CREATE TABLE parcels (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    reference       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    street          TEXT NOT NULL,
    city            TEXT NOT NULL,
    postal_code     TEXT NOT NULL,
    country         CHAR(2) NOT NULL,
    weight_grams    INTEGER NOT NULL CHECK (weight_grams > 0),
    length_cm       INTEGER NOT NULL CHECK (length_cm > 0),
    width_cm        INTEGER NOT NULL CHECK (width_cm > 0),
    height_cm       INTEGER NOT NULL CHECK (height_cm > 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX parcels_tenant_id_idx ON parcels (tenant_id, id DESC);
