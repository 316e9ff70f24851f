"""Repair orders (check-in, pick-up), the service catalogue and consultation visits."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ServiceItem(models.Model):
    """A line of the service catalogue; maintenance items move the next maintenance due."""

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance")
        PACKAGE = "package", _("Maintenance package")
        REPAIR = "repair", _("Repair")
        INSPECTION = "inspection", _("Inspection")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.CASCADE, related_name="service_items"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="service_item_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_maintenance(self) -> bool:
        return self.kind in (self.Kind.MAINTENANCE, self.Kind.PACKAGE)


class RepairOrder(models.Model):
    """A vehicle's visit to the workshop: check-in opens DS-1/DS-2, pick-up opens DS-3."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    vehicle = models.ForeignKey(
        "customers.Vehicle", on_delete=models.PROTECT, related_name="repair_orders"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="repair_orders"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("service advisor"),
    )  # fmt: skip
    checked_in_at = models.DateTimeField(_("checked in at"))
    mileage = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    description = models.TextField(_("customer's description"), blank=True)
    items = models.ManyToManyField(ServiceItem, related_name="+", blank=True)
    # Work the catalogue does not list ("replace the left mirror"), typed at check-in; one line
    # per item, shown beside the catalogue items wherever the order's items are shown.
    extra_items = models.JSONField(_("other service items"), default=list, blank=True)
    # The number the shop's own dealer system gave the order; optional, unique in a branch.
    shop_order_number = models.CharField(_("repair-order no."), max_length=30, blank=True)
    # The workshop has finished: the car waits on the board for the customer to collect it.
    ready_at = models.DateTimeField(_("ready for pick-up at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        verbose_name = _("repair order")
        verbose_name_plural = _("repair orders")
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-checked_in_at"], name="ro_customer"),
            models.Index(fields=["vehicle", "-checked_in_at"], name="ro_vehicle"),
            models.Index(fields=["branch", "-checked_in_at"], name="ro_branch"),
            # The board: the branch's cars still in the shop.
            models.Index(
                fields=["branch", "checked_in_at"],
                condition=Q(picked_up_at__isnull=True),
                name="ro_in_shop",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(picked_up_at__isnull=True) | Q(picked_up_at__gte=F("checked_in_at")),
                name="ro_pickup_after_checkin",
            ),
            models.CheckConstraint(
                condition=Q(ready_at__isnull=True) | Q(ready_at__gte=F("checked_in_at")),
                name="ro_ready_after_checkin",
            ),
            models.UniqueConstraint(
                fields=["branch", "shop_order_number"],
                condition=~Q(shop_order_number=""),
                name="ro_shop_order_number",
            ),
        ]

    def __str__(self) -> str:
        return f"RO-{self.pk} {self.vehicle}"

    @property
    def includes_maintenance(self) -> bool:
        return any(item.is_maintenance for item in self.items.all())

    @property
    def item_names(self) -> list[str]:
        """Catalogue items by name, then the free-text ones, as printed and listed."""
        return [item.name for item in self.items.all()] + list(self.extra_items or [])


class ConsultationChannel(models.TextChoices):
    """Named apart from messaging's `Channel`: the OpenAPI document names schemas by class, and
    two `Channel`s made it offer "sms" for a consultation."""

    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")


class Consultation(models.Model):
    """A walk-in or phone consultation without a repair order (opens DS-1, DS-2, DS-3)."""

    Channel = ConsultationChannel

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="consultations"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The vehicle talked about, if any: its pending first follow-up moves to this visit (DS-3).
    vehicle = models.ForeignKey(
        "customers.Vehicle", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WALK_IN
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.customer} {self.occurred_at:%Y-%m-%d}"
