"""Every route of the service: operations probes, the operators' API and the tenants' API."""

from django.urls import include, path

from core import health, openapi
from accounts import admin_api

urlpatterns = [
    path("health", health.health),
    path("ready", health.ready),
    path("metrics", health.metrics),
    path("openapi.json", openapi.openapi),
    path("admin/organizations", admin_api.CreateOrganization.as_view()),
    path("v1/", include("accounts.urls")),
    path("v1/", include("tickets.urls")),
    path("v1/", include("hooks.urls")),
    path("v1/", include("kb.urls")),
    path("v1/", include("notifications.urls")),
]
