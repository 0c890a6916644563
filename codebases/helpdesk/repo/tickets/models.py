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


class Macro(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="macros")
    created_by = models.ForeignKey("accounts.Member", on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=100)
    reply = models.TextField(blank=True, default="")
    internal = models.BooleanField(default=False)
    actions = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "macros"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="macros_org_name_uniq")]


class Rating(models.Model):
    """A customer's satisfaction rating of a resolved ticket (one per ticket, changeable)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    remark = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ticket_ratings"
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="ratings_score_1_5")]


class SlaPolicy(models.Model):
    """An organisation's own SLA hours for one priority (settings.SLA_HOURS otherwise)."""

    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.CharField(max_length=20, choices=Priority.choices)
    hours = models.PositiveIntegerField()

    class Meta:
        db_table = "sla_policies"
        constraints = [models.UniqueConstraint(fields=["org", "priority"], name="sla_policies_org_priority_uniq")]


class Follower(models.Model):
    """A member copied on a ticket: they hear about its replies and status changes too."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="following")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ticket_followers"
        constraints = [models.UniqueConstraint(fields=["ticket", "member"], name="ticket_followers_uniq")]


class TimeEntry(models.Model):
    """Time an agent spent on a ticket, for billing customers by the hour."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    agent = models.ForeignKey("accounts.Member", on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True, default="")
    billable = models.BooleanField(default=True)
    spent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "time_entries"
        indexes = [models.Index(fields=["ticket", "spent_on"], name="time_entries_ticket_idx")]


class FieldType(models.TextChoices):
    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    FLAG = "flag"


class CustomField(models.Model):
    """A field of the organisation's own on its tickets ("Order number", "Plan")."""

    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="custom_fields")
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=20, choices=FieldType.choices)
    choices = models.JSONField(default=list)
    customer_visible = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "custom_fields"
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="custom_fields_org_key_uniq")]


class FieldValue(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="field_values")
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    value = models.JSONField()

    class Meta:
        db_table = "custom_field_values"
        constraints = [models.UniqueConstraint(fields=["ticket", "field"], name="custom_field_values_uniq")]
