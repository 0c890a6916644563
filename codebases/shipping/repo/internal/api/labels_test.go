package api_test

import (
	"testing"
	"time"

	"shipping/internal/config"
)

func TestBuyingALabelRecordsTheCarriersAnswer(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	shipment := e.shipment(admin, e.parcel(admin, "L-1"))
	var bought struct {
		Status         string
		TrackingNumber string `json:"tracking_number"`
		PriceCents     int    `json:"price_cents"`
	}
	e.ok(e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil), 200, &bought)
	if bought.Status != "label_purchased" || bought.TrackingNumber == "" || bought.PriceCents != 795 {
		t.Fatalf("label: %+v", bought)
	}
	calls := e.carrier.Calls()
	if len(calls) != 1 || calls[0].Headers.Get("Idempotency-Key") == "" {
		t.Fatalf("carrier calls: %+v", calls)
	}
	if r := e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil); r.status != 409 {
		t.Fatalf("second label: %d", r.status)
	}
}

func TestACarrierFailureIs502AndTheShipmentStaysOpen(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	shipment := e.shipment(admin, e.parcel(admin, "L-2"))
	e.carrier.Set(503, 0)
	if r := e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil); r.status != 502 {
		t.Fatalf("carrier 503: %d %s", r.status, r.body)
	}
	var s struct{ Status string }
	e.ok(e.do(admin, "GET", path("/v1/shipments", shipment), nil, nil), 200, &s)
	if s.Status != "created" {
		t.Fatalf("status after a failed purchase: %s", s.Status)
	}
}

func TestASlowCarrierIsCutOffWith504(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.CarrierTimeout = 300 * time.Millisecond })
	admin := e.tenant("acme")
	shipment := e.shipment(admin, e.parcel(admin, "L-3"))
	e.carrier.Set(0, 5*time.Second)
	started := time.Now()
	r := e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, nil)
	if r.status != 504 || time.Since(started) > 3*time.Second {
		t.Fatalf("slow carrier: %d after %v", r.status, time.Since(started))
	}
}

func TestIdempotencyKeysReplayTheFirstAnswer(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	parcel := e.parcel(admin, "I-1")
	body := map[string]any{"parcel_id": parcel}
	hdr := map[string]string{"Idempotency-Key": "create-1"}
	first := e.do(admin, "POST", "/v1/shipments", body, hdr)
	again := e.do(admin, "POST", "/v1/shipments", body, hdr)
	if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) {
		t.Fatalf("replay: %d %s / %d %s", first.status, first.body, again.status, again.body)
	}
	if again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("replay not marked")
	}
	other := e.do(admin, "POST", "/v1/shipments", map[string]any{"parcel_id": parcel + 1000}, hdr)
	if other.status != 422 {
		t.Fatalf("key reused for another request: %d", other.status)
	}
}

func TestAFailedLabelPurchaseCanBeRetriedWithTheSameIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	shipment := e.shipment(admin, e.parcel(admin, "I-2"))
	hdr := map[string]string{"Idempotency-Key": "label-1"}
	e.carrier.Set(500, 0)
	if r := e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, hdr); r.status != 502 {
		t.Fatalf("first try: %d", r.status)
	}
	e.carrier.Set(0, 0)
	if r := e.do(admin, "POST", path("/v1/shipments", shipment)+"/label", nil, hdr); r.status != 200 {
		t.Fatalf("retry after the carrier recovered: %d %s", r.status, r.body)
	}
}
