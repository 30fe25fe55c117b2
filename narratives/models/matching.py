"""What matching stores: segment vectors (per model) and the analysts' decisions on matches.

Decisions are keyed by article and character offsets rather than by segment row, so they survive
re-embedding, a new model and re-ingesting an article whose text did not change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article, Segment


class SegmentEmbedding(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="embeddings")
    model_name = models.CharField(max_length=300)
    model_revision = models.CharField(max_length=100, blank=True)
    dim = models.PositiveIntegerField()
    vector = models.BinaryField(help_text="L2-normalised float32, little-endian")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "model_name"], name="embedding_per_model")]


class ReviewState(models.TextChoices):
    SUGGESTED = "suggested", "suggested"
    CONFIRMED = "confirmed", "confirmed"
    REJECTED = "rejected", "rejected"
    MANUAL = "manual", "manual"


class MatchDecision(models.Model):
    """An analyst's verdict on a pair of spans: confirmed, rejected or linked by hand (manual).

    Stored with the lower article id as side A so that a pair has one row whichever way round the
    two articles were opened.
    """

    article_a = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    a_start = models.PositiveIntegerField()
    a_end = models.PositiveIntegerField()
    article_b = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    b_start = models.PositiveIntegerField()
    b_end = models.PositiveIntegerField()
    state = models.CharField(
        max_length=20, choices=[c for c in ReviewState.choices if c[0] != ReviewState.SUGGESTED]
    )
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article_a", "a_start", "a_end", "article_b", "b_start", "b_end"], name="one_decision_per_pair"
            ),
            models.CheckConstraint(condition=Q(article_a__lt=models.F("article_b")), name="decision_a_before_b"),
        ]
