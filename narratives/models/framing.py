"""The lexicon of framing categories and terms, analysts' tags, and the occurrences found for terms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article


class FramingCategory(models.Model):
    name = models.CharField(max_length=100, unique=True)
    colour = models.CharField(max_length=7, default="#c0392b", help_text="#rrggbb")
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "framing categories"

    def __str__(self) -> str:
        return self.name


class FramingTerm(models.Model):
    text = models.CharField(max_length=200, help_text="canonical form, e.g. 'peacekeeping forces'")
    category = models.ForeignKey(FramingCategory, on_delete=models.PROTECT, related_name="terms")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text"]
        constraints = [models.UniqueConstraint(fields=["text", "category"], name="term_per_category")]

    def __str__(self) -> str:
        return self.text


class Annotation(models.Model):
    """An analyst's tag: a span of one article marked as a framing term. Overlaps are allowed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    term = models.ForeignKey(FramingTerm, on_delete=models.CASCADE, related_name="annotations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="annotations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article_id", "start", "end"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="annotation_nonempty")]


class OccurrenceMatch(models.TextChoices):
    EXACT = "exact", "exact"
    VARIANT = "variant", "variant"


class Occurrence(models.Model):
    """Where the app finds a term (or a morphological variant) in an article; recomputed, never edited."""

    term = models.ForeignKey(FramingTerm, on_delete=models.CASCADE, related_name="occurrences")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="occurrences")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    match = models.CharField(max_length=10, choices=OccurrenceMatch.choices, default=OccurrenceMatch.EXACT)

    class Meta:
        ordering = ["article_id", "start"]
        indexes = [models.Index(fields=["term", "article"])]


class SuggestionState(models.TextChoices):
    PENDING = "pending", "pending"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"


class TermSuggestion(models.Model):
    """A semantic variant of a term the app proposes; applied only when an analyst accepts it."""

    term = models.ForeignKey(FramingTerm, on_delete=models.CASCADE, related_name="suggestions")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    score = models.FloatField()
    state = models.CharField(max_length=10, choices=SuggestionState.choices, default=SuggestionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "article", "start", "end"], name="one_suggestion_per_span")]


class WordingDecision(models.Model):
    """An analyst's accept or reject of one wording as a variant of a term, for every place it occurs.

    Kept apart from the TermSuggestion spans it was decided on: those belong to one article and go
    with it, while the decision is about the wording and must hold whatever happens to that article.
    """

    term = models.ForeignKey(FramingTerm, on_delete=models.CASCADE, related_name="wording_decisions")
    # ``matcher.fold`` of the wording, which makes two spellings one ("Counter‑terrorist" = "counter-terrorist").
    wording = models.CharField(max_length=500)
    text = models.CharField(max_length=500, help_text="the wording as the analyst saw it")
    state = models.CharField(max_length=10, choices=SuggestionState.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["term_id", "wording"]
        constraints = [
            models.UniqueConstraint(fields=["term", "wording"], name="one_decision_per_wording"),
            models.CheckConstraint(condition=~Q(state=SuggestionState.PENDING), name="wording_decision_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.state}) for {self.term_id}"


class FramingSnapshot(models.Model):
    """A corpus-wide computation too slow for a page request (distinctive words, scare-quote candidates).

    Stored with the corpus signature it was computed for, so a page can show it at once and tell
    whether it is current; the worker recomputes it when the corpus changes.
    """

    key = models.CharField(max_length=50, unique=True)
    signature = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    # The signature a recomputation has been queued for, so a busy page does not queue it twice.
    pending_signature = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.key} @ {self.computed_at:%Y-%m-%d %H:%M}"
