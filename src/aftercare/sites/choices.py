from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemKind(models.TextChoices):
    """The subsystems an ELV integrator hands over (BS-2 marks some of them key)."""

    CCTV = "cctv", _("CCTV")
    ACCESS_CONTROL = "access_control", _("Access control")
    FIRE_ALARM = "fire_alarm", _("Fire alarm")
    BMS = "bms", _("Building management (BMS)")
    PUBLIC_ADDRESS = "public_address", _("Public address")
    CABLING = "cabling", _("Structured cabling")
    INTERCOM = "intercom", _("Intercom")
    PARKING = "parking", _("Parking")
    OTHER = "other", _("Other")
