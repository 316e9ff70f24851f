"""Campaigns (DS-7, DS-7L) and letters (DS-9): the only writers of the outreach app."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.customers.actions import Errors, ensure_branch_access
from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.followups.choices import UNREACHABLE_AFTER, Purpose
from aftercare.followups.registers import next_number
from aftercare.moments import event_moment
from aftercare.obligations.actions import fulfil, open_obligation, open_obligations_bulk
from aftercare.obligations.models import Obligation
from aftercare.outreach import letters as letter_texts
from aftercare.outreach.choices import CampaignKind, LetterKind
from aftercare.outreach.models import Campaign, CampaignTarget, Letter, LetterAmendment, NoticeCall
from aftercare.outreach.targets import TargetFilters, target_customers

# Bigger campaigns are scheduled by the worker while the page shows progress.
SCHEDULE_IN_REQUEST_LIMIT = 2000
MANAGE = "outreach.add_campaign"


def ensure_can_manage(user, branch) -> None:
    if not user.has_perm(MANAGE):
        raise NotAllowed(_("Only a supervisor may plan campaigns."))
    ensure_branch_access(user, branch)


def _clean_campaign(fields: dict, errors: Errors) -> dict:
    name = (fields.get("name") or "").strip()
    if not name:
        errors.add("name", _("Give the campaign a name."))
    elif len(name) > 200:
        errors.add("name", _("At most 200 characters."))
    if fields.get("kind") not in CampaignKind.values:
        errors.add("kind", _("Choose a kind of campaign."))
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    for key, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime):
            errors.add(key, _("Enter a date and time."))
        elif timezone.is_naive(value):
            errors.add(key, _("The moment must include a time zone offset."))
    if (
        isinstance(starts_at, datetime)
        and isinstance(ends_at, datetime)
        and not timezone.is_naive(starts_at)
        and not timezone.is_naive(ends_at)
        and ends_at < starts_at
    ):
        errors.add("ends_at", _("The campaign cannot end before it starts."))
    address = (fields.get("address") or "").strip()
    if len(address) > 300:
        errors.add("address", _("At most 300 characters."))
    content = fields.get("content") or ""
    if len(content) > 5000:
        errors.add("content", _("At most 5000 characters."))
    return {
        "name": name, "kind": fields.get("kind"), "content": content,
        "starts_at": starts_at, "ends_at": ends_at, "address": address,
    }  # fmt: skip


@transaction.atomic
def create_campaign(*, by, branch, filters: TargetFilters, **fields) -> Campaign:
    """A campaign with its target filters; nothing is owed until it is scheduled."""
    ensure_can_manage(by, branch)
    errors = Errors()
    clean = _clean_campaign(fields, errors)
    filters.validate(errors)
    if filters.customer_ids and not errors:
        known = set(
            target_customers(branch, TargetFilters(customer_ids=filters.customer_ids))
            .values_list("pk", flat=True)
        )  # fmt: skip
        unknown = [i for i in filters.customer_ids if i not in known]
        if unknown:
            errors.add(
                "customer_ids",
                _("Not customers of this branch: %(ids)s")
                % {"ids": ", ".join(map(str, unknown[:20]))},
            )
    errors.raise_if_any(_("The campaign cannot be saved."))
    return Campaign.objects.create(
        organisation=branch.organisation, branch=branch, filters=filters.to_json(),
        created_by=by, **clean,
    )  # fmt: skip


def _check_schedulable(campaign: Campaign, at: datetime) -> None:
    if campaign.scheduled_at is not None:
        raise Conflict(_("This campaign is already scheduled."), code="already_scheduled")
    if campaign.starts_at <= at:
        message = _("The campaign has already started; its notices can no longer be scheduled.")
        raise InvalidInput(message, fields={"starts_at": [message]})


@transaction.atomic
def schedule_campaign(campaign: Campaign, *, by, at=None) -> Campaign:
    """Freeze the target list and open one DS-7 phone notice per target.

    Scheduling happens once: a second run is refused (409) so nobody is phoned twice; targets
    found later are added with a new campaign. Each notice is owed by the customer's follow-up
    advisor (or, for customers without one, by whoever schedules). All notices share one
    window, computed once: due 14 days before the start — or, when the campaign is scheduled
    later than that, at the end of the scheduling day, and the campaign is flagged
    `notices_late`.
    """
    ensure_can_manage(by, campaign.branch)
    at = event_moment(at)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_schedulable(campaign, at)
    _insert_targets(campaign)
    rows = (
        CampaignTarget.objects.filter(campaign=campaign)
        .order_by("customer_id")
        .values_list("customer__followup_advisor_id", "customer_id")
    )
    branch_id = campaign.branch_id
    count, late = open_obligations_bulk(
        "DS-7", organisation=campaign.organisation, event_at=campaign.starts_at,
        triggered_at=at, subject=campaign, title=campaign.name, by=by,
        rows=((branch_id, owner or by.pk, customer) for owner, customer in
              rows.iterator(chunk_size=5000)),
    )  # fmt: skip
    campaign.scheduled_at, campaign.scheduled_by, campaign.notices_late = at, by, late
    campaign.schedule_total, campaign.schedule_failure = count, ""
    campaign.schedule_requested_at = campaign.schedule_requested_at or at
    campaign.save()
    return campaign


def _insert_targets(campaign: Campaign) -> int:
    """INSERT … SELECT: the target list is computed and written by the database in one go."""
    from django.db import connection

    query = target_customers(campaign.branch, TargetFilters.from_json(campaign.filters))
    sql, params = query.order_by().values("pk").query.sql_with_params()
    table = connection.ops.quote_name(CampaignTarget._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, customer_id) SELECT %s, t.* FROM ({sql}) t",
            [campaign.pk, *params],
        )
        return cursor.rowcount


@transaction.atomic
def request_schedule(campaign: Campaign, *, by, at=None) -> Campaign:
    """Schedule now when small; a big campaign goes to the worker and the page polls it."""
    from aftercare.outreach.tasks import run_schedule

    ensure_can_manage(by, campaign.branch)
    at = event_moment(at)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_schedulable(locked, at)
    if locked.schedule_requested_at is not None and not locked.schedule_failure:
        raise Conflict(_("This campaign is being scheduled."), code="scheduling")
    total = target_customers(locked.branch, TargetFilters.from_json(locked.filters)).count()
    if total <= SCHEDULE_IN_REQUEST_LIMIT:
        return schedule_campaign(locked, by=by, at=at)
    locked.schedule_requested_at, locked.scheduled_by = at, by
    locked.schedule_total, locked.schedule_failure = total, ""
    locked.save(update_fields=[
        "schedule_requested_at", "scheduled_by", "schedule_total", "schedule_failure"
    ])  # fmt: skip
    transaction.on_commit(lambda: run_schedule.enqueue(locked.pk))
    return locked


def run_schedule(campaign_id: int) -> str:
    """The worker's side of `request_schedule`; safe to run twice (the second run refuses)."""
    campaign = Campaign.objects.select_related("scheduled_by", "branch").filter(pk=campaign_id)
    campaign = campaign.first()
    if campaign is None or campaign.scheduled_at is not None:
        return "done"
    try:
        schedule_campaign(campaign, by=campaign.scheduled_by, at=campaign.schedule_requested_at)
    except (Conflict, InvalidInput, NotAllowed) as error:
        Campaign.objects.filter(pk=campaign_id).update(schedule_failure=str(error.message)[:300])
        return "failed"
    return "done"


# --- notice calls (DS-7 → DS-7L) -------------------------------------------------------------


def validate_notice_call(customer, campaign, purpose: str, errors: Errors) -> None:
    """Checks `record_call` makes before it writes anything."""
    if campaign is None:
        return
    if purpose != Purpose.CAMPAIGN_NOTICE:
        errors.add("campaign_id", _("Only a campaign-notice call belongs to a campaign."))
    elif campaign.scheduled_at is None:
        errors.add("campaign_id", _("This campaign is not scheduled yet."))
    elif not CampaignTarget.objects.filter(campaign=campaign, customer=customer).exists():
        errors.add("campaign_id", _("This customer is not on the campaign's target list."))


def campaign_awaiting_notice(customer, at: datetime):
    """The campaign of the customer's oldest pending DS-7, for a notice call logged without one
    (the call page, opened from the worklist, knows the obligation but not the campaign)."""
    notice = (
        Obligation.objects.pending()
        .filter(rule="DS-7", customer=customer, triggered_at__lte=at,
                subject_type__app_label="outreach", subject_type__model="campaign")
        .order_by("due_at", "id")
        .first()
    )  # fmt: skip
    if notice is None:
        return None
    return Campaign.objects.filter(pk=notice.subject_id).first()


def _pending(rule: str, customer, campaign, at: datetime) -> Obligation | None:
    return (
        Obligation.objects.pending()
        .filter(rule=rule, customer=customer, subject_id=campaign.pk, triggered_at__lte=at,
                subject_type__app_label="outreach", subject_type__model="campaign")
        .order_by("due_at", "id")
        .first()
    )  # fmt: skip


def notice_call_recorded(call, campaign: Campaign, *, by) -> None:
    """A campaign-notice call: reached fulfils DS-7; a letter follows (DS-7L) when the customer
    prefers letters or on the third failed attempt (which also closes DS-7 as unreachable)."""
    customer, at = call.customer, call.occurred_at
    target = CampaignTarget.objects.select_for_update().get(campaign=campaign, customer=customer)
    NoticeCall.objects.create(target=target, call=call)
    notice = _pending("DS-7", customer, campaign, at)
    owner = notice.owner if notice is not None else (customer.followup_advisor or by)
    needs_letter = False
    if call.reached:
        target.reached, target.notified_at = True, target.notified_at or at
        if notice is not None:
            fulfil(notice, by=by, at=at, outcome=call.register_number)
        needs_letter = customer.prefers_letters
    else:
        if target.reached is None:
            target.reached = False
        failed = NoticeCall.objects.filter(target=target, call__reached=False).count()
        if failed == UNREACHABLE_AFTER:
            needs_letter = True
            if notice is not None:
                fulfil(notice, by=by, at=at, outcome="unreachable")
    target.save(update_fields=["reached", "notified_at"])
    if needs_letter and _pending("DS-7L", customer, campaign, at) is None:
        open_obligation(
            "DS-7L", branch=campaign.branch, owner=owner, event_at=at, customer=customer,
            subject=campaign, title=campaign.name,
        )  # fmt: skip


@transaction.atomic
def record_attendance(target: CampaignTarget, *, by, attended=None, replied=None):
    ensure_branch_access(by, target.campaign.branch)
    target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
    if attended is not None:
        target.attended = attended
    if replied is not None:
        target.replied = replied
    target.save(update_fields=["attended", "replied"])
    return target


# --- letters (DS-9) --------------------------------------------------------------------------


def _clean_letter(customer, kind, at, campaign, raised_item, errors: Errors) -> None:
    if kind not in LetterKind.values:
        errors.add("kind", _("Choose notice, invitation or reply."))
    if kind == LetterKind.REPLY:
        if raised_item is None:
            errors.add("raised_item_id", _("A reply answers a raised item: choose it."))
    elif kind in LetterKind.values and campaign is None:
        errors.add("campaign_id", _("A notice or invitation is about a campaign: choose it."))
    if raised_item is not None and raised_item.customer_id != customer.pk:
        errors.add("raised_item_id", _("This item was raised by another customer."))
    if campaign is not None and campaign.branch_id != customer.branch_id:
        errors.add("campaign_id", _("This campaign belongs to another branch."))
    if not customer.address.strip():
        errors.add("customer_id", _("The customer has no postal address on file."))


@transaction.atomic
def record_letter(
    customer, *, by, kind: str, at=None, campaign=None, raised_item=None, subject: str = "",
    body: str = "",
) -> Letter:  # fmt: skip
    """A letter sent: its register line (DS-9), and DS-7L fulfilled for a campaign notice."""
    if not by.has_perm("outreach.add_letter"):
        raise NotAllowed(_("You may not record letters."))
    ensure_branch_access(by, customer.branch)
    at = event_moment(at, field="sent_at")
    errors = Errors()
    _clean_letter(customer, kind, at, campaign, raised_item, errors)
    errors.raise_if_any(_("The letter cannot be recorded."))
    if not subject or not body:
        text = letter_texts.compose(kind, customer, campaign=campaign, raised_item=raised_item)
        subject, body = subject or text.subject, body or text.body
    year = timezone.localtime(at, customer.branch.organisation.tz).year
    letter = Letter.objects.create(
        branch=customer.branch, register_number=next_number(customer.branch, "L", year),
        customer=customer, kind=kind, sent_at=at, sent_by=by, campaign=campaign,
        raised_item=raised_item, subject=subject[:200], body=body, address=customer.address,
    )  # fmt: skip
    if campaign is not None:
        CampaignTarget.objects.filter(
            campaign=campaign, customer=customer, letter_sent_at__isnull=True
        ).update(letter_sent_at=at)
        if kind == LetterKind.NOTICE:
            pending = _pending("DS-7L", customer, campaign, at)
            if pending is not None:
                fulfil(pending, by=by, at=at, outcome=letter.register_number)
    return letter


AMENDABLE = {"kind", "sent_at", "subject", "body", "address"}


@transaction.atomic
def amend_letter(letter: Letter, *, by, field: str, value, reason: str) -> LetterAmendment:
    """Corrections never overwrite the register: the original stays, the amendment is added."""
    ensure_branch_access(by, letter.branch)
    errors = Errors()
    if field not in AMENDABLE:
        errors.add("field", _("This field cannot be amended."))
    if not (reason or "").strip():
        errors.add("reason", _("Give a reason for the correction."))
    elif len(reason) > 300:
        errors.add("reason", _("At most 300 characters."))
    if field == "kind" and value not in LetterKind.values:
        errors.add("value", _("Choose notice, invitation or reply."))
    elif field == "sent_at":
        try:
            moment = datetime.fromisoformat(str(value))
            value = event_moment(moment, field="value").isoformat()
        except ValueError:
            errors.add("value", _("Enter a date and time."))
        except InvalidInput as error:
            errors.add("value", str(error.message))
    elif field in ("subject", "body", "address") and not isinstance(value, str):
        errors.add("value", _("Enter text."))
    errors.raise_if_any(_("The correction cannot be recorded."))
    current = effective_value(letter, field)
    if isinstance(current, datetime):
        current = current.isoformat()
    return LetterAmendment.objects.create(
        letter=letter, field=field, old_value=current, new_value=value, reason=reason, by=by
    )


def effective_value(letter: Letter, field: str):
    """The value as last amended (or as first recorded)."""
    last = letter.amendments.filter(field=field).order_by("-at", "-id").first()
    return last.new_value if last else getattr(letter, field)
