"""Team pages: absences and stand-ins (DS-10), for supervisors and administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftercare.errors import DomainError
from aftercare.formfields import local_now, show_domain_error, user_tz
from aftercare.obligations.models import Obligation
from aftercare.org import actions
from aftercare.org.models import Absence
from aftercare.org.queries import visible_users
from aftercare.org.team_forms import AbsenceForm

ABSENCE_ALIASES = {"stand_in_id": "stand_in", "user_id": "user"}
PAST_SHOWN = 20


def open_work(user_ids) -> dict[int, int]:
    """Pending obligations per owner: what moves to the stand-in while they are away."""
    rows = (
        Obligation.objects.pending()
        .filter(owner_id__in=list(user_ids))
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def _absences(staff, now):
    """Current and upcoming absences first (soonest first), then the most recent past ones."""
    qs = Absence.objects.filter(user__in=staff, cancelled_at__isnull=True).select_related(
        "user", "stand_in", "recorded_by"
    )
    ahead = list(qs.filter(ends_at__gt=now).order_by("starts_at", "id"))
    past = list(qs.filter(ends_at__lte=now).order_by("-ends_at", "-id")[:PAST_SHOWN])
    counts = open_work({a.user_id for a in ahead})
    for absence in ahead:
        absence.current = absence.starts_at <= now
        absence.open_work = counts.get(absence.user_id, 0)
    return ahead, past


@login_required
@permission_required("org.add_absence", raise_exception=True)
@require_http_methods(["GET", "POST"])
def absences(request):
    staff = visible_users(request.user)
    tz = user_tz(request.user)
    work = open_work(staff.values_list("pk", flat=True))
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
                moved = open_work([absence.user_id]).get(absence.user_id, 0)
                messages.success(
                    request,
                    _(
                        "Absence of %(user)s recorded; %(n)s open obligations move to "
                        "%(stand_in)s while they are away."
                    )
                    % {"user": absence.user, "n": moved, "stand_in": absence.stand_in},
                )
                return redirect("team:absences")
    else:
        start = local_now(tz)
        form = AbsenceForm(staff=staff, tz=tz, open_work=work, initial={"starts_at": start})
    now = timezone.now()
    ahead, past = _absences(staff, now)
    context = {"form": form, "ahead": ahead, "past": past}
    return render(request, "org/absences.html", context)
