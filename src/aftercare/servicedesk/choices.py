"""Choices of the hotline (BS-7, BS-8, BS-13). Fault categories are the contracts' own
(``contracts.choices.FaultCategory``): a contract sets its targets per category."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketState(models.TextChoices):
    """Where a ticket stands. A pause is not a state: a ticket is paused in whatever state it
    was (``Ticket.paused_since``), and resuming returns it there."""

    REPORTED = "reported", _("Reported")
    DISPATCHED = "dispatched", _("Dispatched")
    ON_SITE = "on_site", _("Engineer on site")
    RESOLVED = "resolved", _("Resolved")


class PauseReason(models.TextChoices):
    """Why the clocks of a ticket stop (STANDARD.md, "Pauses")."""

    OWNER_ACCESS = "owner_access", _("No access to the site")
    OWNER_REQUEST = "owner_request", _("At the owner's request")
    PARTS = "parts", _("Waiting for parts")


class SuspensionReason(models.TextChoices):
    """Why a branch's service clocks stop (declared by a supervisor)."""

    TYPHOON_8 = "typhoon_8", _("Typhoon signal No. 8")
    BLACK_RAINSTORM = "black_rainstorm", _("Black rainstorm warning")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    """A line of a ticket's event log; the clocks are recomputed from these."""

    REPORTED = "reported", _("Reported")
    DISPATCHED = "dispatched", _("Dispatched")
    ARRIVED = "arrived", _("Arrived on site")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    CATEGORY_CHANGED = "category_changed", _("Category changed")
    EMERGENCY_CHANGED = "emergency_changed", _("Emergency changed")
    RESOLVED = "resolved", _("Resolved")


class FieldAction(models.TextChoices):
    """An action of the engineer's phone page that may be queued offline and sent later."""

    ARRIVAL = "arrival", _("Arrival")
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve and sign")


class ConflictReason(models.TextChoices):
    """Why the server refused an action queued on a phone while it was offline."""

    REDISPATCHED = "redispatched", _("The ticket was dispatched to someone else meanwhile")
    RESOLVED = "resolved", _("The ticket was resolved meanwhile")
