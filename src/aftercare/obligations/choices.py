from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Derived from the timestamps, never stored (DESIGN: status is not stored twice)."""

    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    DONE_EARLY = "done_early", _("Done early")
    CANCELLED = "cancelled", _("Cancelled")


PENDING = (Status.UPCOMING, Status.OPEN, Status.OVERDUE)
