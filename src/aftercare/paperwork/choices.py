"""The states of a PDF export and the forms that can be exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Drawing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after a while")


class ExportForm(models.IntegerChoices):
    CALL_REGISTER = 3, _("Form 3: call register")
    LETTER_REGISTER = 4, _("Form 4: letter register")
