"""The knowledge base: articles in categories that agents write and publish, and that
customers read (published ones only) before they raise a ticket."""

from __future__ import annotations

from django.db import models


class ArticleState(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Category(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="kb_categories")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "kb_categories"
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="kb_categories_org_name_uniq")]


class Article(models.Model):
    org = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="articles")
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, related_name="articles")
    author = models.ForeignKey("accounts.Member", on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=120)
    title = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=20, choices=ArticleState.choices, default=ArticleState.DRAFT)
    views = models.PositiveIntegerField(default=0)
    helpful = models.PositiveIntegerField(default=0)
    not_helpful = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "kb_articles"
        constraints = [models.UniqueConstraint(fields=["org", "slug"], name="kb_articles_org_slug_uniq")]
        indexes = [models.Index(fields=["org", "state", "-published_at"], name="kb_articles_published_idx")]
