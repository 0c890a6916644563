package api

import (
	"net/http"
	"time"

	"shipping/internal/httpx"
	"shipping/internal/store"
)

// usage: GET /v1/usage?month=YYYY-MM (default: the current month, UTC) — what the tenant used
// in that calendar month.
func (a *API) usage(w http.ResponseWriter, r *http.Request) {
	now := time.Now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if raw := r.URL.Query().Get("month"); raw != "" {
		month, err := time.Parse("2006-01", raw)
		if err != nil {
			httpx.Fail(w, r, httpx.Invalid("month", "a month, YYYY-MM"))
			return
		}
		from = month
	}
	to := from.AddDate(0, 1, 0)
	u, err := store.TenantUsage(r.Context(), a.Pool, principal(r).TenantID, from, to)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, u)
}
