package store

import (
	"context"
	"time"

	"shipping/internal/db"
)

// Parcel is a box waiting to ship: where it goes and how big it is.
type Parcel struct {
	ID            int64     `json:"id"`
	TenantID      int64     `json:"-"`
	Reference     string    `json:"reference"`
	RecipientName string    `json:"recipient_name"`
	Street        string    `json:"street"`
	City          string    `json:"city"`
	PostalCode    string    `json:"postal_code"`
	Country       string    `json:"country"`
	WeightGrams   int       `json:"weight_grams"`
	LengthCM      int       `json:"length_cm"`
	WidthCM       int       `json:"width_cm"`
	HeightCM      int       `json:"height_cm"`
	CreatedAt     time.Time `json:"created_at"`
}

const parcelColumns = `id, tenant_id, reference, recipient_name, street, city, postal_code, country,
	weight_grams, length_cm, width_cm, height_cm, created_at`

func scanParcel(row interface{ Scan(...any) error }) (Parcel, error) {
	var p Parcel
	err := row.Scan(&p.ID, &p.TenantID, &p.Reference, &p.RecipientName, &p.Street, &p.City, &p.PostalCode,
		&p.Country, &p.WeightGrams, &p.LengthCM, &p.WidthCM, &p.HeightCM, &p.CreatedAt)
	return p, err
}

// CreateParcel inserts a parcel.
func CreateParcel(ctx context.Context, q db.Queryer, p Parcel) (Parcel, error) {
	err := q.QueryRowContext(ctx,
		`INSERT INTO parcels (tenant_id, reference, recipient_name, street, city, postal_code, country,
		                      weight_grams, length_cm, width_cm, height_cm)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, created_at`,
		p.TenantID, p.Reference, p.RecipientName, p.Street, p.City, p.PostalCode, p.Country,
		p.WeightGrams, p.LengthCM, p.WidthCM, p.HeightCM,
	).Scan(&p.ID, &p.CreatedAt)
	return p, err
}

// GetParcel reads one of a tenant's parcels.
func GetParcel(ctx context.Context, q db.Queryer, tenantID, id int64) (Parcel, error) {
	p, err := scanParcel(q.QueryRowContext(ctx,
		`SELECT `+parcelColumns+` FROM parcels WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	return p, notFound(err)
}

// ParcelFilter narrows a listing.
type ParcelFilter struct {
	Reference string
	After     int64
	Limit     int
}

// ListParcels lists a tenant's parcels, newest first, keyset-paginated by id; it fetches
// Limit+1 rows so the caller knows whether another page follows.
func ListParcels(ctx context.Context, q db.Queryer, tenantID int64, f ParcelFilter) ([]Parcel, error) {
	query := `SELECT ` + parcelColumns + ` FROM parcels WHERE tenant_id = $1`
	args := []any{tenantID}
	if f.Reference != "" {
		args = append(args, f.Reference)
		query += ` AND reference = $2`
	}
	if f.After > 0 {
		args = append(args, f.After)
		query += ` AND id < $` + itoa(len(args))
	}
	args = append(args, f.Limit+1)
	query += ` ORDER BY id DESC LIMIT $` + itoa(len(args))
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Parcel
	for rows.Next() {
		p, err := scanParcel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
