package api

import (
	"net/http"

	"shipping/internal/httpx"
	"shipping/internal/service"
	"shipping/internal/store"
)

func (a *API) listParcels(w http.ResponseWriter, r *http.Request) {
	page, err := httpx.ParsePage(r, a.Config.DefaultPageSize, a.Config.MaxPageSize)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	f := store.ParcelFilter{Reference: r.URL.Query().Get("reference"), After: page.After, Limit: page.Limit}
	out, err := a.Service.ListParcels(r.Context(), principal(r).TenantID, f)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, out)
}

func (a *API) createParcel(w http.ResponseWriter, r *http.Request) {
	var in service.ParcelInput
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	p, err := a.Service.CreateParcel(r.Context(), principal(r).TenantID, in)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, p)
}

func (a *API) getParcel(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	p, err := a.Service.GetParcel(r.Context(), principal(r).TenantID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, p)
}

func (a *API) importParcels(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Parcels []service.ParcelInput `json:"parcels"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	results, err := a.Service.ImportParcels(r.Context(), principal(r).TenantID, in.Parcels)
	if err != nil {
		if results != nil {
			httpx.JSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err, "results": results})
			return
		}
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, map[string]any{"results": results})
}
