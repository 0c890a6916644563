package webhooks

import (
	"testing"
	"time"
)

func TestSignaturesVerifyAndExpire(t *testing.T) {
	secret := NewSecret()
	body := []byte(`{"type":"shipment.created"}`)
	now := time.Unix(1_800_000_000, 0)
	header := Sign(secret, now, body)
	if err := Verify(secret, header, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if Verify(secret, header, []byte(`{}`), now, time.Minute) == nil {
		t.Fatal("another body verified")
	}
	if Verify("whsec_other", header, body, now, time.Minute) == nil {
		t.Fatal("another secret verified")
	}
	if Verify(secret, header, body, now.Add(time.Hour), 5*time.Minute) == nil {
		t.Fatal("an old signature verified")
	}
	if Verify(secret, "v1=abc", body, now, time.Minute) == nil {
		t.Fatal("a malformed header verified")
	}
}

func TestKnownEvents(t *testing.T) {
	for _, e := range []string{ShipmentCreated, ShipmentLabelPurchased, ShipmentTracking, ShipmentCancelled, "*"} {
		if !KnownEvent(e) {
			t.Errorf("%s unknown", e)
		}
	}
	if KnownEvent("parcel.eaten") {
		t.Error("made-up event known")
	}
}
