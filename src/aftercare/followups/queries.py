"""Read side of follow-ups: calls and plans the user may see, the register, DS-6's memory."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from aftercare.customers.models import Customer
from aftercare.followups.actions import effective_value
from aftercare.followups.choices import Purpose, Topic
from aftercare.followups.models import Call, NextServicePlan
from aftercare.obligations.models import Obligation
from aftercare.org.access import restrict
from aftercare.standard.calendar import days_span


def visible_calls(user):
    """Calls of the user's branch; administrators see their organisation."""
    qs = Call.objects.select_related("customer", "advisor", "vehicle", "branch")
    return restrict(qs, user, "followups.view_call")


def get_call_for(user, call_id: int) -> Call:
    return get_object_or_404(visible_calls(user), pk=call_id)


def visible_plans(user):
    """Next-service plans (DS-2) of the customers of the user's branch."""
    plans = NextServicePlan.objects.select_related("customer")
    return restrict(plans, user, "followups.view_nextserviceplan", branch_field="customer__branch")


def get_plan_for(user, plan_id: int) -> NextServicePlan:
    return get_object_or_404(visible_plans(user), pk=plan_id)


def pending_call_duty(customer, now: datetime) -> Obligation | None:
    """The customer's most urgent pending duty that a call does (DS-3, DS-6, DS-7, DS-2M), by
    due date: what "Log a call" on the customer page is most likely about."""
    from aftercare.followups.forms import PURPOSE_FOR_RULE

    return (
        Obligation.objects.pending()
        .filter(customer=customer, rule__in=list(PURPOSE_FOR_RULE), triggered_at__lte=now)
        .order_by("due_at", "id")
        .first()
    )


def get_followup_obligation_for(user, obligation_id: int, customer=None) -> Obligation:
    """An obligation about a customer the user may see (the desk works branch-wide)."""
    qs = Obligation.objects.filter(customer_id__in=Customer.objects.visible_to(user).values("pk"))
    if customer is not None:
        qs = qs.filter(customer=customer)
    return get_object_or_404(qs, pk=obligation_id)


def calls_by_purpose(branch_id: int, *, start: datetime, end: datetime) -> list[dict]:
    """Calls that occurred in [start, end) per purpose and direction, with how many reached
    the customer; one GROUP BY. Figures use the recorded values, not later amendments."""
    return list(
        Call.objects.filter(branch_id=branch_id, occurred_at__gte=start, occurred_at__lt=end)
        .values("purpose", "direction")
        .annotate(calls=Count("id"), reached=Count("id", filter=Q(reached=True)))
        .order_by("purpose", "direction")
    )


def register(user, start: date, end: date, tz, *, purpose=None, direction=None, branch=None):
    """Call-register lines (DS-8) from `start` to `end` inclusive, local dates of `tz`,
    optionally narrowed as the dashboard's figures are (purpose, direction, branch id)."""
    since, until = days_span(start, end, tz)
    calls = visible_calls(user)
    narrowing = {"purpose": purpose, "direction": direction, "branch_id": branch}
    calls = calls.filter(**{name: value for name, value in narrowing.items() if value})
    return (
        calls.filter(occurred_at__gte=since, occurred_at__lt=until)
        .prefetch_related("amendments")
        .order_by("occurred_at", "id")
    )


@dataclass
class FirstFollowupSummary:
    """What the first follow-up call covered, as the second call's form shows it (DS-6)."""

    call: Call
    topics: list[str]
    raised_items: list = field(default_factory=list)

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(code).label for code in self.topics if code in Topic.values]


def first_followup_summary(customer) -> FirstFollowupSummary | None:
    """The customer's latest reached first follow-up call, with its topics as amended."""
    call = (
        Call.objects.filter(customer=customer, purpose=Purpose.FIRST_FOLLOWUP, reached=True)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if call is None:
        return None
    return FirstFollowupSummary(
        call=call,
        topics=list(effective_value(call, "topics") or []),
        raised_items=list(call.raised_items.all()),
    )


def nothing_new(first_call, topics, raised_items) -> bool:
    """DS-6: the second call repeats the first when it adds no topic and raises no item.

    `first_call` is a Call or a FirstFollowupSummary; without a first call there is nothing to
    repeat, so no warning.
    """
    if first_call is None:
        return False
    if isinstance(first_call, FirstFollowupSummary):
        covered = set(first_call.topics)
    else:
        covered = set(effective_value(first_call, "topics") or [])
    return not list(raised_items or []) and set(topics or []) <= covered
