package api_test

import (
	"strings"
	"testing"
)

func TestQuotesManifestsReportsAndTheAuditLog(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	parcel := e.parcel(admin, "O-1")
	var quotes struct {
		Data []struct {
			ServiceLevel string `json:"service_level"`
			TotalCents   int    `json:"total_cents"`
		}
	}
	e.ok(e.do(admin, "GET", path("/v1/parcels", parcel)+"/quotes", nil, nil), 200, &quotes)
	if len(quotes.Data) != 2 || quotes.Data[0].TotalCents >= quotes.Data[1].TotalCents {
		t.Fatalf("quotes: %+v", quotes)
	}
	shipment := e.shipment(admin, parcel)
	e.ok(e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil), 200, nil)
	var m struct {
		ShipmentCount int   `json:"shipment_count"`
		TotalCents    int64 `json:"total_cents"`
	}
	e.ok(e.do(admin, "POST", "/v1/manifests", map[string]any{"carrier": "fake-carrier"}, nil), 201, &m)
	if m.ShipmentCount != 1 || m.TotalCents != 795 {
		t.Fatalf("manifest: %+v", m)
	}
	if r := e.do(admin, "POST", "/v1/manifests", map[string]any{"carrier": "fake-carrier"}, nil); r.status != 409 {
		t.Fatalf("empty manifest: %d", r.status)
	}
	var report struct {
		Data []struct {
			Status    string
			Shipments int
		}
	}
	e.ok(e.do(admin, "GET", "/v1/reports/volume", nil, nil), 200, &report)
	if len(report.Data) != 1 || report.Data[0].Shipments != 1 || report.Data[0].Status != "label_purchased" {
		t.Fatalf("report: %+v", report)
	}
	e.key(admin, "viewer")
	var audit struct{ Data []struct{ Action string } }
	e.ok(e.do(admin, "GET", "/v1/audit-log", nil, nil), 200, &audit)
	if len(audit.Data) != 1 || audit.Data[0].Action != "api_key.created" {
		t.Fatalf("audit: %+v", audit)
	}
	metrics := e.do("", "GET", "/metrics", nil, nil)
	if !strings.Contains(string(metrics.body), `route="POST /v1/manifests",status="201"`) {
		t.Fatalf("metrics:\n%s", metrics.body)
	}
}

func TestBatchImportIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	good := map[string]any{"reference": "B-1", "recipient_name": "Ada", "street": "1 Main St", "city": "Berlin",
		"postal_code": "10115", "country": "DE", "weight_grams": 500, "length_cm": 10, "width_cm": 10, "height_cm": 10}
	bad := map[string]any{"reference": "B-2"}
	r := e.do(admin, "POST", "/v1/parcels/batch", map[string]any{"parcels": []any{good, bad}}, nil)
	if r.status != 422 || !strings.Contains(string(r.body), `"index":1`) {
		t.Fatalf("bad batch: %d %s", r.status, r.body)
	}
	var list struct{ Data []any }
	e.ok(e.do(admin, "GET", "/v1/parcels", nil, nil), 200, &list)
	if len(list.Data) != 0 {
		t.Fatalf("a refused batch imported %d parcels", len(list.Data))
	}
	e.ok(e.do(admin, "POST", "/v1/parcels/batch", map[string]any{"parcels": []any{good, good}}, nil), 201, nil)
	e.ok(e.do(admin, "GET", "/v1/parcels", nil, nil), 200, &list)
	if len(list.Data) != 2 {
		t.Fatalf("imported %d", len(list.Data))
	}
}

func TestUsageCountsTheMonth(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	shipment := e.shipment(admin, e.parcel(admin, "U-1"))
	e.parcel(admin, "U-2")
	e.ok(e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil), 200, nil)
	var u struct {
		ParcelsCreated    int            `json:"parcels_created"`
		ShipmentsByStatus map[string]int `json:"shipments_by_status"`
		LabelsBought      int            `json:"labels_bought"`
		LabelCents        int64          `json:"label_cents"`
		ActiveKeys        int            `json:"active_keys"`
	}
	e.ok(e.do(admin, "GET", "/v1/usage", nil, nil), 200, &u)
	if u.ParcelsCreated != 2 || u.ShipmentsByStatus["label_purchased"] != 1 || u.LabelsBought != 1 ||
		u.LabelCents != 795 || u.ActiveKeys != 1 {
		t.Fatalf("usage: %+v", u)
	}
	var old struct {
		ParcelsCreated int `json:"parcels_created"`
	}
	e.ok(e.do(admin, "GET", "/v1/usage?month=2001-01", nil, nil), 200, &old)
	if old.ParcelsCreated != 0 {
		t.Fatalf("January 2001: %+v", old)
	}
	if r := e.do(admin, "GET", "/v1/usage?month=January", nil, nil); r.status != 422 {
		t.Fatalf("bad month: %d", r.status)
	}
}
