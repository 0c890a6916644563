package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"shipping/internal/httpx"
	"shipping/internal/store"
)

// exportShipments streams the tenant's shipments as CSV (GET /v1/shipments/export.csv?status=),
// page by page, so a large tenant's export never sits in memory at once.
func (a *API) exportShipments(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	status := r.URL.Query().Get("status")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="shipments.csv"`)
	out := csv.NewWriter(w)
	_ = out.Write([]string{"id", "parcel_id", "service_level", "status", "carrier", "tracking_number", "price_cents", "created_at"})
	after := int64(0)
	for {
		rows, err := store.ListShipments(r.Context(), a.Pool, p.TenantID, store.ShipmentFilter{Status: status, After: after, Limit: 500})
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		page := httpx.MakePage(rows, 500, func(s store.Shipment) int64 { return s.ID })
		for _, s := range page.Data {
			_ = out.Write([]string{strconv.FormatInt(s.ID, 10), strconv.FormatInt(s.ParcelID, 10), s.ServiceLevel, s.Status,
				deref(s.Carrier), deref(s.TrackingNumber), intOrEmpty(s.PriceCents), s.CreatedAt.UTC().Format(time.RFC3339)})
			after = s.ID
		}
		out.Flush()
		if page.NextCursor == nil || out.Error() != nil {
			return
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func intOrEmpty(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}
