"""Designated places, rag bins and fire equipment of a branch, with their append-only logs.

Each recurring duty is a period row (`BinPeriod`, `EquipmentDue`) unique per bin or item and
period: the row is the obligation's subject, so tick can never open two for the same period and
a log entry fulfils exactly the period it belongs to.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.safety.choices import (
    CapacityUnit,
    DueKind,
    EquipmentKind,
    EquipmentStatus,
    InspectionResult,
)


class Place(models.Model):
    """A designated location of a branch (維修車間東側, 油漆房) with its minimum fire equipment."""

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="safety_places",
        verbose_name=_("branch"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("responsible for the equipment"),
    )  # fmt: skip
    min_count = models.PositiveSmallIntegerField(_("minimum number of items"), default=1)
    min_capacity = models.DecimalField(
        _("minimum total capacity"), max_digits=8, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=2, choices=CapacityUnit.choices, default=CapacityUnit.KG
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["branch_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="safety_place_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RagBin(models.Model):
    """A rag bin at a place, cleared every `every_days` days from `starts_on` (DS-12)."""

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="bins", verbose_name=_("place")
    )
    label = models.CharField(_("label"), max_length=100)
    every_days = models.PositiveSmallIntegerField(
        _("clear every (days)"), default=1, validators=[MinValueValidator(1)]
    )
    clear_at = models.TimeField(_("clearance time"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cleared by"),
    )  # fmt: skip
    starts_on = models.DateField(_("first clearance day"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rag bin")
        verbose_name_plural = _("rag bins")
        ordering = ["place_id", "label"]
        constraints = [
            models.CheckConstraint(condition=Q(every_days__gte=1), name="safety_bin_every_days"),
        ]

    def __str__(self) -> str:
        return f"{self.place} · {self.label}"


class BinPeriod(models.Model):
    """One scheduled clearance day of a bin; the subject of its DS-12 obligation."""

    bin = models.ForeignKey(RagBin, on_delete=models.PROTECT, related_name="periods")
    day = models.DateField(_("clearance day"))
    obligation = models.OneToOneField(
        "obligations.Obligation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("clearance day")
        verbose_name_plural = _("clearance days")
        ordering = ["bin_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["bin", "day"], name="safety_bin_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bin} {self.day:%Y-%m-%d}"


class Clearance(models.Model):
    """A clearance of a bin, as logged: append-only."""

    bin = models.ForeignKey(
        RagBin, on_delete=models.PROTECT, related_name="clearances", verbose_name=_("rag bin")
    )
    cleared_at = models.DateTimeField(_("cleared at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cleared by"),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        ordering = ["-cleared_at", "-id"]
        indexes = [models.Index(fields=["bin", "cleared_at"], name="safety_clearance_bin")]

    def __str__(self) -> str:
        return f"{self.bin} {self.cleared_at:%Y-%m-%d %H:%M}"


class Equipment(models.Model):
    """An extinguisher, hydrant or blanket on the register (DS-13); never deleted, only
    replaced or removed, so the register keeps its history."""

    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("place")
    )
    kind = models.CharField(_("type"), max_length=10, choices=EquipmentKind.choices)
    capacity = models.DecimalField(
        _("capacity"), max_digits=7, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    unit = models.CharField(
        _("unit"), max_length=2, choices=CapacityUnit.choices, default=CapacityUnit.KG
    )
    label = models.CharField(_("serial or label"), max_length=100)
    installed_on = models.DateField(_("installed on"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    inspect_every_months = models.PositiveSmallIntegerField(
        _("inspect every (months)"), default=1, validators=[MinValueValidator(1)]
    )
    replace_notice_days = models.PositiveSmallIntegerField(
        _("replacement notice (days before expiry)"), default=30
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )  # fmt: skip
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces",
        verbose_name=_("replaced by"),
    )  # fmt: skip
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fire equipment")
        verbose_name_plural = _("fire equipment")
        ordering = ["place_id", "kind", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="safety_equipment_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("installed_on")),
                name="safety_equipment_expires_after_install",
            ),
            models.CheckConstraint(
                condition=Q(inspect_every_months__gte=1), name="safety_equipment_every_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class EquipmentDue(models.Model):
    """One inspection period (ending `day`) or one expiry (`day`) of an item; the subject of
    its DS-13 obligation."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="dues")
    kind = models.CharField(max_length=12, choices=DueKind.choices)
    # Inspection: the period's first and last day; replacement: the notice's start and expiry.
    from_day = models.DateField()
    day = models.DateField()
    obligation = models.OneToOneField(
        "obligations.Obligation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("fire equipment duty")
        verbose_name_plural = _("fire equipment duties")
        ordering = ["equipment_id", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "kind", "day"], name="safety_equipment_due_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} {self.get_kind_display()} {self.day:%Y-%m-%d}"


class Inspection(models.Model):
    """An inspection of an item, as logged: append-only."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("fire equipment"),
    )  # fmt: skip
    inspected_at = models.DateTimeField(_("inspected at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("inspected by"),
    )  # fmt: skip
    result = models.CharField(_("result"), max_length=8, choices=InspectionResult.choices)
    pressure_ok = models.BooleanField(_("pressure OK"), null=True, blank=True)
    seal_ok = models.BooleanField(_("seal intact"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-id"]
        indexes = [
            models.Index(fields=["equipment", "inspected_at"], name="safety_inspection_item")
        ]

    def __str__(self) -> str:
        return f"{self.equipment} {self.inspected_at:%Y-%m-%d}"
