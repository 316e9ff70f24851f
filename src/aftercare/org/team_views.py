"""Team pages: absences and stand-ins (DS-10), for supervisors and administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from aftercare.errors import DomainError
from aftercare.formfields import local_now, show_domain_error, user_tz
from aftercare.obligations.queries import open_work_by_owner
from aftercare.org import actions
from aftercare.org.http import StaffRequest
from aftercare.org.queries import absences_around, visible_users
from aftercare.org.team_forms import AbsenceForm

ABSENCE_ALIASES = {"stand_in_id": "stand_in", "user_id": "user"}


@login_required
@permission_required("org.add_absence", raise_exception=True)
@require_http_methods(["GET", "POST"])
def absences(request: StaffRequest) -> HttpResponse:
    staff = visible_users(request.user)
    tz = user_tz(request.user)
    work = open_work_by_owner(staff.values_list("pk", flat=True))
    if request.method == "POST":
        form = AbsenceForm(request.POST, staff=staff, tz=tz, open_work=work)
        if form.is_valid():
            data = form.cleaned_data
            try:
                absence = actions.record_absence(
                    data["user"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                    stand_in=data["stand_in"], by=request.user, reason=data["reason"],
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error, ABSENCE_ALIASES)
            else:
                moved = open_work_by_owner([absence.user_id]).get(absence.user_id, 0)
                messages.success(
                    request,
                    ngettext(
                        "Absence of %(user)s recorded; %(n)s open obligation moves to "
                        "%(stand_in)s while they are away.",
                        "Absence of %(user)s recorded; %(n)s open obligations move to "
                        "%(stand_in)s while they are away.",
                        moved,
                    )
                    % {"user": absence.user, "n": moved, "stand_in": absence.stand_in},
                )
                return redirect("team:absences")
    else:
        start = local_now(tz)
        form = AbsenceForm(staff=staff, tz=tz, open_work=work, initial={"starts_at": start})
    now = timezone.now()
    ahead, past = absences_around(staff, now, work)
    context = {"form": form, "ahead": ahead, "past": past}
    return render(request, "org/absences.html", context)
