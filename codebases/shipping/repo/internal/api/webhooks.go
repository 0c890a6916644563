package api

import (
	"net/http"

	"shipping/internal/httpx"
	"shipping/internal/service"
	"shipping/internal/store"
)

func (a *API) listEndpoints(w http.ResponseWriter, r *http.Request) {
	eps, err := store.ListEndpoints(r.Context(), a.Pool, principal(r).TenantID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"data": eps})
}

func (a *API) createEndpoint(w http.ResponseWriter, r *http.Request) {
	var in service.EndpointInput
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	ep, err := a.Service.CreateEndpoint(r.Context(), principal(r), in)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, ep)
}

func (a *API) deleteEndpoint(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if err := a.Service.DeactivateEndpoint(r.Context(), principal(r), id); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	page, err := httpx.ParsePage(r, a.Config.DefaultPageSize, a.Config.MaxPageSize)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	out, err := a.Service.ListDeliveries(r.Context(), principal(r).TenantID, id, page)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, out)
}

func (a *API) redeliver(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if err := a.Service.Redeliver(r.Context(), principal(r), id); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusAccepted, map[string]any{"status": "queued"})
}

// getEndpoint shows one of the tenant's endpoints with how its recent deliveries went.
func (a *API) getEndpoint(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	p := principal(r)
	ep, err := store.GetEndpoint(r.Context(), a.Pool, id)
	if err != nil || ep.TenantID != p.TenantID {
		httpx.Fail(w, r, httpx.ErrNotFound)
		return
	}
	recent, err := store.ListDeliveries(r.Context(), a.Pool, p.TenantID, id, 0, 20)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	counts := map[string]int{"pending": 0, "delivered": 0, "failed": 0}
	for _, d := range recent {
		counts[d.Status]++
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"endpoint": ep, "recent_deliveries": counts})
}
