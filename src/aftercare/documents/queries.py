"""Reads of the handover archive, each scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from aftercare.documents.choices import REQUIRED_KINDS, DocumentKind
from aftercare.documents.models import DocumentVersion
from aftercare.org.access import restrict
from aftercare.org.models import User
from aftercare.sites.models import Site, System


def visible_documents(user: User) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.visible_to(user).select_related("uploaded_by")


def get_document_for(user: User, pk: int) -> DocumentVersion:
    """A version the user may read (DoesNotExist → 404 for anything else)."""
    return visible_documents(user).get(pk=pk)


def get_system_for(user: User, pk: int) -> System:
    """A system whose archive the user may read: both permissions, the system's branch."""
    systems = restrict(System.objects.all(), user, "documents.view_documentversion",
                       branch_field="site__branch")  # fmt: skip
    return (
        System.objects.visible_to(user)
        .filter(pk__in=systems.values("pk"))
        .select_related("site__customer", "site__branch__organisation", "acceptance_recorded_by")
        .get(pk=pk)
    )


def get_site_for(user: User, pk: int) -> Site:
    sites = restrict(Site.objects.all(), user, "documents.view_documentversion")
    return Site.objects.visible_to(user).filter(pk__in=sites.values("pk")).get(pk=pk)


@dataclass
class KindRow:
    """One kind of the checklist: its versions, newest first."""

    kind: str
    label: str
    required: bool
    versions: list[DocumentVersion] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.versions)


@dataclass
class Handover:
    """BS-14 for one system: which required kinds are present and which are missing."""

    system: System
    rows: list[KindRow]

    @property
    def missing(self) -> list[str]:
        return [row.kind for row in self.rows if row.required and not row.present]

    @property
    def present(self) -> list[str]:
        return [row.kind for row in self.rows if row.present]

    @property
    def complete(self) -> bool:
        return not self.missing


def handover(system: System) -> Handover:
    """The checklist of `system`: a required kind counts once any version of it is archived
    for the system itself. Other kinds are listed when present."""
    versions = DocumentVersion.objects.filter(system=system).select_related("uploaded_by")
    by_kind: dict[str, list[DocumentVersion]] = {}
    for version in versions.order_by("kind", "title", "-version", "-id"):
        by_kind.setdefault(version.kind, []).append(version)
    rows = [
        KindRow(kind.value, str(kind.label), kind in REQUIRED_KINDS, by_kind.get(kind.value, []))
        for kind in DocumentKind
        if kind in REQUIRED_KINDS or kind.value in by_kind
    ]
    return Handover(system=system, rows=rows)


def missing_kinds(system: System) -> list[str]:
    return handover(system).missing
