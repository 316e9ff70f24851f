"""The only writers of messaging/: queue, deliver and retry messages, opt-outs, maintenance
reminders (DS-2M) and calendar-feed tokens."""

import smtplib
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, InvalidInput
from aftercare.messaging.choices import WAITING, Channel, MessageStatus, SuppressReason
from aftercare.messaging.gateways import DeliveryError, configured_gateway
from aftercare.messaging.models import (
    CalendarFeed,
    MaintenanceReminder,
    MaintenanceScan,
    Message,
    OptOut,
)
from aftercare.messaging.quiet import quiet_until
from aftercare.obligations.actions import open_obligation
from aftercare.org.access import ensure_allowed
from aftercare.standard.calendar import local_date, start_of_day
from aftercare.standard.deadlines import effective_rule

# A message left in "sending" this long was cut off by a crash: it may or may not have gone out,
# so it is not retried blindly (that could send it twice) but failed for a person to look at.
INTERRUPTED_AFTER = timedelta(minutes=15)


def sms_number(customer) -> str:
    """The first mobile number on file (E.164), else the first number at all."""
    phones = list(customer.phones.all())
    mobiles = [p for p in phones if p.label == "mobile"]
    return (mobiles or phones)[0].number if phones else ""


def _suppression(customer, channel: str, to: str) -> str:
    if channel == Channel.SMS and not customer.consents_to_sms:
        return SuppressReason.NO_CONSENT
    if OptOut.objects.filter(customer=customer, channel=channel).exists():
        return SuppressReason.OPTED_OUT
    if not to:
        return SuppressReason.NO_ADDRESS
    return ""


def _enqueue_on_commit(message: Message, at: datetime) -> None:
    from aftercare.messaging import tasks

    pk, moment = message.pk, at.isoformat()
    transaction.on_commit(lambda: tasks.send_message.enqueue(pk, moment))


def queue_message(
    customer, *, channel: str, reason: str, body: str, subject: str = "", by=None, at=None
) -> Message:
    """Queue a message inside the caller's transaction; the worker sends it after commit.

    `reason` is a stable key (e.g. "DS-2M:vehicle:123:2026-06-01"): a second call with the
    same reason returns the first message and sends nothing. Opt-outs and missing consent are
    recorded as `suppressed`; a message queued in quiet hours waits for their end.
    """
    at = at or timezone.now()
    if channel not in Channel.values:
        message = _("Unknown channel.")
        raise InvalidInput(message, fields={"channel": [message]})
    if not (body or "").strip():
        message = _("The message has no text.")
        raise InvalidInput(message, fields={"body": [message]})
    existing = Message.objects.filter(reason=reason).first()
    if existing is not None:
        return existing
    to = customer.email if channel == Channel.EMAIL else sms_number(customer)
    suppressed = _suppression(customer, channel, to)
    row = Message(
        customer=customer, channel=channel, to=to, subject=subject[:200], body=body,
        reason=reason, queued_at=at, created_by=by,
        attempt_limit=settings.AFTERCARE_MESSAGE_MAX_ATTEMPTS,
    )  # fmt: skip
    if suppressed:
        row.status, row.suppressed_because = MessageStatus.SUPPRESSED, suppressed
    else:
        later = quiet_until(at, customer.branch.organisation.tz)
        row.status = MessageStatus.DEFERRED if later else MessageStatus.QUEUED
        row.next_attempt_at = later or at
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same reason queued by a concurrent transaction
        return Message.objects.get(reason=reason)
    if row.status == MessageStatus.QUEUED:
        _enqueue_on_commit(row, at)
    return row


def _send(message: Message) -> str:
    """Hand the message to its transport; the provider's id, or DeliveryError."""
    if message.channel == Channel.SMS:
        return configured_gateway().send(message.to, message.body)
    message_id = make_msgid(domain="aftercare")
    email = EmailMessage(
        message.subject, message.body, None, [message.to], headers={"Message-ID": message_id}
    )
    try:
        get_connection(fail_silently=False).send_messages([email])
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}"[:500]) from error
    return message_id


def backoff(attempt_in_round: int) -> timedelta:
    """The wait after the n-th failed attempt of a round (1, 5, 25 minutes by default)."""
    minutes = settings.AFTERCARE_MESSAGE_BACKOFF_MINUTES or [1]
    return timedelta(minutes=minutes[min(attempt_in_round, len(minutes)) - 1])


def _claim(message_id: int, now: datetime) -> Message | None:
    """Move a due message to `sending` (one attempt more); None if it is not due or taken."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("customer__branch__organisation")
            .filter(pk=message_id, status__in=WAITING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        later = quiet_until(now, message.customer.branch.organisation.tz)
        if later is not None:
            message.status, message.next_attempt_at = MessageStatus.DEFERRED, later
            message.save(update_fields=["status", "next_attempt_at"])
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.last_attempt_at = now
        message.save(update_fields=["status", "attempts", "last_attempt_at"])
        return message


def deliver(message_id: int, *, now: datetime | None = None) -> Message | None:
    """One delivery attempt; records sent, a retry moment with back-off, or failed.

    The network call happens outside any transaction, so no row lock is held while an SMTP
    server or a gateway is slow.
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    try:
        provider_id = _send(message)
    except DeliveryError as error:
        return _record_failure(message, str(error), now)
    with transaction.atomic():
        message.status, message.sent_at = MessageStatus.SENT, now
        message.provider_id, message.next_attempt_at = provider_id[:200], None
        message.last_error = ""
        message.save(
            update_fields=["status", "sent_at", "provider_id", "next_attempt_at", "last_error"]
        )
    return message


def _record_failure(message: Message, error: str, now: datetime) -> Message:
    message.last_error = error[:500]
    if message.attempts >= message.attempt_limit:
        message.status, message.next_attempt_at = MessageStatus.FAILED, None
    else:
        in_round = settings.AFTERCARE_MESSAGE_MAX_ATTEMPTS - (
            message.attempt_limit - message.attempts
        )
        retry_at = now + backoff(max(1, in_round))
        later = quiet_until(retry_at, message.customer.branch.organisation.tz)
        message.status = MessageStatus.DEFERRED if later else MessageStatus.QUEUED
        message.next_attempt_at = later or retry_at
    with transaction.atomic():
        message.save(update_fields=["status", "next_attempt_at", "last_error"])
    return message


def fail_interrupted(now: datetime) -> int:
    """Messages stuck in `sending` (the worker died mid-send) become failed, for a person."""
    count = 0
    stale = Message.objects.filter(
        status=MessageStatus.SENDING, last_attempt_at__lt=now - INTERRUPTED_AFTER
    )
    for message in stale:
        with transaction.atomic():
            message.status = MessageStatus.FAILED
            message.last_error = "interrupted while sending; check before retrying"
            message.save(update_fields=["status", "last_error"])
            count += 1
    return count


@transaction.atomic
def retry_message(message: Message, *, by, at: datetime | None = None) -> Message:
    """A supervisor sends a failed message again: a new round of attempts starts now."""
    ensure_allowed(by, "messaging.retry_message", message.customer.branch)
    at = at or timezone.now()
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.FAILED:
        raise Conflict(_("Only a failed message can be retried."), code="message_not_failed")
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = at
    message.attempt_limit = message.attempts + settings.AFTERCARE_MESSAGE_MAX_ATTEMPTS
    message._change_reason = f"retried by {by.username}"
    message.save(update_fields=["status", "next_attempt_at", "attempt_limit"])
    _enqueue_on_commit(message, at)
    return message


@transaction.atomic
def opt_out(customer, *, channel: str, by, reason: str = "", at=None) -> OptOut:
    """Record that the customer wants no more messages on `channel`; queued ones stop too."""
    ensure_allowed(by, "messaging.add_optout", customer.branch)
    if channel not in Channel.values:
        message = _("Unknown channel.")
        raise InvalidInput(message, fields={"channel": [message]})
    at = at or timezone.now()
    row, _created = OptOut.objects.get_or_create(
        customer=customer,
        channel=channel,
        defaults={"reason": reason[:300], "recorded_by": by, "recorded_at": at},
    )
    waiting = Message.objects.select_for_update().filter(
        customer=customer, channel=channel, status__in=WAITING
    )
    for message in waiting:
        message.status = MessageStatus.SUPPRESSED
        message.suppressed_because = SuppressReason.OPTED_OUT
        message.next_attempt_at = None
        message.save(update_fields=["status", "suppressed_because", "next_attempt_at"])
    return row


# --- Maintenance reminders (DS-2M) -------------------------------------------------------


def reminder_reason(vehicle, due_on) -> str:
    return f"DS-2M:vehicle:{vehicle.pk}:{due_on.isoformat()}"


def _reminder_owner(customer):
    """The customer's follow-up advisor; without one, a supervisor of the branch (who can
    reassign it) so the reminder is never lost."""
    from aftercare.org.models import User
    from aftercare.org.roles import Role

    if customer.followup_advisor_id and customer.followup_advisor.is_active:
        return customer.followup_advisor
    return (
        User.objects.filter(
            is_active=True, branch_id=customer.branch_id, groups__name=Role.SUPERVISOR
        )
        .order_by("pk")
        .first()
    )


def _reminder_channel(customer) -> str | None:
    if customer.contact_channel == Channel.EMAIL and customer.email:
        return Channel.EMAIL
    has_phone = customer.phones.exists()
    if has_phone and customer.consents_to_sms:
        return Channel.SMS
    if customer.email:
        return Channel.EMAIL
    # Recorded as suppressed (no consent), so the page shows why nothing went out.
    return Channel.SMS if has_phone else None


def _reminder_text(vehicle, due_on) -> tuple[str, str]:
    customer, branch = vehicle.customer, vehicle.customer.branch
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Maintenance due for %(plate)s") % {"plate": vehicle.plate}
        body = _(
            "%(name)s: the next maintenance of %(plate)s is due on %(date)s. "
            "%(branch)s will be glad to book it for you. %(phone)s"
        ) % {
            "name": customer.name,
            "plate": vehicle.plate,
            "date": due_on.isoformat(),
            "branch": branch.name,
            "phone": branch.phone,
        }
    return subject, body.strip()


def open_maintenance_reminder(vehicle, due_on, *, now: datetime) -> MaintenanceReminder | None:
    """DS-2M for one vehicle and due date, due the rule's days before the maintenance; once.

    The deadline is counted back from the maintenance moment by `open_obligation` (RuleSetting
    may change the days). A message to the customer goes out with it when the organisation
    turned maintenance messages on.
    """
    customer = vehicle.customer
    owner = _reminder_owner(customer)
    if owner is None:
        return None
    tz = customer.branch.organisation.tz
    try:
        with transaction.atomic():
            if MaintenanceReminder.objects.filter(vehicle=vehicle, due_on=due_on).exists():
                return None
            obligation = open_obligation(
                "DS-2M", branch=customer.branch, owner=owner,
                event_at=start_of_day(due_on, tz), customer=customer, subject=vehicle,
                triggered_at=now,
                title=f"{vehicle.plate} {due_on.isoformat()}",
            )  # fmt: skip
            if obligation is None:
                return None
            message = None
            channel = _reminder_channel(customer)
            if settings.AFTERCARE_MAINTENANCE_MESSAGES and channel:
                subject, body = _reminder_text(vehicle, due_on)
                message = queue_message(
                    customer, channel=channel, reason=reminder_reason(vehicle, due_on),
                    subject=subject, body=body, at=now,
                )  # fmt: skip
            return MaintenanceReminder.objects.create(
                vehicle=vehicle, due_on=due_on, obligation=obligation, message=message,
                created_at=now,
            )  # fmt: skip
    except IntegrityError:  # a concurrent scan opened it first
        return None


def claim_maintenance_scan(organisation, now: datetime) -> bool:
    """The vehicle scan runs once a local day per organisation; True for the one that may."""
    day = local_date(now, organisation.tz)
    try:
        with transaction.atomic():
            MaintenanceScan.objects.create(organisation=organisation, day=day, started_at=now)
    except IntegrityError:
        return False
    return True


def remind_maintenance(now: datetime) -> int:
    """Open DS-2M for every vehicle whose maintenance falls due within the horizon."""
    from aftercare.messaging.queries import maintenance_candidates
    from aftercare.org.models import Organisation

    opened = 0
    for organisation in Organisation.objects.all():
        rule = effective_rule(organisation, "DS-2M")
        if not rule.enabled or rule.due_after is None:
            continue
        if not claim_maintenance_scan(organisation, now):
            continue
        for vehicle, due_on in maintenance_candidates(organisation, now, rule):
            if open_maintenance_reminder(vehicle, due_on, now=now) is not None:
                opened += 1
    return opened


# --- Calendar feeds ----------------------------------------------------------------------


@transaction.atomic
def create_feed(user, *, at: datetime | None = None) -> tuple[CalendarFeed, str]:
    """A new private feed URL; an earlier one stops working. The raw token is shown once."""
    at = at or timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=at)
    raw, prefix, digest = CalendarFeed.generate()
    feed = CalendarFeed.objects.create(user=user, prefix=prefix, digest=digest, created_at=at)
    return feed, raw


@transaction.atomic
def revoke_feed(user, *, at: datetime | None = None) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=at or timezone.now()
    )


def record_feed_use(feed: CalendarFeed, *, at: datetime | None = None) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=at or timezone.now())
