from collections.abc import Iterable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.apps import next_step
from aftercare.errors import DomainError
from aftercare.formfields import user_tz
from aftercare.obligations import actions, queries
from aftercare.obligations.forms import FulfilForm, ObligationFilterForm
from aftercare.obligations.models import Obligation
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.standard.calendar import start_of_day


def _with_next_step(rows: Iterable[Obligation], user: User) -> None:
    """Attach the button to the page where each row's work is done (declared by its app)."""
    for row in rows:
        step = next_step(row, user)
        if step is not None:
            row.next_step = step


@login_required
def my_work(request: StaffRequest) -> HttpResponse:
    sections = queries.worklist_sections(request.user)
    for rows in (sections.overdue, sections.today, sections.open, sections.upcoming):
        _with_next_step(rows, request.user)
    notifications = request.user.notifications.filter(read_at__isnull=True).select_related(
        "obligation", "obligation__owner"
    )[:20]
    return render(
        request,
        "obligations/my_work.html",
        {
            "sections": sections,
            "notifications": notifications,
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("obligations.view_branch_obligations", raise_exception=True)
def obligation_list(request: StaffRequest) -> HttpResponse:
    form = ObligationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tz = user_tz(request.user)
    due_from, due_to = filters.get("due_from"), filters.get("due_to")
    if due_to is not None and due_to.year >= 9999:  # no day after 9999-12-31 to stop at
        due_to = None
    qs = queries.search(
        request.user,
        rule=filters.get("rule") or None,
        status=filters.get("status") or None,
        owner_id=filters.get("owner"),
        branch_id=filters.get("branch"),
        figure=filters.get("figure") or None,
        due_from=start_of_day(due_from, tz) if due_from else None,
        due_until=start_of_day(due_to + timedelta(days=1), tz) if due_to else None,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = queries.with_acting_owner(page.object_list)
    return render(request, "obligations/list.html", {"form": form, "page": page})


@login_required
@require_POST
def fulfil(request: StaffRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(Obligation.objects.visible_to(request.user), pk=pk)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            actions.mark_done(obligation, by=request.user, outcome=form.cleaned_data["outcome"])
            messages.success(request, _("Marked as done."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("The outcome is too long."))
    return redirect("obligations:my-work")


@login_required
@require_POST
def mark_notifications_read(request: StaffRequest) -> HttpResponse:
    actions.mark_notifications_read(request.user)
    return redirect("obligations:my-work")
