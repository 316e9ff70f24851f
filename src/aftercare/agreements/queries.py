"""Reads of plans agreed with owners: which version is the latest, which one is in force."""

from __future__ import annotations

from django.db.models import QuerySet

from aftercare.agreements.choices import VersionState
from aftercare.agreements.kinds import kind_of
from aftercare.agreements.models import Agreement, AgreementEvent, AgreementVersion
from aftercare.org.models import User


def visible_agreements(user: User, kind_code: str) -> QuerySet[Agreement]:
    """Plans of one kind the user may read: the kind's view permission, on the branch."""
    kind = kind_of(kind_code)
    return (
        Agreement.objects.visible_to(user, kind.view_permission)
        .filter(kind=kind_code)
        .select_related("customer", "site", "branch")
    )


def latest_version(agreement: Agreement) -> AgreementVersion:
    """The newest version, whatever its state (the one the next move acts on)."""
    version = agreement.versions.order_by("-number").first()
    assert version is not None, "every agreement is drafted with its first version"
    return version


def version_in_force(agreement: Agreement) -> AgreementVersion | None:
    """The confirmed version delivery follows now; None before the first confirmation."""
    return agreement.versions.filter(state=VersionState.CONFIRMED).order_by("-number").first()


def deliverable_version(agreement: Agreement) -> AgreementVersion | None:
    """The version delivery may follow: the latest, if the owner confirmed it. A revision
    waiting for its confirmation holds delivery back (BS-4: confirmed before delivery)."""
    latest = latest_version(agreement)
    return latest if latest.state == VersionState.CONFIRMED else None


def timeline(agreement: Agreement) -> QuerySet[AgreementEvent]:
    return agreement.events.select_related("version", "by").order_by("at", "id")
