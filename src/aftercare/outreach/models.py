"""Campaigns and their targets (DS-7, DS-7L); letters and the letter register (DS-9)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.outreach.choices import BatchStatus, BatchWho, CampaignKind, LetterKind
from aftercare.records.models import Amendment


class Campaign(models.Model):
    """An event or offer the branch phones its customers about two weeks ahead (DS-7)."""

    Kind = CampaignKind

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, related_name="campaigns"
    )
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    content = models.TextField(_("content"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The target filters as entered (or {"customer_ids": [...]}); see outreach/targets.py.
    filters = models.JSONField(_("target filters"), default=dict, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    notices_late = models.BooleanField(_("notices late"), default=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("scheduled by"),
    )  # fmt: skip
    # A big campaign is scheduled by the worker: the page polls these while it runs.
    schedule_requested_at = models.DateTimeField(null=True, blank=True)
    schedule_total = models.PositiveIntegerField(default=0)
    schedule_failure = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="campaign_branch_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One customer a campaign reaches out to, with what came of it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="targets")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="campaign_targets"
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    letter_sent_at = models.DateTimeField(_("letter sent at"), null=True, blank=True)
    replied = models.BooleanField(_("replied"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id}"


class Letter(models.Model):
    """A letter sent and its letter-register line (DS-9). Append-only: see LetterAmendment."""

    Kind = LetterKind

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+")
    register_number = models.CharField(_("register no."), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="letters",
        verbose_name=_("customer"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_sent",
        verbose_name=_("sent by"),
    )  # fmt: skip
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="letters",
        verbose_name=_("campaign"),
    )  # fmt: skip
    raised_item = models.ForeignKey(
        "cases.RaisedItem", on_delete=models.PROTECT, null=True, blank=True,
        related_name="letters", verbose_name=_("raised item"),
    )  # fmt: skip
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["branch", "sent_at"], name="letter_branch_sent"),
            models.Index(fields=["customer", "-sent_at"], name="letter_customer"),
        ]

    def __str__(self) -> str:
        return self.register_number


class LetterAmendment(Amendment):
    """A correction of a letter-register line that keeps the original value."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="amendments")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("amended by"),
    )  # fmt: skip
    at = models.DateTimeField(_("amended at"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter amendment")
        verbose_name_plural = _("letter amendments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.letter} {self.field}"


class NoticeCall(models.Model):
    """Links a campaign-notice call (DS-7) to its campaign; the call register stays as it is."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.PROTECT, related_name="calls")
    call = models.OneToOneField(
        "followups.Call", on_delete=models.PROTECT, related_name="campaign_notice"
    )

    class Meta:
        verbose_name = _("campaign-notice call")
        verbose_name_plural = _("campaign-notice calls")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.target} {self.call}"


class LetterBatch(models.Model):
    """A campaign's letters prepared by the worker as one .docx, one PDF and address labels.

    The target list is frozen when the batch is asked for (`customer_ids`), so what is printed,
    and later recorded as sent, is the same list. A job log: kept, never edited by hand, so it
    needs no history of its own.
    """

    Who = BatchWho
    Status = BatchStatus

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="batches")
    who = models.CharField(_("letters"), max_length=4, choices=BatchWho.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind.choices)
    customer_ids = models.JSONField(default=list)
    language = models.CharField(max_length=10, default="zh-hant")
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.WAITING
    )
    total = models.PositiveIntegerField(_("letters"), default=0)
    # Letters drawn so far, counted over the three files (.docx, PDF, labels): 3 × total at
    # the end.
    steps_done = models.PositiveIntegerField(default=0)
    without_address = models.PositiveIntegerField(_("without a postal address"), default=0)
    # Targets left out because they have no postal address: when the batch was asked for (no
    # letter or label is drawn for them) or, found when it was recorded, their line is not
    # written. The page lists them with a link to fix the address.
    skipped_customer_ids = models.JSONField(default=list, blank=True)
    recorded_count = models.PositiveIntegerField(_("letters recorded"), default=0)
    failure = models.CharField(max_length=300, blank=True)
    # File names under MEDIA_ROOT/outreach/batches/<id>/ once ready: {"docx": …, "pdf": …,
    # "labels": …}.
    files = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("asked for by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    # A big batch is recorded as posted by the worker: the moment and who asked, until done.
    record_sent_at = models.DateTimeField(null=True, blank=True)
    record_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    record_failure = models.CharField(max_length=500, blank=True)
    # The language of whoever asked for the recording: the worker words a refusal in it.
    record_language = models.CharField(max_length=10, blank=True)
    recorded_at = models.DateTimeField(_("recorded as sent at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("recorded as sent by"),
    )  # fmt: skip

    FILES = ("docx", "pdf", "labels")

    class Meta:
        verbose_name = _("batch of letters")
        verbose_name_plural = _("batches of letters")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_who_display()}"

    def skipped_customers(self):
        """The targets left out for want of a postal address, in the batch's order."""
        from aftercare.customers.models import Customer

        by_id = Customer.objects.in_bulk(self.skipped_customer_ids)
        return [by_id[pk] for pk in self.skipped_customer_ids if pk in by_id]

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.WAITING, BatchStatus.RUNNING)

    @property
    def is_recording(self) -> bool:
        return bool(self.record_sent_at and not self.recorded_at and not self.record_failure)

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.steps_done * 100 // (len(self.FILES) * self.total))
