"""Members and tokens as JSON."""

from __future__ import annotations

from rest_framework import serializers

from .models import ApiToken, Member, Organization, Role


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "plan", "created_at"]


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "email", "name", "role", "company", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class MemberCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=Role.choices)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MemberUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


class OrganizationCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=200)
    plan = serializers.ChoiceField(choices=["free", "standard", "enterprise"], default="standard")
    admin_email = serializers.EmailField()
    admin_name = serializers.CharField(max_length=200)
