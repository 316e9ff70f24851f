"""The only writers of the handover archive (BS-14) and of final acceptance (BS-5).

Every function checks its permission in the branch of the place first, collects input
problems into one ``Errors`` (422, nothing written), and runs in one transaction.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from aftercare.documents.choices import DocumentKind
from aftercare.documents.models import DocumentVersion
from aftercare.errors import Conflict, Errors
from aftercare.moments import FIRST_YEAR
from aftercare.obligations.actions import first_supervisor, open_obligation
from aftercare.org.access import ensure_allowed
from aftercare.org.models import Branch, User
from aftercare.sites.models import Equipment, Site, System
from aftercare.standard import calendar as cal
from aftercare.standard import deadlines

# The standard's own name of the generated equipment list: one title, so each generation is
# the next version of the same document whatever language the user reads.
EQUIPMENT_LIST_TITLE = "設備清單"


def max_bytes() -> int:
    return int(settings.AFTERCARE_DOCUMENT_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _place_branch(system: System | None, site: Site | None, errors: Errors) -> Branch | None:
    if (system is None) == (site is None):
        message = _("Give either a system or a site.")
        errors.add("system_id", message)
        errors.add("site_id", message)
        return None
    return system.site.branch if system is not None else site.branch  # type: ignore[union-attr]


def _check_file(file: File[Any] | None, errors: Errors) -> None:
    if file is None:
        errors.add("file", _("Choose a file."))
    elif not file.size:
        errors.add("file", _("The file is empty."))
    elif file.size > max_bytes():
        errors.add(
            "file",
            _("The file is too large (at most %(mb)s MB).") % {"mb": _megabytes(max_bytes())},
        )
    elif len(_base_name(file.name or "")) > 255:
        errors.add("file", _("The file name is too long (at most 255 characters)."))


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _digest(file: File[Any]) -> str:
    sha = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        sha.update(chunk)
    file.seek(0)
    return sha.hexdigest()


@transaction.atomic
def upload_document(
    *,
    by: User,
    kind: str,
    title: str,
    file: File[Any] | None,
    system: System | None = None,
    site: Site | None = None,
    note: str = "",
    at: datetime | None = None,
) -> DocumentVersion:
    """Archive `file` as the next version of the document (place, kind, title) — version 1 for
    a new one. Earlier versions stay as they are: nothing is ever overwritten.
    """
    errors = Errors()
    branch = _place_branch(system, site, errors)
    if branch is not None:
        ensure_allowed(by, "documents.add_documentversion", branch)
    if kind not in DocumentKind.values:
        errors.add(
            "kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(DocumentKind.values)}
        )
    title = (title or "").strip()
    if not title:
        errors.add("title", _("This field is required."))
    elif len(title) > 200:
        errors.add("title", _("At most %(n)d characters.") % {"n": 200})
    note = (note or "").strip()
    if len(note) > 500:
        errors.add("note", _("At most %(n)d characters.") % {"n": 500})
    _check_file(file, errors)
    errors.raise_if_any()
    assert branch is not None and file is not None
    # One upload at a time per place: the lock on the system's (or site's) row makes the
    # "last version + 1" below safe against a second upload of the same title.
    if system is not None:
        system = System.objects.select_for_update().get(pk=system.pk)
        same = DocumentVersion.objects.filter(system=system)
    else:
        assert site is not None
        site = Site.objects.select_for_update().get(pk=site.pk)
        same = DocumentVersion.objects.filter(site=site)
    last = same.filter(kind=kind, title=title).aggregate(last=Max("version"))["last"] or 0
    name = _base_name(file.name or "file")
    content_type = getattr(file, "content_type", None) or mimetypes.guess_type(name)[0] or ""
    version = DocumentVersion(
        branch=branch,
        system=system,
        site=site,
        kind=kind,
        title=title,
        version=last + 1,
        original_name=name,
        size=file.size,
        sha256=_digest(file),
        content_type=content_type[:100],
        note=note,
        uploaded_by=by,
        uploaded_at=at or timezone.now(),
    )
    version.file.save(name, file, save=False)
    version.save()
    return version


@transaction.atomic
def generate_equipment_list(
    *, by: User, system: System, at: datetime | None = None
) -> DocumentVersion:
    """The system's equipment register as .xlsx, archived as its next equipment list."""
    from aftercare.documents.equipment_list import equipment_workbook

    at = at or timezone.now()
    content = equipment_workbook(system, at=at)
    upload = ContentFile(content, name=f"equipment-list-{system.pk}.xlsx")
    return upload_document(
        by=by,
        system=system,
        kind=DocumentKind.EQUIPMENT_LIST,
        title=EQUIPMENT_LIST_TITLE,
        file=upload,
        note=_("Generated from the equipment register."),
        at=at,
    )


@transaction.atomic
def record_acceptance(
    *,
    by: User,
    system: System,
    accepted_on: date | None,
    accepted_by: str,
    at: datetime | None = None,
) -> System:
    """Final acceptance of `system` (BS-5): its warranty and that of its equipment start, and
    the branch supervisor must offer a maintenance contract before it ends (BS-6).

    Refused while the handover lacks a required document (BS-14), and for a system already
    accepted; nothing is written then.
    """
    from aftercare.documents.queries import handover

    branch = system.site.branch
    ensure_allowed(by, "sites.change_system", branch)
    system = System.objects.select_for_update().select_related("site__customer").get(pk=system.pk)
    if system.accepted_on is not None:
        raise Conflict(
            _("This system was already accepted on %(date)s.")
            % {"date": system.accepted_on.isoformat()},
            code="already_accepted",
        )
    organisation = branch.organisation
    at = at or timezone.now()
    errors = Errors()
    accepted_by = (accepted_by or "").strip()
    if not accepted_by:
        errors.add("accepted_by", _("Name the owner's representative who accepted the system."))
    elif len(accepted_by) > 100:
        errors.add("accepted_by", _("At most %(n)d characters.") % {"n": 100})
    if accepted_on is None:
        errors.add("accepted_on", _("This field is required."))
    elif accepted_on.year < FIRST_YEAR:
        errors.add("accepted_on", _("Choose a date between 2000 and today."))
    elif accepted_on > cal.local_date(at, organisation.tz):
        errors.add("accepted_on", _("The acceptance date cannot be in the future."))
    state = handover(system)
    if state.missing:
        missing = ", ".join(f"{kind} ({DocumentKind(kind).label})" for kind in state.missing)
        errors.add(
            "documents",
            _("The handover lacks required documents: %(missing)s.") % {"missing": missing},
        )
    if errors:
        message = None
        if "documents" in errors:
            message = _("Acceptance cannot be recorded until the handover is complete (BS-14).")
        errors.raise_if_any(message)
    assert accepted_on is not None
    ends_on = deadlines.warranty_ends_on(organisation, accepted_on)
    system.accepted_on = accepted_on
    system.accepted_by = accepted_by
    system.acceptance_recorded_by = by
    system.acceptance_recorded_at = at
    system.warranty_starts_on = accepted_on
    system.warranty_ends_on = ends_on
    system.save()
    # Each item takes the system's warranty, except a part with its own (a replacement's runs
    # from its installation, BS-5/BS-12).
    items = list(
        Equipment.objects.filter(system=system, own_warranty=False, removed_on__isnull=True)
    )
    for item in items:
        item.warranty_starts_on, item.warranty_ends_on = accepted_on, ends_on
    if items:
        bulk_update_with_history(
            items,
            Equipment,
            ["warranty_starts_on", "warranty_ends_on"],
            default_user=by,
            default_change_reason="BS-5 acceptance",
        )
    _open_contract_offer(system, ends_on=ends_on, at=at)
    return system


def _open_contract_offer(system: System, *, ends_on: date, at: datetime) -> None:
    """BS-6 for the branch's first supervisor, due N days (setting) before the last covered
    day, counted back in the rule's days (calendar, or working days where the org says so)."""
    site = system.site
    supervisor = first_supervisor(site.branch)
    if supervisor is None:
        return
    organisation = site.branch.organisation
    open_obligation(
        "BS-6",
        branch=site.branch,
        owner=supervisor,
        event_at=cal.start_of_day(ends_on, organisation.tz),
        triggered_at=at,
        customer=site.customer,
        subject=system,
        title_key="bs6_offer",
        title_params={"system": system.name, "site": site.name, "date": ends_on.isoformat()},
    )
