"""The fixed vocabularies of workshop safety (DS-12, DS-13)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EquipmentKind(models.TextChoices):
    POWDER = "powder", _("Extinguisher, dry powder")
    CO2 = "co2", _("Extinguisher, CO2")
    FOAM = "foam", _("Extinguisher, foam")
    WATER = "water", _("Extinguisher, water")
    HYDRANT = "hydrant", _("Hydrant")
    BLANKET = "blanket", _("Fire blanket")
    OTHER = "other", _("Other")


class CapacityUnit(models.TextChoices):
    KG = "kg", _("kg")
    LITRE = "L", _("L")


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    REPLACED = "replaced", _("Replaced")
    REMOVED = "removed", _("Removed")


class InspectionResult(models.TextChoices):
    OK = "ok", _("OK")
    DEFECT = "defect", _("Defect")


class DueKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    REPLACEMENT = "replacement", _("Replacement")


class DateState(models.TextChoices):
    """Where an item stands against its expiry date on a given day."""

    IN_DATE = "in_date", _("In date")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
