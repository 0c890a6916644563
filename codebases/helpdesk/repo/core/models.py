"""Idempotency keys: a retried POST with the same key gets the first answer, not a second ticket."""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "idempotency_keys"
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="idempotency_member_key_uniq")]
