"""Read side of org/: who may see whom, and who stands in for whom."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from aftercare.org.access import ANY_BRANCH, is_signed_in, scoped
from aftercare.org.models import Absence, Branch, User
from aftercare.statements import Prepared

VIEW_STAFF = "org.view_user"
# Supervisors plan stand-ins (DS-10) and hand work on for the staff of their branch.
MANAGE_STAFF = "org.manage_branch_staff"


# What `str(user)` reads: the name a page shows for a member of staff.
STAFF_NAME = ("display_name", "first_name", "last_name", "username")


def staff_columns(relation: str) -> list[str]:
    """The columns of a row's user at `relation` that `StaffNames.name` reads: a list shows
    who did what from its own statement's join, without the user rows as instances."""
    return [f"{relation}__{field}" for field in STAFF_NAME]


class StaffNames:
    """Names of the staff in a list, read as columns of the list's own statement."""

    def __init__(self) -> None:
        self._names: dict[tuple[Any, ...], str] = {}

    def name(self, row: dict[str, Any], relation: str) -> str:
        """`str()` of the user whose columns `row` holds (removed from it); "" for none."""
        values = tuple(row.pop(f"{relation}__{field}") for field in STAFF_NAME)
        if values[-1] is None:  # no user (the username is never empty)
            return ""
        if values not in self._names:
            self._names[values] = str(User(**dict(zip(STAFF_NAME, values, strict=True))))
        return self._names[values]


def visible_users(user: User) -> QuerySet[User]:
    """Administrators see their organisation; supervisors their branch; others themselves."""
    qs = User.objects.filter(is_active=True).select_related("branch").order_by("username")
    if not is_signed_in(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.has_perm(ANY_BRANCH):
        # Q, not a keyword: a None id must match staff without an organisation, as it always did.
        return qs.filter(Q(organisation_id=user.organisation_id))
    if user.has_perm(VIEW_STAFF):
        return qs.filter(Q(branch_id=user.branch_id))
    return qs.filter(pk=user.pk)


def staff_for(user: User) -> QuerySet[User]:
    """The staff pages' list, the inactive included (they can be reactivated): administrators
    see their organisation, supervisors their branch (read-only); 403 for everyone else."""
    if not is_signed_in(user) or not user.has_perm(VIEW_STAFF):
        raise PermissionDenied(_("You are not allowed to see this."))
    qs = User.objects.select_related("branch").prefetch_related("groups")
    qs = qs.order_by("-is_active", "branch__code", "username")
    if user.is_superuser:
        return qs
    # Without an organisation or branch of one's own there is nobody to list (never "IS NULL").
    if user.has_perm(ANY_BRANCH):
        org_id = user.organisation_id
        return qs.none() if org_id is None else qs.filter(organisation_id=org_id)
    branch_id = user.branch_id
    return qs.none() if branch_id is None else qs.filter(branch_id=branch_id)


def branches_for(user: User) -> QuerySet[Branch]:
    """The branches `user` works in: their own, or their organisation's for administrators."""
    return scoped(Branch.objects.select_related("organisation"), user, branch_field="")


def staff_directory(user: User) -> QuerySet[User]:
    """The staff list of the API and the team page: only for who may see staff (403 else)."""
    if not is_signed_in(user) or not user.has_perm(VIEW_STAFF):
        raise PermissionDenied(_("You are not allowed to see this."))
    return visible_users(user)


def can_manage(actor: User, staff: User) -> bool:
    """Whether `actor` may record absences, reassign work, … for `staff`."""
    if not is_signed_in(actor) or not actor.has_perm(MANAGE_STAFF):
        return False
    if actor.is_superuser:
        return True
    if actor.has_perm(ANY_BRANCH):
        return staff.organisation_id == actor.organisation_id
    return staff.branch_id is not None and staff.branch_id == actor.branch_id


def absent_colleagues(stand_in: User, at: datetime) -> list[int]:
    """Ids of the staff whose work `stand_in` carries at the moment `at` (DS-10)."""
    return list(
        Absence.objects.active(at).filter(stand_in=stand_in).values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class Cover:
    """Who stands in for whom around one user at one moment (DS-10)."""

    colleagues: list[int]  # whose work the user carries now
    acting: dict[int, int]  # owner → stand-in now, for the user and those colleagues


OWN_AND_CARRIED_ABSENCES = Prepared(
    lambda user, at: (
        Absence.objects.active(at)
        .filter(Q(user_id=user) | Q(stand_in_id=user))
        .order_by("starts_at")
        .values_list("user_id", "stand_in_id")
    ),
    user=int,
    at=datetime,
)


def cover_of(user: User, at: datetime) -> Cover:
    """`absent_colleagues(user)` and `acting_owners([user, *colleagues])`, asked together by
    the worklist on every request: one statement (the user's own absence and the absences
    they stand in for), and a second only when somebody's work is carried by the user."""
    rows = OWN_AND_CARRIED_ABSENCES.run(user=user.pk, at=at)
    colleagues = sorted({owner for owner, stand_in in rows if stand_in == user.pk})
    if colleagues:  # their other absences too, as acting_owners reads them
        active = Absence.objects.active(at).order_by("starts_at")
        rows = list(
            active.filter(Q(user=user) | Q(user_id__in=colleagues)).values_list(
                "user_id", "stand_in_id"
            )
        )
    acting = dict(rows)  # owner → stand-in; the latest start wins
    return Cover(colleagues, acting)


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


def desks_of(user: User) -> frozenset[str]:
    """The desks ("DS", "BS") whose pages the user works in.

    A user of a branch works in the desks that branch runs; a user without a branch (an
    organisation's administrator) in every desk one of its branches runs.
    """
    if user.branch_id is not None and user.branch is not None:
        return user.branch.desks
    if user.organisation_id is None:
        return frozenset()
    desks: set[str] = set()
    for branch in Branch.objects.filter(organisation_id=user.organisation_id):
        desks |= branch.desks
    return frozenset(desks)


def _unread(user: int) -> QuerySet[Any, dict[str, Any]]:
    """The user's unread notifications, counted (no row when there are none). The model is
    reached through the user's relation: org names no app above it."""
    notifications = User.notifications.rel.related_model._default_manager
    rows = notifications.filter(recipient_id=user, read_at__isnull=True).order_by()
    counted: QuerySet[Any, dict[str, Any]] = rows.values("recipient_id").annotate(
        unread=Count("pk")
    )
    return counted


_UNREAD = Prepared(_unread, user=int)  # the menu bar of every page asks


def unread_notices(user_id: int) -> int:
    """How many notifications `user_id` has not read yet (one statement compiled once)."""
    rows = _UNREAD.run(user=user_id)
    return int(rows[0]["unread"]) if rows else 0
