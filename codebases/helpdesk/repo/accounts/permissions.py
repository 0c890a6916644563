"""Who may do what. Customers see and comment on their own tickets only; agents work every
ticket of their organisation; admins also manage members, tokens and webhooks."""

from __future__ import annotations

from rest_framework import permissions

from .models import Role


class IsMember(permissions.BasePermission):
    message = "Authentication credentials were not provided."

    def has_permission(self, request, view) -> bool:
        return request.user is not None and getattr(request.user, "is_authenticated", False)


class IsStaff(IsMember):
    message = "Only agents and admins may do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.role in {Role.ADMIN, Role.AGENT}


class IsAdmin(IsMember):
    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.role == Role.ADMIN


class StaffWritesOnly(IsMember):
    """Anyone in the organisation reads; agents and admins write."""

    message = "Only agents and admins may change this."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or request.user.role in {Role.ADMIN, Role.AGENT}
