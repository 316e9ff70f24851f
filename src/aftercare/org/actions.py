"""State changes of org/: each one transaction, actor as keyword-only argument."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftercare.errors import InvalidInput, NotAllowed
from aftercare.org.access import ensure_permission
from aftercare.org.models import Absence, ApiToken, User


def create_api_token(user: User, *, name: str = "") -> str:
    """Return the raw token once; only its digest is kept."""
    raw, prefix, digest = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest)
    return raw


@transaction.atomic
def record_absence(
    user: User,
    *,
    starts_at: datetime,
    ends_at: datetime,
    stand_in: User,
    by: User,
    reason: str = "",
) -> Absence:
    """DS-10: the supervisor names a stand-in for the absent advisor."""
    from aftercare.org.queries import can_manage

    ensure_permission(by, "org.add_absence")
    if not can_manage(by, user) or not can_manage(by, stand_in):
        raise NotAllowed(_("You may only record absences for staff of your own branch."))
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = [str(_("The absence must end after it starts."))]
    if stand_in.pk == user.pk:
        errors["stand_in_id"] = [str(_("The stand-in must be someone else."))]
    if not stand_in.is_active:
        errors["stand_in_id"] = [str(_("The stand-in is not an active member of staff."))]
    if errors:
        raise InvalidInput(_("The absence cannot be recorded."), fields=errors)
    return Absence.objects.create(
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        stand_in=stand_in,
        reason=reason,
        recorded_by=by,
    )
