package config

import (
	"testing"
	"time"
)

func TestLoadReadsTheEnvironment(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://x")
	t.Setenv("CARRIER_TIMEOUT_MS", "1500")
	t.Setenv("CARRIER_URL", "http://carrier/")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.CarrierTimeout != 1500*time.Millisecond || c.CarrierURL != "http://carrier" || c.Port != 8080 {
		t.Fatalf("%+v", c)
	}
	t.Setenv("PORT", "eighty")
	if _, err := Load(); err == nil {
		t.Fatal("a bad number accepted")
	}
}

func TestLoadNeedsADatabaseAndASaneLease(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	if _, err := Load(); err == nil {
		t.Fatal("no DATABASE_URL accepted")
	}
	t.Setenv("DATABASE_URL", "postgres://x")
	t.Setenv("JOB_LEASE_MS", "1000")
	t.Setenv("JOB_HEARTBEAT_MS", "1000")
	if _, err := Load(); err == nil {
		t.Fatal("heartbeat as long as the lease accepted")
	}
}
