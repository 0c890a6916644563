from __future__ import annotations

from rest_framework import serializers

from .models import EVENTS, Delivery, Webhook


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS), min_length=1)

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "event", "event_id", "status", "attempts", "next_attempt_at", "last_error",
                  "response_status", "created_at", "delivered_at"]
