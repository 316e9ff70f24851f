"""Read side of messaging/: the messages page, due vehicles, the calendar feed's events."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from aftercare.messaging.gateways import configured_gateway
from aftercare.messaging.models import CalendarFeed, MaintenanceReminder, Message
from aftercare.messaging.quiet import quiet_hours
from aftercare.standard.calendar import local_date

FEED_PAST_DAYS = 30  # overdue work stays in the calendar this long
FEED_LIMIT = 1000


def messages_for(user, status: str = "") -> QuerySet[Message]:
    qs = Message.objects.visible_to(user).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-queued_at", "-id")


def get_message_for(user, pk: int) -> Message:
    message = Message.objects.visible_to(user).filter(pk=pk).select_related("customer").first()
    if message is None:
        raise Http404
    return message


def delivery_settings() -> dict:
    """What the messages page shows read-only (no passwords or tokens)."""
    interval = quiet_hours()
    try:
        gateway = configured_gateway().describe()
    except Exception as error:  # a broken setting must not break the page that shows it
        gateway = {"backend": settings.AFTERCARE_SMS_BACKEND, "error": str(error)}
    return {
        "email_backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2],
        "email_host": settings.EMAIL_HOST,
        "email_port": settings.EMAIL_PORT,
        "email_user": settings.EMAIL_HOST_USER,
        "email_tls": settings.EMAIL_USE_TLS or getattr(settings, "EMAIL_USE_SSL", False),
        "email_from": settings.DEFAULT_FROM_EMAIL,
        "sms": gateway,
        "quiet_hours": f"{interval[0]:%H:%M}–{interval[1]:%H:%M}" if interval else "",
        "max_attempts": settings.AFTERCARE_MESSAGE_MAX_ATTEMPTS,
        "backoff_minutes": settings.AFTERCARE_MESSAGE_BACKOFF_MINUTES,
        "maintenance_messages": settings.AFTERCARE_MAINTENANCE_MESSAGES,
        "maintenance_lead_days": settings.AFTERCARE_MAINTENANCE_LEAD_DAYS,
    }


def maintenance_candidates(organisation, now: datetime, rule):
    """(vehicle, due date) for the organisation's vehicles whose next maintenance — by date,
    or projected from mileage — falls between today and the horizon, without a pending DS-2M.

    The horizon is the rule's days before the maintenance plus the lead days the advisor
    gets before the reminder itself falls due.
    """
    from aftercare.customers.models import Vehicle
    from aftercare.obligations.models import Obligation

    today = local_date(now, organisation.tz)
    horizon = today + timedelta(
        days=max(0, -rule.due_after) + settings.AFTERCARE_MAINTENANCE_LEAD_DAYS
    )
    pending = set(
        Obligation.objects.pending()
        .filter(organisation=organisation, rule="DS-2M", subject_id__isnull=False)
        .values_list("subject_id", flat=True)
    )
    # One reminder per maintenance cycle: a projection that drifts with new mileage readings
    # must not remind again until the car has been serviced.
    last_reminded = dict(
        MaintenanceReminder.objects.filter(vehicle__customer__branch__organisation=organisation)
        .values_list("vehicle_id")
        .annotate(last=Max("created_at"))
    )
    vehicles = (
        Vehicle.objects.filter(customer__branch__organisation=organisation)
        .filter(
            Q(next_maintenance_on__range=(today, horizon))
            | Q(
                next_maintenance_km__isnull=False,
                mileage__isnull=False,
                mileage_on__isnull=False,
            )
        )
        .select_related("customer__branch__organisation", "customer__followup_advisor")
        .order_by("pk")
    )
    for vehicle in vehicles.iterator(chunk_size=2000):
        if vehicle.pk in pending or _reminded_this_cycle(vehicle, last_reminded, organisation.tz):
            continue
        due: date | None = vehicle.projected_maintenance_on()
        if due is not None and today <= due <= horizon:
            yield vehicle, due


def _reminded_this_cycle(vehicle, last_reminded: dict, tz) -> bool:
    last = last_reminded.get(vehicle.pk)
    if last is None:
        return False
    serviced = vehicle.last_maintenance_on
    return serviced is None or local_date(last, tz) >= serviced


def feed_owner(raw_token: str) -> tuple[CalendarFeed, object]:
    feed = CalendarFeed.objects.matching(raw_token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed, feed.user


def feed_obligations(user, now: datetime):
    """The user's pending obligations and those of colleagues they stand in for; a stopped
    clock (a paused hotline ticket) has no moment to put in a calendar."""
    from aftercare.obligations.models import CLOCK_STOPPED, Obligation
    from aftercare.org.queries import absent_colleagues

    owners = [user.pk, *absent_colleagues(user, now)]
    return (
        Obligation.objects.pending()
        .filter(owner_id__in=owners, due_at__gte=now - timedelta(days=FEED_PAST_DAYS))
        .filter(due_at__lt=CLOCK_STOPPED)
        .select_related("customer", "owner", "organisation")
        .order_by("due_at", "id")[:FEED_LIMIT]
    )


def feed_campaigns(user, now: datetime) -> list:
    """Scheduled campaigns of the user's branch (the organisation's for administrators)."""
    from aftercare.outreach.models import Campaign

    qs = Campaign.objects.filter(
        scheduled_at__isnull=False, ends_at__gte=now - timedelta(days=FEED_PAST_DAYS)
    )
    if user.branch_id is not None:
        qs = qs.filter(branch_id=user.branch_id)
    elif user.organisation_id is not None:
        qs = qs.filter(organisation_id=user.organisation_id)
    else:
        return []
    return list(qs.order_by("starts_at", "id")[:FEED_LIMIT])
