// Package service is the shipping business logic between the HTTP handlers and the store:
// what a request may change, in which transaction, and which events it emits.
package service

import (
	"database/sql"
	"errors"
	"net/http"

	"shipping/internal/carrier"
	"shipping/internal/httpx"
	"shipping/internal/store"
)

// Service holds what the operations need.
type Service struct {
	Pool           *sql.DB
	Carrier        *carrier.Client
	JobMaxAttempts int
}

// apiError maps store errors to API errors (anything else stays an internal error).
func apiError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return httpx.ErrNotFound
	}
	return err
}

func conflict(code, format string, args ...any) error {
	return httpx.Errorf(http.StatusConflict, code, format, args...)
}
