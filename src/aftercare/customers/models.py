"""The customer archive (Form 1 客戶檔案基本資料表) and the customers' vehicles."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.customers.choices import ContactChannel, ContactTime, PhoneLabel

PLATE_TAIL = 4

# Reading customers; `visible_to` and the search statements (`queries.search_page`) read the
# same `org.access.read_scope` of it.
VIEW_CUSTOMER = "customers.view_customer"


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The desk sees the customers of its branch; administrators their organisation's."""
        from aftercare.org.access import restrict

        return restrict(self, user, VIEW_CUSTOMER)


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Customer(models.Model):
    """A person or company served by a branch: the archive the standard asks for (DS-1)."""

    Kind = CustomerKind

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="customers", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_time = models.CharField(
        _("preferred contact time"), max_length=12, choices=ContactTime.choices, blank=True
    )
    contact_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=ContactChannel.choices, blank=True
    )
    wanted_services = models.JSONField(_("services hoped for"), default=list, blank=True)
    wanted_services_note = models.CharField(_("other wishes"), max_length=300, blank=True)
    prefers_letters = models.BooleanField(_("prefers letters"), default=False)
    consents_to_sms = models.BooleanField(_("consents to SMS"), default=False)
    consents_to_letters = models.BooleanField(_("consents to letters"), default=True)
    followup_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_customers",
        verbose_name=_("follow-up advisor"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Search keys, kept in step with `name` by the actions (see customers/names.py).
    name_key = models.CharField(max_length=200, editable=False, default="")
    name_pinyin = models.CharField(max_length=400, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    archive_complete = models.BooleanField(_("archive complete"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_key", "name_pinyin", "name_initials"])

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["branch", "name"], name="customer_branch_name"),
            models.Index(
                fields=["name_key"], name="customer_name_key", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_pinyin"], name="customer_pinyin", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_initials"],
                name="customer_initials",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["followup_advisor"], name="customer_advisor"),
            # A branch's search reads only its own customers' matches (the common case).
            *[
                models.Index(
                    fields=["branch", key],
                    name=f"customer_branch_{key}",
                    opclasses=["int8_ops", "varchar_pattern_ops"],
                )
                for key in ("name_key", "name_pinyin", "name_initials")
            ],
        ]

    def __str__(self) -> str:
        return self.name


class CustomerPhone(models.Model):
    """One of a customer's numbers, stored normalised (E.164) with search keys."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=20)
    national = models.CharField(max_length=20, editable=False)
    last4 = models.CharField(max_length=4, editable=False)
    label = models.CharField(
        _("label"), max_length=10, choices=PhoneLabel.choices, default=PhoneLabel.MOBILE
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["customer_id", "position", "id"]
        indexes = [
            models.Index(fields=["last4"], name="phone_last4"),
            models.Index(fields=["national"], name="phone_national"),
            models.Index(fields=["number"], name="phone_number"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="phone_once_per_customer")
        ]

    def __str__(self) -> str:
        return self.number


class Vehicle(models.Model):
    """A customer's car with its maintenance cycle and next maintenance due."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("customer")
    )
    plate = models.CharField(_("number plate"), max_length=16)
    plate_key = models.CharField(max_length=16, editable=False, default="")
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    mileage = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    mileage_on = models.DateField(_("mileage read on"), null=True, blank=True)
    maintenance_months = models.PositiveSmallIntegerField(
        _("maintenance cycle (months)"), null=True, blank=True
    )
    maintenance_km = models.PositiveIntegerField(_("maintenance cycle (km)"), null=True, blank=True)
    last_maintenance_on = models.DateField(_("last maintenance"), null=True, blank=True)
    last_maintenance_km = models.PositiveIntegerField(
        _("mileage at last maintenance"), null=True, blank=True
    )
    next_maintenance_on = models.DateField(_("next maintenance date"), null=True, blank=True)
    next_maintenance_km = models.PositiveIntegerField(
        _("next maintenance mileage"), null=True, blank=True
    )
    next_maintenance_overridden = models.BooleanField(
        _("next maintenance set by hand"), default=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["plate_key"])

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate", "id"]
        indexes = [
            models.Index(
                fields=["plate_key"], name="vehicle_plate_key", opclasses=["varchar_pattern_ops"]
            ),
            # The plate's last four characters: what people read off a car (京A1·2345 → 2345).
            models.Index(Right("plate_key", PLATE_TAIL), name="vehicle_plate_tail"),
            models.Index(fields=["vin"], name="vehicle_vin"),
            models.Index(fields=["next_maintenance_on"], name="vehicle_next_maintenance"),
        ]

    def __str__(self) -> str:
        return self.plate

    def projected_maintenance_on(self) -> date | None:
        """Next maintenance by date or by mileage projected from use, whichever comes first."""
        from aftercare.customers.maintenance import projected_due_date

        return projected_due_date(self)


class CustomerContact(models.Model):
    """A person to reach at a company customer (an owner's facility manager, its security
    chief): name, role and phones. The building-systems desk calls them about sites."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role or title"), max_length=100, blank=True)
    # E.164, normalised by customers.actions like the customer's own numbers.
    phones = models.JSONField(_("phones"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name
