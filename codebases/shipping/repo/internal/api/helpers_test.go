package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"shipping/internal/app"
	"shipping/internal/cli"
	"shipping/internal/config"
	"shipping/internal/testutil"
)

// env is one test's service: a migrated database, the API on a test server, a fake carrier.
type env struct {
	t       *testing.T
	pool    *sql.DB
	cfg     config.Config
	server  *httptest.Server
	carrier *testutil.Carrier
}

func newEnv(t *testing.T, tweak ...func(*config.Config)) *env {
	t.Helper()
	pool := testutil.Database(t)
	carrier := testutil.NewCarrier(t)
	cfg := config.Config{
		CarrierURL: carrier.URL, CarrierTimeout: 2 * time.Second, WebhookTimeout: 2 * time.Second,
		AuthFailureLimit: 50, AuthFailureWindow: time.Minute, WorkerID: "test-worker",
		WorkerPoll: 50 * time.Millisecond, WorkerBatch: 10, JobLease: 2 * time.Second,
		JobHeartbeat: 500 * time.Millisecond, JobMaxAttempts: 3, IdempotencyTTL: time.Hour,
		ReadyTimeout: time.Second, DefaultPageSize: 20, MaxPageSize: 100,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	server := httptest.NewServer(app.NewAPI(cfg, pool).Handler())
	t.Cleanup(server.Close)
	return &env{t: t, pool: pool, cfg: cfg, server: server, carrier: carrier}
}

// tenant makes a tenant and returns its admin key.
func (e *env) tenant(slug string) string {
	e.t.Helper()
	made, err := cli.CreateTenant(context.Background(), e.pool, slug, "Tenant "+slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return made.AdminKey
}

// key makes a key of role for the tenant of adminKey, through the API.
func (e *env) key(adminKey, role string) string {
	e.t.Helper()
	var made struct{ Key string }
	e.ok(e.do(adminKey, "POST", "/v1/api-keys", map[string]any{"name": role, "role": role}, nil), 201, &made)
	return made.Key
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(key, method, path string, body any, headers map[string]string) response {
	e.t.Helper()
	var reader io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.server.URL+path, reader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// ok checks the status and decodes the body into out (when not nil).
func (e *env) ok(r response, status int, out any) {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			e.t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

func (e *env) parcel(key, reference string) int64 {
	e.t.Helper()
	var p struct{ ID int64 }
	e.ok(e.do(key, "POST", "/v1/parcels", map[string]any{
		"reference": reference, "recipient_name": "Ada", "street": "1 Main St", "city": "Berlin",
		"postal_code": "10115", "country": "de", "weight_grams": 1200, "length_cm": 30, "width_cm": 20, "height_cm": 10,
	}, nil), 201, &p)
	return p.ID
}

func (e *env) shipment(key string, parcelID int64) int64 {
	e.t.Helper()
	var s struct{ ID int64 }
	e.ok(e.do(key, "POST", "/v1/shipments", map[string]any{"parcel_id": parcelID, "service_level": "express"}, nil), 201, &s)
	return s.ID
}

func quietLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func path(format string, id int64) string {
	return format + "/" + itoa(id)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
