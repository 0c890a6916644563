package store

import (
	"context"
	"database/sql"
	"time"

	"shipping/internal/db"
)

// Shipment statuses.
const (
	StatusCreated        = "created"
	StatusLabelPurchased = "label_purchased"
	StatusInTransit      = "in_transit"
	StatusDelivered      = "delivered"
	StatusCancelled      = "cancelled"
)

// Shipment is a parcel sent with a carrier at a service level.
type Shipment struct {
	ID             int64     `json:"id"`
	TenantID       int64     `json:"-"`
	ParcelID       int64     `json:"parcel_id"`
	ServiceLevel   string    `json:"service_level"`
	Status         string    `json:"status"`
	Carrier        *string   `json:"carrier"`
	TrackingNumber *string   `json:"tracking_number"`
	LabelURL       *string   `json:"label_url"`
	PriceCents     *int      `json:"price_cents"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

const shipmentColumns = `id, tenant_id, parcel_id, service_level, status, carrier, tracking_number,
	label_url, price_cents, created_at, updated_at`

func scanShipment(row interface{ Scan(...any) error }) (Shipment, error) {
	var s Shipment
	var carrier, tracking, label sql.NullString
	var price sql.NullInt64
	err := row.Scan(&s.ID, &s.TenantID, &s.ParcelID, &s.ServiceLevel, &s.Status, &carrier, &tracking,
		&label, &price, &s.CreatedAt, &s.UpdatedAt)
	if carrier.Valid {
		s.Carrier = &carrier.String
	}
	if tracking.Valid {
		s.TrackingNumber = &tracking.String
	}
	if label.Valid {
		s.LabelURL = &label.String
	}
	if price.Valid {
		p := int(price.Int64)
		s.PriceCents = &p
	}
	return s, err
}

func scanShipments(rows *sql.Rows, err error) ([]Shipment, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Shipment
	for rows.Next() {
		s, err := scanShipment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateShipment inserts a shipment in status created.
func CreateShipment(ctx context.Context, q db.Queryer, tenantID, parcelID int64, serviceLevel string) (Shipment, error) {
	s, err := scanShipment(q.QueryRowContext(ctx,
		`INSERT INTO shipments (tenant_id, parcel_id, service_level) VALUES ($1, $2, $3)
		 RETURNING `+shipmentColumns, tenantID, parcelID, serviceLevel))
	return s, err
}

// GetShipment reads one of a tenant's shipments.
func GetShipment(ctx context.Context, q db.Queryer, tenantID, id int64) (Shipment, error) {
	s, err := scanShipment(q.QueryRowContext(ctx,
		`SELECT `+shipmentColumns+` FROM shipments WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	return s, notFound(err)
}

// LockShipment reads one of a tenant's shipments and locks its row until the transaction ends.
func LockShipment(ctx context.Context, tx *sql.Tx, tenantID, id int64) (Shipment, error) {
	s, err := scanShipment(tx.QueryRowContext(ctx,
		`SELECT `+shipmentColumns+` FROM shipments WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, id))
	return s, notFound(err)
}

// ShipmentFilter narrows a listing.
type ShipmentFilter struct {
	Status   string
	ParcelID int64
	After    int64
	Limit    int
}

// ListShipments lists a tenant's shipments, newest first (Limit+1 rows, see ListParcels).
func ListShipments(ctx context.Context, q db.Queryer, tenantID int64, f ShipmentFilter) ([]Shipment, error) {
	query := `SELECT ` + shipmentColumns + ` FROM shipments WHERE tenant_id = $1`
	args := []any{tenantID}
	if f.Status != "" {
		args = append(args, f.Status)
		query += ` AND status = $` + itoa(len(args))
	}
	if f.ParcelID > 0 {
		args = append(args, f.ParcelID)
		query += ` AND parcel_id = $` + itoa(len(args))
	}
	if f.After > 0 {
		args = append(args, f.After)
		query += ` AND id < $` + itoa(len(args))
	}
	args = append(args, f.Limit+1)
	query += ` ORDER BY id DESC LIMIT $` + itoa(len(args))
	return scanShipments(q.QueryContext(ctx, query, args...))
}

// LatestShipmentForParcel is a parcel's most recent shipment (ErrNotFound when it has none).
func LatestShipmentForParcel(ctx context.Context, q db.Queryer, tenantID, parcelID int64) (Shipment, error) {
	s, err := scanShipment(q.QueryRowContext(ctx,
		`SELECT `+shipmentColumns+` FROM shipments WHERE tenant_id = $1 AND parcel_id = $2
		 ORDER BY id DESC LIMIT 1`, tenantID, parcelID))
	return s, notFound(err)
}

// LatestShipmentsForParcels is the most recent shipment of each of the parcels that has one,
// by parcel id, in one statement.
func LatestShipmentsForParcels(ctx context.Context, q db.Queryer, tenantID int64, parcelIDs []int64) (map[int64]Shipment, error) {
	out := map[int64]Shipment{}
	if len(parcelIDs) == 0 {
		return out, nil
	}
	list, err := scanShipments(q.QueryContext(ctx,
		`SELECT DISTINCT ON (parcel_id) `+shipmentColumns+` FROM shipments
		 WHERE tenant_id = $1 AND parcel_id = ANY($2) ORDER BY parcel_id, id DESC`,
		tenantID, int64Array(parcelIDs)))
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		out[s.ParcelID] = s
	}
	return out, nil
}

// SetLabel records a purchased label.
func SetLabel(ctx context.Context, q db.Queryer, id int64, carrier, tracking, labelURL string, priceCents int) (Shipment, error) {
	return scanShipment(q.QueryRowContext(ctx,
		`UPDATE shipments SET status = 'label_purchased', carrier = $2, tracking_number = $3, label_url = $4,
		        price_cents = $5, updated_at = now()
		 WHERE id = $1 RETURNING `+shipmentColumns, id, carrier, tracking, labelURL, priceCents))
}

// SetShipmentStatus moves a shipment to status.
func SetShipmentStatus(ctx context.Context, q db.Queryer, id int64, status string) (Shipment, error) {
	return scanShipment(q.QueryRowContext(ctx,
		`UPDATE shipments SET status = $2, updated_at = now() WHERE id = $1 RETURNING `+shipmentColumns, id, status))
}
