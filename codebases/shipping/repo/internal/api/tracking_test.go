package api_test

import "testing"

func TestTrackingEventsMoveAShipmentAlongAndCancellingVoidsTheLabel(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	operator := e.key(admin, "operator")
	shipment := e.shipment(admin, e.parcel(admin, "T-1"))
	events := path("/v1/shipments", shipment) + "/events"
	if r := e.do(operator, "POST", events, map[string]any{"status": "picked_up"}, nil); r.status != 409 {
		t.Fatalf("tracking before a label: %d %s", r.status, r.body)
	}
	e.ok(e.do(operator, "POST", path("/v1/shipments", shipment)+"/label", nil, nil), 200, nil)
	var view struct {
		Status string
		Events []struct{ Status string }
	}
	e.ok(e.do(operator, "POST", events, map[string]any{"status": "picked_up", "location": "Depot"}, nil), 201, &view)
	if view.Status != "in_transit" || len(view.Events) != 1 {
		t.Fatalf("after pick-up: %+v", view)
	}
	if r := e.do(operator, "POST", path("/v1/shipments", shipment)+"/cancel", nil, nil); r.status != 409 {
		t.Fatalf("cancel in transit: %d", r.status)
	}
	e.ok(e.do(operator, "POST", events, map[string]any{"status": "delivered"}, nil), 201, &view)
	if view.Status != "delivered" {
		t.Fatalf("after delivery: %+v", view)
	}

	other := e.shipment(admin, e.parcel(admin, "T-2"))
	e.ok(e.do(operator, "POST", path("/v1/shipments", other)+"/label", nil, nil), 200, nil)
	var cancelled struct{ Status string }
	e.ok(e.do(operator, "POST", path("/v1/shipments", other)+"/cancel", nil, nil), 200, &cancelled)
	if cancelled.Status != "cancelled" {
		t.Fatalf("cancel: %+v", cancelled)
	}
	calls := e.carrier.Calls()
	if last := calls[len(calls)-1]; last.Path[len(last.Path)-5:] != "/void" {
		t.Fatalf("label not voided: %+v", last.Path)
	}
}
