from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly review")
    YEARLY = "yearly", _("Yearly review")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")
