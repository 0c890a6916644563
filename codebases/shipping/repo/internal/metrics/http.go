package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// Names of the HTTP series.
const (
	RequestsTotal   = "http_requests_total"
	RequestDuration = "http_request_duration_seconds"
)

// Middleware counts requests and their durations by method, route pattern and status.
func (r *Registry) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		started := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, req)
		route := req.Pattern
		if route == "" {
			route = "unmatched"
		}
		status := strconv.Itoa(rec.status)
		r.Inc(RequestsTotal, "HTTP requests by method, route pattern and status.", 1,
			"method", req.Method, "route", route, "status", status)
		r.Observe(RequestDuration, "HTTP request durations in seconds by route pattern.",
			time.Since(started).Seconds(), "method", req.Method, "route", route)
	})
}

// Handler serves the registry (GET /metrics).
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_ = r.Write(w)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
