"""Preventive maintenance agreed with the owner (BS-9).

A `MaintenancePlan` is the maintenance side of an `agreements.Agreement` (same primary key):
the site, the contract it comes from, the branch and the engineer who does the visits. Its
terms (systems, frequency or dates, term, what happens on days not worked) live in each
`AgreementVersion.terms`; the owner confirms a version before its visits are scheduled.

Each `MaintenanceVisit` keeps the date it was planned on (after the shift off a day not worked)
and the date it is scheduled on now; a `VisitReschedule` row records every move with its
reason. A visit's `VisitCheck` rows are copies of the checklist items of its systems, taken when
it was scheduled, so editing a checklist never changes a visit. A done visit is a signed record:
it and its checks refuse any later change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.errors import Conflict
from aftercare.maintenance.checklists import item_text
from aftercare.maintenance.choices import ChecklistItemKind, CheckResult, VisitState
from aftercare.org.access import restrict
from aftercare.sites.choices import SystemKind

VALUE = {"max_digits": 12, "decimal_places": 3}


def plain(value: Decimal | None) -> str:
    """A decimal as typed (12.600 → 12.6), empty for none."""
    return "" if value is None else f"{value.normalize():f}"


def range_text(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f"≥ {plain(low)} {unit}".strip()
    if low is None:
        return f"≤ {plain(high)} {unit}".strip()
    return f"{plain(low)}–{plain(high)} {unit}".strip()


FROZEN_MESSAGE = _("A done visit is a signed record: it is kept as it was recorded.")


class PlanQuerySet(models.QuerySet["MaintenancePlan"]):
    def visible_to(self, user: object) -> models.QuerySet[MaintenancePlan]:
        """The one read scope of maintenance plans (pages and API): the user's branches."""
        return restrict(
            self, user, "maintenance.view_maintenanceplan", customer_field="agreement__customer"
        )


class MaintenancePlan(models.Model):
    """A maintenance plan of a site (BS-9); its id is its agreement's."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="maintenance_plan",
        verbose_name=_("plan"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="maintenance_plans",
        verbose_name=_("site"),
    )  # fmt: skip
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="maintenance_plans",
        null=True, blank=True, verbose_name=_("maintenance contract"),
    )  # fmt: skip
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="maintenance_plans",
        verbose_name=_("branch"),
    )  # fmt: skip
    engineer = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="maintenance_plans", null=True,
        blank=True, verbose_name=_("engineer"),
    )  # fmt: skip
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["-agreement_id"]

    def __str__(self) -> str:
        return str(self.agreement)


class ChecklistTemplate(models.Model):
    """The checklist of one kind of system in an organisation (shipped, then editable)."""

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organisation"),
    )  # fmt: skip
    system_kind = models.CharField(_("kind of system"), max_length=20, choices=SystemKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["organisation", "system_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "system_kind"], name="checklist_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_system_kind_display())


class ChecklistItem(models.Model):
    """One item of a checklist: a shipped one keeps its `code` (worded in the reader's
    language); an edited or added one its own `text`."""

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="items",
        verbose_name=_("checklist"),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ChecklistItemKind.choices, default=ChecklistItemKind.CHECK
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    low = models.DecimalField(_("lowest"), null=True, blank=True, **VALUE)  # type: ignore[arg-type]
    high = models.DecimalField(_("highest"), null=True, blank=True, **VALUE)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return item_text(self.code, self.text)

    @property
    def range_text(self) -> str:
        return range_text(self.low, self.high, self.unit)


class MaintenanceVisit(models.Model):
    """A visit of a plan (BS-9 is due at the end of its scheduled date)."""

    State = VisitState

    plan = models.ForeignKey(
        MaintenancePlan, on_delete=models.PROTECT, related_name="visits", verbose_name=_("plan")
    )
    version = models.ForeignKey(
        "agreements.AgreementVersion", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("plan version"),
    )  # fmt: skip
    planned_on = models.DateField(_("planned on"))
    scheduled_on = models.DateField(_("scheduled on"))
    engineer = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="maintenance_visits", null=True,
        blank=True, verbose_name=_("engineer"),
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.PLANNED
    )
    closed_at = models.DateTimeField(_("held back or cancelled at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("recorded by"),
    )  # fmt: skip
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(
        _("signature"), upload_to="maintenance/signatures/%Y/", max_length=200, blank=True
    )
    #: The idempotency key the result was recorded with (the phone's offline queue sends one):
    #: the same key by the same engineer again answers the stored visit and changes nothing.
    result_key = models.UUIDField(_("result key"), null=True, blank=True, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance visit")
        verbose_name_plural = _("maintenance visits")
        ordering = ["scheduled_on", "id"]
        permissions = [("record_visit", _("Can record the result of a maintenance visit"))]
        indexes = [
            models.Index(fields=["plan", "scheduled_on"], name="visit_plan_day"),
            models.Index(fields=["engineer", "state", "scheduled_on"], name="visit_engineer_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(done_at__isnull=False),
                name="visit_done_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.scheduled_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A done visit is the owner's signed record: nothing about it changes afterwards.
        if not self._state.adding:
            stored = MaintenanceVisit.objects.filter(pk=self.pk).values_list("state", flat=True)
            if stored.first() == VisitState.DONE:
                raise Conflict(FROZEN_MESSAGE, code="visit_done")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.state == VisitState.DONE:
            raise Conflict(FROZEN_MESSAGE, code="visit_done")
        return super().delete(*args, **kwargs)

    @property
    def moved(self) -> bool:
        return self.scheduled_on != self.planned_on


class VisitReschedule(models.Model):
    """A move of a visit to another date, with its reason: append-only."""

    visit = models.ForeignKey(
        MaintenanceVisit, on_delete=models.PROTECT, related_name="reschedules",
        verbose_name=_("visit"),
    )  # fmt: skip
    from_day = models.DateField(_("from"))
    to_day = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("visit moved")
        verbose_name_plural = _("visits moved")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_day} → {self.to_day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("A visit's moves are never changed."), code="reschedule_archived")
        super().save(*args, **kwargs)


class VisitCheck(models.Model):
    """One checklist item for one system of a visit, copied when the visit was scheduled, with
    what the engineer found."""

    visit = models.ForeignKey(
        MaintenanceVisit, on_delete=models.CASCADE, related_name="checks", verbose_name=_("visit")
    )
    system = models.ForeignKey(
        "sites.System", on_delete=models.PROTECT, related_name="+", verbose_name=_("system")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=40, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ChecklistItemKind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    low = models.DecimalField(_("lowest"), null=True, blank=True, **VALUE)  # type: ignore[arg-type]
    high = models.DecimalField(_("highest"), null=True, blank=True, **VALUE)  # type: ignore[arg-type]
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices, blank=True)
    reading = models.DecimalField(_("reading"), null=True, blank=True, **VALUE)  # type: ignore[arg-type]
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to="maintenance/photos/%Y/", max_length=200, blank=True
    )
    out_of_range = models.BooleanField(_("reading out of range"), default=False)
    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.PROTECT, related_name="maintenance_checks",
        null=True, blank=True, verbose_name=_("hotline ticket"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("visit check")
        verbose_name_plural = _("visit checks")
        ordering = ["visit", "order", "id"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            state = MaintenanceVisit.objects.filter(pk=self.visit_id).values_list(
                "state", flat=True
            )
            if state.first() == VisitState.DONE:
                raise Conflict(FROZEN_MESSAGE, code="visit_done")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return item_text(self.code, self.text)

    @property
    def range_text(self) -> str:
        return range_text(self.low, self.high, self.unit)

    @property
    def reading_text(self) -> str:
        return f"{plain(self.reading)} {self.unit}".strip() if self.reading is not None else ""

    def outside(self, reading: Decimal | None) -> bool:
        """Whether a reading lies outside this item's range (shown red; the engineer decides)."""
        if reading is None:
            return False
        return (self.low is not None and reading < self.low) or (
            self.high is not None and reading > self.high
        )
