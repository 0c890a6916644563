// Package api is the HTTP API: routes (net/http's method and path patterns), authentication,
// and handlers that decode, call the service and encode.
package api

import (
	"database/sql"
	"net/http"
	"time"

	"shipping/internal/auth"
	"shipping/internal/config"
	"shipping/internal/httpx"
	"shipping/internal/idempotency"
	"shipping/internal/metrics"
	"shipping/internal/ratelimit"
	"shipping/internal/service"
)

// API holds what the handlers need.
type API struct {
	Pool         *sql.DB
	Service      *service.Service
	Config       config.Config
	AuthFailures *ratelimit.Limiter
	Metrics      *metrics.Registry
	Started      time.Time
}

// Handler is the whole API with its middleware.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	idem := idempotency.Middleware{Pool: a.Pool}
	h := func(f http.HandlerFunc) http.Handler { return f }

	mux.Handle("GET /health", h(a.health))
	mux.Handle("GET /ready", h(a.ready))

	mux.Handle("GET /v1/me", a.require(auth.ParcelsRead, h(a.me)))

	mux.Handle("GET /v1/api-keys", a.require(auth.KeysManage, h(a.listKeys)))
	mux.Handle("POST /v1/api-keys", a.require(auth.KeysManage, h(a.createKey)))
	mux.Handle("DELETE /v1/api-keys/{id}", a.require(auth.KeysManage, h(a.revokeKey)))

	mux.Handle("GET /v1/parcels", a.require(auth.ParcelsRead, h(a.listParcels)))
	mux.Handle("POST /v1/parcels", a.require(auth.ParcelsWrite, idem.Wrap(h(a.createParcel))))
	mux.Handle("POST /v1/parcels/batch", a.require(auth.ParcelsWrite, h(a.importParcels)))
	mux.Handle("GET /v1/parcels/{id}", a.require(auth.ParcelsRead, h(a.getParcel)))

	mux.Handle("GET /v1/shipments", a.require(auth.ShipmentsRead, h(a.listShipments)))
	mux.Handle("POST /v1/shipments", a.require(auth.ShipmentsWrite, idem.Wrap(h(a.createShipment))))
	mux.Handle("GET /v1/shipments/export.csv", a.require(auth.ShipmentsRead, h(a.exportShipments)))
	mux.Handle("GET /v1/shipments/{id}", a.require(auth.ShipmentsRead, h(a.getShipment)))
	mux.Handle("POST /v1/shipments/{id}/label", a.require(auth.LabelsBuy, idem.Wrap(h(a.buyLabel))))
	mux.Handle("POST /v1/shipments/{id}/cancel", a.require(auth.ShipmentsWrite, h(a.cancelShipment)))
	mux.Handle("POST /v1/shipments/{id}/events", a.require(auth.TrackingWrite, h(a.addTrackingEvent)))
	mux.Handle("GET /v1/usage", a.require(auth.ShipmentsRead, h(a.usage)))
	mux.Handle("GET /v1/webhooks/{id}", a.require(auth.WebhooksManage, h(a.getEndpoint)))

	mux.Handle("GET /v1/webhooks", a.require(auth.WebhooksManage, h(a.listEndpoints)))
	mux.Handle("POST /v1/webhooks", a.require(auth.WebhooksManage, h(a.createEndpoint)))
	mux.Handle("DELETE /v1/webhooks/{id}", a.require(auth.WebhooksManage, h(a.deleteEndpoint)))
	mux.Handle("GET /v1/webhooks/{id}/deliveries", a.require(auth.WebhooksManage, h(a.listDeliveries)))
	mux.Handle("POST /v1/webhook-deliveries/{id}/redeliver", a.require(auth.WebhooksManage, h(a.redeliver)))

	mux.Handle("GET /v1/parcels/{id}/quotes", a.require(auth.ParcelsRead, h(a.quoteParcel)))
	mux.Handle("GET /v1/manifests", a.require(auth.ShipmentsRead, h(a.listManifests)))
	mux.Handle("POST /v1/manifests", a.require(auth.LabelsBuy, h(a.closeManifest)))
	mux.Handle("GET /v1/reports/volume", a.require(auth.ShipmentsRead, h(a.volumeReport)))
	mux.Handle("GET /v1/audit-log", a.require(auth.KeysManage, h(a.auditLog)))
	mux.Handle("GET /metrics", a.Metrics.Handler())

	mux.Handle("/", h(func(w http.ResponseWriter, r *http.Request) { httpx.Fail(w, r, httpx.ErrNotFound) }))

	return httpx.Chain(mux, httpx.Recover, httpx.RequestID, httpx.AccessLog, a.Metrics.Middleware)
}
