from django.urls import path

from . import views

urlpatterns = [
    path("notifications", views.Notifications.as_view()),
    path("notifications/unread-count", views.UnreadCount.as_view()),
    path("notifications/read", views.MarkNotificationsRead.as_view()),
    path("notifications/preferences", views.Preferences.as_view()),
]
