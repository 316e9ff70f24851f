"""Maintenance contracts (BS-6) and the service calendars their hour targets run on.

A contract's status is derived, never stored twice: ``signed_on`` is the one stored fact (None:
still an offer). Signed and today before ``starts_on`` → signed; ``starts_on`` ≤ today ≤
``ends_on`` → active; after → expired; "today" is the local date in the organisation's time
zone. So a contract turns active and expires without any job touching it, and the list, the
API filter and the coverage function agree by construction (``ContractQuerySet.with_status``
is the SQL twin of ``Contract.status_on``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.contracts.calendars import Week, check_week
from aftercare.contracts.choices import ContractStatus, FaultCategory
from aftercare.errors import Errors
from aftercare.org.access import ensure_permission, is_signed_in, restrict
from aftercare.standard import deadlines
from aftercare.standard.calendar import HolidayDays, ServiceHours

#: The built-in calendar's name (a data row per organisation, created on first need).
ALWAYS_NAME = "24×7"


class ServiceCalendarQuerySet(models.QuerySet["ServiceCalendar"]):
    def visible_to(self, user: Any) -> models.QuerySet[ServiceCalendar]:
        """Calendars are the organisation's (every branch may use them): 403 without the
        permission, else the calendars of the user's organisation."""
        ensure_permission(user, "contracts.view_servicecalendar")
        if not is_signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisation_id=user.organisation_id)


class ServiceCalendar(models.Model):
    """Named weekly service hours (BS-7, BS-8): several intervals a day, Monday first.

    With ``follows_holidays`` the organisation's working-day calendar applies on top: the
    region's holidays and the organisation's closures close a day, make-up working days open
    with Monday's hours. The built-in 24×7 calendar is a row like the others (``builtin``).
    """

    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="service_calendars",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    weekly = models.JSONField(_("weekly hours"))
    follows_holidays = models.BooleanField(_("follows holidays and closures"), default=False)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    objects = ServiceCalendarQuerySet.as_manager()

    class Meta:
        verbose_name = _("service calendar")
        verbose_name_plural = _("service calendars")
        ordering = ["-builtin", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="servicecalendar_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def week(self) -> Week:
        errors = Errors()
        week = check_week(self.weekly, errors)
        if week is None:  # stored rows were checked by the action; this is a broken row
            raise ValueError(f"service calendar {self.pk} has a broken week: {dict(errors)}")
        return week

    def service_hours(self) -> ServiceHours:
        """The calendar as ``standard.calendar.ServiceHours`` in the organisation's zone.

        Following holidays, the organisation's working-day calendar closes its holidays and
        closures and opens its make-up days, but the weekdays are the calendar's own: plain
        ``WorkingDays`` would close every Saturday of a Mon–Sat calendar.
        """
        organisation = self.organisation
        days = None
        if self.follows_holidays:
            working = deadlines.working_days(organisation)
            days = HolidayDays(
                tz=working.tz,
                region=working.region,
                closures=working.closures,
                extra_working_days=working.extra_working_days,
            )
        return ServiceHours(tz=organisation.tz, weekly=self.week, days=days)


class ContractQuerySet(models.QuerySet["Contract"]):
    def visible_to(self, user: Any) -> ContractQuerySet:
        """The one read scope of contracts (403 without the permission, else the branch)."""
        return cast(
            ContractQuerySet,
            restrict(self, user, "contracts.view_contract", customer_field="customer"),
        )

    def in_status(self, status: str, today: date) -> ContractQuerySet:
        """The contracts whose status on `today` is `status` (as ``Contract.status_on``)."""
        conditions = {
            ContractStatus.OFFERED: Q(signed_on__isnull=True),
            ContractStatus.SIGNED: Q(signed_on__isnull=False, starts_on__gt=today),
            ContractStatus.ACTIVE: Q(
                signed_on__isnull=False, starts_on__lte=today, ends_on__gte=today
            ),
            ContractStatus.EXPIRED: Q(signed_on__isnull=False, ends_on__lt=today),
        }
        return self.filter(conditions[ContractStatus(status)])

    def with_status(self, today: date) -> ContractQuerySet:
        """Annotate ``current_status`` on `today` (the organisation's local date)."""
        return self.annotate(
            current_status=Case(
                When(signed_on__isnull=True, then=Value(ContractStatus.OFFERED.value)),
                When(starts_on__gt=today, then=Value(ContractStatus.SIGNED.value)),
                When(ends_on__lt=today, then=Value(ContractStatus.EXPIRED.value)),
                default=Value(ContractStatus.ACTIVE.value),
                output_field=models.CharField(),
            )
        )

    def running_on(self, day: date) -> ContractQuerySet:
        """Signed contracts whose term includes `day`."""
        return self.filter(signed_on__isnull=False, starts_on__lte=day, ends_on__gte=day)


class Contract(models.Model):
    """A maintenance contract (BS-6): the owner's covered systems of one site for a term, with
    a service calendar, targets per fault category (BS-7, BS-8), emergency clauses with an
    escalation chain (BS-13), a price and preventive visits per year (BS-9).

    Status (see the module): offered while ``signed_on`` is empty, then signed / active /
    expired by the dates.
    """

    Status = ContractStatus

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("owner"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("site")
    )
    systems = models.ManyToManyField(
        "sites.System",
        through="ContractSystem",
        related_name="contracts",
        verbose_name=_("covered systems"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    service_calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("service calendar"),
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    parts_included = models.BooleanField(_("parts included"), default=False)
    labour_included = models.BooleanField(_("labour included"), default=True)
    visits_per_year = models.PositiveSmallIntegerField(_("preventive visits per year"), default=0)
    # Emergency clauses (BS-13): run on 24×7 with these targets and the escalation chain.
    emergency_arrival_hours = models.DecimalField(
        _("emergency: on site within (hours)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    emergency_fix_hours = models.DecimalField(
        _("emergency: fixed within (hours)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signing recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("maintenance contract")
        verbose_name_plural = _("maintenance contracts")
        ordering = ["-starts_on", "-id"]
        permissions = [("sign_contract", _("Can record a signed maintenance contract"))]
        indexes = [
            models.Index(fields=["branch", "starts_on"], name="contract_branch_start"),
            models.Index(fields=["site", "starts_on"], name="contract_site_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="contract_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.site} {self.starts_on}–{self.ends_on}"

    def status_on(self, today: date) -> ContractStatus:
        if self.signed_on is None:
            return ContractStatus.OFFERED
        if today < self.starts_on:
            return ContractStatus.SIGNED
        if today > self.ends_on:
            return ContractStatus.EXPIRED
        return ContractStatus.ACTIVE

    @property
    def status(self) -> ContractStatus:
        """The status today in the organisation's time zone."""
        from aftercare.standard.calendar import local_date

        annotated = getattr(self, "current_status", None)
        if annotated:
            return ContractStatus(annotated)
        from django.utils import timezone

        tz = self.branch.organisation.tz
        return self.status_on(local_date(timezone.now(), tz))


class ContractSystem(models.Model):
    """A system covered by a contract; indexed by system first, so coverage finds a system's
    contracts without scanning contracts."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="coverage")
    system = models.ForeignKey(
        "sites.System", on_delete=models.PROTECT, related_name="contract_links"
    )

    class Meta:
        verbose_name = _("covered system")
        verbose_name_plural = _("covered systems")
        constraints = [
            models.UniqueConstraint(fields=["system", "contract"], name="contractsystem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.system_id}"


class ContractTarget(models.Model):
    """Arrival and fix targets of one fault category (BS-7, BS-8), in service-calendar hours."""

    Category = FaultCategory

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="targets", verbose_name=_("contract")
    )
    category = models.CharField(_("fault category"), max_length=20, choices=FaultCategory.choices)
    arrival_hours = models.DecimalField(_("on site within (hours)"), max_digits=5, decimal_places=2)
    fix_hours = models.DecimalField(_("fixed within (hours)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("contract target")
        verbose_name_plural = _("contract targets")
        ordering = ["contract_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "category"], name="contracttarget_one_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.arrival_hours} h / {self.fix_hours} h"


class EscalationStep(models.Model):
    """One step of a contract's emergency escalation chain (BS-13): after N minutes, tell X."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="escalation", verbose_name=_("contract")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    after_minutes = models.PositiveIntegerField(_("after (minutes)"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tell"),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["contract_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "order"], name="escalationstep_order")
        ]

    def __str__(self) -> str:
        return f"{self.after_minutes} min → {self.user}"
