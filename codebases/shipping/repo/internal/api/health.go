package api

import (
	"context"
	"net/http"
	"time"

	"shipping/internal/httpx"
)

// health says the process is up (liveness): it checks nothing else, so a database outage does
// not get every instance restarted.
func (a *API) health(w http.ResponseWriter, r *http.Request) {
	httpx.JSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_s": int(time.Since(a.Started).Seconds())})
}

// ready says whether this instance can serve traffic: the database must answer within
// READY_TIMEOUT_MS. A balancer stops sending requests to an instance that answers 503.
func (a *API) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), a.Config.ReadyTimeout)
	defer cancel()
	checks := map[string]string{}
	status := http.StatusOK
	if err := a.Pool.PingContext(ctx); err != nil {
		checks["database"] = "unavailable"
		status = http.StatusServiceUnavailable
	} else if _, err := a.Pool.ExecContext(ctx, `SELECT 1 FROM schema_migrations LIMIT 1`); err != nil {
		checks["database"] = "not migrated"
		status = http.StatusServiceUnavailable
	} else {
		checks["database"] = "ok"
	}
	word := "ready"
	if status != http.StatusOK {
		word = "unavailable"
	}
	httpx.JSON(w, status, map[string]any{"status": word, "checks": checks})
}
