"""The branch check every action makes before it writes a record."""

from django.utils.translation import gettext as _

from aftercare.errors import NotAllowed
from aftercare.org.models import Branch, User


def ensure_branch_access(user: User, branch: Branch) -> None:
    """Staff work on their own branch; administrators on every branch of their organisation."""
    if user.is_superuser or (
        user.is_administrator and branch.organisation_id == user.organisation_id
    ):
        return
    if user.branch_id != branch.pk:
        raise NotAllowed(_("You may only work on customers of your own branch."))
