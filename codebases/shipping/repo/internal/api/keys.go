package api

import (
	"net/http"

	"shipping/internal/httpx"
	"shipping/internal/store"
)

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	tenant, err := store.GetTenant(r.Context(), a.Pool, p.TenantID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"tenant": tenant, "key_id": p.KeyID, "role": p.Role})
}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := store.ListAPIKeys(r.Context(), a.Pool, principal(r).TenantID)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if keys == nil {
		keys = []store.APIKey{}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"data": keys})
}

func (a *API) createKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	made, err := a.Service.CreateKey(r.Context(), principal(r), in.Name, in.Role)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusCreated, made)
}

func (a *API) revokeKey(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	k, err := a.Service.RevokeKey(r.Context(), principal(r), id)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, k)
}
