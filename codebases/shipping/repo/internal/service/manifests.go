package service

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shipping/internal/db"
	"shipping/internal/httpx"
	"shipping/internal/store"
)

// CloseManifest hands the tenant's labelled shipments of a carrier over in one manifest.
func (s *Service) CloseManifest(ctx context.Context, tenantID int64, carrier string) (store.Manifest, error) {
	carrier = strings.TrimSpace(carrier)
	if carrier == "" {
		return store.Manifest{}, httpx.Invalid("carrier", "required")
	}
	var m store.Manifest
	err := db.InTx(ctx, s.Pool, func(tx *sql.Tx) error {
		var err error
		m, err = store.CloseManifest(ctx, tx, tenantID, carrier)
		if errors.Is(err, store.ErrNotFound) {
			return conflict("nothing_to_manifest", "no labelled shipments of %s wait for a manifest", carrier)
		}
		return err
	})
	return m, err
}
