from django.urls import path

from . import views

urlpatterns = [
    path("kb/categories", views.Categories.as_view()),
    path("kb/articles", views.Articles.as_view()),
    path("kb/articles/<slug:slug>", views.ArticleDetail.as_view()),
    path("kb/articles/<slug:slug>/publish", views.PublishArticle.as_view()),
    path("kb/articles/<slug:slug>/archive", views.ArchiveArticle.as_view()),
    path("kb/articles/<slug:slug>/feedback", views.ArticleFeedback.as_view()),
]
