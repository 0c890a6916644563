-- Warehouses look parcels up by their own reference (GET /v1/parcels?reference=...).
CREATE INDEX parcels_tenant_reference_idx ON parcels (tenant_id, reference);
