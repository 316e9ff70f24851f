"""Demo handover archives for the building-systems branches the sites demo created.

Through the real actions: most systems get their five required documents (the equipment list
generated from the register), one system is accepted 22 months before today (its BS-6
contract offer falls due within days: 60 days before the warranty's last day), one recently,
and the last system of each branch stays in handover with documents missing.
Does nothing where no building-systems site exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from aftercare.documents import actions
from aftercare.documents.choices import DocumentKind
from aftercare.documents.models import DocumentVersion
from aftercare.obligations.actions import first_supervisor
from aftercare.org.models import Branch, Organisation, User
from aftercare.sites.models import System
from aftercare.standard import calendar as cal
from aftercare.standard.deadlines import add_months

# Titles as an integrator files them (data, not interface text).
_TITLES = {
    DocumentKind.AS_BUILT_DRAWING: "竣工圖",
    DocumentKind.SOFTWARE_DOC: "軟件說明書",
    DocumentKind.HARDWARE_DOC: "硬件說明書",
    DocumentKind.OM_MANUAL: "操作及維護手冊",
}


def _file(system: System, kind: str) -> ContentFile[bytes]:
    text = f"{system.site.name} · {system.name}\n{_TITLES[DocumentKind(kind)]}\n"
    return ContentFile(text.encode("utf-8"), name=f"{kind}-{system.pk}.txt")


def load(organisation: Organisation, now: datetime) -> None:
    branches = Branch.objects.filter(organisation=organisation, runs_building_systems=True)
    today = cal.local_date(now, organisation.tz)
    for branch in branches.order_by("pk"):
        by = first_supervisor(branch)
        systems = list(System.objects.filter(site__branch=branch).order_by("site_id", "pk"))
        if by is None or not systems:
            continue
        with transaction.atomic():
            _load_branch(by, systems, now=now, today=today)


def _load_branch(by: User, systems: list[System], *, now: datetime, today: date) -> None:
    in_handover = systems[-1] if len(systems) > 1 else None
    complete: list[System] = []
    for index, system in enumerate(systems):
        if DocumentVersion.objects.filter(system=system).exists():
            continue  # loaded before
        kinds = list(_TITLES)
        if system is in_handover:
            kinds = kinds[:2]  # drawings and software only: hardware, O&M, equipment list missing
        at = now - timedelta(days=30 + index)
        for kind in kinds:
            actions.upload_document(
                by=by, system=system, kind=kind, title=_TITLES[kind], file=_file(system, kind),
                at=at,
            )  # fmt: skip
        if system is in_handover:
            continue
        # A corrected O&M manual: version 2 beside version 1.
        if index == 0:
            actions.upload_document(
                by=by, system=system, kind=DocumentKind.OM_MANUAL,
                title=_TITLES[DocumentKind.OM_MANUAL], file=_file(system, DocumentKind.OM_MANUAL),
                note="修訂版", at=at + timedelta(days=2),
            )  # fmt: skip
        actions.generate_equipment_list(by=by, system=system, at=at)
        complete.append(system)
    accepted_on = [
        # Its warranty ends in about two months: the BS-6 offer (60 days before) is due soon.
        add_months(today, -22) + timedelta(days=10),
        today - timedelta(days=150),
    ]
    for system, day in zip(
        [s for s in complete if s.accepted_on is None], accepted_on, strict=False
    ):
        actions.record_acceptance(
            by=by, system=system, accepted_on=day, accepted_by="業主代表 周先生", at=now
        )


def remove(organisation: Organisation) -> None:
    rows = DocumentVersion.objects.filter(branch__organisation=organisation)
    for stored in rows.values_list("file", flat=True):
        DocumentVersion.file.field.storage.delete(stored)
    rows.delete()  # a bulk delete: the model's own delete() refuses, as archives do
