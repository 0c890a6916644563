from __future__ import annotations

from rest_framework import serializers

from .models import Article, Category


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "position", "created_at"]
        read_only_fields = ["id", "created_at"]


class ArticleSerializer(serializers.ModelSerializer):
    category_id = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "body", "state", "category_id", "views", "helpful", "not_helpful",
                  "published_at", "created_at", "updated_at"]
        read_only_fields = ["id", "slug", "state", "views", "helpful", "not_helpful", "published_at", "created_at",
                            "updated_at"]


class ArticleSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "slug", "title", "state", "category_id", "published_at"]


class Feedback(serializers.Serializer):
    helpful = serializers.BooleanField()
