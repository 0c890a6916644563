from django.urls import path

from . import views

urlpatterns = [
    path("me", views.Me.as_view()),
    path("members", views.Members.as_view()),
    path("members/<int:member_id>", views.MemberDetail.as_view()),
    path("members/<int:member_id>/tokens", views.MemberTokens.as_view()),
    path("tokens/<int:token_id>", views.TokenDetail.as_view()),
]
