import uuid

from django.conf import settings
from django.db import models


class PlanJob(models.Model):
    """A staffing plan asked for on the page: the worker makes it (forecast, shifts, weeks of
    simulated calls) while the page polls, and the finished report is kept here."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for the worker"
        DONE = "done", "done"
        FAILED = "failed", "could not plan"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The uploaded history, kept only until the plan is made (then emptied).
    calls = models.BinaryField(blank=True, default=b"")
    source = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    report_html = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"staffing plan {self.id} ({self.status})"
