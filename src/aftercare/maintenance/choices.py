from django.db import models
from django.utils.translation import gettext_lazy as _


class NonWorkingDay(models.TextChoices):
    """What happens to a planned date that is not a working day (holidays, weekends, the
    organisation's closures; make-up working days are worked)."""

    PREVIOUS = "previous", _("Move to the previous working day")
    NEXT = "next", _("Move to the next working day")
    KEEP = "keep", _("Keep the date")


class ChecklistItemKind(models.TextChoices):
    """What an item of a checklist asks for."""

    CHECK = "check", _("Check")
    READING = "reading", _("Reading")
    PHOTO = "photo", _("Photo")


class VisitState(models.TextChoices):
    """Where a planned visit stands.

    planned ──record the result──> done (frozen)
    planned ──a revision of the plan──> on_hold ──the revision confirmed──> cancelled
    """

    PLANNED = "planned", _("Planned")
    ON_HOLD = "on_hold", _("On hold (plan being revised)")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CheckResult(models.TextChoices):
    OK = "ok", _("OK")
    DEFECT = "defect", _("Defect")
    NA = "na", _("Not applicable")


class PlanState(models.TextChoices):
    """A plan's state on its list: the state of its latest version (agreements.VersionState)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting the owner's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
