"""An import job: one uploaded spreadsheet of customers and vehicles, validated then written."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Who may run (and see) an import of each kind.
KIND_PERMISSIONS = {"customers": "customers.add_customer", "equipment": "sites.add_equipment"}


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may import sees the branch's jobs of the kinds they may import; administrators
        their organisation's."""
        from django.core.exceptions import PermissionDenied

        from aftercare.org.access import is_signed_in, scoped

        kinds = [k for k, perm in KIND_PERMISSIONS.items() if is_signed_in(user)
                 and user.has_perm(perm)]  # fmt: skip
        if not kinds:
            raise PermissionDenied
        return scoped(self, user).filter(kind__in=kinds)


class ImportJob(models.Model):
    """A job log entry: kept for good (never deleted), so it needs no history of its own."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("Import only if every row is valid")
        VALID_ONLY = "valid_only", _("Import the valid rows, skip the others")

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers and vehicles")
        EQUIPMENT = "equipment", _("Equipment of a system")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, verbose_name=_("organisation")
    )
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("branch")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("valid rows confirmed by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CUSTOMERS)
    # The system an equipment list goes into (kind `equipment`).
    system = models.ForeignKey(
        "sites.System", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("system"),
    )  # fmt: skip
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), editable=False)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    mode = models.CharField(
        _("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    language = models.CharField(_("language of the report"), max_length=10, default="zh-hant")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    # Rows written so far while importing (shown as the progress of the write).
    written_rows = models.PositiveIntegerField(_("rows written"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows in error"), default=0)
    imported_customers = models.PositiveIntegerField(_("customers imported"), default=0)
    imported_vehicles = models.PositiveIntegerField(_("vehicles imported"), default=0)
    imported_equipment = models.PositiveIntegerField(_("equipment imported"), default=0)
    # [{"row": 7, "column": "電話", "message": "…"}], in row order.
    errors = models.JSONField(_("error report"), default=list, blank=True)
    failure = models.TextField(_("reason of the failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["branch", "-created_at"], name="importjob_branch_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {
            self.Status.UPLOADED,
            self.Status.VALIDATING,
            self.Status.IMPORTING,
        }

    @property
    def writing(self) -> bool:
        """The valid rows are being written (their count is known: `percent` says how far)."""
        return self.status == self.Status.IMPORTING and self.written_rows > 0

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if self.writing:
            return min(100, int(self.written_rows * 100 / max(1, self.valid_rows)))
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))
