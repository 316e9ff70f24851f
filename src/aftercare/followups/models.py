"""Next-service plans (DS-2), calls and the call register (DS-3, DS-6, DS-8)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.followups.choices import Direction, Purpose
from aftercare.records.models import Amendment


class NextServicePlan(models.Model):
    """What the next contact with the customer is about, and when (DS-2)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="plans"
    )
    suggested_topics = models.JSONField(_("suggested topics"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    planned_contact_at = models.DateTimeField(_("planned contact"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("next-service plan")
        verbose_name_plural = _("next-service plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} {self.planned_contact_at or ''}"


class Call(models.Model):
    """A call record and its call-register line (DS-8). Append-only: see CallAmendment."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    register_number = models.CharField(_("register no."), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="calls"
    )
    vehicle = models.ForeignKey(
        "customers.Vehicle", on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls",
        verbose_name=_("advisor"),
    )  # fmt: skip
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices)
    occurred_at = models.DateTimeField(_("moment"))
    reached = models.BooleanField(_("reached"))
    topics = models.JSONField(_("topics"), default=list, blank=True)
    other_topics = models.CharField(_("other topics"), max_length=300, blank=True)
    notes = models.TextField(_("key points"), blank=True)
    phone_number = models.CharField(_("number called"), max_length=20, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="call_customer"),
            models.Index(fields=["branch", "occurred_at"], name="call_branch"),
        ]

    def __str__(self) -> str:
        return self.register_number


class CallAmendment(Amendment):
    """A correction of a call record that keeps the original value beside the new one."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call amendment")
        verbose_name_plural = _("call amendments")
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"{self.call} {self.field}"
