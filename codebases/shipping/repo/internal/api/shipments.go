package api

import (
	"net/http"
	"strconv"

	"shipping/internal/httpx"
	"shipping/internal/service"
	"shipping/internal/store"
)

func (a *API) listShipments(w http.ResponseWriter, r *http.Request) {
	page, err := httpx.ParsePage(r, a.Config.DefaultPageSize, a.Config.MaxPageSize)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	f := store.ShipmentFilter{Status: r.URL.Query().Get("status"), After: page.After, Limit: page.Limit}
	if raw := r.URL.Query().Get("parcel_id"); raw != "" {
		if f.ParcelID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.ParcelID <= 0 {
			httpx.Fail(w, r, httpx.Invalid("parcel_id", "a parcel id"))
			return
		}
	}
	out, err := a.Service.ListShipments(r.Context(), principal(r).TenantID, f)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, out)
}

func (a *API) createShipment(w http.ResponseWriter, r *http.Request) {
	var in service.ShipmentInput
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	s, err := a.Service.CreateShipment(r.Context(), principal(r).TenantID, in)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, s)
}

func (a *API) getShipment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	s, err := a.Service.GetShipment(r.Context(), principal(r).TenantID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, s)
}

func (a *API) buyLabel(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	s, err := a.Service.BuyLabel(r.Context(), principal(r).TenantID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, s)
}

func (a *API) cancelShipment(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	s, err := a.Service.CancelShipment(r.Context(), principal(r).TenantID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, s)
}

func (a *API) addTrackingEvent(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	var in service.TrackingInput
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	s, err := a.Service.AddTrackingEvent(r.Context(), principal(r).TenantID, id, in)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, s)
}
