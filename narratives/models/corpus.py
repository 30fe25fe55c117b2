"""The corpus: outlets, articles (original bytes + clean text) and their segments.

Segment offsets index into Article.clean_text and are what every highlight, tag and export refers
to, so the invariant ``article.clean_text[s.start:s.end] == s.text`` holds for every segment.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify


class OutletQuerySet(QuerySet["Outlet"]):
    def with_article_counts(self) -> "OutletQuerySet":
        return self.annotate(article_count=Count("articles"))


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    homepage = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Ingest files "quellin daily" under "Quellin Daily" (pipeline.outlet_named): a second outlet
        # spelt so would never receive an article, and would split the outlet's counts.
        twin = Outlet.objects.filter(name__iexact=" ".join(self.name.split())).exclude(pk=self.pk).first()
        if twin is not None:
            message = f"There is already an outlet “{twin.name}”: names are compared ignoring case."
            raise ValidationError({"name": message})

    def get_absolute_url(self) -> str:
        return reverse("outlet_detail", args=[self.slug])


def unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "outlet"
    slug, n = base, 2
    while Outlet.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Quotes an analyst types around a phrase to mean "this phrase", not part of it.
_PHRASE_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»", "'": "'", "‘": "’"}


def search_spellings(query: str) -> list[str]:
    """The query as ingest writes text (one plain space, NFC), without typed quotes around it, in
    each apostrophe: pasted text says "minister’s" where a typed query says "minister's"."""
    from ..ingest.normalize import normalise_characters  # ingest imports the models

    phrase = " ".join(normalise_characters(query).split())
    if len(phrase) >= 2 and _PHRASE_QUOTES.get(phrase[0]) == phrase[-1]:
        phrase = phrase[1:-1].strip()
    if not phrase:
        return []
    if "'" not in phrase and "’" not in phrase:
        return [phrase]
    return list(dict.fromkeys([phrase, phrase.replace("’", "'"), phrase.replace("'", "’")]))


class ArticleQuerySet(QuerySet["Article"]):
    def for_outlet(self, outlet: Outlet | str) -> "ArticleQuerySet":
        if isinstance(outlet, Outlet):
            return self.filter(outlet=outlet)
        return self.filter(outlet__slug=outlet)

    def search(self, query: str) -> "ArticleQuerySet":
        """Articles whose title, byline or text hold the phrase, as ingest would have written it."""
        match = Q()
        for spelling in search_spellings(query):
            match |= Q(title__icontains=spelling) | Q(clean_text__icontains=spelling) | Q(byline__icontains=spelling)
        return self.filter(match) if match else self

    def published_between(self, start, end) -> "ArticleQuerySet":
        qs = self
        if start:
            qs = qs.filter(published__gte=start)
        if end:
            qs = qs.filter(published__lte=end)
        return qs

    def listing(self) -> "ArticleQuerySet":
        """What the corpus list needs, without loading the texts."""
        return self.select_related("outlet").defer("clean_text", "original")


class Article(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=20, blank=True)
    # The upload exactly as received, so every derived field can be rebuilt by re-ingesting.
    original = models.BinaryField()
    original_filename = models.CharField(max_length=255, blank=True)
    original_content_type = models.CharField(max_length=100, blank=True)
    clean_text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the normalised text")
    near_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="near_duplicates"
    )
    word_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-created_at", "-id"]
        indexes = [models.Index(fields=["published"]), models.Index(fields=["language"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])

    @property
    def text(self) -> str:
        """The contract's name for the clean text (``article.text[start:end] == span text``)."""
        return self.clean_text


class SegmentKind(models.TextChoices):
    TITLE = "title", "title"
    HEADING = "heading", "heading"
    SENTENCE = "sentence", "sentence"
    CAPTION = "caption", "caption"
    METADATA = "metadata", "metadata"
    BOILERPLATE = "boilerplate", "boilerplate"


# Only these kinds carry claims; the rest are never matched, counted or embedded.
CLAIM_KINDS = (SegmentKind.TITLE, SegmentKind.SENTENCE)


class SegmentQuerySet(QuerySet["Segment"]):
    def claims(self) -> "SegmentQuerySet":
        return self.filter(kind__in=CLAIM_KINDS)


class Segment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="segments")
    kind = models.CharField(max_length=20, choices=SegmentKind.choices)
    paragraph = models.PositiveIntegerField()
    order = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["article", "order"], name="segment_order_unique"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="segment_nonempty"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}-{self.end}: {self.text[:60]}"

    @property
    def is_claim(self) -> bool:
        return self.kind in CLAIM_KINDS
