"""State changes of org/: each one transaction, actor as keyword-only argument."""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import available_timezones

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftercare.apps import DESK_BUILDING, DESK_DEALERSHIP
from aftercare.errors import Errors, InvalidInput, NotAllowed
from aftercare.org.access import ensure_allowed, ensure_allowed_in, ensure_permission
from aftercare.org.models import (
    TIME_ZONE_CHOICES,
    Absence,
    ApiToken,
    Branch,
    Organisation,
    Region,
    User,
)
from aftercare.org.roles import STAFF_ROLE_CODES, Role


def create_api_token(user: User, *, name: str = "") -> str:
    """Return the raw token once; only its digest is kept."""
    raw, prefix, digest = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest)
    return raw


def set_language(user: User, *, language: str) -> bool:
    """Remember the language a signed-in person chose in the switcher.

    Pages follow the session's language already; the calendar feed and e-mails are read away
    from any page and need it stored. One's own preference: no permission asked. Returns
    whether it changed; an unknown code changes nothing.
    """
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    return bool(
        User.objects.filter(pk=user.pk).exclude(language=language).update(language=language)
    )


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


# ------------------------------------------------------------------ setting the shop up (issue 10)


def _check_time_zone(time_zone: str, errors: Errors) -> None:
    supported = [zone for zone, _label in TIME_ZONE_CHOICES]
    if time_zone not in available_timezones():
        errors.add("time_zone", gettext("“%(zone)s” is not a time zone name (e.g. Asia/Shanghai).")
                   % {"zone": time_zone})  # fmt: skip
    elif time_zone not in supported:
        errors.add(
            "time_zone",
            gettext("Aftercare supports these time zones: %(zones)s.")
            % {"zones": ", ".join(supported)},
        )


def _check_branch(organisation: Organisation | None, code: str, name: str, errors: Errors,
                  *, instance: Branch | None = None) -> None:  # fmt: skip
    from django.utils.text import slugify

    if not code or slugify(code) != code:
        errors.add("code", gettext("Use lower-case letters, digits and hyphens for the code."))
    elif organisation is not None:
        taken = Branch.objects.filter(organisation=organisation, code=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.add("code", gettext("Another branch already has this code."))
    if not name.strip():
        errors.add("name", gettext("Enter the branch's name."))


def _check_desks(dealership: bool, building_systems: bool, errors: Errors) -> None:
    if not (dealership or building_systems):
        errors.add("runs_dealership", gettext("A branch runs at least one desk."))


def _check_password(
    password: str, user: User | None, errors: Errors, field: str = "password"
) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        for message in error.messages:
            errors.add(field, message)


def _check_username(username: str, errors: Errors, *, instance: User | None = None) -> None:
    try:
        User.username_validator(username)
    except ValidationError as error:
        errors.add("username", error.messages[0])
        return
    taken = User.objects.filter(username__iexact=username)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        errors.add("username", gettext("This username is taken."))


def _check_email(email: str, errors: Errors, *, required: bool = False) -> None:
    if not email:
        if required:
            errors.add("email", gettext("Enter an e-mail address."))
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", gettext("Enter a valid e-mail address."))


def _check_roles(roles: Iterable[str], branch: Branch | None, errors: Errors) -> list[str]:
    roles = sorted(set(roles))
    # The owner's role is given by an invitation to the portal, never to a member of staff.
    unknown = [role for role in roles if role not in STAFF_ROLE_CODES]
    if unknown:
        errors.add("roles", gettext("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    if not roles:
        errors.add("roles", gettext("Give at least one role."))
    # Everyone but an administrator works in one branch: scopes are cut by it.
    if branch is None and any(role != Role.ADMINISTRATOR for role in roles):
        errors.add(
            "branch", gettext("Staff other than administrators work in a branch: choose one.")
        )
    return roles


def _recorded_by(record: Model, by: User) -> None:
    """Who made the change, for the history row (set by the request middleware only in pages)."""
    record._history_user = by  # type: ignore[attr-defined]


def _set_roles(user: User, roles: list[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=roles))  # gives the user a new access_stamp


@transaction.atomic
def set_up_organisation(
    *, name: str, time_zone: str, region: str, branch_code: str, branch_name: str,
    admin_username: str, admin_password: str, admin_email: str = "",
    admin_display_name: str = "", desks: Iterable[str] = (DESK_DEALERSHIP,),
) -> User:  # fmt: skip
    """The first organisation, its first branch and its first administrator, with no demo data.

    Nobody can be asked for permission yet, so this is only called from the `aftercare setup`
    command, run by whoever runs the server; from then on administrators work in the pages.
    """
    errors = Errors()
    if not name.strip():
        errors.add("name", gettext("Enter the organisation's name."))
    _check_time_zone(time_zone, errors)
    if region not in Region.values:
        errors.add("region", gettext("Choose the holiday region: CN, TW or HK."))
    _check_branch(None, branch_code, branch_name, errors)
    desks = set(desks)
    if desks - {DESK_DEALERSHIP, DESK_BUILDING}:
        errors.add("desks", gettext("Choose the desks DS, BS or both."))
    _check_desks(DESK_DEALERSHIP in desks, DESK_BUILDING in desks, errors)
    _check_username(admin_username, errors)
    _check_email(admin_email, errors)
    candidate = User(username=admin_username, email=admin_email, display_name=admin_display_name)
    _check_password(admin_password, candidate, errors)
    errors.raise_if_any(gettext("The organisation cannot be set up."))
    organisation = Organisation.objects.create(
        name=name.strip(), time_zone=time_zone, region=region
    )
    Branch.objects.create(
        organisation=organisation, code=branch_code, name=branch_name.strip(),
        runs_dealership=DESK_DEALERSHIP in desks, runs_building_systems=DESK_BUILDING in desks,
    )  # fmt: skip
    candidate.organisation = organisation
    candidate.set_password(admin_password)
    candidate.save()
    _set_roles(candidate, [Role.ADMINISTRATOR.value])
    return candidate


@transaction.atomic
def create_branch(organisation: Organisation, *, by: User, code: str, name: str,
                  address: str = "", phone: str = "", runs_dealership: bool = True,
                  runs_building_systems: bool = False) -> Branch:  # fmt: skip
    """A new shop of the organisation; its code is fixed in register numbers, so it is unique."""
    ensure_allowed_in(by, "org.add_branch", organisation)
    errors = Errors()
    _check_branch(organisation, code, name, errors)
    _check_desks(runs_dealership, runs_building_systems, errors)
    errors.raise_if_any(gettext("The branch cannot be created."))
    branch = Branch(organisation=organisation, code=code, name=name.strip(), address=address,
                    phone=phone, runs_dealership=runs_dealership,
                    runs_building_systems=runs_building_systems)  # fmt: skip
    _recorded_by(branch, by)
    branch.save()
    return branch


@transaction.atomic
def update_branch(branch: Branch, *, by: User, name: str, address: str = "", phone: str = "",
                  runs_dealership: bool | None = None, runs_building_systems: bool | None = None,
                  ) -> Branch:  # fmt: skip
    """Rename a branch, change its address or the desks it runs; the code stays, registers are
    numbered by it."""
    ensure_allowed(by, "org.change_branch", branch)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    errors = Errors()
    if not name.strip():
        errors.add("name", gettext("Enter the branch's name."))
    if runs_dealership is None:
        runs_dealership = branch.runs_dealership
    if runs_building_systems is None:
        runs_building_systems = branch.runs_building_systems
    _check_desks(runs_dealership, runs_building_systems, errors)
    errors.raise_if_any(gettext("The branch cannot be changed."))
    branch.name, branch.address, branch.phone = name.strip(), address, phone
    branch.runs_dealership, branch.runs_building_systems = runs_dealership, runs_building_systems
    _recorded_by(branch, by)
    branch.save()
    return branch


def _ensure_manages(by: User, staff: User, permission: str) -> None:
    if staff.organisation_id is None:
        if not by.is_superuser:
            raise NotAllowed(gettext("You may only change your own organisation."))
        ensure_permission(by, permission)
        return
    ensure_allowed_in(by, permission, staff.organisation)


@transaction.atomic
def create_staff(
    organisation: Organisation, *, by: User, username: str, password: str, roles: Iterable[str],
    branch: Branch | None = None, display_name: str = "", email: str = "", phone: str = "",
) -> User:  # fmt: skip
    """A new member of staff with their roles and branch; the administrator types the password."""
    ensure_allowed_in(by, "org.add_user", organisation)
    errors = Errors()
    if branch is not None and branch.organisation_id != organisation.pk:
        errors.add("branch", gettext("Choose a branch of your organisation."))
    _check_username(username, errors)
    _check_email(email, errors)
    roles = _check_roles(roles, branch, errors)
    user = User(username=username, display_name=display_name.strip(), email=email, phone=phone,
                organisation=organisation, branch=branch)  # fmt: skip
    _check_password(password, user, errors)
    errors.raise_if_any(gettext("The member of staff cannot be created."))
    user.set_password(password)
    _recorded_by(user, by)
    user.save()
    _set_roles(user, roles)
    return user


@transaction.atomic
def update_staff(
    staff: User, *, by: User, roles: Iterable[str], branch: Branch | None,
    display_name: str = "", email: str = "", phone: str = "",
) -> User:  # fmt: skip
    """Roles, branch and contact details of a member of staff.

    An administrator cannot take the administrator role from themselves: the organisation would
    be left with nobody able to give it back.
    """
    _ensure_manages(by, staff, "org.change_user")
    staff = User.objects.select_for_update().get(pk=staff.pk)
    errors = Errors()
    if branch is not None and branch.organisation_id != staff.organisation_id:
        errors.add("branch", gettext("Choose a branch of your organisation."))
    _check_email(email, errors)
    roles = _check_roles(roles, branch, errors)
    if (
        staff.pk == by.pk
        and Role.ADMINISTRATOR in by.role_codes
        and Role.ADMINISTRATOR not in roles
    ):
        errors.add("roles", gettext("You cannot take the administrator role from yourself."))
    errors.raise_if_any(gettext("The member of staff cannot be changed."))
    staff.branch, staff.display_name, staff.email, staff.phone = (
        branch,
        display_name.strip(),
        email,
        phone,
    )
    _recorded_by(staff, by)
    staff.save()
    if sorted(staff.role_codes) != roles:
        _set_roles(staff, roles)
    return staff


@transaction.atomic
def set_staff_active(staff: User, *, by: User, active: bool) -> User:
    """Deactivate (they can no longer log in; their records keep their name) or reactivate.

    Staff are never deleted: calls, letters and obligations point at them.
    """
    _ensure_manages(by, staff, "org.change_user")
    if staff.pk == by.pk and not active:
        raise InvalidInput(gettext("You cannot deactivate your own account."), code="own_account")
    staff = User.objects.select_for_update().get(pk=staff.pk)
    staff.is_active = active
    _recorded_by(staff, by)
    staff.save(update_fields=["is_active"])
    return staff


@transaction.atomic
def set_staff_password(staff: User, *, by: User, password: str) -> User:
    """The administrator sets a new password for a colleague who forgot theirs."""
    _ensure_manages(by, staff, "org.change_user")
    errors = Errors()
    _check_password(password, staff, errors)
    errors.raise_if_any(gettext("The password cannot be set."))
    staff = User.objects.select_for_update().get(pk=staff.pk)
    staff.set_password(password)
    _recorded_by(staff, by)
    staff.save(update_fields=["password"])
    return staff
