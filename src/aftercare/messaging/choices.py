from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DEFERRED = "deferred", _("Deferred (quiet hours)")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")


# Statuses the tick picks up once `next_attempt_at` has come.
WAITING = (MessageStatus.QUEUED, MessageStatus.DEFERRED)


class SuppressReason(models.TextChoices):
    NO_CONSENT = "no_consent", _("The customer has not agreed to SMS")
    OPTED_OUT = "opted_out", _("The customer opted out of this channel")
    NO_ADDRESS = "no_address", _("No address or number on file")
