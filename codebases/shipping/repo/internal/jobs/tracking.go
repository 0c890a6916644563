package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"shipping/internal/service"
)

// SyncTracking is the handler of tracking.sync jobs.
func SyncTracking(svc *service.Service) Handler {
	return func(ctx context.Context, raw json.RawMessage) error {
		var p service.TrackingSyncPayload
		if err := json.Unmarshal(raw, &p); err != nil || p.ShipmentID == 0 {
			return Permanent{fmt.Errorf("payload %s: %v", raw, err)}
		}
		return svc.SyncTracking(ctx, p)
	}
}
