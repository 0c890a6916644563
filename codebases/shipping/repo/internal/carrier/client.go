// Package carrier talks to the carrier's HTTP API: buying a shipping label, voiding one.
package carrier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Errors the service maps to its own answers.
var (
	ErrTimeout     = errors.New("the carrier did not answer in time")
	ErrUnavailable = errors.New("the carrier failed")
)

// RejectedError is the carrier refusing the request (a 4xx): retrying will not help.
type RejectedError struct {
	Status  int
	Message string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("carrier rejected the request (%d): %s", e.Status, e.Message)
}

// Address is where a parcel goes.
type Address struct {
	Name       string `json:"name"`
	Street     string `json:"street"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// LabelRequest asks for a label for one parcel.
type LabelRequest struct {
	Reference    string  `json:"reference"`
	ServiceLevel string  `json:"service_level"`
	WeightGrams  int     `json:"weight_grams"`
	Dimensions   [3]int  `json:"dimensions_cm"`
	To           Address `json:"to"`
}

// Label is what the carrier sells.
type Label struct {
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
	LabelURL       string `json:"label_url"`
	PriceCents     int    `json:"price_cents"`
}

// Client calls the carrier at BaseURL; every call is bounded by Timeout.
type Client struct {
	BaseURL string
	Timeout time.Duration
	HTTP    *http.Client
}

// New makes a client whose calls give up after timeout.
func New(baseURL string, timeout time.Duration) *Client {
	return &Client{BaseURL: baseURL, Timeout: timeout, HTTP: &http.Client{Timeout: timeout}}
}

// BuyLabel buys a label. idempotencyKey lets the carrier recognise a retry of the same purchase
// (it must be the same for every attempt of one shipment's label).
func (c *Client) BuyLabel(ctx context.Context, req LabelRequest, idempotencyKey string) (Label, error) {
	var label Label
	err := c.post(ctx, "/v1/labels", req, idempotencyKey, &label)
	if err == nil && (label.TrackingNumber == "" || label.LabelURL == "") {
		return label, fmt.Errorf("%w: label without tracking number or URL", ErrUnavailable)
	}
	return label, err
}

// VoidLabel cancels a label the carrier sold (a refund of its price).
func (c *Client) VoidLabel(ctx context.Context, trackingNumber string) error {
	return c.post(ctx, "/v1/labels/"+trackingNumber+"/void", struct{}{}, "void-"+trackingNumber, nil)
}

func (c *Client) post(ctx context.Context, path string, body any, idempotencyKey string, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idempotencyKey)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return fmt.Errorf("%w: %v", ErrTimeout, err)
		}
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return fmt.Errorf("%w: %v", ErrTimeout, err)
		}
		return fmt.Errorf("%w: reading the answer: %v", ErrUnavailable, err)
	}
	switch {
	case resp.StatusCode >= 500:
		return fmt.Errorf("%w: status %d", ErrUnavailable, resp.StatusCode)
	case resp.StatusCode >= 400:
		return &RejectedError{Status: resp.StatusCode, Message: message(raw)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%w: malformed answer: %v", ErrUnavailable, err)
	}
	return nil
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func message(raw []byte) string {
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		if body.Message != "" {
			return body.Message
		}
		if body.Error != "" {
			return body.Error
		}
	}
	if len(raw) > 200 {
		raw = raw[:200]
	}
	return string(raw)
}
