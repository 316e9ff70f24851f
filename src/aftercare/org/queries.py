"""Read side of org/: who may see whom, and who stands in for whom."""

from collections.abc import Mapping
from datetime import datetime

from django.db.models import Q, QuerySet

from aftercare.org.models import Absence, User


def visible_users(user: User) -> QuerySet[User]:
    """Administrators see their organisation; supervisors their branch; others themselves."""
    qs = User.objects.filter(is_active=True).select_related("branch").order_by("username")
    if user.is_superuser:
        return qs
    if user.is_administrator:
        # Q, not a keyword: a None id must match staff without an organisation, as it always did.
        return qs.filter(Q(organisation_id=user.organisation_id))
    if user.is_supervisor:
        return qs.filter(Q(branch_id=user.branch_id))
    return qs.filter(pk=user.pk)


def can_manage(actor: User, staff: User) -> bool:
    """Whether `actor` may record absences, reassign work, … for `staff`."""
    if actor.is_superuser:
        return True
    if actor.is_administrator:
        return staff.organisation_id == actor.organisation_id
    return actor.is_supervisor and staff.branch_id == actor.branch_id


def absent_colleagues(stand_in: User, at: datetime) -> list[int]:
    """Ids of the staff whose work `stand_in` carries at the moment `at` (DS-10)."""
    return list(
        Absence.objects.active(at).filter(stand_in=stand_in).values_list("user_id", flat=True)
    )


def acting_owners(owner_ids: list[int], at: datetime) -> dict[int, int]:
    """Map absent owners to their stand-in at `at`; owners at work map to nobody."""
    rows = Absence.objects.active(at).filter(user_id__in=owner_ids).order_by("starts_at")
    return {row.user_id: row.stand_in_id for row in rows}


PAST_ABSENCES_SHOWN = 20


def absences_around(
    staff: QuerySet[User], now: datetime, open_work: Mapping[int, int]
) -> tuple[list[Absence], list[Absence]]:
    """Current and upcoming absences first (soonest first), then the most recent past ones,
    each upcoming one with the count of open work that moves to the stand-in.

    `open_work` (owner id → open obligations) comes from the caller: obligations build on org,
    so org's queries do not read obligations themselves.
    """
    qs = Absence.objects.filter(user__in=staff, cancelled_at__isnull=True).select_related(
        "user", "stand_in", "recorded_by"
    )
    ahead = list(qs.filter(ends_at__gt=now).order_by("starts_at", "id"))
    past = list(qs.filter(ends_at__lte=now).order_by("-ends_at", "-id")[:PAST_ABSENCES_SHOWN])
    for absence in ahead:
        absence.current = absence.starts_at <= now
        absence.open_work = open_work.get(absence.user_id, 0)
    return ahead, past
