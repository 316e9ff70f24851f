"""The installed base of the building-systems desk: sites, their systems and equipment.

An owner is a ``customers.Customer`` of kind company; a site belongs to one owner and one
branch (the owner's). A system's acceptance (BS-5) starts its warranty and that of its
equipment; an equipment item may carry its own warranty (a replaced part's runs from its
installation). Acceptance itself is recorded by ``documents.actions.record_acceptance``, which
refuses while the handover (BS-14) is incomplete.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.org.access import restrict
from aftercare.sites.choices import SystemKind


def serial_key(serial: str) -> str:
    """A serial as searched: upper case, without spaces, dashes, dots or slashes."""
    return "".join(ch for ch in serial.upper() if ch.isalnum())


# Reading the installed base: sites, their systems and equipment.
VIEW_SITE = "sites.view_site"


class SiteQuerySet(models.QuerySet["Site"]):
    def visible_to(self, user: object) -> models.QuerySet[Site]:
        """The one read scope of sites, shared by pages and API (403 without the permission)."""
        return restrict(self, user, VIEW_SITE, customer_field="customer")


class Site(models.Model):
    """A building (an office tower, a hospital, a mall) whose systems the branch looks after."""

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="sites", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["branch", "name"], name="site_branch_name")]

    def __str__(self) -> str:
        return self.name


class SystemQuerySet(models.QuerySet["System"]):
    def visible_to(self, user: object) -> models.QuerySet[System]:
        return restrict(
            self, user, VIEW_SITE, branch_field="site__branch",
            customer_field="site__customer",
        )  # fmt: skip


class System(models.Model):
    """A subsystem installed at a site; acceptance starts its warranty (BS-5)."""

    Kind = SystemKind

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="systems", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SystemKind.choices)
    name = models.CharField(_("name"), max_length=200)
    key = models.BooleanField(
        _("key system"),
        default=False,
        help_text=_("Key systems need at least two trained people on the owner's side (BS-2)."),
    )
    # Final acceptance (BS-5): the local date, the owner's representative who signed, and who
    # recorded it when. Set once by documents.actions.record_acceptance.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.CharField(
        _("accepted by (owner's representative)"), max_length=100, blank=True
    )
    acceptance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptance recorded by"),
    )
    acceptance_recorded_at = models.DateTimeField(
        _("acceptance recorded at"), null=True, blank=True
    )
    warranty_starts_on = models.DateField(_("warranty starts on"), null=True, blank=True)
    warranty_ends_on = models.DateField(_("warranty ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SystemQuerySet.as_manager()

    class Meta:
        verbose_name = _("system")
        verbose_name_plural = _("systems")
        ordering = ["site_id", "kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warranty_ends_on__isnull=True)
                | models.Q(warranty_ends_on__gte=models.F("warranty_starts_on")),
                name="system_warranty_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepted(self) -> bool:
        return self.accepted_on is not None


# Where an item's branch and owner are: its scope, for `visible_to` and the equipment list's
# statements (`queries.equipment_page`).
EQUIPMENT_SCOPE_PATHS = {"branch_field": "branch", "customer_field": "system__site__customer"}


class EquipmentQuerySet(models.QuerySet["Equipment"]):
    def visible_to(self, user: object) -> models.QuerySet[Equipment]:
        return restrict(self, user, VIEW_SITE, **EQUIPMENT_SCOPE_PATHS)


class Equipment(models.Model):
    """One device of a system, found by its serial and its place in the building."""

    system = models.ForeignKey(
        System,
        on_delete=models.PROTECT,
        related_name="equipment",
        verbose_name=_("system"),
        db_index=False,  # equipment_system_removed below leads with it
    )
    # The site's branch, kept on the item (a site never changes branch) so a branch's search
    # by serial is one index range, not a join per match (bench/RESULTS.md, "Installed base").
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("branch"),
        db_index=False,  # equipment_branch_serial below leads with it
    )
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    serial_key = models.CharField(max_length=100, blank=True, editable=False)
    location = models.CharField(_("location in the building"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    # The item's warranty. Filled from its system's at acceptance; an item with its own
    # (a replacement part: from its installation) keeps it, marked `own_warranty`.
    warranty_starts_on = models.DateField(_("warranty starts on"), null=True, blank=True)
    warranty_ends_on = models.DateField(_("warranty ends on"), null=True, blank=True)
    own_warranty = models.BooleanField(_("has its own warranty"), default=False)
    # A replacement keeps the item it replaced on record; the old one is marked removed.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment")
        ordering = ["system_id", "location", "name", "id"]
        indexes = [
            # Search by serial is a prefix match (LIKE 'KEY%'): on PostgreSQL only a
            # pattern-ops btree serves it under a non-C collation (equality too). With the
            # system in the index, counting the matches of a branch reads no equipment rows.
            models.Index(
                fields=["serial_key", "system"],
                name="equipment_serial_system",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            # The common case: a branch's own items by serial prefix.
            models.Index(
                fields=["branch", "serial_key"],
                name="equipment_branch_serial",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # A site page counts each system's items in service and replaced from the index.
            models.Index(fields=["system", "removed_on"], name="equipment_system_removed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warranty_ends_on__isnull=True)
                | models.Q(warranty_ends_on__gte=models.F("warranty_starts_on")),
                name="equipment_warranty_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.serial}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.serial_key = serial_key(self.serial)
        if self.branch_id is None:
            self.branch_id = self.system.site.branch_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]
