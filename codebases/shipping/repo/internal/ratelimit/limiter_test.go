package ratelimit

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestLimiterCountsPerKeyAndWindow(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(2, time.Minute)
	l.now = func() time.Time { return now }
	l.Add("a")
	if over, _ := l.Exceeded("a"); over {
		t.Fatal("over after 1")
	}
	l.Add("a")
	if over, wait := l.Exceeded("a"); !over || wait != time.Minute {
		t.Fatalf("after 2: %v %v", over, wait)
	}
	if over, _ := l.Exceeded("b"); over {
		t.Fatal("b limited by a")
	}
	now = now.Add(time.Minute)
	if over, _ := l.Exceeded("a"); over {
		t.Fatal("still limited in the next window")
	}
	if over, _ := New(0, time.Minute).Exceeded("a"); over {
		t.Fatal("disabled limiter limits")
	}
}

func TestClientAddressIsTheTCPPeer(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.7:41234"
	if got := ClientAddress(r); got != "192.0.2.7" {
		t.Fatalf("got %q", got)
	}
}
