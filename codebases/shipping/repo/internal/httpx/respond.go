// Package httpx holds the HTTP plumbing every handler shares: JSON in and out, the error
// format, and the middleware (request ids, access logs, panics).
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// MaxBody is the largest request body accepted (bytes).
const MaxBody = 1 << 20

// Error is an API error: an HTTP status, a stable machine-readable code and a message.
type Error struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Errorf makes an API error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Common errors.
var (
	ErrNotFound     = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	ErrUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "a valid API key is required"}
	ErrForbidden    = &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "this key's role may not do that"}
)

// Invalid is a 422 naming the field at fault.
func Invalid(field, message string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: field + ": " + message,
		Details: map[string]any{"field": field}}
}

// JSON writes v with the status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// Fail writes err as the API's error body; anything but an *Error is a logged 500.
func Fail(w http.ResponseWriter, r *http.Request, err error) {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		slog.ErrorContext(r.Context(), "request failed", "error", err.Error(), "path", r.URL.Path)
		apiErr = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
	}
	JSON(w, apiErr.Status, map[string]any{"error": apiErr})
}

// Decode reads a JSON body into v, refusing unknown fields and oversized bodies.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return Errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return Errorf(http.StatusRequestEntityTooLarge, "too_large", "body over %d bytes", MaxBody)
		case errors.Is(err, io.EOF):
			return Errorf(http.StatusBadRequest, "bad_json", "empty body")
		default:
			return Errorf(http.StatusBadRequest, "bad_json", "malformed JSON: %v", err)
		}
	}
	if dec.More() {
		return Errorf(http.StatusBadRequest, "bad_json", "one JSON value expected")
	}
	return nil
}
