"""Tenants and the people in them. Every row of the service belongs to one organisation; a
member is an admin, an agent (works tickets) or a customer (raises them); members call the API
with tokens whose secret is stored only as a SHA-256 digest."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin"
    AGENT = "agent"
    CUSTOMER = "customer"


class Organization(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    plan = models.CharField(max_length=20, default="standard")
    ticket_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organizations"

    def __str__(self) -> str:
        return self.slug


class Member(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    company = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "members"
        constraints = [models.UniqueConstraint(fields=["org", "email"], name="members_org_email_uniq")]

    # what DRF asks of request.user
    is_authenticated = True
    is_anonymous = False

    @property
    def is_staff_member(self) -> bool:
        return self.role in {Role.ADMIN, Role.AGENT}

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class ApiToken(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, default="default")
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "api_tokens"


class Invitation(models.Model):
    """An admin's invitation to join the organisation: accepted once, with its code, before it
    expires; accepting makes the member and their first token."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    code_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "invitations"


class AuditEntry(models.Model):
    """What admins did to the organisation's setup (members, tokens, webhooks, SLA hours)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=120, blank=True, default="")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "audit_entries"
        indexes = [models.Index(fields=["org", "-id"], name="audit_org_idx")]
