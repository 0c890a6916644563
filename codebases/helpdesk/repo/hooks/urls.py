from django.urls import path

from . import views

urlpatterns = [
    path("webhooks", views.Webhooks.as_view()),
    path("webhooks/<int:hook_id>", views.WebhookDetail.as_view()),
    path("webhooks/<int:hook_id>/deliveries", views.Deliveries.as_view()),
    path("webhooks/<int:hook_id>/rotate-secret", views.RotateSecret.as_view()),
    path("webhooks/<int:hook_id>/ping", views.Ping.as_view()),
    path("webhooks/<int:hook_id>/deliveries/<int:delivery_id>/redeliver", views.Redeliver.as_view()),
]
