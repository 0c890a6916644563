"""Tickets, comments and the rest as JSON, and the bodies the API accepts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import Attachment, Comment, Priority, SavedView, Status, Ticket

TAG_NAME = r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,49}$"


def person(member) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"id": member.id, "name": member.name, "email": member.email}


def ticket_fields(ticket: Ticket) -> dict[str, Any]:
    """What every representation of a ticket has."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "requester": person(ticket.requester),
        "assignee": person(ticket.assignee),
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "due_at": ticket.due_at,
        "escalated": ticket.escalated_at is not None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """A ticket in a list: needs `comment_count` annotated and tags, requester and assignee
    loaded with the page (tickets.queries.page)."""
    return {**ticket_fields(ticket), "comment_count": ticket.comment_count}


def ticket_detail(ticket: Ticket, *, public_comments: int, attachments: int) -> dict[str, Any]:
    return {
        **ticket_fields(ticket),
        "description": ticket.description,
        "comment_count": public_comments,
        "attachment_count": attachments,
        "resolved_at": ticket.resolved_at,
        "version": ticket.version,
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {"id": comment.id, "author": person(comment.author), "body": comment.body, "internal": comment.internal,
            "created_at": comment.created_at}


class TicketCreate(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    tags = serializers.ListField(child=serializers.RegexField(TAG_NAME), required=False, default=list, max_length=20)
    requester_id = serializers.IntegerField(required=False)


class TicketUpdate(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee_id = serializers.IntegerField(required=False, allow_null=True)


class CommentCreate(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(default=False)


class TagsChange(serializers.Serializer):
    add = serializers.ListField(child=serializers.RegexField(TAG_NAME), required=False, default=list, max_length=20)
    remove = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)


class AttachmentSerializer(serializers.ModelSerializer):
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")
    size_bytes = serializers.IntegerField(min_value=0, max_value=25 * 1024 * 1024)

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size_bytes", "sha256", "comment", "created_at"]
        read_only_fields = ["id", "comment", "created_at"]


class SavedViewSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedView
        fields = ["id", "name", "filters", "shared", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_filters(self, value: Any) -> dict[str, Any]:
        from .queries import FILTERS

        if not isinstance(value, dict):
            raise serializers.ValidationError("filters must be an object")
        unknown = set(value) - set(FILTERS)
        if unknown:
            raise serializers.ValidationError(f"unknown filters: {', '.join(sorted(unknown))}")
        return value
