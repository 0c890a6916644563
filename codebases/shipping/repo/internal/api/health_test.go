package api_test

import "testing"

func TestHealthAndReadinessAndRequestIDs(t *testing.T) {
	e := newEnv(t)
	e.ok(e.do("", "GET", "/health", nil, nil), 200, nil)
	var ready struct {
		Status string
		Checks map[string]string
	}
	e.ok(e.do("", "GET", "/ready", nil, nil), 200, &ready)
	if ready.Status != "ready" || ready.Checks["database"] != "ok" {
		t.Fatalf("ready: %+v", ready)
	}
	r := e.do("", "GET", "/health", nil, map[string]string{"X-Request-Id": "abc-123"})
	if r.header.Get("X-Request-Id") != "abc-123" {
		t.Fatalf("request id not echoed: %v", r.header)
	}
	if r := e.do("", "GET", "/nowhere", nil, nil); r.status != 404 || r.header.Get("X-Request-Id") == "" {
		t.Fatalf("unknown path: %d", r.status)
	}
}
