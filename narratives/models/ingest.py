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

    class Meta:
        ordering = ["id"]
