"""Pages of follow-ups: log a call, a call record with its amendments, the register, plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare.customers.queries import get_customer_for
from aftercare.errors import DomainError
from aftercare.followups import actions, queries
from aftercare.followups.choices import UNREACHABLE_AFTER, Direction, PlanTopic, Purpose, Topic
from aftercare.followups.forms import (
    ITEMS_PREFIX,
    PURPOSE_FOR_RULE,
    AmendForm,
    CallForm,
    PlanConfirmForm,
    RaisedItemFormSet,
    RegisterPeriodForm,
)
from aftercare.formfields import filter_status, local_now, show_domain_error, user_tz

# Everyone at the dealership desk (advisors, follow-up advisors, supervisors, administrators).
DESK = "customers.view_customer"
CALL_ALIASES = {"occurred_at": "moment", "vehicle_id": "vehicle"}


def customer_url(customer_id: int) -> str:
    """The customer page (customers:detail), linked by path as agreed between the apps."""
    return f"/customers/{customer_id}/"


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _call_context(request):
    """The customer and (optionally) the obligation that the call is about, both scoped."""
    customer = get_customer_for(request.user, _id(request.GET.get("customer")))
    obligation = None
    if request.GET.get("obligation"):
        obligation = queries.get_followup_obligation_for(
            request.user, _id(request.GET["obligation"]), customer
        )
    return customer, obligation


def _raised_rows(items) -> list:
    """(form, item) for the filled-in rows, in order: the action's `raised_items.N` is row N."""
    rows = []
    for form in items.forms:
        item = form.as_item() if form.is_valid() else None
        if item is not None:
            rows.append((form, item))
    return rows


def _second_followup(customer, purpose, topics, raised_items, reached=True) -> dict:
    """What the first call covered and whether this second call adds anything (DS-6)."""
    if purpose != Purpose.SECOND_FOLLOWUP:
        return {"show_first": False}
    first = queries.first_followup_summary(customer)
    return {
        "show_first": True,
        "first": first,
        "nothing_new": reached and queries.nothing_new(first, topics, raised_items),
    }


@login_required
@permission_required(DESK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def call_new(request):
    customer, obligation = _call_context(request)
    tz = user_tz(request.user)
    items = RaisedItemFormSet(request.POST or None, prefix=ITEMS_PREFIX)
    if request.method == "POST":
        form = CallForm(request.POST, customer=customer, tz=tz)
        if form.is_valid() and items.is_valid():
            data = form.cleaned_data
            rows = _raised_rows(items)
            raised = [item for _form, item in rows]
            try:
                call = actions.record_call(
                    customer, by=request.user, direction=data["direction"],
                    purpose=data["purpose"], at=data["moment"], reached=data["reached"],
                    topics=data["topics"], other_topics=data["other_topics"],
                    notes=data["notes"], vehicle=data["vehicle"], raised_items=raised,
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error, CALL_ALIASES, rows=[f for f, _item in rows])
            else:
                messages.success(
                    request,
                    _("Call %(number)s recorded.") % {"number": call.register_number},
                )
                second = _second_followup(customer, call.purpose, call.topics, raised, call.reached)
                if second.get("nothing_new"):
                    messages.warning(request, _("This second follow-up raised nothing new (DS-6)."))
                return redirect(customer_url(customer.pk))
        purpose, topics = request.POST.get("purpose"), request.POST.getlist("topics")
        raised = [item for _form, item in _raised_rows(items)] if items.is_valid() else []
        reached = bool(request.POST.get("reached"))
    else:
        # Without a chosen duty, the customer's most urgent pending one sets the purpose: the
        # advisor who opens "Log a call" on the customer page is usually doing it.
        duty = obligation or queries.pending_call_duty(customer, timezone.now())
        purpose = PURPOSE_FOR_RULE.get(duty.rule if duty else "", Purpose.OTHER)
        vehicles = list(customer.vehicles.all()[:2])
        form = CallForm(
            customer=customer, tz=tz,
            initial={
                "direction": Direction.OUT, "purpose": purpose, "moment": local_now(tz),
                "reached": True, "vehicle": vehicles[0] if len(vehicles) == 1 else None,
            },
        )  # fmt: skip
        topics, raised, reached = [], [], True
    attempts = actions.failed_attempts(obligation) if obligation is not None else 0
    context = {
        "customer": customer,
        "obligation": obligation,
        "form": form,
        "items": items,
        "attempts": attempts,
        "can_close_unreachable": obligation is not None
        and obligation.rule == "DS-3"
        and obligation.is_pending
        and attempts >= UNREACHABLE_AFTER,
        **_second_followup(customer, purpose, topics, raised, reached),
    }
    return render(request, "followups/call_form.html", context)


@login_required
@permission_required(DESK, raise_exception=True)
@require_POST
def call_check(request):
    """HTMX: redraw the second follow-up panel as topics and items are ticked and typed."""
    customer, _obligation = _call_context(request)
    items = RaisedItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    raised = [item for _form, item in _raised_rows(items)] if items.is_valid() else []
    context = {
        "customer": customer,
        **_second_followup(
            customer, request.POST.get("purpose"), request.POST.getlist("topics"), raised,
            bool(request.POST.get("reached")),
        ),
    }  # fmt: skip
    return render(request, "followups/_second_followup.html", context)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def item_row(request):
    """HTMX: one more empty raised-item row, and the formset's new total (out of band)."""
    index = _id(request.GET.get(f"{ITEMS_PREFIX}-TOTAL_FORMS", 0))
    if not 0 <= index < RaisedItemFormSet.absolute_max:
        raise Http404
    form = RaisedItemFormSet(prefix=ITEMS_PREFIX).empty_form
    form.prefix = f"{ITEMS_PREFIX}-{index}"
    return render(
        request,
        "followups/_item_row.html",
        {"row": form, "index": index, "total": index + 1, "prefix": ITEMS_PREFIX, "oob": True},
    )


@login_required
@permission_required(DESK, raise_exception=True)
@require_POST
def close_unreachable(request, pk: int):
    obligation = queries.get_followup_obligation_for(request.user, pk)
    try:
        actions.close_unreachable(obligation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(
            f"{reverse('followups:call-new')}?customer={obligation.customer_id}"
            f"&obligation={obligation.pk}"
        )
    messages.success(request, _("The first follow-up was closed as unreachable."))
    return redirect(customer_url(obligation.customer_id))


def _display(field: str, value) -> str:
    if field == "topics":
        return ", ".join(str(Topic(code).label) for code in value or [] if code in Topic.values)
    if field == "reached":
        return _("Yes") if value else _("No")
    if field == "purpose" and value in Purpose.values:
        return str(Purpose(value).label)
    if field == "direction" and value in Direction.values:
        return str(Direction(value).label)
    return value or ""


def _record(call) -> list[dict]:
    """Each amendable field as first recorded and, if corrected, as last amended."""
    amendments = list(call.amendments.all())
    rows = []
    for field, label in AmendForm().fields["field"].choices:
        original = getattr(call, field)
        changed = [a for a in amendments if a.field == field]
        rows.append(
            {
                "field": field,
                "label": label,
                "original": _display(field, original),
                "amended": _display(field, changed[-1].new_value) if changed else None,
            }
        )
    return rows


def _render_detail(request, call, amend_form=None, status=200):
    amendments = list(call.amendments.select_related("amended_by"))
    labels = dict(AmendForm().fields["field"].choices)
    for amendment in amendments:
        amendment.field_label = labels.get(amendment.field, amendment.field)
        amendment.old_shown = _display(amendment.field, amendment.old_value)
        amendment.new_shown = _display(amendment.field, amendment.new_value)
    if amend_form is None:
        amend_form = AmendForm(
            initial={
                "value_topics": actions.effective_value(call, "topics"),
                "value_reached": "yes" if actions.effective_value(call, "reached") else "no",
                "value_purpose": actions.effective_value(call, "purpose"),
                "value_direction": actions.effective_value(call, "direction"),
            }
        )
    context = {
        "call": call,
        "record": _record(call),
        "amendments": amendments,
        "raised_items": call.raised_items.all(),
        "amend_form": amend_form,
        "customer_url": customer_url(call.customer_id),
    }
    return render(request, "followups/call_detail.html", context, status=status)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def call_detail(request, pk: int):
    return _render_detail(request, queries.get_call_for(request.user, pk))


@login_required
@permission_required(DESK, raise_exception=True)
@require_POST
def amend(request, pk: int):
    call = queries.get_call_for(request.user, pk)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            actions.amend_call(
                call, by=request.user, field=form.cleaned_data["field"],
                value=form.new_value(), reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as error:
            show_domain_error(form, error, {"topics": "value_topics"})
        else:
            messages.success(request, _("The correction was added; the original is kept."))
            return redirect("followups:detail", pk=call.pk)
    return _render_detail(request, call, amend_form=form)


@login_required
@permission_required(DESK, raise_exception=True)
@require_GET
def register(request):
    """The call register (DS-8) of the branch for a period."""
    tz = user_tz(request.user)
    form = RegisterPeriodForm(request.GET or None)
    start, end = form.period(timezone.localtime(timezone.now(), tz).date())
    calls = queries.register(request.user, start, end, tz, **form.narrowing())
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "followups/register.html",
        {"form": form, "page": page, "start": start, "end": end},
        status=filter_status(form),
    )


@login_required
@permission_required(DESK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_confirm(request, pk: int):
    """Confirm or edit the suggested next-service plan (DS-2)."""
    plan = queries.get_plan_for(request.user, pk)
    tz = user_tz(request.user)
    if request.method == "POST":
        form = PlanConfirmForm(request.POST, tz=tz)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.confirm_plan(
                    plan, by=request.user, topics=data["topics"], note=data["note"],
                    planned_contact_at=data["planned_contact_at"],
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("The next-service plan is confirmed."))
                return redirect(customer_url(plan.customer_id))
    else:
        form = PlanConfirmForm(
            tz=tz,
            initial={
                "topics": plan.topics,
                "planned_contact_at": plan.planned_contact_at,
                "note": plan.note,
            },
        )
    suggested = [PlanTopic(c).label for c in plan.suggested_topics if c in PlanTopic.values]
    return render(
        request,
        "followups/plan_confirm.html",
        {"plan": plan, "form": form, "suggested": suggested},
    )
