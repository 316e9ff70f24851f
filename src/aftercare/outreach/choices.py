from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CLUB_EVENT = "club_event", _("Club event")
    PROMOTION = "promotion", _("Promotion")
    FREE_INSPECTION = "free_inspection", _("Free inspection week")
    DISCOUNT_MONTH = "discount_month", _("Discount service month")
    KNOWLEDGE_EVENING = "knowledge_evening", _("Car-knowledge evening")
    OTHER = "other", _("Other")


class LetterKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    INVITATION = "invitation", _("Invitation")
    REPLY = "reply", _("Reply")


class Consent(models.TextChoices):
    """Which consent a target must give: a phone notice needs a number, a letter the consent."""

    NONE = "", _("Everyone")
    PHONE = "phone", _("Can be phoned (has a phone number)")
    LETTERS = "letters", _("Consents to letters")


NOTICE_DAYS_AHEAD = 14  # DS-7: a campaign scheduled later than this is flagged (notices_late)
PREVIEW_SIZE = 20


class BatchWho(models.TextChoices):
    """Which targets a batch of letters is for: those owed a letter (DS-7L), or every target."""

    DUE = "due", _("Letters owed (DS-7L)")
    ALL = "all", _("Invitations to every target")


class BatchStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Preparing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# Letters rendered at a time (8 sheets of 24 labels): memory stays flat whatever the batch size.
BATCH_CHUNK = 192
