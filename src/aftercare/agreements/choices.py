from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKindCode(models.TextChoices):
    """What a plan agreed with the owner is about; each kind is an app's (`agreement_kinds`)."""

    MAINTENANCE = "maintenance", _("Maintenance plan")
    TRAINING = "training", _("Training plan")


class VersionState(models.TextChoices):
    """Where one version of a plan stands (BS-4).

    draft ──submit──> submitted ──confirm──> confirmed ──(a later version confirmed)──> superseded
                        └──reject──> draft
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting the owner's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    SUPERSEDED = "superseded", _("Superseded")


class EventKind(models.TextChoices):
    """The timeline of a plan: one row per move, across all its versions."""

    DRAFTED = "drafted", _("Drafted")
    EDITED = "edited", _("Draft changed")
    SUBMITTED = "submitted", _("Submitted to the owner")
    CONFIRMED = "confirmed", _("Confirmed by the owner")
    REJECTED = "rejected", _("Returned by the owner")
    REVISED = "revised", _("Revised")
    SUPERSEDED = "superseded", _("Superseded")
