"""Upload batches and their per-file results, so the upload page can show progress as files finish."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class IngestBatch(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outlet_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def total(self) -> int:
        return self.items.count()

    @property
    def finished(self) -> int:
        return self.items.exclude(status=BatchStatus.QUEUED).count()


class IngestItem(models.Model):
    """One file of a batch. Its bytes are kept until it is processed, so a killed worker can resume."""

    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="items")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    payload = models.BinaryField(null=True)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    article = models.ForeignKey("narratives.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    duplicate_of = models.ForeignKey("narratives.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)
    warnings = models.TextField(blank=True, help_text="one per line, e.g. a near-duplicate or a guessed encoding")
    # A zip or CSV is stored a few articles per transaction (a long one would lock SQLite for every
    # other writer): how many of its articles are in, and how many it holds, once it has been read.
    progress = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(null=True, blank=True)
    # Kept after its article is deleted (duplicate_of then reads NULL): nothing was imported from this file.
    was_duplicate = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
