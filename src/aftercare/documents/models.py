"""The handover archive (BS-14): versioned documents of a site or of one of its systems.

A version is written once and never changed or deleted: uploading a file with the same place,
kind and title makes the next version (``documents.actions.upload_document``), so every
version stays downloadable. The file goes through Django's storage API (the default storage:
local under ``var/media`` unless configured otherwise).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftercare.documents.choices import DocumentKind
from aftercare.errors import Conflict
from aftercare.org.access import is_owner, restrict

FROZEN_MESSAGE = _("A document version is archived: upload a new version instead.")


def stored_name(instance: DocumentVersion, filename: str) -> str:
    """Where the storage keeps a version: a fresh name per upload (the original name is kept
    on the row), so no upload can ever replace another one's file."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{instance.branch_id}/{uuid.uuid4().hex}{suffix}"


class DocumentVersionQuerySet(models.QuerySet["DocumentVersion"]):
    def visible_to(self, user: object) -> models.QuerySet[DocumentVersion]:
        """The one read scope of documents, shared by pages, downloads and the API. An owner's
        representative reads their own company's: of its sites, and of its sites' systems."""
        if is_owner(user):
            customer_id = getattr(user, "customer_id", None)
            return self.filter(
                Q(site__customer_id=customer_id) | Q(system__site__customer_id=customer_id)
            )
        return restrict(self, user, "documents.view_documentversion")


class DocumentVersion(models.Model):
    """One uploaded version of a handover document of a site or of a system."""

    Kind = DocumentKind

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("site"),
    )
    system = models.ForeignKey(
        "sites.System",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("system"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=stored_name, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["kind", "title", "-version", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=False, system__isnull=True)
                | models.Q(site__isnull=True, system__isnull=False),
                name="document_site_or_system",
            ),
            models.UniqueConstraint(
                fields=["system", "kind", "title", "version"],
                condition=models.Q(system__isnull=False),
                name="document_system_version_unique",
            ),
            models.UniqueConstraint(
                fields=["site", "kind", "title", "version"],
                condition=models.Q(site__isnull=False),
                name="document_site_version_unique",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="document_version_1"),
        ]
        indexes = [
            models.Index(fields=["system", "kind"], name="document_system_kind"),
            models.Index(fields=["site", "kind"], name="document_site_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Written once: a version in the archive is never changed (a correction is a new one).
        if not self._state.adding:
            raise Conflict(FROZEN_MESSAGE, code="document_archived")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Conflict(FROZEN_MESSAGE, code="document_archived")

    @property
    def place(self) -> models.Model:
        return self.system if self.system_id is not None else self.site  # type: ignore[return-value]
