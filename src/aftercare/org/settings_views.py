"""The organisation's settings pages: branches and staff, managed by administrators.

Views parse and render; every write is an action of org/actions.py, which checks the
permission and the organisation again (the API, a script or a second tab cannot bypass it).
Supervisors may read their branch's staff list; only administrators change anything.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.errors import DomainError
from aftercare.formfields import show_domain_error
from aftercare.org import actions
from aftercare.org.http import StaffRequest
from aftercare.org.models import Organisation, User
from aftercare.org.queries import branches_for, staff_for
from aftercare.org.roles import Role
from aftercare.org.settings_forms import (
    BranchEditForm,
    BranchForm,
    NewStaffForm,
    StaffForm,
    StaffPasswordForm,
)

STAFF_ALIASES = {"password": "password1"}


def _organisation(request: StaffRequest) -> Organisation:
    """OrganisationRequiredMiddleware answers users without one before any of these pages."""
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


@login_required
@permission_required("org.change_branch", raise_exception=True)
@require_http_methods(["GET", "POST"])
def branches(request: StaffRequest) -> HttpResponse:
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch = actions.create_branch(_organisation(request), by=request.user,
                                           **form.cleaned_data)  # fmt: skip
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Branch %(name)s created.") % {"name": branch.name})
            return redirect("orgsettings:branches")
    rows = branches_for(request.user).order_by("code")
    return render(request, "org/settings/branches.html", {"form": form, "branches": rows})


@login_required
@permission_required("org.change_branch", raise_exception=True)
@require_http_methods(["GET", "POST"])
def branch_edit(request: StaffRequest, pk: int) -> HttpResponse:
    branch = get_object_or_404(branches_for(request.user), pk=pk)
    initial = {
        "name": branch.name, "address": branch.address, "phone": branch.phone,
        "runs_dealership": branch.runs_dealership,
        "runs_building_systems": branch.runs_building_systems,
    }  # fmt: skip
    form = BranchEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_branch(branch, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Branch %(code)s saved.") % {"code": branch.code})
            return redirect("orgsettings:branches")
    return render(request, "org/settings/branch_edit.html", {"form": form, "branch": branch})


@login_required
@permission_required("org.view_user", raise_exception=True)
def staff(request: StaffRequest) -> HttpResponse:
    labels = dict(Role.choices)
    rows = [
        (member, [labels[g.name] for g in member.groups.all() if g.name in labels])
        for member in staff_for(request.user)
    ]
    can_manage = request.user.has_perm("org.change_user")
    return render(request, "org/settings/staff.html", {"staff": rows, "can_manage": can_manage})


@login_required
@permission_required("org.add_user", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_new(request: StaffRequest) -> HttpResponse:
    form = NewStaffForm(request.POST or None, branches=branches_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = actions.create_staff(
                _organisation(request), by=request.user, username=data["username"],
                password=data["password1"], roles=data["roles"], branch=data["branch"],
                display_name=data["display_name"], email=data["email"], phone=data["phone"],
            )  # fmt: skip
        except DomainError as error:
            show_domain_error(form, error, STAFF_ALIASES)
        else:
            messages.success(
                request,
                _("%(name)s can now log in as “%(username)s”.")
                % {"name": member, "username": member.username},
            )
            return redirect("orgsettings:staff")
    return render(request, "org/settings/staff_form.html", {"form": form, "member": None})


def _member(request: StaffRequest, pk: int) -> User:
    """A member of staff the administrator manages; anyone else's is missing (404)."""
    return get_object_or_404(staff_for(request.user), pk=pk)


@login_required
@permission_required("org.change_user", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_edit(request: StaffRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    initial = {
        "display_name": member.display_name, "email": member.email, "phone": member.phone,
        "branch": member.branch, "roles": member.role_codes,
    }  # fmt: skip
    form = StaffForm(request.POST or None, initial=initial, branches=branches_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_staff(member, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": member.username})
            return redirect("orgsettings:staff")
    history = member.history.select_related("history_user").order_by("-history_date")[:20]
    context = {"form": form, "member": member, "history": history}
    return render(request, "org/settings/staff_form.html", context)


@login_required
@permission_required("org.change_user", raise_exception=True)
@require_POST
def staff_active(request: StaffRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_staff_active(member, by=request.user, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        text = _("%(name)s can log in again.") if active else _("%(name)s can no longer log in.")
        messages.success(request, text % {"name": member.username})
    return redirect("orgsettings:staff")


@login_required
@permission_required("org.change_user", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_password(request: StaffRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = StaffPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_staff_password(
                member, by=request.user, password=form.cleaned_data["password1"]
            )
        except DomainError as error:
            show_domain_error(form, error, STAFF_ALIASES)
        else:
            messages.success(
                request,
                _("New password set for %(name)s. Tell them in person; they can change it "
                  "under “Change password”.") % {"name": member.username},
            )  # fmt: skip
            return redirect("orgsettings:staff")
    return render(request, "org/settings/staff_password.html", {"form": form, "member": member})
