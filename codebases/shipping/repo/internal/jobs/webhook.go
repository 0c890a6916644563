package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"shipping/internal/store"
	"shipping/internal/webhooks"
)

// DeliverWebhook is the handler of webhook.deliver jobs: send the delivery, record the outcome.
func DeliverWebhook(pool *sql.DB, sender *webhooks.Sender) Handler {
	return func(ctx context.Context, raw json.RawMessage) error {
		var p webhooks.DeliverPayload
		if err := json.Unmarshal(raw, &p); err != nil {
			return Permanent{fmt.Errorf("payload: %w", err)}
		}
		d, err := store.GetDelivery(ctx, pool, p.DeliveryID)
		if errors.Is(err, store.ErrNotFound) {
			return Permanent{fmt.Errorf("delivery %d is gone", p.DeliveryID)}
		}
		if err != nil {
			return err
		}
		if d.Status == "delivered" {
			return nil // a retry of a job whose first run delivered but could not mark it done
		}
		ep, err := store.GetEndpoint(ctx, pool, d.EndpointID)
		if err != nil {
			return err
		}
		if !ep.Active {
			return store.MarkDelivery(ctx, pool, d.ID, "failed", "endpoint deactivated")
		}
		if err := sender.Send(ctx, ep, d); err != nil {
			if markErr := store.MarkDelivery(ctx, pool, d.ID, "pending", err.Error()); markErr != nil {
				return markErr
			}
			return err
		}
		return store.MarkDelivery(ctx, pool, d.ID, "delivered", "")
	}
}
