"""The knowledge base API's documents. Inputs forbid unknown fields (``Strict``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from minidesk.kb.models import ArticleStatus, Visibility
from minidesk.web.schemas import MAX_ROW_ID, Out, Strict

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(?:-[A-Z]{2})?$")]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=50, strip_whitespace=True)]
UrlRule = Annotated[str, StringConstraints(min_length=1, max_length=300)]
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Body = Annotated[str, StringConstraints(max_length=200_000)]


class ArticleIn(Strict):
    title: Title
    body: Body = ""
    slug: Slug | None = None
    locale: Locale = "en"
    category_id: RowId | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    visibility: Visibility = Visibility.PUBLIC
    status: ArticleStatus = ArticleStatus.DRAFT
    url_rules: list[UrlRule] = Field(default_factory=list, max_length=20)
    # Another article this one translates: it joins that article's group (same slug).
    translation_of: RowId | None = None


class ArticlePatch(Strict):
    title: Title | None = None
    body: Body | None = None
    slug: Slug | None = None
    category_id: RowId | None = None
    tags: list[Tag] | None = Field(None, max_length=20)
    visibility: Visibility | None = None
    status: ArticleStatus | None = None
    url_rules: list[UrlRule] | None = Field(None, max_length=20)
    note: str = Field("", max_length=500)  # why, shown in the history


class RollbackIn(Strict):
    version: Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class TranslationOut(Out):
    id: int
    locale: str
    title: str
    status: str


class ArticleOut(Out):
    id: int
    slug: str
    locale: str
    translation_group: int | None
    category_id: int | None
    title: str
    body: str
    tags: list[str]
    visibility: str
    status: str
    url_rules: list[str]
    version: int
    author_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    html: str = ""
    help_url: str | None = None  # on the public help centre, when public and published
    translations: list[TranslationOut] = Field(default_factory=list)


class VersionOut(Out):
    version: int
    title: str
    body: str
    tags: list[str]
    category_id: int | None
    visibility: str
    status: str
    author_id: int | None
    note: str
    created_at: dt.datetime


class CategoryIn(Strict):
    slug: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    description: str = Field("", max_length=2000)
    position: int = Field(0, ge=0, le=10_000)


class CategoryPatch(Strict):
    slug: Slug | None = None
    name: (
        Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
        | None
    ) = None
    description: str | None = Field(None, max_length=2000)
    position: int | None = Field(None, ge=0, le=10_000)


class CategoryOut(Out):
    id: int
    slug: str
    name: str
    description: str
    position: int


class SearchHitOut(Out):
    id: int
    slug: str
    locale: str
    title: str
    excerpt: str
    visibility: str
    category_id: int | None
    help_url: str | None
    rank: float = Field(description="larger is better, within one search only")
    matched: Literal["words", "meaning"] = Field(
        description="found by the query's words, or near it in meaning (when words found few)"
    )


class SearchOut(Out):
    query: str
    items: list[SearchHitOut]


class FeedbackIn(Strict):
    helpful: bool
    comment: str = Field("", max_length=2000)
