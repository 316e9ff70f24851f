"""The only writers of reviews: draft (by tick or by hand), edit the summary, finalise (DS-11)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.obligations.actions import fulfil_pending, open_obligation
from aftercare.org.models import User
from aftercare.org.roles import Role
from aftercare.reviews import periods, queries
from aftercare.reviews.choices import ReviewKind, ReviewStatus
from aftercare.reviews.models import FROZEN_MESSAGE, Review

SUMMARY_MAX = 20_000


def _check_summary(summary: str) -> str:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        message = _("The summary is too long (at most %(max)d characters).") % {"max": SUMMARY_MAX}
        raise InvalidInput(message, fields={"summary": [message]})
    return summary


def _ensure_writer(by, branch) -> None:
    if not queries.can_write(by, branch):
        raise NotAllowed(_("Only the supervisor of the branch writes and finalises its reviews."))


def _ensure_draft(review: Review) -> None:
    if review.is_finalised:
        raise Conflict(FROZEN_MESSAGE, code="review_finalised")


def review_owner(branch):
    """Who DS-11 is owed by: the branch's supervisor, else an administrator of the organisation."""
    staff = User.objects.filter(is_active=True, organisation_id=branch.organisation_id)
    return (
        staff.filter(branch=branch, groups__name=Role.SUPERVISOR).order_by("pk").first()
        or staff.filter(groups__name=Role.ADMINISTRATOR).order_by("pk").first()
    )


def _draft(branch, kind: str, period: periods.Period, *, now, summary: str = ""):
    label = periods.label(kind, period)
    review, created = Review.objects.get_or_create(
        branch=branch, kind=kind, period=label,
        defaults={"summary": summary,
                  "figures": queries.snapshot(branch, period, kind=kind, now=now)},
    )  # fmt: skip
    if created:
        owner = review_owner(branch)
        if owner is not None:
            # The period is stored as numbers and worded per reader ("November 2026",
            # "2026年11月"), never as the label of the language tick ran in.
            if kind == ReviewKind.YEARLY:
                key, params = "review_yearly", {"year": period.first.year}
            else:
                key = "review_monthly"
                params = {"year": period.first.year, "month": period.first.month}
            open_obligation(
                "DS-11", branch=branch, owner=owner, event_at=period.last_moment,
                subject=review, title_key=key, title_params=params,
            )  # fmt: skip
    return review, created


def _ended(period: periods.Period, now) -> None:
    if period.end > now:
        message = _("A review can be written once its period has ended.")
        raise InvalidInput(message, fields={"period": [message]})


@transaction.atomic
def draft_review(branch, *, kind: str, period: str, now=None) -> tuple[Review, bool]:
    """The draft of a period that ended, with its figures and DS-11 for the supervisor
    (due 5 days after the period, a setting); a second call finds the first draft."""
    now = now or timezone.now()
    found = periods.review_period(kind, period, branch.organisation.tz)
    _ended(found, now)
    return _draft(branch, kind, found, now=now)


@transaction.atomic
def create_review(branch, *, by, kind: str, period: str, summary: str = "") -> Review:
    """A supervisor starts the review of an ended period by hand (tick may have done it)."""
    _ensure_writer(by, branch)
    if kind not in ReviewKind.values:
        message = _("Choose a monthly or a yearly review.")
        raise InvalidInput(message, fields={"kind": [message]})
    summary = _check_summary(summary)
    now = timezone.now()
    found = periods.review_period(kind, period, branch.organisation.tz)
    _ended(found, now)
    review, created = _draft(branch, kind, found, now=now, summary=summary)
    if not created:
        raise Conflict(
            _("The review of %(period)s already exists.") % {"period": review.period},
            code="review_exists",
        )
    return review


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update().select_related("branch__organisation").get(pk=review.pk)
    )


@transaction.atomic
def update_review(review: Review, *, by, summary: str) -> Review:
    """Edit a draft's summary; its figures are taken again as they are now."""
    _ensure_writer(by, review.branch)
    review = _locked(review)
    _ensure_draft(review)
    review.summary = _check_summary(summary)
    review.figures = _figures_now(review, timezone.now())
    review.save()
    return review


def _figures_now(review: Review, now) -> dict:
    period = periods.review_period(review.kind, review.period, review.branch.organisation.tz)
    return queries.snapshot(review.branch, period, kind=review.kind, now=now)


@transaction.atomic
def finalise_review(review: Review, *, by, summary: str | None = None) -> Review:
    """Freeze the text and the figures as they are now and fulfil DS-11; final."""
    _ensure_writer(by, review.branch)
    review = _locked(review)
    _ensure_draft(review)
    if summary is not None:
        review.summary = _check_summary(summary)
    if not review.summary:
        message = _("Write the summary before finalising.")
        raise InvalidInput(message, fields={"summary": [message]})
    now = timezone.now()
    review.figures = _figures_now(review, now)
    review.status = ReviewStatus.FINALISED
    review.finalised_at = now
    review.finalised_by = by
    review.save()
    fulfil_pending("DS-11", by=by, at=now, subject=review)
    return review


def draft_ended_reviews(now=None) -> int:
    """Tick: the review of the month and of the year that just ended, for every branch."""
    from aftercare.org.models import Branch

    now = now or timezone.now()
    branches = list(Branch.objects.select_related("organisation"))
    due = [
        (branch, kind, period)
        for branch in branches
        for kind, period in periods.ended_before(now, branch.organisation.tz)
        # An organisation that started using Aftercare later owes no review of before.
        if period.end > branch.organisation.created_at
    ]
    labels = {periods.label(kind, period) for _branch, kind, period in due}
    existing = set(
        Review.objects.filter(period__in=labels).values_list("branch_id", "kind", "period")
    )
    drafted = 0
    for branch, kind, period in due:
        if (branch.pk, kind, periods.label(kind, period)) in existing:
            continue
        with transaction.atomic():
            _review, created = _draft(branch, kind, period, now=now)
        drafted += created
    return drafted
