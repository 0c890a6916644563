from django.urls import path

from . import views

urlpatterns = [
    path("webhooks", views.Webhooks.as_view()),
    path("webhooks/<int:hook_id>", views.WebhookDetail.as_view()),
    path("webhooks/<int:hook_id>/deliveries", views.Deliveries.as_view()),
]
