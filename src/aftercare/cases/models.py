"""Raised items — requests, wishes, complaints — and their one transition map (DS-4, DS-5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ItemKind(models.TextChoices):
    REQUEST = "request", _("Request")
    WISH = "wish", _("Wish")
    COMPLAINT = "complaint", _("Complaint")


class ItemState(models.TextChoices):
    OPEN = "open", _("Open")
    RESEARCHING = "researching", _("Researching")
    ESCALATED = "escalated", _("Escalated to supervisor")
    SOLVED = "solved", _("Solution recorded")
    CLOSED = "closed", _("Closed")


# Short names inside the app; the API schema shows the distinct class names.
Kind = ItemKind
State = ItemState


class RaisedItem(models.Model):
    """Something the customer raised in a call; it stays open until the customer is told."""

    call = models.ForeignKey(
        "followups.Call", on_delete=models.PROTECT, related_name="raised_items"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="raised_items"
    )
    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("what was raised"))
    answered_in_call = models.BooleanField(_("answered in the call"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("owner"),
    )  # fmt: skip
    raised_at = models.DateTimeField(_("raised at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)
    solved_at = models.DateTimeField(_("solution recorded at"), null=True, blank=True)
    informed_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("raised item")
        verbose_name_plural = _("raised items")
        ordering = ["-raised_at", "-id"]
        # DS-4/DS-5: an escalated item waits in the supervisor's queue for their solution.
        permissions = [
            ("solve_escalated", _("Can see the escalation queue and solve escalated items"))
        ]
        indexes = [
            models.Index(fields=["branch", "state"], name="item_branch_state"),
            models.Index(fields=["customer", "state"], name="item_customer_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class ToldBy(models.TextChoices):
    """How the customer was told the solution (DS-5); by phone it is a call (DS-8)."""

    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")


class ItemEvent(models.Model):
    """The timeline row written by every transition (who, when, from, to)."""

    item = models.ForeignKey(RaisedItem, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=State.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    # The call-register line of a move made by phone (the customer told the solution, DS-8).
    call = models.ForeignKey(
        "followups.Call", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_state} → {self.to_state}"
