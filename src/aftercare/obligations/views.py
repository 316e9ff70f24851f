from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftercare.errors import DomainError
from aftercare.formfields import filter_status, user_tz
from aftercare.obligations import actions, queries
from aftercare.obligations.forms import FulfilForm, ObligationFilterForm
from aftercare.obligations.models import Obligation
from aftercare.standard.calendar import start_of_day

# The page where the work of a rule is done, one click from its row. Rules listed here are
# fulfilled by that work (a call, a complete archive, a confirmed plan, a moved raised item);
# the others are marked done by hand.
NEXT_STEP = {
    "DS-1": (gettext_lazy("Complete the archive"), "/customers/{customer_id}/edit/"),
    "DS-2": (gettext_lazy("Confirm the plan"), "/customers/{customer_id}/#plan"),
    "DS-3": (gettext_lazy("Log the call"), "/calls/new/?customer={customer_id}&obligation={id}"),
    "DS-6": (gettext_lazy("Log the call"), "/calls/new/?customer={customer_id}&obligation={id}"),
    "DS-7": (gettext_lazy("Log the call"), "/calls/new/?customer={customer_id}&obligation={id}"),
    "DS-2M": (gettext_lazy("Log the call"), "/calls/new/?customer={customer_id}&obligation={id}"),
    "DS-4": (gettext_lazy("Handle the item"), "/items/{subject_id}/"),
    "DS-5": (gettext_lazy("Tell the customer"), "/items/{subject_id}/"),
    # A callable builds the link from the row: the letter form for that customer and campaign.
    "DS-7L": (
        gettext_lazy("Write the letter"),
        lambda row: (
            reverse("outreach:letter-new")
            + "?"
            + urlencode({"customer": row.customer_id, "campaign": row.subject_id})
        ),
    ),
    # Work without a customer: the page where it is recorded.
    "DS-11": (
        gettext_lazy("Write the summary"),
        lambda row: (
            reverse("reviews:detail", args=[row.subject_id])
            if row.subject_id
            else reverse("reviews:list")
        ),
    ),
    "DS-12": (gettext_lazy("Record the clearance"), lambda row: reverse("safety:register")),
    "DS-13": (gettext_lazy("Record the inspection"), lambda row: reverse("safety:register")),
}


def _with_next_step(rows):
    for row in rows:
        step = NEXT_STEP.get(row.rule)
        if step is None:
            continue
        label, url = step
        if callable(url):
            row.next_step = (label, url(row))
        elif row.customer_id:
            row.next_step = (label, url.format(**row.__dict__))
    return rows


@login_required
def my_work(request):
    sections = queries.worklist_sections(request.user)
    for rows in (sections.overdue, sections.today, sections.open, sections.upcoming):
        _with_next_step(rows)
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
def obligation_list(request):
    form = ObligationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tz = user_tz(request.user)
    due_from, due_to = filters.get("due_from"), filters.get("due_to")
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
    context = {"form": form, "page": page}
    return render(request, "obligations/list.html", context, status=filter_status(form))


@login_required
@require_POST
def fulfil(request, pk: int):
    obligation = get_object_or_404(Obligation.objects.visible_to(request.user), pk=pk)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            actions.fulfil(obligation, by=request.user, outcome=form.cleaned_data["outcome"])
            messages.success(request, _("Marked as done."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("The outcome is too long."))
    return redirect("obligations:my-work")


@login_required
@require_POST
def mark_notifications_read(request):
    actions.mark_notifications_read(request.user)
    return redirect("obligations:my-work")
