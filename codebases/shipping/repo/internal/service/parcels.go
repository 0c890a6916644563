package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"shipping/internal/httpx"
	"shipping/internal/store"
)

// ParcelInput is what a client sends to register a parcel.
type ParcelInput struct {
	Reference     string `json:"reference"`
	RecipientName string `json:"recipient_name"`
	Street        string `json:"street"`
	City          string `json:"city"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	WeightGrams   int    `json:"weight_grams"`
	LengthCM      int    `json:"length_cm"`
	WidthCM       int    `json:"width_cm"`
	HeightCM      int    `json:"height_cm"`
}

// MaxWeightGrams is the heaviest parcel the carriers take.
const MaxWeightGrams = 31_500

// Validate checks the input and normalises it (trimmed text, upper-case country).
func (in *ParcelInput) Validate() error {
	fields := []struct {
		name  string
		value *string
		max   int
	}{
		{"reference", &in.Reference, 64}, {"recipient_name", &in.RecipientName, 200}, {"street", &in.Street, 200},
		{"city", &in.City, 100}, {"postal_code", &in.PostalCode, 16}, {"country", &in.Country, 2},
	}
	for _, f := range fields {
		*f.value = strings.TrimSpace(*f.value)
		if *f.value == "" {
			return httpx.Invalid(f.name, "required")
		}
		if utf8.RuneCountInString(*f.value) > f.max {
			return httpx.Invalid(f.name, "too long")
		}
	}
	in.Country = strings.ToUpper(in.Country)
	if len(in.Country) != 2 || in.Country[0] < 'A' || in.Country[0] > 'Z' || in.Country[1] < 'A' || in.Country[1] > 'Z' {
		return httpx.Invalid("country", "an ISO 3166 alpha-2 code, e.g. DE")
	}
	if in.WeightGrams <= 0 || in.WeightGrams > MaxWeightGrams {
		return httpx.Invalid("weight_grams", "from 1 to 31500")
	}
	for name, v := range map[string]int{"length_cm": in.LengthCM, "width_cm": in.WidthCM, "height_cm": in.HeightCM} {
		if v <= 0 || v > 200 {
			return httpx.Invalid(name, "from 1 to 200")
		}
	}
	return nil
}

// ShipmentSummary is a parcel's latest shipment as its listing shows it.
type ShipmentSummary struct {
	ID             int64   `json:"id"`
	Status         string  `json:"status"`
	ServiceLevel   string  `json:"service_level"`
	TrackingNumber *string `json:"tracking_number"`
}

// ParcelView is a parcel with its latest shipment (nil when it has none).
type ParcelView struct {
	store.Parcel
	Shipment *ShipmentSummary `json:"shipment"`
}

func summary(s store.Shipment) *ShipmentSummary {
	return &ShipmentSummary{ID: s.ID, Status: s.Status, ServiceLevel: s.ServiceLevel, TrackingNumber: s.TrackingNumber}
}

// CreateParcel registers a parcel.
func (s *Service) CreateParcel(ctx context.Context, tenantID int64, in ParcelInput) (ParcelView, error) {
	if err := in.Validate(); err != nil {
		return ParcelView{}, err
	}
	p, err := store.CreateParcel(ctx, s.Pool, store.Parcel{
		TenantID: tenantID, Reference: in.Reference, RecipientName: in.RecipientName, Street: in.Street,
		City: in.City, PostalCode: in.PostalCode, Country: in.Country, WeightGrams: in.WeightGrams,
		LengthCM: in.LengthCM, WidthCM: in.WidthCM, HeightCM: in.HeightCM,
	})
	if err != nil {
		return ParcelView{}, err
	}
	return ParcelView{Parcel: p}, nil
}

// GetParcel is one of the tenant's parcels with its latest shipment.
func (s *Service) GetParcel(ctx context.Context, tenantID, id int64) (ParcelView, error) {
	p, err := store.GetParcel(ctx, s.Pool, tenantID, id)
	if err != nil {
		return ParcelView{}, apiError(err)
	}
	view := ParcelView{Parcel: p}
	latest, err := store.LatestShipmentForParcel(ctx, s.Pool, tenantID, id)
	switch {
	case err == nil:
		view.Shipment = summary(latest)
	case err != store.ErrNotFound:
		return ParcelView{}, err
	}
	return view, nil
}

// ListParcels is a page of the tenant's parcels, each with its latest shipment: two statements
// whatever the page size (the parcels, then their shipments).
func (s *Service) ListParcels(ctx context.Context, tenantID int64, f store.ParcelFilter) (httpx.Page[ParcelView], error) {
	rows, err := store.ListParcels(ctx, s.Pool, tenantID, f)
	if err != nil {
		return httpx.Page[ParcelView]{}, err
	}
	page := httpx.MakePage(rows, f.Limit, func(p store.Parcel) int64 { return p.ID })
	ids := make([]int64, len(page.Data))
	for i, p := range page.Data {
		ids[i] = p.ID
	}
	latest, err := store.LatestShipmentsForParcels(ctx, s.Pool, tenantID, ids)
	if err != nil {
		return httpx.Page[ParcelView]{}, err
	}
	views := make([]ParcelView, len(page.Data))
	for i, p := range page.Data {
		views[i] = ParcelView{Parcel: p}
		if sh, ok := latest[p.ID]; ok {
			views[i].Shipment = summary(sh)
		}
	}
	return httpx.Page[ParcelView]{Data: views, NextCursor: page.NextCursor}, nil
}
