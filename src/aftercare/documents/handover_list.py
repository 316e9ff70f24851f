"""The form 竣工資料移交清單 (handover list of as-built documents) for one system: each
required kind with the versions handed over, missing ones marked, and signature lines for the
integrator and the owner's representative. One template draws the page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from aftercare.documents.queries import handover
from aftercare.sites.models import System

TEMPLATE = "documents/handover_list.html"
# The standard's own name of the form (Traditional Chinese), and the reader's name beside it.
TITLE_ZH = "竣工資料移交清單"
TITLE = gettext_lazy("Handover list of as-built documents")


@dataclass
class VersionLine:
    title: str
    version: int
    uploaded_on: date
    original_name: str


@dataclass
class ListRow:
    kind: str
    label: str
    required: bool
    versions: list[VersionLine] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.versions)


@dataclass
class HandoverList:
    organisation: str
    branch: str
    site: str
    address: str
    owner: str
    system: str
    system_kind: str
    accepted_on: date | None
    accepted_by: str
    printed: str
    filename: str
    rows: list[ListRow]
    title_zh: str = TITLE_ZH

    @property
    def subtitle(self) -> str:
        """The reader's name of the form, unless it is the Chinese title itself (zh-Hant)."""
        name = str(TITLE)
        return "" if name == TITLE_ZH else name

    @property
    def missing(self) -> list[ListRow]:
        return [row for row in self.rows if row.required and not row.present]

    @property
    def complete(self) -> bool:
        return not self.missing


def build(system: System, *, at: datetime) -> HandoverList:
    site = system.site
    branch = site.branch
    tz = branch.organisation.tz
    state = handover(system)
    rows = [
        ListRow(
            kind=row.kind,
            label=row.label,
            required=row.required,
            versions=[
                VersionLine(
                    v.title,
                    v.version,
                    timezone.localtime(v.uploaded_at, tz).date(),
                    v.original_name,
                )
                for v in row.versions
            ],
        )
        for row in state.rows
    ]
    return HandoverList(
        organisation=branch.organisation.name,
        branch=branch.name,
        site=site.name,
        address=site.address,
        owner=site.customer.name,
        system=system.name,
        system_kind=str(system.get_kind_display()),
        accepted_on=system.accepted_on,
        accepted_by=system.accepted_by,
        printed=timezone.localtime(at, tz).strftime("%Y-%m-%d %H:%M"),
        filename=f"{TITLE_ZH}-{site.name}-{system.name}".replace("/", "-"),
        rows=rows,
    )
