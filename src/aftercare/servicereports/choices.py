"""Choices of the monthly service reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    """Where a batch of monthly reports stands: queued → running → done (or failed)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
