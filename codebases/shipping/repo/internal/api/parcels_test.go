package api_test

import (
	"fmt"
	"testing"
)

func TestParcelsAreCreatedValidatedAndListedWithTheirLatestShipment(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	first := e.parcel(admin, "ORD-1")
	second := e.parcel(admin, "ORD-2")
	shipped := e.shipment(admin, first)

	var page struct {
		Data []struct {
			ID        int64
			Reference string
			Country   string
			Shipment  *struct {
				ID     int64
				Status string
			}
		}
		NextCursor *string `json:"next_cursor"`
	}
	e.ok(e.do(admin, "GET", "/v1/parcels", nil, nil), 200, &page)
	if len(page.Data) != 2 || page.Data[0].ID != second || page.Data[1].ID != first {
		t.Fatalf("listing: %+v", page.Data)
	}
	if page.Data[0].Shipment != nil || page.Data[1].Shipment == nil || page.Data[1].Shipment.ID != shipped {
		t.Fatalf("latest shipments: %+v", page.Data)
	}
	if page.Data[1].Country != "DE" || page.NextCursor != nil {
		t.Fatalf("country normalised, one page: %+v", page)
	}

	bad := e.do(admin, "POST", "/v1/parcels", map[string]any{"reference": "x", "weight_grams": 0}, nil)
	if bad.status != 422 {
		t.Fatalf("invalid parcel: %d %s", bad.status, bad.body)
	}
}

func TestParcelListingPagesByCursorAndFindsByReference(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	for i := 0; i < 7; i++ {
		e.parcel(admin, fmt.Sprintf("REF-%d", i))
	}
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		var page struct {
			Data       []struct{ ID int64 }
			NextCursor *string `json:"next_cursor"`
		}
		url := "/v1/parcels?limit=3"
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		e.ok(e.do(admin, "GET", url, nil, nil), 200, &page)
		for _, p := range page.Data {
			if seen[p.ID] {
				t.Fatalf("parcel %d twice", p.ID)
			}
			seen[p.ID] = true
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
		if pages > 5 {
			t.Fatal("too many pages")
		}
	}
	if len(seen) != 7 {
		t.Fatalf("saw %d parcels", len(seen))
	}
	var found struct{ Data []struct{ Reference string } }
	e.ok(e.do(admin, "GET", "/v1/parcels?reference=REF-4", nil, nil), 200, &found)
	if len(found.Data) != 1 || found.Data[0].Reference != "REF-4" {
		t.Fatalf("by reference: %+v", found)
	}
	if r := e.do(admin, "GET", "/v1/parcels?limit=0", nil, nil); r.status != 422 {
		t.Fatalf("limit=0: %d", r.status)
	}
	if r := e.do(admin, "GET", "/v1/parcels?cursor=nonsense", nil, nil); r.status != 422 {
		t.Fatalf("bad cursor: %d", r.status)
	}
}
