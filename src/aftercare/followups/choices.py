from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUT = "out", _("Outbound")
    IN = "in", _("Inbound")


class Purpose(models.TextChoices):
    FIRST_FOLLOWUP = "first_followup", _("First follow-up")
    SECOND_FOLLOWUP = "second_followup", _("Second follow-up")
    CAMPAIGN_NOTICE = "campaign_notice", _("Campaign notice")
    MAINTENANCE_REMINDER = "maintenance_reminder", _("Maintenance reminder")
    CONSULTATION = "consultation", _("Inbound consultation")
    COMPLAINT = "complaint", _("Inbound complaint")
    # Telling the customer the solution of what they raised (DS-5) is a call like any other.
    ITEM_REPLY = "item_reply", _("Reply to a raised item")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    """The seven things a follow-up call covers, in the standard's order."""

    USAGE_AND_OPINION = "usage_and_opinion", _("How the car is doing; opinion of our service")
    NEW_NEEDS = "new_needs", _("New service needs")
    CAR_CARE_TIPS = "car_care_tips", _("Car-use knowledge and precautions")
    NEW_SERVICES = "new_services", _("Our recent and new services")
    EVENTS_AND_OFFERS = "events_and_offers", _("Upcoming promotions and club events")
    CONSULTATION = "consultation", _("Consultation")
    VISIT = "visit", _("A visit to the customer")


class PlanTopic(models.TextChoices):
    """What the next-service plan may put on the next call (DS-2)."""

    MAINTENANCE_DUE = "maintenance_due", _("Scheduled maintenance due")
    OPEN_ITEMS = "open_items", _("Follow up open requests and complaints")
    CAMPAIGN = "campaign", _("Invite to an event or promotion")
    FREE_INSPECTION = "free_inspection", _("Invite to a free inspection")
    REPAIR_REMINDER = "repair_reminder", _("Remind of a recommended repair")
    WARRANTY_ENDING = "warranty_ending", _("Warranty ending")
    SATISFACTION = "satisfaction", _("Ask about satisfaction with the last visit")


UNREACHABLE_AFTER = 3  # failed attempts before DS-3 may be closed as unreachable
