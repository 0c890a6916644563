package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"shipping/internal/db"
)

// WebhookEndpoint is a tenant's URL that receives events, signed with its secret.
type WebhookEndpoint struct {
	ID        int64     `json:"id"`
	TenantID  int64     `json:"-"`
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// WebhookDelivery is one event sent (or to be sent) to one endpoint.
type WebhookDelivery struct {
	ID          int64           `json:"id"`
	TenantID    int64           `json:"-"`
	EndpointID  int64           `json:"endpoint_id"`
	EventType   string          `json:"event_type"`
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	LastError   *string         `json:"last_error"`
	DeliveredAt *time.Time      `json:"delivered_at"`
	CreatedAt   time.Time       `json:"created_at"`
}

const endpointColumns = `id, tenant_id, url, secret, events, active, created_at`

func scanEndpoint(row interface{ Scan(...any) error }) (WebhookEndpoint, error) {
	var e WebhookEndpoint
	err := row.Scan(&e.ID, &e.TenantID, &e.URL, &e.Secret, scanStrings(&e.Events), &e.Active, &e.CreatedAt)
	return e, err
}

// CreateEndpoint inserts an endpoint.
func CreateEndpoint(ctx context.Context, q db.Queryer, tenantID int64, url, secret string, events []string) (WebhookEndpoint, error) {
	return scanEndpoint(q.QueryRowContext(ctx,
		`INSERT INTO webhook_endpoints (tenant_id, url, secret, events) VALUES ($1, $2, $3, $4)
		 RETURNING `+endpointColumns, tenantID, url, secret, stringArray(events)))
}

// GetEndpoint reads an endpoint by id (any tenant: the worker's view).
func GetEndpoint(ctx context.Context, q db.Queryer, id int64) (WebhookEndpoint, error) {
	e, err := scanEndpoint(q.QueryRowContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1`, id))
	return e, notFound(err)
}

// ListEndpoints lists a tenant's endpoints.
func ListEndpoints(ctx context.Context, q db.Queryer, tenantID int64) ([]WebhookEndpoint, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []WebhookEndpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ActiveEndpointsFor lists a tenant's active endpoints subscribed to event.
func ActiveEndpointsFor(ctx context.Context, q db.Queryer, tenantID int64, event string) ([]WebhookEndpoint, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT `+endpointColumns+` FROM webhook_endpoints
		 WHERE tenant_id = $1 AND active AND ($2 = ANY(events) OR '*' = ANY(events)) ORDER BY id`, tenantID, event)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookEndpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeactivateEndpoint stops deliveries to one of a tenant's endpoints.
func DeactivateEndpoint(ctx context.Context, q db.Queryer, tenantID, id int64) error {
	res, err := q.ExecContext(ctx, `UPDATE webhook_endpoints SET active = false WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateDelivery records an event to send to an endpoint.
func CreateDelivery(ctx context.Context, q db.Queryer, tenantID, endpointID int64, eventType string, payload []byte) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx,
		`INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_type, payload) VALUES ($1, $2, $3, $4)
		 RETURNING id`, tenantID, endpointID, eventType, payload).Scan(&id)
	return id, err
}

// GetDelivery reads a delivery by id.
func GetDelivery(ctx context.Context, q db.Queryer, id int64) (WebhookDelivery, error) {
	var d WebhookDelivery
	var lastErr sql.NullString
	var delivered sql.NullTime
	err := q.QueryRowContext(ctx,
		`SELECT id, tenant_id, endpoint_id, event_type, payload, status, attempts, last_error, delivered_at, created_at
		 FROM webhook_deliveries WHERE id = $1`, id,
	).Scan(&d.ID, &d.TenantID, &d.EndpointID, &d.EventType, &d.Payload, &d.Status, &d.Attempts, &lastErr, &delivered, &d.CreatedAt)
	if lastErr.Valid {
		d.LastError = &lastErr.String
	}
	if delivered.Valid {
		d.DeliveredAt = &delivered.Time
	}
	return d, notFound(err)
}

// MarkDelivery records an attempt's outcome: status delivered, pending (to retry) or failed.
func MarkDelivery(ctx context.Context, q db.Queryer, id int64, status string, lastError string) error {
	_, err := q.ExecContext(ctx,
		`UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_error = NULLIF($3, ''),
		        delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
		 WHERE id = $1`, id, status, lastError)
	return err
}

// ListDeliveries lists an endpoint's deliveries, newest first (Limit+1 rows, see ListParcels).
func ListDeliveries(ctx context.Context, q db.Queryer, tenantID, endpointID, after int64, limit int) ([]WebhookDelivery, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, tenant_id, endpoint_id, event_type, payload, status, attempts, last_error, delivered_at, created_at
		 FROM webhook_deliveries
		 WHERE tenant_id = $1 AND endpoint_id = $2 AND ($3 = 0 OR id < $3)
		 ORDER BY id DESC LIMIT $4`, tenantID, endpointID, after, limit+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var lastErr sql.NullString
		var delivered sql.NullTime
		if err := rows.Scan(&d.ID, &d.TenantID, &d.EndpointID, &d.EventType, &d.Payload, &d.Status, &d.Attempts,
			&lastErr, &delivered, &d.CreatedAt); err != nil {
			return nil, err
		}
		if lastErr.Valid {
			d.LastError = &lastErr.String
		}
		if delivered.Valid {
			d.DeliveredAt = &delivered.Time
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ResetDelivery makes one of a tenant's deliveries pending again (a manual redelivery).
func ResetDelivery(ctx context.Context, q db.Queryer, tenantID, id int64) error {
	res, err := q.ExecContext(ctx,
		`UPDATE webhook_deliveries SET status = 'pending', last_error = NULL WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
