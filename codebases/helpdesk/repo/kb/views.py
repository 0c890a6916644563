"""Knowledge base API: categories and articles. Agents write and publish; customers read
published articles, search them and say whether one helped."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import StaffWritesOnly
from core import clock
from core.errors import Conflict, error
from core.views import TenantView

from . import slugs
from .models import Article, ArticleState, Category
from .serializers import ArticleSerializer, ArticleSummarySerializer, CategorySerializer, Feedback


def readable_articles(member):
    articles = Article.objects.filter(org_id=member.org_id)
    if not member.is_staff_member:
        articles = articles.filter(state=ArticleState.PUBLISHED)
    return articles


class Categories(TenantView):
    permission_classes = [StaffWritesOnly]

    def get(self, request: Request) -> Response:
        rows = Category.objects.filter(org_id=self.org_id).order_by("position", "name")
        return Response({"items": CategorySerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        body = CategorySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                category = body.save(org_id=self.org_id)
        except IntegrityError:
            raise Conflict("A category with this name exists already.")
        return Response(CategorySerializer(category).data, status=201)


class Articles(TenantView):
    permission_classes = [StaffWritesOnly]

    def get(self, request: Request) -> Response:
        articles = readable_articles(request.user)
        if request.query_params.get("category"):
            articles = articles.filter(category_id=int(request.query_params["category"]))
        if request.query_params.get("q"):
            text = request.query_params["q"]
            articles = articles.filter(Q(title__icontains=text) | Q(body__icontains=text))
        rows = articles.order_by("-published_at", "-id")[:100]
        return Response({"items": ArticleSummarySerializer(rows, many=True).data})

    def post(self, request: Request) -> Response:
        body = ArticleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category_id = body.validated_data.pop("category_id", None)
        if category_id is not None and not Category.objects.filter(id=category_id, org_id=self.org_id).exists():
            return error("invalid", "No such category.", 422)
        with transaction.atomic():
            article = body.save(org_id=self.org_id, author=request.user, category_id=category_id,
                                slug=slugs.unique_slug(self.org_id, body.validated_data["title"]))
        return Response(ArticleSerializer(article).data, status=201)


class ArticleDetail(TenantView):
    permission_classes = [StaffWritesOnly]

    def get(self, request: Request, slug: str) -> Response:
        article = get_object_or_404(readable_articles(request.user), slug=slug)
        if not request.user.is_staff_member:
            Article.objects.filter(id=article.id).update(views=F("views") + 1)
        return Response(ArticleSerializer(article).data)

    def patch(self, request: Request, slug: str) -> Response:
        article = get_object_or_404(Article, org_id=self.org_id, slug=slug)
        body = ArticleSerializer(article, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        category_id = body.validated_data.pop("category_id", article.category_id)
        if category_id is not None and not Category.objects.filter(id=category_id, org_id=self.org_id).exists():
            return error("invalid", "No such category.", 422)
        article = body.save(category_id=category_id)
        return Response(ArticleSerializer(article).data)

    def delete(self, request: Request, slug: str) -> Response:
        get_object_or_404(Article, org_id=self.org_id, slug=slug).delete()
        return Response(status=204)


class ArticleState_(TenantView):
    """POST /v1/kb/articles/<slug>/publish | /archive."""

    permission_classes = [StaffWritesOnly]
    target = ArticleState.PUBLISHED

    def post(self, request: Request, slug: str) -> Response:
        article = get_object_or_404(Article, org_id=self.org_id, slug=slug)
        article.state = self.target
        if self.target == ArticleState.PUBLISHED and article.published_at is None:
            article.published_at = clock.now()
        article.save(update_fields=["state", "published_at", "updated_at"])
        return Response(ArticleSerializer(article).data)


class PublishArticle(ArticleState_):
    target = ArticleState.PUBLISHED


class ArchiveArticle(ArticleState_):
    target = ArticleState.ARCHIVED


class ArticleFeedback(TenantView):
    def post(self, request: Request, slug: str) -> Response:
        article = get_object_or_404(readable_articles(request.user), slug=slug, state=ArticleState.PUBLISHED)
        body = Feedback(data=request.data)
        body.is_valid(raise_exception=True)
        field = "helpful" if body.validated_data["helpful"] else "not_helpful"
        Article.objects.filter(id=article.id).update(**{field: F(field) + 1})
        article.refresh_from_db()
        return Response({"helpful": article.helpful, "not_helpful": article.not_helpful})
