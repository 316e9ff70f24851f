"""Who may do what, and where: the checks every action makes and the scope every list reads.

A permission (Django's, granted to the role groups in `org/roles.py`) says *what* a user may
do; the branch says *where*. Actions call `ensure_allowed` before they write anything, so the
page, the API, an import or a task cannot disagree about who may act. Queries build their rows
from `restrict` (permission + branch) or `scoped` (branch only), so a page and its API list show
exactly the same rows to the same user.

Objects outside the user's branch are reported as missing (404) by the callers that look them up
through these scopes, so ids of other branches leak nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from aftercare.errors import NotAllowed

if TYPE_CHECKING:
    from aftercare.org.models import Branch

# Administrators work in every branch of their own organisation (and only there).
ANY_BRANCH = "org.act_in_any_branch"

M = TypeVar("M", bound=Model)


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_owner(user: Any) -> bool:
    """A building owner's representative: signed in, and bound to a customer, not a branch."""
    return is_signed_in(user) and getattr(user, "customer_id", None) is not None


def ensure_owner_of(user: Any, customer_id: int | None) -> None:
    """Refuse (403) unless `user` is the representative of this customer."""
    if not is_owner(user) or user.customer_id != customer_id:
        raise NotAllowed(_("You may only act on your own company's records."))


def ensure_permission(user: Any, permission: str, message: str | None = None) -> None:
    """Refuse (403) unless `user` holds `permission`."""
    if not is_signed_in(user) or not user.has_perm(permission):
        raise NotAllowed(message or _("You are not allowed to do this."))


def works_in(user: Any, branch: Branch) -> bool:
    """Whether `user` may work on records of `branch`."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    if user.has_perm(ANY_BRANCH):
        return bool(user.organisation_id == branch.organisation_id)
    return bool(user.branch_id == branch.pk)


def ensure_branch(user: Any, branch: Branch, message: str | None = None) -> None:
    """Refuse (403) unless `user` works in `branch`."""
    if not works_in(user, branch):
        raise NotAllowed(message or _("You may only work on records of your own branch."))


def ensure_allowed(user: Any, permission: str, branch: Branch | None = None) -> None:
    """The check of every action: the permission for the action, then the branch it acts in."""
    ensure_permission(user, permission)
    if branch is not None:
        ensure_branch(user, branch)


def branch_condition(user: Any, *, branch_field: str = "branch") -> Q | None:
    """The rows of the branches `user` works in, as a filter; None means every row.

    `branch_field` is the path to the row's branch; an empty one filters branches themselves.
    """
    if user.is_superuser:
        return None
    if user.has_perm(ANY_BRANCH):
        path = f"{branch_field}__organisation_id" if branch_field else "organisation_id"
        return Q(**{path: user.organisation_id})
    return Q(**{f"{branch_field}_id" if branch_field else "pk": user.branch_id})


def scoped(queryset: QuerySet[M], user: Any, *, branch_field: str = "branch") -> QuerySet[M]:
    """`queryset` cut to the branches `user` works in (nothing for a signed-out user)."""
    if not is_signed_in(user):
        return queryset.none()
    condition = branch_condition(user, branch_field=branch_field)
    return queryset if condition is None else queryset.filter(condition)


def restrict(
    queryset: QuerySet[M],
    user: Any,
    permission: str,
    *,
    branch_field: str = "branch",
    customer_field: str | None = None,
) -> QuerySet[M]:
    """The rows `user` may read: refused outright (403) without `permission`, else `scoped`.

    Refusing, rather than answering an empty list, is what the page does too: a role that may
    not read campaigns gets 403 on the campaign page and on the campaign API alike.

    An owner's representative holds no staff permission: they read the rows of their own
    company where the model names the path to it (`customer_field`), and nothing elsewhere.
    """
    if is_owner(user):
        if customer_field is None:
            raise PermissionDenied(_("You are not allowed to see this."))
        return queryset.filter(**{f"{customer_field}_id": user.customer_id})
    if not is_signed_in(user) or not user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to see this."))
    return scoped(queryset, user, branch_field=branch_field)


def ensure_allowed_in(user: Any, permission: str, organisation: Any) -> None:
    """The check of an organisation-wide action (branches, staff, the service catalogue): the
    permission, then membership of the organisation, so another shop's administrator is refused.
    """
    ensure_permission(user, permission)
    if not user.is_superuser and user.organisation_id != organisation.pk:
        raise NotAllowed(_("You may only change your own organisation."))
