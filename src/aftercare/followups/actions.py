"""Next-service plans (DS-2) and calls (DS-3, DS-6, DS-8)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.followups.choices import UNREACHABLE_AFTER, Direction, PlanTopic, Purpose, Topic
from aftercare.followups.models import Call, CallAmendment, NextServicePlan
from aftercare.moments import event_moment
from aftercare.obligations.actions import fulfil, open_obligation
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_allowed
from aftercare.records.amendments import amended_value, check_amendment
from aftercare.records.registers import next_number

MAINTENANCE_HORIZON_DAYS = 45


def suggest_topics(customer, *, at: datetime) -> list[str]:
    """Topics for the next contact, from what the archive knows at `at`."""
    from aftercare.cases.models import State

    topics = [PlanTopic.SATISFACTION.value]
    horizon = timezone.localtime(at).date() + timedelta(days=MAINTENANCE_HORIZON_DAYS)
    for vehicle in customer.vehicles.all():
        due = vehicle.projected_maintenance_on()
        if due is not None and due <= horizon:
            topics.append(PlanTopic.MAINTENANCE_DUE.value)
            break
    if customer.raised_items.exclude(state=State.CLOSED).exists():
        topics.append(PlanTopic.OPEN_ITEMS.value)
    from aftercare.outreach.queries import campaign_topics  # campaigns it is targeted by

    topics.extend(campaign_topics(customer, at=at))
    return topics


def draft_plan(customer, *, at: datetime) -> NextServicePlan:
    """A suggestion the advisor confirms or edits (which fulfils DS-2)."""
    tz = customer.branch.organisation.tz
    contact_day = timezone.localtime(at, tz).date() + timedelta(days=3)
    planned = datetime.combine(contact_day, time(10, 0), tzinfo=tz)
    topics = suggest_topics(customer, at=at)
    return NextServicePlan.objects.create(
        customer=customer, suggested_topics=topics, topics=topics, planned_contact_at=planned
    )


@transaction.atomic
def confirm_plan(
    plan: NextServicePlan, *, by, at=None, topics=None, planned_contact_at=None, note=None
) -> NextServicePlan:
    ensure_allowed(by, "followups.change_nextserviceplan", plan.customer.branch)
    at = event_moment(at)
    plan = NextServicePlan.objects.select_for_update().get(pk=plan.pk)
    if topics is not None:
        unknown = [t for t in topics if t not in PlanTopic.values]
        if unknown:
            message = _("Unknown topics: %(codes)s") % {"codes": ", ".join(unknown)}
            raise InvalidInput(message, fields={"topics": [message]})
        plan.topics = list(topics)
    if planned_contact_at is not None:
        plan.planned_contact_at = planned_contact_at
    if note is not None:
        plan.note = note
    plan.confirmed_at, plan.confirmed_by = at, by
    plan.save()
    from aftercare.obligations.actions import fulfil_pending

    fulfil_pending("DS-2", by=by, at=at, customer=plan.customer)
    return plan


def _clean_call(direction, purpose, topics, errors: Errors) -> list[str]:
    if direction not in Direction.values:
        errors.add("direction", _("Choose in or out."))
    if purpose not in Purpose.values:
        errors.add("purpose", _("Unknown purpose."))
    topics = list(topics or [])
    unknown = [t for t in topics if t not in Topic.values]
    if unknown:
        errors.add("topics", _("Unknown topics: %(codes)s") % {"codes": ", ".join(unknown)})
    return [t for t in Topic.values if t in topics]


def failed_attempts(obligation: Obligation) -> int:
    """Unreached first follow-up calls since the obligation's trigger (DS-3)."""
    return Call.objects.filter(
        customer_id=obligation.customer_id,
        purpose=Purpose.FIRST_FOLLOWUP,
        reached=False,
        occurred_at__gte=obligation.triggered_at,
    ).count()


def _pending(customer, rule: str, at: datetime):
    """The oldest pending obligation of `rule` for the customer triggered before `at`."""
    return (
        Obligation.objects.pending()
        .filter(customer=customer, rule=rule, triggered_at__lte=at)
        .order_by("due_at", "id")
        .first()
    )


@transaction.atomic
def record_call(
    customer, *, by, direction: str, purpose: str, at=None, reached: bool = True, topics=(),
    other_topics: str = "", notes: str = "", raised_items=(), vehicle=None, phone_number: str = "",
    campaign=None,
) -> Call:  # fmt: skip
    """Every call writes a record and a register line (DS-8) and moves the follow-up rules."""
    from aftercare.cases import actions as case_actions

    ensure_allowed(by, "followups.add_call", customer.branch)
    at = event_moment(at, field="occurred_at")
    errors = Errors()
    topics = _clean_call(direction, purpose, topics, errors)
    if vehicle is not None and vehicle.customer_id != customer.pk:
        errors.add("vehicle_id", _("This vehicle belongs to another customer."))
    if raised_items and not reached:
        errors.add("raised_items", _("An unanswered call cannot raise items."))
    for index, item in enumerate(raised_items):
        case_actions.validate_item(item, errors, prefix=f"raised_items.{index}")
    if campaign is None and purpose == Purpose.CAMPAIGN_NOTICE:  # the page logs from DS-7
        from aftercare.outreach.actions import campaign_awaiting_notice

        campaign = campaign_awaiting_notice(customer, at)
    if campaign is not None:  # a campaign notice (DS-7)
        from aftercare.outreach.actions import validate_notice_call

        validate_notice_call(customer, campaign, purpose, errors)
    errors.raise_if_any(_("The call cannot be recorded."))

    year = timezone.localtime(at, customer.branch.organisation.tz).year
    call = Call.objects.create(
        branch=customer.branch, register_number=next_number(customer.branch, "T", year),
        customer=customer, vehicle=vehicle, advisor=by, direction=direction, purpose=purpose,
        occurred_at=at, reached=reached, topics=topics, other_topics=other_topics, notes=notes,
        phone_number=phone_number,
    )  # fmt: skip
    if reached and purpose == Purpose.FIRST_FOLLOWUP:
        first = _pending(customer, "DS-3", at)
        if first is not None:
            fulfil(first, by=by, at=at, outcome=call.register_number)
            open_obligation(
                "DS-6", branch=customer.branch, owner=first.owner, event_at=at,
                customer=customer, subject=call, title=first.title,
            )  # fmt: skip
    elif reached and purpose == Purpose.SECOND_FOLLOWUP:
        second = _pending(customer, "DS-6", at)
        if second is not None:
            fulfil(second, by=by, at=at, outcome=call.register_number)
    if reached and purpose == Purpose.MAINTENANCE_REMINDER:  # DS-2M (messaging/)
        from aftercare.obligations.actions import fulfil_pending

        fulfil_pending("DS-2M", by=by, at=at, customer=customer, subject=vehicle)
    for item in raised_items:
        case_actions.raise_item(call, by=by, **item)
    if campaign is not None:
        from aftercare.outreach.actions import notice_call_recorded

        notice_call_recorded(call, campaign, by=by)
    return call


@transaction.atomic
def close_unreachable(obligation: Obligation, *, by, at=None) -> Obligation:
    """After 3 failed attempts the advisor may close DS-3 as unreachable."""
    ensure_allowed(by, "followups.add_call", obligation.branch)
    if obligation.rule != "DS-3":
        raise InvalidInput(_("Only a first follow-up can be closed as unreachable."))
    attempts = failed_attempts(obligation)
    if attempts < UNREACHABLE_AFTER:
        raise Conflict(
            _("Only %(n)s of %(needed)s attempts were made; keep trying.")
            % {"n": attempts, "needed": UNREACHABLE_AFTER},
            code="too_few_attempts",
        )
    return fulfil(obligation, by=by, at=at, outcome="unreachable")


AMENDABLE = {"reached", "topics", "other_topics", "notes", "purpose", "direction"}


@transaction.atomic
def amend_call(call: Call, *, by, field: str, value, reason: str) -> CallAmendment:
    """Corrections never overwrite the register: the original stays, the amendment is added."""
    ensure_allowed(by, "followups.add_callamendment", call.branch)
    errors = Errors()
    check_amendment(field, reason, amendable=AMENDABLE, errors=errors)
    if field == "topics":
        value = _clean_call(call.direction, call.purpose, value, errors)
    elif field == "direction" and value not in Direction.values:
        errors.add("value", _("Choose in or out."))
    elif field == "purpose" and value not in Purpose.values:
        errors.add("value", _("Unknown purpose."))
    elif field == "reached" and not isinstance(value, bool):
        errors.add("value", _("Answer yes or no."))
    elif field in ("notes", "other_topics") and not isinstance(value, str):
        errors.add("value", _("Enter text."))
    errors.raise_if_any(_("The correction cannot be recorded."))
    current = effective_value(call, field)
    return CallAmendment.objects.create(
        call=call, field=field, old_value=current, new_value=value, reason=reason, amended_by=by
    )


def effective_value(call: Call, field: str):
    """The value as last amended (or as first recorded)."""
    return amended_value(call, field, call.amendments.all())
