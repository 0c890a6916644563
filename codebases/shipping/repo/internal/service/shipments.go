package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"shipping/internal/carrier"
	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// ShipmentInput is what a client sends to ship a parcel.
type ShipmentInput struct {
	ParcelID     int64  `json:"parcel_id"`
	ServiceLevel string `json:"service_level"`
}

// ShipmentView is a shipment with its tracking history.
type ShipmentView struct {
	store.Shipment
	Events []store.TrackingEvent `json:"events"`
}

// CreateShipment ships one of the tenant's parcels; a parcel has at most one shipment that is
// not cancelled.
func (s *Service) CreateShipment(ctx context.Context, tenantID int64, in ShipmentInput) (store.Shipment, error) {
	if in.ServiceLevel == "" {
		in.ServiceLevel = "standard"
	}
	if in.ServiceLevel != "standard" && in.ServiceLevel != "express" {
		return store.Shipment{}, httpx.Invalid("service_level", "standard or express")
	}
	if in.ParcelID <= 0 {
		return store.Shipment{}, httpx.Invalid("parcel_id", "required")
	}
	var created store.Shipment
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		var parcelID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM parcels WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			tenantID, in.ParcelID).Scan(&parcelID)
		if errors.Is(err, sql.ErrNoRows) {
			return httpx.Invalid("parcel_id", "no such parcel")
		}
		if err != nil {
			return err
		}
		latest, err := store.LatestShipmentForParcel(ctx, tx, tenantID, parcelID)
		if err == nil && latest.Status != store.StatusCancelled {
			return conflict("parcel_already_shipped", "parcel %d already has shipment %d", parcelID, latest.ID)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		created, err = store.CreateShipment(ctx, tx, tenantID, parcelID, in.ServiceLevel)
		if err != nil {
			return err
		}
		return webhooks.Emit(ctx, tx, tenantID, webhooks.ShipmentCreated, created, s.JobMaxAttempts)
	})
	return created, err
}

// GetShipment is one of the tenant's shipments with its tracking events.
func (s *Service) GetShipment(ctx context.Context, tenantID, id int64) (ShipmentView, error) {
	sh, err := store.GetShipment(ctx, s.Pool, tenantID, id)
	if err != nil {
		return ShipmentView{}, apiError(err)
	}
	events, err := store.TrackingEvents(ctx, s.Pool, tenantID, id)
	if err != nil {
		return ShipmentView{}, err
	}
	return ShipmentView{Shipment: sh, Events: events}, nil
}

// ListShipments is a page of the tenant's shipments.
func (s *Service) ListShipments(ctx context.Context, tenantID int64, f store.ShipmentFilter) (httpx.Page[store.Shipment], error) {
	if f.Status != "" && !validStatus(f.Status) {
		return httpx.Page[store.Shipment]{}, httpx.Invalid("status", "unknown status")
	}
	rows, err := store.ListShipments(ctx, s.Pool, tenantID, f)
	if err != nil {
		return httpx.Page[store.Shipment]{}, err
	}
	return httpx.MakePage(rows, f.Limit, func(s store.Shipment) int64 { return s.ID }), nil
}

func validStatus(status string) bool {
	switch status {
	case store.StatusCreated, store.StatusLabelPurchased, store.StatusInTransit, store.StatusDelivered, store.StatusCancelled:
		return true
	}
	return false
}

// LabelIdempotencyKey is the key the carrier sees for a shipment's label: the same for every
// attempt, so a retry after a lost answer cannot buy a second label.
func LabelIdempotencyKey(shipmentID int64) string {
	return "shipment-" + strconv.FormatInt(shipmentID, 10) + "-label"
}

// BuyLabel buys the shipment's label from the carrier. The shipment's row stays locked while
// the carrier answers, so two purchases of one label cannot overlap; the carrier call is bounded
// by the client's timeout.
func (s *Service) BuyLabel(ctx context.Context, tenantID, id int64) (store.Shipment, error) {
	var bought store.Shipment
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		sh, err := store.LockShipment(ctx, tx, tenantID, id)
		if err != nil {
			return apiError(err)
		}
		if sh.Status != store.StatusCreated {
			return conflict("label_not_allowed", "shipment %d is %s", id, sh.Status)
		}
		parcel, err := store.GetParcel(ctx, tx, tenantID, sh.ParcelID)
		if err != nil {
			return err
		}
		label, err := s.Carrier.BuyLabel(ctx, carrier.LabelRequest{
			Reference: fmt.Sprintf("shp_%d", sh.ID), ServiceLevel: sh.ServiceLevel, WeightGrams: parcel.WeightGrams,
			Dimensions: [3]int{parcel.LengthCM, parcel.WidthCM, parcel.HeightCM},
			To: carrier.Address{Name: parcel.RecipientName, Street: parcel.Street, City: parcel.City,
				PostalCode: parcel.PostalCode, Country: parcel.Country},
		}, LabelIdempotencyKey(sh.ID))
		if err != nil {
			return carrierError(ctx, err)
		}
		bought, err = store.SetLabel(ctx, tx, sh.ID, label.Carrier, label.TrackingNumber, label.LabelURL, label.PriceCents)
		if err != nil {
			return err
		}
		if _, err := store.EnqueueJob(ctx, tx, TrackingSyncJob, TrackingSyncPayload{TenantID: tenantID, ShipmentID: sh.ID},
			time.Now().Add(TrackingSyncEvery), s.JobMaxAttempts); err != nil {
			return err
		}
		return webhooks.Emit(ctx, tx, tenantID, webhooks.ShipmentLabelPurchased, bought, s.JobMaxAttempts)
	})
	return bought, err
}

// carrierError maps a carrier failure to the API's answer: 504 when it did not answer in time,
// 502 when it failed, 422 when it refused the parcel.
func carrierError(ctx context.Context, err error) error {
	var rejected *carrier.RejectedError
	switch {
	case errors.Is(err, carrier.ErrTimeout):
		slog.WarnContext(ctx, "carrier timed out", "error", err.Error())
		return httpx.Errorf(http.StatusGatewayTimeout, "carrier_timeout", "the carrier did not answer in time; retry later")
	case errors.As(err, &rejected):
		return httpx.Errorf(http.StatusUnprocessableEntity, "carrier_rejected", "%s", rejected.Message)
	case errors.Is(err, carrier.ErrUnavailable):
		slog.WarnContext(ctx, "carrier failed", "error", err.Error())
		return httpx.Errorf(http.StatusBadGateway, "carrier_unavailable", "the carrier is unavailable; retry later")
	}
	return err
}

// CancelShipment cancels a shipment that has not left; a purchased label is voided first.
func (s *Service) CancelShipment(ctx context.Context, tenantID, id int64) (store.Shipment, error) {
	var cancelled store.Shipment
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		sh, err := store.LockShipment(ctx, tx, tenantID, id)
		if err != nil {
			return apiError(err)
		}
		switch sh.Status {
		case store.StatusCancelled:
			cancelled = sh
			return nil
		case store.StatusInTransit, store.StatusDelivered:
			return conflict("already_shipped", "shipment %d is %s", id, sh.Status)
		case store.StatusLabelPurchased:
			if err := s.Carrier.VoidLabel(ctx, *sh.TrackingNumber); err != nil {
				return carrierError(ctx, err)
			}
		}
		cancelled, err = store.SetShipmentStatus(ctx, tx, id, store.StatusCancelled)
		if err != nil {
			return err
		}
		return webhooks.Emit(ctx, tx, tenantID, webhooks.ShipmentCancelled, cancelled, s.JobMaxAttempts)
	})
	return cancelled, err
}
