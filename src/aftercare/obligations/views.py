from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftercare.apps import next_step
from aftercare.errors import DomainError, NotAllowed
from aftercare.formfields import filter_status, user_tz
from aftercare.obligations import actions, queries
from aftercare.obligations.forms import (
    CancelForm,
    FulfilForm,
    ObligationFilterForm,
    ReassignForm,
)
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_allowed
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
    return render(
        request,
        "obligations/my_work.html",
        {
            "sections": sections,
            "notifications": queries.live_notifications(request.user),
            "can_edit": _can_edit(request.user),
            "now": timezone.now(),
        },
    )


def _can_edit(user: User) -> bool:
    """Whether rows link to the page where one obligation is reassigned or cancelled."""
    return bool(
        user.has_perm("obligations.reassign_obligation")
        or user.has_perm("obligations.cancel_obligation")
    )


@login_required
@permission_required("obligations.view_branch_obligations", raise_exception=True)
def obligation_list(request: StaffRequest) -> HttpResponse:
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
    context = {"form": form, "page": page, "can_edit": _can_edit(request.user)}
    return render(request, "obligations/list.html", context, status=filter_status(form))


HISTORY_SHOWN = 20  # newest first: simple-history orders by -history_date


def _visible(request: StaffRequest, pk: int) -> Obligation:
    qs = Obligation.objects.visible_to(request.user).with_status()
    return get_object_or_404(qs.select_related("owner", "customer", "branch"), pk=pk)


def _detail(
    request: StaffRequest,
    obligation: Obligation,
    *,
    reassign: ReassignForm | None = None,
    cancel: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """One obligation with the supervisor's two changes; a form with errors comes back here."""
    user = request.user
    if obligation.is_pending and user.has_perm("obligations.reassign_obligation"):
        reassign = reassign or ReassignForm(obligation=obligation)
    if obligation.is_pending and user.has_perm("obligations.cancel_obligation"):
        cancel = cancel or CancelForm()
    context = {
        "o": obligation,
        "reassign_form": reassign,
        "cancel_form": cancel,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "history": obligation.history.select_related("history_user")[:HISTORY_SHOWN],
    }
    return render(request, "obligations/detail.html", context, status=status)


def _after_change(request: StaffRequest, obligation: Obligation) -> HttpResponse:
    """Back where the change was asked for (My work or the list), else to the obligation."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("obligations:detail", pk=obligation.pk)


@login_required
def obligation_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


def _change(
    request: StaffRequest,
    obligation: Obligation,
    name: str,
    form: ReassignForm | CancelForm,
    apply: Callable[[Obligation, dict[str, Any]], object],
    done_message: str,
) -> HttpResponse:
    """Run one change through its action. The permission is asked first, so a refused user
    meets 403 whatever they sent; an invalid or stale request shows the page again with the
    message; either way nothing is written."""
    ensure_allowed(request.user, f"obligations.{name}_obligation", obligation.branch)
    if form.is_valid():
        try:
            apply(obligation, form.cleaned_data)
        except NotAllowed:
            raise
        except DomainError as error:
            for field, errors in error.fields.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, str(message))
            if not error.fields:
                form.add_error(None, error.message)
            return _detail(request, obligation, **{name: form}, status=error.status)  # type: ignore[arg-type]  # the form of the change named
        messages.success(request, done_message)
        return _after_change(request, obligation)
    return _detail(request, obligation, **{name: form}, status=422)  # type: ignore[arg-type]  # the form of the change named


@login_required
@require_POST
def reassign(request: StaffRequest, pk: int) -> HttpResponse:
    obligation = _visible(request, pk)
    form = ReassignForm(request.POST, obligation=obligation)

    def apply(o: Obligation, data: dict[str, Any]) -> object:
        return actions.reassign(o, to=data["owner"], by=request.user, reason=data["reason"])

    return _change(request, obligation, "reassign", form, apply, _("Reassigned."))


@login_required
@require_POST
def cancel(request: StaffRequest, pk: int) -> HttpResponse:
    obligation = _visible(request, pk)

    def apply(o: Obligation, data: dict[str, Any]) -> object:
        return actions.cancel(o, by=request.user, reason=data["reason"])

    return _change(request, obligation, "cancel", CancelForm(request.POST), apply, _("Cancelled."))


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
