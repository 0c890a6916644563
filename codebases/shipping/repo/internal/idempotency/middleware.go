// Package idempotency makes POSTs safe to retry: a request sent again with the same
// Idempotency-Key gets the first one's answer instead of doing the work twice.
//
// A key is claimed before the handler runs (a concurrent duplicate gets 409). A success or a
// client error is stored and replayed; a server error (5xx: the carrier failed, a timeout)
// releases the key, because nothing was done and the client must be able to try again.
package idempotency

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"

	"database/sql"

	"shipping/internal/auth"
	"shipping/internal/httpx"
	"shipping/internal/store"
)

// Header is the request header carrying the key.
const Header = "Idempotency-Key"

// Middleware wraps the POST handlers that accept an Idempotency-Key.
type Middleware struct {
	Pool *sql.DB
}

// Wrap returns next made idempotent by key (requests without the header pass through).
func (m Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(Header)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 200 {
			httpx.Fail(w, r, httpx.Invalid(Header, "at most 200 characters"))
			return
		}
		p, ok := auth.FromContext(r.Context())
		if !ok {
			httpx.Fail(w, r, httpx.ErrUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
		if err != nil {
			httpx.Fail(w, r, httpx.Errorf(http.StatusRequestEntityTooLarge, "too_large", "body too large"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		hash := requestHash(r.Method, r.URL.Path, body)

		claimed, rec, err := store.ClaimIdempotencyKey(r.Context(), m.Pool, p.TenantID, key, r.Method, r.URL.Path, hash)
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		if !claimed {
			replay(w, r, rec, hash)
			return
		}

		buf := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(buf, r)
		// the request's context may be cancelled by now (client gone): finish the bookkeeping anyway
		ctx := contextWithoutCancel(r)
		if buf.status >= 500 {
			if err := store.ReleaseIdempotencyKey(ctx, m.Pool, p.TenantID, key); err != nil {
				slog.ErrorContext(ctx, "could not release idempotency key", "error", err.Error())
			}
		} else if err := store.CompleteIdempotencyKey(ctx, m.Pool, p.TenantID, key, buf.status, buf.body.Bytes()); err != nil {
			slog.ErrorContext(ctx, "could not store idempotent response", "error", err.Error())
		}
	})
}

func replay(w http.ResponseWriter, r *http.Request, rec store.IdempotencyRecord, hash string) {
	switch {
	case rec.State == "released":
		httpx.Fail(w, r, httpx.Errorf(http.StatusConflict, "idempotency_key_in_progress", "retry the request"))
	case rec.RequestHash != hash:
		httpx.Fail(w, r, httpx.Errorf(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was used for a different request"))
	case rec.State != "completed":
		httpx.Fail(w, r, httpx.Errorf(http.StatusConflict, "idempotency_key_in_progress",
			"a request with this Idempotency-Key is still being processed"))
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(rec.ResponseStatus)
		_, _ = w.Write(rec.ResponseBody)
	}
}

func requestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// recorder passes the response through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
