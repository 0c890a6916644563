package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"shipping/internal/store"
)

// Sender posts deliveries to their endpoints.
type Sender struct {
	HTTP *http.Client
	Now  func() time.Time
}

// NewSender makes a sender whose requests give up after timeout.
func NewSender(timeout time.Duration) *Sender {
	return &Sender{HTTP: &http.Client{Timeout: timeout}, Now: time.Now}
}

// Send posts a delivery's payload, signed; an error means the endpoint did not take it (not a
// 2xx, or no answer) and the delivery should be retried.
func (s *Sender) Send(ctx context.Context, ep store.WebhookEndpoint, d store.WebhookDelivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "shipping-webhooks/1")
	req.Header.Set("X-Shipping-Event", d.EventType)
	req.Header.Set("X-Shipping-Delivery", "evt_"+itoa(d.ID))
	req.Header.Set(SignatureHeader, Sign(ep.Secret, s.Now(), d.Payload))
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("post to endpoint: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("endpoint answered %d", resp.StatusCode)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
