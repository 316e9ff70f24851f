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

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Scope:
    """The rows a user may read, as data: a boundary (`EVERYWHERE`, `ORGANISATION`, `BRANCH`,
    or an owner's `CUSTOMER`) and its id. `restrict` filters by it; a statement compiled once
    per boundary (`aftercare.statements`) takes the id as a value and gives the same rows."""

    boundary: str
    id: int | None = None

    EVERYWHERE = "everywhere"
    ORGANISATION = "organisation"
    BRANCH = "branch"
    CUSTOMER = "customer"

    def condition(
        self, *, branch_field: str = "branch", customer_field: str | None = None
    ) -> Q | None:
        """The filter for rows whose branch is at `branch_field` (empty: branches themselves)
        and whose owning company is at `customer_field`; None means every row."""
        if self.boundary == Scope.EVERYWHERE:
            return None
        if self.boundary == Scope.CUSTOMER:
            if customer_field is None:  # the model names no company: an owner reads nothing
                raise PermissionDenied(_("You are not allowed to see this."))
            return Q(**{f"{customer_field}_id": self.id})
        if self.boundary == Scope.ORGANISATION:
            path = f"{branch_field}__organisation_id" if branch_field else "organisation_id"
            return Q(**{path: self.id})
        return Q(**{f"{branch_field}_id" if branch_field else "pk": self.id})

    def applied_to(
        self,
        queryset: QuerySet[M],
        *,
        branch_field: str = "branch",
        customer_field: str | None = None,
    ) -> QuerySet[M]:
        """`queryset` cut to this scope (see `condition`)."""
        condition = self.condition(branch_field=branch_field, customer_field=customer_field)
        return queryset if condition is None else queryset.filter(condition)

    @property
    def kinds(self) -> dict[str, type]:
        """The scope's value for a `Prepared` statement built with `scope=`: none when every
        row is in it."""
        return {} if self.boundary == Scope.EVERYWHERE else {"scope": int}

    @property
    def values(self) -> dict[str, int | None]:
        """The value for `kinds`. A missing id (a user of no branch) matches no row, as the
        queryset's `IS NULL` does on the non-null columns scopes test."""
        return {} if self.boundary == Scope.EVERYWHERE else {"scope": self.id}


def staff_scope(user: Any) -> Scope:
    """The branches a signed-in member of staff works in."""
    if user.is_superuser:
        return Scope(Scope.EVERYWHERE)
    if user.has_perm(ANY_BRANCH):
        return Scope(Scope.ORGANISATION, user.organisation_id)
    return Scope(Scope.BRANCH, user.branch_id)


def read_scope(user: Any, permission: str) -> Scope:
    """Where `user` may read rows guarded by `permission`: refused outright (403) without it.

    Refusing, rather than answering an empty list, is what the page does too: a role that may
    not read campaigns gets 403 on the campaign page and on the campaign API alike. An owner's
    representative holds no staff permission: they read their own company's rows.
    """
    if is_owner(user):
        return Scope(Scope.CUSTOMER, user.customer_id)
    if not is_signed_in(user) or not user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to see this."))
    return staff_scope(user)


def branch_condition(user: Any, *, branch_field: str = "branch") -> Q | None:
    """The rows of the branches `user` works in, as a filter; None means every row.

    `branch_field` is the path to the row's branch; an empty one filters branches themselves.
    """
    return staff_scope(user).condition(branch_field=branch_field)


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
    """The rows `user` may read (`read_scope`): 403 without `permission`; an owner's
    representative reads the rows of their company where the model names the path to it
    (`customer_field`), and nothing elsewhere (403)."""
    scope = read_scope(user, permission)
    return scope.applied_to(queryset, branch_field=branch_field, customer_field=customer_field)


def ensure_allowed_in(user: Any, permission: str, organisation: Any) -> None:
    """The check of an organisation-wide action (branches, staff, the service catalogue): the
    permission, then membership of the organisation, so another shop's administrator is refused.
    """
    ensure_permission(user, permission)
    if not user.is_superuser and user.organisation_id != organisation.pk:
        raise NotAllowed(_("You may only change your own organisation."))
