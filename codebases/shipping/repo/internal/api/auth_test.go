package api_test

import (
	"testing"

	"shipping/internal/config"
)

func TestRolesDecideWhatAKeyMayDo(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	operator := e.key(admin, "operator")
	viewer := e.key(admin, "viewer")

	if r := e.do(viewer, "POST", "/v1/parcels", map[string]any{}, nil); r.status != 403 {
		t.Fatalf("viewer creates a parcel: %d", r.status)
	}
	if r := e.do(viewer, "GET", "/v1/parcels", nil, nil); r.status != 200 {
		t.Fatalf("viewer lists parcels: %d", r.status)
	}
	e.parcel(operator, "OP-1")
	for _, call := range []struct{ method, path string }{
		{"GET", "/v1/api-keys"}, {"POST", "/v1/api-keys"}, {"GET", "/v1/webhooks"},
	} {
		if r := e.do(operator, call.method, call.path, map[string]any{"name": "x", "role": "admin"}, nil); r.status != 403 {
			t.Fatalf("operator %s %s: %d %s", call.method, call.path, r.status, r.body)
		}
	}
}

func TestARevokedKeyStopsWorkingAndBadKeysAreRefused(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	var made struct {
		ID  int64
		Key string
	}
	e.ok(e.do(admin, "POST", "/v1/api-keys", map[string]any{"name": "temp", "role": "viewer"}, nil), 201, &made)
	e.ok(e.do(made.Key, "GET", "/v1/me", nil, nil), 200, nil)
	e.ok(e.do(admin, "DELETE", path("/v1/api-keys", made.ID), nil, nil), 200, nil)
	if r := e.do(made.Key, "GET", "/v1/me", nil, nil); r.status != 401 {
		t.Fatalf("revoked key: %d", r.status)
	}
	forged := made.Key[:13] + "0000000000000000000000000000000000000000"
	for _, key := range []string{"", "nonsense", forged} {
		if r := e.do(key, "GET", "/v1/me", nil, nil); r.status != 401 {
			t.Fatalf("key %q: %d", key, r.status)
		}
	}
}

func TestRepeatedAuthenticationFailuresAreRateLimited(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.AuthFailureLimit = 3 })
	admin := e.tenant("acme")
	for i := 0; i < 3; i++ {
		if r := e.do("shp_bad", "GET", "/v1/me", nil, nil); r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := e.do(admin, "GET", "/v1/me", nil, nil)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures: %d %v", r.status, r.header)
	}
}
