"""The customer archive (Form 1) and the customers' vehicles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the customers of their branch; administrators their organisation."""
        if user.is_superuser:
            return self
        if user.is_administrator:
            return self.filter(branch__organisation_id=user.organisation_id)
        return self.filter(branch_id=user.branch_id)


class Customer(models.Model):
    """A person or company served by a branch; the archive the standard asks for (DS-1)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="customers", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    followup_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_customers",
        verbose_name=_("follow-up advisor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(fields=["branch", "name"])]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """A customer's car; the plate is stored normalised (upper case, no separators)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("customer")
    )
    plate = models.CharField(_("plate"), max_length=16, db_index=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    mileage = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]

    def __str__(self) -> str:
        return self.plate
