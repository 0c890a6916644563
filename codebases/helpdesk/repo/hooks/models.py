"""Outgoing webhooks. Each event a ticket goes through becomes one Delivery row per subscribed
webhook, written in the same transaction as the change (the table is the outbox); the worker
sends them, retrying with backoff until one is accepted or the attempts run out."""

from __future__ import annotations

from django.db import models

EVENTS = ("ticket.created", "ticket.updated", "ticket.commented", "ticket.sla_breached")


class Webhook(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "webhooks"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Delivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    response_status = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "webhook_deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="deliveries_due_idx")]
