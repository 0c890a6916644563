package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"shipping/internal/logging"
)

func TestRequestIDIsTakenWhenWellFormedAndPutInTheContext(t *testing.T) {
	var seen string
	h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = logging.RequestID(r.Context())
	}))
	for header, keep := range map[string]bool{"abc-123": true, "": false, "has spaces": false} {
		req := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			req.Header.Set(RequestIDHeader, header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		echoed := rec.Header().Get(RequestIDHeader)
		if echoed == "" || echoed != seen || (keep && echoed != header) || (!keep && echoed == header) {
			t.Errorf("header %q: echoed %q, context %q", header, echoed, seen)
		}
	}
}

func TestRecoverTurnsAPanicInto500(t *testing.T) {
	h := Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
}
