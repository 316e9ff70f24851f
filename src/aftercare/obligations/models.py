"""An obligation: one rule of the standard, owed by one person, by one moment."""

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from aftercare.obligations.choices import Status
from aftercare.org.access import ANY_BRANCH, Scope, is_signed_in
from aftercare.org.models import Absence, User

PENDING_Q = Q(done_at__isnull=True, cancelled_at__isnull=True)

#: The due moment of a clock that is stopped with no known end (a hotline ticket paused now,
#: BS-7/BS-8): no breach scan reaches it, lists put it last, and pages show "stopped" instead
#: of a moment. The clock's owner recomputes the real moment when the clock runs again.
CLOCK_STOPPED = datetime(2999, 12, 31, tzinfo=UTC)


def status_expression(now: datetime) -> Case:
    """The derived status as SQL, so filters and figures never load rows into Python."""
    return Case(
        When(cancelled_at__isnull=False, then=Value(Status.CANCELLED.value)),
        When(
            done_at__isnull=False,
            opens_at__isnull=False,
            done_at__lt=F("opens_at"),
            then=Value(Status.DONE_EARLY.value),
        ),
        When(
            done_at__isnull=False, done_at__lte=F("due_at"), then=Value(Status.DONE_ON_TIME.value)
        ),
        When(done_at__isnull=False, then=Value(Status.DONE_LATE.value)),
        When(opens_at__gt=now, then=Value(Status.UPCOMING.value)),
        When(due_at__lt=now, then=Value(Status.OVERDUE.value)),
        default=Value(Status.OPEN.value),
        output_field=models.CharField(),
    )


def pending_status(opens_at: datetime | None, due_at: datetime, now: datetime) -> Status:
    """The status of a pending obligation (the last three branches of `status_expression`)."""
    if opens_at is not None and opens_at > now:
        return Status.UPCOMING
    return Status.OVERDUE if due_at < now else Status.OPEN


def status_of(
    cancelled_at: datetime | None,
    done_at: datetime | None,
    opens_at: datetime | None,
    due_at: datetime,
    now: datetime,
) -> Status:
    """`status_expression` in Python, for rows read without it (`Obligation.status_at`)."""
    if cancelled_at:
        return Status.CANCELLED
    if done_at:
        if opens_at and done_at < opens_at:
            return Status.DONE_EARLY
        return Status.DONE_ON_TIME if done_at <= due_at else Status.DONE_LATE
    return pending_status(opens_at, due_at, now)


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def pending(self) -> "ObligationQuerySet":
        return self.filter(PENDING_Q)

    def overdue(self, now: datetime) -> "ObligationQuerySet":
        return self.filter(PENDING_Q, due_at__lt=now)

    def with_status(self, now: datetime | None = None) -> "ObligationQuerySet":
        # Obligation declares `status` for the rows this returns; the stubs' plugin takes the
        # declaration for a clash, Django does not (it is no field).
        return self.annotate(status=status_expression(now or timezone.now()))  # type: ignore[no-redef]

    def with_status_in(
        self, statuses: Iterable[str], now: datetime | None = None
    ) -> "ObligationQuerySet":
        # `status` is the annotation with_status adds (a Q: the type checker knows fields only).
        return self.with_status(now).filter(Q(status__in=list(statuses)))

    def visible_to(self, user: User, now: datetime | None = None) -> "ObligationQuerySet":
        """Administrators: organisation; supervisors: branch; others: own and covered work
        (`reader_scope`). The covered colleagues are read first (a statement of their own,
        then a list of ids PostgreSQL can use an index for)."""
        scope = reader_scope(user)
        if scope is None:
            return self.none()
        if scope.boundary != OWN_WORK:
            return self.filter(visible_condition(scope))
        from aftercare.org.queries import absent_colleagues

        covered = absent_colleagues(user, now or timezone.now())
        return self.filter(Q(owner_id=user.pk) | Q(owner_id__in=covered) | Q(done_by_id=user.pk))


# The reader's own work: what they owe, what they carry for absent colleagues, what they did.
OWN_WORK = "own"


def reader_scope(user: User) -> Scope | None:
    """Whose obligations `user` reads: None when signed out; `OWN_WORK` of `user` unless they
    oversee their branch (supervisors) or their organisation (administrators)."""
    if not is_signed_in(user):
        return None
    if user.is_superuser:
        return Scope(Scope.EVERYWHERE)
    if user.has_perm(ANY_BRANCH):
        return Scope(Scope.ORGANISATION, user.organisation_id)  # None: as in org
    if user.has_perm("obligations.view_branch_obligations"):
        return Scope(Scope.BRANCH, user.branch_id)
    return Scope(OWN_WORK, user.pk)


def visible_condition(scope: Scope, now: datetime | None = None) -> Q:
    """`reader_scope` as one filter; the covered colleagues of `OWN_WORK` as a subquery (for a
    read already narrowed by an index of its own, such as one customer's obligations, where
    reading them first would cost a round trip more than the subquery)."""
    if scope.boundary == Scope.EVERYWHERE:
        return Q()
    if scope.boundary == Scope.ORGANISATION:
        return Q(organisation_id=scope.id)
    if scope.boundary == Scope.BRANCH:
        return Q(branch_id=scope.id)
    covered = Absence.objects.active(now or timezone.now()).filter(stand_in_id=scope.id)
    return Q(owner_id=scope.id) | Q(owner_id__in=covered.values("user_id")) | Q(done_by_id=scope.id)


class Obligation(models.Model):
    """What a rule requires after a business event, with its window and its outcome.

    `owner` is the designated person; `done_by` who actually did it (a stand-in, DS-10).
    """

    # Not stored: `status` is with_status()'s annotation; the pages set the other two.
    status: str
    acting_owner_id: int | None
    next_step: tuple[StrOrPromise, str]

    rule = models.CharField(_("rule"), max_length=8)
    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, related_name="obligations"
    )
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="obligations", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("customer"),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # What was shown before titles were worded at display time, and still the snapshot in the
    # site's default language; pages show `display_title` (obligations/texts.py).
    title = models.CharField(_("title"), max_length=200, blank=True)
    title_key = models.CharField(_("title code"), max_length=40, blank=True, default="")
    title_params = models.JSONField(_("title data"), blank=True, default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("owner"),
    )
    triggered_at = models.DateTimeField(_("triggered at"))
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    overdue_notified_at = models.DateTimeField(_("supervisor notified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_at", "id"]
        permissions = [
            ("view_branch_obligations", _("Can see every obligation of the branch")),
            ("view_all_obligations", _("Can see every obligation of the organisation")),
            ("reassign_obligation", _("Can reassign an obligation")),
            ("cancel_obligation", _("Can cancel an obligation")),
        ]
        indexes = [
            # The worklist and tick scan only pending rows: partial indexes keep them small.
            # `id` completes the worklist's ORDER BY (due_at, id): PostgreSQL then reads one
            # owner's rows in order and stops at the page size (bench/RESULTS.md).
            models.Index(
                fields=["owner", "due_at", "id"],
                condition=PENDING_Q,
                name="obligation_pending_owner",
            ),
            models.Index(fields=["due_at"], condition=PENDING_Q, name="obligation_pending_due"),
            # tick's breach scan: only what is pending and not yet notified, so the scan is a
            # range of what newly fell due, not of everything overdue (bench/RESULTS.md).
            models.Index(
                fields=["due_at"],
                condition=PENDING_Q & Q(overdue_notified_at__isnull=True),
                name="obligation_unnotified_due",
            ),
            models.Index(fields=["branch", "due_at"], name="obligation_branch_due"),
            models.Index(fields=["customer", "rule"], name="obligation_customer_rule"),
            models.Index(fields=["subject_type", "subject_id"], name="obligation_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_at__lte=F("due_at")),
                name="obligation_opens_before_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.display_title}".strip()

    @property
    def display_title(self) -> str:
        """The title in the active language (obligations/texts.py)."""
        from aftercare.obligations import texts

        return texts.title(self)

    def status_at(self, now: datetime | None = None) -> str:
        return status_of(
            self.cancelled_at, self.done_at, self.opens_at, self.due_at, now or timezone.now()
        )

    @property
    def status_label(self) -> StrOrPromise:
        """The translated status, from the SQL annotation when present."""
        return Status(getattr(self, "status", None) or self.status_at()).label

    @property
    def clock_stopped(self) -> bool:
        """A paused clock: no due moment until it runs again (see ``CLOCK_STOPPED``)."""
        return self.due_at >= CLOCK_STOPPED

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def cancel_reason_text(self) -> str:
        return cancel_reason_text(self.cancel_reason)


# Reasons written by business events are stored as a code and its parameters (JSON) and
# rendered in the reader's language; reasons typed by a person are shown as typed.
CANCEL_REASONS = {
    "replaced_by_visit": _("Replaced by the follow-up of the visit of %(date)s."),
    # The hotline (BS-7, BS-8).
    "resolved_remotely": _("Resolved without a visit on site."),
    "no_fix_target": _("No fix target applies after the ticket's category changed."),
    # Spare parts (BS-12).
    "reservation_cancelled": _("The reservation was cancelled."),
    # Preventive maintenance (BS-9).
    "plan_revised": _("Held back by the revision of the plan (version %(n)s): %(reason)s"),
    "visit_moved": _("The visit moved to %(date)s: %(reason)s"),
}


def replaced_by_visit(day: date) -> str:
    """DS-3: a newer visit with the same vehicle carries the first follow-up."""
    return json.dumps({"code": "replaced_by_visit", "date": day.isoformat()})


def coded_reason(code: str, **params: object) -> str:
    """A cancel reason stored as its code and parameters, worded when shown (CANCEL_REASONS)."""
    return json.dumps({"code": code, **params}, ensure_ascii=False)


def cancel_reason_text(reason: str) -> str:
    try:
        data = json.loads(reason)
    except ValueError:
        return reason
    if not isinstance(data, dict) or data.get("code") not in CANCEL_REASONS:
        return reason
    params = {key: value for key, value in data.items() if key != "code"}
    try:
        return str(CANCEL_REASONS[data["code"]]) % params
    except (KeyError, TypeError):
        return reason


class Notification(models.Model):
    """An in-app message (and e-mail) to a person; unique per reason so it is sent once."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated to you")
        EMERGENCY = "emergency", _("Emergency escalation")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "recipient", "kind"], name="notification_once_per_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.obligation}"
