package service

import (
	"context"

	"shipping/internal/httpx"
	"shipping/internal/rates"
	"shipping/internal/store"
)

// QuoteParcel prices every service level for one of the tenant's parcels.
func (s *Service) QuoteParcel(ctx context.Context, tenantID, parcelID int64) ([]rates.Quote, error) {
	p, err := store.GetParcel(ctx, s.Pool, tenantID, parcelID)
	if err != nil {
		return nil, apiError(err)
	}
	quotes, err := rates.All(rates.Parcel{Country: p.Country, PostalCode: p.PostalCode, WeightGrams: p.WeightGrams,
		LengthCM: p.LengthCM, WidthCM: p.WidthCM, HeightCM: p.HeightCM})
	if err != nil {
		return nil, httpx.Errorf(422, "not_quotable", "%v", err)
	}
	return quotes, nil
}
