"""Article slugs: from the title, unique in the organisation (a counter added when taken)."""

from __future__ import annotations

from django.utils.text import slugify

from .models import Article


def unique_slug(org_id: int, title: str, *, exclude_id: int | None = None) -> str:
    base = slugify(title)[:100] or "article"
    taken = set(Article.objects.filter(org_id=org_id, slug__startswith=base).exclude(id=exclude_id)
                .values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
