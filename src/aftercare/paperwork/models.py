from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.paperwork.choices import ExportForm, ExportStatus


class ExportJob(models.Model):
    """A register's PDF too long to draw inside a request, drawn by the worker in parts.

    A job log entry, not a business record: it needs no history; its file is deleted after a
    while (tick) and the row stays, marked expired.
    """

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    form = models.PositiveSmallIntegerField(_("form"), choices=ExportForm.choices)
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    lines_total = models.PositiveIntegerField(_("lines"), default=0)
    lines_done = models.PositiveIntegerField(_("lines drawn"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    # Relative to the exports folder (paperwork.actions.exports_dir); empty until done.
    path = models.CharField(_("file"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF export")
        verbose_name_plural = _("PDF exports")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_branch_exports", _("Can fetch the register files the branch's staff asked for"))
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="exportjob_creator_created"),
            models.Index(fields=["branch", "-created_at"], name="exportjob_branch_created"),
            models.Index(fields=["status", "finished_at"], name="exportjob_status_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.start}–{self.end} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.lines_total:
            return 0
        # 100 % only when the file is there: joining the parts takes a few seconds more.
        return min(99, self.lines_done * 100 // self.lines_total)
