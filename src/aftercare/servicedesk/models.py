"""The hotline (BS-7, BS-8, BS-13): tickets, their event log, declared suspensions.

A ticket is a line of the branch's hotline register (``<branch>-H-<year>-<n>``). Its clocks —
arrival (BS-7) and fix (BS-8) — are ordinary obligations whose subject is the ticket, so My
work, tick, the dashboard and the calendar feed need nothing new. Their due moments are
recomputed from the ticket's event log (``TicketEvent``) and the branch's suspensions by
``servicedesk.clocks``, never adjusted incrementally. The ticket keeps what the clocks run on
(the calendar and the targets chosen at the report, from the covering contract or the
defaults), so a recompute after a closure or a suspension reads no contract.

The register line, the event log and the signed visit report are archives: events are
append-only, and a resolved ticket refuses any further change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftercare.contracts.choices import CoverageKind, FaultCategory
from aftercare.org.access import restrict
from aftercare.servicedesk.choices import (
    ConflictReason,
    EventKind,
    FieldAction,
    PauseReason,
    SuspensionReason,
    TicketState,
)

OPEN_Q = ~Q(state=TicketState.RESOLVED)


class HotlineSettings(models.Model):
    """The organisation's hotline defaults: the calendar of calls no contract covers and the
    emergency targets of an emergency without a contract (STANDARD.md, BS-7/BS-13). A missing
    row means the defaults below and the built-in 24×7 calendar."""

    organisation = models.OneToOneField(
        "org.Organisation", on_delete=models.CASCADE, related_name="hotline_settings"
    )
    calendar = models.ForeignKey(
        "contracts.ServiceCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default hotline calendar"),
    )
    emergency_arrival_hours = models.DecimalField(
        _("emergency without contract: on site within (hours)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(2),
    )
    emergency_fix_hours = models.DecimalField(
        _("emergency without contract: fixed within (hours)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(4),
    )

    class Meta:
        verbose_name = _("hotline settings")
        verbose_name_plural = _("hotline settings")

    def __str__(self) -> str:
        return f"hotline settings of {self.organisation_id}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: Any) -> TicketQuerySet:
        """The one read scope of tickets (pages and API): 403 without the permission, else
        the user's branch (an administrator: the organisation)."""
        return cast(
            TicketQuerySet,
            restrict(self, user, "servicedesk.view_ticket", customer_field="site__customer"),
        )

    def open(self) -> TicketQuerySet:
        return self.filter(OPEN_Q)


class Ticket(models.Model):
    """A fault reported to the hotline, from the call to the signed visit report."""

    State = TicketState

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("branch")
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("site")
    )
    system = models.ForeignKey(
        "sites.System",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("system"),
    )
    equipment = models.ForeignKey(
        "sites.Equipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("equipment item"),
    )
    caller_name = models.CharField(_("caller"), max_length=100)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    category = models.CharField(_("fault category"), max_length=20, choices=FaultCategory.choices)
    emergency = models.BooleanField(_("emergency"), default=False)
    description = models.TextField(_("description"))
    reported_at = models.DateTimeField(_("reported at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # What covered the fault when it was reported (contracts.queries.coverage) and what the
    # clocks run on, chosen from it; changed only when the category or emergency changes.
    coverage = models.CharField(_("coverage"), max_length=10, choices=CoverageKind.choices)
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("contract"),
    )
    calendar = models.ForeignKey(
        "contracts.ServiceCalendar",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service calendar"),
    )
    arrival_minutes = models.PositiveIntegerField(_("on site within (minutes)"))
    fix_minutes = models.PositiveIntegerField(_("fixed within (minutes)"), null=True, blank=True)

    state = models.CharField(
        _("state"), max_length=12, choices=TicketState.choices, default=TicketState.REPORTED
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("engineer"),
    )
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(
        _("pause reason"), max_length=20, choices=PauseReason.choices, blank=True
    )
    # The earliest due moment of its pending clocks (None: none pending or all stopped): the
    # board's order, kept by the same recompute that writes the obligations.
    next_due_at = models.DateTimeField(_("next due at"), null=True, blank=True)

    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    work_done = models.TextField(_("work done"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="servicedesk/signatures/%Y/", blank=True, max_length=200
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline ticket")
        verbose_name_plural = _("hotline tickets")
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("dispatch_ticket", _("Can dispatch a hotline ticket")),
            ("work_ticket", _("Can arrive, pause, resume and resolve a hotline ticket")),
        ]
        indexes = [
            # The board: a branch's open tickets by next due moment, read in index order.
            models.Index(
                fields=["branch", "next_due_at", "id"], condition=OPEN_Q, name="ticket_open_due"
            ),
            # The engineer's phone page: their open tickets.
            models.Index(
                fields=["engineer", "next_due_at"], condition=OPEN_Q, name="ticket_open_engineer"
            ),
            # The board's "who is where": counts per engineer and state, and the first tickets
            # each is on site for, read in index order without touching the rows' heap.
            models.Index(
                fields=["branch", "state", "engineer", "arrived_at", "id"],
                condition=OPEN_Q,
                name="ticket_open_state",
            ),
            models.Index(fields=["branch", "reported_at"], name="ticket_branch_reported"),
            models.Index(fields=["site", "reported_at"], name="ticket_site_reported"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(labour_minutes__isnull=True) | Q(labour_minutes__lte=100000),
                name="ticket_labour_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A resolved ticket is a signed record: it refuses any further change."""
        if self.pk is not None and (
            Ticket.objects.filter(pk=self.pk, state=TicketState.RESOLVED).exists()
        ):
            raise ValueError(f"hotline ticket {self.number} is resolved and cannot change")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state != TicketState.RESOLVED

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None


class TicketEvent(models.Model):
    """One line of a ticket's event log: append-only, the source of its due moments."""

    Kind = EventKind

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket_id", "at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticketevent_ticket_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding is False:
            raise ValueError("a ticket's event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("a ticket's event log is append-only")


class EscalationNotice(models.Model):
    """A step of an emergency's escalation chain on one ticket (BS-13): whom to tell, at which
    moment (the step's minutes on the emergency clock, pauses taken out), and when told. Tick
    claims due rows with a conditional UPDATE, so each step notifies exactly once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    order = models.PositiveSmallIntegerField(_("order"))
    after_minutes = models.PositiveIntegerField(_("after (minutes)"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("tell")
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation notice")
        verbose_name_plural = _("escalation notices")
        ordering = ["ticket_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "order"], name="escalationnotice_order")
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(notified_at__isnull=True), name="escalation_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} step {self.order}"


class SuspensionQuerySet(models.QuerySet["Suspension"]):
    def visible_to(self, user: Any) -> models.QuerySet[Suspension]:
        return restrict(self, user, "servicedesk.view_suspension")


class Suspension(models.Model):
    """A declared suspension of a branch's service clocks (typhoon signal No. 8, black
    rainstorm): every open ticket's clocks stop for its span. Kept for ever; an open one is
    ended once, and that end is the only change it takes."""

    Reason = SuspensionReason

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SuspensionReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("declared by"),
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="suspension_branch_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="suspension_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class FieldReceipt(models.Model):
    """The answer given to one action sent from an engineer's phone with an idempotency key
    (``servicedesk.fieldsync``): written in the same transaction as the action (or, for a
    refusal, right after it), so a key sent again — a retried request, a replayed queue —
    answers the stored status and body and changes nothing. Kept for ever (an archive of what
    each phone sent and what it was told), never deleted."""

    key = models.UUIDField(_("idempotency key"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="field_receipts", verbose_name=_("ticket")
    )
    action = models.CharField(_("action"), max_length=20, choices=FieldAction.choices)
    digest = models.CharField(_("request digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    response = models.JSONField(_("response"), encoder=DjangoJSONEncoder, default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("field receipt")
        verbose_name_plural = _("field receipts")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.key} {self.action} {self.status}"


class FieldConflict(models.Model):
    """An action queued on a phone offline that the server refused because the ticket changed
    meanwhile (dispatched to someone else, or resolved). Shown on the ticket's page and the
    hotline board, so the supervisor sees what the engineer did on site; never dropped."""

    receipt = models.OneToOneField(
        FieldReceipt, on_delete=models.PROTECT, related_name="conflict", verbose_name=_("receipt")
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, related_name="field_conflicts", verbose_name=_("ticket")
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("engineer"),
    )
    action = models.CharField(_("action"), max_length=20, choices=FieldAction.choices)
    at = models.DateTimeField(_("moment on the phone"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=ConflictReason.choices)
    message = models.CharField(_("message"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("field conflict")
        verbose_name_plural = _("field conflicts")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"], name="fieldconflict_received")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.reason}"
