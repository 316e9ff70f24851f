from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactTime(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning")
    NOON = "noon", _("Midday")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
    WEEKEND = "weekend", _("Weekends")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    WECHAT = "wechat", _("WeChat / LINE")
    EMAIL = "email", _("E-mail")


class WantedService(models.TextChoices):
    """Services a customer hopes for (Form 1), offered as a checklist plus free text."""

    MAINTENANCE_REMINDER = "maintenance_reminder", _("Maintenance reminders")
    PICKUP_DELIVERY = "pickup_delivery", _("Pick-up and delivery")
    FREE_INSPECTION = "free_inspection", _("Free inspections")
    CLUB_EVENTS = "club_events", _("Club events")
    PROMOTIONS = "promotions", _("Promotions and offers")
    CAR_CARE_TIPS = "car_care_tips", _("Car-care knowledge")
    INSURANCE = "insurance", _("Insurance renewal")
    ROADSIDE = "roadside", _("Roadside assistance")


class PhoneLabel(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


VEHICLE_TYPES = [
    ("轎車", _("Saloon")),
    ("SUV", "SUV"),
    ("MPV", "MPV"),
    ("跑車", _("Sports car")),
    ("貨車", _("Van / truck")),
    ("其他", _("Other")),
]
