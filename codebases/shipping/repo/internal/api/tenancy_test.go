package api_test

import "testing"

func TestTenantsNeverSeeEachOthersParcelsOrShipments(t *testing.T) {
	e := newEnv(t)
	acme := e.tenant("acme")
	globex := e.tenant("globex")
	parcel := e.parcel(acme, "A-1")
	shipment := e.shipment(acme, parcel)

	for _, p := range []string{path("/v1/parcels", parcel), path("/v1/shipments", shipment)} {
		if r := e.do(globex, "GET", p, nil, nil); r.status != 404 {
			t.Fatalf("GET %s as another tenant: %d %s", p, r.status, r.body)
		}
	}
	if r := e.do(globex, "POST", path("/v1/shipments", shipment)+"/cancel", nil, nil); r.status != 404 {
		t.Fatalf("cancel as another tenant: %d", r.status)
	}
	if r := e.do(globex, "POST", "/v1/shipments", map[string]any{"parcel_id": parcel}, nil); r.status != 422 {
		t.Fatalf("shipping another tenant's parcel: %d %s", r.status, r.body)
	}
	var list struct{ Data []any }
	e.ok(e.do(globex, "GET", "/v1/shipments", nil, nil), 200, &list)
	if len(list.Data) != 0 {
		t.Fatalf("globex lists %d shipments", len(list.Data))
	}
}
