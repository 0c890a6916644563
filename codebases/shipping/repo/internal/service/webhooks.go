package service

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"

	"shipping/internal/auth"
	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// EndpointInput registers a webhook endpoint.
type EndpointInput struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// NewEndpoint is an endpoint just made, with its signing secret (shown once).
type NewEndpoint struct {
	store.WebhookEndpoint
	Secret string `json:"secret"`
}

// CreateEndpoint registers an endpoint for the tenant.
func (s *Service) CreateEndpoint(ctx context.Context, p auth.Principal, in EndpointInput) (NewEndpoint, error) {
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return NewEndpoint{}, httpx.Invalid("url", "an http(s) URL")
	}
	if len(in.Events) == 0 {
		return NewEndpoint{}, httpx.Invalid("events", "at least one event type")
	}
	for _, e := range in.Events {
		if !webhooks.KnownEvent(e) {
			return NewEndpoint{}, httpx.Invalid("events", "unknown event type "+e)
		}
	}
	secret := webhooks.NewSecret()
	var made NewEndpoint
	err = db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		ep, err := store.CreateEndpoint(ctx, tx, p.TenantID, u.String(), secret, in.Events)
		if err != nil {
			return err
		}
		made = NewEndpoint{WebhookEndpoint: ep, Secret: secret}
		return store.Audit(ctx, tx, p.TenantID, p.KeyID, "webhook.created", "webhook:"+strconv.FormatInt(ep.ID, 10),
			map[string]any{"url": ep.URL, "events": ep.Events})
	})
	return made, err
}

// DeactivateEndpoint stops deliveries to one of the tenant's endpoints, and audits it.
func (s *Service) DeactivateEndpoint(ctx context.Context, p auth.Principal, id int64) error {
	return db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		if err := store.DeactivateEndpoint(ctx, tx, p.TenantID, id); err != nil {
			return apiError(err)
		}
		return store.Audit(ctx, tx, p.TenantID, p.KeyID, "webhook.deactivated", "webhook:"+strconv.FormatInt(id, 10), struct{}{})
	})
}
