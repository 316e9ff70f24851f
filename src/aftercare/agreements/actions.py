"""The one agreement workflow (BS-4), for every kind of plan: each move is checked against one
transition map and writes one timeline row.

draft ──edit──> draft ──submit──> submitted ──confirm──> confirmed
                                     └──reject──> draft
confirmed ──revise (a reason)──> a new version, draft; the confirmed one stays in force until
                                 the new one is confirmed, then it is superseded

A plan's moves are serialised by a lock on its agreement row, so two people cannot both submit,
confirm or revise the same version.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftercare.agreements.choices import EventKind, VersionState
from aftercare.agreements.kinds import PlanKind, kind_of
from aftercare.agreements.models import Agreement, AgreementEvent, AgreementVersion
from aftercare.agreements.queries import latest_version
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.moments import event_moment
from aftercare.org.access import ensure_allowed, ensure_owner_of, is_owner
from aftercare.org.models import Branch, User
from aftercare.signatures import png_from_base64

TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (states it may start from, the state it leads to, the timeline's word)
    "edit": ((VersionState.DRAFT,), VersionState.DRAFT, EventKind.EDITED),
    "submit": ((VersionState.DRAFT,), VersionState.SUBMITTED, EventKind.SUBMITTED),
    "confirm": ((VersionState.SUBMITTED,), VersionState.CONFIRMED, EventKind.CONFIRMED),
    "reject": ((VersionState.SUBMITTED,), VersionState.DRAFT, EventKind.REJECTED),
    # revise acts on the confirmed version and starts the next one as a draft
    "revise": ((VersionState.CONFIRMED,), VersionState.DRAFT, EventKind.REVISED),
}

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}


def _text(errors: Errors, field: str, value: str | None, limit: int, message: str) -> str:
    text = (value or "").strip()
    if not text:
        errors.add(field, message)
    elif len(text) > limit:
        errors.add(field, _("At most %(n)s characters.") % {"n": limit})
    return text


def _merged(terms: Mapping[str, Any], changes: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """The version's terms with the changes applied; a change of a term the plan does not have
    is refused by name (a misspelt term must not be dropped in silence)."""
    for name in changes:
        if name not in terms:
            errors.add(f"changes.{name}", _("This plan has no term “%(name)s”.") % {"name": name})
    return {**terms, **changes}


def _locked(
    agreement: Agreement, by: User, kind: PlanKind, *, owner_may: bool = False
) -> Agreement:
    """The plan, locked, once `by` may move it: staff with the kind's change permission in the
    plan's branch; for the owner's answer (confirm, return) also the owner's representative of
    the plan's own customer, in the portal."""
    if owner_may and is_owner(by):
        ensure_owner_of(by, agreement.customer_id)
    else:
        ensure_allowed(by, kind.change_permission, agreement.branch)
    return Agreement.objects.select_for_update().select_related("branch").get(pk=agreement.pk)


def _check_move(version: AgreementVersion, action: str, at: datetime) -> None:
    sources, _target, _word = TRANSITIONS[action]
    if version.state not in sources:
        raise Conflict(
            _("Version %(number)s is “%(state)s”: it cannot be moved that way.")
            % {"number": version.number, "state": version.get_state_display()},
            code="invalid_transition",
        )
    last = version.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and at < last:
        message = _("This cannot happen before the plan's last step.")
        raise InvalidInput(message, fields={"at": [message]})


def _log(
    version: AgreementVersion, kind: str, *, by: User, at: datetime, from_state: str = "",
    person: str = "", note: str = "",
) -> AgreementEvent:  # fmt: skip
    return AgreementEvent.objects.create(
        agreement_id=version.agreement_id, version=version, kind=kind, from_state=from_state,
        to_state=version.state, at=at, by=by, person=person, note=note,
    )  # fmt: skip


def _move(
    version: AgreementVersion, action: str, *, by: User, at: datetime, person: str = "",
    note: str = "",
) -> AgreementVersion:  # fmt: skip
    _check_move(version, action, at)
    _sources, target, word = TRANSITIONS[action]
    before = version.state
    version.state = target
    _log(version, word, by=by, at=at, from_state=before, person=person, note=note)
    return version


@transaction.atomic
def draft(
    kind_code: str,
    *,
    by: User,
    branch: Branch,
    customer: Any,
    title: str,
    terms: Mapping[str, Any],
    site: Any = None,
    at: datetime | None = None,
) -> Agreement:
    """A new plan with its first version as a draft; the kind's app adds its own row (same id)
    in the same transaction. The terms are checked by the kind (BS-3: a training plan covers
    its track's topics) before anything is written."""
    kind = kind_of(kind_code)
    ensure_allowed(by, kind.change_permission, branch)
    moment = event_moment(at)
    agreement = Agreement(
        kind=kind_code, organisation=branch.organisation, branch=branch, customer=customer,
        site=site, title=title[:200], created_at=moment, created_by=by,
    )  # fmt: skip
    errors = Errors()
    clean = kind.clean_terms(agreement, terms, errors)
    errors.raise_if_any(_("The plan cannot be drafted."))
    agreement.save()
    version = AgreementVersion.objects.create(
        agreement=agreement, number=1, terms=clean, drafted_at=moment, drafted_by=by
    )
    _log(version, EventKind.DRAFTED, by=by, at=moment)
    return agreement


@transaction.atomic
def edit(
    agreement: Agreement, *, by: User, changes: Mapping[str, Any], at: datetime | None = None
) -> AgreementVersion:
    """Change the terms of the plan's draft (before the owner has seen them)."""
    kind = kind_of(agreement.kind)
    agreement = _locked(agreement, by, kind)
    moment = event_moment(at)
    version = latest_version(agreement)
    _check_move(version, "edit", moment)
    errors = Errors()
    clean = kind.clean_terms(agreement, _merged(version.terms, changes, errors), errors)
    errors.raise_if_any(_("The draft cannot be changed."))
    version.terms = clean
    version.save(update_fields=["terms"])
    _move(version, "edit", by=by, at=moment)
    return version


@transaction.atomic
def submit(agreement: Agreement, *, by: User, at: datetime | None = None) -> AgreementVersion:
    """The draft goes to the owner's representative; its terms are frozen from now on."""
    kind = kind_of(agreement.kind)
    agreement = _locked(agreement, by, kind)
    moment = event_moment(at)
    version = latest_version(agreement)
    _move(version, "submit", by=by, at=moment)
    version.submitted_at = moment
    version.save(update_fields=["state", "submitted_at"])
    return version


def _scan(data: bytes | None, name: str, errors: Errors) -> tuple[bytes | None, str]:
    if not data:
        return None, ""
    if len(data) > MAX_SCAN_BYTES:
        errors.add("scan", _("The file is too large (at most %(mb)s MB).") % {"mb": 10})
        return None, ""
    for magic, extension in SCAN_MAGIC.items():
        if data.startswith(magic):
            return data, (name or f"confirmation.{extension}")[-200:]
    errors.add("scan", _("Send the scanned confirmation as PDF, PNG or JPEG."))
    return None, ""


@transaction.atomic
def confirm(
    agreement: Agreement,
    *,
    by: User,
    confirmed_by: str,
    at: datetime | None = None,
    signature_png: str | None = None,
    scan: bytes | None = None,
    scan_name: str = "",
) -> AgreementVersion:
    """The owner's representative confirmed the submitted version: their name, the moment, and
    their signature drawn on screen or a scanned confirmation (one of the two is required).

    The version confirmed before it is superseded, and the kind starts delivery (a maintenance
    plan schedules its visits; a training plan may hold sessions). The owner's representative
    may confirm in the portal themselves (`by` is then their own login)."""
    kind = kind_of(agreement.kind)
    agreement = _locked(agreement, by, kind, owner_may=True)
    moment = event_moment(at)
    version = latest_version(agreement)
    errors = Errors()
    person = _text(errors, "confirmed_by", confirmed_by, 100, _("Who confirmed the plan?"))
    png = png_from_base64(signature_png, errors, required=False)
    scanned, scanned_name = _scan(scan, scan_name, errors)
    if not errors and png is None and scanned is None:
        errors.add(
            "signature_png", _("The owner's signature is required (drawn, or a scanned page).")
        )
    if version.submitted_at is not None and moment < version.submitted_at:
        errors.add("at", _("A plan cannot be confirmed before it was submitted."))
    if version.state == VersionState.SUBMITTED:
        errors.raise_if_any(_("The confirmation cannot be recorded."))
    _move(version, "confirm", by=by, at=moment, person=person)
    version.confirmed_at, version.confirmed_by, version.recorded_by = moment, person, by
    stem = f"plan-{agreement.pk}-v{version.number}"
    if png is not None:
        version.signature.save(f"{stem}.png", ContentFile(png), save=False)
    if scanned is not None:
        version.scan.save(f"{stem}-{scanned_name}", ContentFile(scanned), save=False)
        version.scan_name = scanned_name
    version.save()
    for earlier in agreement.versions.filter(state=VersionState.CONFIRMED).exclude(pk=version.pk):
        earlier.state, earlier.superseded_at = VersionState.SUPERSEDED, moment
        earlier.save(update_fields=["state", "superseded_at"])
        _log(earlier, EventKind.SUPERSEDED, by=by, at=moment, from_state=VersionState.CONFIRMED)
    kind.confirmed(agreement, version, by=by, at=moment)
    return version


@transaction.atomic
def reject(
    agreement: Agreement, *, by: User, person: str, reason: str, at: datetime | None = None
) -> AgreementVersion:
    """The owner's representative returned the submitted version, saying why: it is a draft
    again, to be changed and submitted anew (in the portal, by the representative's login)."""
    kind = kind_of(agreement.kind)
    agreement = _locked(agreement, by, kind, owner_may=True)
    moment = event_moment(at)
    version = latest_version(agreement)
    errors = Errors()
    who = _text(errors, "person", person, 100, _("Who returned the plan?"))
    why = _text(errors, "reason", reason, 2000, _("Say why the plan was returned."))
    if version.state == VersionState.SUBMITTED:
        errors.raise_if_any(_("The plan cannot be returned."))
    _move(version, "reject", by=by, at=moment, person=who, note=why)
    version.submitted_at = None
    version.save(update_fields=["state", "submitted_at"])
    return version


@transaction.atomic
def revise(
    agreement: Agreement,
    *,
    by: User,
    reason: str,
    changes: Mapping[str, Any],
    at: datetime | None = None,
) -> AgreementVersion:
    """A change after confirmation: a new version (a draft, with the reason) that the owner must
    confirm again (BS-4). The confirmed version stays as it was; the kind holds back delivery of
    what the change touches until the new version is confirmed."""
    kind = kind_of(agreement.kind)
    agreement = _locked(agreement, by, kind)
    moment = event_moment(at)
    current = latest_version(agreement)
    if current.state != VersionState.CONFIRMED:
        raise Conflict(
            _("Version %(number)s is not confirmed yet: change it instead of revising the plan.")
            % {"number": current.number},
            code="invalid_transition",
        )
    _check_move(current, "revise", moment)
    errors = Errors()
    why = _text(errors, "reason", reason, 2000, _("Say why the plan changes."))
    clean = kind.clean_terms(agreement, _merged(current.terms, changes, errors), errors)
    if not errors and clean == current.terms:
        errors.add("reason", _("The new version would be the same as version %(n)s.") % {
            "n": current.number})  # fmt: skip
    errors.raise_if_any(_("The plan cannot be revised."))
    version = AgreementVersion.objects.create(
        agreement=agreement, number=current.number + 1, terms=clean, reason=why,
        drafted_at=moment, drafted_by=by,
    )  # fmt: skip
    _log(version, EventKind.REVISED, by=by, at=moment, from_state=VersionState.CONFIRMED, note=why)
    kind.revised(agreement, version, by=by, at=moment)
    return version
