"""In-app notifications: what happened to a member's tickets since they last looked, and which
kinds each member wants to hear about."""

from __future__ import annotations

from django.db import models

KINDS = ("assigned", "commented", "replied", "escalated", "status_changed")


class Notification(models.Model):
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    read_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "notifications"
        indexes = [models.Index(fields=["member", "read_at", "-id"], name="notifications_member_idx")]


class Preference(models.Model):
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="preferences")
    kind = models.CharField(max_length=30)
    enabled = models.BooleanField(default=True)

    class Meta:
        db_table = "notification_preferences"
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="preferences_member_kind_uniq")]
