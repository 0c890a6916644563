// Package config reads the service's settings from the environment, once, at start-up.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting the processes (server, worker, commands) read from the environment.
type Config struct {
	DatabaseURL       string
	Host              string
	Port              int
	LogLevel          string
	CarrierURL        string
	CarrierTimeout    time.Duration
	WebhookTimeout    time.Duration
	ShutdownTimeout   time.Duration
	AuthFailureLimit  int
	AuthFailureWindow time.Duration
	WorkerID          string
	WorkerPoll        time.Duration
	WorkerBatch       int
	JobLease          time.Duration
	JobHeartbeat      time.Duration
	JobMaxAttempts    int
	IdempotencyTTL    time.Duration
	DBMaxOpenConns    int
	ReadyTimeout      time.Duration
	DefaultPageSize   int
	MaxPageSize       int
}

// Load reads the environment; a malformed number is an error rather than a silent default.
func Load() (Config, error) {
	r := reader{}
	c := Config{
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		Host:              r.str("HOST", "0.0.0.0"),
		Port:              r.int("PORT", 8080),
		LogLevel:          r.str("LOG_LEVEL", "info"),
		CarrierURL:        strings.TrimRight(r.str("CARRIER_URL", "http://127.0.0.1:9"), "/"),
		CarrierTimeout:    r.millis("CARRIER_TIMEOUT_MS", 5000),
		WebhookTimeout:    r.millis("WEBHOOK_TIMEOUT_MS", 5000),
		ShutdownTimeout:   r.millis("SHUTDOWN_TIMEOUT_MS", 20000),
		AuthFailureLimit:  r.int("RATE_LIMIT_AUTH_FAILURES", 20),
		AuthFailureWindow: r.millis("RATE_LIMIT_WINDOW_MS", 60000),
		WorkerID:          r.str("WORKER_ID", defaultWorkerID()),
		WorkerPoll:        r.millis("WORKER_POLL_MS", 500),
		WorkerBatch:       r.int("WORKER_BATCH", 10),
		JobLease:          r.millis("JOB_LEASE_MS", 30000),
		JobHeartbeat:      r.millis("JOB_HEARTBEAT_MS", 10000),
		JobMaxAttempts:    r.int("JOB_MAX_ATTEMPTS", 5),
		IdempotencyTTL:    r.millis("IDEMPOTENCY_TTL_MS", 24*3600*1000),
		DBMaxOpenConns:    r.int("DB_MAX_OPEN_CONNS", 10),
		ReadyTimeout:      r.millis("READY_TIMEOUT_MS", 2000),
		DefaultPageSize:   r.int("PAGE_SIZE_DEFAULT", 20),
		MaxPageSize:       r.int("PAGE_SIZE_MAX", 100),
	}
	if r.err != nil {
		return Config{}, r.err
	}
	if c.DatabaseURL == "" {
		return Config{}, fmt.Errorf("DATABASE_URL is not set")
	}
	if c.JobHeartbeat >= c.JobLease {
		return Config{}, fmt.Errorf("JOB_HEARTBEAT_MS (%v) must be shorter than JOB_LEASE_MS (%v)", c.JobHeartbeat, c.JobLease)
	}
	return c, nil
}

// Addr is the server's listen address.
func (c Config) Addr() string { return fmt.Sprintf("%s:%d", c.Host, c.Port) }

func defaultWorkerID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "worker"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// reader collects the first parse error so Load can report it once.
type reader struct{ err error }

func (r *reader) str(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

func (r *reader) int(name string, fallback int) int {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		if r.err == nil {
			r.err = fmt.Errorf("%s: %q is not a non-negative integer", name, v)
		}
		return fallback
	}
	return n
}

func (r *reader) millis(name string, fallback int) time.Duration {
	return time.Duration(r.int(name, fallback)) * time.Millisecond
}
