package service

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"shipping/internal/auth"
	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// ListDeliveries is a page of one of the tenant's endpoints' deliveries.
func (s *Service) ListDeliveries(ctx context.Context, tenantID, endpointID int64, page httpx.PageParams) (httpx.Page[store.WebhookDelivery], error) {
	ep, err := store.GetEndpoint(ctx, s.Pool, endpointID)
	if err != nil || ep.TenantID != tenantID {
		return httpx.Page[store.WebhookDelivery]{}, httpx.ErrNotFound
	}
	rows, err := store.ListDeliveries(ctx, s.Pool, tenantID, endpointID, page.After, page.Limit)
	if err != nil {
		return httpx.Page[store.WebhookDelivery]{}, err
	}
	return httpx.MakePage(rows, page.Limit, func(d store.WebhookDelivery) int64 { return d.ID }), nil
}

// Redeliver sends one of the tenant's deliveries again (after the receiver fixed its end).
func (s *Service) Redeliver(ctx context.Context, p auth.Principal, deliveryID int64) error {
	return db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		if err := store.ResetDelivery(ctx, tx, p.TenantID, deliveryID); err != nil {
			return apiError(err)
		}
		if _, err := store.EnqueueJob(ctx, tx, webhooks.DeliverJob, webhooks.DeliverPayload{DeliveryID: deliveryID},
			time.Time{}, s.JobMaxAttempts); err != nil {
			return err
		}
		return store.Audit(ctx, tx, p.TenantID, p.KeyID, "webhook.redelivered",
			"delivery:"+strconv.FormatInt(deliveryID, 10), struct{}{})
	})
}

// MaxBatch is the most parcels one batch import takes.
const MaxBatch = 100

// BatchResult is one line of a batch import: the parcel made, or why not.
type BatchResult struct {
	Index  int          `json:"index"`
	Parcel *ParcelView  `json:"parcel,omitempty"`
	Error  *httpx.Error `json:"error,omitempty"`
}

// ImportParcels registers many parcels at once: all or none (one invalid line refuses the batch,
// and the answer says which lines are wrong).
func (s *Service) ImportParcels(ctx context.Context, tenantID int64, in []ParcelInput) ([]BatchResult, error) {
	if len(in) == 0 || len(in) > MaxBatch {
		return nil, httpx.Invalid("parcels", "from 1 to "+strconv.Itoa(MaxBatch))
	}
	results := make([]BatchResult, len(in))
	invalid := false
	for i := range in {
		results[i].Index = i
		if err := in[i].Validate(); err != nil {
			apiErr, _ := err.(*httpx.Error)
			results[i].Error = apiErr
			invalid = true
		}
	}
	if invalid {
		return results, httpx.Errorf(422, "invalid_batch", "some parcels are invalid; nothing was imported")
	}
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		for i, p := range in {
			made, err := store.CreateParcel(ctx, tx, store.Parcel{
				TenantID: tenantID, Reference: p.Reference, RecipientName: p.RecipientName, Street: p.Street,
				City: p.City, PostalCode: p.PostalCode, Country: p.Country, WeightGrams: p.WeightGrams,
				LengthCM: p.LengthCM, WidthCM: p.WidthCM, HeightCM: p.HeightCM,
			})
			if err != nil {
				return err
			}
			results[i].Parcel = &ParcelView{Parcel: made}
		}
		return nil
	})
	return results, err
}
