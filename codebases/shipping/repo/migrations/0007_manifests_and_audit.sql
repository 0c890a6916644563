-- A manifest hands a day's labelled shipments to the carrier's driver in one batch.
CREATE TABLE manifests (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    carrier         TEXT NOT NULL,
    shipment_count  INTEGER NOT NULL,
    total_cents     BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE shipments ADD COLUMN manifest_id BIGINT REFERENCES manifests (id);
CREATE INDEX shipments_unmanifested_idx ON shipments (tenant_id, carrier)
    WHERE status = 'label_purchased' AND manifest_id IS NULL;

-- Who changed a tenant's keys and webhook endpoints, and when.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    key_id      BIGINT REFERENCES api_keys (id),
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    details     JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, id DESC);
