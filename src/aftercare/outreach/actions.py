"""Campaigns (DS-7, DS-7L) and letters (DS-9): the only writers of the outreach app."""

import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, Errors, InvalidInput, NotAllowed
from aftercare.followups.choices import UNREACHABLE_AFTER, Purpose
from aftercare.moments import event_moment
from aftercare.obligations.actions import fulfil, open_obligation, open_obligations_bulk
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_allowed
from aftercare.outreach import letters as letter_texts
from aftercare.outreach.choices import (
    BATCH_CHUNK,
    BatchStatus,
    BatchWho,
    CampaignKind,
    LetterKind,
)
from aftercare.outreach.models import (
    Campaign,
    CampaignTarget,
    Letter,
    LetterAmendment,
    LetterBatch,
    NoticeCall,
)
from aftercare.outreach.targets import TargetFilters, target_customers
from aftercare.records.amendments import amended_value, check_amendment
from aftercare.records.registers import next_number

# Bigger campaigns are scheduled by the worker while the page shows progress.
SCHEDULE_IN_REQUEST_LIMIT = 2000
# Bigger batches of letters are recorded as posted by the worker (≈ 250 letters a second).
RECORD_IN_REQUEST_LIMIT = 1000
MANAGE = "outreach.add_campaign"
logger = logging.getLogger(__name__)


def ensure_can_manage(user, branch) -> None:
    ensure_allowed(user, MANAGE, branch)


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


def _validated(branch, filters: TargetFilters, fields: dict) -> dict:
    """The campaign's fields, cleaned, with its filters checked against the branch."""
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
    return clean


@transaction.atomic
def create_campaign(*, by, branch, filters: TargetFilters, **fields) -> Campaign:
    """A campaign with its target filters; nothing is owed until it is scheduled."""
    ensure_can_manage(by, branch)
    clean = _validated(branch, filters, fields)
    return Campaign.objects.create(
        organisation=branch.organisation, branch=branch, filters=filters.to_json(),
        created_by=by, **clean,
    )  # fmt: skip


@transaction.atomic
def update_campaign(campaign: Campaign, *, by, filters: TargetFilters, **fields) -> Campaign:
    """Correct a campaign before it is scheduled; once notices are owed it stays as it was
    (history keeps every earlier version)."""
    ensure_can_manage(by, campaign.branch)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.scheduled_at is not None or campaign.schedule_requested_at is not None:
        raise Conflict(_("A scheduled campaign cannot be changed."), code="already_scheduled")
    clean = _validated(campaign.branch, filters, fields)
    for name, value in clean.items():
        setattr(campaign, name, value)
    campaign.filters = filters.to_json()
    campaign._change_reason = f"edited by {by.username}"
    campaign.save()
    return campaign


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
    ensure_allowed(by, "outreach.change_campaigntarget", target.campaign.branch)
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
    ensure_allowed(by, "outreach.add_letter", customer.branch)
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
        if kind in (LetterKind.NOTICE, LetterKind.INVITATION):
            pending = _pending("DS-7L", customer, campaign, at)
            if pending is not None:
                fulfil(pending, by=by, at=at, outcome=letter.register_number)
    return letter


AMENDABLE = {"kind", "sent_at", "subject", "body", "address"}


@transaction.atomic
def amend_letter(letter: Letter, *, by, field: str, value, reason: str) -> LetterAmendment:
    """Corrections never overwrite the register: the original stays, the amendment is added."""
    ensure_allowed(by, "outreach.add_letteramendment", letter.branch)
    errors = Errors()
    check_amendment(field, reason, amendable=AMENDABLE, errors=errors)
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
    return amended_value(letter, field, letter.amendments.all())


# --- batches of letters ---------------------------------------------------------------------


def _batch_targets(campaign: Campaign, who: str):
    from aftercare.outreach.queries import letters_due, targets_of

    if who == BatchWho.ALL:
        return targets_of(campaign).order_by("customer__name", "id")
    return letters_due(campaign)


def ensure_can_write_letters(user, branch) -> None:
    ensure_allowed(user, "outreach.add_letter", branch)


@transaction.atomic
def request_letter_batch(campaign: Campaign, *, by, who: str, language: str = "zh-hant"):
    """Freeze the targets of a batch (owed a letter, or all) and hand the drawing to the worker.

    The worker writes a .docx, a PDF and address labels whatever the number of letters; the
    page polls the batch for its progress.
    """
    from aftercare.outreach.tasks import run_letter_batch

    ensure_can_write_letters(by, campaign.branch)
    if who not in BatchWho.values:
        message = _("Choose the letters owed or every target.")
        raise InvalidInput(message, fields={"who": [message]})
    if campaign.scheduled_at is None:
        message = _("This campaign is not scheduled yet.")
        raise InvalidInput(message, fields={"campaign_id": [message]})
    rows = list(_batch_targets(campaign, who).values_list("customer_id", "customer__address"))
    if not rows:
        message = (
            _("No customer is owed a letter for this campaign.")
            if who == BatchWho.DUE
            else _("This campaign has no targets.")
        )
        raise InvalidInput(message, fields={"who": [message]})
    # A letter cannot be posted without an address: those targets are left out of the files
    # and listed on the page, so the rest can go today (issue 10).
    posted = [customer_id for customer_id, address in rows if (address or "").strip()]
    skipped = [customer_id for customer_id, address in rows if not (address or "").strip()]
    if not posted:
        message = _("None of these customers has a postal address on file.")
        raise InvalidInput(message, fields={"who": [message]})
    batch = LetterBatch.objects.create(
        campaign=campaign, who=who, created_by=by, language=language,
        kind=LetterKind.INVITATION if who == BatchWho.ALL else LetterKind.NOTICE,
        customer_ids=posted, total=len(posted), without_address=len(skipped),
        skipped_customer_ids=skipped,
    )  # fmt: skip
    transaction.on_commit(lambda: run_letter_batch.enqueue(batch.pk))
    return batch


def batch_folder(batch: LetterBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "outreach" / "batches" / str(batch.pk)


def _batch_texts(batch: LetterBatch, ids: list[int]) -> list:
    from aftercare.customers.models import Customer

    customers = Customer.objects.filter(pk__in=ids).select_related("branch__organisation")
    by_id = {customer.pk: customer for customer in customers}
    return [
        letter_texts.compose(batch.kind, by_id[pk], campaign=batch.campaign)
        for pk in ids
        if pk in by_id
    ]


def run_letter_batch(batch_id: int) -> str:
    """The worker's side of `request_letter_batch`: draws the files chunk by chunk, saving the
    progress after each chunk. A batch is claimed once (a retried task leaves it alone)."""
    claimed = LetterBatch.objects.filter(pk=batch_id, status=BatchStatus.WAITING).update(
        status=BatchStatus.RUNNING
    )
    if not claimed:
        return "skipped"
    batch = LetterBatch.objects.select_related("campaign__branch__organisation").get(pk=batch_id)
    with translation.override(batch.language), timezone.override(batch.campaign.organisation.tz):
        try:
            files = _draw_batch(batch)
        except Exception as error:  # the page must say it failed, not spin for ever
            logger.exception("letter batch %s failed", batch_id)
            LetterBatch.objects.filter(pk=batch_id).update(
                status=BatchStatus.FAILED, failure=str(error)[:300] or type(error).__name__,
                finished_at=timezone.now(),
            )  # fmt: skip
            return "failed"
    LetterBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.DONE, files=files, steps_done=len(LetterBatch.FILES) * batch.total,
        finished_at=timezone.now(),
    )  # fmt: skip
    return "done"


def _draw_batch(batch: LetterBatch) -> dict:
    folder = batch_folder(batch)
    folder.mkdir(parents=True, exist_ok=True)
    ids = batch.customer_ids
    pdf_parts, label_parts = [], []
    progress = {"steps": 0}

    def chunks():
        for number, start in enumerate(range(0, len(ids), BATCH_CHUNK)):
            texts = _batch_texts(batch, ids[start : start + BATCH_CHUNK])
            pdf_part, label_part = (
                folder / f"letters-{number:05d}.pdf",
                folder / f"labels-{number:05d}.pdf",
            )
            pdf_part.write_bytes(letter_texts.pdf(texts))
            label_part.write_bytes(letter_texts.labels_pdf(texts))
            pdf_parts.append(pdf_part)
            label_parts.append(label_part)
            progress["steps"] += 2 * len(texts)
            yield texts

    for written in letter_texts.write_docx(chunks(), folder / "letters.docx"):
        # A little short of the end until the PDFs are joined and the batch is marked done.
        steps = min(progress["steps"] + written, len(LetterBatch.FILES) * batch.total - 1)
        LetterBatch.objects.filter(pk=batch.pk).update(steps_done=steps)
    pdf = letter_texts.join_pdfs(pdf_parts, folder / "letters.pdf")
    labels = letter_texts.join_pdfs(label_parts, folder / "labels.pdf")
    return {"docx": "letters.docx", "pdf": pdf.name, "labels": labels.name}


def _check_recordable(batch: LetterBatch) -> None:
    if batch.recorded_at is not None:
        raise Conflict(_("This batch is already on the letter register."), code="already_recorded")
    if batch.status != BatchStatus.DONE:
        raise Conflict(_("This batch is not ready yet."), code="batch_not_ready")


def _batch_customers(batch: LetterBatch) -> tuple[list, list]:
    """The batch's customers in its order: those with a postal address now, and those whose
    address has gone since the letters were drawn (their lines cannot be written).

    Refused only when nobody is left to record.
    """
    from aftercare.customers.models import Customer

    customers = Customer.objects.filter(pk__in=batch.customer_ids).select_related(
        "branch__organisation"
    )
    by_id = {customer.pk: customer for customer in customers}
    ordered = [by_id[pk] for pk in batch.customer_ids if pk in by_id]
    posted = [customer for customer in ordered if customer.address.strip()]
    missing = [customer for customer in ordered if not customer.address.strip()]
    if not posted:
        message = _("None of these customers has a postal address on file. Nothing was recorded.")
        raise InvalidInput(message, fields={"customer_ids": [message]})
    return posted, missing


@transaction.atomic
def record_batch_sent(batch: LetterBatch, *, by, at=None) -> LetterBatch:
    """The letters of a batch posted: one register line (DS-9) per target, numbered without
    gaps, each fulfilling the target's pending DS-7L — all or nothing.

    A customer whose address has gone since the letters were drawn is left out and listed;
    refused a second time (409) so the register never holds a batch twice.
    """
    campaign = batch.campaign
    ensure_can_write_letters(by, campaign.branch)
    at = event_moment(at, field="sent_at")
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    _check_recordable(batch)
    posted, missing = _batch_customers(batch)
    for customer in posted:
        record_letter(customer, by=by, kind=batch.kind, at=at, campaign=campaign)
    batch.recorded_at, batch.recorded_by, batch.recorded_count = at, by, len(posted)
    batch.skipped_customer_ids = [*batch.skipped_customer_ids, *(c.pk for c in missing)]
    batch.save(
        update_fields=["recorded_at", "recorded_by", "recorded_count", "skipped_customer_ids"]
    )
    return batch


@transaction.atomic
def request_record_batch(batch: LetterBatch, *, by, at=None) -> LetterBatch:
    """Record a small batch now; a big one (a 10 000-letter run takes minutes, longer than a
    request may) is checked now and recorded by the worker, in one transaction all the same."""
    from aftercare.outreach.tasks import run_record_batch

    ensure_can_write_letters(by, batch.campaign.branch)
    at = event_moment(at, field="sent_at")
    locked = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    _check_recordable(locked)
    if locked.is_recording:
        raise Conflict(_("This batch is being recorded."), code="recording")
    _batch_customers(locked)
    if locked.total <= RECORD_IN_REQUEST_LIMIT:
        return record_batch_sent(locked, by=by, at=at)
    locked.record_sent_at, locked.record_by, locked.record_failure = at, by, ""
    locked.record_language = translation.get_language() or settings.LANGUAGE_CODE
    locked.save(update_fields=["record_sent_at", "record_by", "record_failure", "record_language"])
    transaction.on_commit(lambda: run_record_batch.enqueue(locked.pk))
    return locked


def run_record_batch(batch_id: int) -> str:
    """The worker's side of `request_record_batch`; a refusal is kept for the page to show."""
    batch = LetterBatch.objects.select_related("campaign__branch", "record_by").get(pk=batch_id)
    if not batch.is_recording:
        return "skipped"
    with translation.override(batch.record_language or settings.LANGUAGE_CODE):
        try:
            record_batch_sent(batch, by=batch.record_by, at=batch.record_sent_at)
        except (Conflict, InvalidInput, NotAllowed) as error:
            LetterBatch.objects.filter(pk=batch_id).update(record_failure=str(error.message)[:500])
            return "failed"
    return "done"
