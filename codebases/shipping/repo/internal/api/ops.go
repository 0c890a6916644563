package api

import (
	"net/http"
	"strconv"
	"time"

	"shipping/internal/httpx"
	"shipping/internal/store"
)

func (a *API) quoteParcel(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	quotes, err := a.Service.QuoteParcel(r.Context(), principal(r).TenantID, id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"data": quotes})
}

func (a *API) closeManifest(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Carrier string `json:"carrier"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	m, err := a.Service.CloseManifest(r.Context(), principal(r).TenantID, in.Carrier)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, m)
}

func (a *API) listManifests(w http.ResponseWriter, r *http.Request) {
	list, err := store.ListManifests(r.Context(), a.Pool, principal(r).TenantID, a.Config.MaxPageSize)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"data": list})
}

// volumeReport: GET /v1/reports/volume?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive, at most a
// year; default the last 30 days).
func (a *API) volumeReport(w http.ResponseWriter, r *http.Request) {
	to := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	from := to.AddDate(0, 0, -30)
	var err error
	if raw := r.URL.Query().Get("from"); raw != "" {
		if from, err = time.Parse(time.DateOnly, raw); err != nil {
			httpx.Fail(w, r, httpx.Invalid("from", "a date, YYYY-MM-DD"))
			return
		}
	}
	if raw := r.URL.Query().Get("to"); raw != "" {
		if to, err = time.Parse(time.DateOnly, raw); err != nil {
			httpx.Fail(w, r, httpx.Invalid("to", "a date, YYYY-MM-DD"))
			return
		}
	}
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		httpx.Fail(w, r, httpx.Invalid("to", "after from, at most a year later"))
		return
	}
	rows, err := store.ShipmentVolume(r.Context(), a.Pool, principal(r).TenantID, from, to)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly), "data": rows})
}

func (a *API) auditLog(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if raw := r.URL.Query().Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > a.Config.MaxPageSize {
			httpx.Fail(w, r, httpx.Invalid("limit", "from 1 to "+strconv.Itoa(a.Config.MaxPageSize)))
			return
		}
		limit = n
	}
	entries, err := store.AuditLog(r.Context(), a.Pool, principal(r).TenantID, limit)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"data": entries})
}
