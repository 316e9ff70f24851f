"""The only place that opens, fulfils, cancels and reassigns obligations."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.moments import event_moment
from aftercare.obligations import texts
from aftercare.obligations.models import Notification, Obligation
from aftercare.org.access import ANY_BRANCH, ensure_allowed, ensure_permission
from aftercare.org.models import Branch, Organisation, User
from aftercare.records.bulk import insert_with_history
from aftercare.records.claims import claim_unset
from aftercare.standard.calendar import ServiceHours
from aftercare.standard.deadlines import Window, effective_rule, window
from aftercare.standard.rules import Rule


def open_obligation(
    rule_id: str,
    *,
    branch: Branch,
    owner: User,
    event_at: datetime,
    customer: Model | None = None,
    subject: Model | None = None,
    title: str = "",
    title_key: str = "",
    title_params: dict[str, Any] | None = None,
    service_hours: ServiceHours | None = None,
    triggered_at: datetime | None = None,
    due_at: datetime | None = None,
    rule: Rule | None = None,
) -> Obligation | None:
    """Open what `rule_id` requires after an event at `event_at`; None if the rule is off.

    `triggered_at` is when the duty arose, where that differs from the moment the window is
    counted from: a reminder counted back from a future maintenance date, or a recurring duty
    whose period ends later. Work may be done from `triggered_at` on.

    The title is given as `title_key` and `title_params` (obligations/texts.py) so that each
    reader sees it in their language; `title` is only for text that has no key.

    `due_at` is for a caller that computed the due moment itself: the hotline reads its clocks
    from the ticket's event log (servicedesk.clocks), so the rule's window is not computed.

    Callers run inside their own action's transaction, so the event and its obligations land
    together or not at all.
    """
    organisation = branch.organisation
    rule = rule or effective_rule(organisation, rule_id)  # given: read already by the caller
    if not rule.enabled:
        return None
    if due_at is not None:
        win = Window(opens_at=None, due_at=due_at)
    else:
        win = window(organisation, rule_id, event_at, rule=rule, service_hours=service_hours)
    return Obligation.objects.create(
        rule=rule_id,
        organisation=organisation,
        branch=branch,
        customer=customer,  # type: ignore[misc]  # a Customer: customers is above this layer
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        title=_stored_title(title, title_key, title_params, subject),
        title_key=title_key,
        title_params=title_params or {},
        owner=owner,
        triggered_at=min(triggered_at or event_at, event_at),
        opens_at=win.opens_at,
        due_at=win.due_at,
    )


def _stored_title(
    title: str, key: str, params: dict[str, Any] | None, subject: Model | None
) -> str:
    """The old column's text: a snapshot of the keyed title in the site's language."""
    if key:
        return title or texts.snapshot(key, params)
    return (title or (str(subject) if subject is not None else ""))[:200]


def counted_back_window(
    organisation: Organisation,
    rule_id: str,
    event_at: datetime,
    *,
    triggered_at: datetime,
    rule: Rule | None = None,
) -> tuple[Window, bool]:
    """The window of a rule counted back from a future event (DS-7: 14 days before the start).

    Returns (window, late). When the counted-back due moment has already passed at
    `triggered_at` (the event was announced too late), the work falls due at once: at the end
    of the day of `triggered_at` — still computed by `window`, with the rule's days set to 0.
    """
    rule = rule or effective_rule(organisation, rule_id)
    win = window(organisation, rule_id, event_at, rule=rule)
    if win.due_at >= triggered_at:
        return win, False
    now_rule = rule.with_overrides(due_after=0, opens_after=0 if rule.opens_after else None)
    return window(organisation, rule_id, triggered_at, rule=now_rule), True


def open_obligations_bulk(
    rule_id: str,
    *,
    organisation: Organisation,
    rows: Iterable[tuple[int, int, int | None]],
    event_at: datetime,
    triggered_at: datetime | None = None,
    subject: Model | None = None,
    title: str = "",
    title_key: str = "",
    title_params: dict[str, Any] | None = None,
    by: User | None = None,
    batch_size: int = 5000,
) -> tuple[int, bool]:
    """Open one obligation per `(branch_id, owner_id, customer_id)` row, all with one window.

    For events that concern many customers at once (a campaign's 100 000 targets): the window
    is computed once (`counted_back_window`) instead of once per row, and rows are written in
    batches with their history rows (COPY on PostgreSQL). Returns (how many, late).
    Runs inside the caller's transaction, like `open_obligation`.
    """
    rule = effective_rule(organisation, rule_id)
    if not rule.enabled:
        return 0, False
    triggered_at = triggered_at or event_at
    win, late = counted_back_window(
        organisation, rule_id, event_at, triggered_at=triggered_at, rule=rule
    )
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    common = {
        "rule": rule_id,
        "organisation_id": organisation.pk,
        "subject_type": subject_type,
        "subject_id": subject.pk if subject is not None else None,
        "title": _stored_title(title, title_key, title_params, subject),
        "title_key": title_key,
        "title_params": title_params or {},
        "triggered_at": triggered_at,
        "opens_at": win.opens_at,
        "due_at": win.due_at,
    }
    count = 0
    batch: list[Obligation] = []
    reason = f"{rule_id} bulk"
    for branch_id, owner_id, customer_id in rows:
        batch.append(
            Obligation(branch_id=branch_id, owner_id=owner_id, customer_id=customer_id, **common)
        )
        if len(batch) >= batch_size:
            insert_with_history(
                Obligation, batch, user=by, reason=reason, at=triggered_at, batch_size=batch_size
            )
            count += len(batch)
            batch = []
    if batch:
        insert_with_history(
            Obligation, batch, user=by, reason=reason, at=triggered_at, batch_size=batch_size
        )
        count += len(batch)
    return count, late


def _locked(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().get(pk=obligation.pk)


def _ensure_pending(obligation: Obligation) -> None:
    if obligation.cancelled_at is not None:
        raise Conflict(_("This obligation was cancelled."), code="obligation_cancelled")
    if obligation.done_at is not None:
        raise Conflict(_("This obligation is already done."), code="obligation_done")


@transaction.atomic
def fulfil(
    obligation: Obligation, *, by: User, at: datetime | None = None, outcome: str = ""
) -> Obligation:
    """Record the work as done at `at` by `by` (who may be a stand-in for the owner).

    Called by the actions of business events (a call, a letter) once they have checked their
    own permission; a person ticking work off directly goes through `mark_done`.
    """
    at = event_moment(at)
    obligation = _locked(obligation)
    _ensure_pending(obligation)
    if at < obligation.triggered_at:
        message = _("The work cannot be done before the event that required it.")
        raise InvalidInput(message, fields={"at": [str(message)]})
    obligation.done_at = at
    obligation.done_by = by
    obligation.outcome = outcome
    obligation.save(update_fields=["done_at", "done_by", "outcome"])
    return obligation


def mark_done(
    obligation: Obligation, *, by: User, at: datetime | None = None, outcome: str = ""
) -> Obligation:
    """Someone ticks the work off on My work or through the API: whoever may see it may do it
    (its owner, their stand-in, the branch's supervisor), nobody else."""
    ensure_permission(by, "obligations.change_obligation")
    if not Obligation.objects.visible_to(by, event_moment(at)).filter(pk=obligation.pk).exists():
        raise NotAllowed(_("This work is not yours to do."))
    return fulfil(obligation, by=by, at=at, outcome=outcome)


def fulfil_pending(
    rule_id: str,
    *,
    by: User,
    at: datetime,
    subject: Model | None = None,
    customer: Model | None = None,
) -> int:
    """Fulfil the pending obligations of a rule for a subject or customer; returns how many."""
    qs = Obligation.objects.pending().filter(rule=rule_id)
    if subject is not None:
        qs = qs.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
    if customer is not None:
        qs = qs.filter(customer=customer)  # type: ignore[misc]  # a Customer, as above
    count = 0
    for obligation in qs.select_for_update():
        obligation.done_at = at
        obligation.done_by = by
        obligation.save(update_fields=["done_at", "done_by"])
        count += 1
    return count


@transaction.atomic
def cancel(
    obligation: Obligation, *, by: User, reason: str, at: datetime | None = None
) -> Obligation:
    ensure_allowed(by, "obligations.cancel_obligation", obligation.branch)
    reason = (reason or "").strip()
    if not reason:
        message = _("Give a reason for cancelling.")
        raise InvalidInput(message, fields={"reason": [str(message)]})
    obligation = _locked(obligation)
    _ensure_pending(obligation)
    obligation.cancelled_at = event_moment(at)
    obligation.cancel_reason = reason
    obligation.save(update_fields=["cancelled_at", "cancel_reason"])
    return obligation


def cancel_superseded(obligation: Obligation, *, at: datetime, reason: str) -> Obligation:
    """A business event made the duty moot (a newer visit's first follow-up replaces it).

    Called inside that event's action, after its own permission check: the advisor who hands
    over a car may not cancel work by hand, but the pick-up itself moves the follow-up. The
    reason is a coded one (see `models.cancel_reason_text`), rendered in the reader's language.
    """
    obligation.cancelled_at = at
    obligation.cancel_reason = reason
    obligation.save(update_fields=["cancelled_at", "cancel_reason"])
    return obligation


@transaction.atomic
def reassign(obligation: Obligation, *, to: User, by: User, reason: str = "") -> Obligation:
    """Give the obligation a new designated owner of the same branch."""
    from aftercare.org.queries import can_manage

    ensure_allowed(by, "obligations.reassign_obligation", obligation.branch)
    if not can_manage(by, to):
        raise NotAllowed(_("You may not reassign this obligation."))
    obligation = _locked(obligation)
    _ensure_pending(obligation)
    if to.branch_id != obligation.branch_id and not to.has_perm(ANY_BRANCH):
        message = _("The new owner must work at the obligation's branch.")
        raise InvalidInput(message, fields={"owner_id": [str(message)]})
    # simple_history reads this attribute on save; its model type does not declare it.
    obligation._change_reason = reason  # type: ignore[attr-defined]
    obligation.owner = to
    obligation.save(update_fields=["owner"])
    return obligation


def mark_overdue_notified(now: datetime | None = None, *, limit: int = 1000) -> list[int]:
    """Claim newly overdue obligations for notification; each is claimed exactly once.

    The conditional UPDATE is the lock: two ticks racing cannot both claim the same row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        candidates = list(
            Obligation.objects.overdue(now)
            .filter(overdue_notified_at__isnull=True)
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        claimed = claim_unset(Obligation, candidates, "overdue_notified_at", now)
    return claimed


def supervisors_of(obligation: Obligation) -> QuerySet[User]:
    """Who answers for the owner's work: the branch's supervisors, else the administrators."""
    from aftercare.org.models import User
    from aftercare.org.roles import Role

    staff = User.objects.filter(is_active=True, organisation_id=obligation.organisation_id)
    supervisors = staff.filter(branch_id=obligation.branch_id, groups__name=Role.SUPERVISOR)
    if supervisors.exists():
        return supervisors.exclude(pk=obligation.owner_id) or supervisors
    return staff.filter(groups__name=Role.ADMINISTRATOR)


@transaction.atomic
def notify_overdue(obligation: Obligation) -> list[Notification]:
    """Tell the owner's supervisor that an obligation is overdue; a repeat call adds nothing."""
    created = []
    for supervisor in supervisors_of(obligation):
        notification, is_new = Notification.objects.get_or_create(
            obligation=obligation, recipient=supervisor, kind=Notification.Kind.OVERDUE
        )
        if is_new:
            created.append(notification)
    for notification in created:
        _email_overdue(notification)
    return created


def branch_supervisors(branch: Branch) -> QuerySet[User]:
    """Who answers for a branch: its supervisors, else the organisation's administrators;
    in a stable order, so "the first one" who owns a duty (DS-4E) is always the same."""
    from aftercare.org.models import User
    from aftercare.org.roles import Role

    staff = User.objects.filter(is_active=True, organisation_id=branch.organisation_id)
    supervisors = staff.filter(branch_id=branch.pk, groups__name=Role.SUPERVISOR)
    if not supervisors.exists():
        supervisors = staff.filter(groups__name=Role.ADMINISTRATOR)
    return supervisors.distinct().order_by("pk")


def first_supervisor(branch: Branch) -> User | None:
    """``branch_supervisors(branch).first()`` — the one who owns a duty — in one query where
    the branch has a supervisor (the usual case; an action opening a clock pays for each)."""
    from aftercare.org.models import User
    from aftercare.org.roles import Role

    staff = User.objects.filter(is_active=True, organisation_id=branch.organisation_id)
    found = staff.filter(branch_id=branch.pk, groups__name=Role.SUPERVISOR).order_by("pk").first()
    if found is None:
        found = staff.filter(groups__name=Role.ADMINISTRATOR).order_by("pk").first()
    return found


@transaction.atomic
def notify(obligation: Obligation, *, kind: str, recipients: Iterable[User]) -> list[Notification]:
    """Tell each recipient about an obligation once per `kind` (the unique constraint makes a
    retried task add nothing) and e-mail those with an address. The generic twin of
    `notify_overdue`, for notices that are not about lateness (an escalation, DS-4E)."""
    created = []
    for recipient in recipients:
        notification, is_new = Notification.objects.get_or_create(
            obligation=obligation, recipient=recipient, kind=kind
        )
        if is_new:
            created.append(notification)
    for notification in created:
        _EMAILS.get(Notification.Kind(notification.kind), _email_overdue)(notification)
    return created


def _email_escalated(notification: Notification) -> None:
    from django.utils import translation

    obligation = notification.obligation
    # Written in the recipient's language, like the overdue e-mail.
    with translation.override(texts.language_of(notification.recipient)):
        title = obligation.display_title
        subject = _("Escalated to you: %(title)s") % {"title": title}
        body = _("%(title)s was escalated to you; answer it by %(due)s.") % {
            "title": title,
            "due": timezone.localtime(obligation.due_at, obligation.organisation.tz).strftime(
                "%Y-%m-%d %H:%M"
            ),
        }
    _send_notification_mail(notification, subject, body)


def _email_emergency(notification: Notification) -> None:
    from django.utils import translation

    obligation = notification.obligation
    with translation.override(texts.language_of(notification.recipient)):
        title = obligation.display_title
        subject = _("Emergency: %(title)s") % {"title": title}
        body = _("An emergency is still open: %(title)s (%(owner)s).") % {
            "title": title,
            "owner": obligation.owner,
        }
    _send_notification_mail(notification, subject, body)


def _send_notification_mail(notification: Notification, subject: object, body: object) -> None:
    """The one way a notification goes out by e-mail; nothing when the person has no address."""
    from django.core.mail import send_mail

    recipient = notification.recipient
    if not recipient.email:
        return
    send_mail(str(subject), str(body), None, [recipient.email], fail_silently=False)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def _email_overdue(notification: Notification) -> None:
    """The e-mail is read away from any page, so it is written in the recipient's language
    (their switcher choice), not in whatever the worker happens to run in."""
    from django.core.mail import send_mail
    from django.utils import translation

    recipient = notification.recipient
    if not recipient.email:
        return
    obligation = notification.obligation
    with translation.override(texts.language_of(recipient)):
        title = obligation.display_title
        subject = _("Overdue: %(rule)s %(title)s") % {"rule": obligation.rule, "title": title}
        body = _("%(owner)s has not done %(rule)s %(title)s, due %(due)s.") % {
            "owner": obligation.owner,
            "rule": obligation.rule,
            "title": title,
            "due": timezone.localtime(obligation.due_at, obligation.organisation.tz).strftime(
                "%Y-%m-%d %H:%M"
            ),
        }
    send_mail(str(subject), str(body), None, [recipient.email], fail_silently=False)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def mark_notifications_read(user: User, *, at: datetime | None = None) -> int:
    unread = user.notifications.filter(read_at__isnull=True)
    return unread.update(read_at=at or timezone.now())


# The e-mail of each notification kind; `notify` falls back to the overdue text.
_EMAILS = {
    Notification.Kind.OVERDUE: _email_overdue,
    Notification.Kind.ESCALATED: _email_escalated,
    Notification.Kind.EMERGENCY: _email_emergency,
}
