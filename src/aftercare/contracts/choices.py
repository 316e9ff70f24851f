"""Choices of maintenance contracts (BS-6), shared with the hotline (BS-7, BS-8, BS-13)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FaultCategory(models.TextChoices):
    """What kind of fault a ticket reports; a contract sets targets per category (BS-8).

    The hotline reuses these codes: `line_fault` is the standard's "ordinary line fault" with
    its 4-hour fix target; the others have the targets the contract gives them.
    """

    LINE_FAULT = "line_fault", _("Ordinary line fault")
    EQUIPMENT_FAULT = "equipment_fault", _("Equipment fault")
    SOFTWARE_FAULT = "software_fault", _("Software fault")
    OTHER = "other", _("Other fault")


class ContractStatus(models.TextChoices):
    """offered → signed → active → expired; only `offered` vs signed is stored (signed_on),
    the rest follows from the dates (see `models.Contract`)."""

    OFFERED = "offered", _("Offered")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")


class CoverageKind(models.TextChoices):
    """What covers an item at a moment (`queries.coverage`)."""

    WARRANTY = "warranty", _("Warranty")
    CONTRACT = "contract", _("Maintenance contract")
    NONE = "none", _("Not covered")


WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
