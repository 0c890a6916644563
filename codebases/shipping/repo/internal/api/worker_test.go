package api_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"shipping/internal/app"
	"shipping/internal/testutil"
	"shipping/internal/webhooks"
)

func TestEventsAreDeliveredSignedByTheWorker(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	receiver := testutil.NewReceiver(t)
	var ep struct {
		ID     int64
		Secret string
	}
	e.ok(e.do(admin, "POST", "/v1/webhooks", map[string]any{"url": receiver.URL, "events": []string{"shipment.created"}}, nil), 201, &ep)
	e.shipment(admin, e.parcel(admin, "W-1"))

	w := app.NewWorker(e.cfg, e.pool, quietLogger())
	if n, err := w.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	calls := receiver.Calls()
	if len(calls) != 1 {
		t.Fatalf("deliveries: %d", len(calls))
	}
	if err := webhooks.Verify(ep.Secret, calls[0].Headers.Get(webhooks.SignatureHeader), calls[0].Body, time.Now(), time.Minute); err != nil {
		t.Fatalf("signature: %v", err)
	}
	var env webhooks.Envelope
	if err := json.Unmarshal(calls[0].Body, &env); err != nil || env.Type != "shipment.created" {
		t.Fatalf("envelope: %s", calls[0].Body)
	}
	var status string
	_ = e.pool.QueryRow(`SELECT status FROM webhook_deliveries`).Scan(&status)
	if status != "delivered" {
		t.Fatalf("delivery status: %s", status)
	}
	var shown struct {
		Recent map[string]int `json:"recent_deliveries"`
	}
	e.ok(e.do(admin, "GET", path("/v1/webhooks", ep.ID), nil, nil), 200, &shown)
	if shown.Recent["delivered"] != 1 {
		t.Fatalf("endpoint: %+v", shown)
	}
}

func TestAJobLeftRunningByADeadWorkerIsTakenOverOnceItsLeaseRunsOut(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	receiver := testutil.NewReceiver(t)
	e.ok(e.do(admin, "POST", "/v1/webhooks", map[string]any{"url": receiver.URL, "events": []string{"*"}}, nil), 201, nil)
	e.shipment(admin, e.parcel(admin, "W-2"))
	// a worker claimed the job and died: its lease ran out a minute ago, no heartbeat since
	if _, err := e.pool.Exec(`UPDATE jobs SET status = 'running', locked_by = 'dead', attempts = 1,
		lease_until = now() - interval '1 minute', heartbeat_at = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	w := app.NewWorker(e.cfg, e.pool, quietLogger())
	if n, err := w.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	if len(receiver.Calls()) != 1 {
		t.Fatalf("deliveries: %d", len(receiver.Calls()))
	}
	var status, by string
	_ = e.pool.QueryRow(`SELECT status, locked_by FROM jobs`).Scan(&status, &by)
	if status != "done" || by != "test-worker" {
		t.Fatalf("job: %s by %s", status, by)
	}
}

func TestALiveWorkersJobIsLeftAlone(t *testing.T) {
	e := newEnv(t)
	admin := e.tenant("acme")
	receiver := testutil.NewReceiver(t)
	e.ok(e.do(admin, "POST", "/v1/webhooks", map[string]any{"url": receiver.URL, "events": []string{"*"}}, nil), 201, nil)
	e.shipment(admin, e.parcel(admin, "W-3"))
	if _, err := e.pool.Exec(`UPDATE jobs SET status = 'running', locked_by = 'alive', attempts = 1,
		lease_until = now() + interval '1 minute', heartbeat_at = now()`); err != nil {
		t.Fatal(err)
	}
	w := app.NewWorker(e.cfg, e.pool, quietLogger())
	if n, _ := w.Drain(context.Background()); n != 0 || len(receiver.Calls()) != 0 {
		t.Fatalf("took a leased job: %d", n)
	}
}
