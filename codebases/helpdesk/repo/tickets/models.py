"""Tickets and what hangs off them: comments (public or internal notes), tags, attachment
metadata, an activity trail, and saved views (named filters)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from core import clock


class Status(models.TextChoices):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Tag(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tags"
        constraints = [models.UniqueConstraint("org", Lower("name"), name="tags_org_lower_name_uniq")]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="tickets")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    requester = models.ForeignKey("accounts.Member", on_delete=models.PROTECT, related_name="requested")
    assignee = models.ForeignKey("accounts.Member", on_delete=models.SET_NULL, null=True, related_name="assigned")
    tags = models.ManyToManyField(Tag, through="TicketTag", related_name="tickets")
    due_at = models.DateTimeField(null=True)
    escalated_at = models.DateTimeField(null=True)
    resolved_at = models.DateTimeField(null=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tickets"
        constraints = [models.UniqueConstraint(fields=["org", "number"], name="tickets_org_number_uniq")]
        indexes = [
            models.Index(fields=["org", "status", "-id"], name="tickets_org_status_idx"),
            models.Index(fields=["org", "requester", "-id"], name="tickets_org_requester_idx"),
            models.Index(fields=["due_at"], name="tickets_due_idx", condition=models.Q(escalated_at__isnull=True)),
        ]


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        db_table = "ticket_tags"
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tags_uniq")]


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("accounts.Member", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "comments"
        indexes = [models.Index(fields=["ticket", "id"], name="comments_ticket_idx")]


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, related_name="attachments")
    uploaded_by = models.ForeignKey("accounts.Member", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "attachments"


class Activity(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey("accounts.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ticket_activity"


class SavedView(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="views")
    owner = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="views")
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "saved_views"
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_views_owner_name_uniq")]
