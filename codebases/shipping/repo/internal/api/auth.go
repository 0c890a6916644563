package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"shipping/internal/auth"
	"shipping/internal/httpx"
	"shipping/internal/ratelimit"
	"shipping/internal/store"
)

// authenticate finds the request's key and its tenant. Clients that keep failing are refused
// (429) for the rest of the window, before their key is even looked at.
func (a *API) authenticate(r *http.Request) (auth.Principal, error) {
	client := ratelimit.ClientAddress(r)
	if over, wait := a.AuthFailures.Exceeded(client); over {
		return auth.Principal{}, &retryAfter{wait: wait}
	}
	key := auth.BearerToken(r.Header.Get("Authorization"))
	if key == "" {
		a.AuthFailures.Add(client)
		return auth.Principal{}, httpx.ErrUnauthorized
	}
	prefix, err := auth.ParseKey(key)
	if err != nil {
		a.AuthFailures.Add(client)
		return auth.Principal{}, httpx.ErrUnauthorized
	}
	row, err := store.APIKeyByPrefix(r.Context(), a.Pool, prefix)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (!auth.Matches(key, row.Hash) || row.RevokedAt != nil)) {
		a.AuthFailures.Add(client)
		return auth.Principal{}, httpx.ErrUnauthorized
	}
	if err != nil {
		return auth.Principal{}, err
	}
	if err := store.TouchAPIKey(r.Context(), a.Pool, row.ID); err != nil {
		slog.WarnContext(r.Context(), "could not stamp key use", "error", err.Error())
	}
	return auth.Principal{TenantID: row.TenantID, TenantSlug: row.TenantSlug, KeyID: row.ID, Role: row.Role}, nil
}

type retryAfter struct {
	wait interface{ Seconds() float64 }
}

func (e *retryAfter) Error() string { return "too many failed authentications" }

// require wraps a handler: the request must carry a valid key whose role has permission p.
func (a *API) require(p auth.Permission, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		principal, err := a.authenticate(r)
		var limited *retryAfter
		if errors.As(err, &limited) {
			w.Header().Set("Retry-After", strconv.Itoa(int(limited.wait.Seconds())+1))
			httpx.Fail(w, r, httpx.Errorf(http.StatusTooManyRequests, "rate_limited", "too many failed authentications"))
			return
		}
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		if !auth.Can(principal.Role, p) {
			httpx.Fail(w, r, httpx.ErrForbidden)
			return
		}
		h.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), principal)))
	})
}

func withPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return auth.WithPrincipal(ctx, p)
}

// principal is the authenticated caller (require has run).
func principal(r *http.Request) auth.Principal {
	p, _ := auth.FromContext(r.Context())
	return p
}
