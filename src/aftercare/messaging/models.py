"""Messages to customers, opt-outs, maintenance reminders and staff calendar feeds."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.messaging.choices import WAITING, Channel, MessageStatus, SuppressReason


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors see their branch's messages; administrators their organisation's."""
        from aftercare.org.access import restrict

        return restrict(self, user, "messaging.view_message", branch_field="customer__branch")

    def due(self, now):
        return self.filter(status__in=WAITING, next_attempt_at__lte=now)


class Message(models.Model):
    """One e-mail or SMS to a customer; `reason` makes it once-only (never sent twice)."""

    Status = MessageStatus

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    reason = models.CharField(_("reason"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A supervisor's retry grants another round of attempts without forgetting the earlier ones.
    attempt_limit = models.PositiveSmallIntegerField(_("attempt limit"), default=1)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    suppressed_because = models.CharField(
        _("suppressed because"), max_length=12, choices=SuppressReason.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    queued_at = models.DateTimeField(_("queued at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queued by"),
    )
    history = HistoricalRecords()

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-queued_at", "-id"]
        permissions = [("retry_message", _("Can retry a failed message"))]
        indexes = [
            # The tick scans only waiting rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=[s.value for s in WAITING]),
                name="message_waiting_due",
            ),
            models.Index(fields=["customer", "status"], name="message_customer_status"),
            models.Index(fields=["status", "queued_at"], name="message_status_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to or self.customer}"


class OptOut(models.Model):
    """A customer asked for no more messages on a channel (SMS consent lives on the archive)."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="message_opt_outs",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint(fields=["customer", "channel"], name="opt_out_once")]

    def __str__(self) -> str:
        return f"{self.customer} ({self.get_channel_display()})"


class MaintenanceReminder(models.Model):
    """DS-2M opened for one vehicle and one maintenance due date: the once-only guard."""

    vehicle = models.ForeignKey(
        "customers.Vehicle", on_delete=models.PROTECT, related_name="maintenance_reminders"
    )
    due_on = models.DateField(_("maintenance due on"))
    obligation = models.OneToOneField(
        "obligations.Obligation", on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("maintenance reminder")
        verbose_name_plural = _("maintenance reminders")
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "due_on"], name="reminder_once_per_due")
        ]

    def __str__(self) -> str:
        return f"DS-2M {self.vehicle_id} {self.due_on}"


class MaintenanceScan(models.Model):
    """The day an organisation's vehicles were last scanned (the scan runs once a local day)."""

    organisation = models.ForeignKey("org.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    started_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="maintenance_scan_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}"


def feed_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet):
    def matching(self, raw: str):
        return self.filter(digest=feed_digest(raw), revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A private iCalendar URL of one member of staff; only the token's SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        raw = "cal_" + secrets.token_urlsafe(32)
        return raw, raw[:10], feed_digest(raw)
