from django.urls import path

from . import audit, companies, invitations, organization, views

urlpatterns = [
    path("me", views.Me.as_view()),
    path("organization", organization.OrganizationDetail.as_view()),
    path("sla-policies", organization.SlaPolicies.as_view()),
    path("audit", audit.AuditLog.as_view()),
    path("companies", companies.Companies.as_view()),
    path("invitations", invitations.Invitations.as_view()),
    path("invitations/accept", invitations.AcceptInvitation.as_view()),
    path("members", views.Members.as_view()),
    path("members/<int:member_id>", views.MemberDetail.as_view()),
    path("members/<int:member_id>/tokens", views.MemberTokens.as_view()),
    path("tokens/<int:token_id>", views.TokenDetail.as_view()),
]
